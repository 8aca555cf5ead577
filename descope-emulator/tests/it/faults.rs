//! The emulator under faults and load: no acknowledged change lost to SIGKILL, stops that
//! stalled clients cannot hold up, slow clients disconnected, bounded hashing, and a mixed
//! workload at concurrency 64. Loopback only; every loop is bounded in count and time.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use descope::{Client, RefreshJwt};
use descope_emulator::{Emulator, HashCost};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::binary::{signal, spawn, state_path, wait_exit};

const PASSWORD: &str = "Faults-Passw0rd";

fn client(base_url: &str, project: &str) -> Client {
    Client::builder()
        .project_id(project)
        .base_url(base_url)
        .retry_policy(descope::RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A small deterministic generator (no dependency): the kill moments differ per round.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[tokio::test]
async fn sigkill_at_any_moment_loses_no_acknowledged_sign_up() {
    let (_dir, path) = state_path();
    let state = path.to_str().unwrap().to_owned();
    let acknowledged: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for round in 0..10 {
        let running = spawn(&["--project-id", "P2durable", "--state", &state]);
        let client = client(&running.base_url, "P2durable");
        // Everything acknowledged in earlier rounds survived the kill.
        let earlier = acknowledged.lock().unwrap().clone();
        for login_id in &earlier {
            client
                .password()
                .sign_in(login_id.as_str(), PASSWORD)
                .await
                .unwrap_or_else(|e| panic!("round {round}: {login_id} was lost: {e}"));
        }
        // Four writers sign up as fast as they can; the kill lands somewhere among them.
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let client = client.clone();
                let acknowledged = acknowledged.clone();
                tokio::spawn(async move {
                    for i in 0..200 {
                        let login_id = format!("r{round}w{writer}n{i}@example.com");
                        match client.password().sign_up(login_id.as_str(), PASSWORD).await {
                            Ok(_) => {
                                acknowledged.lock().unwrap().insert(login_id);
                            }
                            Err(_) => return, // killed
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(20 + next(&mut seed) % 80)).await;
        drop(running); // SIGKILL
        for writer in writers {
            writer.await.unwrap();
        }
    }
    let running = spawn(&["--project-id", "P2durable", "--state", &state]);
    let client = client(&running.base_url, "P2durable");
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 10, "the rounds signed users up");
    for login_id in &acknowledged {
        let again = client
            .password()
            .sign_up(login_id.as_str(), PASSWORD)
            .await
            .unwrap_err();
        assert_eq!(again.status(), Some(409), "{login_id} must exist");
    }
}

#[tokio::test]
async fn sigterm_stops_within_the_deadline_despite_stalled_clients_and_saves() {
    let (_dir, path) = state_path();
    let state = path.to_str().unwrap();
    let mut running = spawn(&["--project-id", "P2stall", "--state", state]);
    let client = client(&running.base_url, "P2stall");
    client
        .password()
        .sign_up("kept@example.com", PASSWORD)
        .await
        .unwrap();
    let addr = running.base_url.trim_start_matches("http://").to_owned();
    // Half the headers, and half a body: both held open.
    let mut headers_only = TcpStream::connect(&addr).await.unwrap();
    headers_only
        .write_all(b"POST /v1/auth/password/signin HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let mut half_body = TcpStream::connect(&addr).await.unwrap();
    half_body
        .write_all(
            b"POST /v1/auth/password/signin HTTP/1.1\r\nhost: x\r\nauthorization: Bearer P2stall\r\n\
              content-type: application/json\r\ncontent-length: 100\r\n\r\n{\"loginId\"",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let asked = Instant::now();
    signal(&running, "TERM");
    let status = wait_exit(&mut running);
    assert!(status.success(), "{status:?}");
    assert!(
        asked.elapsed() < Duration::from_secs(8),
        "stopped after {:?}",
        asked.elapsed()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("kept@example.com"),
        "the final state was saved"
    );
    // Keys and password hashes: readable by the owner only; no temporary file left behind.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "state file mode {mode:o}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    drop((headers_only, half_body));
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .header_read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let addr = emulator.base_url().trim_start_matches("http://").to_owned();
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /v1/auth/password/policy HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    // The server closes (or answers 408 and closes) once the header timeout passes.
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match slow.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the slow connection was never closed");
    assert!(started.elapsed() >= Duration::from_millis(250));
    // Others are served meanwhile and after.
    emulator
        .client()
        .unwrap()
        .password()
        .policy()
        .await
        .unwrap();
    let stop = Instant::now();
    emulator.stop().await;
    assert!(stop.elapsed() < Duration::from_secs(6));
}

#[tokio::test]
async fn hashing_is_bounded_and_a_burst_still_completes() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .max_concurrent_hashes(1)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .password()
                    .sign_up(format!("burst{i}@example.com"), PASSWORD)
                    .send()
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(emulator.user_count(), 64);
    assert!(Emulator::builder()
        .max_concurrent_hashes(0)
        .start()
        .await
        .is_err());
}

#[tokio::test]
async fn a_mixed_workload_at_concurrency_64_loses_nothing() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..64)
        .map(|worker| {
            let client = client.clone();
            tokio::spawn(async move {
                let login_id = format!("load{worker}@example.com");
                let password = client.password();
                let auth = password.sign_up(login_id.as_str(), PASSWORD).await?;
                let mut refresh: RefreshJwt = auth.refresh_jwt;
                let mut current = PASSWORD.to_owned();
                // A bounded round of every operation, per worker.
                for round in 0..3 {
                    let auth = password
                        .sign_in(login_id.as_str(), current.as_str())
                        .await?;
                    let refreshed = client.sessions().refresh(&auth.refresh_jwt).await?;
                    let rotated = refreshed.refresh_jwt.clone();
                    assert_ne!(rotated, auth.refresh_jwt, "rotation is on");
                    let me = client.sessions().me(&rotated).await?;
                    assert_eq!(me.login_ids, std::slice::from_ref(&login_id));
                    let next = format!("{PASSWORD}-{round}");
                    let replaced = password
                        .replace(login_id.as_str(), current.as_str(), next.as_str())
                        .await?;
                    current = next;
                    client.sessions().logout(&rotated).await?;
                    // A logged-out refresh JWT is refused; the new one works.
                    assert!(client.sessions().me(&rotated).await.is_err());
                    refresh = replaced.refresh_jwt;
                    client.sessions().me(&refresh).await?;
                }
                Ok::<_, descope::Error>((login_id, current, refresh))
            })
        })
        .collect();
    let mut finished = Vec::new();
    for task in tasks {
        finished.push(task.await.unwrap().unwrap());
    }
    assert!(started.elapsed() < Duration::from_secs(120));
    assert_eq!(emulator.user_count(), 64, "no user lost or duplicated");
    for (login_id, password, refresh) in finished {
        client.sessions().me(&refresh).await.unwrap();
        client
            .password()
            .sign_in(login_id.as_str(), password.as_str())
            .await
            .unwrap();
    }
    emulator.stop().await;
}

/// Peak resident memory of a process, in MiB (`VmHWM`), on Linux.
#[cfg(target_os = "linux")]
fn peak_rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib / 1024
}

/// 64 sign-ups at once at production cost (argon2id, 19 MiB each): the emulator hashes at most
/// one per permit, and each permit reuses one buffer, so its peak memory stays within
/// `permits × 19 MiB + 50 MiB` however many arrive together.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn concurrent_production_cost_sign_ups_stay_within_the_hashing_memory_bound() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_descope-emulator"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--hash-cost",
            "production",
            "--project-id",
            "P2memory",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    let base_url = first
        .trim()
        .strip_prefix("DESCOPE_BASE_URL=")
        .unwrap()
        .to_owned();
    let client = client(&base_url, "P2memory");
    let sign_ups: Vec<_> = (0..64)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .password()
                    .sign_up(format!("mem{i}@example.com"), PASSWORD)
                    .await
            })
        })
        .collect();
    for sign_up in sign_ups {
        sign_up.await.unwrap().unwrap();
    }
    let peak = peak_rss_mib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let permits = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let bound = permits * 19 + 50;
    assert!(
        peak <= bound,
        "peak RSS {peak} MiB over {bound} MiB ({permits} permits × 19 MiB + 50 MiB)"
    );
}

