//! Property tests of the private parsers and decoders: whatever the service sends, they return
//! a value or a typed error, never a panic; error text never carries control characters.
//! (The validator and the JSON round-trips are tested through the public API in `tests/it`.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue, SET_COOKIE};
use serde_json::{Map, Value};

use crate::auth_info::{cookie, AuthInfo};
use crate::error::{ApiError, ErrorCode};
use crate::operation::Operation;
use crate::password::ResetSent;
use crate::policy::PasswordPolicy;
use crate::session::Refreshed;
use crate::user::User;
use crate::wire::{JwtResponse, PasswordPolicyResponse, PasswordResetResponse, ResponseUser};

const CASES: u32 = 10_000;

/// 10,000 cases, and no regression files written into the source tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::from),
    ]
}

/// Any JSON, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec((".{0,6}", inner), 0..4)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// An object with some of `keys` (so the decoders see their own fields) and any values.
fn object_with(keys: &'static [&'static str], value: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop::collection::vec((prop::sample::select(keys), value), 0..keys.len())
        .prop_map(|pairs| {
            Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<Map<String, Value>>(),
            )
        })
        .boxed()
}

const USER_KEYS: &[&str] = &[
    "userId",
    "loginIds",
    "name",
    "email",
    "phone",
    "verifiedEmail",
    "status",
    "test",
    "createdTime",
    "roleNames",
    "userTenants",
    "permissions",
    "customAttributes",
    "OAuth",
    "TOTP",
];
const JWT_KEYS: &[&str] = &[
    "sessionJwt",
    "refreshJwt",
    "cookieName",
    "sessionCookieName",
    "cookieMaxAge",
    "cookieDomain",
    "firstSeen",
    "claims",
    "sessionExpiration",
    "nextRefreshSeconds",
    "externalToken",
    "user",
];

fn user() -> BoxedStrategy<Value> {
    let tenant = object_with(
        &["tenantId", "tenantName", "roleNames", "permissions"],
        json().boxed(),
    );
    let value = prop_oneof![
        3 => json(),
        1 => prop::collection::vec(tenant, 0..3).prop_map(Value::from),
        1 => Just(Value::from("U2abc")),
    ];
    object_with(USER_KEYS, value.boxed())
}

fn jwt_response() -> BoxedStrategy<Value> {
    let value = prop_oneof![
        3 => json(),
        2 => user(),
        2 => Just(Value::from("eyJ.eyJ.sig")),
    ];
    object_with(JWT_KEYS, value.boxed())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn jwt_responses_decode_or_fail_typed(body in jwt_response(), cookies in prop::collection::vec(".{0,40}", 0..3)) {
        let mut headers = HeaderMap::new();
        for value in &cookies {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.append(SET_COOKIE, value);
            }
        }
        let _ = cookie(&headers, "DS");
        if let Ok(wire) = serde_json::from_value::<JwtResponse>(body) {
            let _ = AuthInfo::from_response(Operation::PasswordSignIn, wire.clone(), &headers);
            if let Some((_, issued)) = Refreshed::parse(wire, &headers) {
                let _ = issued.user.map(|u| User::from_wire(Operation::RefreshSession, u));
            }
        }
    }

    #[test]
    fn users_policies_and_resets_decode_or_fail_typed(user in user(), other in json()) {
        if let Ok(wire) = serde_json::from_value::<ResponseUser>(user) {
            if let Ok(user) = User::from_wire(Operation::Me, wire) {
                prop_assert!(!user.user_id.is_empty());
            }
        }
        if let Ok(wire) = serde_json::from_value::<PasswordPolicyResponse>(other.clone()) {
            let policy = PasswordPolicy::from_wire(wire);
            let _ = policy.check("Sample-Passw0rd");
        }
        if let Ok(wire) = serde_json::from_value::<PasswordResetResponse>(other) {
            if let Ok(sent) = ResetSent::from_wire(Operation::PasswordSendReset, wire) {
                prop_assert!(!sent.method.as_str().is_empty());
            }
        }
    }

    #[test]
    fn error_text_never_carries_control_characters(code in ".{0,40}", description in ".{0,300}", status in 100u16..600) {
        let error = ApiError {
            operation: Operation::PasswordSignIn,
            status,
            code: Some(ErrorCode::from(code.as_str())),
            description: Some(description),
            message: None,
            retry_after: None,
        };
        let shown = error.to_string();
        prop_assert!(!shown.chars().any(char::is_control));
        // 200 characters of description at most, each escaped to at most 10.
        prop_assert!(shown.chars().count() < 2_600);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn error_bodies_keep_their_status(body in prop::collection::vec(any::<u8>(), 0..200), status in 400u16..600) {
        let runtime = runtime();
        let mut response = http::Response::new(body);
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
        let response = reqwest::Response::from(response);
        let normalized = runtime.block_on(crate::limits::normalize_error_body(response)).unwrap();
        prop_assert_eq!(normalized.status().as_u16(), status);
        let bytes = runtime.block_on(normalized.bytes()).unwrap();
        // What is left always parses as an error body.
        prop_assert!(serde_json::from_slice::<crate::wire::ErrorResponse>(&bytes).is_ok());
    }
}
