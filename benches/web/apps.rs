//! The two apps the web bench compares, each serving `GET /me` on 127.0.0.1: 200 with the user
//! ID for a valid session cookie (`DS`), 401 without one.
//!
//! - `layer`: `descope::tower::SessionLayer` finds the session; the handler reads it from the
//!   request's extensions (`layer-nocache`: the same with the verified cache off).
//! - `raw`: the same app validating by hand with raw `jsonwebtoken` (RS256, `exp` and `iss`
//!   checked, 5 s leeway, key parsed once at start), decoding into a typed struct of the one
//!   claim it uses: the tightest fair hand-written app, as a careful user would write it.

use std::io::Write;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use descope::{Client, Session, SessionConfig};

/// The project the tokens are issued for.
pub const PROJECT_ID: &str = "P2benchweb";

fn answer(user_id: Option<&str>) -> Response {
    match user_id {
        Some(id) => (StatusCode::OK, id.to_owned()).into_response(),
        None => (StatusCode::UNAUTHORIZED, "no session").into_response(),
    }
}

async fn me_from_layer(session: Option<Extension<Session>>) -> Response {
    answer(session.as_ref().map(|Extension(s)| s.user_id()))
}

/// The claims the hand-written app reads: only `sub` is decoded (`exp` and `iss` are checked
/// by `jsonwebtoken` itself).
#[derive(serde::Deserialize)]
struct Claims {
    sub: String,
}

/// What the hand-written app keeps: the parsed key and its validation rules.
struct Raw {
    key: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
}

async fn me_raw(Extension(raw): Extension<Arc<Raw>>, request: Request) -> Response {
    let token = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("DS="));
    let claims =
        token.and_then(|t| jsonwebtoken::decode::<Claims>(t, &raw.key, &raw.validation).ok());
    answer(claims.as_ref().map(|c| c.claims.sub.as_str()))
}

/// Serves `kind` (`layer`, `layer-nocache` or `raw`) with the JWK set `jwks` until killed,
/// printing its address as the first stdout line. One worker thread.
pub fn serve(kind: &str, jwks: &str) {
    let app = match kind {
        "layer" | "layer-nocache" => {
            let capacity = if kind == "layer" {
                descope::session::DEFAULT_VERIFIED_CACHE_CAPACITY
            } else {
                0
            };
            let client = Client::builder()
                .project_id(PROJECT_ID)
                .session_config(
                    SessionConfig::default()
                        .public_keys(jwks)
                        .verified_cache_capacity(capacity),
                )
                .build()
                .expect("client");
            Router::new()
                .route("/me", get(me_from_layer))
                .layer(descope::tower::SessionLayer::new(client))
        }
        "raw" => {
            let set: jsonwebtoken::jwk::JwkSet = serde_json::from_str(jwks).expect("jwks");
            let key = jsonwebtoken::DecodingKey::from_jwk(&set.keys[0]).expect("key");
            let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
            validation.leeway = 5;
            validation.set_issuer(&[format!("https://api.descope.com/{PROJECT_ID}")]);
            Router::new()
                .route("/me", get(me_raw))
                .layer(Extension(Arc::new(Raw { key, validation })))
        }
        other => panic!("unknown app {other}"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("{}", listener.local_addr().expect("addr"));
        std::io::stdout().flush().expect("stdout");
        axum::serve(listener, app).await.expect("serve");
    });
}
