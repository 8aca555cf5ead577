//! For every operation: the exact method, path, headers and JSON body on the wire.

use descope::{Client, RefreshJwt, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::*;

pub(crate) async fn respond(server: &MockServer, verb: &str, route: &str, body: Value) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

pub(crate) async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

/// Checks what every request carries, and returns its JSON body (`None` when it has none).
pub(crate) fn check_request(
    request: &Request,
    verb: &str,
    route: &str,
    authorization: &str,
) -> Option<Value> {
    assert_eq!(request.method.as_str(), verb);
    assert_eq!(request.url.path(), route);
    assert_eq!(request.url.query(), None);
    for name in [
        "authorization",
        "x-descope-sdk-name",
        "x-descope-sdk-version",
        "x-descope-project-id",
        "accept",
    ] {
        let count = request.headers.get_all(name).iter().count();
        assert_eq!(count, 1, "{name} is sent once, not {count} times");
    }
    assert_eq!(header(request, "authorization"), Some(authorization));
    assert_eq!(header(request, "x-descope-sdk-name"), Some("rust"));
    assert_eq!(
        header(request, "x-descope-sdk-version"),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(header(request, "x-descope-project-id"), Some(PROJECT_ID));
    assert_eq!(header(request, "accept"), Some("application/json"));
    assert_eq!(
        header(request, "api-version"),
        None,
        "progenitor's api-version must be removed"
    );
    if request.body.is_empty() {
        assert_eq!(header(request, "content-type"), None);
        return None;
    }
    assert_eq!(header(request, "content-type"), Some("application/json"));
    let text = std::str::from_utf8(&request.body).unwrap();
    let value: Value = serde_json::from_str(text).unwrap();
    // Compact: as long as its compact re-serialization (key order aside).
    assert_eq!(
        text.len(),
        serde_json::to_string(&value).unwrap().len(),
        "JSON must be compact: {text}"
    );
    Some(value)
}

pub(crate) fn project_auth() -> String {
    format!("Bearer {PROJECT_ID}")
}

pub(crate) fn refresh_auth() -> String {
    format!("Bearer {PROJECT_ID}:{}", refresh_jwt())
}

#[tokio::test]
async fn sign_up_minimal_omits_absent_optionals() {
    let (server, client) = mock().await;
    respond(&server, "POST", "/v1/auth/password/signup", jwt_response()).await;
    let auth = client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(auth.session_jwt.secret(), session_jwt());
    let body = check_request(
        &only_request(&server).await,
        "POST",
        "/v1/auth/password/signup",
        &project_auth(),
    );
    assert_eq!(
        body,
        Some(json!({"loginId": "ada@example.com", "password": PASSWORD}))
    );
}

#[tokio::test]
async fn sign_up_with_every_option() {
    let (server, client) = mock().await;
    respond(&server, "POST", "/v1/auth/password/signup", jwt_response()).await;
    client
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .name("Ada Lovelace")
        .given_name("Ada")
        .middle_name("King")
        .family_name("Lovelace")
        .email("ada@example.com")
        .phone("+15555550100")
        .recovery_email("ada.recovery@example.com")
        .recovery_phone("+15555550101")
        .custom_claim("plan", "pro")
        .template_option("greeting", "hi")
        .template_id("welcome")
        .locale("en")
        .pkce_challenge("challenge")
        .tenant_id("T1")
        .await
        .unwrap();
    let body = check_request(
        &only_request(&server).await,
        "POST",
        "/v1/auth/password/signup",
        &project_auth(),
    );
    assert_eq!(
        body,
        Some(json!({
            "loginId": "ada@example.com",
            "password": PASSWORD,
            "user": {
                "name": "Ada Lovelace", "givenName": "Ada", "middleName": "King",
                "familyName": "Lovelace", "email": "ada@example.com", "phone": "+15555550100",
                "recoveryEmail": "ada.recovery@example.com", "recoveryPhone": "+15555550101"
            },
            "loginOptions": {
                "customClaims": {"plan": "pro"}, "templateOptions": {"greeting": "hi"},
                "templateId": "welcome", "locale": "en", "pkceChallenge": "challenge", "tenantId": "T1"
            }
        }))
    );
}

#[tokio::test]
async fn sign_in_minimal() {
    let (server, client) = mock().await;
    respond(&server, "POST", "/v1/auth/password/signin", jwt_response()).await;
    let auth = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(auth.refresh_jwt.secret(), refresh_jwt());
    assert_eq!(auth.user.user_id, "U2fixture");
    assert_eq!(auth.cookies.domain.as_deref(), Some("example.com"));
    assert_eq!(
        auth.cookies.max_age,
        Some(std::time::Duration::from_secs(2592000))
    );
    assert_eq!(
        auth.session_expiration,
        Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1800000000))
    );
    let body = check_request(
        &only_request(&server).await,
        "POST",
        "/v1/auth/password/signin",
        &project_auth(),
    );
    assert_eq!(
        body,
        Some(json!({"loginId": "ada@example.com", "password": PASSWORD}))
    );
}

