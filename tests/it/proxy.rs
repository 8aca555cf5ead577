//! A loopback proxy between a client and the emulator that counts requests per path and can
//! make one route (the refresh route unless told otherwise) fail (a status, with
//! `Retry-After`) or hang, as an outage would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// What the proxy does with `POST /v1/auth/refresh`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refresh {
    /// Forward it.
    Pass,
    /// Answer with this status (and `Retry-After: 7`).
    Fail(u16),
    /// Never answer (for at most 30 s, the test's client times out first).
    Hang,
    /// Forward it after this many milliseconds.
    Delay(u64),
}

struct Inner {
    upstream: String,
    http: reqwest::Client,
    counts: Mutex<HashMap<String, usize>>,
    refresh: Mutex<Refresh>,
    /// The route `refresh` applies to.
    faulted: Mutex<String>,
}

/// A running proxy (it stops with the test's runtime).
#[derive(Clone)]
pub struct Proxy(Arc<Inner>);

impl Proxy {
    /// A proxy on 127.0.0.1:0 in front of `upstream` (a base URL).
    pub async fn start(upstream: &str) -> (Proxy, String) {
        let proxy = Proxy(Arc::new(Inner {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            counts: Mutex::new(HashMap::new()),
            refresh: Mutex::new(Refresh::Pass),
            faulted: Mutex::new(REFRESH_PATH.to_owned()),
        }));
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(proxy.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (proxy, base)
    }

    /// How many requests reached `path` (answered or not).
    pub fn count(&self, path: &str) -> usize {
        self.0
            .counts
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// What to do with refreshes from now on.
    pub fn refresh(&self, mode: Refresh) {
        self.fault(REFRESH_PATH, mode);
    }

    /// What to do with requests to `path` from now on (one route at a time).
    pub fn fault(&self, path: &str, mode: Refresh) {
        *self.0.faulted.lock().unwrap() = path.to_owned();
        *self.0.refresh.lock().unwrap() = mode;
    }
}

pub const REFRESH_PATH: &str = "/v1/auth/refresh";

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    *proxy
        .0
        .counts
        .lock()
        .unwrap()
        .entry(path.clone())
        .or_default() += 1;
    if path == *proxy.0.faulted.lock().unwrap() {
        let mode = *proxy.0.refresh.lock().unwrap();
        match mode {
            Refresh::Pass => {}
            Refresh::Fail(status) => {
                let mut response = (StatusCode::from_u16(status).unwrap(), "{}").into_response();
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from_static("7"));
                return response;
            }
            Refresh::Hang => {
                let _ = tokio::time::timeout(Duration::from_secs(30), std::future::pending::<()>())
                    .await;
                return StatusCode::GATEWAY_TIMEOUT.into_response();
            }
            Refresh::Delay(millis) => tokio::time::sleep(Duration::from_millis(millis)).await,
        }
    }
    let (parts, body) = request.into_parts();
    let url = format!(
        "{}{}",
        proxy.0.upstream,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let mut upstream = proxy.0.http.request(parts.method, url).body(bytes);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            upstream = upstream.header(name, value);
        }
    }
    let answer = upstream.send().await.unwrap();
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(answer.bytes().await.unwrap()))
        .unwrap()
}
