//! `examples/web_app.rs` in a real browser: headless Chromium driven through WebDriver (W3C
//! protocol, spoken over HTTP with reqwest). Sign up, land on `/me`, change the password, log
//! out, and `/me` refuses. Skipped with a message when no chromedriver is found, except under
//! CI (`CI=true`), where `.ci/run` installs it and a missing driver is a failure.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use descope::session::cookies::CookieConfig;
use descope_emulator::{Emulator, HashCost};
use serde_json::{json, Value};

use crate::web_app::{serve, serve_as, Web, PASSWORD};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_driver() -> Option<String> {
    let candidates = [
        std::env::var("CHROMEDRIVER").ok(),
        Some("/usr/bin/chromedriver".to_owned()),
        Some("/usr/lib/chromium/chromedriver".to_owned()),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|path| std::path::Path::new(path).exists())
}

/// The chromedriver to use; without one, `None` and a message (a failure under CI, where
/// `.ci/run` installs it).
pub(crate) fn driver_or_skip() -> Option<String> {
    let driver = find_driver();
    if driver.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromedriver is missing under CI: .ci/run installs chromium-driver");
        }
        eprintln!(
            "SKIPPED browser test: no chromedriver (apt-get install chromium chromium-driver)"
        );
    }
    driver
}

fn find_chromium() -> Option<&'static str> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|path| std::path::Path::new(path).exists())
}

