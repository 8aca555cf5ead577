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

mod base64url;
mod claim_sets;
mod claims;
mod clock;
pub mod cookies;
pub mod dangerous;
mod jwk;
mod keys;
mod operations;
mod origin;
mod raw_claims;
mod results;
mod shared_refresh;
pub(crate) mod state;
mod validate;
mod validator;
mod verified;
pub(crate) mod web;

pub use claim_sets::TenantClaims;
pub use claims::Session;
pub use clock::{Clock, OffsetClock, SystemClock};
pub use operations::{
    History, Keys, LogoutAll, LogoutAndClear, LogoutSession, Me, Refresh, SelectTenant, TryRefresh,
    Validate, ValidateAndRefresh, ValidateRefresh,
};
pub use origin::OriginCheck;
pub use raw_claims::TokenKind;
pub use results::{AuthHistory, LoggedOut, Logout, PublicKey, Refreshed, RequestSession};
pub use validate::{
    issuer_matches, SessionConfig, DEFAULT_KEY_CACHE_TTL, DEFAULT_KEY_FETCH_TIMEOUT,
    DEFAULT_KEY_MAX_STALE, DEFAULT_KEY_REFETCH_INTERVAL, DEFAULT_KEY_REFRESH_DEADLINE,
    DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, DEFAULT_REFRESH_SHARE_CAPACITY,
    DEFAULT_REFRESH_SHARE_WINDOW, DEFAULT_VERIFIED_CACHE_CAPACITY,
};
/// The web integrations' types (features `tower`, `axum`, `actix`).
#[cfg(any(feature = "tower", feature = "actix"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "tower", feature = "actix"))))]
pub use web::Rejection;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::check_token;
use crate::secret::{RefreshJwt, SessionJwt};

/// A JWT given to a validation: a `&str` (from a header or cookie), a [`SessionJwt`] or a
/// [`RefreshJwt`] alike.
pub trait Token {
    /// The token's text.
    ///
    /// # Security Warning
    ///
    /// Do not print, log or store what this returns outside of a secure place.
    fn token(&self) -> &str;
}

impl Token for str {
    fn token(&self) -> &str {
        self
    }
}

impl Token for String {
    fn token(&self) -> &str {
        self
    }
}

impl Token for SessionJwt {
    fn token(&self) -> &str {
        self.secret()
    }
}

impl Token for RefreshJwt {
    fn token(&self) -> &str {
        self.secret()
    }
}

impl<T: Token + ?Sized> Token for &T {
    fn token(&self) -> &str {
        (**self).token()
    }
}

/// Session operations of a [`Client`]. Get one with [`Client::sessions`]; it holds a cheap
/// clone of the client, so it can be kept or moved into a task.
#[derive(Clone, Debug)]
pub struct SessionClient {
    pub(crate) client: Client,
}

impl SessionClient {
    fn api(&self, refresh_jwt: &RefreshJwt) -> Result<crate::wire::Api> {
        check_token(refresh_jwt.secret(), "refresh JWT")?;
        self.client
            .api_with_token(refresh_jwt.secret(), "refresh JWT")
    }

    /// The generated client with `refresh_jwt` in `Authorization`, once the JWT is validated
    /// locally, and its session: what every call made with a refresh JWT starts with.
    async fn authorized(&self, refresh_jwt: &RefreshJwt) -> Result<(crate::wire::Api, Session)> {
        let api = self.api(refresh_jwt)?;
        let session = self
            .verify(refresh_jwt.secret(), TokenKind::Refresh)
            .await?;
        Ok((api, session))
    }

    /// What every request of this client shares (for `transport::send`).
    fn shared(&self) -> &crate::transport::Shared {
        &self.client.shared
    }

