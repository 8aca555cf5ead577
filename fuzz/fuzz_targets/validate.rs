//! Differential validation: the crate's session-JWT validation and `jsonwebtoken::decode` with
//! the same settings (RS256 only, a 5 s leeway, `exp` and `nbf`, the audience when configured)
//! must agree on accept or refuse, and on the user, `exp` and the claims when both accept.
//!
//! The input is a header and a payload, signed here with the target's key (so mutations reach
//! the claims), or a raw token, optionally re-encoded (padding, the other base64 alphabet, two
//! or four parts). `NOW` in a payload stands for the current Unix time.
//!
//! Where the crate is deliberately stricter than `jsonwebtoken`, the refusal is explained by
//! an independent reading of the claims (`stricter`), each rule documented in the README:
//! `iss` (the project ID, or an http(s) URL with a host whose last path segment it is), the
//! user (`dsub` or `sub`), the token kind (`drn`), integer times, the shapes of the claims a
//! session hands out, registered claims named once, and the 16 KiB limit. Where it is
//! deliberately looser, only in the JOSE header members it does not read.
#![no_main]

use std::future::{Future, IntoFuture};
use std::pin::pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use descope::{Client, Error, SessionConfig};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

const PROJECT: &str = "P2fuzzproject";
const AUDIENCE: &str = "fuzz-audience";
const LEEWAY: u64 = 5;
const MAX_TOKEN_LEN: usize = 16 * 1024;

struct Fixture {
    key: KeyPair,
    decoding: DecodingKey,
    /// Validation with the audience configured, and without.
    with_audience: Client,
    without_audience: Client,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let key = KeyPair::generate(KeySize::Rsa2048).expect("an RSA key");
        let public = key.public_key();
        let n = public.modulus().big_endian_without_leading_zero();
        let e = public.exponent().big_endian_without_leading_zero();
        let jwk = serde_json::json!({
            "kty": "RSA", "alg": "RS256", "use": "sig",
            "n": URL_SAFE_NO_PAD.encode(n), "e": URL_SAFE_NO_PAD.encode(e),
        })
        .to_string();
        let decoding = DecodingKey::from_rsa_raw_components(n, e);
        let client = |config: SessionConfig| {
            Client::builder()
                .project_id(PROJECT)
                .base_url("http://127.0.0.1:9")
                .session_config(config.public_keys(jwk.clone()))
                .build()
                .expect("a client")
        };
        Fixture {
            key,
            decoding,
            with_audience: client(SessionConfig::default().audience(AUDIENCE)),
            without_audience: client(SessionConfig::default()),
        }
    })
}

/// Polls a future that never waits (the keys are given) to its end.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a validation with given keys waited"),
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn sign(message: &[u8]) -> String {
    let key = &fixture().key;
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &signature::RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        message,
        &mut signature,
    )
    .expect("signing");
    URL_SAFE_NO_PAD.encode(signature)
}

/// The token an input stands for (see the module docs).
fn token(data: &[u8]) -> Option<(String, bool)> {
    let (&flags, rest) = data.split_first()?;
    let audience = flags & 4 != 0;
    if flags & 3 == 1 {
        return Some((String::from_utf8_lossy(rest).into_owned(), audience));
    }
    let (header, payload) = match rest.iter().position(|b| *b == 0) {
        Some(at) => (rest[..at].to_vec(), rest[at + 1..].to_vec()),
        None => (br#"{"alg":"RS256","typ":"JWT"}"#.to_vec(), rest.to_vec()),
    };
    let now = now().to_string();
    let payload = String::from_utf8_lossy(&payload).replace("NOW", &now);
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&header),
        URL_SAFE_NO_PAD.encode(payload.as_bytes())
    );
    let signature = sign(signed.as_bytes());
    let mut token = format!("{signed}.{signature}");
    if flags & 3 == 2 {
        token = match flags >> 3 & 7 {
            0 => token.replacen('.', "=.", 1),
            1 => format!("{token}=="),
            2 => token.replacen('-', "+", 1).replacen('_', "/", 1),
            3 => format!("{token}.x"),
            4 => signed,
            5 => format!("{signed}."),
            6 => format!(" {token}"),
            _ => token.replacen('A', "A\n", 1),
        };
    }
    Some((token, audience))
}

/// What jsonwebtoken says with the same settings (`iss` is read by `stricter`).
fn reference(token: &str, audience: bool) -> Result<Value, jsonwebtoken::errors::Error> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = LEEWAY;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp"]);
    if audience {
        validation.set_audience(&[AUDIENCE]);
    } else {
        validation.validate_aud = false;
    }
    jsonwebtoken::decode::<Value>(token, &fixture().decoding, &validation).map(|data| data.claims)
}

