//! `examples/web_app.rs` end to end, with a cookie-keeping HTTP client against the emulator:
//! rotation, sessions that expire on the emulator's shifted clock, logout after expiry, cookie
//! mode, custom cookie names, revoked tokens and every failure page.

use std::time::Duration;

use descope::session::cookies::CookieConfig;
use descope::session::OffsetClock;
use descope_emulator::{Emulator, EmulatorBuilder, HashCost};

#[path = "../../examples/web_app.rs"]
#[allow(dead_code)]
pub mod example;

pub const PASSWORD: &str = "Web-App-Passw0rd";
const NEW_PASSWORD: &str = "Web-App-N3w-Passw0rd";

// Both examples include `examples/support/pages.rs`: the HTML is shared on purpose.
#[cfg(feature = "actix")]
#[path = "../../examples/actix_app.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
pub mod actix_example;

/// Which of the two example apps (one fixed interface): `web_app.rs` (axum) or `actix_app.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Web {
    /// `examples/web_app.rs`.
    Axum,
    /// `examples/actix_app.rs`.
    #[cfg(feature = "actix")]
    Actix,
}

/// Runs an async test body once per example app: `name_axum` and `name_actix`.
#[macro_export]
macro_rules! for_each_app {
    ($($name:ident),* $(,)?) => {
        mod each_app {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::web_app::Web::Axum).await
                }
            )*
            #[cfg(feature = "actix")]
            mod actix {
                $(
                    #[tokio::test]
                    async fn $name() {
                        super::super::$name($crate::web_app::Web::Actix).await
                    }
                )*
            }
        }
    };
}

/// The example app on 127.0.0.1:0 over `emulator` (kept alive by the caller).
pub async fn serve(web: Web, emulator: &Emulator, cookies: CookieConfig) -> String {
    let client = emulator
        .client_builder()
        .cookie_config(cookies)
        .build()
        .unwrap();
    serve_on(web, client).await
}

/// The example app on 127.0.0.1:0 over `client`.
pub async fn serve_on(web: Web, client: descope::Client) -> String {
    serve_as(web, client, "127.0.0.1").await
}

/// The example app on 127.0.0.1:0 over `client`, reached as `host` (`localhost`: another site
/// than the emulator's `127.0.0.1`, for cross-site redirects).
pub async fn serve_as(web: Web, client: descope::Client, host: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://{host}:{port}");
    match web {
        Web::Axum => {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let router = example::app(client, base.clone()).await.unwrap();
            tokio::spawn(async move { axum::serve(listener, router).await });
        }
        #[cfg(feature = "actix")]
        Web::Actix => {
            let state = actix_example::state(client, base.clone()).await.unwrap();
            let routes = actix_example::configure(state);
            let server =
                actix_web::HttpServer::new(move || actix_web::App::new().configure(routes.clone()))
                    .workers(1)
                    .disable_signals()
                    .listen(listener)
                    .unwrap()
                    .run();
            tokio::spawn(server);
        }
    }
    base
}

fn emulator(clock: &OffsetClock) -> EmulatorBuilder {
    Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .session_ttl(Duration::from_secs(60))
        .clock(clock.clone())
}

/// A browser-like client: keeps cookies, does not follow redirects (so tests see the 303s).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post(browser: &reqwest::Client, url: String, form: &[(&str, &str)]) -> reqwest::Response {
    browser.post(url).form(form).send().await.unwrap()
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

