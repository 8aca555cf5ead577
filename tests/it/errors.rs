//! Every error answer becomes a typed `Error` that keeps the status.

use std::time::Duration;

use descope::{Client, Error, ErrorCode, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const SIGNIN: &str = "/v1/auth/password/signin";

async fn answer(server: &MockServer, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(SIGNIN))
        .respond_with(template)
        .mount(server)
        .await;
}

async fn sign_in(client: &Client) -> Error {
    client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn descope_error_bodies_are_parsed() {
    for (status, code, expected) in [
        (400, "E011001", ErrorCode::BadRequest),
        (400, "E011002", ErrorCode::MissingArguments),
        (401, "E062108", ErrorCode::UserNotFound),
        (409, "E062107", ErrorCode::UserAlreadyExists),
        (401, "E062909", ErrorCode::PasswordExpired),
        (401, "E064001", ErrorCode::TokenExpiredByLogout),
        (400, "E999999", ErrorCode::from("E999999")),
    ] {
        let (server, client) = mock().await;
        let body = json!({"errorCode": code, "errorDescription": "Described", "errorMessage": "Details here"});
        answer(&server, ResponseTemplate::new(status).set_body_json(body)).await;
        let error = sign_in(&client).await;
        let api = error.api().expect("an API error");
        assert_eq!(api.status, status);
        assert_eq!(api.code.as_ref(), Some(&expected));
        assert_eq!(api.code.as_ref().unwrap().as_str(), code);
        // An unknown code is opaque: matched as `Other(_)`, read with `as_str()`.
        if code == "E999999" {
            assert!(
                matches!(api.code, Some(ErrorCode::Other(ref other)) if other.as_str() == code)
            );
        }
        assert_eq!(api.description.as_deref(), Some("Described"));
        assert_eq!(api.message.as_deref(), Some("Details here"));
        assert_eq!(api.operation, descope::Operation::PasswordSignIn);
        assert_eq!(api.is_unauthorized(), status == 401);
        let shown = error.to_string();
        assert!(
            shown.contains(&status.to_string()) && shown.contains(code),
            "{shown}"
        );
        assert!(
            !shown.contains("Details here"),
            "the message stays out of Display: {shown}"
        );
    }
}

#[tokio::test]
async fn rate_limit_with_body_and_retry_after() {
    let (server, client) = mock().await;
    let body = json!({"errorCode": "E130429", "errorDescription": "Rate limit exceeded"});
    answer(
        &server,
        ResponseTemplate::new(429)
            .set_body_json(body)
            .append_header("retry-after", "7"),
    )
    .await;
    let error = sign_in(&client).await;
    assert!(error.is_rate_limited());
    let api = error.api().unwrap();
    assert_eq!(api.code, Some(ErrorCode::RateLimited));
    assert_eq!(api.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "429 is never retried"
    );
}

#[tokio::test]
async fn rate_limit_with_empty_body() {
    let (server, client) = mock().await;
    answer(
        &server,
        ResponseTemplate::new(429).append_header("retry-after", "3"),
    )
    .await;
    let error = sign_in(&client).await;
    assert!(error.is_rate_limited());
    let api = error.api().unwrap();
    assert_eq!((api.status, api.code.clone()), (429, None));
    assert_eq!(api.retry_after, Some(Duration::from_secs(3)));
}

#[tokio::test]
async fn rate_limit_on_status_alone() {
    let (server, client) = mock().await;
    answer(
        &server,
        ResponseTemplate::new(429).set_body_json(json!({"errorCode": "E170429"})),
    )
    .await;
    let error = sign_in(&client).await;
    assert!(error.is_rate_limited());
    assert_eq!(error.api().unwrap().retry_after, None);
}

#[tokio::test]
async fn html_truncated_and_odd_bodies_keep_the_status() {
    for (status, body) in [
        (
            500,
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
        ),
        (502, "<html>Bad gateway</html>"),
        (400, "{\"errorCode\":\"E0110"),
        (404, "not found"),
        (401, "[1,2,3]"),
        (400, "null"),
        (403, ""),
    ] {
        let (server, client) = mock().await;
        answer(&server, ResponseTemplate::new(status).set_body_string(body)).await;
        let error = sign_in(&client).await;
        let api = error
            .api()
            .unwrap_or_else(|| panic!("{status} {body:?}: {error:?}"));
        assert_eq!(api.status, status);
        assert_eq!(api.code, None);
        let shown = error.to_string();
        assert!(
            !shown.contains("html") && !shown.contains("E0110"),
            "no body in Display: {shown}"
        );
    }
}

#[tokio::test]
async fn a_redirect_is_a_redirected_error_and_an_unexpected_status_an_api_error() {
    let (server, client) = mock().await;
    for status in [301, 302, 303, 307, 308] {
        server.reset().await;
        answer(
            &server,
            ResponseTemplate::new(status).append_header("location", "http://127.0.0.1:9/x"),
        )
        .await;
        let error = sign_in(&client).await;
        assert!(
            matches!(error, Error::Redirected { status: s, operation: descope::Operation::PasswordSignIn } if s == status),
            "{error:?}"
        );
        assert!(!error.is_retryable() && error.status().is_none());
    }
    server.reset().await;
    answer(&server, ResponseTemplate::new(201)).await;
    let error = sign_in(&client).await;
    assert_eq!(error.api().map(|a| a.status), Some(201));
}

#[tokio::test]
async fn a_503_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SIGNIN))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SIGNIN))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwt_response()))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::with_delays([Duration::from_millis(10); 3]))
        .build()
        .unwrap();
    let auth = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(auth.session_jwt.secret(), session_jwt());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(
        requests.iter().all(|r| r.body == requests[0].body),
        "retries resend the same body"
    );
    assert!(
        requests.iter().all(|r| r.headers == requests[0].headers),
        "and the same headers"
    );
}