/// The members of a JSON object in order, repeats included.
struct Members<V>(Vec<(String, V)>);

impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for Members<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
            type Value = Members<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members<V>, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, V>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

type Raw = Box<serde_json::value::RawValue>;

/// Whether a registered claim, or a tenant's `roles` or `permissions`, is named twice.
fn named_twice(payload: &[u8]) -> bool {
    let Ok(Members(members)) = serde_json::from_slice::<Members<Raw>>(payload) else {
        return false;
    };
    let twice = |members: &[(String, Raw)], name: &str| {
        members.iter().filter(|(k, _)| k == name).count() > 1
    };
    if REGISTERED.iter().any(|name| twice(&members, name)) {
        return true;
    }
    members
        .iter()
        .filter(|(k, _)| k == "tenants")
        .filter_map(|(_, raw)| serde_json::from_str::<Members<Raw>>(raw.get()).ok())
        .flat_map(|Members(tenants)| tenants)
        .filter_map(|(_, raw)| serde_json::from_str::<Members<Raw>>(raw.get()).ok())
        .any(|Members(tenant)| twice(&tenant, "roles") || twice(&tenant, "permissions"))
}

const REGISTERED: [&str; 13] = [
    "iss",
    "sub",
    "dsub",
    "exp",
    "nbf",
    "iat",
    "aud",
    "drn",
    "amr",
    "dct",
    "tenants",
    "roles",
    "permissions",
];

/// The payload of a token, decoded as jsonwebtoken decodes it.
fn payload_bytes(token: &str) -> Option<Vec<u8>> {
    let payload = token.split('.').nth(1)?;
    URL_SAFE_NO_PAD.decode(payload).ok()
}

fn strings(value: Option<&Value>) -> Option<Vec<String>> {
    match value {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect(),
        Some(_) => None,
    }
}

fn is_web_url_ending_in_project(iss: &str) -> bool {
    let Ok(url) = url::Url::parse(iss) else {
        return false;
    };
    let plain = (iss.starts_with("https://") || iss.starts_with("http://"))
        && iss.splitn(4, '/').nth(2).is_some_and(|host| !host.is_empty());
    let host = url.host_str().is_some_and(|h| !h.is_empty());
    let raw_path = iss.splitn(4, '/').nth(3).unwrap_or_default();
    plain
        && host
        && url.query().is_none()
        && url.fragment().is_none()
        && !raw_path.contains(['?', '#', '\\'])
        && raw_path.rsplit('/').next() == Some(PROJECT)
        && !iss.contains('@')
}

/// Why the crate refuses claims that jsonwebtoken accepts: a documented rule of its own.
fn stricter(token: &str, claims: &Value, audience: bool) -> Option<&'static str> {
    if token.len() > MAX_TOKEN_LEN {
        return Some("longer than 16 KiB");
    }
    if payload_bytes(token).is_some_and(|bytes| named_twice(&bytes)) {
        return Some("a registered claim, or a tenant's roles, named twice");
    }
    let Value::Object(claims) = claims else {
        return Some("claims that are not an object");
    };
    match claims.get("iss") {
        Some(Value::String(iss)) if iss == PROJECT || is_web_url_ending_in_project(iss) => {}
        _ => return Some("iss"),
    }
    let text = |name: &str| match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(()),
    };
    let (Ok(sub), Ok(dsub)) = (text("sub"), text("dsub")) else {
        return Some("sub or dsub not a string");
    };
    if [dsub, sub].into_iter().flatten().all(str::is_empty) {
        return Some("no user");
    }
    match text("drn") {
        Ok(None | Some("DS")) => {}
        _ => return Some("not a session token"),
    }
    if text("dct").is_err() {
        return Some("dct not a string");
    }
    for name in ["exp", "nbf", "iat"] {
        match claims.get(name) {
            None | Some(Value::Null) if name != "exp" => {}
            Some(Value::Number(n)) if n.as_i64().is_some() => {}
            _ => return Some("a time that is not an integer"),
        }
    }
    match claims.get("aud") {
        None | Some(Value::Null) if !audience => {}
        Some(Value::String(aud)) if !audience || aud == AUDIENCE => {}
        Some(Value::Array(auds))
            if auds.iter().all(Value::is_string)
                && (!audience || auds.iter().any(|a| a == AUDIENCE)) => {}
        _ => return Some("aud"),
    }
    for name in ["amr", "roles", "permissions"] {
        if strings(claims.get(name)).is_none() {
            return Some("a list claim that is not a list of strings");
        }
    }
    match claims.get("tenants") {
        None | Some(Value::Null) => {}
        Some(Value::Object(tenants)) => {
            for tenant in tenants.values() {
                let Value::Object(tenant) = tenant else {
                    return Some("a tenant that is not an object");
                };
                if strings(tenant.get("roles")).is_none()
                    || strings(tenant.get("permissions")).is_none()
                {
                    return Some("a tenant's roles that are not strings");
                }
            }
        }
        Some(_) => return Some("tenants not an object"),
    }
    None
}

