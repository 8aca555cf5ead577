//! Bounds on what a response may cost, and request bodies a redirect cannot re-send.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use reqwest::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};

/// The default largest response body read: 1 MiB (Descope's answers are a few KiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// The most of an error body read to find its Descope error code; past it, only the status and
/// headers are kept.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Makes the response body fail, while it streams, once it exceeds `limit` bytes (at once
/// when its `Content-Length` says so): nothing past the limit is ever buffered.
pub(crate) fn limit_body(response: reqwest::Response, limit: usize) -> reqwest::Response {
    // A body whose announced length is within the limit cannot exceed it (the HTTP layer
    // refuses more than announced): no wrapper, the usual case.
    if response
        .content_length()
        .is_some_and(|length| length <= limit as u64)
    {
        return response;
    }
    let response = http::Response::<reqwest::Body>::from(response);
    let (parts, body) = response.into_parts();
    let limited = reqwest::Body::wrap(Limited::new(body, limit));
    reqwest::Response::from(http::Response::from_parts(parts, limited))
}

/// Whether `error` (or what caused it) is a body that went past the size limit.
pub(crate) fn is_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<LengthLimitError>() {
            return true;
        }
        current = error.source();
    }
    false
}

/// Replaces a request's in-memory body with one that cannot be replayed, so an HTTP client
/// that follows redirects (a caller's own) cannot re-send it to a 307/308 target. The length
/// is still sent as `Content-Length`.
pub(crate) fn make_body_unreplayable(request: &mut reqwest::Request) {
    let Some(bytes) = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .map(Bytes::copy_from_slice)
    else {
        return;
    };
    if let Ok(length) = HeaderValue::from_str(&bytes.len().to_string()) {
        request.headers_mut().insert(CONTENT_LENGTH, length);
    }
    *request.body_mut() = Some(reqwest::Body::wrap(Full::new(bytes)));
}

/// Makes any error answer parse as an `ErrorResponse`: a body that is empty, HTML, truncated
/// or too large is replaced by `{}`, so the status is never lost to a decoding failure. At most
/// 64 KiB of it is read.
pub(crate) async fn normalize_error_body(
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    if response.status().is_success() {
        return Ok(response);
    }
    let response = http::Response::<reqwest::Body>::from(response);
    let (mut parts, body) = response.into_parts();
    let body = match Limited::new(body, MAX_ERROR_BODY_BYTES).collect().await {
        Ok(collected) => Some(collected.to_bytes()),
        // Too large, reset or timed out mid-body: the status and headers still tell.
        Err(_) => None,
    };
    let body = match body {
        Some(body) if is_error_json(&body) => body,
        _ => {
            parts.headers.remove(CONTENT_LENGTH);
            parts
                .headers
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Bytes::from_static(b"{}")
        }
    };
    Ok(reqwest::Response::from(http::Response::from_parts(
        parts, body,
    )))
}

fn is_error_json(body: &[u8]) -> bool {
    body.trim_ascii_start().starts_with(b"{")
        && serde_json::from_slice::<crate::wire::ErrorResponse>(body).is_ok()
}
