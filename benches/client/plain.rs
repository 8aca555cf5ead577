//! The tight baseline's answer type: what a hand-written client declares for the sign-in
//! answer, the wire's fields as plain values (no `Option` around each, no secret wrappers), every
//! one defaulted when absent.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The JWT response, as a plain struct with the wire's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PlainAuth {
    pub session_jwt: String,
    pub refresh_jwt: String,
    pub cookie_domain: String,
    pub cookie_path: String,
    pub cookie_name: String,
    pub cookie_max_age: i64,
    pub cookie_expiration: i64,
    pub session_cookie_name: String,
    pub session_cookie_domain: String,
    pub first_seen: bool,
    pub session_expiration: i64,
    pub next_refresh_seconds: i64,
    pub claims: Map<String, Value>,
    pub external_token: String,
    pub idp_response: Option<Value>,
    #[serde(rename = "tenantSSOID")]
    pub tenant_sso_id: String,
    pub trusted_device_jwt: String,
    #[serde(rename = "unsavedSSO")]
    pub unsaved_sso: bool,
    pub user: PlainUser,
}

/// The user of the answer.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PlainUser {
    pub user_id: String,
    pub login_ids: Vec<String>,
    pub name: String,
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
    pub email: String,
    pub verified_email: bool,
    pub phone: String,
    pub verified_phone: bool,
    pub picture: String,
    pub recovery_email: String,
    pub verified_recovery_email: bool,
    pub recovery_phone: String,
    pub verified_recovery_phone: bool,
    pub consent_expiration: i64,
    pub status: String,
    pub test: bool,
    pub created_time: i64,
    pub role_names: Vec<String>,
    pub permissions: Vec<String>,
    pub user_tenants: Vec<PlainTenant>,
    pub custom_attributes: Map<String, Value>,
    pub external_ids: Vec<String>,
    pub sso_app_ids: Vec<String>,
    pub editable: bool,
    pub password: bool,
    #[serde(rename = "TOTP")]
    pub totp: bool,
    #[serde(rename = "SAML")]
    pub saml: bool,
    #[serde(rename = "OIDC")]
    pub oidc: bool,
    #[serde(rename = "SCIM")]
    pub scim: bool,
    pub push: bool,
    pub webauthn: bool,
    #[serde(rename = "OAuth")]
    pub oauth: Map<String, Value>,
}

/// One tenant of the user.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PlainTenant {
    pub tenant_id: String,
    pub tenant_name: String,
    pub role_names: Vec<String>,
    pub permissions: Vec<String>,
}
