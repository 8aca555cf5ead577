//! Social login and SSO through both example apps (one fixed interface), with a cookie-keeping
//! HTTP client against the emulator as identity provider: the button and the SSO form, the IdP
//! page, the callback's cookies and `/me`; and every refusal of the callback (replayed, bogus,
//! missing and wrong-kind codes, a login started in another browser) as a 4xx page without
//! session cookies, never a 5xx.

use descope::session::cookies::CookieConfig;
use descope_emulator::{Emulator, HashCost};
use reqwest::header::{COOKIE, LOCATION};
use url::Url;

use std::time::Duration;

use crate::for_each_app;
use crate::proxy::{Proxy, Refresh};
use crate::web_app::{serve, serve_on, Web};

const MANAGEMENT_KEY: &str = "Kweb-fed-management-key";

/// Keeps cookies, does not follow redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(response: &reqwest::Response) -> Url {
    let base = response.url().clone();
    base.join(response.headers()[LOCATION].to_str().unwrap())
        .unwrap()
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn sets_session(response: &reqwest::Response) -> bool {
    set_cookies(response)
        .iter()
        .any(|c| c.starts_with("DS=ey") || c.starts_with("DSR=ey"))
}

fn param(url: &Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Follows a start (`response`, a 303 to the IdP page) through the page as `email`: the
/// callback URL the browser is sent to.
async fn through_the_idp(browser: &reqwest::Client, start: reqwest::Response, email: &str) -> Url {
    assert_eq!(start.status(), 303, "{:?}", start.text().await);
    let cookies = set_cookies(&start);
    assert!(
        cookies.iter().any(|c| c.starts_with("DSLS=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Lax")
            && c.contains("Max-Age=600")),
        "{cookies:?}"
    );
    let page = location(&start);
    let html = browser
        .get(page.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"idp-form\"") && html.contains("id=\"idp-continue\""));
    let posted = browser
        .post(page)
        .form(&[("email", email), ("name", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 302);
    location(&posted)
}

/// A request to `url` from a client without cookies, with `cookie` as its `Cookie` header.
async fn get_with_cookie(url: &Url, cookie: Option<String>) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.get(url.clone());
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.unwrap()
}

/// A refused callback: a 4xx page, no session cookie.
async fn assert_refused(response: reqwest::Response, status: u16) {
    assert_eq!(response.status(), status);
    assert!(!sets_session(&response), "{:?}", set_cookies(&response));
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"error\""), "{page}");
}

async fn social_and_sso_login_through_the_example(web: Web) {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key(MANAGEMENT_KEY)
        .start()
        .await
        .unwrap();
    let admin = emulator.client().unwrap();
    admin
        .management()
        .tenants()
        .create("Acme")
        .id("T-acme")
        .await
        .unwrap();
    (admin.management().sso())
        .configure_saml("T-acme")
        .idp_url("https://idp.acme.example/sso")
        .entity_id("acme")
        .idp_cert("cert")
        .domain("acme.example")
        .await
        .unwrap();
    let base = serve(web, &emulator, CookieConfig::default().secure(false)).await;
    let ada = browser();

    let home = ada
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("id=\"oauth-github\"") && home.contains("id=\"sso-form\""));

    // GitHub: the button, the IdP page, the callback with its own state, /me.
    let start = ada
        .get(format!("{base}/oauth/github"))
        .send()
        .await
        .unwrap();
    let callback = through_the_idp(&ada, start, "ada@example.com").await;
    assert_eq!(
        format!(
            "{}{}",
            callback.origin().ascii_serialization(),
            callback.path()
        ),
        format!("{base}/oauth/callback")
    );
    let state = param(&callback, "login_state");
    assert_eq!(state.len(), 43);

    // Another browser (no state cookie) is refused, and the code is not spent by it.
    assert_refused(get_with_cookie(&callback, None).await, 403).await;
    let forged = Some(format!("DSLS={}x", state));
    assert_refused(get_with_cookie(&callback, forged).await, 403).await;

    let signed_in = ada.get(callback.clone()).send().await.unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(signed_in.headers()[LOCATION], "/me");
    let cookies = set_cookies(&signed_in);
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("DS=ey") && c.contains("HttpOnly")));
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("DSR=ey") && c.contains("HttpOnly")));
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("DSLS=;") && c.contains("Max-Age=0")));
    let me = ada
        .get(format!("{base}/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(me.contains("id=\"login-id\">ada@example.com<"), "{me}");

    // With the matching state: a replayed, a bogus and a missing code are 400 pages.
    let with_state = Some(format!("DSLS={state}"));
    assert_refused(get_with_cookie(&callback, with_state.clone()).await, 400).await;
    let mut bogus = callback.clone();
    bogus.set_query(Some(&format!("login_state={state}&code=bogus")));
    assert_refused(get_with_cookie(&bogus, with_state.clone()).await, 400).await;
    let mut missing = callback.clone();
    missing.set_query(Some(&format!("login_state={state}")));
    assert_refused(get_with_cookie(&missing, with_state).await, 400).await;

    // SSO: the form with a work email, the tenant's IdP page, /sso/callback, /me.
    let sso = browser();
    let start = sso
        .post(format!("{base}/sso"))
        .form(&[("email", "bob@ACME.example")])
        .header("origin", base.as_str())
        .send()
        .await
        .unwrap();
    let callback = through_the_idp(&sso, start, "bob@acme.example").await;
    assert_eq!(callback.path(), "/sso/callback");

    // The SSO code at the OAuth callback (same state) is the wrong kind: 400, still good after.
    let state = param(&callback, "login_state");
    let mut wrong_kind = callback.clone();
    wrong_kind.set_path("/oauth/callback");
    assert_refused(
        get_with_cookie(&wrong_kind, Some(format!("DSLS={state}"))).await,
        400,
    )
    .await;
    let signed_in = sso.get(callback).send().await.unwrap();
    assert_eq!(signed_in.status(), 303);
    assert!(sets_session(&signed_in));
    let me = sso
        .get(format!("{base}/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(me.contains("id=\"login-id\">bob@acme.example<"), "{me}");

    // An email at a domain no tenant has: a 400 page, no state cookie, no redirect.
    let unknown = ada
        .post(format!("{base}/sso"))
        .form(&[("email", "eve@nowhere.example")])
        .header("origin", base.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    assert!(set_cookies(&unknown).is_empty());
}

