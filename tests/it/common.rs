//! Helpers shared by the test modules.

use std::time::Duration;

use descope::{Client, RetryPolicy, SessionConfig};
use serde_json::Value;
use wiremock::MockServer;

pub const PROJECT_ID: &str = "P2testproject";
pub use crate::tokens::{refresh_jwt, session_jwt};
pub const PASSWORD: &str = "Fixture-Passw0rd!secret";
pub const NEW_PASSWORD: &str = "Fixture-NewPassw0rd!secret";
pub const MANAGEMENT_KEY: &str = "K2-management-fixture-secret";

/// A fixture file under `tests/it/fixtures`, parsed.
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/it/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// A JWT response with the fixture tokens.
pub fn jwt_response() -> Value {
    serde_json::json!({
        "sessionJwt": session_jwt(),
        "refreshJwt": refresh_jwt(),
        "cookieDomain": "example.com",
        "cookiePath": "/",
        "cookieMaxAge": 2592000,
        "cookieExpiration": 1900000000,
        "user": {"userId": "U2fixture", "loginIds": ["ada@example.com"], "email": "ada@example.com"},
        "firstSeen": false,
        "sessionExpiration": 1800000000
    })
}

/// A mock server on 127.0.0.1 and a client pointed at it, retries off and a short timeout; the
/// client trusts the test key.
pub async fn mock() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .session_config(SessionConfig::default().public_keys(crate::tokens::jwks()))
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    (server, client)
}
