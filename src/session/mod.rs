//! The session side of a signed-in user: local validation of session JWTs, refresh, logout,
//! me, cookies, and (feature `axum`) an extractor.
//!
//! ```no_run
//! # async fn run(client: descope::Client, token: &str) -> Result<(), descope::Error> {
//! let session = client.sessions().validate(token).await?; // no request once keys are cached
//! if session.has_role("admin") {
//!     println!("admin {}", session.user_id());
//! }
//! # Ok(()) }
//! ```

mod claims;
pub mod cookies;
pub mod dangerous;
mod keys;
mod validate;

pub use claims::{Session, TenantClaims, TokenKind};
pub(crate) use validate::Validator;
#[cfg(feature = "emulator")]
pub(crate) use validate::{issuer_matches, unix_seconds};
pub use validate::{
    Clock, SessionConfig, SystemClock, DEFAULT_KEY_CACHE_TTL, DEFAULT_KEY_REFETCH_INTERVAL,
    DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, DEFAULT_VERIFIED_CACHE_CAPACITY,
};

use crate::auth_info::{AuthInfo, CookieSettings};
use crate::client::Client;
use crate::error::{Error, Result, SessionError};
use crate::generated::types::{EmptyRequest, KeysResponse, ResponseUser};
use crate::request::check_token;
use crate::secret::{RefreshJwt, SessionJwt};
use crate::transport::convert;

/// The result of [`SessionClient::validate_and_refresh`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Validated {
    /// The valid session.
    pub session: Session,
    /// The session JWT that is valid now: the one given, or the new one after a refresh.
    pub session_jwt: SessionJwt,
    /// The refresh result, when the given session JWT was not valid and was refreshed. Its
    /// `refresh_jwt` is the rotated refresh JWT, when one came back: store it.
    pub refreshed: Option<AuthInfo>,
}

/// Session operations of a [`Client`]. Get one with [`Client::sessions`].
#[derive(Clone, Copy, Debug)]
pub struct SessionClient<'a> {
    pub(crate) client: &'a Client,
}

/// What a logout returns: the cookie settings to clear the session cookies with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedOut {
    /// Names, domain and path of the cookies to clear.
    pub cookies: CookieSettings,
}

impl<'a> SessionClient<'a> {
    fn api(&self, refresh_jwt: &RefreshJwt) -> Result<crate::generated::Client> {
        check_token(refresh_jwt.secret(), "refresh JWT")?;
        self.client
            .api_with_token(refresh_jwt.secret(), "refresh JWT")
    }

    async fn fetch_keys(self) -> Result<Vec<serde_json::Value>> {
        let keys = self.keys().await?.keys.unwrap_or_default();
        keys.iter()
            .map(|key| {
                serde_json::to_value(key)
                    .map_err(|_| Error::Config("a key does not serialize".into()))
            })
            .collect()
    }

    async fn check(self, token: &str, kind: TokenKind) -> Result<Session> {
        let validator = &self.client.shared.validator;
        Ok(validator
            .validate(token, kind, self.client.project_id(), || self.fetch_keys())
            .await?)
    }

    /// Validates a session JWT locally: signature against the project's keys (fetched once,
    /// then cached), algorithm pinned by the key, `exp`/`nbf` with leeway, `iss`, `aud` when
    /// configured, and that it is a session (not refresh) JWT. A token validated before is
    /// answered from a cache of verified tokens.
    pub async fn validate(self, session_jwt: &str) -> Result<Session> {
        self.check(session_jwt, TokenKind::Session).await
    }

    /// Validates a refresh JWT locally, as [`validate`](Self::validate) does a session JWT.
    pub async fn validate_refresh(self, refresh_jwt: &RefreshJwt) -> Result<Session> {
        self.check(refresh_jwt.secret(), TokenKind::Refresh).await
    }

    /// The session of `session_jwt` when it is valid (no request); otherwise a refresh with
    /// `refresh_jwt` and the new session. A failure to get the keys is returned as is.
    pub async fn validate_and_refresh(
        self,
        session_jwt: &str,
        refresh_jwt: &RefreshJwt,
    ) -> Result<Validated> {
        match self.validate(session_jwt).await {
            Ok(session) => Ok(Validated {
                session,
                session_jwt: SessionJwt::from(session_jwt),
                refreshed: None,
            }),
            Err(error @ Error::Session(SessionError::KeyFetch(_))) => Err(error),
            Err(_) => {
                let (refreshed, session) = self.refresh_to_session(refresh_jwt).await?;
                Ok(Validated {
                    session,
                    session_jwt: refreshed.session_jwt.clone(),
                    refreshed: Some(refreshed),
                })
            }
        }
    }

