//! Sessions under real browser traffic, through `examples/web_app.rs` and the tower layer on
//! a bare service, with a proxy between the client and the emulator that counts refreshes and
//! injects failures: parallel requests with one expired session make one refresh, an outage is
//! a 503 that keeps the cookies, a refused refresh clears them, cookie names are
//! configuration, cross-site posts are refused, a wrong management key is not a 401.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::IntoResponse;
use descope::session::cookies::CookieConfig;
use descope::session::{OffsetClock, RequestSession};
use descope::tower::SessionLayer;
use descope::Client;
use descope_emulator::{Emulator, HashCost};
use http::{Method, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use crate::proxy::{Proxy, Refresh, REFRESH_PATH};
use crate::web_app::{example, serve_on, Web, PASSWORD};

struct Setup {
    emulator: Emulator,
    clock: OffsetClock,
    proxy: Proxy,
    client: Client,
}

/// The emulator (rotation on, 60 s sessions, a movable clock) behind a proxy, and a client
/// through the proxy with no retries and a short timeout.
async fn setup() -> Setup {
    setup_with(CookieConfig::default().secure(false)).await
}

async fn setup_with(cookies: CookieConfig) -> Setup {
    let clock = OffsetClock::new();
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .session_ttl(Duration::from_secs(60))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let (proxy, proxy_url) = Proxy::start(emulator.base_url()).await;
    let client = emulator
        .client_builder()
        .base_url(proxy_url)
        .timeout(Duration::from_millis(400))
        .cookie_config(cookies)
        .build()
        .unwrap();
    Setup {
        emulator,
        clock,
        proxy,
        client,
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `name=value` of every `Set-Cookie`.
fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect()
}

/// Signs up through the app; the `Cookie` header its answer stores.
async fn sign_up(base: &str, login_id: &str) -> String {
    let response = http()
        .post(format!("{base}/signup"))
        .form(&[("login_id", login_id), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    set_cookies(&response).join("; ")
}

async fn get_me(base: &str, cookie: &str) -> reqwest::Response {
    http()
        .get(format!("{base}/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

async fn parallel_requests_with_one_expired_session_make_one_refresh(web: Web) {
    let setup = setup().await;
    let base = serve_on(web, setup.client.clone()).await;
    let cookie = sign_up(&base, "par@example.com").await;
    setup.clock.advance(Duration::from_secs(120)); // the session JWT has expired

    let mut answers = Vec::new();
    for _ in 0..8 {
        let (base, cookie) = (base.clone(), cookie.clone());
        answers.push(tokio::spawn(async move { get_me(&base, &cookie).await }));
    }
    let mut cookies = Vec::new();
    for answer in answers {
        let response = answer.await.unwrap();
        assert_eq!(response.status(), 200);
        cookies.push(set_cookies(&response));
    }
    assert_eq!(
        setup.proxy.count(REFRESH_PATH),
        1,
        "one refresh reached the service"
    );
    assert!(cookies[0][0].starts_with("DS=ey") && cookies[0][1].starts_with("DSR=ey"));
    assert!(
        cookies.iter().all(|c| c == &cookies[0]),
        "every request sets the same new session and rotated refresh JWT"
    );
    // The new cookies work without another refresh.
    let fresh = cookies[0].join("; ");
    assert_eq!(get_me(&base, &fresh).await.status(), 200);
    assert_eq!(setup.proxy.count(REFRESH_PATH), 1);

    // validate_and_refresh shares its refreshes the same way.
    setup.clock.advance(Duration::from_secs(120));
    let session = fresh_value(&fresh, "DS");
    let refresh = descope::RefreshJwt::from(fresh_value(&fresh, "DSR"));
    let mut calls = Vec::new();
    for _ in 0..8 {
        let (client, session, refresh) = (setup.client.clone(), session.clone(), refresh.clone());
        calls.push(tokio::spawn(async move {
            let valid = client
                .sessions()
                .validate_and_refresh(&session, &refresh)
                .await
                .unwrap();
            valid.refreshed.unwrap().refresh_jwt
        }));
    }
    let mut rotated = Vec::new();
    for call in calls {
        rotated.push(call.await.unwrap().secret().to_owned());
    }
    assert!(rotated.iter().all(|r| r == &rotated[0]));
    assert_eq!(setup.proxy.count(REFRESH_PATH), 2);
    setup.emulator.stop().await;
}

fn fresh_value(cookie: &str, name: &str) -> String {
    cookie
        .split("; ")
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .unwrap()
        .to_owned()
}

async fn an_outage_during_a_refresh_is_a_503_that_keeps_the_cookies(web: Web) {
    let setup = setup().await;
    let base = serve_on(web, setup.client.clone()).await;
    let cookie = sign_up(&base, "outage@example.com").await;
    setup.clock.advance(Duration::from_secs(120));

    for mode in [
        Refresh::Fail(503),
        Refresh::Fail(500),
        Refresh::Fail(429),
        Refresh::Hang,
    ] {
        setup.proxy.refresh(mode);
        let response = get_me(&base, &cookie).await;
        assert_eq!(response.status(), 503, "{mode:?}");
        assert!(set_cookies(&response).is_empty(), "{mode:?}: cookies kept");
        let retry = response.headers().get("retry-after").cloned();
        let text = response.text().await.unwrap();
        assert!(!text.contains("Your session has ended"), "{mode:?}: {text}");
        match mode {
            Refresh::Hang => assert_eq!(retry, None),
            _ => assert_eq!(retry.unwrap(), "7", "{mode:?}"),
        }
    }
    // The service is back: the same cookies still hold the session (nobody was signed out).
    setup.proxy.refresh(Refresh::Pass);
    let response = get_me(&base, &cookie).await;
    assert_eq!(response.status(), 200);
    assert_eq!(set_cookies(&response).len(), 2);
    setup.emulator.stop().await;
}

async fn a_refused_refresh_signs_out_and_clears_both_cookies(web: Web) {
    let setup = setup().await;
    let base = serve_on(web, setup.client.clone()).await;
    let cookie = sign_up(&base, "revoked@example.com").await;
    let refresh = descope::RefreshJwt::from(fresh_value(&cookie, "DSR"));
    setup.client.sessions().logout(&refresh).await.unwrap();
    setup.clock.advance(Duration::from_secs(120));

    let response = get_me(&base, &cookie).await;
    assert_eq!(response.status(), 401);
    let cleared: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(cleared.len(), 2, "{cleared:?}");
    assert!(cleared[0].starts_with("DS=;") && cleared[0].contains("Max-Age=0"));
    assert!(cleared[1].starts_with("DSR=;") && cleared[1].contains("Max-Age=0"));
    // A browser that sends the dead cookie again at once costs no second round trip.
    assert_eq!(get_me(&base, &cookie).await.status(), 401);
    assert_eq!(setup.proxy.count(REFRESH_PATH), 1);
    setup.emulator.stop().await;
}

async fn custom_cookie_names_are_read_by_a_fresh_process(web: Web) {
    let env = |name: &str| match name {
        "DESCOPE_SESSION_COOKIE_NAME" => Some("app_session".to_owned()),
        "DESCOPE_REFRESH_COOKIE_NAME" => Some("app_refresh".to_owned()),
        _ => None,
    };
    let setup = setup().await;
    // A replica started from the configuration (what a fresh process has).
    let replica = || {
        let builder = setup.emulator.client_builder();
        let builder = builder.cookie_config(CookieConfig::default().secure(false));
        serve_on(
            web,
            example::cookie_names_from(builder, env).build().unwrap(),
        )
    };
    // One replica signs the user in...
    let base = replica().await;
    let cookie = sign_up(&base, "names@example.com").await;
    assert!(cookie.starts_with("app_session=ey") && cookie.contains("; app_refresh=ey"));
    // ...and another, started from the same configuration, has seen no response at all.
    let other = replica().await;
    assert_eq!(get_me(&other, &cookie).await.status(), 200);
    setup.clock.advance(Duration::from_secs(120));
    let refreshed = get_me(&other, &cookie).await;
    assert_eq!(refreshed.status(), 200);
    let set = set_cookies(&refreshed);
    assert!(set[0].starts_with("app_session=ey") && set[1].starts_with("app_refresh=ey"));
    setup.emulator.stop().await;
}

async fn cross_site_posts_are_refused_with_403(web: Web) {
    let setup = setup().await;
    let base = serve_on(web, setup.client.clone()).await;
    let cookie = sign_up(&base, "csrf@example.com").await;
    let change = [
        ("old_password", PASSWORD),
        ("new_password", "Cross-Site-N3w-Passw0rd"),
    ];
    let post = |path: &str| http().post(format!("{base}{path}"));

    let forged = post("/password")
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .header("origin", "http://evil.example")
        .form(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    // Without fetch metadata, the Origin decides.
    let forged = post("/password")
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .form(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    // The sign-in form too, although it carries no session (login CSRF).
    let login = [("login_id", "csrf@example.com"), ("password", PASSWORD)];
    let forged = post("/login")
        .header("sec-fetch-site", "cross-site")
        .form(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    // The password was not changed: the user signs in with the old one, from the app's page.
    let own = post("/login")
        .header("sec-fetch-site", "same-origin")
        .header("origin", &base)
        .form(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 303);
    let own = post("/password")
        .header("cookie", &cookie)
        .header("origin", &base)
        .form(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 303);
    setup.emulator.stop().await;
}

/// A bare tower service that answers who the layer said the request is.
#[derive(Clone)]
struct WhoAmI;

impl Service<Request<()>> for WhoAmI {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<()>) -> Self::Future {
        let who = request
            .extensions()
            .get::<RequestSession>()
            .map(|s| s.session.user_id().to_owned());
        std::future::ready(Ok(Response::new(format!("{who:?}"))))
    }
}

async fn call_layer(client: &Client, method: Method, headers: &[(&str, &str)]) -> Response<String> {
    let mut service = SessionLayer::new(client.clone()).layer(WhoAmI);
    let mut request = Request::builder().method(method);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    service.call(request.body(()).unwrap()).await.unwrap()
}

#[tokio::test]
async fn the_tower_layer_on_a_bare_service_follows_the_same_rules() {
    let setup = setup().await;
    let auth = setup
        .client
        .password()
        .sign_up("tower@example.com", PASSWORD)
        .await
        .unwrap();
    let cookie = format!(
        "DS={}; DSR={}",
        auth.session_jwt.secret(),
        auth.refresh_jwt.secret()
    );
    setup.clock.advance(Duration::from_secs(120));

    // Outage: 503 with Retry-After, no cookies, the handler not called.
    setup.proxy.refresh(Refresh::Fail(503));
    let response = call_layer(&setup.client, Method::GET, &[("cookie", &cookie)]).await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "7");
    assert!(response.headers().get("set-cookie").is_none());
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(body["error"], "unavailable");
    setup.proxy.refresh(Refresh::Hang);
    let response = call_layer(&setup.client, Method::GET, &[("cookie", &cookie)]).await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().get("set-cookie").is_none());

    // Cross-site unsafe request by cookie: 403 before any refresh.
    setup.proxy.refresh(Refresh::Pass);
    let before = setup.proxy.count(REFRESH_PATH);
    let cross = [
        ("cookie", cookie.as_str()),
        ("sec-fetch-site", "cross-site"),
    ];
    let response = call_layer(&setup.client, Method::POST, &cross).await;
    assert_eq!(response.status(), 403);
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(body["error"], "forbidden");
    assert_eq!(setup.proxy.count(REFRESH_PATH), before);

    // Eight requests at once with the expired session: one refresh, the same cookies.
    let mut calls = Vec::new();
    for _ in 0..8 {
        let (client, cookie) = (setup.client.clone(), cookie.clone());
        calls.push(tokio::spawn(async move {
            call_layer(&client, Method::GET, &[("cookie", &cookie)]).await
        }));
    }
    let mut set = Vec::new();
    for call in calls {
        let response = call.await.unwrap();
        assert_eq!(response.body(), &format!("Some({:?})", auth.user.user_id));
        let cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        set.push(cookies);
    }
    assert_eq!(setup.proxy.count(REFRESH_PATH) - before, 1);
    assert_eq!(set[0].len(), 2);
    assert!(set.iter().all(|c| c == &set[0]));
    // A cross-site GET is a link: it passes (and shares the refresh just made).
    let response = call_layer(&setup.client, Method::GET, &cross).await;
    assert_eq!(response.status(), 200);
    assert_eq!(setup.proxy.count(REFRESH_PATH) - before, 1);

    // Revoked: the refresh is refused and both cookies are cleared.
    let fresh = setup
        .client
        .password()
        .sign_in("tower@example.com", PASSWORD)
        .await
        .unwrap();
    setup
        .client
        .sessions()
        .logout(&fresh.refresh_jwt)
        .await
        .unwrap();
    setup.clock.advance(Duration::from_secs(120));
    let dead = format!(
        "DS={}; DSR={}",
        fresh.session_jwt.secret(),
        fresh.refresh_jwt.secret()
    );
    let response = call_layer(&setup.client, Method::GET, &[("cookie", &dead)]).await;
    assert_eq!(response.body(), "None");
    assert_eq!(response.headers().get_all("set-cookie").iter().count(), 2);
    setup.emulator.stop().await;
}

/// The `Set-Cookie` headers of a response, whole.
fn set_cookie_headers(response: &Response<String>) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// Signs up with the client; the `Cookie` header of the new session, and the user's ID.
async fn signed_up(client: &Client, login_id: &str) -> (String, String) {
    let auth = client.password().sign_up(login_id, PASSWORD).await.unwrap();
    let cookie = format!(
        "DS={}; DSR={}",
        auth.session_jwt.secret(),
        auth.refresh_jwt.secret()
    );
    (cookie, auth.user.user_id)
}

/// Runs `calls` requests with `cookie` through the layer at once; asserts each is signed in as
/// `user_id`, and returns their `Set-Cookie` headers.
async fn signed_in_at_once(
    client: &Client,
    cookie: &str,
    calls: usize,
    user_id: &str,
) -> Vec<Vec<String>> {
    let mut tasks = Vec::new();
    for _ in 0..calls {
        let (client, cookie) = (client.clone(), cookie.to_owned());
        tasks.push(tokio::spawn(async move {
            call_layer(&client, Method::GET, &[("cookie", &cookie)]).await
        }));
    }
    let mut set = Vec::new();
    for task in tasks {
        let response = task.await.unwrap();
        assert_eq!(response.body(), &format!("Some({user_id:?})"), "signed in");
        set.push(set_cookie_headers(&response));
    }
    set
}

/// The request that started a refresh is dropped mid-refresh (a browser that navigated away):
/// the refresh goes on, once, and the other requests are signed in with its rotated cookies.
#[tokio::test]
async fn a_request_dropped_mid_refresh_neither_repeats_it_nor_signs_anyone_out() {
    let setup = setup().await;
    let (cookie, user_id) = signed_up(&setup.client, "dropped@example.com").await;
    setup.clock.advance(Duration::from_secs(120));
    setup.proxy.refresh(Refresh::Delay(150));
    let leader = {
        let (client, cookie) = (setup.client.clone(), cookie.clone());
        tokio::spawn(async move { call_layer(&client, Method::GET, &[("cookie", &cookie)]).await })
    };
    // Bounded wait until the refresh reached the service, then the request is gone.
    for _ in 0..200 {
        if setup.proxy.count(REFRESH_PATH) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(setup.proxy.count(REFRESH_PATH), 1);
    leader.abort();
    assert!(leader.await.unwrap_err().is_cancelled());

    let set = signed_in_at_once(&setup.client, &cookie, 7, &user_id).await;
    assert_eq!(setup.proxy.count(REFRESH_PATH), 1, "one refresh in all");
    assert_eq!(set[0].len(), 2);
    assert!(set.iter().all(|c| c == &set[0]), "the same rotated cookies");
    setup.emulator.stop().await;
}

/// Junk refresh cookies take no shared slot: after 6,000 of them, a real user's parallel
/// requests with an expired session still make one refresh, and nobody is signed out.
#[tokio::test]
async fn junk_refresh_cookies_do_not_switch_sharing_off() {
    let setup = setup().await;
    let (cookie, user_id) = signed_up(&setup.client, "flood@example.com").await;
    // The user's session has expired; the flood comes within the share window of the requests.
    setup.clock.advance(Duration::from_secs(120));
    for i in 0..6_000 {
        let junk = format!("DSR=junk.{i}.token");
        let response = call_layer(&setup.client, Method::GET, &[("cookie", &junk)]).await;
        assert_eq!(response.body(), "None");
        assert_eq!(set_cookie_headers(&response).len(), 2, "junk is cleared");
    }
    assert_eq!(
        setup.proxy.count(REFRESH_PATH),
        0,
        "junk never reaches the service"
    );
    let set = signed_in_at_once(&setup.client, &cookie, 8, &user_id).await;
    assert_eq!(setup.proxy.count(REFRESH_PATH), 1);
    assert!(set.iter().all(|c| c.len() == 2 && c == &set[0]));
    setup.emulator.stop().await;
}

/// During a key rotation, a session signed with a key the client has not fetched yet (the
/// refetch interval holds the fetch back) is "keys unavailable", a 503 that keeps the cookies,
/// never a sign-out; once the interval has passed, the new key is fetched and the session works.
#[tokio::test]
async fn an_unknown_key_during_a_rotation_is_a_503_not_a_sign_out() {
    let setup = setup().await;
    let (cookie, user_id) = signed_up(&setup.client, "rotation@example.com").await;
    let response = call_layer(&setup.client, Method::GET, &[("cookie", &cookie)]).await;
    assert_eq!(
        response.body(),
        &format!("Some({user_id:?})"),
        "keys fetched"
    );
    setup.emulator.rotate_signing_key(true).await.unwrap();
    let auth = setup
        .client
        .password()
        .sign_in("rotation@example.com", PASSWORD)
        .await
        .unwrap();
    let rotated = format!(
        "DS={}; DSR={}",
        auth.session_jwt.secret(),
        auth.refresh_jwt.secret()
    );
    let response = call_layer(&setup.client, Method::GET, &[("cookie", &rotated)]).await;
    assert_eq!(response.status(), 503, "{}", response.body());
    assert!(set_cookie_headers(&response).is_empty(), "cookies kept");
    // The refetch interval (30 s) passes: the new key is fetched, the same cookies work.
    setup.clock.advance(Duration::from_secs(31));
    let response = call_layer(&setup.client, Method::GET, &[("cookie", &rotated)]).await;
    assert_eq!(response.body(), &format!("Some({user_id:?})"));
    setup.emulator.stop().await;
}

/// Asserts that `set_cookies` remove `DS` and `DSR` on `domain` (host-only when `None`), path `/`.
fn assert_removals(set_cookies: &[String], domain: Option<&str>, case: &str) {
    assert_eq!(set_cookies.len(), 2, "{case}: {set_cookies:?}");
    for (cookie, name) in set_cookies.iter().zip(["DS=;", "DSR=;"]) {
        assert!(
            cookie.starts_with(name) && cookie.contains("Max-Age=0"),
            "{case}: {cookie}"
        );
        assert!(cookie.contains("Path=/"), "{case}: {cookie}");
        match domain {
            Some(domain) => assert!(
                cookie.contains(&format!("Domain={domain}")),
                "{case}: {cookie}"
            ),
            None => assert!(!cookie.contains("Domain="), "{case}: {cookie}"),
        }
    }
}

/// Cookies set on the service's `cookieDomain` are removed on it too: after a refused refresh,
/// and by `logout_and_clear` without a token, with a revoked one, and with the service down;
/// a domain from the configuration is used by a process that has not heard from the service.
#[tokio::test]
async fn cookies_are_removed_with_the_domain_and_path_they_were_set_with() {
    let clock = OffsetClock::new();
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .session_ttl(Duration::from_secs(60))
        .cookie_domain("example.test")
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = emulator
        .client_builder()
        .retry_policy(descope::RetryPolicy::none())
        .build()
        .unwrap();
    let auth = client
        .password()
        .sign_up("domain@example.com", PASSWORD)
        .await
        .unwrap();
    let set = client.cookie_config().set_headers(&auth);
    assert!(set
        .get_all("set-cookie")
        .iter()
        .all(|c| c.to_str().unwrap().contains("Domain=example.test")));
    let cookie = format!(
        "DS={}; DSR={}",
        auth.session_jwt.secret(),
        auth.refresh_jwt.secret()
    );
    client.sessions().logout(&auth.refresh_jwt).await.unwrap();
    clock.advance(Duration::from_secs(120));

    let refused = call_layer(&client, Method::GET, &[("cookie", &cookie)]).await;
    assert_eq!(refused.body(), "None");
    assert_removals(
        &set_cookie_headers(&refused),
        Some("example.test"),
        "refused refresh",
    );

    let headers = |out: descope::session::Logout| -> Vec<String> {
        out.set_cookies
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    let sessions = client.sessions();
    let out = sessions.logout_and_clear(None).await;
    assert_removals(&headers(out), Some("example.test"), "no token");
    let out = sessions.logout_and_clear(Some(&auth.refresh_jwt)).await;
    assert_removals(&headers(out), Some("example.test"), "revoked token");
    let live = client
        .password()
        .sign_in("domain@example.com", PASSWORD)
        .await
        .unwrap();
    emulator.stop().await;
    let out = sessions.logout_and_clear(Some(&live.refresh_jwt)).await;
    assert!(out.failure.is_some(), "the service is down");
    assert_removals(&headers(out), Some("example.test"), "service down");

    // A fresh process knows only its configuration.
    let fresh = |cookies: CookieConfig| {
        Client::builder()
            .project_id(descope_emulator::DEFAULT_PROJECT_ID)
            .base_url("http://127.0.0.1:9")
            .cookie_config(cookies)
            .build()
            .unwrap()
    };
    let configured = fresh(CookieConfig::default().domain("example.test"));
    let out = configured.sessions().logout_and_clear(None).await;
    assert_removals(&headers(out), Some("example.test"), "configured");
    let out = fresh(CookieConfig::default())
        .sessions()
        .logout_and_clear(None)
        .await;
    assert_removals(&headers(out), None, "nothing known: host-only");
}

#[tokio::test]
async fn a_wrong_management_key_is_a_server_error_not_a_sign_out() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key("K2-right-key")
        .start()
        .await
        .unwrap();
    let wrong = emulator
        .client_builder()
        .management_key("K2-wrong-key")
        .build()
        .unwrap();
    let error = wrong
        .management()
        .users()
        .load("nobody@example.com")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert!(error.is_server_credentials_refused());
    assert!(!error.ends_session());
    let (status, body) = error.http_response();
    assert_eq!((status.as_u16(), body.error), (500, "error"));
    assert_eq!(error.into_response().status(), 500);
    // A refused refresh JWT is still the user's: signed out.
    let right = emulator.client().unwrap();
    let error = right
        .sessions()
        .refresh(&descope::RefreshJwt::from("not.a.jwt"))
        .await
        .unwrap_err();
    assert!(error.ends_session() && !error.is_server_credentials_refused());
    assert_eq!(error.http_response().0.as_u16(), 401);
    emulator.stop().await;
}

/// Cookies from before a logout, replayed at once: the shared refresh that rotated them is
/// over with the session, so the service is asked, refuses, and the cookies are removed.
async fn cookies_replayed_after_a_logout_get_no_new_session(web: Web) {
    let setup = setup().await;
    let base = serve_on(web, setup.client.clone()).await;
    let before = sign_up(&base, "replay@example.com").await;
    setup.clock.advance(Duration::from_secs(120));
    // A refresh: new cookies, and the old refresh JWT rotated away (and shared for a while).
    let refreshed = get_me(&base, &before).await;
    assert_eq!(refreshed.status(), 200);
    let after = set_cookies(&refreshed).join("; ");
    assert!(after.contains("DS=ey") && after.contains("DSR=ey"));
    let logout = http()
        .post(format!("{base}/logout"))
        .header("cookie", &after)
        .header("origin", &base)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 303);

    let replay = get_me(&base, &before).await;
    assert_eq!(replay.status(), 401);
    let cookies = set_cookies(&replay);
    assert_eq!(cookies, ["DS=", "DSR="], "removed, no fresh session");
    setup.emulator.stop().await;
}

crate::for_each_app!(
    cookies_replayed_after_a_logout_get_no_new_session,
    parallel_requests_with_one_expired_session_make_one_refresh,
    an_outage_during_a_refresh_is_a_503_that_keeps_the_cookies,
    a_refused_refresh_signs_out_and_clears_both_cookies,
    custom_cookie_names_are_read_by_a_fresh_process,
    cross_site_posts_are_refused_with_403,
);