/// A long-running emulator forgets expired sessions on a schedule, and each user keeps at most
/// 100: a sign-in beyond it ends that user's oldest session.
#[tokio::test]
async fn expired_sessions_are_pruned_on_a_schedule_and_bounded_per_user() {
    let clock = descope::session::OffsetClock::new();
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .clock(clock.clone())
        .refresh_ttl(Duration::from_secs(3600))
        .session_prune_interval(Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let first = client
        .password()
        .sign_up("prune@example.com", PASSWORD)
        .await
        .unwrap();
    let mut last = first.refresh_jwt.clone();
    for _ in 0..104 {
        last = client
            .password()
            .sign_in("prune@example.com", PASSWORD)
            .await
            .unwrap()
            .refresh_jwt;
    }
    assert_eq!(emulator.stored_sessions(), 100, "bounded per user");
    let oldest = client.sessions().refresh(&first.refresh_jwt).await;
    assert_eq!(oldest.unwrap_err().status(), Some(401), "the oldest ended");
    client.sessions().refresh(&last).await.unwrap();

    // Past their expiry, the next prune forgets them (bounded wait: the schedule is 20 ms).
    clock.advance(Duration::from_secs(2 * 3600));
    for _ in 0..500 {
        if emulator.stored_sessions() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(emulator.stored_sessions(), 0);
    emulator.stop().await;
}
