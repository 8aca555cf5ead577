//! `descope::actix` beyond the example app: the extractors without the middleware, errors and
//! rejections as responses, and a client missing from the app data.

use actix_web::{web, App, HttpResponse, HttpServer};
use descope::actix::{Authenticated, CurrentSession, OptionalSession};
use descope_emulator::{Emulator, HashCost};
use serde_json::Value;

use crate::common::PASSWORD;

/// Serves `configure` on 127.0.0.1:0 with `client` in the app data (or none).
fn serve(client: Option<descope::Client>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        let mut app = App::new()
            .route("/whoami", web::get().to(whoami))
            .route("/maybe", web::get().to(maybe))
            .route("/current", web::post().to(current))
            .route("/fail", web::get().to(fail));
        if let Some(client) = &client {
            app = app.app_data(web::Data::new(client.clone()));
        }
        app
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    base
}

async fn whoami(Authenticated(session): Authenticated) -> String {
    session.user_id().to_owned()
}

async fn maybe(OptionalSession(found): OptionalSession) -> String {
    format!("{:?}", found.map(|f| f.session.user_id().to_owned()))
}

async fn current(CurrentSession(current): CurrentSession) -> String {
    current.session.user_id().to_owned()
}

async fn fail() -> Result<HttpResponse, descope::Error> {
    let down = descope::Client::builder()
        .project_id("P2down")
        .base_url("http://127.0.0.1:9")
        .retry_policy(descope::RetryPolicy::none())
        .build()?;
    down.password().policy().await?;
    Ok(HttpResponse::Ok().finish())
}

#[tokio::test]
async fn extractors_errors_and_rejections_as_actix_responses() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let auth = client
        .password()
        .sign_up("actix@example.com", PASSWORD)
        .await
        .unwrap();
    let base = serve(Some(client.clone()));
    let http = reqwest::Client::new();

    let ok = http
        .get(format!("{base}/whoami"))
        .bearer_auth(auth.session_jwt.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), auth.user.user_id);

    let missing = http.get(format!("{base}/whoami")).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    let body: Value = missing.json().await.unwrap();
    assert_eq!(
        (body["error"].as_str(), body["message"].as_str()),
        (Some("unauthorized"), Some("missing token"))
    );
    let visitor = http.get(format!("{base}/maybe")).send().await.unwrap();
    assert_eq!(visitor.text().await.unwrap(), "None");
    let member = http
        .get(format!("{base}/maybe"))
        .header("cookie", format!("DS={}", auth.session_jwt.secret()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        member.text().await.unwrap(),
        format!("Some({:?})", auth.user.user_id)
    );

    // The extractor applies the same-origin rule to a cookie-authenticated post.
    let cross = http
        .post(format!("{base}/current"))
        .header("cookie", format!("DS={}", auth.session_jwt.secret()))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);

    // descope::Error as a response: the service unreachable is 503, JSON, no service text.
    let failed = http.get(format!("{base}/fail")).send().await.unwrap();
    assert_eq!(failed.status(), 503);
    let body: Value = failed.json().await.unwrap();
    assert_eq!(body["error"], "unavailable");

    // No client in the app data: a server error, never "not signed in".
    let bare = serve(None);
    let response = http
        .get(format!("{bare}/whoami"))
        .bearer_auth(auth.session_jwt.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    emulator.stop().await;
}

async fn admin_page(Authenticated(session): Authenticated) -> String {
    format!("admin {}", session.user_id())
}

/// `RequireSession` guards actix routes as it guards tower ones: 401 without a session, 403
/// without the role, the handler with it; behind the session middleware's refresh.
#[tokio::test]
async fn require_session_guards_actix_routes_by_role() {
    use actix_web::middleware::from_fn;
    use descope::actix::{refresh_session, RequireSession};

    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key("K2actix-guard")
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let users = client.management().users();
    let plain = client
        .password()
        .sign_up("plain@example.com", PASSWORD)
        .await
        .unwrap();
    client
        .password()
        .sign_up("admin@example.com", PASSWORD)
        .await
        .unwrap();
    users
        .add_roles("admin@example.com", ["admin"])
        .await
        .unwrap();
    let admin = client
        .password()
        .sign_in("admin@example.com", PASSWORD)
        .await
        .unwrap();

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app_client = client.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(app_client.clone()))
            .service(
                web::scope("/admin")
                    .wrap(RequireSession::role("admin"))
                    .route("/page", web::get().to(admin_page)),
            )
            .service(
                web::scope("/tenant")
                    .wrap(RequireSession::tenant_role("T2acme", "editor"))
                    .route("/page", web::get().to(admin_page)),
            )
            .wrap(from_fn(refresh_session))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    let http = reqwest::Client::new();
    let get = |path: &'static str, token: Option<String>| {
        let mut request = http.get(format!("{base}{path}"));
        if let Some(token) = token {
            request = request.header("cookie", format!("DS={token}"));
        }
        request.send()
    };

    let none = get("/admin/page", None).await.unwrap();
    assert_eq!(none.status(), 401);
    let body: Value = none.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    let plain_token = Some(plain.session_jwt.secret().to_owned());
    let forbidden = get("/admin/page", plain_token.clone()).await.unwrap();
    assert_eq!(forbidden.status(), 403);
    let body: Value = forbidden.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
    let admin_token = Some(admin.session_jwt.secret().to_owned());
    let allowed = get("/admin/page", admin_token.clone()).await.unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.text().await.unwrap(),
        format!("admin {}", admin.user.user_id)
    );
    // A project role is not a tenant role.
    let tenant = get("/tenant/page", admin_token).await.unwrap();
    assert_eq!(tenant.status(), 403);
    emulator.stop().await;
}
