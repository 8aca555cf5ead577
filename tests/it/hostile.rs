//! Misbehaving servers and hostile configuration, on 127.0.0.1: oversized and endless bodies,
//! redirects with a caller's own client, resets and stalls, control characters in error text,
//! `Retry-After` dates, withdrawn keys. Every loop is bounded in count and time.

use std::time::{Duration, Instant};

use descope::session::OffsetClock;
use descope::{Client, Error, RetryPolicy, SessionConfig, SessionError};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;
use crate::tokens::{claims, key, now, RsaKey};

fn client_for(base_url: &str) -> descope::ClientBuilder {
    Client::builder()
        .project_id(PROJECT_ID)
        .base_url(base_url)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .session_config(SessionConfig::default().public_keys(crate::tokens::jwks()))
}

/// A raw TCP server that answers every connection with `head`, then calls `body` to keep
/// writing (bounded by the caller), then closes. Returns its base URL.
async fn raw_server<F, Fut>(head: &'static str, body: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let body = std::sync::Arc::new(body);
    tokio::spawn(async move {
        // At most 16 connections per test server.
        for _ in 0..16 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 8192];
                let _ = socket.read(&mut request).await;
                if socket.write_all(head.as_bytes()).await.is_ok() {
                    body(socket).await;
                }
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn an_oversized_body_is_refused_while_it_streams() {
    // Announced by Content-Length.
    let server = MockServer::start().await;
    let big = format!("{{\"sessionJwt\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(big))
        .mount(&server)
        .await;
    let client = client_for(&server.uri()).build().unwrap();
    let error = client
        .password()
        .sign_in("ada", PASSWORD)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                operation: descope::Operation::PasswordSignIn
            }
        ),
        "{error:?}"
    );
    // A configured limit applies instead of the default.
    let small = client_for(&server.uri())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    assert!(matches!(
        small.password().policy().await.unwrap_err(),
        Error::ResponseTooLarge { .. }
    ));

    // Endless and chunked (no length announced): stopped at the limit, long before the timeout.
    let endless = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        |mut socket| async move {
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "a".repeat(64 * 1024));
            // At most 64 MiB, or until the client hangs up.
            for _ in 0..1024 {
                if socket.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
        },
    )
    .await;
    let client = client_for(&endless).build().unwrap();
    let started = Instant::now();
    let error = client.password().policy().await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_body_in_several_chunks_is_read_whole() {
    // A JSON answer split inside a key and a value, each piece its own chunk, flushed apart.
    let split = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        |mut socket| async move {
            for piece in [r#"{"minLen"#, r#"gth":12,"lowerc"#, r#"ase":true}"#, ""] {
                let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
                if socket.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
                let _ = socket.flush().await;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        },
    )
    .await;
    let client = client_for(&split).build().unwrap();
    let policy = client.password().policy().await.unwrap();
    assert_eq!(policy.min_length, 12);
    assert!(policy.lowercase);
    assert!(!policy.uppercase);
}

#[tokio::test]
async fn an_oversized_key_set_is_not_parsed() {
    let server = MockServer::start().await;
    let jwk = key().jwk();
    let keys: Vec<_> = (0..5000).map(|_| jwk.clone()).collect();
    Mock::given(method("GET"))
        .and(path(format!("/v2/keys/{PROJECT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": keys })))
        .mount(&server)
        .await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.sessions().validate(session_jwt()).await.unwrap_err();
    match error {
        Error::KeyFetch {
            source: Some(source),
        } => assert!(
            matches!(
                *source,
                Error::ResponseTooLarge {
                    operation: descope::Operation::GetKeys
                }
            ),
            "{source:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_callers_client_never_resends_the_password_to_a_redirect() {
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(jwt_response()))
        .mount(&elsewhere)
        .await;
    let origin = MockServer::start().await;
    // A plain reqwest client follows up to 10 redirects.
    let following = descope::reqwest::Client::new();
    for status in [307, 308, 301, 302, 303] {
        origin.reset().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status)
                    .append_header("location", format!("{}/stolen", elsewhere.uri())),
            )
            .mount(&origin)
            .await;
        let client = client_for(&origin.uri())
            .http_client(following.clone())
            .build()
            .unwrap();
        let error = client
            .password()
            .sign_in("ada", PASSWORD)
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Redirected { .. }),
            "{status}: {error:?}"
        );
        for request in elsewhere.received_requests().await.unwrap() {
            let seen = format!(
                "{:?} {}",
                request.headers,
                String::from_utf8_lossy(&request.body)
            );
            assert!(
                !seen.contains(PASSWORD),
                "{status}: the password went to the redirect"
            );
        }
    }
    // A normal answer through a caller's client still works, body and all.
    origin.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(jwt_response()))
        .mount(&origin)
        .await;
    let client = client_for(&origin.uri())
        .http_client(following)
        .build()
        .unwrap();
    client.password().sign_in("ada", PASSWORD).await.unwrap();
    let sent = &origin.received_requests().await.unwrap()[0];
    assert!(String::from_utf8_lossy(&sent.body).contains(PASSWORD));
    assert_eq!(
        sent.headers
            .get("content-length")
            .map(|v| v.to_str().unwrap().to_owned()),
        Some(sent.body.len().to_string())
    );
}

