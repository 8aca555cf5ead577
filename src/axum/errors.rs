//! `descope::Error` as an axum response, with the mapping of [`Error::http_response`].

use ::axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use ::axum::http::HeaderValue;
use ::axum::response::{IntoResponse, Response};

use crate::error::Error;

/// The response of [`Error::http_response`], as JSON; a rate limit carries `Retry-After`, and
/// so does a 503 when the service said how long to wait.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, body) = self.http_response();
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (status, json).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(seconds) = self.retry_after_seconds(status) {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
