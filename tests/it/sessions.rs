//! Local validation: the adversarial corpus, claims, the key cache and the verified cache.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::hmac;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use descope::session::{Clock, TokenKind};
use descope::{Client, Error, RetryPolicy, SessionConfig, SessionError};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::PROJECT_ID;
use crate::tokens::{claims, jwks, key, now, EcKey, RsaKey};

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A clock at the real time plus an adjustable offset.
#[derive(Clone, Default)]
struct ShiftedClock(Arc<AtomicI64>);

impl ShiftedClock {
    fn shift(&self, seconds: i64) {
        self.0.store(seconds, Ordering::SeqCst);
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> SystemTime {
        let offset = self.0.load(Ordering::SeqCst);
        let now = SystemTime::now();
        if offset >= 0 {
            now + Duration::from_secs(offset as u64)
        } else {
            now - Duration::from_secs(offset.unsigned_abs())
        }
    }
}

fn client_with(config: SessionConfig) -> Client {
    // Keys are given: nothing is ever fetched (the base URL is never reached).
    Client::builder()
        .project_id(PROJECT_ID)
        .base_url("http://127.0.0.1:9")
        .session_config(config.public_keys(jwks()))
        .build()
        .unwrap()
}

async fn validate(client: &Client, token: &str) -> Result<descope::Session, SessionError> {
    match client.sessions().validate(token).await {
        Ok(session) => Ok(session),
        Err(Error::Session(e)) => Err(e),
        Err(other) => panic!("not a session error: {other:?}"),
    }
}

fn with(mut claims: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

/// One case of the corpus: its name, the token, and whether an error is the expected one.
type Case = (&'static str, String, fn(&SessionError) -> bool);

/// The corpus of hostile and broken tokens.
fn corpus() -> Vec<Case> {
    let key = key();
    let good = key.sign(&claims("DS"));
    let parts: Vec<&str> = good.split('.').collect();
    let now = now();
    let hs256 = |secret: &[u8]| {
        let header = json!({"alg": "HS256", "typ": "JWT", "kid": key.kid});
        let message = format!(
            "{}.{}",
            b64(header.to_string()),
            b64(claims("DS").to_string())
        );
        let tag = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, secret),
            message.as_bytes(),
        );
        format!("{message}.{}", b64(tag.as_ref()))
    };
    let mut tampered_payload = claims("DS");
    tampered_payload["sub"] = json!("U2attacker");
    let other_key = RsaKey::generate("test-key-1"); // same kid, other key
    let mut cases: Vec<Case> = vec![
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(json!({"alg": "none", "kid": key.kid}).to_string()),
                parts[1]
            ),
            |e| matches!(e, SessionError::DisallowedAlgorithm),
        ),
        (
            "alg None, signature kept",
            format!(
                "{}.{}.{}",
                b64(json!({"alg": "None", "kid": key.kid}).to_string()),
                parts[1],
                parts[2]
            ),
            |e| matches!(e, SessionError::DisallowedAlgorithm),
        ),
        (
            "HS256 with the public key DER",
            hs256(&key.public_der()),
            |e| matches!(e, SessionError::DisallowedAlgorithm),
        ),
        (
            "HS256 with the JWK text",
            hs256(key.jwk().to_string().as_bytes()),
            |e| matches!(e, SessionError::DisallowedAlgorithm),
        ),
        (
            "RS384 header on an RS256 key",
            key.sign_raw(&json!({"alg": "RS384", "kid": key.kid}), &claims("DS")),
            |e| matches!(e, SessionError::DisallowedAlgorithm),
        ),
        (
            "PS256 header on an RS256 key",
            key.sign_raw(&json!({"alg": "PS256", "kid": key.kid}), &claims("DS")),
            |e| matches!(e, SessionError::DisallowedAlgorithm),
        ),
        (
            "unknown kid",
            key.sign_raw(&json!({"alg": "RS256", "kid": "nope"}), &claims("DS")),
            |e| matches!(e, SessionError::UnknownKey),
        ),
        (
            "signed by another key with the same kid",
            other_key.sign(&claims("DS")),
            |e| matches!(e, SessionError::BadSignature),
        ),
        (
            "expired beyond leeway",
            key.sign(&with(claims("DS"), json!({"exp": now - 6}))),
            |e| matches!(e, SessionError::Expired),
        ),
        (
            "nbf in the future",
            key.sign(&with(claims("DS"), json!({"nbf": now + 60}))),
            |e| matches!(e, SessionError::NotYetValid),
        ),
        (
            "wrong iss",
            key.sign(&with(
                claims("DS"),
                json!({"iss": "https://evil.example.com/issuer"}),
            )),
            |e| matches!(e, SessionError::WrongIssuer),
        ),
        (
            "other project",
            key.sign(&with(
                claims("DS"),
                json!({"iss": "https://api.descope.com/P2otherproject"}),
            )),
            |e| matches!(e, SessionError::WrongIssuer),
        ),
        (
            "project ID as a prefix",
            key.sign(&with(
                claims("DS"),
                json!({"iss": format!("{PROJECT_ID}x")}),
            )),
            |e| matches!(e, SessionError::WrongIssuer),
        ),
        (
            "not a URL ending in the project",
            key.sign(&with(
                claims("DS"),
                json!({"iss": format!("evil/{PROJECT_ID}")}),
            )),
            |e| matches!(e, SessionError::WrongIssuer),
        ),
        (
            "a lone surrogate in a custom claim",
            key.sign_payload(&format!(
                r#"{{"sub":"U1","iss":"{PROJECT_ID}","exp":{},"x":"\ud800"}}"#,
                now + 600
            )),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        (
            "a custom claim nested deeper than 128",
            key.sign_payload(&format!(
                r#"{{"sub":"U1","iss":"{PROJECT_ID}","exp":{},"x":{}1{}}}"#,
                now + 600,
                "[".repeat(200),
                "]".repeat(200)
            )),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        (
            "no iss",
            key.sign(&with(claims("DS"), json!({"iss": null}))),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        (
            "no exp",
            key.sign(&with(claims("DS"), json!({"exp": null}))),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        (
            "no sub",
            key.sign(&with(claims("DS"), json!({"sub": null}))),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        ("refresh token as session", key.sign(&claims("DSR")), |e| {
            matches!(
                e,
                SessionError::WrongTokenKind {
                    expected: "session",
                    found: "refresh"
                }
            )
        }),
        (
            "tampered payload",
            format!(
                "{}.{}.{}",
                parts[0],
                b64(tampered_payload.to_string()),
                parts[2]
            ),
            |e| matches!(e, SessionError::BadSignature),
        ),
        (
            "tampered signature",
            {
                // Flip one character in the middle of the signature (always to another one).
                let mut signature = parts[2].to_owned().into_bytes();
                signature[10] = if signature[10] == b'A' { b'B' } else { b'A' };
                format!(
                    "{}.{}.{}",
                    parts[0],
                    parts[1],
                    String::from_utf8(signature).unwrap()
                )
            },
            |e| matches!(e, SessionError::BadSignature),
        ),
        (
            "truncated signature",
            good[..good.len() - 20].to_owned(),
            |e| matches!(e, SessionError::BadSignature),
        ),
        ("two parts", format!("{}.{}", parts[0], parts[1]), |e| {
            matches!(e, SessionError::Malformed(_))
        }),
        ("four parts", format!("{good}.x"), |e| {
            matches!(e, SessionError::Malformed(_))
        }),
        ("not base64", "!!!.@@@.###".to_owned(), |e| {
            matches!(e, SessionError::Malformed(_))
        }),
        (
            "header not JSON",
            format!("{}.{}.{}", b64("not json"), parts[1], parts[2]),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        (
            "payload not JSON",
            key.sign_raw(
                &json!({"alg": "RS256", "kid": key.kid}),
                &json!("just a string"),
            ),
            |e| matches!(e, SessionError::Malformed(_)),
        ),
        ("empty", String::new(), |e| {
            matches!(e, SessionError::Malformed(_))
        }),
        (
            "oversized",
            format!("{}.{}.{}", parts[0], "A".repeat(20_000), parts[2]),
            |e| matches!(e, SessionError::TooLarge { .. }),
        ),
        ("non-ASCII", "é.é.é".to_owned(), |e| {
            matches!(e, SessionError::Malformed(_))
        }),
    ];
    // Found by a differential run against jsonwebtoken: the project ID must be the last path
    // segment of a URL with a host.
    for (name, iss) in [
        (
            "the project ID as the host",
            format!("https://{PROJECT_ID}"),
        ),
        (
            "the project ID as the host, with a slash",
            format!("https://{PROJECT_ID}/"),
        ),
        ("an empty host", format!("http:///{PROJECT_ID}")),
        (
            "a trailing slash",
            format!("https://api.descope.com/{PROJECT_ID}/"),
        ),
    ] {
        let token = key.sign(&with(claims("DS"), json!({ "iss": iss })));
        cases.push((name, token, |e| matches!(e, SessionError::WrongIssuer)));
    }
    cases
}

#[tokio::test]
async fn adversarial_corpus_is_rejected_with_the_right_error() {
    let client = client_with(SessionConfig::default());
    assert!(
        validate(&client, &key().sign(&claims("DS"))).await.is_ok(),
        "the genuine token passes"
    );
    for (name, token, expected) in corpus() {
        let error = validate(&client, &token).await.expect_err(name);
        assert!(expected(&error), "{name}: got {error:?}");
        // Twice: a refused token is never cached as good.
        let again = validate(&client, &token).await.expect_err(name);
        assert!(expected(&again), "{name} (again): got {again:?}");
        let shown = format!("{error} {error:?}");
        for part in token.split('.').filter(|p| p.len() > 8) {
            assert!(!shown.contains(part), "{name}: the error shows the token");
        }
    }
}

#[tokio::test]
async fn leeway_and_the_injectable_clock() {
    let clock = ShiftedClock::default();
    let client = client_with(SessionConfig::default().clock(clock.clone()));
    let now = now();
    let just_expired = key().sign(&with(claims("DS"), json!({"exp": now - 3})));
    validate(&client, &just_expired)
        .await
        .expect("within the 5 s leeway");
    let nbf_soon = key().sign(&with(claims("DS"), json!({"nbf": now + 3})));
    validate(&client, &nbf_soon)
        .await
        .expect("nbf within leeway");

    let token = key().sign(&with(claims("DS"), json!({"exp": now + 100})));
    // Verified twice: remembered by the verified cache.
    validate(&client, &token).await.unwrap();
    validate(&client, &token).await.unwrap();
    clock.shift(200);
    assert!(
        matches!(validate(&client, &token).await, Err(SessionError::Expired)),
        "expired even when cached"
    );
    clock.shift(0);
    validate(&client, &token).await.unwrap();

    let strict = client_with(SessionConfig::default().leeway(Duration::ZERO));
    assert!(matches!(
        validate(&strict, &just_expired).await,
        Err(SessionError::Expired)
    ));
}

#[tokio::test]
async fn audience_when_configured() {
    let client = client_with(SessionConfig::default().audience("my-app"));
    let none = key().sign(&claims("DS"));
    assert!(matches!(
        validate(&client, &none).await,
        Err(SessionError::WrongAudience)
    ));
    let other = key().sign(&with(claims("DS"), json!({"aud": "other"})));
    assert!(matches!(
        validate(&client, &other).await,
        Err(SessionError::WrongAudience)
    ));
    validate(
        &client,
        &key().sign(&with(claims("DS"), json!({"aud": "my-app"}))),
    )
    .await
    .unwrap();
    validate(
        &client,
        &key().sign(&with(claims("DS"), json!({"aud": ["x", "my-app"]}))),
    )
    .await
    .unwrap();
    // Without a configured audience, `aud` is not checked.
    validate(&client_with(SessionConfig::default()), &other)
        .await
        .unwrap();
}

#[tokio::test]
async fn claims_roles_permissions_and_tenants() {
    let client = client_with(SessionConfig::default());
    let token = key().sign(&with(
        claims("DS"),
        json!({
            "dsub": "U2real", "amr": ["pwd", "otp"], "dct": "T1",
            "roles": ["admin"], "permissions": ["read"],
            "tenants": {"T1": {"roles": ["editor"], "permissions": ["write"]}, "T2": {"roles": null}},
            "plan": "pro"
        }),
    ));
    let session = validate(&client, &token).await.unwrap();
    assert_eq!(session.kind(), TokenKind::Session);
    assert_eq!(session.user_id(), "U2real", "dsub wins over sub");
    assert_eq!(session.project_id(), PROJECT_ID);
    assert!(session.is_mfa());
    assert_eq!(session.current_tenant(), Some("T1"));
    assert!(session.has_role("admin") && !session.has_role("editor"));
    assert!(session.has_roles(&["admin"]) && !session.has_roles(&["admin", "x"]));
    assert!(session.has_permission("read") && !session.has_permission("write"));
    assert!(session.has_tenant_role("T1", "editor") && !session.has_tenant_role("T1", "admin"));
    assert!(session.has_tenant_permission("T1", "write"));
    assert!(session.is_in_tenant("T2") && !session.has_tenant_role("T2", "editor"));
    assert!(!session.is_in_tenant("T3"));
    assert_eq!(session.claim("plan"), Some(&json!("pro")));
    assert_eq!(session.tenants().count(), 2);
    let exp = claims("DS")["exp"].as_i64().unwrap();
    assert!(
        session
            .expires_at()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .abs_diff(exp as u64)
            <= 2
    );

    // dct without a tenants claim: top-level roles apply in that tenant only.
    let dct_only = key().sign(&with(
        claims("DS"),
        json!({"dct": "T9", "roles": ["viewer"], "permissions": ["p"]}),
    ));
    let session = validate(&client, &dct_only).await.unwrap();
    assert!(
        session.is_in_tenant("T9")
            && session.has_tenant_role("T9", "viewer")
            && session.has_tenant_permission("T9", "p")
    );
    assert!(!session.is_in_tenant("T1") && !session.has_tenant_role("T1", "viewer"));
    assert!(!session.is_mfa(), "one method is not MFA");
}

#[tokio::test]
async fn ec_keys_and_key_sets() {
    let ec = EcKey::generate("ec-1");
    let set =
        json!({"keys": [key().jwk(), ec.jwk(), {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"}]})
            .to_string();
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url("http://127.0.0.1:9")
        .session_config(SessionConfig::default().public_keys(set))
        .build()
        .unwrap();
    validate(&client, &ec.sign(&claims("DS"))).await.unwrap();
    validate(&client, &key().sign(&claims("DS"))).await.unwrap();
    // A symmetric key in the set is never usable.
    let hmac_kid = key().sign_raw(&json!({"alg": "RS256", "kid": "hmac"}), &claims("DS"));
    assert!(matches!(
        validate(&client, &hmac_kid).await,
        Err(SessionError::UnknownKey)
    ));
    // One JWK without kid matches any kid.
    let mut bare = key().jwk();
    bare.as_object_mut().unwrap().remove("kid");
    let single = Client::builder()
        .project_id(PROJECT_ID)
        .session_config(SessionConfig::default().public_keys(bare.to_string()))
        .build()
        .unwrap();
    validate(&single, &key().sign(&claims("DS"))).await.unwrap();
    for bad in [
        "not json",
        "{\"keys\": 3}",
        "{\"keys\": [{\"kty\": \"oct\", \"k\": \"AA\"}]}",
    ] {
        let error = Client::builder()
            .project_id(PROJECT_ID)
            .session_config(SessionConfig::default().public_keys(bad))
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{bad}: {error:?}");
    }
}

#[tokio::test]
async fn refresh_jwts_validate_as_refresh_only() {
    let client = client_with(SessionConfig::default());
    let refresh = descope::RefreshJwt::from(key().sign(&claims("DSR")));
    let session = client.sessions().validate_refresh(&refresh).await.unwrap();
    assert_eq!(session.kind(), TokenKind::Refresh);
    let as_refresh = descope::RefreshJwt::from(key().sign(&claims("DS")));
    let error = client
        .sessions()
        .validate_refresh(&as_refresh)
        .await
        .unwrap_err();
    assert!(matches!(
        error.session(),
        Some(SessionError::WrongTokenKind {
            expected: "refresh",
            ..
        })
    ));
    // Cached as a session JWT: still refused as a refresh JWT.
    let token = key().sign(&with(claims("DS"), json!({"jti": "x"})));
    validate(&client, &token).await.unwrap();
    let error = client
        .sessions()
        .validate_refresh(token.as_str())
        .await
        .unwrap_err();
    assert!(matches!(
        error.session(),
        Some(SessionError::WrongTokenKind { .. })
    ));
}

/// A mock key endpoint counting its fetches, and a client that fetches from it.
async fn key_server(keys: Value, config: SessionConfig) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/keys/{PROJECT_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(keys)
                .set_delay(Duration::from_millis(50)),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .session_config(config)
        .build()
        .unwrap();
    (server, client)
}

async fn fetches(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// Waits (bounded) until `server` has seen `count` key fetches: a stale key set is refreshed
/// in the background.
async fn await_fetches(server: &MockServer, count: usize) {
    for _ in 0..200 {
        if fetches(server).await >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the key set was not fetched {count} times");
}

#[tokio::test]
async fn concurrent_first_validations_share_one_fetch() {
    let (server, client) =
        key_server(json!({"keys": [key().jwk()]}), SessionConfig::default()).await;
    let tokens: Vec<String> = (0..100)
        .map(|i| key().sign(&with(claims("DS"), json!({"n": i}))))
        .collect();
    let tasks: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            let client = client.clone();
            tokio::spawn(async move { client.sessions().validate(&token).await.map(|_| ()) })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fetches(&server).await, 1);
    assert_eq!(client.sessions().key_fetch_count(), 1);
}

#[tokio::test]
async fn forged_kids_cost_at_most_one_fetch_per_interval() {
    let clock = ShiftedClock::default();
    let interval = Duration::from_secs(30);
    let config = SessionConfig::default()
        .key_refetch_interval(interval)
        .clock(clock.clone());
    let (server, client) = key_server(json!({"keys": [key().jwk()]}), config).await;
    let payload = b64(claims("DS").to_string());
    let forged = |i: u32| {
        let kid = format!("forged-{i}-{}", i.wrapping_mul(2_654_435_761));
        format!(
            "{}.{payload}.c2ln",
            b64(json!({"alg": "RS256", "kid": kid}).to_string())
        )
    };
    // The first is refused by the fetch it caused: the service does not publish that kid.
    match client.sessions().validate(&forged(0)).await {
        Err(Error::Session(SessionError::UnknownKey)) => {}
        other => panic!("{other:?}"),
    }
    // The others cannot be told from a key rotation until the next fetch: unavailable (an
    // outage, never a sign-out), without a fetch.
    for i in 1..10_000u32 {
        match client.sessions().validate(&forged(i)).await {
            Err(Error::KeyFetch { source: None }) => {}
            other => panic!("{other:?}"),
        }
    }
    // The kid the fetch was made for stays refused as such.
    match client.sessions().validate(&forged(0)).await {
        Err(Error::Session(SessionError::UnknownKey)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        fetches(&server).await,
        1,
        "10,000 forged kids within one interval: one fetch"
    );
    // The next interval allows exactly one more.
    clock.shift(31);
    for i in 10_000..10_100u32 {
        assert!(client.sessions().validate(&forged(i)).await.is_err());
    }
    assert_eq!(fetches(&server).await, 2);
    // A genuine token is still accepted from the cached keys, without a fetch.
    validate(&client, &key().sign(&claims("DS"))).await.unwrap();
    assert_eq!(fetches(&server).await, 2);
}

#[tokio::test]
async fn rotated_keys_are_picked_up_after_the_interval() {
    let clock = ShiftedClock::default();
    let config = SessionConfig::default()
        .key_refetch_interval(Duration::from_secs(30))
        .clock(clock.clone());
    let rotated = RsaKey::generate("test-key-2");
    let new_token = rotated.sign(&claims("DS"));
    let (server, client) = key_server(json!({"keys": [key().jwk()]}), config).await;
    validate(&client, &key().sign(&claims("DS"))).await.unwrap();
    server.reset().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/keys/{PROJECT_ID}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"keys": [rotated.jwk(), key().jwk()]})),
        )
        .mount(&server)
        .await;
    // Within the interval after the first fetch, the unknown kid does not refetch, and is
    // "keys unavailable": nobody is signed out during a rotation...
    let error = client.sessions().validate(&new_token).await.unwrap_err();
    assert!(
        matches!(error, Error::KeyFetch { source: None }),
        "{error:?}"
    );
    assert!(!error.ends_session());
    assert_eq!(client.sessions().key_fetch_count(), 1);
    // ...after it, it does, and the new key works (the old one too).
    clock.shift(31);
    validate(&client, &new_token).await.unwrap();
    validate(&client, &key().sign(&with(claims("DS"), json!({"n": 1}))))
        .await
        .unwrap();
    assert_eq!(client.sessions().key_fetch_count(), 2);
}

#[tokio::test]
async fn keys_are_refetched_after_their_ttl() {
    let clock = ShiftedClock::default();
    let config = SessionConfig::default()
        .key_cache_ttl(Duration::from_secs(600))
        .verified_cache_capacity(0)
        .clock(clock.clone());
    let (server, client) = key_server(json!({"keys": [key().jwk()]}), config).await;
    let token = key().sign(&with(claims("DS"), json!({"exp": now() + 7200})));
    validate(&client, &token).await.unwrap();
    clock.shift(599);
    validate(&client, &token).await.unwrap();
    assert_eq!(fetches(&server).await, 1, "fresh keys are reused");
    clock.shift(601);
    // The stale set is served at once and refreshed in the background, once.
    validate(&client, &token).await.unwrap();
    validate(&client, &token).await.unwrap();
    await_fetches(&server, 2).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(fetches(&server).await, 2, "stale keys are refetched once");
}

/// Makes `server`'s key endpoint answer only after 30 s, longer than any bound in these tests.
async fn hang_key_endpoint(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"keys": [key().jwk()]}))
                .set_delay(Duration::from_secs(30)),
        )
        .mount(server)
        .await;
}

/// A client whose key set (TTL 600 s, the verified cache off) has expired while its key
/// endpoint hangs; and a token it validated before.
async fn expired_set_and_hanging_endpoint(config: SessionConfig) -> (MockServer, Client, String) {
    let clock = ShiftedClock::default();
    let config = config
        .key_cache_ttl(Duration::from_secs(600))
        .verified_cache_capacity(0)
        .clock(clock.clone());
    let (server, client) = key_server(json!({"keys": [key().jwk()]}), config).await;
    let token = key().sign(&with(claims("DS"), json!({"exp": now() + 7200})));
    validate(&client, &token).await.unwrap();
    // The key endpoint now hangs (far longer than any bound below).
    server.reset().await;
    hang_key_endpoint(&server).await;
    clock.shift(601);
    (server, client, token)
}

#[tokio::test]
async fn a_hanging_key_endpoint_never_blocks_a_request_while_cached_keys_exist() {
    let config = SessionConfig::default().key_fetch_timeout(Duration::from_millis(300));
    let (server, client, token) = expired_set_and_hanging_endpoint(config).await;
    // Many requests with the expired set: the first waits for the refetch until it times out
    // (300 ms, within the 1 s deadline), then the expired keys serve at once, one refetch in
    // all (bounded here only so a regression fails instead of hanging).
    for _ in 0..20 {
        tokio::time::timeout(Duration::from_secs(5), validate(&client, &token))
            .await
            .expect("a hanging key fetch blocked a request")
            .unwrap();
    }
    for _ in 0..200 {
        if client.sessions().key_fetch_count() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    validate(&client, &token).await.unwrap();
    assert_eq!(
        client.sessions().key_fetch_count(),
        2,
        "one background refresh"
    );

    // With no key cached at all, a request waits for one fetch, bounded by its timeout.
    let cold = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .session_config(SessionConfig::default().key_fetch_timeout(Duration::from_millis(300)))
        .build()
        .unwrap();
    let error = tokio::time::timeout(Duration::from_secs(5), cold.sessions().validate(&token))
        .await
        .expect("the key fetch timeout bounds the wait")
        .unwrap_err();
    assert!(matches!(error, Error::KeyFetch { .. }), "{error:?}");
}

/// The client's own timeout bounds a key fetch too (as it bounds every attempt), inside the key
/// cache's longer fetch timeout: the fetch fails as a timeout of `get_keys`.
#[tokio::test]
async fn the_client_timeout_bounds_a_key_fetch() {
    let server = MockServer::start().await;
    hang_key_endpoint(&server).await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .session_config(SessionConfig::default().key_fetch_timeout(Duration::from_secs(20)))
        .build()
        .unwrap();
    let token = key().sign(&with(claims("DS"), json!({"exp": now() + 7200})));
    let error = tokio::time::timeout(Duration::from_secs(10), client.sessions().validate(&token))
        .await
        .expect("the client timeout bounds the key fetch")
        .unwrap_err();
    let Error::KeyFetch {
        source: Some(source),
    } = &error
    else {
        panic!("expected a key fetch error with its cause: {error:?}");
    };
    assert!(
        matches!(
            **source,
            Error::Timeout {
                operation: descope::Operation::GetKeys
            }
        ),
        "{source:?}"
    );
}

#[tokio::test]
async fn a_failed_key_fetch_is_a_key_fetch_error_and_is_retried_after_the_interval() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let clock = ShiftedClock::default();
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .session_config(
            SessionConfig::default()
                .key_refetch_interval(Duration::from_secs(30))
                .clock(clock.clone()),
        )
        .build()
        .unwrap();
    let token = key().sign(&claims("DS"));
    let error = client.sessions().validate(&token).await.unwrap_err();
    match &error {
        Error::KeyFetch {
            source: Some(source),
        } => assert_eq!(source.api().map(|a| a.status), Some(500)),
        other => panic!("{other:?}"),
    }
    // A failing service is not hammered: the next try waits for the interval.
    let again = client.sessions().validate(&token).await.unwrap_err();
    assert!(matches!(again, Error::KeyFetch { source: None }));
    assert_eq!(fetches(&server).await, 1);
    // Once it recovers, the keys are fetched again after the interval.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [key().jwk()]})))
        .mount(&server)
        .await;
    clock.shift(31);
    client.sessions().validate(&token).await.unwrap();
}

#[tokio::test]
async fn stale_keys_are_used_while_the_service_fails() {
    let clock = ShiftedClock::default();
    let config = SessionConfig::default()
        .key_cache_ttl(Duration::from_secs(60))
        .key_max_stale(Duration::from_secs(120))
        .verified_cache_capacity(0)
        .clock(clock.clone());
    let (server, client) = key_server(json!({"keys": [key().jwk()]}), config).await;
    let token = key().sign(&with(claims("DS"), json!({"exp": now() + 7200})));
    validate(&client, &token).await.unwrap();
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    clock.shift(61);
    validate(&client, &token)
        .await
        .expect("the stale key still validates");
    await_fetches(&server, 1).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    validate(&client, &token).await.unwrap();
    validate(&client, &token).await.unwrap();
    assert_eq!(
        fetches(&server).await,
        1,
        "one failed refresh, not one per validation"
    );
    // Expired keys serve for a bounded time only: past it, "keys unavailable" (an outage, not
    // a sign-out), with the failed fetch as the cause.
    clock.shift(61 + 121);
    let error = client.sessions().validate(&token).await.unwrap_err();
    let Error::KeyFetch {
        source: Some(source),
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(source.status(), Some(503));
    assert!(!error.ends_session());
    assert_eq!(fetches(&server).await, 2);
}

/// A key the service withdrew stops verifying once the key set expires: the next validation
/// waits for the refetch instead of using the expired set, for a token never seen and for one
/// the verified cache holds alike.
#[tokio::test]
async fn a_withdrawn_key_stops_verifying_once_the_set_expires() {
    let clock = ShiftedClock::default();
    let config = SessionConfig::default()
        .key_cache_ttl(Duration::from_secs(600))
        .clock(clock.clone());
    let (server, client) = key_server(json!({"keys": [key().jwk()]}), config).await;
    let cached = key().sign(&with(claims("DS"), json!({"exp": now() + 7200})));
    let unseen = key().sign(&with(claims("DS"), json!({"exp": now() + 7200, "n": 1})));
    // The third validation is a verified-cache hit.
    for _ in 0..3 {
        validate(&client, &cached).await.unwrap();
    }
    // The service rotates the key out.
    let rotated = RsaKey::generate("test-key-2");
    server.reset().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/keys/{PROJECT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [rotated.jwk()]})))
        .mount(&server)
        .await;
    clock.shift(11 * 60);
    assert!(matches!(
        validate(&client, &cached).await,
        Err(SessionError::UnknownKey)
    ));
    assert!(matches!(
        validate(&client, &unseen).await,
        Err(SessionError::UnknownKey)
    ));
    // One refetch, and the new key verifies.
    validate(&client, &rotated.sign(&claims("DS")))
        .await
        .unwrap();
    assert_eq!(client.sessions().key_fetch_count(), 2);
}

/// With an expired key set and a hanging key endpoint, a validation waits for the refetch at
/// most the refresh deadline, then uses the expired keys; the refetch goes on in the
/// background, one for all.
#[tokio::test]
async fn an_expired_set_waits_for_its_refetch_at_most_the_deadline() {
    let config = SessionConfig::default()
        .key_refresh_deadline(Duration::from_millis(100))
        .key_fetch_timeout(Duration::from_secs(20));
    let (_server, client, token) = expired_set_and_hanging_endpoint(config).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let (client, token) = (client.clone(), token.clone());
        tasks.spawn(async move { validate(&client, &token).await.map(|_| ()) });
    }
    // Bounded only so that a regression fails instead of hanging.
    tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(done) = tasks.join_next().await {
            done.unwrap().unwrap();
        }
    })
    .await
    .expect("a hanging key endpoint held requests past the deadline");
    assert_eq!(
        client.sessions().key_fetch_count(),
        2,
        "one refetch for all"
    );
}

