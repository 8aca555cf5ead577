//! The tower layer on a bare tower service (no framework), and errors as HTTP responses.

use std::convert::Infallible;
use std::future::Ready;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::response::IntoResponse;
use descope::session::{OffsetClock, RequestSession};
use descope::tower::SessionLayer;
use descope::{Error, Session};
use descope_emulator::{Emulator, HashCost};
use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderValue, Request, Response};
use serde_json::{json, Value};
use tower_layer::Layer;
use tower_service::Service;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

/// A handler as any tower server has: answers who the layer said the request is.
#[derive(Clone)]
struct WhoAmI;

impl Service<Request<()>> for WhoAmI {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<()>) -> Self::Future {
        let session = request
            .extensions()
            .get::<Session>()
            .map(|s| s.user_id().to_owned());
        let current = request
            .extensions()
            .get::<RequestSession>()
            .and_then(|c| c.refresh_jwt.as_ref().map(|r| r.secret().len()));
        let body = format!("{session:?} {current:?}");
        std::future::ready(Ok(Response::new(body)))
    }
}

async fn call(
    service: &mut impl Service<Request<()>, Response = Response<String>, Error = Infallible>,
    cookie: &str,
) -> Response<String> {
    std::future::poll_fn(|cx| service.poll_ready(cx))
        .await
        .unwrap();
    let mut request = Request::new(());
    request
        .headers_mut()
        .insert(COOKIE, HeaderValue::from_str(cookie).unwrap());
    service.call(request).await.unwrap()
}

#[tokio::test]
async fn the_layer_validates_refreshes_and_sets_cookies_on_any_tower_service() {
    let clock = OffsetClock::new();
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .session_ttl(Duration::from_secs(60))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let auth = client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let cookie = format!(
        "DS={}; DSR={}",
        auth.session_jwt.secret(),
        auth.refresh_jwt.secret()
    );

    let mut plain = SessionLayer::new(client.clone())
        .refresh(false)
        .layer(WhoAmI);
    // Refresh is on by default, as in the axum and actix middleware.
    let mut refreshing = SessionLayer::new(client.clone()).layer(WhoAmI);
    let response = call(&mut plain, &cookie).await;
    assert!(response
        .body()
        .starts_with(&format!("Some({:?})", auth.user.user_id)));
    assert!(response.headers().get(SET_COOKIE).is_none());

    clock.advance(Duration::from_secs(120));
    let response = call(&mut plain, &cookie).await;
    assert!(
        response.body().starts_with("None"),
        "expired, and no refresh: {}",
        response.body()
    );
    let response = call(&mut refreshing, &cookie).await;
    assert!(
        response.body().starts_with("Some("),
        "refreshed: {}",
        response.body()
    );
    let cookies: Vec<_> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("DS=ey"))
            && cookies.iter().any(|c| c.starts_with("DSR=ey"))
    );
    let set = |response: &Response<String>| -> Vec<String> {
        response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    // A request that follows closely with the old cookies (sent before the browser stored the
    // new ones) shares that refresh: the same session and the same new cookies.
    let again = call(&mut refreshing, &cookie).await;
    assert_eq!(again.body(), response.body());
    assert_eq!(set(&again), cookies);
    // After the share window, the rotated-away refresh JWT is refused: signed out, and both
    // cookies are cleared so the browser stops sending a dead token.
    clock.advance(Duration::from_secs(11));
    let response = call(&mut refreshing, &cookie).await;
    assert!(response.body().starts_with("None"), "{}", response.body());
    let cleared = set(&response);
    assert_eq!(cleared.len(), 2, "{cleared:?}");
    assert!(cleared[0].starts_with("DS=;") && cleared[0].contains("Max-Age=0"));
    assert!(cleared[1].starts_with("DSR=;") && cleared[1].contains("Max-Age=0"));
    emulator.stop().await;
}

