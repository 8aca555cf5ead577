//! The load generator: its own process, keep-alive HTTP/1.1 connections to 127.0.0.1, each
//! sending `GET /me` with the next token of the list (round-robin) as the `DS` cookie (or none),
//! for a fixed time. Prints how many answers came back, and how many were 200.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Runs `connections` connections against `addr` for `seconds`, cycling through `tokens`
/// (empty: no cookie). Prints `<answers> <ok>`.
pub fn drive(addr: &str, tokens: &[String], connections: usize, seconds: f64) {
    assert!(addr.starts_with("127.0.0.1:"), "loopback only: {addr}");
    let requests: Vec<Vec<u8>> = if tokens.is_empty() {
        vec![b"GET /me HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n".to_vec()]
    } else {
        tokens
            .iter()
            .map(|t| format!("GET /me HTTP/1.1\r\nhost: 127.0.0.1\r\ncookie: DS={t}\r\n\r\n"))
            .map(String::into_bytes)
            .collect()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (answers, ok) = runtime.block_on(async {
        let deadline = Instant::now() + Duration::from_secs_f64(seconds);
        let requests = std::sync::Arc::new(requests);
        let tasks: Vec<_> = (0..connections)
            .map(|n| {
                let requests = requests.clone();
                let addr = addr.to_owned();
                tokio::spawn(async move { connection(&addr, &requests, n, deadline).await })
            })
            .collect();
        let mut totals = (0u64, 0u64);
        for task in tasks {
            let (answers, ok) = task.await.expect("connection task");
            totals = (totals.0 + answers, totals.1 + ok);
        }
        totals
    });
    println!("{answers} {ok}");
}

/// One keep-alive connection until `deadline`; starts at its own offset in the token list.
async fn connection(
    addr: &str,
    requests: &[Vec<u8>],
    offset: usize,
    deadline: Instant,
) -> (u64, u64) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let (mut answers, mut ok) = (0u64, 0u64);
    // Bounded in time, and in count as a backstop.
    for n in 0..100_000_000usize {
        if Instant::now() >= deadline {
            break;
        }
        let request = &requests[(offset * 7919 + n) % requests.len()];
        stream.write_all(request).await.expect("write");
        // One answer: headers, then content-length bytes.
        let (head_end, length, status) = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                let status = head.get(9..12).unwrap_or("").to_owned();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (end + 4, length, status);
            }
            let read = stream.read(&mut chunk).await.expect("read");
            assert!(read > 0, "the server closed the connection");
            buffer.extend_from_slice(&chunk[..read]);
        };
        while buffer.len() < head_end + length {
            let read = stream.read(&mut chunk).await.expect("read");
            assert!(read > 0, "the server closed the connection");
            buffer.extend_from_slice(&chunk[..read]);
        }
        buffer.drain(..head_end + length);
        answers += 1;
        ok += u64::from(status == "200");
    }
    (answers, ok)
}
