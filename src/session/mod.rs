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

pub use claims::{Session, TenantClaims, TokenKind};
pub use clock::{Clock, OffsetClock, SystemClock};
pub use operations::{
    History, Keys, LogoutAll, LogoutAndClear, LogoutSession, Me, Refresh, SelectTenant, TryRefresh,
    Validate, ValidateAndRefresh, ValidateRefresh,
};
pub use origin::OriginCheck;
pub use results::{AuthHistory, LoggedOut, Logout, Refreshed, RequestSession};
pub use shared_refresh::{DEFAULT_REFRESH_SHARE_CAPACITY, DEFAULT_REFRESH_SHARE_WINDOW};
pub use validate::{
    issuer_matches, SessionConfig, DEFAULT_KEY_CACHE_TTL, DEFAULT_KEY_FETCH_TIMEOUT,
    DEFAULT_KEY_MAX_STALE, DEFAULT_KEY_REFETCH_INTERVAL, DEFAULT_KEY_REFRESH_DEADLINE,
    DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, DEFAULT_VERIFIED_CACHE_CAPACITY,
};
/// The web integrations' types (features `tower`, `axum`, `actix`).
#[cfg(any(feature = "tower", feature = "actix"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "tower", feature = "actix"))))]
pub use web::Rejection;

use crate::auth_info::CookieSettings;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::check_token;
use crate::secret::{RefreshJwt, SessionJwt};
use crate::transport::send;
use crate::user::User;
use crate::wire::{Jwk, LogoutRequest, RefreshSessionRequest, SelectTenantRequest};

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
            let keys = crate::progenitor_error::convert(OP, result)?
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

    async fn check(&self, token: &str, kind: TokenKind) -> Result<Session> {
        let validator = &self.client.session.validator;
        validator.validate(token, kind, || self.fetch_keys()).await
    }

    /// [`validate`](Self::validate) without a builder: the crate's own hot path.
    pub(crate) async fn validate_now<T: Token + ?Sized>(&self, session_jwt: &T) -> Result<Session> {
        self.check(session_jwt.token(), TokenKind::Session).await
    }

    /// [`validate_refresh`](Self::validate_refresh) without a builder.
    pub(crate) async fn validate_refresh_now<T: Token + ?Sized>(
        &self,
        refresh_jwt: &T,
    ) -> Result<Session> {
        self.check(refresh_jwt.token(), TokenKind::Refresh).await
    }

    /// The session of `session_jwt` when it is valid (no request); otherwise a refresh with
    /// `refresh_jwt` and the new session. A failure to get the keys is returned as is.
    ///
    /// Refreshes are shared: concurrent calls with the same refresh JWT make one request and
    /// get the same new session and rotated refresh JWT, and so do calls within
    /// [`SessionConfig::refresh_share_window`] after it (see there). On an error,
    /// [`Error::ends_session`] tells a refused refresh (signed out) from an outage.
    pub(crate) async fn validate_and_refresh_now<T: Token + ?Sized>(
        &self,
        session_jwt: &T,
        refresh_jwt: &RefreshJwt,
    ) -> Result<RequestSession> {
        match self.validate_now(session_jwt).await {
            Ok(session) => Ok(RequestSession {
                session,
                session_jwt: SessionJwt::from(session_jwt.token()),
                refresh_jwt: Some(refresh_jwt.clone()),
                refreshed: None,
            }),
            Err(error @ Error::KeyFetch { .. }) => Err(error),
            Err(_) => {
                let refreshed = self.refresh_shared(refresh_jwt).await?;
                Ok(RequestSession {
                    session: refreshed.session.clone(),
                    session_jwt: refreshed.session_jwt.clone(),
                    refresh_jwt: Some(refreshed.refresh_jwt.clone()),
                    refreshed: Some(refreshed),
                })
            }
        }
    }

    /// Exchanges a refresh JWT for a new session: the refresh JWT is validated locally first,
    /// and the new session JWT after. When the project rotates refresh tokens, the new one is in
    /// [`Refreshed::refresh_jwt`]: store it.
    pub(crate) async fn refresh_now(&self, refresh_jwt: &RefreshJwt) -> Result<Refreshed> {
        const OP: Operation = Operation::RefreshSession;
        let api = self.api(refresh_jwt)?;
        self.validate_refresh_now(refresh_jwt).await?;
        let body = RefreshSessionRequest::default();
        let response = send(&self.client.shared, OP, || api.refresh_session(&body)).await?;
        self.refreshed(OP, response, refresh_jwt)
            .await?
            .ok_or_else(|| Error::Decode {
                operation: OP,
                reason: "the response has no session JWT, in the body or a cookie".into(),
            })
    }

    /// [`refresh`](Self::refresh), shared with the other refreshes of the same token in flight
    /// or within the share window.
    ///
    /// Only a refresh JWT that passes local validation takes a shared slot: junk and forged
    /// cookies are refused here, each on its own, and cannot crowd real users out.
    pub(crate) async fn refresh_shared(&self, refresh_jwt: &RefreshJwt) -> Result<Refreshed> {
        check_token(refresh_jwt.secret(), "refresh JWT")?;
        self.validate_refresh_now(refresh_jwt).await?;
        let (sessions, token) = (self.clone(), refresh_jwt.clone());
        let refresh = async move { sessions.refresh_now(&token).await };
        self.client
            .session
            .refreshes
            .run(refresh_jwt.secret(), refresh)
            .await
    }

    /// Like [`refresh`](Self::refresh), but `Ok(None)` instead of an error when the refresh JWT
    /// is not valid (locally or at the service). A failure to get the keys is an error.
    pub(crate) async fn try_refresh_now(
        &self,
        refresh_jwt: &RefreshJwt,
    ) -> Result<Option<Refreshed>> {
        const OP: Operation = Operation::TryRefreshSession;
        let Ok(api) = self.api(refresh_jwt) else {
            return Ok(None);
        };
        match self.validate_refresh_now(refresh_jwt).await {
            Ok(_) => {}
            Err(error @ Error::KeyFetch { .. }) => return Err(error),
            Err(_) => return Ok(None),
        }
        let body = RefreshSessionRequest::default();
        let response = send(&self.client.shared, OP, || api.try_refresh_session(&body)).await?;
        self.refreshed(OP, response, refresh_jwt).await
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
        let session = self.validate_now(&session_jwt).await?;
        self.client.check_cookie_names(&issued.cookies);
        Refreshed::new(operation, session_jwt, session, issued, previous).map(Some)
    }

    /// Revokes the refresh JWT (validated locally first).
    pub(crate) async fn logout_now(&self, refresh_jwt: &RefreshJwt) -> Result<LoggedOut> {
        const OP: Operation = Operation::Logout;
        // Whatever the service answers, this process hands out no shared refresh of it again.
        self.client
            .session
            .refreshes
            .end(refresh_jwt.secret(), None);
        let api = self.api(refresh_jwt)?;
        self.validate_refresh_now(refresh_jwt).await?;
        let body = LogoutRequest::default();
        let response = send(&self.client.shared, OP, || api.logout(&body)).await?;
        Ok(LoggedOut {
            cookies: CookieSettings::take(&mut response.into_inner()),
        })
    }

    /// Revokes every refresh JWT of the user who owns this one (validated locally first).
    pub(crate) async fn logout_all_now(&self, refresh_jwt: &RefreshJwt) -> Result<LoggedOut> {
        const OP: Operation = Operation::LogoutAll;
        self.client
            .session
            .refreshes
            .end(refresh_jwt.secret(), None);
        let api = self.api(refresh_jwt)?;
        let session = self.validate_refresh_now(refresh_jwt).await?;
        // Every session of the user ends: so do their shared refreshes here.
        let refreshes = &self.client.session.refreshes;
        refreshes.end(refresh_jwt.secret(), Some(session.user_id()));
        let body = LogoutRequest::default();
        let response = send(&self.client.shared, OP, || api.logout_all(&body)).await?;
        Ok(LoggedOut {
            cookies: CookieSettings::take(&mut response.into_inner()),
        })
    }

    /// Logs a browser out, as an app wants it: revokes `refresh_jwt` when there is one the
    /// service still accepts, and always appends the `Set-Cookie` headers that clear both
    /// session cookies to `response` (with the client's [`cookie_config`](Client::cookie_config),
    /// on the domain and path they were set with).
    /// A refresh JWT that is already revoked, expired or invalid is not an error: the user is
    /// logged out all the same. Other failures (the service unreachable) are in
    /// [`Logout::failure`], for the app to log; the cookies are cleared anyway.
    pub(crate) async fn logout_and_clear_now(&self, refresh_jwt: Option<&RefreshJwt>) -> Logout {
        let (revoked, failure, settings) = match refresh_jwt {
            None => (false, None, None),
            Some(token) => match self.logout_now(token).await {
                Ok(out) => (true, None, Some(out.cookies)),
                Err(Error::Session(_) | Error::InvalidInput { .. }) => (false, None, None),
                Err(Error::Api(api)) if matches!(api.status, 400 | 401 | 403) => {
                    (false, None, None)
                }
                Err(other) => (false, Some(other), None),
            },
        };
        let mut set_cookies = http::HeaderMap::new();
        self.client
            .session
            .clear_cookies(&mut set_cookies, settings.as_ref());
        Logout {
            revoked,
            failure,
            set_cookies,
        }
    }

    /// The user who owns the refresh JWT (validated locally first).
    pub(crate) async fn me_now(&self, refresh_jwt: &RefreshJwt) -> Result<User> {
        const OP: Operation = Operation::Me;
        let api = self.api(refresh_jwt)?;
        self.validate_refresh_now(refresh_jwt).await?;
        User::from_wire(
            OP,
            send(&self.client.shared, OP, || api.me())
                .await?
                .into_inner(),
        )
    }

    /// Selects the tenant of the session: a new session JWT whose `dct` claim is `tenant_id`
    /// ([`Session::current_tenant`]), validated, and a new refresh JWT that keeps the selection
    /// across refreshes ([`Refreshed::refresh_jwt`]: store it). The user must belong to the
    /// tenant. The refresh JWT is validated locally first.
    pub(crate) async fn select_tenant_now(
        &self,
        tenant_id: impl Into<String>,
        refresh_jwt: &RefreshJwt,
    ) -> Result<Refreshed> {
        const OP: Operation = Operation::SelectTenant;
        let tenant = tenant_id.into();
        if tenant.trim().is_empty() {
            return Err(Error::invalid("tenant ID", "is empty"));
        }
        let api = self.api(refresh_jwt)?;
        self.validate_refresh_now(refresh_jwt).await?;
        let body = SelectTenantRequest { tenant };
        let response = send(&self.client.shared, OP, || api.select_tenant(&body)).await?;
        self.refreshed(OP, response, refresh_jwt)
            .await?
            .ok_or_else(|| Error::Decode {
                operation: OP,
                reason: "the response has no session JWT, in the body or a cookie".into(),
            })
    }

    /// The sign-ins of the user who owns the refresh JWT (validated locally first), oldest
    /// first, as the service keeps them.
    pub(crate) async fn history_now(&self, refresh_jwt: &RefreshJwt) -> Result<Vec<AuthHistory>> {
        const OP: Operation = Operation::MeHistory;
        let api = self.api(refresh_jwt)?;
        self.validate_refresh_now(refresh_jwt).await?;
        let entries = send(&self.client.shared, OP, || api.me_history())
            .await?
            .into_inner();
        Ok(entries
            .0
            .unwrap_or_default()
            .into_iter()
            .filter_map(AuthHistory::from_wire)
            .collect())
    }

    /// How many times the project's keys were fetched (for monitoring the key cache).
    pub fn key_fetch_count(&self) -> u64 {
        self.client.session.validator.keys.fetch_count()
    }

    /// The project's public keys, as the service publishes them.
    pub(crate) async fn keys_now(&self) -> Result<Vec<Jwk>> {
        const OP: Operation = Operation::GetKeys;
        let api = self.client.api();
        let response = send(&self.client.shared, OP, || {
            api.project_keys(self.client.project_id())
        })
        .await?;
        Ok(response.into_inner().keys.unwrap_or_default())
    }
}