#[tokio::test]
async fn sign_in_with_options_and_stepup_sends_the_refresh_jwt() {
    let (server, client) = mock().await;
    respond(&server, "POST", "/v1/auth/password/signin", jwt_response()).await;
    client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .stepup(&RefreshJwt::from(refresh_jwt()))
        .sso_app_id("app1")
        .custom_claim("k", 1)
        .template_option("a", "b")
        .locale("fr")
        .pkce_challenge("pk")
        .revoke_other_sessions(true)
        .revoke_other_sessions_types(["web"])
        .tenant_id("T1")
        .await
        .unwrap();
    let body = check_request(
        &only_request(&server).await,
        "POST",
        "/v1/auth/password/signin",
        &refresh_auth(),
    );
    assert_eq!(
        body,
        Some(json!({
            "loginId": "ada@example.com", "password": PASSWORD, "ssoAppId": "app1",
            "loginOptions": {
                "stepup": true, "customClaims": {"k": 1}, "templateOptions": {"a": "b"},
                "locale": "fr", "pkceChallenge": "pk", "revokeOtherSessions": true,
                "revokeOtherSessionsTypes": ["web"], "tenantId": "T1"
            }
        }))
    );
}

#[tokio::test]
async fn sign_in_mfa_sends_the_refresh_jwt() {
    let (server, client) = mock().await;
    respond(&server, "POST", "/v1/auth/password/signin", jwt_response()).await;
    client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .mfa(&refresh_jwt().into())
        .await
        .unwrap();
    let body = check_request(
        &only_request(&server).await,
        "POST",
        "/v1/auth/password/signin",
        &refresh_auth(),
    );
    assert_eq!(body.unwrap()["loginOptions"], json!({"mfa": true}));
}

#[tokio::test]
async fn replace_with_and_without_revoke() {
    let (server, client) = mock().await;
    respond(&server, "POST", "/v1/auth/password/replace", jwt_response()).await;
    client
        .password()
        .replace("ada@example.com", PASSWORD, NEW_PASSWORD)
        .await
        .unwrap();
    client
        .password()
        .replace("ada@example.com", PASSWORD, NEW_PASSWORD)
        .revoke_other_sessions(true)
        .revoke_other_sessions_types(["web", "mobile"])
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let plain = check_request(
        &requests[0],
        "POST",
        "/v1/auth/password/replace",
        &project_auth(),
    );
    assert_eq!(
        plain,
        Some(
            json!({"loginId": "ada@example.com", "oldPassword": PASSWORD, "newPassword": NEW_PASSWORD})
        )
    );
    let revoking = check_request(
        &requests[1],
        "POST",
        "/v1/auth/password/replace",
        &project_auth(),
    );
    assert_eq!(
        revoking,
        Some(json!({
            "loginId": "ada@example.com", "oldPassword": PASSWORD, "newPassword": NEW_PASSWORD,
            "revokeOtherSessions": true, "revokeOtherSessionsTypes": ["web", "mobile"]
        }))
    );
}

