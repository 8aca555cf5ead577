//! The typed user: what sign-up, sign-in, replace, refresh and `me` return about the user.

use crate::operation::Operation;
use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::wire::{ResponseUser, UserTenant};

/// A Descope user. What the service always sends is a plain value here: lists are empty and
/// flags `false` when the service leaves them out; only the user ID is required (a response
/// without one is an [`Error::Decode`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct User {
    /// The user's ID (`U2...`), stable for the user's lifetime.
    pub user_id: String,
    /// The login IDs (email, phone, username...) the user signs in with.
    pub login_ids: Vec<String>,
    /// Full name.
    pub name: Option<String>,
    /// Given name.
    pub given_name: Option<String>,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Whether the email address is verified.
    pub verified_email: bool,
    /// Phone number.
    pub phone: Option<String>,
    /// Whether the phone number is verified.
    pub verified_phone: bool,
    /// Picture URL.
    pub picture: Option<String>,
    /// The email address for password recovery.
    pub recovery_email: Option<String>,
    /// Whether the recovery email address is verified.
    pub verified_recovery_email: bool,
    /// The phone number for password recovery.
    pub recovery_phone: Option<String>,
    /// Whether the recovery phone number is verified.
    pub verified_recovery_phone: bool,
    /// When the user's consent expires, when the project tracks consent.
    pub consent_expiration: Option<std::time::SystemTime>,
    /// Enabled, disabled or invited.
    pub status: UserStatus,
    /// Whether this is a test user.
    pub test: bool,
    /// When the user was created.
    pub created_time: Option<std::time::SystemTime>,
    /// Project-level role names.
    pub roles: Vec<String>,
    /// Project-level permissions.
    pub permissions: Vec<String>,
    /// The tenants the user belongs to, with their roles there.
    pub tenants: Vec<TenantMembership>,
    /// Custom attributes, as set in the project.
    pub custom_attributes: Map<String, Value>,
    /// IDs of the user in external systems.
    pub external_ids: Vec<String>,
    /// The SSO applications the user may use.
    pub sso_app_ids: Vec<String>,
    /// Whether the user may be edited.
    pub editable: bool,
    /// Which authentication methods the user has set up.
    pub methods: AuthMethods,
}

/// A user's membership of a tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TenantMembership {
    /// The tenant ID.
    pub tenant_id: String,
    /// The tenant's name, when the service sent it.
    pub tenant_name: Option<String>,
    /// The user's roles in the tenant.
    pub roles: Vec<String>,
    /// The user's permissions in the tenant.
    pub permissions: Vec<String>,
}

/// Whether a user may sign in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserStatus {
    /// The user may sign in. What an absent status means.
    #[default]
    Enabled,
    /// The user was disabled and may not sign in.
    Disabled,
    /// The user was invited and has not signed in yet.
    Invited,
    /// A status this crate does not know, as sent (opaque: read it with `as_str()`).
    Other(crate::Unrecognized),
}

impl UserStatus {
    /// The status as on the wire (`enabled`, `disabled`, `invited`).
    pub fn as_str(&self) -> &str {
        match self {
            UserStatus::Enabled => "enabled",
            UserStatus::Disabled => "disabled",
            UserStatus::Invited => "invited",
            UserStatus::Other(status) => status.as_str(),
        }
    }
}

impl From<&str> for UserStatus {
    fn from(status: &str) -> Self {
        match status {
            "" | "enabled" => UserStatus::Enabled,
            "disabled" => UserStatus::Disabled,
            "invited" => UserStatus::Invited,
            other => UserStatus::Other(crate::Unrecognized::new(other)),
        }
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The authentication methods a user has set up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthMethods {
    /// A password.
    pub password: bool,
    /// WebAuthn (passkeys).
    pub webauthn: bool,
    /// Push notifications.
    pub push: bool,
    /// A TOTP authenticator app.
    pub totp: bool,
    /// SAML SSO.
    pub saml: bool,
    /// OIDC SSO.
    pub oidc: bool,
    /// SCIM provisioning.
    pub scim: bool,
    /// OAuth providers, by name (`google: true`).
    pub oauth: BTreeMap<String, bool>,
}

impl User {
    /// Whether the user has the project-level role `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// The user's membership of `tenant_id`, when they belong to it.
    pub fn tenant(&self, tenant_id: &str) -> Option<&TenantMembership> {
        self.tenants.iter().find(|t| t.tenant_id == tenant_id)
    }

    /// The typed user of a response; `operation` names the call in a decode error.
    pub(crate) fn from_wire(operation: Operation, wire: ResponseUser) -> Result<Self> {
        let user_id = wire
            .user_id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| Error::Decode {
                operation,
                reason: "the user has no userId".into(),
            })?;
        Ok(Self {
            user_id,
            login_ids: wire.login_ids.unwrap_or_default(),
            name: text(wire.name),
            given_name: text(wire.given_name),
            middle_name: text(wire.middle_name),
            family_name: text(wire.family_name),
            email: text(wire.email),
            verified_email: wire.verified_email.unwrap_or(false),
            phone: text(wire.phone),
            verified_phone: wire.verified_phone.unwrap_or(false),
            picture: text(wire.picture),
            recovery_email: text(wire.recovery_email),
            verified_recovery_email: wire.verified_recovery_email.unwrap_or(false),
            recovery_phone: text(wire.recovery_phone),
            verified_recovery_phone: wire.verified_recovery_phone.unwrap_or(false),
            consent_expiration: wire.consent_expiration.map(crate::time::instant),
            status: wire
                .status
                .as_deref()
                .map(UserStatus::from)
                .unwrap_or_default(),
            test: wire.test.unwrap_or(false),
            created_time: wire.created_time.map(crate::time::instant),
            roles: wire.role_names.unwrap_or_default(),
            permissions: wire.permissions.unwrap_or_default(),
            tenants: wire
                .user_tenants
                .unwrap_or_default()
                .into_iter()
                .filter_map(TenantMembership::from_wire)
                .collect(),
            custom_attributes: wire.custom_attributes.unwrap_or_default(),
            external_ids: wire.external_ids.unwrap_or_default(),
            sso_app_ids: wire.sso_app_ids.unwrap_or_default(),
            editable: wire.editable.unwrap_or(false),
            methods: AuthMethods {
                password: wire.password.unwrap_or(false),
                webauthn: wire.webauthn.unwrap_or(false),
                push: wire.push.unwrap_or(false),
                totp: wire.totp.unwrap_or(false),
                saml: wire.saml.unwrap_or(false),
                oidc: wire.oidc.unwrap_or(false),
                scim: wire.scim.unwrap_or(false),
                oauth: wire.o_auth.unwrap_or_default(),
            },
        })
    }
}

impl TenantMembership {
    /// `None` for an entry without a tenant ID (nothing to act on).
    fn from_wire(wire: UserTenant) -> Option<Self> {
        Some(Self {
            tenant_id: wire.tenant_id.filter(|id| !id.is_empty())?,
            tenant_name: text(wire.tenant_name),
            roles: wire.role_names.unwrap_or_default(),
            permissions: wire.permissions.unwrap_or_default(),
        })
    }
}

/// An optional text, with the empty string read as absent.
fn text(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}