#[tokio::test]
async fn retries_stop_after_the_policy_and_report_the_last_status() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(530)).await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::with_delays([Duration::from_millis(5); 2]))
        .build()
        .unwrap();
    let error = sign_in(&client).await;
    assert_eq!(error.api().unwrap().status, 530);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn statuses_outside_the_policy_are_not_retried() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(500)).await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::with_delays([Duration::from_millis(5); 3]))
        .build()
        .unwrap();
    assert_eq!(sign_in(&client).await.api().unwrap().status, 500);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[test]
fn default_retry_policy_matches_the_official_sdks() {
    let policy = RetryPolicy::default();
    for status in [503, 520, 521, 522, 524, 530] {
        assert_eq!(policy.delay(status, 0), Some(Duration::from_millis(100)));
        assert_eq!(policy.delay(status, 1), Some(Duration::from_secs(5)));
        assert_eq!(policy.delay(status, 2), Some(Duration::from_secs(5)));
        assert_eq!(policy.delay(status, 3), None);
    }
    for status in [400, 401, 429, 500, 502, 504] {
        assert_eq!(policy.delay(status, 0), None, "{status}");
    }
    assert_eq!(RetryPolicy::none().delay(503, 0), None);
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(jwt_response())
            .set_delay(Duration::from_secs(5)),
    )
    .await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = sign_in(&client).await;
    assert!(
        matches!(
            error,
            Error::Timeout {
                operation: descope::Operation::PasswordSignIn
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_timeout_applies_to_a_given_http_client_too() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(jwt_response())
            .set_delay(Duration::from_secs(5)),
    )
    .await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    assert!(matches!(sign_in(&client).await, Error::Timeout { .. }));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // Bind then drop a listener to get a loopback port with nothing on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let error = sign_in(&client).await;
    assert!(
        matches!(
            error,
            Error::Transport {
                operation: descope::Operation::PasswordSignIn,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn a_success_body_that_does_not_decode() {
    for body in [
        "<html>ok</html>",
        "{\"sessionJwt\": 42}",
        "{\"sessionJwt\": \"abc",
    ] {
        let (server, client) = mock().await;
        answer(&server, ResponseTemplate::new(200).set_body_string(body)).await;
        let error = sign_in(&client).await;
        match &error {
            Error::Decode { operation, reason } => {
                assert_eq!(*operation, descope::Operation::PasswordSignIn);
                assert!(
                    !reason.contains("42") && !reason.contains("abc") && !reason.contains("html"),
                    "{reason}"
                );
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_sign_in_without_any_session_jwt_is_a_decode_error() {
    let (server, client) = mock().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"sessionJwt": ""})),
    )
    .await;
    assert!(matches!(sign_in(&client).await, Error::Decode { .. }));
}

/// Records the waits it is asked for, and returns at once.
#[derive(Clone, Default)]
pub(crate) struct RecordingSleeper(std::sync::Arc<std::sync::Mutex<Vec<Duration>>>);

impl RecordingSleeper {
    /// The waits asked for so far.
    pub(crate) fn recorded(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

impl descope::Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> descope::BoxFuture<'static, ()> {
        self.0.lock().unwrap().push(duration);
        Box::pin(std::future::ready(()))
    }
}

#[tokio::test]
async fn the_retry_matrix_of_the_default_policy_counted_server_side() {
    let retried = [503, 520, 521, 522, 524, 530];
    let not_retried = [
        400, 401, 403, 404, 408, 409, 429, 500, 501, 502, 504, 523, 525, 599,
    ];
    for status in retried.into_iter().chain(not_retried) {
        let server = MockServer::start().await;
        answer(&server, ResponseTemplate::new(status)).await;
        let sleeper = RecordingSleeper::default();
        let client = Client::builder()
            .project_id(PROJECT_ID)
            .base_url(server.uri())
            .retry_sleeper(sleeper.clone())
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let error = sign_in(&client).await;
        assert_eq!(error.status(), Some(status));
        let requests = server.received_requests().await.unwrap().len();
        let waits = sleeper.0.lock().unwrap().clone();
        if retried.contains(&status) {
            assert_eq!(requests, 4, "{status}: the first try and 3 retries");
            assert_eq!(
                waits,
                [
                    Duration::from_millis(100),
                    Duration::from_secs(5),
                    Duration::from_secs(5)
                ]
            );
        } else {
            assert_eq!(requests, 1, "{status} is not retried");
            assert!(waits.is_empty());
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "no real sleeping"
        );
    }
    // No answer at all is not retried either.
    let sleeper = RecordingSleeper::default();
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url("http://127.0.0.1:9")
        .retry_sleeper(sleeper.clone())
        .build()
        .unwrap();
    assert!(matches!(sign_in(&client).await, Error::Transport { .. }));
    assert!(sleeper.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_service_policy_refusal_names_the_rules_with_the_fetched_policy_cached() {
    let (server, client) = mock().await;
    Mock::given(wiremock::matchers::path("/v1/auth/password/signup"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"errorCode": "E062902"})))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/v1/auth/password/policy"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "minLength": 12, "lowercase": true, "uppercase": true, "number": true,
            "nonAlphanumeric": false
        })))
        .mount(&server)
        .await;
    for _ in 0..2 {
        let error = client
            .password()
            .sign_up("ada@example.com", "short")
            .await
            .unwrap_err();
        let Error::PasswordPolicy(violation) = &error else {
            panic!("{error:?}");
        };
        assert!(violation.to_string().contains("12"), "{violation}");
        assert!(!error.to_string().contains("short"), "never the password");
    }
    let policy_fetches = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1/auth/password/policy")
        .count();
    assert_eq!(policy_fetches, 1, "the policy is cached");
    // A password the policy accepts keeps the service's own refusal.
    let error = client
        .password()
        .sign_up("ada@example.com", "Long-Enough-Passw0rd")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
}
