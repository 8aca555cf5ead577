//! The axum extractor, the refreshing middleware, and `examples/axum_server.rs`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use descope::axum::{refresh_session, Authenticated};
use descope::session::OffsetClock;
use descope_emulator::{Emulator, HashCost, SeedUser};
use serde_json::Value;

const PASSWORD: &str = "Example-Passw0rd";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn example_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let debug = exe.parent().unwrap().parent().unwrap();
    debug
        .join("examples")
        .join(format!("axum_server{}", std::env::consts::EXE_SUFFIX))
}

async fn get_json(url: &str, headers: &[(&str, String)]) -> (u16, Value, Vec<String>) {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    (status, response.json().await.unwrap(), cookies)
}

#[tokio::test]
async fn the_example_server_answers_whoami_and_admin() {
    let emulator = Emulator::builder()
        .project_id("P2axumtest")
        .hash_cost(HashCost::Fast)
        .user(SeedUser::new("admin@example.com", PASSWORD).roles(["admin"]))
        .user(SeedUser::new("user@example.com", PASSWORD))
        .start()
        .await
        .unwrap();
    let mut child = Command::new(example_binary())
        .env("DESCOPE_PROJECT_ID", emulator.project_id())
        .env("DESCOPE_BASE_URL", emulator.base_url())
        .env_remove("DESCOPE_BASE_URI")
        .env_remove("DESCOPE_PUBLIC_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("examples/axum_server is built by cargo test --all-features");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _server = Server(child);
    let base = first
        .trim_end()
        .strip_prefix("LISTENING=")
        .unwrap_or_else(|| panic!("first line {first:?}"))
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"));

    let client = emulator.client().unwrap();
    let admin = client
        .password()
        .sign_in("admin@example.com", PASSWORD)
        .await
        .unwrap();
    let user = client
        .password()
        .sign_in("user@example.com", PASSWORD)
        .await
        .unwrap();
    let bearer = |token: &str| vec![("authorization", format!("Bearer {token}"))];

    let (status, body, _) = get_json(
        &format!("{base}/whoami"),
        &bearer(admin.session_jwt.secret()),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["userId"].as_str(), Some(admin.user.user_id.as_str()));
    assert_eq!(body["roles"], serde_json::json!(["admin"]));
    let cookie = vec![(
        "cookie",
        format!("theme=x; DS={}", user.session_jwt.secret()),
    )];
    let (status, body, _) = get_json(&format!("{base}/whoami"), &cookie).await;
    assert_eq!(
        (status, body["roles"].clone()),
        (200, serde_json::json!([]))
    );

    let (status, body, _) = get_json(&format!("{base}/whoami"), &[]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );
    let (status, body, _) = get_json(&format!("{base}/whoami"), &bearer("garbage")).await;
    assert_eq!(
        (status, body["error"].as_str(), body["message"].as_str()),
        (401, Some("unauthorized"), Some("invalid token"))
    );
    let refresh_as_session = admin.refresh_jwt.secret().to_owned();
    let (status, _, _) = get_json(&format!("{base}/whoami"), &bearer(&refresh_as_session)).await;
    assert_eq!(status, 401);

    let (status, body, _) =
        get_json(&format!("{base}/admin"), &bearer(user.session_jwt.secret())).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("forbidden")));
    let (status, _, _) = get_json(
        &format!("{base}/admin"),
        &bearer(admin.session_jwt.secret()),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = get_json(&format!("{base}/admin"), &[]).await;
    assert_eq!(status, 401);
}

async fn whoami(Authenticated(session): Authenticated) -> String {
    session.user_id().to_owned()
}

#[tokio::test]
async fn the_middleware_refreshes_an_expired_session_from_the_dsr_cookie() {
    // One clock for the emulator and the client: time passes without sleeping.
    let clock = OffsetClock::new();
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .session_ttl(Duration::from_secs(60))
        .rotate_refresh_tokens(true)
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let app = Router::new()
        .route("/whoami", get(whoami))
        .layer(axum::middleware::from_fn_with_state(
            client.clone(),
            refresh_session,
        ))
        .with_state(client.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let auth = client
        .password()
        .sign_up("ada@example.com", "Middle-Passw0rd")
        .await
        .unwrap();
    let user_id = auth.user.user_id.clone();
    let refresh = auth.refresh_jwt.secret().to_owned();
    let session = auth.session_jwt.secret().to_owned();
    let http = reqwest::Client::new();
    let fresh = http
        .get(format!("{base}/whoami"))
        .header("cookie", format!("DS={session}; DSR={refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    assert!(
        fresh.headers().get("set-cookie").is_none(),
        "a valid session is not refreshed"
    );
    clock.advance(Duration::from_secs(120)); // past the session's expiry and the leeway

    let expired_only = http
        .get(format!("{base}/whoami"))
        .header("cookie", format!("DS={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(expired_only.status(), 401);
    let body: Value = expired_only.json().await.unwrap();
    assert_eq!(body["message"], "expired");

    let refreshed = http
        .get(format!("{base}/whoami"))
        .header("cookie", format!("DS={session}; DSR={refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
    let cookies: Vec<String> = refreshed
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(cookies.iter().any(|c| c.starts_with("DS=ey")
        && c.contains("HttpOnly")
        && c.contains("SameSite=Strict")));
    assert!(
        cookies.iter().any(|c| c.starts_with("DSR=ey")),
        "the rotated refresh JWT is set: {cookies:?}"
    );
    assert_eq!(refreshed.text().await.unwrap(), user_id);
    // The old refresh JWT was rotated away: past the share window it no longer refreshes.
    clock.advance(Duration::from_secs(11));
    let stale = http
        .get(format!("{base}/whoami"))
        .header("cookie", format!("DS={session}; DSR={refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 401);
    assert_eq!(
        stale.headers().get_all("set-cookie").iter().count(),
        2,
        "a refused refresh clears both cookies"
    );
}
