//! The one conversion of progenitor's results into [`crate::Error`], at the façade boundary:
//! every status, body, transport failure and decoding failure gets its typed error.

use std::time::Duration;

use progenitor_client::ResponseValue;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::{ApiError, Error, ErrorCode};
use crate::limits::is_too_large;
use crate::operation::Operation;
use crate::wire::ErrorResponse;

/// How long `Retry-After` asks to wait: a number of seconds, or an HTTP date (a date in the
/// past is no wait).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Converts progenitor's result into the crate's, once, at the façade boundary.
pub(crate) fn convert<T>(
    operation: Operation,
    result: Result<ResponseValue<T>, progenitor_client::Error<ErrorResponse>>,
) -> Result<ResponseValue<T>, Error> {
    use progenitor_client::Error as P;
    result.map_err(|error| match error {
        P::ErrorResponse(value) => {
            let status = value.status().as_u16();
            let retry_after = retry_after(value.headers());
            let body = value.into_inner();
            Error::Api(ApiError {
                operation,
                status,
                code: body
                    .error_code
                    .filter(|c| !c.is_empty())
                    .map(|c| ErrorCode::from(c.as_str())),
                description: body.error_description.filter(|d| !d.is_empty()),
                message: body.error_message.filter(|m| !m.is_empty()),
                retry_after,
            })
        }
        P::UnexpectedResponse(response) if response.status().is_redirection() => {
            Error::Redirected {
                operation,
                status: response.status().as_u16(),
            }
        }
        P::UnexpectedResponse(response) => Error::Api(ApiError {
            operation,
            status: response.status().as_u16(),
            code: None,
            description: None,
            message: None,
            retry_after: retry_after(response.headers()),
        }),
        P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
            if is_too_large(&e) {
                Error::ResponseTooLarge { operation }
            } else if e.is_timeout() {
                Error::Timeout { operation }
            } else {
                Error::Transport {
                    operation,
                    source: Box::new(e.without_url()),
                }
            }
        }
        P::InvalidResponsePayload(_, e) => Error::Decode {
            operation,
            reason: json_reason(&e),
        },
        P::InvalidRequest(reason) | P::Custom(reason) => {
            Error::Config(format!("cannot build the {operation} request: {reason}"))
        }
    })
}

/// What went wrong in a JSON document, without quoting any of it (no secret in it can reach
/// an error message). Public as `descope::wire::json_reason` for the emulator.
pub fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "read error",
        Category::Syntax => "not valid JSON",
        Category::Data => "a field has the wrong type or is missing",
        Category::Eof => "truncated JSON",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}