/// Whether `exp` or `nbf` is so close to the leeway's edge that the two clocks' reads may fall
/// on either side of it.
fn at_the_edge(claims: &Value) -> bool {
    let now = now();
    let leeway = LEEWAY as i64;
    ["exp", "nbf"].iter().any(|name| {
        claims
            .get(*name)
            .and_then(Value::as_f64)
            .is_some_and(|t| ((t - now as f64).abs() - leeway as f64).abs() <= 2.0)
    })
}

/// Whether the header is one the crate reads (an `alg`, a string `kid` or none) but
/// jsonwebtoken's typed header refuses (a JOSE member the crate does not read, of another type).
fn header_only_jsonwebtoken_refuses(token: &str) -> bool {
    let Some(header) = token
        .split('.')
        .next()
        .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
    else {
        return false;
    };
    serde_json::from_slice::<jsonwebtoken::Header>(&header).is_err()
}

fn compare(token: &str, audience: bool) {
    let fixture = fixture();
    let client = if audience {
        &fixture.with_audience
    } else {
        &fixture.without_audience
    };
    let ours = ready(client.sessions().validate(token).into_future());
    // The verified cache answers the same: the second and third validations too.
    for _ in 0..2 {
        let again = ready(client.sessions().validate(token).into_future());
        assert_eq!(
            again.is_ok(),
            ours.is_ok(),
            "the verified cache changed the answer"
        );
    }
    let theirs = reference(token, audience);
    match (ours, theirs) {
        (Ok(session), Ok(claims)) => {
            if let Some(rule) = stricter(token, &claims, audience) {
                panic!("accepted a token its own rule refuses ({rule}): {token}");
            }
            let dsub = claims
                .get("dsub")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            let user = dsub.or_else(|| claims.get("sub").and_then(Value::as_str));
            assert_eq!(Some(session.user_id()), user, "the user: {token}");
            let exp = claims["exp"].as_i64().expect("an integer exp");
            let expires = session
                .expires_at()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            assert_eq!(expires, exp, "exp: {token}");
            for (name, ours) in [
                ("roles", session.roles()),
                ("permissions", session.permissions()),
                ("amr", session.amr()),
            ] {
                assert_eq!(
                    Some(ours.to_vec()),
                    strings(claims.get(name)),
                    "{name}: {token}"
                );
            }
            assert_eq!(
                session.current_tenant(),
                claims.get("dct").and_then(Value::as_str),
                "dct: {token}"
            );
            if let Some(Value::Object(tenants)) = claims.get("tenants") {
                for (id, tenant) in tenants {
                    assert!(session.is_in_tenant(id), "tenant {id}: {token}");
                    for role in strings(tenant.get("roles")).unwrap_or_default() {
                        assert!(session.has_tenant_role(id, &role), "tenant role: {token}");
                    }
                }
            }
            let custom: Map<String, Value> = claims
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| !REGISTERED.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (name, value) in &custom {
                assert_eq!(
                    session.claim(name),
                    Some(value),
                    "custom claim {name}: {token}"
                );
            }
        }
        (Ok(_), Err(error)) => {
            if header_only_jsonwebtoken_refuses(token) {
                return;
            }
            if let Some(claims) =
                payload_bytes(token).and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            {
                if at_the_edge(&claims) {
                    return;
                }
            }
            panic!("accepted a token jsonwebtoken refuses ({error:?}): {token}");
        }
        (Err(error), Ok(claims)) => {
            if stricter(token, &claims, audience).is_some() || at_the_edge(&claims) {
                return;
            }
            if matches!(
                error,
                Error::Session(descope::SessionError::TooLarge { .. })
            ) {
                return;
            }
            panic!(
                "refused ({error:?}) a token jsonwebtoken accepts, for no rule of its own: {token}"
            );
        }
        (Err(_), Err(_)) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some((token, audience)) = token(data) {
        compare(&token, audience);
    }
});
