//! Session cookies: `Set-Cookie` values, clearing, and reading tokens from requests.

use descope::session::cookies::{
    bearer_token, clear_cookies, cookie_value, session_token, set_cookies_at,
};
use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderValue};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;
use crate::tokens::now;

#[tokio::test]
async fn set_and_clear_cookies_follow_the_response_settings() {
    let (server, client) = mock().await;
    let now = now();
    let mut body = jwt_response();
    body["cookieDomain"] = json!("example.com");
    body["cookiePath"] = json!("/app");
    body["cookieMaxAge"] = json!(86400);
    body["sessionExpiration"] = json!(now + 600);
    Mock::given(method("POST"))
        .and(path("/v1/auth/password/signin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let auth = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let cookies = set_cookies_at(&auth, now);
    assert_eq!(cookies.len(), 2);
    assert_eq!(
        cookies[0],
        format!(
            "DS={}; Path=/app; Domain=example.com; Max-Age=600; HttpOnly; Secure; SameSite=Strict",
            session_jwt()
        )
    );
    assert_eq!(
        cookies[1],
        format!("DSR={}; Path=/app; Domain=example.com; Max-Age=86400; HttpOnly; Secure; SameSite=Strict", refresh_jwt())
    );
    let cleared = clear_cookies(&auth.cookies);
    assert_eq!(
        cleared[0],
        "DS=; Path=/app; Domain=example.com; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
    );
    assert_eq!(
        cleared[1],
        "DSR=; Path=/app; Domain=example.com; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
    );
}

#[test]
fn tokens_are_read_from_bearer_then_cookie() {
    let mut headers = HeaderMap::new();
    assert_eq!(session_token(&headers), None);
    headers.insert(
        COOKIE,
        HeaderValue::from_static("theme=dark; DS=cookie-token; DSR=refresh-token"),
    );
    assert_eq!(session_token(&headers), Some("cookie-token"));
    assert_eq!(cookie_value(&headers, "DSR"), Some("refresh-token"));
    assert_eq!(cookie_value(&headers, "D"), None);
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_static("Bearer header-token"),
    );
    assert_eq!(session_token(&headers), Some("header-token"));
    headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
    assert_eq!(bearer_token(&headers), None);
    assert_eq!(session_token(&headers), Some("cookie-token"));
    headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer    "));
    assert_eq!(bearer_token(&headers), None);
    let mut empty = HeaderMap::new();
    empty.insert(COOKIE, HeaderValue::from_static("DS="));
    assert_eq!(session_token(&empty), None);
}
