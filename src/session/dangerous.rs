//! Reading tokens **without verifying them**. Nothing here checks a signature, an expiry or an
//! issuer: never use it to decide what a request may do.

use super::claims::Session;
use super::raw_claims::TokenKind;
use super::raw_claims::{Facts, Payload};
use crate::error::SessionError;

/// The claims of a token, **unverified** (for logs and debugging only).
pub fn insecure_decode(token: &str) -> Result<Session, SessionError> {
    let payload = token
        .split('.')
        .nth(1)
        .ok_or(SessionError::Malformed("not three dot-separated parts"))?;
    let payload = Payload::decode(payload)?;
    let claims = payload.check()?;
    let project_id = claims
        .iss
        .as_deref()
        .map(|iss| iss.trim_end_matches('/').rsplit('/').next().unwrap_or(iss))
        .unwrap_or_default()
        .into();
    let facts = Facts {
        kind: claims.kind().unwrap_or(TokenKind::Session),
        user_id: claims.user_id().unwrap_or_default().to_owned(),
        project_id,
        expires_at: claims.exp.unwrap_or_default(),
        issued_at: claims.iat,
    };
    Ok(Session::from_payload(payload, facts))
}
