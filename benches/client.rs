//! Client overhead per sign-in: the façade (`client.password().sign_in(..)`) against the
//! tightest hand-written reqwest + serde_json client: its URL parsed once and its six headers
//! built once (as the client's default headers), the same request bytes on the wire, the body
//! serialized per call (its arguments change per call), and the answer decoded into a plain
//! struct with the wire's fields (`client/plain.rs`). Both run against a canned responder on
//! 127.0.0.1 in a child process, so only the client's work is counted.
//!
//! `cargo bench --bench client` prints wall time and CPU time per call for a small answer (the
//! seed's JWTResponse) and a large one (50 tenants, 100 roles, 50 custom attributes), at
//! concurrency 1 and 32. For instruction counts, run one case under valgrind:
//! `valgrind --tool=callgrind <bench binary> --only facade-small-1 --calls 2000` (and
//! `baseline-small-1`, and `--calls 0` for the setup to subtract). `baseline-timeout-small-1`
//! (and the other sizes) is the baseline with reqwest's own 60 s timeout, for perspective.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a bench binary stops on setup failure

use std::io::Write;
use std::time::{Duration, Instant};

use descope::{Client, SessionConfig};
use support::cpu_time;

#[path = "client/plain.rs"]
mod plain;
mod support;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROJECT_ID: &str = "P2benchclient";
/// Rounds per case; figures are their medians.
const ROUNDS: usize = 5;

fn small() -> Value {
    json!({
        "sessionJwt": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJVMiJ9.c2lnbmF0dXJl",
        "refreshJwt": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJVMiIsImRybiI6IkRTUiJ9.c2ln",
        "cookieDomain": "example.com", "cookiePath": "/", "cookieMaxAge": 2592000,
        "cookieExpiration": 1900000000, "firstSeen": false, "sessionExpiration": 1800000000,
        "user": {"userId": "U2bench", "loginIds": ["ada@example.com"], "name": "Ada",
                 "email": "ada@example.com", "verifiedEmail": true, "status": "enabled",
                 "roleNames": ["admin"], "userTenants": [], "createdTime": 1700000000,
                 "TOTP": false, "SAML": false, "OAuth": {}, "password": true}
    })
}

fn large() -> Value {
    let mut body = small();
    let user = &mut body["user"];
    user["roleNames"] = json!((0..100).map(|i| format!("role-{i}")).collect::<Vec<_>>());
    user["userTenants"] = json!((0..50)
        .map(
            |i| json!({"tenantId": format!("T{i}"), "tenantName": format!("Tenant {i}"),
                        "roleNames": ["editor", "viewer"], "permissions": ["read", "write"]})
        )
        .collect::<Vec<_>>());
    user["customAttributes"] = json!((0..50)
        .map(|i| (format!("attr{i}"), json!(format!("value {i}"))))
        .collect::<serde_json::Map<_, _>>());
    body
}

/// The canned responder: answers every request with `body` (keep-alive), forever.
fn serve(body: Value) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap());
        std::io::stdout().flush().unwrap();
        let body = body.to_string();
        let answer: &'static [u8] = Box::leak(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
            .into_boxed_slice(),
        );
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut buffer = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    // One request: headers, then content-length bytes of body.
                    let (head_end, length) = loop {
                        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                            let length = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            break (end + 4, length);
                        }
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    };
                    while buffer.len() < head_end + length {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buffer.drain(..head_end + length);
                    if socket.write_all(answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
}

/// Starts the responder in a child process; returns it and its base URL.
fn responder(kind: &str) -> (std::process::Child, String) {
    let (child, addr) = support::start_self(&["--serve", kind]);
    (child, format!("http://{addr}"))
}

#[derive(Clone, Copy)]
enum Side {
    Facade,
    Baseline,
    /// The baseline with reqwest's own total timeout (60 s, as the façade's default): for
    /// perspective only (`--only baseline-timeout-small-1`), as the façade's timeout is one of
    /// the costs the baseline does not pay.
    BaselineWithTimeout,
}

/// One sign-in, by the façade or by the hand-written client. Each side is handed its
/// long-lived client by reference and copies only what its call consumes (the baseline's URL).
async fn one(
    side: Side,
    client: &Client,
    http: &reqwest::Client,
    url: &reqwest::Url,
    expected: &[u8],
) {
    match side {
        Side::Facade => {
            let auth = client
                .password()
                .sign_in("ada@example.com", "Bench-Passw0rd")
                .await
                .unwrap();
            std::hint::black_box(auth);
        }
        Side::Baseline | Side::BaselineWithTimeout => {
            // The request body serialized per call, as a hand-written client does.
            #[derive(serde::Serialize)]
            #[serde(rename_all = "camelCase")]
            struct SignIn<'a> {
                login_id: &'a str,
                password: &'a str,
            }
            let body = serde_json::to_vec(&SignIn {
                login_id: "ada@example.com",
                password: "Bench-Passw0rd",
            })
            .unwrap();
            debug_assert_eq!(body, expected);
            // URL parsed once, headers built once (the client's default headers).
            let response = http.post(url.clone()).body(body).send().await.unwrap();
            let bytes = response.bytes().await.unwrap();
            let decoded: plain::PlainAuth = serde_json::from_slice(&bytes).unwrap();
            std::hint::black_box(decoded);
        }
    }
}

