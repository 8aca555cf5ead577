//! The API reference's JSON examples, and variants of them, deserialize and round-trip.

use descope::wire::{
    JwtResponse, PasswordPolicyResponse, PasswordReplaceRequest, PasswordResetResponse,
    PasswordSignInRequest, ResponseUser,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::common::fixture;

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Value {
    let typed: T = serde_json::from_value(value.clone()).unwrap();
    serde_json::to_value(&typed).unwrap()
}

#[test]
fn seed_examples_round_trip() {
    for (name, back) in [
        (
            "signin_request",
            round_trip::<PasswordSignInRequest> as fn(&Value) -> Value,
        ),
        ("signin_response", round_trip::<JwtResponse>),
        ("replace_request", round_trip::<PasswordReplaceRequest>),
        ("replace_response", round_trip::<JwtResponse>),
    ] {
        let original = fixture(name);
        assert_eq!(back(&original), original, "{name} does not round-trip");
    }
}

#[test]
fn seed_response_fields_land_in_the_right_places() {
    let response: JwtResponse = serde_json::from_value(fixture("replace_response")).unwrap();
    let user = response.user.unwrap();
    assert_eq!(user.scim, Some(true));
    assert_eq!(user.totp, Some(false));
    assert_eq!(user.saml, Some(false));
    assert_eq!(user.o_auth.unwrap().get("property1"), Some(&false));
    assert_eq!(
        user.user_tenants.unwrap()[0].tenant_name.as_deref(),
        Some("string")
    );
    assert_eq!(
        response.idp_response.unwrap().idp_groups.unwrap(),
        vec!["string"]
    );
    assert_eq!(response.session_expiration, Some(0));
    assert_eq!(response.session_jwt.unwrap().secret(), "string");
}

#[test]
fn every_field_absent_is_accepted() {
    for (name, back) in [
        (
            "JWTResponse",
            round_trip::<JwtResponse> as fn(&Value) -> Value,
        ),
        ("ResponseUser", round_trip::<ResponseUser>),
        ("PasswordResetResponse", round_trip::<PasswordResetResponse>),
        (
            "PasswordPolicyResponse",
            round_trip::<PasswordPolicyResponse>,
        ),
    ] {
        assert_eq!(back(&json!({})), json!({}), "{name}");
    }
}

/// Every key of `value` (recursively) set to `null`.
fn nulled(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.keys().map(|k| (k.clone(), Value::Null)).collect()),
        _ => Value::Null,
    }
}

#[test]
fn nulls_are_accepted_everywhere_in_responses() {
    for name in ["signin_response", "replace_response"] {
        let seed = fixture(name);
        let all_null = nulled(&seed);
        let parsed: JwtResponse = serde_json::from_value(all_null).unwrap();
        assert!(parsed.session_jwt.is_none() && parsed.user.is_none());
        let user_nulls =
            json!({ "user": nulled(&seed["user"]), "idpResponse": nulled(&seed["idpResponse"]) });
        let parsed: JwtResponse = serde_json::from_value(user_nulls).unwrap();
        let user = parsed.user.unwrap();
        assert!(
            user.login_ids.is_none() && user.o_auth.is_none() && user.custom_attributes.is_none()
        );
        let tenant_nulls = json!({"userTenants": [nulled(&seed["user"]["userTenants"][0])]});
        let user: ResponseUser = serde_json::from_value(tenant_nulls).unwrap();
        assert!(user.user_tenants.unwrap()[0].role_names.is_none());
    }
}

#[test]
fn unknown_fields_are_ignored() {
    let mut seed = fixture("signin_response");
    seed["brandNewField"] = json!({"nested": [1, 2, 3]});
    seed["user"]["anotherNewField"] = json!("x");
    seed["user"]["userTenants"][0]["tenantNewField"] = json!(true);
    let parsed: JwtResponse = serde_json::from_value(seed).unwrap();
    assert_eq!(parsed.user.unwrap().user_id.as_deref(), Some("string"));
}

#[test]
fn upper_case_wire_names_are_kept() {
    let user =
        json!({"TOTP": true, "SAML": true, "OAuth": {"google": true}, "SCIM": false, "OIDC": true});
    assert_eq!(round_trip::<ResponseUser>(&user), user);
    // serde is case-sensitive: lower-case spellings are unknown fields, not these.
    let lower: ResponseUser = serde_json::from_value(json!({"totp": true})).unwrap();
    assert_eq!(lower.totp, None);
}
