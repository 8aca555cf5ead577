//! The emulator is safe to leave running: links are http(s) only, the console sends a
//! Content-Security-Policy and renders no other link, and the console and `/emulator/v1/*` refuse
//! requests that name a DNS host other than localhost (DNS rebinding). The peer rule (loopback
//! or the management key) is tested with injected peer addresses in `server/network.rs`: no test
//! sends traffic to a non-loopback address.

use descope_emulator::{Emulator, EmulatorError, HashCost};
use serde_json::{json, Value};

async fn start() -> Emulator {
    Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key("K2network-test-key")
        .start()
        .await
        .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn redirect_urls_and_link_uris_must_be_http_or_https() {
    let emulator = start().await;
    let base = emulator.base_url();
    let auth = format!("Bearer {}", emulator.project_id());
    for url in [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/path",
        "https://",
        "http:///no-host",
        "https://app.test/a b",
    ] {
        for (path, body) in [
            (
                "/v1/auth/magiclink/signup/email",
                json!({"loginId": "link@example.com", "redirectUrl": url, "URI": url}),
            ),
            (
                "/v1/auth/enchantedlink/signin/email",
                json!({"loginId": "link@example.com", "URI": url}),
            ),
            (
                "/v1/auth/password/reset",
                json!({"loginId": "link@example.com", "redirectUrl": url}),
            ),
        ] {
            let response = http()
                .post(format!("{base}{path}"))
                .header("authorization", &auth)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 400, "{path} {url}");
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["errorCode"], "E011004", "{error}");
            assert!(error["errorDescription"].is_string(), "{error}");
        }
    }
    assert!(emulator.outbox().is_empty(), "nothing was sent");
    // An http(s) URL is fine.
    let response = http()
        .post(format!("{base}/v1/auth/magiclink/signup/email"))
        .header("authorization", &auth)
        .json(&json!({"loginId": "link@example.com", "URI": "https://app.test/verify?x=1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    emulator.stop().await;

    // The configured default is checked at start.
    let error = Emulator::builder()
        .redirect_url("javascript:alert(1)")
        .start()
        .await
        .unwrap_err();
    assert!(matches!(error, EmulatorError::Option(_)), "{error}");
}

#[tokio::test]
async fn console_pages_send_a_content_security_policy() {
    let emulator = start().await;
    let response = http().get(emulator.base_url()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("script-src"), "no script at all: {csp}");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    // A refusal page too.
    let refused = http()
        .get(emulator.base_url())
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused.headers().contains_key("content-security-policy"));
    emulator.stop().await;
}

#[tokio::test]
async fn a_dns_name_other_than_localhost_is_refused_on_the_emulators_own_endpoints() {
    let emulator = start().await;
    let base = emulator.base_url().to_owned();
    let port = base.rsplit(':').next().unwrap().to_owned();
    for host in [
        format!("evil.example:{port}"),
        "rebind.attacker.test".to_owned(),
    ] {
        for path in ["/", "/emulator/v1/outbox", "/emulator/v1/export"] {
            let response = http()
                .get(format!("{base}{path}"))
                .header("host", &host)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 403, "{host} {path}");
        }
        let import = http()
            .post(format!("{base}/emulator/v1/import"))
            .header("host", &host)
            .json(&json!({"users": []}))
            .send()
            .await
            .unwrap();
        assert_eq!(import.status(), 403, "{host}");
        // The Descope API itself is served whatever the host (an SDK may use any name).
        let keys = http()
            .get(format!("{base}/v2/keys/{}", emulator.project_id()))
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(keys.status(), 200, "{host}");
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let response = http()
            .get(format!("{base}/emulator/v1/outbox"))
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{host}");
    }
    emulator.stop().await;

    // A configured public name is served.
    let named = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .public_host("emulator.test")
        .start()
        .await
        .unwrap();
    let response = http()
        .get(named.base_url())
        .header("host", "emulator.test")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    named.stop().await;
}