    /// One fetch of the key set for the key cache: no retries (the cache bounds its time and
    /// tries again after its refetch interval), owning its client (it may run in the
    /// background).
    fn fetch_keys(
        &self,
    ) -> impl std::future::Future<Output = Result<Vec<serde_json::Value>>> + Send + 'static {
        let client = self.client.clone();
        async move {
            const OP: Operation = Operation::GetKeys;
            let api = client.api();
            // The client's timeout per attempt, as `transport::send` keeps it.
            let fetch = api.project_keys(client.project_id());
            let result = tokio::time::timeout(client.shared.timeout, fetch)
                .await
                .map_err(|_| Error::Timeout { operation: OP })?;
            let keys = crate::error::convert::convert(OP, result)?
                .into_inner()
                .keys
                .unwrap_or_default();
            keys.iter()
                .map(|key| {
                    serde_json::to_value(key).map_err(|_| Error::Decode {
                        operation: OP,
                        reason: "a key does not serialize".into(),
                    })
                })
                .collect()
        }
    }

    /// Validates `token` locally as a `kind` JWT (the validator's cache and key set).
    pub(crate) async fn verify(&self, token: &str, kind: TokenKind) -> Result<Session> {
        let validator = &self.client.session.validator;
        validator.validate(token, kind, || self.fetch_keys()).await
    }

    /// [`refresh`](Self::refresh), shared with the other refreshes of the same token in flight
    /// or within the share window.
    ///
    /// Only a refresh JWT that passes local validation takes a shared slot: junk and forged
    /// cookies are refused here, each on its own, and cannot crowd real users out.
    pub(crate) async fn refresh_shared(&self, refresh_jwt: &RefreshJwt) -> Result<Refreshed> {
        check_token(refresh_jwt.secret(), "refresh JWT")?;
        self.verify(refresh_jwt.secret(), TokenKind::Refresh)
            .await?;
        let (sessions, token) = (self.clone(), refresh_jwt.clone());
        let refresh = operations::Refresh {
            client: sessions,
            refresh_jwt: token,
        }
        .send();
        self.client
            .session
            .refreshes
            .run(refresh_jwt.secret(), refresh)
            .await
    }

    /// A new session from a JWT response (refresh, try-refresh, tenant selection): its session
    /// JWT validated, the service's cookie names checked; `None` when it has no session JWT.
    async fn refreshed(
        &self,
        operation: Operation,
        response: progenitor_client::ResponseValue<crate::wire::JwtResponse>,
        previous: &RefreshJwt,
    ) -> Result<Option<Refreshed>> {
        let headers = crate::auth_info::set_cookie_headers(response.headers());
        let Some((session_jwt, issued)) = Refreshed::parse(response.into_inner(), &headers) else {
            return Ok(None);
        };
        let session = self
            .verify(session_jwt.secret(), TokenKind::Session)
            .await?;
        self.client.check_cookie_names(&issued.cookies);
        Refreshed::new(operation, session_jwt, session, issued, previous).map(Some)
    }

    /// How many times the project's keys were fetched (for monitoring the key cache).
    pub fn key_fetch_count(&self) -> u64 {
        self.client.session.validator.keys.fetch_count()
    }
}

impl SessionClient {
    /// Validates a session JWT locally: signature against the project's keys (fetched once,
    /// then cached), algorithm pinned by the key, `exp`/`nbf` with leeway, `iss`, `aud` when
    /// configured, and that it is a session (not refresh) JWT. A token validated before is
    /// answered from a cache of verified tokens. Takes a `&str` or a [`SessionJwt`].
    pub fn validate<T: Token + ?Sized>(&self, session_jwt: &T) -> Validate {
        Validate {
            client: self.clone(),
            session_jwt: SessionJwt::from(session_jwt.token()),
        }
    }

    /// Validates a refresh JWT locally, as [`validate`](Self::validate) does a session JWT.
    /// Takes a `&str` or a [`RefreshJwt`].
    pub fn validate_refresh<T: Token + ?Sized>(&self, refresh_jwt: &T) -> ValidateRefresh {
        ValidateRefresh {
            client: self.clone(),
            refresh_jwt: RefreshJwt::from(refresh_jwt.token()),
        }
    }

    /// The session of `session_jwt` when it is valid (no request); otherwise a refresh with
    /// `refresh_jwt` and the new session. A failure to get the keys is returned as is.
    ///
    /// Refreshes are shared: concurrent calls with the same refresh JWT make one request and
    /// get the same new session and rotated refresh JWT, and so do calls within
    /// [`SessionConfig::refresh_share_window`](SessionConfig::refresh_share_window)
    /// after it. On an error, [`Error::ends_session`](crate::Error::ends_session) tells a
    /// refused refresh (signed out) from an outage.
    pub fn validate_and_refresh<T: Token + ?Sized>(
        &self,
        session_jwt: &T,
        refresh_jwt: &RefreshJwt,
    ) -> ValidateAndRefresh {
        ValidateAndRefresh {
            client: self.clone(),
            session_jwt: SessionJwt::from(session_jwt.token()),
            refresh_jwt: refresh_jwt.clone(),
        }
    }

