//! Entry points for the fuzz targets in `fuzz/` (compiled only with `--cfg fuzzing`, which
//! `cargo fuzz` sets): the crate's own decoders, reached without a network.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use crate::error::Error;
use crate::operation::Operation;

/// Polls a future that never waits on anything outside it (a body already in memory) to its end.
fn ready<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    // A body in memory is read in a few polls; more would be a bug, reported as `None`.
    for _ in 0..64 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return Some(output);
        }
    }
    None
}

/// Decodes an answer of the service (status, `Retry-After`, body) as a sign-in's answer is
/// decoded: a success into the typed result's wire form, an error into [`Error`], through the
/// same code the generated client runs.
pub fn decode_answer(status: u16, retry_after: Option<&[u8]>, body: &[u8]) -> Result<(), Error> {
    use progenitor_client::Error as P;
    let Ok(status) = http::StatusCode::from_u16(status) else {
        return Ok(());
    };
    let mut answer = http::Response::new(bytes::Bytes::copy_from_slice(body));
    *answer.status_mut() = status;
    if let Some(value) = retry_after.and_then(|v| http::HeaderValue::from_bytes(v).ok()) {
        answer
            .headers_mut()
            .insert(http::header::RETRY_AFTER, value);
    }
    let response = reqwest::Response::from(answer);
    let decoded = ready(async move {
        match response.status().as_u16() {
            200 => {
                crate::transport::decode::<crate::wire::JwtResponse, crate::wire::ErrorResponse>(
                    response,
                )
                .await
                .map(|_| ())
            }
            400..=599 => {
                match crate::transport::decode::<crate::wire::ErrorResponse, ()>(response).await {
                    Ok(value) => Err(P::ErrorResponse(value)),
                    Err(P::InvalidResponsePayload(bytes, e)) => {
                        Err(P::InvalidResponsePayload(bytes, e))
                    }
                    Err(_) => Ok(()),
                }
            }
            _ => Err(P::UnexpectedResponse(response)),
        }
    });
    let Some(result) = decoded else {
        panic!("an in-memory body was not read to its end");
    };
    let result =
        result.map(|()| progenitor_client::ResponseValue::new((), status, http::HeaderMap::new()));
    crate::error::convert::convert(Operation::PasswordSignIn, result).map(|_| ())
}