#[tokio::test]
async fn resets_and_stalls_mid_body_are_bounded() {
    // A success whose body is cut short: a transport error, not a hang or a partial decode.
    let cut = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"sess",
        |socket| async move { drop(socket) },
    )
    .await;
    let client = client_for(&cut).build().unwrap();
    let error = client.password().policy().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    // An error status whose body is cut short keeps its status.
    let cut = raw_server(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 1000\r\n\r\n{\"errorCo",
        |socket| async move { drop(socket) },
    )
    .await;
    let client = client_for(&cut).build().unwrap();
    assert_eq!(
        client.password().policy().await.unwrap_err().status(),
        Some(503)
    );
    // Headers, then silence: the timeout ends it.
    let stall = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{",
        |socket| async move {
            // Hold the connection silent (bounded), until the client gives up.
            let _ =
                tokio::time::timeout(Duration::from_secs(10), std::future::pending::<()>()).await;
            drop(socket);
        },
    )
    .await;
    let client = client_for(&stall)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.password().policy().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // Never an answer at all.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", silent.local_addr().unwrap());
    let client = client_for(&base)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    assert!(matches!(
        client.password().policy().await.unwrap_err(),
        Error::Timeout { .. }
    ));
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(silent);
}

#[tokio::test]
async fn service_text_cannot_forge_log_lines() {
    let server = MockServer::start().await;
    let hostile = json!({
        "errorCode": "E1\r\nINFO forged",
        "errorDescription": "bad\r\n2026-01-01 INFO admin logged in \u{1b}[31mred\u{1b}[0m\u{2028}",
        "errorMessage": "details"
    });
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_json(hostile))
        .mount(&server)
        .await;
    let client = client_for(&server.uri()).build().unwrap();
    let error = client.password().policy().await.unwrap_err();
    let shown = error.to_string();
    assert!(
        !shown.chars().any(|c| c.is_control() || c == '\u{2028}'),
        "{shown:?}"
    );
    assert!(
        shown.contains("INFO forged") && shown.contains("\\u{d}\\u{a}"),
        "{shown}"
    );
    // The raw text stays available as data.
    assert!(error
        .api()
        .unwrap()
        .description
        .as_deref()
        .unwrap()
        .contains('\n'));
    // Long descriptions are cut.
    server.reset().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"errorDescription": "y".repeat(10_000)})),
        )
        .mount(&server)
        .await;
    let shown = client.password().policy().await.unwrap_err().to_string();
    assert!(shown.len() < 400, "{}", shown.len());
}

#[tokio::test]
async fn retry_after_as_seconds_or_as_an_http_date() {
    let server = MockServer::start().await;
    let client = client_for(&server.uri()).build().unwrap();
    let in_two_minutes = std::time::SystemTime::now() + Duration::from_secs(120);
    let cases = [
        ("30".to_owned(), Some((30, 30))),
        (httpdate::fmt_http_date(in_two_minutes), Some((115, 120))),
        ("Wed, 21 Oct 2015 07:28:00 GMT".to_owned(), Some((0, 0))),
        ("soon".to_owned(), None),
    ];
    for (header, expected) in cases {
        server.reset().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(429).append_header("retry-after", header.as_str()))
            .mount(&server)
            .await;
        let wait = client.password().policy().await.unwrap_err().retry_after();
        match expected {
            Some((low, high)) => {
                let secs = wait.unwrap_or_else(|| panic!("{header}")).as_secs();
                assert!((low..=high).contains(&secs), "{header}: {secs}");
            }
            None => assert_eq!(wait, None, "{header}"),
        }
    }
}