/// The callback when things go wrong: five parallel requests with one code (one sign-in), the
/// service answering 503 or hanging at the exchange (503 pages, the code not spent), a request
/// cancelled mid-exchange, and an emulator restart between the IdP page and the exchange.
async fn the_callback_under_parallel_replays_outages_and_a_restart(web: Web) {
    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("state.json");
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .state_file(&state_file)
        .start()
        .await
        .unwrap();
    let (proxy, proxy_url) = Proxy::start(emulator.base_url()).await;
    let client = (emulator.client_builder())
        .base_url(proxy_url)
        .timeout(Duration::from_millis(400))
        .cookie_config(CookieConfig::default().secure(false))
        .build()
        .unwrap();
    let base = serve_on(web, client).await;
    let login = |email: &'static str| {
        let base = base.clone();
        async move {
            let ada = browser();
            let start = ada
                .get(format!("{base}/oauth/github"))
                .send()
                .await
                .unwrap();
            let callback = through_the_idp(&ada, start, email).await;
            let cookie = format!("DSLS={}", param(&callback, "login_state"));
            (callback, cookie)
        }
    };

    // Five parallel requests with the same code and state: one signs in, four are 400 pages.
    let (callback, cookie) = login("ada@example.com").await;
    let requests = (0..5).map(|_| get_with_cookie(&callback, Some(cookie.clone())));
    let answers = futures_util::future::join_all(requests).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count(),
        4,
        "{statuses:?}"
    );
    assert_eq!(answers.iter().filter(|r| sets_session(r)).count(), 1);

    // The exchange answers 503, then hangs: 503 pages without cookies; the code is not spent.
    let (callback, cookie) = login("grace@example.com").await;
    for mode in [Refresh::Fail(503), Refresh::Hang] {
        proxy.fault("/v1/auth/oauth/exchange", mode);
        let response = get_with_cookie(&callback, Some(cookie.clone())).await;
        assert_eq!(response.status(), 503, "{mode:?}");
        assert!(!sets_session(&response));
    }
    proxy.fault("/v1/auth/oauth/exchange", Refresh::Pass);
    let response = get_with_cookie(&callback, Some(cookie.clone())).await;
    assert_eq!(response.status(), 303);
    assert!(sets_session(&response));

    // A request cancelled while its exchange is on the way: the next login still works, and
    // the cancelled code is either spent (400) or still good (303), never a 5xx.
    let (callback, cookie) = login("linus@example.com").await;
    proxy.fault("/v1/auth/oauth/exchange", Refresh::Delay(200));
    let cancelled = get_with_cookie(&callback, Some(cookie.clone()));
    assert!(tokio::time::timeout(Duration::from_millis(50), cancelled)
        .await
        .is_err());
    proxy.fault("/v1/auth/oauth/exchange", Refresh::Pass);
    let retried = get_with_cookie(&callback, Some(cookie)).await;
    assert!(
        matches!(retried.status().as_u16(), 303 | 400),
        "{}",
        retried.status()
    );

    // An emulator restart between the IdP page and the exchange: logins in progress end (a 400
    // page), users stay.
    let (callback, cookie) = login("grace@example.com").await;
    emulator.stop().await;
    let restarted = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .state_file(&state_file)
        .start()
        .await
        .unwrap();
    let client = (restarted.client_builder())
        .cookie_config(CookieConfig::default().secure(false))
        .build()
        .unwrap();
    let base = serve_on(web, client.clone()).await;
    let mut moved = Url::parse(&base).unwrap();
    moved.set_path(callback.path());
    moved.set_query(callback.query());
    assert_refused(get_with_cookie(&moved, Some(cookie)).await, 400).await;
    // The user is still there: signing in again is not a first sign-in.
    let page = (client.oauth())
        .start(descope::Provider::Github, "http://127.0.0.1:9/cb")
        .await
        .unwrap();
    let posted = browser()
        .post(page)
        .form(&[("email", "grace@example.com")])
        .send()
        .await
        .unwrap();
    let code = param(&location(&posted), "code");
    let again = client.oauth().exchange(code).await.unwrap();
    assert!(!again.first_seen);
    restarted.stop().await;
}

for_each_app!(
    social_and_sso_login_through_the_example,
    the_callback_under_parallel_replays_outages_and_a_restart,
);