#[tokio::test]
async fn update_sends_project_and_refresh_jwt() {
    let (server, client) = mock().await;
    respond(&server, "POST", "/v1/auth/password/update", json!({})).await;
    client
        .password()
        .update(
            "ada@example.com",
            NEW_PASSWORD,
            &RefreshJwt::from(refresh_jwt()),
        )
        .await
        .unwrap();
    let body = check_request(
        &only_request(&server).await,
        "POST",
        "/v1/auth/password/update",
        &refresh_auth(),
    );
    assert_eq!(
        body,
        Some(json!({"loginId": "ada@example.com", "newPassword": NEW_PASSWORD}))
    );
}

#[tokio::test]
async fn send_reset_minimal_and_full() {
    let (server, client) = mock().await;
    let answer = json!({"resetMethod": "enchantedlink", "maskedEmail": "a***@example.com", "linkId": "1", "pendingRef": "P1"});
    respond(&server, "POST", "/v1/auth/password/reset", answer).await;
    let sent = client
        .password()
        .send_reset("ada@example.com")
        .await
        .unwrap();
    assert_eq!(sent.method, descope::ResetMethod::EnchantedLink);
    assert_eq!(sent.masked_email.as_deref(), Some("a***@example.com"));
    assert_eq!(sent.pending_ref.as_ref().map(|p| p.secret()), Some("P1"));
    assert_eq!(sent.link_id.as_deref(), Some("1"));
    client
        .password()
        .send_reset("ada@example.com")
        .redirect_url("https://app.example.com/reset")
        .template_option("name", "Ada")
        .template_id("reset")
        .provider_id("smtp")
        .locale("de")
        .use_recovery(true)
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let minimal = check_request(
        &requests[0],
        "POST",
        "/v1/auth/password/reset",
        &project_auth(),
    );
    assert_eq!(
        minimal,
        Some(json!({"loginId": "ada@example.com"})),
        "no redirectUrl: null"
    );
    let full = check_request(
        &requests[1],
        "POST",
        "/v1/auth/password/reset",
        &project_auth(),
    );
    assert_eq!(
        full,
        Some(json!({
            "loginId": "ada@example.com", "redirectUrl": "https://app.example.com/reset",
            "templateOptions": {"name": "Ada"}, "templateId": "reset", "providerId": "smtp",
            "locale": "de", "useRecovery": true
        }))
    );
}

#[tokio::test]
async fn policy_is_a_get_without_body() {
    let (server, client) = mock().await;
    let policy = json!({"minLength": 8, "lowercase": true, "uppercase": true, "number": true, "nonAlphanumeric": false});
    respond(&server, "GET", "/v1/auth/password/policy", policy).await;
    let got = client.password().policy().await.unwrap();
    assert_eq!(got.min_length, 8);
    assert!(got.lowercase && got.uppercase && got.number && !got.non_alphanumeric);
    assert_eq!(got.strength_score, None);
    assert_eq!(
        check_request(
            &only_request(&server).await,
            "GET",
            "/v1/auth/password/policy",
            &project_auth()
        ),
        None
    );
}

#[tokio::test]
async fn session_operations_send_the_refresh_jwt_and_an_empty_object() {
    let (server, client) = mock().await;
    let empty = json!({"sessionJwt": "", "refreshJwt": "", "cookieDomain": "example.com", "cookiePath": "/"});
    respond(&server, "POST", "/v1/auth/refresh", jwt_response()).await;
    respond(&server, "POST", "/v1/auth/try-refresh", jwt_response()).await;
    respond(&server, "POST", "/v1/auth/logout", empty.clone()).await;
    respond(&server, "POST", "/v1/auth/logoutall", empty).await;
    let refresh = RefreshJwt::from(refresh_jwt());
    let sessions = client.sessions();
    assert_eq!(
        sessions
            .refresh(&refresh)
            .await
            .unwrap()
            .session_jwt
            .secret(),
        session_jwt()
    );
    assert!(sessions.try_refresh(&refresh).await.unwrap().is_some());
    let out = sessions.logout(&refresh).await.unwrap();
    assert_eq!(out.cookies.session_name, "DS");
    assert_eq!(out.cookies.refresh_name, "DSR");
    assert_eq!(out.cookies.domain.as_deref(), Some("example.com"));
    sessions.logout_all(&refresh).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let routes = [
        "/v1/auth/refresh",
        "/v1/auth/try-refresh",
        "/v1/auth/logout",
        "/v1/auth/logoutall",
    ];
    assert_eq!(requests.len(), routes.len());
    for (request, route) in requests.iter().zip(routes) {
        assert_eq!(
            check_request(request, "POST", route, &refresh_auth()),
            Some(json!({})),
            "{route}"
        );
    }
}

