//! What a web server pays per request for sessions: an axum app with
//! `descope::tower::SessionLayer` against the same app validating by hand with raw
//! `jsonwebtoken` (`web/apps.rs`), each in its own process, driven by a loopback load generator
//! in a third process (`web/driver.rs`, keep-alive connections).
//!
//! `cargo bench --bench web` prints, for each workload, requests/s and the server's CPU time per
//! request of both apps, and their ratio:
//! - one user's repeated token;
//! - 2,000 users round-robin (2,000 distinct tokens, each seen again and again);
//! - 20,000 users round-robin: twice as many distinct tokens as the verified cache holds;
//! - a missing session (no cookie: both answer 401);
//! - 2,000 users with the layer's verified cache off.
//!
//! Within each round the apps alternate in slices of one second (so drift of a shared machine
//! hits both), and each figure is the median of the rounds. The server runs one worker thread;
//! the generator one thread with 16 connections. Every answer's status is checked.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a bench binary stops on setup failure

use std::process::{Child, Command};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

#[path = "web/apps.rs"]
mod apps;
#[path = "web/driver.rs"]
mod driver;
mod support;

use support::{cpu_time_of, sign_rs256, start_self};

const USERS: usize = 2_000;
/// More distinct users than the verified cache holds (twice its default capacity).
const MANY_USERS: usize = 2 * descope::session::DEFAULT_VERIFIED_CACHE_CAPACITY;
const ROUNDS: usize = 3;
/// Slices per app per round.
const SLICES: usize = 2;
const SLICE: Duration = Duration::from_secs(1);
const CONNECTIONS: usize = 16;

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// One slice against `server`: (answers, 200s, wall, server CPU).
fn slice(server: &(Child, String), tokens: &std::path::Path) -> (u64, u64, Duration, Duration) {
    let pid = server.0.id().to_string();
    let cpu = cpu_time_of(&pid);
    let wall = Instant::now();
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--drive", &server.1, tokens.to_str().unwrap()])
        .output()
        .unwrap();
    let (wall, cpu) = (wall.elapsed(), cpu_time_of(&pid) - cpu);
    let text = String::from_utf8(output.stdout).unwrap();
    let mut counts = text.split_whitespace().map(|v| v.parse::<u64>().unwrap());
    (counts.next().unwrap(), counts.next().unwrap(), wall, cpu)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--serve") {
        let jwks = std::fs::read_to_string(&args[at + 2]).unwrap();
        apps::serve(&args[at + 1], &jwks);
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--drive") {
        let tokens: Vec<String> = std::fs::read_to_string(&args[at + 2])
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        driver::drive(&args[at + 1], &tokens, CONNECTIONS, SLICE.as_secs_f64());
        return;
    }

    // A key, its JWK set, and tokens valid for an hour: one user's, and 2,000 users'.
    let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
    let public = pair.public_key();
    let jwks = json!({"keys": [{
        "kty": "RSA", "kid": "web", "alg": "RS256", "use": "sig",
        "n": b64(public.modulus().big_endian_without_leading_zero()),
        "e": b64(public.exponent().big_endian_without_leading_zero()),
    }]});
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "web"}).to_string();
    let sign = |user: usize| {
        let claims = json!({
            "iss": format!("https://api.descope.com/{}", apps::PROJECT_ID),
            "sub": format!("U{user}"), "iat": now, "exp": now + 3600, "drn": "DS",
            "amr": ["pwd"], "roles": ["member"],
        });
        sign_rs256(&pair, &header, &claims.to_string())
    };
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let jwks_file = write("jwks.json", jwks.to_string());
    let one = write("one.txt", sign(0));
    let users = write(
        "users.txt",
        (1..=USERS).map(sign).collect::<Vec<_>>().join("\n"),
    );
    let many = write(
        "many.txt",
        (1..=MANY_USERS).map(sign).collect::<Vec<_>>().join("\n"),
    );
    let none = write("none.txt", String::new());

    let jwks_arg = jwks_file.to_str().unwrap();
    let layer = start_self(&["--serve", "layer", jwks_arg]);
    let uncached = start_self(&["--serve", "layer-nocache", jwks_arg]);
    let raw = start_self(&["--serve", "raw", jwks_arg]);
    let workloads = [
        ("one user's repeated token", &layer, &one, true),
        ("2,000 users round-robin", &layer, &users, true),
        ("20,000 users, twice the cache", &layer, &many, true),
        ("missing session (401)", &layer, &none, false),
        ("2,000 users, layer's cache off", &uncached, &users, true),
    ];
    println!(
        "median of {ROUNDS} rounds, {SLICES} alternating slices of {SLICE:?} per app per round; \
         server 1 worker thread, generator 1 thread, {CONNECTIONS} keep-alive connections"
    );
    println!(
        "| workload | layer req/s | raw req/s | ÷ raw | layer CPU/req | raw CPU/req | ÷ raw |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, app, tokens, valid) in workloads {
        // Warm both (connections, caches: a token is remembered on its second verification).
        for server in [app, &raw] {
            slice(server, tokens);
        }
        let mut rates: [Vec<f64>; 2] = Default::default();
        let mut costs: [Vec<f64>; 2] = Default::default();
        for round in 0..ROUNDS {
            let mut totals = [(0u64, Duration::ZERO, Duration::ZERO); 2];
            for n in 0..SLICES {
                // Alternate which app goes first.
                let order = if (round + n) % 2 == 0 { [0, 1] } else { [1, 0] };
                for which in order {
                    let server = [app, &raw][which];
                    let (answers, ok, wall, cpu) = slice(server, tokens);
                    let expected = if valid { answers } else { 0 };
                    assert_eq!(ok, expected, "{name}: {ok} of {answers} answered 200");
                    let t = &mut totals[which];
                    *t = (t.0 + answers, t.1 + wall, t.2 + cpu);
                }
            }
            for which in 0..2 {
                let (answers, wall, cpu) = totals[which];
                rates[which].push(answers as f64 / wall.as_secs_f64());
                costs[which].push(cpu.as_secs_f64() / answers.max(1) as f64);
            }
        }
        let ratio: Vec<f64> = (0..ROUNDS).map(|r| rates[0][r] / rates[1][r]).collect();
        let cost_ratio: Vec<f64> = (0..ROUNDS).map(|r| costs[0][r] / costs[1][r]).collect();
        let [layer_rate, raw_rate] = rates.map(median);
        let [layer_cost, raw_cost] = costs.map(median);
        println!(
            "| {name} | {layer_rate:.0} | {raw_rate:.0} | {:.2}x | {:.1} µs | {:.1} µs | {:.2}x |",
            median(ratio),
            layer_cost * 1e6,
            raw_cost * 1e6,
            median(cost_ratio),
        );
    }
    for (mut child, _) in [layer, uncached, raw] {
        let _ = child.kill();
        let _ = child.wait();
    }
}
