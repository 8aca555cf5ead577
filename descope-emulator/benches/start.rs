//! How long `Emulator::builder().start()` takes in-process: the first emulator of the process
//! (it generates the development key pair), later ones (they reuse it), and later ones that ask
//! for a fresh key pair; and how long the `descope-emulator` binary takes from spawn to its
//! `DESCOPE_BASE_URL=` line, with its key cache warm (the default) and with `--no-key-cache`.
//! `cargo bench -p descope-emulator --bench start` prints the median and the spread of each,
//! over bounded rounds, the kinds alternated. Loopback only.

#![allow(clippy::expect_used)] // a bench binary stops on setup failure

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use descope_emulator::{Emulator, HashCost};

/// Starts measured per kind (after the first).
const STARTS: usize = 31;

async fn start(fresh: bool) -> Duration {
    let begin = Instant::now();
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .fresh_signing_key(fresh)
        .start()
        .await
        .expect("start");
    let took = begin.elapsed();
    emulator.stop().await;
    took
}

/// Spawns the binary with `args` and times it to its `DESCOPE_BASE_URL=` line; then stops it.
fn binary_start(args: &[&str]) -> Duration {
    let begin = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_descope-emulator"))
        .args(["--addr", "127.0.0.1:0", "--hash-cost", "fast"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the binary");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let took = begin.elapsed();
    assert!(
        line.starts_with("DESCOPE_BASE_URL=http://127.0.0.1:"),
        "{line}"
    );
    let _ = child.kill();
    let _ = child.wait();
    took
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "median {:.2} ms (min {:.2}, max {:.2}, {} starts)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    )
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let first = start(false).await;
        let mut shared = Vec::with_capacity(STARTS);
        let mut fresh = Vec::with_capacity(STARTS);
        // Alternate the kinds so drift of a shared machine hits both.
        for _ in 0..STARTS {
            shared.push(start(false).await);
            fresh.push(start(true).await);
        }
        println!(
            "first emulator of the process: {:.2} ms",
            first.as_secs_f64() * 1e3
        );
        println!("later emulators (shared key):  {}", summary(shared));
        println!("later emulators (fresh key):   {}", summary(fresh));
    });

    let dir = tempfile::tempdir().expect("temp dir");
    let cache = dir.path().join("dev-signing-key.der");
    let cache = cache.to_str().expect("utf-8 path");
    let cold = binary_start(&["--key-cache", cache]);
    let (mut warm, mut uncached) = (Vec::new(), Vec::new());
    for _ in 0..STARTS {
        warm.push(binary_start(&["--key-cache", cache]));
        uncached.push(binary_start(&["--no-key-cache"]));
    }
    println!(
        "binary, first start (writes the key cache): {:.2} ms",
        cold.as_secs_f64() * 1e3
    );
    println!("binary, key cache warm (default):  {}", summary(warm));
    println!("binary, --no-key-cache:            {}", summary(uncached));
}
