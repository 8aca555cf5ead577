//! What the bench binaries share: process CPU time and percentiles.

use std::time::Duration;

/// User plus system CPU time of this process, from /proc (clock ticks of 10 ms; zero where
/// /proc is missing).
#[allow(dead_code)] // not every bench binary measures itself
pub fn cpu_time() -> Duration {
    cpu_time_of("self")
}

/// User plus system CPU time of process `pid` (`"self"` for this one), from
/// `/proc/<pid>/stat` (clock ticks of 10 ms; zero where /proc is missing).
pub fn cpu_time_of(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Starts this bench binary again with `args` (a server mode); returns the child and the first
/// line it prints (its address).
#[allow(dead_code)] // not every bench binary starts servers
pub fn start_self(args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(std::env::current_exe().expect("own path"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start a server");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("its first line");
    (child, line.trim().to_owned())
}

/// An RS256 JWT of `header` and `claims` (JSON texts), signed with `pair`.
#[allow(dead_code)] // not every bench binary signs tokens
pub fn sign_rs256(pair: &aws_lc_rs::rsa::KeyPair, header: &str, claims: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let mut sig = vec![0; pair.public_modulus_len()];
    pair.sign(
        &aws_lc_rs::signature::RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        message.as_bytes(),
        &mut sig,
    )
    .expect("sign");
    format!("{message}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// The `q` quantile (0.0 to 1.0) of sorted durations, by the nearest-rank rule.
#[allow(dead_code)] // not every bench binary reports percentiles
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