async fn run(side: Side, base_url: &str, calls: usize, concurrency: usize) -> (Duration, Duration) {
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(base_url)
        // The default retry policy, as users run it (the responder never asks for a retry).
        .session_config(SessionConfig::default().public_keys(
            r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#,
        ))
        .build()
        .unwrap();
    // The same six headers the façade sends (progenitor asks for JSON), built once.
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in [
        ("authorization", format!("Bearer {PROJECT_ID}")),
        ("x-descope-sdk-name", "rust".to_owned()),
        ("x-descope-sdk-version", "0.1.0".to_owned()),
        ("x-descope-project-id", PROJECT_ID.to_owned()),
        ("content-type", "application/json".to_owned()),
        ("accept", "application/json".to_owned()),
    ] {
        headers.insert(name, value.parse().unwrap());
    }
    let mut http = reqwest::Client::builder();
    if let Side::BaselineWithTimeout = side {
        http = http.timeout(Duration::from_secs(60));
    }
    let http = http
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    let url: reqwest::Url = format!("{base_url}/v1/auth/password/signin")
        .parse()
        .unwrap();
    let body =
        serde_json::to_vec(&json!({"loginId": "ada@example.com", "password": "Bench-Passw0rd"}))
            .unwrap();
    // Warm the connection pools.
    for _ in 0..concurrency.min(calls).max(1) {
        one(side, &client, &http, &url, &body).await;
    }
    let (cpu, wall) = (cpu_time(), Instant::now());
    let per_task = calls / concurrency.max(1);
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, http, url, body) =
                (client.clone(), http.clone(), url.clone(), body.clone());
            tokio::spawn(async move {
                for _ in 0..per_task {
                    one(side, &client, &http, &url, &body).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let done = (per_task * concurrency).max(1) as u32;
    (wall.elapsed() / done, (cpu_time() - cpu) / done)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--serve") {
        let body = if args.get(at + 1).map(String::as_str) == Some("large") {
            large()
        } else {
            small()
        };
        serve(body);
        return;
    }
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let calls: usize = args
        .iter()
        .position(|a| a == "--calls")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    println!("| answer | concurrency | façade wall/call | baseline wall/call | façade CPU/call | baseline CPU/call | CPU ratio |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for kind in ["small", "large"] {
        let (mut child, base_url) = responder(kind);
        for concurrency in [1, 32] {
            let name = |side: &str| format!("{side}-{kind}-{concurrency}");
            if let Some(only) = &only {
                for (side, label) in [
                    (Side::Facade, "facade"),
                    (Side::Baseline, "baseline"),
                    (Side::BaselineWithTimeout, "baseline-timeout"),
                ] {
                    if *only == name(label) {
                        runtime.block_on(run(side, &base_url, calls, concurrency));
                    }
                }
                continue;
            }
            // Alternate within each round; the median of the rounds (and of their paired CPU
            // ratios), never the best.
            let (mut facade, mut baseline, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                let f = runtime.block_on(run(Side::Facade, &base_url, calls, concurrency));
                let b = runtime.block_on(run(Side::Baseline, &base_url, calls, concurrency));
                ratios.push(f.1.as_secs_f64() / b.1.as_secs_f64().max(1e-9));
                facade.push(f);
                baseline.push(b);
            }
            let median = |mut values: Vec<f64>| {
                values.sort_by(f64::total_cmp);
                values[values.len() / 2]
            };
            let us = |runs: &[(Duration, Duration)], cpu: bool| {
                median(
                    runs.iter()
                        .map(|r| if cpu { r.1 } else { r.0 }.as_secs_f64() * 1e6)
                        .collect(),
                )
            };
            println!(
                "| {kind} | {concurrency} | {:.1} µs | {:.1} µs | {:.1} µs | {:.1} µs | {:.2}× |",
                us(&facade, false),
                us(&baseline, false),
                us(&facade, true),
                us(&baseline, true),
                median(ratios),
            );
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}