#[tokio::test]
async fn try_refresh_with_empty_fields_is_none() {
    let (server, client) = mock().await;
    respond(
        &server,
        "POST",
        "/v1/auth/try-refresh",
        json!({"sessionJwt": "", "refreshJwt": ""}),
    )
    .await;
    let got = client
        .sessions()
        .try_refresh(&refresh_jwt().into())
        .await
        .unwrap();
    assert!(got.is_none());
}

#[tokio::test]
async fn me_and_keys_are_gets() {
    let (server, client) = mock().await;
    respond(
        &server,
        "GET",
        "/v1/auth/me",
        json!({"userId": "U1", "loginIds": ["ada@example.com"], "TOTP": true}),
    )
    .await;
    let keys = json!({"keys": [{"alg": "RS256", "e": "AQAB", "kid": "K1", "kty": "RSA", "n": "xyz", "use": "sig"}]});
    respond(&server, "GET", &format!("/v2/keys/{PROJECT_ID}"), keys).await;
    let me = client.sessions().me(&refresh_jwt().into()).await.unwrap();
    assert_eq!(me.user_id, "U1");
    assert_eq!(me.login_ids, ["ada@example.com"]);
    assert!(me.methods.totp && !me.methods.password);
    let keys = client.sessions().keys().await.unwrap();
    assert_eq!(keys[0].kid, "K1");
    let jwk = serde_json::to_value(&keys[0]).unwrap();
    assert_eq!(
        jwk["kid"], "K1",
        "a key serializes as the published JWK: {jwk}"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        check_request(&requests[0], "GET", "/v1/auth/me", &refresh_auth()),
        None
    );
    assert_eq!(
        check_request(
            &requests[1],
            "GET",
            &format!("/v2/keys/{PROJECT_ID}"),
            &project_auth()
        ),
        None
    );
}

#[tokio::test]
async fn auth_management_key_is_appended_and_the_management_key_is_not() {
    let server = MockServer::start().await;
    let auth_key = "K2-auth-management-fixture-secret";
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .management_key(MANAGEMENT_KEY)
        .auth_management_key(auth_key)
        .build()
        .unwrap();
    policy_then_update(&server, &client).await;
    let requests = server.received_requests().await.unwrap();
    let p = format!("Bearer {PROJECT_ID}:{auth_key}");
    let prk = format!("Bearer {PROJECT_ID}:{}:{auth_key}", refresh_jwt());
    check_request(&requests[0], "GET", "/v1/auth/password/policy", &p);
    check_request(&requests[1], "POST", "/v1/auth/password/update", &prk);
    for request in &requests {
        let all = format!(
            "{:?} {}",
            request.headers,
            String::from_utf8_lossy(&request.body)
        );
        assert!(
            !all.contains(MANAGEMENT_KEY),
            "the management key is for management calls only"
        );
    }
}

/// Answers and makes two calls: the password policy (project authorization), then a password
/// update (with a refresh JWT), in that order.
async fn policy_then_update(server: &MockServer, client: &Client) {
    respond(server, "GET", "/v1/auth/password/policy", json!({})).await;
    respond(server, "POST", "/v1/auth/password/update", json!({})).await;
    client.password().policy().await.unwrap();
    client
        .password()
        .update("ada", NEW_PASSWORD, &refresh_jwt().into())
        .await
        .unwrap();
}

