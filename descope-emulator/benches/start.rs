//! How long `Emulator::builder().start()` takes in-process: the first emulator of the process
//! (it generates the development key pair), later ones (they reuse it), and later ones that ask
//! for a fresh key pair. `cargo bench -p descope-emulator --bench start` prints the median and
//! the spread of each, over bounded rounds. Loopback only.

#![allow(clippy::expect_used)] // a bench binary stops on setup failure

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
}
