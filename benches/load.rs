//! A load driver: N password sign-ins at concurrency C against a Descope base URL (an
//! emulator in a child process by default), printing requests/s, latency p50/p99 and this
//! client's CPU time per call, so the crate can be compared with other clients (the official
//! SDKs) against the same server.
//!
//! ```sh
//! cargo bench --bench load -- --requests 10000 --concurrency 8
//! cargo bench --bench load -- --base-url http://127.0.0.1:4000 --project-id P2... \
//!     --login-id load@example.com --password Load-Passw0rd-1
//! ```
//!
//! Flags: `--requests N` (default 10000), `--concurrency C` (default 8), `--max-seconds S`
//! (default 300: the run stops there, whatever is left), `--client-threads T` (the client's
//! tokio worker threads, default 1), `--base-url`, `--project-id`,
//! `--login-id`, `--password`, and `--hash-cost fast|production` for the default emulator
//! (default fast: the server's hashing would otherwise be what is measured). The user is
//! signed up first when it does not exist. Only loopback addresses are accepted.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a bench binary stops on setup failure

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use descope::{Client, RetryPolicy};
use support::{cpu_time, percentile};

mod support;

struct Args {
    requests: usize,
    concurrency: usize,
    max_seconds: u64,
    base_url: Option<String>,
    project_id: String,
    login_id: String,
    password: String,
    hash_cost: String,
    client_threads: usize,
}

fn parse_args() -> Args {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let number = |name: &str, default: usize| {
        value(name).map_or(default, |v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number, not {v}"))
        })
    };
    Args {
        requests: number("--requests", 10_000),
        concurrency: number("--concurrency", 8).max(1),
        max_seconds: number("--max-seconds", 300) as u64,
        base_url: value("--base-url"),
        project_id: value("--project-id").unwrap_or_else(|| "P2load".into()),
        login_id: value("--login-id").unwrap_or_else(|| "load@example.com".into()),
        password: value("--password").unwrap_or_else(|| "Load-Passw0rd-1".into()),
        hash_cost: value("--hash-cost").unwrap_or_else(|| "fast".into()),
        client_threads: number("--client-threads", 1).max(1),
    }
}

/// The child: an emulator for `project_id`, its base URL as the first stdout line.
fn serve_emulator(project_id: &str, hash_cost: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let emulator = descope_emulator::Emulator::builder()
            .project_id(project_id)
            .hash_cost(hash_cost.parse().unwrap())
            .start()
            .await
            .unwrap();
        println!("{}", emulator.base_url());
        std::io::stdout().flush().unwrap();
        // Until the parent closes our stdin (or dies).
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        emulator.stop().await;
    });
}

fn is_loopback(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

fn main() {
    let args = parse_args();
    if std::env::args().any(|a| a == "--serve-emulator") {
        serve_emulator(&args.project_id, &args.hash_cost);
        return;
    }
    // The emulator runs in a child process, so this process's CPU time is the client's alone.
    let mut child = None;
    let base_url = match &args.base_url {
        Some(url) => url.clone(),
        None => {
            let mut process = Command::new(std::env::current_exe().unwrap())
                .args(["--serve-emulator", "--project-id", &args.project_id])
                .args(["--hash-cost", &args.hash_cost])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut line = String::new();
            BufReader::new(process.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            child = Some(process);
            line.trim().to_owned()
        }
    };
    assert!(is_loopback(&base_url), "only loopback servers: {base_url}");
    let client = Client::builder()
        .project_id(&args.project_id)
        .base_url(&base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .enable_all()
        .build()
        .unwrap();
    let report = runtime.block_on(run(&client, &args));
    println!("{report}");
    if let Some(mut child) = child {
        drop(child.stdin.take());
        let _ = child.wait();
    }
}

async fn run(client: &Client, args: &Args) -> String {
    let password = client.password();
    match password.sign_up(&args.login_id, &args.password).await {
        Ok(_) => {}
        Err(e) if e.code() == Some(&descope::ErrorCode::UserAlreadyExists) => {}
        Err(e) => panic!("cannot sign up the load user: {e}"),
    }
    // Warm-up: connections and the first allocations.
    for _ in 0..args.concurrency.min(args.requests) {
        password
            .sign_in(&args.login_id, &args.password)
            .await
            .unwrap();
    }
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    let cpu_before = cpu_time();
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency {
        let (client, next) = (client.clone(), next.clone());
        let (login_id, secret) = (args.login_id.clone(), args.password.clone());
        let total = args.requests;
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            while next.fetch_add(1, Ordering::Relaxed) < total && Instant::now() < deadline {
                let at = Instant::now();
                match client.password().sign_in(&login_id, &secret).await {
                    Ok(_) => latencies.push(at.elapsed()),
                    Err(_) => failures += 1,
                }
            }
            (latencies, failures)
        });
    }
    let mut latencies = Vec::with_capacity(args.requests);
    let mut failures = 0;
    while let Some(done) = workers.join_next().await {
        let (mut part, failed) = done.unwrap();
        latencies.append(&mut part);
        failures += failed;
    }
    let elapsed = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_before);
    latencies.sort();
    let done = latencies.len() + failures;
    format!(
        "sign-ins {done} at concurrency {} in {:.2} s: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, \
         client CPU {:.1} µs per call, {failures} failed",
        args.concurrency,
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        cpu.as_secs_f64() * 1e6 / done.max(1) as f64,
    )
}
