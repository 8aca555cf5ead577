//! Session cookies: `Set-Cookie` values, clearing, and reading tokens from requests.

use descope::session::cookies::{bearer_token, cookie_value, CookieConfig, SameSite};
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
    let config = CookieConfig::default();
    let mut headers = HeaderMap::new();
    config.set_at(&mut headers, &auth, now);
    let cookies = set_cookies(&headers);
    assert_eq!(cookies.len(), 2);
    assert_eq!(
        cookies[0],
        format!(
            "DS={}; HttpOnly; SameSite=Strict; Secure; Path=/app; Domain=example.com; Max-Age=600",
            session_jwt()
        )
    );
    assert_eq!(
        cookies[1],
        format!("DSR={}; HttpOnly; SameSite=Strict; Secure; Path=/app; Domain=example.com; Max-Age=86400", refresh_jwt())
    );
    let mut headers = HeaderMap::new();
    config.clear(&mut headers, Some(&auth.cookies));
    let cleared = set_cookies(&headers);
    for (cookie, name) in cleared.iter().zip(["DS", "DSR"]) {
        assert!(
            cookie.starts_with(&format!("{name}=; HttpOnly; SameSite=Strict; Secure; Path=/app; Domain=example.com; Max-Age=0; Expires=")),
            "{cookie}"
        );
    }

    // Development over plain HTTP on localhost: no Secure; other SameSite, own names and path.
    let dev = CookieConfig::default()
        .secure(false)
        .same_site(SameSite::Lax)
        .names("sid", "rid")
        .path("/")
        .domain("localhost");
    let mut headers = HeaderMap::new();
    dev.set_at(&mut headers, &auth, now);
    let cookies = set_cookies(&headers);
    assert!(cookies[0].starts_with("sid=") && cookies[1].starts_with("rid="));
    assert!(cookies.iter().all(|c| !c.contains("Secure")
        && c.contains("SameSite=Lax")
        && c.contains("Path=/;")
        && c.contains("Domain=localhost")
        && c.contains("HttpOnly")));
}

fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn cookie_names_are_configuration_not_learned_from_responses() {
    let (server, client) = mock().await;
    let mut body = jwt_response();
    body["sessionCookieName"] = json!("MY_DS");
    body["cookieName"] = json!("MY_DSR");
    Mock::given(method("POST"))
        .and(path("/v1/auth/password/signin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let auth = client.password().sign_in("ada", PASSWORD).await.unwrap();
    // What the service names its cookies does not change how this process reads requests:
    // another process that has seen no response must read the same cookies.
    let config = client.cookie_config();
    assert_eq!(
        (config.session_name(), config.refresh_name()),
        ("DS", "DSR")
    );
    assert_eq!(auth.cookies.session_name, "MY_DS");
    let mut headers = HeaderMap::new();
    config.set(&mut headers, &auth);
    let cookies = set_cookies(&headers);
    assert!(cookies[0].starts_with("DS=") && cookies[1].starts_with("DSR="));

    // Custom names come from the configuration: the builder, or the environment through a
    // lookup, as a freshly started replica reads them.
    let env = |name: &str| match name {
        "DESCOPE_PROJECT_ID" => Some(PROJECT_ID.to_owned()),
        "DESCOPE_SESSION_COOKIE_NAME" => Some("MY_DS".to_owned()),
        "DESCOPE_REFRESH_COOKIE_NAME" => Some("MY_DSR".to_owned()),
        _ => None,
    };
    let fresh = descope::Client::builder().from_lookup(env).build().unwrap();
    let config = fresh.cookie_config();
    assert_eq!(
        (config.session_name(), config.refresh_name()),
        ("MY_DS", "MY_DSR")
    );
    let mut request = HeaderMap::new();
    request.insert(
        COOKIE,
        HeaderValue::from_str(&format!(
            "DS=other; MY_DS={}; MY_DSR={}",
            session_jwt(),
            refresh_jwt()
        ))
        .unwrap(),
    );
    assert_eq!(config.session_token(&request), Some(session_jwt()));
    assert_eq!(
        config.refresh_token(&request).unwrap().secret(),
        refresh_jwt()
    );
    let mut headers = HeaderMap::new();
    config.set(&mut headers, &auth);
    assert!(config.response_sets_session(&headers));
    let cookies = set_cookies(&headers);
    assert!(cookies[0].starts_with("MY_DS=") && cookies[1].starts_with("MY_DSR="));

    // Names given on the builder win over the environment.
    let fixed = descope::Client::builder()
        .cookie_config(CookieConfig::default().names("A", "B"))
        .from_lookup(env)
        .build()
        .unwrap();
    assert_eq!(fixed.cookie_config().session_name(), "A");
    assert_eq!(fixed.cookie_config().refresh_name(), "B");

    // A name no browser could store is refused when the client is built.
    for bad in ["", "has space", "semi;colon", "eq=uals"] {
        let error = descope::Client::builder()
            .project_id(PROJECT_ID)
            .cookie_config(CookieConfig::default().names(bad, "DSR"))
            .build()
            .unwrap_err();
        assert!(
            matches!(
                error,
                descope::Error::InvalidInput {
                    field: "cookie name",
                    ..
                }
            ),
            "{bad:?}: {error}"
        );
    }
}

#[test]
fn tokens_are_read_from_bearer_then_cookie() {
    let config = CookieConfig::default();
    let session_token = |headers: &HeaderMap| config.session_token(headers).map(str::to_owned);
    let mut headers = HeaderMap::new();
    assert_eq!(session_token(&headers), None);
    headers.insert(
        COOKIE,
        HeaderValue::from_static("theme=dark; DS=cookie-token; DSR=refresh-token"),
    );
    assert_eq!(session_token(&headers).as_deref(), Some("cookie-token"));
    assert_eq!(cookie_value(&headers, "DSR"), Some("refresh-token"));
    assert_eq!(cookie_value(&headers, "D"), None);
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_static("Bearer header-token"),
    );
    assert_eq!(session_token(&headers).as_deref(), Some("header-token"));
    headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
    assert_eq!(bearer_token(&headers), None);
    assert_eq!(session_token(&headers).as_deref(), Some("cookie-token"));
    headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer    "));
    assert_eq!(bearer_token(&headers), None);
    let mut empty = HeaderMap::new();
    empty.insert(COOKIE, HeaderValue::from_static("DS=; DS=\"\""));
    assert_eq!(session_token(&empty), None);
    let mut quoted = HeaderMap::new();
    quoted.insert(COOKIE, HeaderValue::from_static("DSR=\"a.b.c\""));
    assert_eq!(config.refresh_token(&quoted).unwrap().secret(), "a.b.c");
    assert_eq!(config.refresh_token(&empty), None);
}