#[tokio::test]
async fn verified_cache_never_accepts_an_unverified_variant() {
    let client = client_with(SessionConfig::default());
    let good = key().sign(&claims("DS"));
    // The second verification remembers it, the third is a hit.
    for _ in 0..3 {
        validate(&client, &good).await.unwrap();
    }
    // Same header and payload, other signature: not the cached token.
    let parts: Vec<&str> = good.split('.').collect();
    let forged = format!("{}.{}.{}", parts[0], parts[1], b64([7u8; 256]));
    assert!(matches!(
        validate(&client, &forged).await,
        Err(SessionError::BadSignature)
    ));
    // The cached token's signature on other claims: found where the cached token is (the
    // cache looks tokens up by their last bytes), refused by the whole-token comparison.
    let elevated = b64(with(claims("DS"), json!({"roles": ["admin"]})).to_string());
    let forged = format!("{}.{elevated}.{}", parts[0], parts[2]);
    for _ in 0..2 {
        assert!(matches!(
            validate(&client, &forged).await,
            Err(SessionError::BadSignature)
        ));
    }
    // A tiny cache stays bounded and correct.
    let small = client_with(SessionConfig::default().verified_cache_capacity(2));
    for i in 0..10 {
        let token = key().sign(&with(claims("DS"), json!({"n": i})));
        validate(&small, &token).await.unwrap();
        validate(&small, &token).await.unwrap();
    }
}

#[tokio::test]
async fn dangerous_decode_reads_without_verifying() {
    let forged = format!(
        "{}.{}.",
        b64(json!({"alg": "none"}).to_string()),
        b64(with(claims("DS"), json!({"roles": ["admin"]})).to_string())
    );
    let session = descope::session::dangerous::insecure_decode(&forged).unwrap();
    assert!(session.has_role("admin"));
    assert_eq!(session.project_id(), PROJECT_ID);
    let client = client_with(SessionConfig::default());
    assert!(
        validate(&client, &forged).await.is_err(),
        "the same token is refused by validation"
    );
}