async fn me(browser: &reqwest::Client, base: &str) -> (u16, String) {
    let response = browser.get(format!("{base}/me")).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn sign_up_refresh_change_password_and_log_out(web: Web) {
    let clock = OffsetClock::new();
    let emulator = emulator(&clock).start().await.unwrap();
    let base = serve(web, &emulator, CookieConfig::default().secure(false)).await;
    let browser = browser();

    let home = browser
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains(r#"<form id="login" method="post" action="/login">"#));
    assert!(home.contains(r#"<form id="signup" method="post" action="/signup">"#));

    let signed_up = post(
        &browser,
        format!("{base}/signup"),
        &[
            ("login_id", "ada@example.com"),
            ("password", PASSWORD),
            ("name", "Ada <b>"),
        ],
    )
    .await;
    assert_eq!(signed_up.status(), 303);
    assert_eq!(signed_up.headers()["location"], "/me");
    let cookies = set_cookies(&signed_up);
    assert!(cookies.iter().any(|c| c.starts_with("DS=ey")));
    assert!(cookies.iter().any(|c| c.starts_with("DSR=ey")));
    assert!(cookies
        .iter()
        .all(|c| c.contains("HttpOnly") && c.contains("SameSite=Strict")));
    assert!(
        cookies.iter().all(|c| !c.contains("Secure")),
        "plain HTTP on loopback"
    );

    let (status, page) = me(&browser, &base).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"<span id="login-id">ada@example.com</span>"#));
    assert!(page.contains("Ada &lt;b&gt;"), "user input is escaped");
    assert!(page.contains(r#"<form id="password" method="post" action="/password">"#));
    assert!(page.contains(r#"<form id="logout" method="post" action="/logout">"#));

    // The session expires; /me refreshes it transparently (rotation: new DS and DSR).
    clock.advance(Duration::from_secs(120));
    let response = browser.get(format!("{base}/me")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let cookies = set_cookies(&response);
    assert!(
        cookies.iter().any(|c| c.starts_with("DS=ey")),
        "{cookies:?}"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("DSR=ey")),
        "rotated: {cookies:?}"
    );

    // Expired again: changing the password in the same request as the refresh uses the
    // rotated refresh JWT (the handler sees the current one), and sets its own cookies only.
    clock.advance(Duration::from_secs(120));
    let changed = post(
        &browser,
        format!("{base}/password"),
        &[("old_password", PASSWORD), ("new_password", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(changed.status(), 303, "{:?}", changed.text().await);
    let (status, _) = me(&browser, &base).await;
    assert_eq!(status, 200);

    let out = post(&browser, format!("{base}/logout"), &[]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()["location"], "/");
    let cleared = set_cookies(&out);
    assert_eq!(cleared.len(), 2, "{cleared:?}");
    assert!(cleared
        .iter()
        .all(|c| c.contains("=;") && c.contains("Max-Age=0")));
    let (status, page) = me(&browser, &base).await;
    assert_eq!(status, 401);
    assert!(page.contains(r#"<a href="/">"#));

    // The new password works, the old one does not.
    let old = post(
        &browser,
        format!("{base}/login"),
        &[("login_id", "ada@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(old.status(), 401);
    let new = post(
        &browser,
        format!("{base}/login"),
        &[("login_id", "ada@example.com"), ("password", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(new.status(), 303);
}

async fn logout_after_expiry_leaves_the_browser_signed_out(web: Web) {
    let clock = OffsetClock::new();
    let emulator = emulator(&clock).start().await.unwrap();
    let base = serve(web, &emulator, CookieConfig::default().secure(false)).await;
    let browser = browser();
    let signed_in = post(
        &browser,
        format!("{base}/signup"),
        &[("login_id", "bo@example.com"), ("password", PASSWORD)],
    )
    .await;
    let refresh_cookie = set_cookies(&signed_in)
        .into_iter()
        .find(|c| c.starts_with("DSR="))
        .unwrap();
    let refresh = refresh_cookie
        .trim_start_matches("DSR=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    clock.advance(Duration::from_secs(120));
    let out = post(&browser, format!("{base}/logout"), &[]).await;
    assert_eq!(out.status(), 303);
    let cookies = set_cookies(&out);
    assert_eq!(cookies.len(), 2, "only the clearing cookies: {cookies:?}");
    assert!(
        cookies.iter().all(|c| c.contains("Max-Age=0")),
        "{cookies:?}"
    );
    let (status, _) = me(&browser, &base).await;
    assert_eq!(status, 401);
    // Neither the refresh JWT of the cookie nor the one rotated during the logout works.
    let client = emulator.client().unwrap();
    assert!(client
        .sessions()
        .me(&refresh.as_str().into())
        .await
        .is_err());
    // Logging out again (no cookies any more) still answers 303 and clears.
    let again = post(&browser, format!("{base}/logout"), &[]).await;
    assert_eq!(again.status(), 303);
    assert_eq!(set_cookies(&again).len(), 2);
}

async fn cookie_mode_and_custom_cookie_names(web: Web) {
    let clock = OffsetClock::new();
    let emulator = emulator(&clock)
        .tokens_in_cookies(true)
        .start()
        .await
        .unwrap();
    let base = serve(
        web,
        &emulator,
        CookieConfig::default().secure(false).names("sid", "rid"),
    )
    .await;
    let browser = browser();
    let signed_up = post(
        &browser,
        format!("{base}/signup"),
        &[("login_id", "cy@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(signed_up.status(), 303);
    let cookies = set_cookies(&signed_up);
    assert!(
        cookies.iter().any(|c| c.starts_with("sid=ey")),
        "{cookies:?}"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("rid=ey")),
        "{cookies:?}"
    );
    assert!(cookies.iter().all(|c| !c.starts_with("DS")));
    assert_eq!(me(&browser, &base).await.0, 200);
    clock.advance(Duration::from_secs(120));
    let response = browser.get(format!("{base}/me")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(set_cookies(&response)
        .iter()
        .any(|c| c.starts_with("sid=ey")));
    let out = post(&browser, format!("{base}/logout"), &[]).await;
    let cleared = set_cookies(&out);
    assert!(
        cleared.iter().any(|c| c.starts_with("sid=;"))
            && cleared.iter().any(|c| c.starts_with("rid=;"))
    );
    assert_eq!(me(&browser, &base).await.0, 401);
}

async fn a_password_change_revokes_the_other_browsers(web: Web) {
    let clock = OffsetClock::new();
    let emulator = emulator(&clock).start().await.unwrap();
    let base = serve(web, &emulator, CookieConfig::default().secure(false)).await;
    let (first, second) = (browser(), browser());
    post(
        &first,
        format!("{base}/signup"),
        &[("login_id", "di@example.com"), ("password", PASSWORD)],
    )
    .await;
    let login = post(
        &second,
        format!("{base}/login"),
        &[("login_id", "di@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(login.status(), 303);
    assert_eq!(me(&second, &base).await.0, 200);
    let changed = post(
        &first,
        format!("{base}/password"),
        &[("old_password", PASSWORD), ("new_password", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(me(&first, &base).await.0, 200);
    assert_eq!(
        me(&second, &base).await.0,
        401,
        "the other session was revoked"
    );
}

async fn failures_are_pages_with_the_right_status(web: Web) {
    let clock = OffsetClock::new();
    let emulator = emulator(&clock)
        .rate_limit(12, Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let base = serve(web, &emulator, CookieConfig::default().secure(false)).await;
    let browser = browser();
    post(
        &browser,
        format!("{base}/signup"),
        &[("login_id", "ed@example.com"), ("password", PASSWORD)],
    )
    .await;

    let taken = post(
        &browser,
        format!("{base}/signup"),
        &[("login_id", "ed@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(taken.status(), 409);
    let wrong = post(
        &browser,
        format!("{base}/login"),
        &[
            ("login_id", "ed@example.com"),
            ("password", "Wrong-Passw0rd"),
        ],
    )
    .await;
    let unknown = post(
        &browser,
        format!("{base}/login"),
        &[("login_id", "nobody@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(
        (wrong.status(), unknown.status()),
        (
            reqwest::StatusCode::UNAUTHORIZED,
            reqwest::StatusCode::UNAUTHORIZED
        )
    );
    let (wrong, unknown) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(
        wrong, unknown,
        "the same page for an unknown user and a wrong password"
    );
    let weak = post(
        &browser,
        format!("{base}/signup"),
        &[("login_id", "fi@example.com"), ("password", "short")],
    )
    .await;
    assert_eq!(weak.status(), 400);
    let page = weak.text().await.unwrap();
    assert!(
        page.contains("<li>at least 8 characters</li>") && page.contains("<li>a digit</li>"),
        "{page}"
    );
    assert!(!page.contains("short"), "never the password");

    // Past the emulator's rate limit: 429 with Retry-After (a bounded number of attempts).
    let mut limited = None;
    for _ in 0..20 {
        let response = post(
            &browser,
            format!("{base}/login"),
            &[
                ("login_id", "ed@example.com"),
                ("password", "Wrong-Passw0rd"),
            ],
        )
        .await;
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("the rate limit was reached");
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
}

/// A password sign-in of a user with an authenticator app: no session until the app's code,
/// a wrong code or a missing, replayed or forged pending cookie is a 401 without cookies.
async fn two_factor_sign_in_refuses_wrong_codes_and_spent_attempts(web: Web) {
    use descope::session::Clock;
    let clock = OffsetClock::new();
    let emulator = emulator(&clock).start().await.unwrap();
    let base = serve(web, &emulator, CookieConfig::default().secure(false)).await;
    let browser = browser();
    let login = [("login_id", "kim@example.com"), ("password", PASSWORD)];
    assert_eq!(
        post(&browser, format!("{base}/signup"), &login)
            .await
            .status(),
        303
    );
    let page = post(&browser, format!("{base}/two-factor"), &[])
        .await
        .text()
        .await
        .unwrap();
    let key = page
        .split("<code id=\"totp-key\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap();
    let key = descope::TotpKey::new(key);
    let code = crate::second_factors::app_code(&key, clock.now());
    let confirmed = post(
        &browser,
        format!("{base}/two-factor/confirm"),
        &[("code", &code)],
    )
    .await;
    assert_eq!(confirmed.status(), 303);

    // The password alone gives no session: the form asks for the code.
    let other = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let first = post(&other, format!("{base}/login"), &login).await;
    assert_eq!(first.status(), 200);
    let cookies = set_cookies(&first);
    assert!(cookies
        .iter()
        .all(|c| !c.starts_with("DS=") && !c.starts_with("DSR=")));
    let pending = cookies
        .iter()
        .find(|c| c.starts_with("DS2FA="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    assert!(first.text().await.unwrap().contains("id=\"totp-login\""));
    let submit = |cookie: Option<String>, code: String| {
        let (other, base) = (other.clone(), base.clone());
        async move {
            let mut request = other
                .post(format!("{base}/login/totp"))
                .form(&[("code", code)]);
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            request.send().await.unwrap()
        }
    };
    clock.advance(Duration::from_secs(30));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = submit(Some(pending.clone()), wrong.to_owned()).await;
    assert_eq!(refused.status(), 401);
    assert!(set_cookies(&refused).iter().all(|c| !c.starts_with("DS=")));
    assert_eq!(submit(None, code.clone()).await.status(), 401);
    assert_eq!(
        submit(Some("DS2FA=forged".into()), code.clone())
            .await
            .status(),
        401
    );
    let right = crate::second_factors::app_code(&key, clock.now());
    let signed_in = submit(Some(pending.clone()), right.clone()).await;
    assert_eq!(signed_in.status(), 303);
    let cookies = set_cookies(&signed_in);
    assert!(cookies.iter().any(|c| c.starts_with("DS=ey")));
    assert!(cookies.iter().any(|c| c.starts_with("DS2FA=;")));
    // The pending sign-in was spent.
    assert_eq!(submit(Some(pending), right).await.status(), 401);
}

for_each_app!(
    two_factor_sign_in_refuses_wrong_codes_and_spent_attempts,
    sign_up_refresh_change_password_and_log_out,
    logout_after_expiry_leaves_the_browser_signed_out,
    cookie_mode_and_custom_cookie_names,
    a_password_change_revokes_the_other_browsers,
    failures_are_pages_with_the_right_status,
);