    /// Exchanges a refresh JWT for a new session: the refresh JWT is validated locally first,
    /// and the new session JWT after. [`Refreshed::refresh_jwt`] is the refresh JWT to use from
    /// now on (the rotated one when the project rotates them).
    pub fn refresh(&self, refresh_jwt: &RefreshJwt) -> Refresh {
        Refresh {
            client: self.clone(),
            refresh_jwt: refresh_jwt.clone(),
        }
    }

    /// Like [`refresh`](Self::refresh), but `Ok(None)` instead of an error when the refresh JWT
    /// is not valid (locally or at the service). A failure to get the keys is an error.
    pub fn try_refresh(&self, refresh_jwt: &RefreshJwt) -> TryRefresh {
        TryRefresh {
            client: self.clone(),
            refresh_jwt: refresh_jwt.clone(),
        }
    }

    /// Revokes the refresh JWT (validated locally first).
    pub fn logout(&self, refresh_jwt: &RefreshJwt) -> LogoutSession {
        LogoutSession {
            client: self.clone(),
            refresh_jwt: refresh_jwt.clone(),
        }
    }

    /// Revokes every refresh JWT of the user who owns this one (validated locally first).
    pub fn logout_all(&self, refresh_jwt: &RefreshJwt) -> LogoutAll {
        LogoutAll {
            client: self.clone(),
            refresh_jwt: refresh_jwt.clone(),
        }
    }

    /// Logs a browser out, as an app wants it: revokes `refresh_jwt` when there is one the
    /// service still accepts, and always gives the `Set-Cookie` headers that clear both session
    /// cookies ([`Logout::set_cookies`], with the client's
    /// [`cookie_config`](crate::Client::cookie_config), on the `Domain` and `Path` they were set
    /// with: configured, else the logout answer's, else where the service last asked this
    /// client to set them). It also ends this process's shared refreshes of the session. A
    /// refresh JWT that is already revoked,
    /// expired or invalid is not an error: the user is logged out all the same. Other failures
    /// (the service unreachable) are in [`Logout::failure`], for the app to log; the cookies
    /// are cleared anyway.
    pub fn logout_and_clear(&self, refresh_jwt: Option<&RefreshJwt>) -> LogoutAndClear {
        LogoutAndClear {
            client: self.clone(),
            refresh_jwt: refresh_jwt.cloned(),
        }
    }

    /// The user who owns the refresh JWT (validated locally first).
    pub fn me(&self, refresh_jwt: &RefreshJwt) -> Me {
        Me {
            client: self.clone(),
            refresh_jwt: refresh_jwt.clone(),
        }
    }

    /// Selects the tenant of the session: a new session JWT whose `dct` claim is `tenant_id`
    /// ([`Session::current_tenant`](Session::current_tenant)), validated, and a new
    /// refresh JWT that keeps the selection across refreshes ([`Refreshed::refresh_jwt`]). The
    /// user must belong to the tenant. The refresh JWT is validated locally first.
    pub fn select_tenant(
        &self,
        tenant_id: impl Into<String>,
        refresh_jwt: &RefreshJwt,
    ) -> SelectTenant {
        SelectTenant {
            client: self.clone(),
            tenant_id: tenant_id.into(),
            refresh_jwt: refresh_jwt.clone(),
        }
    }

    /// The sign-ins of the user who owns the refresh JWT (validated locally first), oldest
    /// first, as the service keeps them.
    pub fn history(&self, refresh_jwt: &RefreshJwt) -> History {
        History {
            client: self.clone(),
            refresh_jwt: refresh_jwt.clone(),
        }
    }

    /// The project's public keys, as the service publishes them.
    pub fn keys(&self) -> Keys {
        Keys {
            client: self.clone(),
        }
    }
}