/// The crate's own HTTP client sends the common headers as its defaults; a caller's client has
/// none of them (or its own), so each request carries them: the wire is the same either way.
#[tokio::test]
async fn a_callers_http_client_sends_the_same_headers() {
    let mut theirs = reqwest::header::HeaderMap::new();
    theirs.insert("authorization", "Bearer theirs".parse().unwrap());
    theirs.insert("x-descope-project-id", "theirs".parse().unwrap());
    for http in [
        None,
        Some(reqwest::Client::new()),
        Some(
            reqwest::Client::builder()
                .default_headers(theirs.clone())
                .build()
                .unwrap(),
        ),
    ] {
        let server = MockServer::start().await;
        let mut builder = Client::builder()
            .project_id(PROJECT_ID)
            .base_url(server.uri())
            .management_key(MANAGEMENT_KEY);
        if let Some(http) = http {
            builder = builder.http_client(http);
        }
        let client = builder.build().unwrap();
        respond(&server, "POST", "/v1/mgmt/user/delete", json!({})).await;
        policy_then_update(&server, &client).await;
        client.management().users().delete("ada").await.unwrap();
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 3);
        check_request(
            &requests[0],
            "GET",
            "/v1/auth/password/policy",
            &project_auth(),
        );
        check_request(
            &requests[1],
            "POST",
            "/v1/auth/password/update",
            &refresh_auth(),
        );
        check_request(
            &requests[2],
            "POST",
            "/v1/mgmt/user/delete",
            &format!("Bearer {PROJECT_ID}:{MANAGEMENT_KEY}"),
        );
    }
}

#[tokio::test]
async fn without_an_auth_management_key_only_the_project_id_is_sent() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .management_key(MANAGEMENT_KEY)
        .build()
        .unwrap();
    respond(&server, "GET", "/v1/auth/password/policy", json!({})).await;
    client.password().policy().await.unwrap();
    let request = only_request(&server).await;
    check_request(
        &request,
        "GET",
        "/v1/auth/password/policy",
        &format!("Bearer {PROJECT_ID}"),
    );
}

#[tokio::test]
async fn base_url_with_or_without_trailing_slash_and_prefix() {
    for suffix in ["", "/"] {
        for prefix in ["", "/prefix"] {
            let server = MockServer::start().await;
            respond(
                &server,
                "GET",
                &format!("{prefix}/v1/auth/password/policy"),
                json!({}),
            )
            .await;
            let client = Client::builder()
                .project_id(PROJECT_ID)
                .base_url(format!("{}{prefix}{suffix}", server.uri()))
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap();
            client.password().policy().await.unwrap();
            let request = only_request(&server).await;
            assert_eq!(
                request.url.path(),
                format!("{prefix}/v1/auth/password/policy")
            );
        }
    }
}

#[tokio::test]
async fn tokens_in_cookies_mode() {
    let (server, client) = mock().await;
    let body =
        json!({"sessionJwt": "", "refreshJwt": "", "cookiePath": "/", "user": {"userId": "U1"}});
    Mock::given(method("POST"))
        .and(path("/v1/auth/password/signin"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(body)
                .append_header(
                    "set-cookie",
                    format!("DS={}; Path=/; HttpOnly; Secure", session_jwt()),
                )
                .append_header(
                    "set-cookie",
                    format!("DSR={}; Path=/; HttpOnly; Secure", refresh_jwt()),
                ),
        )
        .mount(&server)
        .await;
    let auth = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(auth.session_jwt.secret(), session_jwt());
    assert_eq!(auth.refresh_jwt.secret(), refresh_jwt());
}

#[tokio::test]
async fn rotated_refresh_jwt_from_a_custom_cookie_name() {
    let (server, client) = mock().await;
    let body = json!({"sessionJwt": session_jwt(), "cookieName": "MYDSR"});
    Mock::given(method("POST"))
        .and(path("/v1/auth/refresh"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(body)
                .append_header("set-cookie", "MYDSR=rotated-token; Path=/"),
        )
        .mount(&server)
        .await;
    let auth = client
        .sessions()
        .refresh(&refresh_jwt().into())
        .await
        .unwrap();
    assert_eq!(auth.refresh_jwt.secret(), "rotated-token");
    assert!(auth.rotated);
    assert_eq!(auth.cookies.refresh_name, "MYDSR");
}