    /// Exchanges a refresh JWT for a new session: the refresh JWT is validated locally first,
    /// and the new session JWT after. When the project rotates refresh tokens, the new one is in
    /// [`AuthInfo::refresh_jwt`]: store it.
    pub async fn refresh(self, refresh_jwt: &RefreshJwt) -> Result<AuthInfo> {
        Ok(self.refresh_to_session(refresh_jwt).await?.0)
    }

    /// [`refresh`](Self::refresh), with the new session it validated.
    pub(crate) async fn refresh_to_session(
        self,
        refresh_jwt: &RefreshJwt,
    ) -> Result<(AuthInfo, Session)> {
        const OP: &str = "refresh_session";
        let api = self.api(refresh_jwt)?;
        self.validate_refresh(refresh_jwt).await?;
        let response = convert(OP, api.refresh_session(&empty()).await)?;
        let headers = response.headers().clone();
        let auth = AuthInfo::from_response(OP, response.into_inner(), &headers)?;
        let session = self.validate(auth.session_jwt.secret()).await?;
        Ok((auth, session))
    }

    /// Like [`refresh`](Self::refresh), but `Ok(None)` instead of an error when the refresh JWT
    /// is not valid (locally or at the service). A failure to get the keys is an error.
    pub async fn try_refresh(self, refresh_jwt: &RefreshJwt) -> Result<Option<AuthInfo>> {
        const OP: &str = "try_refresh_session";
        let Ok(api) = self.api(refresh_jwt) else {
            return Ok(None);
        };
        match self.validate_refresh(refresh_jwt).await {
            Ok(_) => {}
            Err(error @ Error::Session(SessionError::KeyFetch(_))) => return Err(error),
            Err(_) => return Ok(None),
        }
        let response = convert(OP, api.try_refresh_session(&empty()).await)?;
        let headers = response.headers().clone();
        match AuthInfo::maybe_from_response(response.into_inner(), &headers) {
            Some(auth) => {
                self.validate(auth.session_jwt.secret()).await?;
                Ok(Some(auth))
            }
            None => Ok(None),
        }
    }

    /// Revokes the refresh JWT (validated locally first).
    pub async fn logout(self, refresh_jwt: &RefreshJwt) -> Result<LoggedOut> {
        const OP: &str = "logout";
        let api = self.api(refresh_jwt)?;
        self.validate_refresh(refresh_jwt).await?;
        let response = convert(OP, api.logout(&empty()).await)?;
        Ok(LoggedOut {
            cookies: CookieSettings::from_response(&response.into_inner()),
        })
    }

    /// Revokes every refresh JWT of the user who owns this one (validated locally first).
    pub async fn logout_all(self, refresh_jwt: &RefreshJwt) -> Result<LoggedOut> {
        const OP: &str = "logout_all";
        let api = self.api(refresh_jwt)?;
        self.validate_refresh(refresh_jwt).await?;
        let response = convert(OP, api.logout_all(&empty()).await)?;
        Ok(LoggedOut {
            cookies: CookieSettings::from_response(&response.into_inner()),
        })
    }

    /// The user who owns the refresh JWT (validated locally first).
    pub async fn me(self, refresh_jwt: &RefreshJwt) -> Result<ResponseUser> {
        const OP: &str = "me";
        let api = self.api(refresh_jwt)?;
        self.validate_refresh(refresh_jwt).await?;
        Ok(convert(OP, api.me().await)?.into_inner())
    }

    /// How many times the project's keys were fetched (for monitoring the key cache).
    pub fn key_fetch_count(self) -> u64 {
        self.client.shared.validator.keys.fetch_count()
    }

    /// The project's public keys, as the service publishes them.
    pub async fn keys(self) -> Result<KeysResponse> {
        const OP: &str = "get_keys";
        let api = self.client.api();
        Ok(convert(OP, api.get_keys(self.client.project_id()).await)?.into_inner())
    }
}

fn empty() -> EmptyRequest {
    EmptyRequest(serde_json::Map::new())
}
