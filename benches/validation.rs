//! Session-JWT validation throughput: this crate against raw `jsonwebtoken` (the floor).
//!
//! `cargo bench --bench validation` prints validations per second for:
//! - raw `jsonwebtoken::decode` of distinct tokens with the same key (RS256, exp and iss
//!   checked): the baseline;
//! - the signature check alone with a key parsed once (aws-lc-rs): the floor;
//! - `client.sessions().validate` of tokens never seen before, with the default configuration
//!   (what a user's server does), with the verified-token cache off, and with a stream three
//!   times the cache's capacity;
//! - `validate` of a repeated token (answered from the verified-token cache).
//!
//! Each figure is the best of several timed rounds (the machine is shared and noisy); the
//! ratios go in BENCHMARKS.md. Everything runs in-process: no network.

#![allow(clippy::expect_used)] // a bench binary stops on setup failure

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use descope::{Client, SessionConfig};
use serde_json::json;

const PROJECT_ID: &str = "P2benchproject";
const ROUNDS: usize = 7;
/// Distinct signed tokens per stream.
const DISTINCT: usize = 3_000;

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Best-of-rounds calls per second of `f`, each round at least `min_round` long.
fn rate(mut f: impl FnMut(), min_round: Duration) -> f64 {
    let mut batch = 64u32;
    // Size a batch to about the round length.
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            f();
        }
        if start.elapsed() >= min_round / 4 || batch >= 1 << 24 {
            break;
        }
        batch *= 2;
    }
    let mut best = f64::MAX;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..batch {
            f();
        }
        best = best.min(start.elapsed().as_secs_f64() / f64::from(batch));
    }
    1.0 / best
}

fn main() {
    let pair = KeyPair::generate(KeySize::Rsa2048).expect("RSA key");
    let public = pair.public_key();
    let jwk = json!({
        "kty": "RSA", "kid": "bench", "alg": "RS256", "use": "sig",
        "n": b64(public.modulus().big_endian_without_leading_zero()),
        "e": b64(public.exponent().big_endian_without_leading_zero()),
    });
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let claims = json!({
        "iss": format!("https://api.descope.com/{PROJECT_ID}"), "sub": "U2bench", "iat": now,
        "exp": now + 3600, "drn": "DS", "amr": ["pwd"], "roles": ["admin"],
        "tenants": {"T1": {"roles": ["editor"], "permissions": ["write"]}},
    });
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "bench"});
    let sign = |claims: &serde_json::Value| {
        let message = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let mut sig = vec![0; pair.public_modulus_len()];
        pair.sign(
            &signature::RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            message.as_bytes(),
            &mut sig,
        )
        .expect("sign");
        format!("{message}.{}", b64(sig))
    };
    let token = sign(&claims);
    // Distinct tokens (a user's server sees mostly tokens it has not seen yet).
    let distinct: Vec<String> = (0..DISTINCT)
        .map(|n| {
            let mut claims = claims.clone();
            claims["jti"] = json!(n);
            sign(&claims)
        })
        .collect();

    // Raw jsonwebtoken, with the checks it can do itself.
    let jwk_parsed: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk.clone()).expect("jwk");
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk_parsed).expect("key");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.leeway = 5;
    validation.set_issuer(&[format!("https://api.descope.com/{PROJECT_ID}")]);
    let mut next = 0usize;
    let raw = || {
        next = (next + 1) % DISTINCT;
        let data = jsonwebtoken::decode::<serde_json::Value>(
            black_box(&distinct[next]),
            &key,
            &validation,
        )
        .expect("raw");
        black_box(data);
    };

    // The floor: the signature check alone, with a key parsed once (aws-lc-rs).
    let parsed = signature::RsaPublicKeyComponents {
        n: public.modulus().big_endian_without_leading_zero(),
        e: public.exponent().big_endian_without_leading_zero(),
    }
    .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256)
    .expect("parsed key");
    let (signed, sig) = token.rsplit_once('.').expect("three parts");
    let sig = URL_SAFE_NO_PAD.decode(sig).expect("signature");
    let floor = || {
        parsed
            .verify_sig(black_box(signed.as_bytes()), black_box(&sig))
            .expect("floor");
    };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let client_with = |capacity: usize| {
        Client::builder()
            .project_id(PROJECT_ID)
            .session_config(
                SessionConfig::default()
                    .public_keys(json!({"keys": [jwk]}).to_string())
                    .verified_cache_capacity(capacity),
            )
            .build()
            .expect("client")
    };
    // Each token validated once by a fresh client: every call a miss (and, with a cache, an
    // insert). Best of the rounds.
    let stream_rate = |capacity: usize| {
        let mut best = f64::MAX;
        for _ in 0..ROUNDS {
            let client = client_with(capacity);
            let sessions = client.sessions();
            let start = Instant::now();
            for token in &distinct {
                black_box(
                    runtime
                        .block_on(sessions.validate(black_box(token.as_str())).send())
                        .expect("distinct"),
                );
            }
            best = best.min(start.elapsed().as_secs_f64() / DISTINCT as f64);
        }
        1.0 / best
    };
    let cached = client_with(10_000);
    runtime
        .block_on(cached.sessions().validate(&token).send())
        .expect("valid");

    let round = Duration::from_millis(300);
    let raw_rate = rate(raw, round);
    let floor_rate = rate(floor, round);
    let default_rate = stream_rate(descope::session::DEFAULT_VERIFIED_CACHE_CAPACITY);
    let uncached_rate = stream_rate(0);
    let overflow_rate = stream_rate(DISTINCT / 3);
    let repeated_rate = rate(
        || {
            black_box(
                runtime
                    .block_on(cached.sessions().validate(black_box(&token)).send())
                    .expect("repeated"),
            );
        },
        round,
    );
    println!(
        "token: {} bytes, RS256 2048-bit, {DISTINCT} distinct tokens, best of {ROUNDS} rounds",
        token.len()
    );
    println!("| path | validations/s | ratio to raw |");
    println!("| --- | ---: | ---: |");
    println!("| raw jsonwebtoken::decode (baseline) | {raw_rate:.0} | 1.00× |");
    println!(
        "| signature alone, pre-parsed key (floor) | {floor_rate:.0} | {:.2}× |",
        floor_rate / raw_rate
    );
    for (name, value) in [
        ("validate, distinct tokens, default config", default_rate),
        ("validate, distinct tokens, cache off", uncached_rate),
        (
            "validate, distinct tokens, 3× the cache capacity",
            overflow_rate,
        ),
    ] {
        println!("| {name} | {value:.0} | {:.2}× |", value / raw_rate);
    }
    println!(
        "| validate, repeated token | {repeated_rate:.0} | {:.1}× |",
        repeated_rate / raw_rate
    );
}
