//! An axum server that checks Descope sessions.
//!
//! ```sh
//! cargo run --example axum_server --features axum          # with an embedded emulator
//! DESCOPE_PROJECT_ID=P2... DESCOPE_BASE_URL=http://127.0.0.1:4000 \
//!   cargo run --example axum_server --features axum                  # against that server
//! ```
//!
//! Binds `127.0.0.1:0` (or `--addr <addr>`), prints `LISTENING=http://127.0.0.1:<port>` as its
//! first stdout line, and serves:
//! - `GET /whoami`: 200 `{"userId", "roles"}` for a valid session (`Authorization: Bearer` or
//!   the `DS` cookie), 401 JSON otherwise;
//! - `GET /admin`: the same, but 403 unless the session has the role `admin`.
//!
//! Expired sessions are refreshed from the `DSR` cookie, with new cookies in the response.
//! With the embedded emulator, it creates `admin@example.com` (role `admin`) and
//! `user@example.com`, both with the password `Example-Passw0rd`, and logs its URL to stderr.

use std::io::Write;
use std::net::SocketAddr;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use descope::axum::{refresh_session, Authenticated};
use descope::Client;
use serde_json::{json, Value};

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn whoami(Authenticated(session): Authenticated) -> Response {
    json_response(
        StatusCode::OK,
        json!({ "userId": session.user_id(), "roles": session.roles() }),
    )
}

async fn admin(Authenticated(session): Authenticated) -> Response {
    if session.has_role("admin") {
        json_response(
            StatusCode::OK,
            json!({ "userId": session.user_id(), "admin": true }),
        )
    } else {
        json_response(
            StatusCode::FORBIDDEN,
            json!({ "error": "forbidden", "message": "requires the admin role" }),
        )
    }
}

fn addr_from_args() -> Result<SocketAddr, String> {
    let mut args = std::env::args().skip(1);
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 0));
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => {
                let value = args.next().ok_or("--addr needs a value")?;
                addr = value.parse().map_err(|e| format!("--addr {value}: {e}"))?;
            }
            "--help" | "-h" => return Err(
                "usage: axum_server [--addr 127.0.0.1:0]; env DESCOPE_PROJECT_ID, DESCOPE_BASE_URL"
                    .into(),
            ),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(addr)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = addr_from_args()?;
    let has_base_url = std::env::var("DESCOPE_BASE_URL")
        .or_else(|_| std::env::var("DESCOPE_BASE_URI"))
        .is_ok();

    let mut emulator = None;
    let client = if has_base_url {
        Client::from_env()?
    } else {
        {
            use descope_emulator::{Emulator, HashCost, SeedUser};
            let project =
                std::env::var("DESCOPE_PROJECT_ID").unwrap_or_else(|_| "P2axumexample".into());
            let started = Emulator::builder()
                .project_id(project)
                .hash_cost(HashCost::Fast)
                .user(SeedUser::new("admin@example.com", "Example-Passw0rd").roles(["admin"]))
                .user(SeedUser::new("user@example.com", "Example-Passw0rd"))
                .start()
                .await?;
            eprintln!(
                "axum_server: embedded emulator at DESCOPE_BASE_URL={} (project {})",
                started.base_url(),
                started.project_id()
            );
            let client = started.client()?;
            emulator = Some(started);
            client
        }
    };

    let app = Router::new()
        .route("/whoami", get(whoami))
        .route("/admin", get(admin))
        .layer(axum::middleware::from_fn_with_state(
            client.clone(),
            refresh_session,
        ))
        .with_state(client);

    let listener = tokio::net::TcpListener::bind(addr).await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "LISTENING=http://{}", listener.local_addr()?)?;
    stdout.flush()?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    if let Some(emulator) = emulator {
        emulator.stop().await;
    }
    Ok(())
}
