//! Session-JWT validation throughput: this crate against raw `jsonwebtoken` and the
//! signature-only floor, on a production-like stream.
//!
//! `cargo bench --bench validation` prints validations per second for:
//! - raw `jsonwebtoken::decode` of distinct tokens with the same key (RS256, exp and iss
//!   checked): the baseline;
//! - the RS256 signature check alone, key parsed once (aws-lc-rs), over the same distinct
//!   tokens: the floor;
//! - `client.sessions().validate` with the default configuration over a stream of distinct
//!   tokens **twice the verified cache's capacity** (every call a miss, an insert and, after the
//!   first half, an eviction: what a busy server sees), over a stream that fits the cache, and
//!   with the cache off;
//! - `validate` of a repeated token (answered from the verified-token cache).
//!
//! Each round runs every path once, in turn (so drift of a shared machine hits all of them).
//! Rates are the **median** of the rounds; ratios are the median of each round's paired ratio
//! (the two paths ran back to back), with the rounds' range. Everything runs in-process: no network.
//! `--only NAME` (raw, floor, long, fits, off, repeated) runs one path, for a profiler.

#![allow(clippy::expect_used)] // a bench binary stops on setup failure

use std::hint::black_box;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use descope::session::DEFAULT_VERIFIED_CACHE_CAPACITY;
use descope::{Client, SessionConfig};
use serde_json::json;

mod support;

const PROJECT_ID: &str = "P2benchproject";
/// Timed rounds; each figure is their median.
const ROUNDS: usize = 7;
/// Distinct signed tokens in the long stream: twice the default cache capacity.
const DISTINCT: usize = 2 * DEFAULT_VERIFIED_CACHE_CAPACITY;
/// Distinct tokens in the stream that fits the cache.
const FITS: usize = DEFAULT_VERIFIED_CACHE_CAPACITY / 2;
/// Calls of the repeated-token path per round.
const REPEATS: usize = 200_000;

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Seconds per call of `f` over `calls` calls.
fn per_call(calls: usize, f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64() / calls as f64
}

/// Calls per second from the median of per-call times.
fn median_rate(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    1.0 / times[times.len() / 2]
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
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "bench"}).to_string();
    let sign =
        |claims: &serde_json::Value| support::sign_rs256(&pair, &header, &claims.to_string());
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
    let raw = || {
        for token in &distinct {
            let data =
                jsonwebtoken::decode::<serde_json::Value>(black_box(token), &key, &validation)
                    .expect("raw");
            black_box(data);
        }
    };

    // The floor: the signature check alone, with a key parsed once (aws-lc-rs), over the same
    // tokens (split and decoded beforehand: only the verification is timed).
    let parsed = signature::RsaPublicKeyComponents {
        n: public.modulus().big_endian_without_leading_zero(),
        e: public.exponent().big_endian_without_leading_zero(),
    }
    .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256)
    .expect("parsed key");
    let split: Vec<(&str, Vec<u8>)> = distinct
        .iter()
        .map(|token| {
            let (signed, sig) = token.rsplit_once('.').expect("three parts");
            (signed, URL_SAFE_NO_PAD.decode(sig).expect("signature"))
        })
        .collect();
    let floor = || {
        for (signed, sig) in &split {
            parsed
                .verify_sig(black_box(signed.as_bytes()), black_box(sig))
                .expect("floor");
        }
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
    // A fresh client per round, each token validated once: every call a miss (and, with a
    // cache, an insert; past its capacity, an eviction).
    let stream = |capacity: usize, tokens: &[String]| {
        let client = client_with(capacity);
        let sessions = client.sessions();
        per_call(tokens.len(), || {
            runtime.block_on(async {
                for token in tokens {
                    let session = sessions.validate(black_box(token.as_str())).await;
                    black_box(session.expect("distinct"));
                }
            })
        })
    };
    let cached = client_with(DEFAULT_VERIFIED_CACHE_CAPACITY);
    let cached_sessions = cached.sessions();
    runtime
        .block_on(cached_sessions.validate(&token).send())
        .expect("valid");

    let repeated = || {
        per_call(REPEATS, || {
            runtime.block_on(async {
                for _ in 0..REPEATS {
                    let session = cached_sessions.validate(black_box(&token)).await;
                    black_box(session.expect("repeated"));
                }
            })
        })
    };
    let paths: [(&str, &dyn Fn() -> f64); 6] = [
        ("raw", &|| per_call(DISTINCT, raw)),
        ("floor", &|| per_call(DISTINCT, floor)),
        ("long", &|| {
            stream(DEFAULT_VERIFIED_CACHE_CAPACITY, &distinct)
        }),
        ("fits", &|| {
            stream(DEFAULT_VERIFIED_CACHE_CAPACITY, &distinct[..FITS])
        }),
        ("off", &|| stream(0, &distinct)),
        ("repeated", &repeated),
    ];
    // `--only NAME` runs one path (for a profiler): raw, floor, long, fits, off or repeated.
    if let Some(only) = std::env::args().skip_while(|a| a != "--only").nth(1) {
        let (_, path) = paths
            .iter()
            .find(|(name, _)| *name == only)
            .expect("--only raw|floor|long|fits|off|repeated");
        let rates: Vec<f64> = (0..ROUNDS).map(|_| path()).collect();
        println!("{only}: {:.0}/s (median of {ROUNDS})", median_rate(rates));
        return;
    }
    let mut times: [Vec<f64>; 6] = Default::default();
    for _ in 0..ROUNDS {
        for (times, (_, path)) in times.iter_mut().zip(&paths) {
            times.push(path());
        }
    }
    // Ratios are paired within a round (the paths ran back to back), then the median of the
    // rounds is taken: drift of a shared machine between rounds cancels out.
    let paired = |path: usize, base: usize| -> (f64, f64, f64) {
        let mut ratios: Vec<f64> = (0..ROUNDS)
            .map(|r| times[base][r] / times[path][r])
            .collect();
        ratios.sort_by(f64::total_cmp);
        (ratios[ROUNDS / 2], ratios[0], ratios[ROUNDS - 1])
    };
    println!(
        "token: {} bytes, RS256 2048-bit; {DISTINCT} distinct tokens (2x the cache's capacity); \
         {ROUNDS} rounds: rates are medians, ratios are medians of the rounds' paired ratios \
         (min-max in brackets)",
        token.len()
    );
    println!("| path | validations/s | ÷ raw | ÷ floor |");
    println!("| --- | ---: | ---: | ---: |");
    let names = [
        "raw jsonwebtoken::decode (baseline)",
        "signature alone, key parsed once (floor)",
        "validate, default config, distinct tokens 2x the cache",
        "validate, default config, distinct tokens that fit",
        "validate, cache off, distinct tokens",
        "validate, repeated token",
    ];
    for (path, name) in names.iter().enumerate() {
        let rate = median_rate(times[path].clone());
        let (raw, raw_min, raw_max) = paired(path, 0);
        let (floor, floor_min, floor_max) = paired(path, 1);
        println!(
            "| {name} | {rate:.0} | {raw:.2}x ({raw_min:.2}-{raw_max:.2}) | \
             {floor:.2}x ({floor_min:.2}-{floor_max:.2}) |"
        );
    }
}