#[test]
fn hostile_configuration_is_refused_without_echoing_it() {
    let with_credentials = Client::builder()
        .project_id(PROJECT_ID)
        .base_url("http://user:hunter2-secret@127.0.0.1:9")
        .build()
        .unwrap_err();
    let shown = format!("{with_credentials} {with_credentials:?}");
    assert!(
        shown.contains("credentials") && !shown.contains("hunter2"),
        "{shown}"
    );
    let user_only = Client::builder()
        .project_id(PROJECT_ID)
        .base_url("http://someone@127.0.0.1:9")
        .build();
    assert!(user_only.is_err());

    // Characters 1..5 of a long project ID become a host name: only letters and digits.
    for bad in ["a@bcd", "a/bcd", "a#bcd", "a?bcd", "a.bcd", "a-bcd"] {
        let id = format!("{bad}{}", "x".repeat(32));
        let error = Client::new(id.clone()).unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidInput {
                    field: "project ID",
                    ..
                }
            ),
            "{id}: {error:?}"
        );
    }
    let good = Client::new(format!("P2abc{}", "x".repeat(30))).unwrap();
    assert_eq!(good.base_url(), "https://api.2abc.descope.com");
}

#[tokio::test]
async fn a_verified_token_stops_validating_once_its_key_is_withdrawn() {
    let clock = OffsetClock::new();
    let server = MockServer::start().await;
    let mount = |keys: serde_json::Value| {
        let server = &server;
        async move {
            server.reset().await;
            Mock::given(method("GET"))
                .and(path(format!("/v2/keys/{PROJECT_ID}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(keys))
                .mount(server)
                .await;
        }
    };
    mount(json!({"keys": [key().jwk()]})).await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .session_config(
            SessionConfig::default()
                .key_cache_ttl(Duration::from_secs(600))
                .clock(clock.clone()),
        )
        .build()
        .unwrap();
    let mut claims = claims("DS");
    claims["exp"] = json!(now() + 7200);
    let token = key().sign(&claims);
    // The second verification remembers the token; the third is answered from the verified
    // cache (a hit still checks that its key is current).
    for _ in 0..3 {
        client.sessions().validate(&token).await.unwrap();
    }

    // The project withdraws the key; once the key set is refreshed, the token is refused.
    let other = RsaKey::generate("another-key");
    mount(json!({"keys": [other.jwk()]})).await;
    clock.advance(Duration::from_secs(601));
    // The stale set is served while one background refresh runs; once it has run, the token
    // of the withdrawn key is refused (bounded wait).
    let mut refused = None;
    for _ in 0..200 {
        match client.sessions().validate(&token).await {
            Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            Err(error) => {
                refused = Some(error);
                break;
            }
        }
    }
    let error = refused.expect("the withdrawn key's token is refused after the refresh");
    assert!(
        matches!(error.session(), Some(SessionError::UnknownKey)),
        "{error:?}"
    );
    assert_eq!(client.sessions().key_fetch_count(), 2);
}

#[test]
fn rsa_keys_outside_2048_to_8192_bits_are_not_used() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let with_modulus = |bytes: Vec<u8>| {
        let mut jwk = key().jwk();
        jwk["n"] = json!(URL_SAFE_NO_PAD.encode(bytes));
        jwk
    };
    let small = with_modulus(vec![0xC5; 128]); // 1024 bits
    let huge = with_modulus(vec![0xC5; 2048]); // 16384 bits
    let leading_zeros = with_modulus([vec![0, 0], vec![0x7F; 255]].concat()); // 2039 bits
    for jwk in [&small, &huge, &leading_zeros] {
        let error = Client::builder()
            .project_id(PROJECT_ID)
            .session_config(
                SessionConfig::default().public_keys(json!({ "keys": [jwk] }).to_string()),
            )
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
    }
    // In a set with a good key, only the good key is used.
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .session_config(
            SessionConfig::default()
                .public_keys(json!({ "keys": [small, key().jwk()] }).to_string()),
        )
        .build()
        .unwrap();
    drop(client);
}
