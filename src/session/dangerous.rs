//! Reading tokens **without verifying them**. Nothing here checks a signature, an expiry or an
//! issuer: never use it to decide what a request may do.

use super::claims::{RawClaims, Session, TokenKind};
use crate::error::SessionError;

/// The claims of a token, **unverified** (for logs and debugging only).
pub fn insecure_decode(token: &str) -> Result<Session, SessionError> {
    let payload = token
        .split('.')
        .nth(1)
        .ok_or(SessionError::Malformed("not three dot-separated parts"))?;
    let claims = RawClaims::decode(payload)?;
    let project_id = claims
        .iss
        .as_deref()
        .map(|iss| {
            iss.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(iss)
                .to_owned()
        })
        .unwrap_or_default();
    let kind = claims.kind().unwrap_or(TokenKind::Session);
    let user_id = claims
        .dsub
        .clone()
        .or_else(|| claims.sub.clone())
        .unwrap_or_default();
    let expires_at = claims.exp.unwrap_or_default();
    Ok(claims.into_session(kind, user_id, project_id, expires_at))
}