async fn body(response: axum::response::Response) -> (u16, Option<String>, Value) {
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap();
    (status, retry, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn errors_answer_with_the_right_status_and_no_service_text() {
    let (server, client) = mock().await;
    let cases = [
        (
            401,
            json!({"errorCode": "E062108", "errorDescription": "User not found"}),
            401,
            "bad_credentials",
        ),
        (
            401,
            json!({"errorCode": "E061999", "errorDescription": "Wrong password"}),
            401,
            "bad_credentials",
        ),
        (409, json!({"errorCode": "E062107"}), 409, "already_exists"),
        (
            400,
            json!({"errorCode": "E062909"}),
            403,
            "password_expired",
        ),
        (503, json!({}), 503, "unavailable"),
        (500, json!({}), 502, "bad_gateway"),
    ];
    for (status, answer, expected, kind) in cases {
        server.reset().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_json(answer))
            .mount(&server)
            .await;
        let error = client
            .password()
            .sign_in("ada", PASSWORD)
            .await
            .unwrap_err();
        let (got, _, json) = body(error.into_response()).await;
        assert_eq!(
            (got, json["error"].as_str()),
            (expected, Some(kind)),
            "{status}"
        );
        let text = json.to_string();
        assert!(
            !text.contains("not found") && !text.contains("Wrong password"),
            "{text}"
        );
    }
    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).append_header("retry-after", "17"))
        .mount(&server)
        .await;
    let limited = client
        .password()
        .sign_in("ada", PASSWORD)
        .await
        .unwrap_err();
    let (status, retry, _) = body(limited.into_response()).await;
    assert_eq!((status, retry.as_deref()), (429, Some("17")));

    // A local policy check names the rules, never the password.
    let policy = descope::PasswordPolicy::default();
    let error = client
        .password()
        .sign_up("ada", "weakpass")
        .check_policy(&policy)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::PasswordPolicy(_)));
    let (status, _, json) = body(error.into_response()).await;
    assert_eq!(status, 400);
    assert_eq!(json["unmet"], json!(["an uppercase letter", "a digit"]));
    assert!(!json.to_string().contains("weakpass"));
    // A refused token is 401; the service unreachable is 503.
    let error = client.sessions().validate("garbage").await.unwrap_err();
    assert_eq!(body(error.into_response()).await.0, 401);
    let down = descope::Client::builder()
        .project_id(PROJECT_ID)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let error = down.password().policy().await.unwrap_err();
    assert_eq!(body(error.into_response()).await.0, 503);
}

#[tokio::test]
async fn the_guard_answers_401_without_a_session_and_403_without_the_role() {
    use descope::tower::RequireSession;
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .user(descope_emulator::SeedUser::new("admin@example.com", PASSWORD).roles(["admin"]))
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let admin = client
        .password()
        .sign_in("admin@example.com", PASSWORD)
        .await
        .unwrap();
    let user = client
        .password()
        .sign_up("user@example.com", PASSWORD)
        .await
        .unwrap();
    let mut guarded =
        SessionLayer::new(client.clone()).layer(RequireSession::role("admin").layer(WhoAmI));
    let response = call(&mut guarded, &format!("DS={}", admin.session_jwt.secret())).await;
    assert_eq!(response.status(), 200);
    assert!(response
        .body()
        .starts_with(&format!("Some({:?})", admin.user.user_id)));
    let response = call(&mut guarded, &format!("DS={}", user.session_jwt.secret())).await;
    assert_eq!(response.status(), 403);
    let body: Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(body["error"], "forbidden");
    let response = call(&mut guarded, "theme=dark").await;
    assert_eq!(response.status(), 401);
    let body: Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(
        (body["error"].as_str(), body["message"].as_str()),
        (Some("unauthorized"), Some("missing token"))
    );
    // Without the session layer in front there is no session: 401, never a pass.
    let mut alone = RequireSession::any().layer(WhoAmI);
    let response = call(&mut alone, &format!("DS={}", admin.session_jwt.secret())).await;
    assert_eq!(response.status(), 401);
    let admin_session = client
        .sessions()
        .validate(&admin.session_jwt)
        .await
        .unwrap();
    assert!(RequireSession::role("admin").allows(&admin_session));
    assert!(!RequireSession::permission("x").allows(&admin_session));
    assert!(!RequireSession::tenant_role("T1", "admin").allows(&admin_session));
    emulator.stop().await;
}
