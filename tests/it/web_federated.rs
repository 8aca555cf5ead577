//! Social login and SSO through both example apps (one fixed interface), with a cookie-keeping
//! HTTP client against the emulator as identity provider: the button and the SSO form, the IdP
//! page, the callback's cookies and `/me`; and every refusal of the callback (replayed, bogus,
//! missing and wrong-kind codes, a login started in another browser) as a 4xx page without
//! session cookies, never a 5xx.

use descope::session::cookies::CookieConfig;
use descope_emulator::{Emulator, HashCost};
use reqwest::header::{COOKIE, LOCATION};
use url::Url;

use crate::for_each_app;
use crate::web_app::{serve, Web};

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

for_each_app!(social_and_sso_login_through_the_example);
