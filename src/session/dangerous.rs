//! Reading tokens **without verifying them**. Nothing here checks a signature, an expiry or an
//! issuer: never use it to decide what a request may do.

use super::claims::{RawClaims, Session, SessionData, TokenKind};
use crate::error::SessionError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::sync::Arc;

/// The claims of a token, **unverified** (for logs and debugging only).
pub fn insecure_decode(token: &str) -> Result<Session, SessionError> {
    let payload = token
        .split('.')
        .nth(1)
        .ok_or(SessionError::Malformed("not three dot-separated parts"))?;
    let claims: RawClaims = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(SessionError::Malformed(
            "the payload is not base64url JSON claims",
        ))?;
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
    Ok(Session {
        inner: Arc::new(SessionData {
            kind: if claims.drn.as_deref() == Some("DSR") {
                TokenKind::Refresh
            } else {
                TokenKind::Session
            },
            user_id: claims.dsub.or(claims.sub).unwrap_or_default(),
            project_id,
            expires_at: claims.exp.unwrap_or_default(),
            issued_at: claims.iat,
            amr: claims.amr,
            current_tenant: claims.dct,
            tenants: claims.tenants,
            roles: claims.roles,
            permissions: claims.permissions,
            custom: claims.custom,
        }),
    })
}
