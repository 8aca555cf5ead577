//! Property tests through the public API: the session validator returns a typed error (never a
//! panic) for any token, and every public response type of the wire round-trips through JSON.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use descope::{Client, SessionConfig};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::common::PROJECT_ID;
use crate::tokens::{claims, key};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

/// A client that trusts the fixture key and never fetches.
fn client() -> &'static Client {
    static CLIENT: std::sync::OnceLock<Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder()
            .project_id(PROJECT_ID)
            .base_url("http://127.0.0.1:9")
            .session_config(SessionConfig::default().public_keys(crate::tokens::jwks()))
            .build()
            .unwrap()
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,10}".prop_map(Value::from),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec((".{0,6}", inner), 0..4)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Tokens of every shape: random text, three random parts, a real header with random claims
/// and signature, and a correctly signed token with random claims added.
fn tokens() -> impl Strategy<Value = String> {
    let kid = key().jwk()["kid"].clone();
    prop_oneof![
        ".{0,64}",
        "[A-Za-z0-9_.-]{0,300}",
        (json(), json(), prop::collection::vec(any::<u8>(), 0..300)).prop_map(
            |(header, payload, signature)| format!(
                "{}.{}.{}",
                b64(&header),
                b64(&payload),
                URL_SAFE_NO_PAD.encode(signature)
            )
        ),
        (json(), prop::collection::vec(any::<u8>(), 0..300)).prop_map(move |(payload, sig)| {
            let header = json!({"alg": "RS256", "kid": kid.clone(), "typ": "JWT"});
            format!(
                "{}.{}.{}",
                b64(&header),
                b64(&payload),
                URL_SAFE_NO_PAD.encode(sig)
            )
        }),
        prop::collection::vec((".{1,8}", json()), 0..4).prop_map(|extra| {
            let mut claims = claims("DS");
            for (name, value) in extra {
                claims[name] = value;
            }
            key().sign(&claims)
        }),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_validator_never_panics(token in tokens()) {
        let sessions = client().sessions();
        let result = runtime().block_on(sessions.validate(token.as_str()).send());
        if let Err(error) = result {
            // A typed error, whose text never quotes the token.
            let shown = error.to_string();
            prop_assert!(token.len() < 8 || !shown.contains(&token));
        }
        let _ = runtime().block_on(sessions.validate_refresh(token.as_str()).send());
    }
}

/// Decodes, encodes and decodes again: the second encoding equals the first.
fn round_trips<T: Serialize + DeserializeOwned>(value: Value) -> Result<(), TestCaseError> {
    let Ok(first) = serde_json::from_value::<T>(value) else {
        return Ok(()); // not a value of this type: refused, not a panic
    };
    let encoded = serde_json::to_value(&first).unwrap();
    let second: T = serde_json::from_value(encoded.clone())
        .map_err(|e| TestCaseError::fail(format!("re-decoding failed: {e}")))?;
    prop_assert_eq!(serde_json::to_value(&second).unwrap(), encoded);
    Ok(())
}

/// Objects with the wire's field names, so most cases are values of the type.
fn wire_object() -> impl Strategy<Value = Value> {
    const KEYS: &[&str] = &[
        "sessionJwt",
        "refreshJwt",
        "user",
        "userId",
        "loginIds",
        "roleNames",
        "userTenants",
        "tenantId",
        "firstSeen",
        "cookieMaxAge",
        "claims",
        "keys",
        "kid",
        "errorCode",
        "minLength",
        "lowercase",
        "resetMethod",
        "maskedEmail",
        "idpResponse",
        "OAuth",
        "TOTP",
    ];
    prop::collection::vec((prop::sample::select(KEYS), json()), 0..8).prop_map(|pairs| {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<Map<_, _>>(),
        )
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_public_response_type_round_trips(value in wire_object()) {
        use descope::wire::*;
        round_trips::<JwtResponse>(value.clone())?;
        round_trips::<ResponseUser>(value.clone())?;
        round_trips::<UserTenant>(value.clone())?;
        round_trips::<IdpResponse>(value.clone())?;
        round_trips::<PasswordPolicyResponse>(value.clone())?;
        round_trips::<PasswordResetResponse>(value.clone())?;
        round_trips::<KeysResponse>(value.clone())?;
        round_trips::<Jwk>(value.clone())?;
        round_trips::<ErrorResponse>(value.clone())?;
        round_trips::<EmptyResponse>(value)?;
    }
}