pub(crate) struct Driver {
    process: Child,
    base: String,
    http: reqwest::Client,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Driver {
    pub(crate) async fn start(driver: &str) -> Driver {
        // A free loopback port for chromedriver.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(driver)
            .args([
                format!("--port={port}"),
                "--allowed-ips=127.0.0.1".to_owned(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(response) = http.get(format!("{base}/status")).send().await {
                if response.status().is_success() {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Driver {
            process,
            base,
            http,
            session: None,
        }
    }

    pub(crate) async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        match self.try_call(method, path, body).await {
            Ok(value) => value,
            Err(response) => panic!("webdriver {path}: {response}"),
        }
    }

    /// One WebDriver command: its value, or the whole answer when it is an error.
    async fn try_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Value> {
        let url = match &self.session {
            Some(id) => format!("{}/session/{id}{path}", self.base),
            None => format!("{}{path}", self.base),
        };
        let mut request = self
            .http
            .request(method, url)
            .timeout(Duration::from_secs(30));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response: Value = request.send().await.unwrap().json().await.unwrap();
        match response["value"].get("error") {
            None => Ok(response["value"].clone()),
            Some(_) => Err(response),
        }
    }

    pub(crate) async fn open(&mut self, user_data_dir: &std::path::Path) {
        let mut capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", user_data_dir.display()),
            ]}
        });
        if let Some(binary) = find_chromium() {
            capabilities["goog:chromeOptions"]["binary"] = json!(binary);
        }
        let value = self
            .call(
                reqwest::Method::POST,
                "/session",
                Some(json!({"capabilities": {"alwaysMatch": capabilities}})),
            )
            .await;
        self.session = Some(value["sessionId"].as_str().unwrap().to_owned());
    }

    pub(crate) async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    pub(crate) async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub(crate) async fn find(&self, css: &str) -> String {
        let value = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        value[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {value}"))
            .to_owned()
    }

    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// Clicks `css`, which navigates (a form's button, a link: every click in these tests),
    /// and waits (bounded) until the page it was on is gone. Without the wait, a form that
    /// answers with the page it was sent from (change password on `/me`) leaves the old page in
    /// place for a moment: `wait_for_url` passes at once and the next lookup finds an element
    /// that goes stale under it.
    pub(crate) async fn click(&self, css: &str) {
        let page = self.find("html").await;
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let probe = self
                .try_call(reqwest::Method::GET, &format!("/element/{page}/name"), None)
                .await;
            // The old page's root is stale once the new page is in; in the middle of the switch
            // chromedriver may say that the node left the document, which is as good.
            let answer = match probe {
                Ok(_) => None,
                Err(answer) => {
                    let gone = answer["value"]["error"] == "stale element reference"
                        || answer["value"]["message"]
                            .as_str()
                            .is_some_and(|m| m.contains("does not belong to the document"));
                    if gone {
                        return;
                    }
                    Some(answer)
                }
            };
            assert!(
                Instant::now() < deadline,
                "clicking {css} did not leave {} (last answer: {answer:?})",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::GET,
            &format!("/element/{element}/text"),
            None,
        )
        .await
        .as_str()
        .unwrap()
        .to_owned()
    }

    pub(crate) async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits (bounded) until the page source contains `needle`: a navigation may still be
    /// finishing when the previous command returns on a loaded machine.
    pub(crate) async fn wait_for_source(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let source = self.source().await;
            if source.contains(needle) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the page at {} never showed {needle:?}; it shows: {source}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits (bounded) until the current URL ends with `suffix`.
    pub(crate) async fn wait_for_url(&self, suffix: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = self.url().await;
            if url.ends_with(suffix) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "still at {url}, expected {suffix}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sets the window's size (for a screenshot).
    pub(crate) async fn window_size(&self, width: u32, height: u32) {
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        )
        .await;
    }

    /// A PNG of the page.
    pub(crate) async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let value = self.call(reqwest::Method::GET, "/screenshot", None).await;
        base64::engine::general_purpose::STANDARD
            .decode(value.as_str().unwrap())
            .unwrap()
    }

    pub(crate) async fn close(&mut self) {
        self.call(reqwest::Method::DELETE, "", None).await;
        self.session = None;
    }
}

async fn a_browser_signs_up_changes_its_password_and_logs_out(web: Web) {
    let Some(driver) = driver_or_skip() else {
        return;
    };
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .start()
        .await
        .unwrap();
    let base = serve(web, &emulator, CookieConfig::default().secure(false)).await;
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Driver::start(&driver).await;
    browser.open(profile.path()).await;

    browser.go(&format!("{base}/")).await;
    browser.type_into("#signup input[name=name]", "Grace").await;
    browser
        .type_into("#signup input[name=login_id]", "grace@example.com")
        .await;
    browser
        .type_into("#signup input[name=password]", PASSWORD)
        .await;
    browser.click("#signup button").await;
    browser.wait_for_url("/me").await;
    assert_eq!(browser.text("#login-id").await, "grace@example.com");
    assert!(browser.text("#user-id").await.starts_with('U'));

    browser
        .type_into("#password input[name=old_password]", PASSWORD)
        .await;
    browser
        .type_into("#password input[name=new_password]", "Grace-N3w-Passw0rd")
        .await;
    browser.click("#password button").await;
    browser.wait_for_url("/me").await;
    assert_eq!(browser.text("#login-id").await, "grace@example.com");

    browser.click("#logout button").await;
    browser.wait_for_url("/").await;
    browser.wait_for_source("id=\"login\"").await;
    browser.go(&format!("{base}/me")).await;
    browser.wait_for_source("Your session has ended").await;

    // Signing in again with the new password works in the same browser.
    browser.go(&format!("{base}/")).await;
    browser
        .type_into("#login input[name=login_id]", "grace@example.com")
        .await;
    browser
        .type_into("#login input[name=password]", "Grace-N3w-Passw0rd")
        .await;
    browser.click("#login button").await;
    browser.wait_for_url("/me").await;

    // Verify an email address with the code from the outbox.
    assert_eq!(browser.text("#email-verified").await, "false");
    browser
        .type_into("#verify-email input[name=email]", "grace@example.com")
        .await;
    browser.click("#verify-email button").await;
    browser.wait_for_source("id=\"verify-code\"").await;
    let code = emulator
        .last_message_to("grace@example.com")
        .and_then(|m| m.code)
        .expect("a code in the outbox");
    browser
        .type_into("#verify-code input[name=code]", &code)
        .await;
    browser.click("#verify-code button").await;
    browser.wait_for_url("/me").await;
    assert_eq!(browser.text("#email-verified").await, "true");

    // Forgot password: the form, the link from the outbox, a new password, /me, log out, and
    // sign in with the new password.
    browser.click("#logout button").await;
    browser.wait_for_url("/").await;
    browser.click("#forgot-link").await;
    browser.wait_for_url("/forgot").await;
    browser
        .type_into("#forgot input[name=login_id]", "grace@example.com")
        .await;
    browser.click("#forgot button").await;
    browser.wait_for_source("id=\"forgot-sent\"").await;
    let link = emulator
        .last_message_to("grace@example.com")
        .and_then(|m| m.link)
        .expect("a reset link in the outbox");
    browser.go(&link).await;
    browser.wait_for_source("id=\"reset\"").await;
    browser
        .type_into("#reset input[name=new_password]", "Grace-Res3t-Passw0rd")
        .await;
    browser.click("#reset button").await;
    browser.wait_for_url("/me").await;
    assert_eq!(browser.text("#login-id").await, "grace@example.com");
    browser.click("#logout button").await;
    browser.wait_for_url("/").await;
    browser
        .type_into("#login input[name=login_id]", "grace@example.com")
        .await;
    browser
        .type_into("#login input[name=password]", "Grace-Res3t-Passw0rd")
        .await;
    browser.click("#login button").await;
    browser.wait_for_url("/me").await;
    browser.close().await;
    emulator.stop().await;
}

/// GitHub and SSO, from the button and the form through the emulator's IdP page to `/me`.
async fn a_browser_signs_in_with_github_and_with_sso(web: Web) {
    let Some(driver) = driver_or_skip() else {
        return;
    };
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key("Kbrowser-management-key")
        .start()
        .await
        .unwrap();
    let admin = emulator.client().unwrap();
    let tenants = admin.management().tenants();
    tenants.create("Acme").id("T-acme").await.unwrap();
    (admin.management().sso())
        .configure_oidc("T-acme")
        .client_id("acme-client")
        .auth_url("https://idp.acme.example/authorize")
        .domain("acme.example")
        .await
        .unwrap();
    // The app at `localhost`, the identity provider at `127.0.0.1`: two sites, so the
    // provider's redirect back is a cross-site navigation, as in production.
    let client = (emulator.client_builder())
        .cookie_config(crate::web_app::example::cookie_config(
            ([127, 0, 0, 1], 0).into(),
        ))
        .build()
        .unwrap();
    let base = serve_as(web, client, "localhost").await;
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Driver::start(&driver).await;
    browser.open(profile.path()).await;

    browser.go(&format!("{base}/")).await;
    browser.click("#oauth-github").await;
    browser.wait_for_source("id=\"idp-form\"").await;
    assert!(browser.url().await.starts_with(emulator.base_url()));
    browser
        .type_into("#idp-form input[name=email]", "linus@example.com")
        .await;
    browser.click("#idp-continue").await;
    browser.wait_for_url("/me").await;
    assert_eq!(browser.text("#login-id").await, "linus@example.com");
    browser.click("#logout button").await;
    browser.wait_for_url("/").await;

    browser
        .type_into("#sso-form input[name=email]", "grace@acme.example")
        .await;
    browser.click("#sso-form button").await;
    browser.wait_for_source("id=\"idp-form\"").await;
    assert!(browser.source().await.contains("Acme"));
    // The email is pre-filled from the form (the login hint).
    browser.click("#idp-continue").await;
    browser.wait_for_url("/me").await;
    assert_eq!(browser.text("#login-id").await, "grace@acme.example");

    // Back in the history to the used IdP page, and posting again: no second sign-in.
    browser
        .go(&format!("{base}/oauth/callback?code=replayed"))
        .await;
    browser.wait_for_source("id=\"error\"").await;
    browser.close().await;
    emulator.stop().await;
}

/// Two-factor: turn on an authenticator app from `/me` (the QR code and the key shown), the
/// test computing the app's codes from the key; then a password sign-in asks for the code.
async fn a_browser_turns_on_an_authenticator_app_and_signs_in_with_it(web: Web) {
    let Some(driver) = driver_or_skip() else {
        return;
    };
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .start()
        .await
        .unwrap();
    let base = serve(web, &emulator, CookieConfig::default().secure(false)).await;
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Driver::start(&driver).await;
    browser.open(profile.path()).await;

    browser.go(&format!("{base}/")).await;
    browser
        .type_into("#signup input[name=login_id]", "tess@example.com")
        .await;
    browser
        .type_into("#signup input[name=password]", PASSWORD)
        .await;
    browser.click("#signup button").await;
    browser.wait_for_url("/me").await;
    assert_eq!(browser.text("#totp-enabled").await, "false");
    browser.click("#two-factor-link").await;
    browser.wait_for_url("/two-factor").await;
    browser.click("#enable-totp button").await;
    browser.wait_for_source("id=\"totp-qr\"").await;
    assert!(browser
        .source()
        .await
        .contains("data:image/png;base64,iVBORw0KGgo"));
    let key = descope::TotpKey::new(browser.text("#totp-key").await);
    let now = std::time::SystemTime::now();
    let code = crate::second_factors::app_code(&key, now);
    browser
        .type_into("#confirm-totp input[name=code]", &code)
        .await;
    browser.click("#confirm-totp button").await;
    browser.wait_for_url("/me").await;
    assert_eq!(browser.text("#totp-enabled").await, "true");

    browser.click("#logout button").await;
    browser.wait_for_url("/").await;
    browser
        .type_into("#login input[name=login_id]", "tess@example.com")
        .await;
    browser
        .type_into("#login input[name=password]", PASSWORD)
        .await;
    browser.click("#login button").await;
    browser.wait_for_source("id=\"totp-login\"").await;
    // The step after the one confirmed (a used step is refused: replay).
    let next = crate::second_factors::app_code(&key, now + Duration::from_secs(30));
    browser
        .type_into("#totp-login input[name=code]", &next)
        .await;
    browser.click("#totp-login button").await;
    browser.wait_for_url("/me").await;
    assert_eq!(browser.text("#login-id").await, "tess@example.com");
    browser.close().await;
    emulator.stop().await;
}

crate::for_each_app!(
    a_browser_signs_up_changes_its_password_and_logs_out,
    a_browser_signs_in_with_github_and_with_sso,
    a_browser_turns_on_an_authenticator_app_and_signs_in_with_it,
);
