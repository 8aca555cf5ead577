//! `descope::Error` as an HTTP response: the status a browser or API client should see, and a
//! JSON body that never carries a secret or the service's raw text. One mapping for every web
//! integration (tower, axum).

use http::StatusCode;

use crate::error::{Error, ErrorCode};
use crate::operation::Operation;

/// The JSON body of an error response: `{"error": kind, "message": text}`, plus `unmet` (the
/// password rules not met) for a policy violation checked locally.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// A stable, machine-readable kind: `bad_credentials`, `already_exists`, `password_policy`,
    /// `password_expired`, `rate_limited`, `unauthorized`, `invalid_input`, `unavailable`,
    /// `bad_gateway`, `error`.
    pub error: &'static str,
    /// A fixed, human-readable message (never the service's text).
    pub message: String,
    /// The unmet password rules, when the error is a local policy check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmet: Vec<String>,
}

impl Error {
    /// The HTTP status and body this error answers with (with feature `axum`, its
    /// `IntoResponse`):
    ///
    /// | error | status | `error` |
    /// | --- | --- | --- |
    /// | bad credentials (unknown user or wrong password, alike) | 401 | `bad_credentials` |
    /// | user already exists | 409 | `already_exists` |
    /// | password policy (local check, or the service refusing a new password) | 400 | `password_policy` |
    /// | password expired | 403 | `password_expired` |
    /// | rate limited (with `Retry-After`) | 429 | `rate_limited` |
    /// | 401/403 to the server's own credentials (management key, project ID, auth management key) | 500 | `error` |
    /// | other 401/403 from the service, refused tokens | 401 | `unauthorized` |
    /// | bad input (a local check, a refused custom claim), other 4xx | 400 | `invalid_input` |
    /// | no answer, timeout, 5xx the service may recover from, keys unavailable | 503 | `unavailable` |
    /// | an answer that makes no sense (decode, redirect, too large, other 5xx) | 502 | `bad_gateway` |
    /// | configuration | 500 | `error` |
    pub fn http_response(&self) -> (StatusCode, ErrorBody) {
        let body = |error, message: &str| ErrorBody {
            error,
            message: message.to_owned(),
            unmet: Vec::new(),
        };
        if self.is_bad_credentials() {
            return (
                StatusCode::UNAUTHORIZED,
                body("bad_credentials", "wrong login ID or password"),
            );
        }
        match self {
            Error::PasswordPolicy(violation) => (
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    unmet: violation.unmet().iter().map(ToString::to_string).collect(),
                    ..body("password_policy", &violation.to_string())
                },
            ),
            Error::Api(api) if api.is_rate_limited() => (
                StatusCode::TOO_MANY_REQUESTS,
                body("rate_limited", "too many attempts, try again later"),
            ),
            Error::Api(api) if api.code == Some(ErrorCode::UserAlreadyExists) => (
                StatusCode::CONFLICT,
                body("already_exists", "this login ID is already taken"),
            ),
            Error::Api(api) if api.code == Some(ErrorCode::PasswordExpired) => (
                StatusCode::FORBIDDEN,
                body(
                    "password_expired",
                    "the password has expired and must be replaced",
                ),
            ),
            Error::Api(api)
                if api.status == 400
                    && matches!(
                        api.operation,
                        Operation::PasswordSignUp
                            | Operation::PasswordReplace
                            | Operation::PasswordUpdate
                    )
                    && !matches!(
                        api.code,
                        Some(ErrorCode::MissingArguments | ErrorCode::BadRequest)
                    ) =>
            {
                (
                    StatusCode::BAD_REQUEST,
                    body(
                        "password_policy",
                        "the password does not meet the password policy",
                    ),
                )
            }
            _ if self.is_server_credentials_refused() => (
                StatusCode::INTERNAL_SERVER_ERROR,
                body("error", "the server is misconfigured"),
            ),
            Error::Api(api) if matches!(api.status, 401 | 403) => (
                StatusCode::UNAUTHORIZED,
                body("unauthorized", "not signed in, or the session has ended"),
            ),
            Error::Api(api) if (400..500).contains(&api.status) => (
                StatusCode::BAD_REQUEST,
                body("invalid_input", "the request was refused"),
            ),
            Error::Api(_) if self.is_retryable() => (
                StatusCode::SERVICE_UNAVAILABLE,
                body("unavailable", "the authentication service is unavailable"),
            ),
            Error::Timeout { .. } | Error::Transport { .. } | Error::KeyFetch { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                body("unavailable", "the authentication service is unavailable"),
            ),
            Error::Session(_) => (
                StatusCode::UNAUTHORIZED,
                body("unauthorized", "not signed in, or the session has ended"),
            ),
            Error::InvalidInput { field, reason } => (
                StatusCode::BAD_REQUEST,
                body("invalid_input", &format!("{field} {reason}")),
            ),
            Error::InvalidClaim { name, reason } => (
                StatusCode::BAD_REQUEST,
                body("invalid_input", &format!("custom claim {name:?}: {reason}")),
            ),
            Error::Config(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                body("error", "the server is misconfigured"),
            ),
            _ => (
                StatusCode::BAD_GATEWAY,
                body(
                    "bad_gateway",
                    "the authentication service answered unexpectedly",
                ),
            ),
        }
    }
}

impl ErrorBody {
    /// The body as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

impl Error {
    /// The `Retry-After` seconds of the response for `status`: the service's for a 503 when
    /// it said, the service's or 1 for a 429.
    pub(crate) fn retry_after_seconds(&self, status: StatusCode) -> Option<u64> {
        let after = self.retry_after().map(|d| d.as_secs().max(1));
        match status {
            StatusCode::TOO_MANY_REQUESTS => Some(after.unwrap_or(1)),
            StatusCode::SERVICE_UNAVAILABLE => after,
            _ => None,
        }
    }
}
