//! The session operations, as named builders: each owns a cheap clone of the client and its
//! arguments, is sent by `.await` (or `.send()`), and its future is `'static + Send`
//! (`tokio::spawn(client.sessions().refresh(&rt).send())` compiles). Options can be added to a
//! builder later without breaking callers. The constructors are on [`SessionClient`].

use super::{LoggedOut, Logout, PublicKey, Refreshed, RequestSession, SessionClient, TokenKind};
use crate::auth_info::CookieSettings;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{request, Request};
use crate::secret::{RefreshJwt, SessionJwt};
use crate::session::AuthHistory;
use crate::session::Session;
use crate::transport::send;
use crate::user::User;
use crate::wire::{LogoutRequest, RefreshSessionRequest, SelectTenantRequest};
use std::future::Future;

/// The answer of a refresh or tenant selection that must carry a session.
fn no_session(operation: Operation) -> Error {
    Error::Decode {
        operation,
        reason: "the response has no session JWT, in the body or a cookie".into(),
    }
}

/// [`SessionClient::validate`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct Validate {
    pub(super) client: SessionClient,
    pub(super) session_jwt: SessionJwt,
}

impl Request for Validate {
    type Output = Result<Session>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            let token = self.session_jwt.secret();
            self.client.verify(token, TokenKind::Session).await
        }
    }
}
request!(Validate => Result<Session>);

/// [`SessionClient::validate_refresh`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct ValidateRefresh {
    pub(super) client: SessionClient,
    pub(super) refresh_jwt: RefreshJwt,
}

impl Request for ValidateRefresh {
    type Output = Result<Session>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            let token = self.refresh_jwt.secret();
            self.client.verify(token, TokenKind::Refresh).await
        }
    }
}
request!(ValidateRefresh => Result<Session>);

/// [`SessionClient::validate_and_refresh`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct ValidateAndRefresh {
    pub(super) client: SessionClient,
    pub(super) session_jwt: SessionJwt,
    pub(super) refresh_jwt: RefreshJwt,
}

impl Request for ValidateAndRefresh {
    type Output = Result<RequestSession>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            let Self {
                client,
                session_jwt,
                refresh_jwt,
            } = self;
            match client
                .verify(session_jwt.secret(), TokenKind::Session)
                .await
            {
                Ok(session) => Ok(RequestSession {
                    session,
                    session_jwt,
                    refresh_jwt: Some(refresh_jwt),
                    refreshed: None,
                }),
                Err(error @ Error::KeyFetch { .. }) => Err(error),
                Err(_) => {
                    let refreshed = client.refresh_shared(&refresh_jwt).await?;
                    Ok(RequestSession {
                        session: refreshed.session.clone(),
                        session_jwt: refreshed.session_jwt.clone(),
                        refresh_jwt: Some(refreshed.refresh_jwt.clone()),
                        refreshed: Some(refreshed),
                    })
                }
            }
        }
    }
}
request!(ValidateAndRefresh => Result<RequestSession>);

/// [`SessionClient::refresh`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct Refresh {
    pub(super) client: SessionClient,
    pub(super) refresh_jwt: RefreshJwt,
}

impl Request for Refresh {
    type Output = Result<Refreshed>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            const OP: Operation = Operation::RefreshSession;
            let Self {
                client,
                refresh_jwt,
            } = self;
            let api = client.api(&refresh_jwt)?;
            client
                .verify(refresh_jwt.secret(), TokenKind::Refresh)
                .await?;
            let body = RefreshSessionRequest::default();
            let response = send(&client.client.shared, OP, || api.refresh_session(&body)).await?;
            client
                .refreshed(OP, response, &refresh_jwt)
                .await?
                .ok_or_else(|| no_session(OP))
        }
    }
}
request!(Refresh => Result<Refreshed>);

/// [`SessionClient::try_refresh`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct TryRefresh {
    pub(super) client: SessionClient,
    pub(super) refresh_jwt: RefreshJwt,
}

impl Request for TryRefresh {
    type Output = Result<Option<Refreshed>>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            const OP: Operation = Operation::TryRefreshSession;
            let Self {
                client,
                refresh_jwt,
            } = self;
            let Ok(api) = client.api(&refresh_jwt) else {
                return Ok(None);
            };
            match client
                .verify(refresh_jwt.secret(), TokenKind::Refresh)
                .await
            {
                Ok(_) => {}
                Err(error @ Error::KeyFetch { .. }) => return Err(error),
                Err(_) => return Ok(None),
            }
            let body = RefreshSessionRequest::default();
            let response =
                send(&client.client.shared, OP, || api.try_refresh_session(&body)).await?;
            client.refreshed(OP, response, &refresh_jwt).await
        }
    }
}
request!(TryRefresh => Result<Option<Refreshed>>);

/// [`SessionClient::logout`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct LogoutSession {
    pub(super) client: SessionClient,
    pub(super) refresh_jwt: RefreshJwt,
}

impl Request for LogoutSession {
    type Output = Result<LoggedOut>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            const OP: Operation = Operation::Logout;
            let Self {
                client,
                refresh_jwt,
            } = self;
            // Whatever the service answers, this process hands out no shared refresh of it again.
            let refreshes = &client.client.session.refreshes;
            refreshes.end(refresh_jwt.secret(), None);
            let api = client.api(&refresh_jwt)?;
            client
                .verify(refresh_jwt.secret(), TokenKind::Refresh)
                .await?;
            let body = LogoutRequest::default();
            let response = send(&client.client.shared, OP, || api.logout(&body)).await?;
            Ok(LoggedOut {
                cookies: CookieSettings::take(&mut response.into_inner()),
            })
        }
    }
}
request!(LogoutSession => Result<LoggedOut>);

/// [`SessionClient::logout_all`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct LogoutAll {
    pub(super) client: SessionClient,
    pub(super) refresh_jwt: RefreshJwt,
}

impl Request for LogoutAll {
    type Output = Result<LoggedOut>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            const OP: Operation = Operation::LogoutAll;
            let Self {
                client,
                refresh_jwt,
            } = self;
            let refreshes = &client.client.session.refreshes;
            refreshes.end(refresh_jwt.secret(), None);
            let api = client.api(&refresh_jwt)?;
            let session = client
                .verify(refresh_jwt.secret(), TokenKind::Refresh)
                .await?;
            // Every session of the user ends: so do their shared refreshes here.
            refreshes.end(refresh_jwt.secret(), Some(session.user_id()));
            let body = LogoutRequest::default();
            let response = send(&client.client.shared, OP, || api.logout_all(&body)).await?;
            Ok(LoggedOut {
                cookies: CookieSettings::take(&mut response.into_inner()),
            })
        }
    }
}
request!(LogoutAll => Result<LoggedOut>);

/// [`SessionClient::logout_and_clear`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct LogoutAndClear {
    pub(super) client: SessionClient,
    pub(super) refresh_jwt: Option<RefreshJwt>,
}

impl Request for LogoutAndClear {
    type Output = Logout;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            let Self {
                client,
                refresh_jwt,
            } = self;
            let (revoked, failure, settings) = match refresh_jwt {
                None => (false, None, None),
                Some(refresh_jwt) => {
                    let logout = LogoutSession {
                        client: client.clone(),
                        refresh_jwt,
                    };
                    match logout.run().await {
                        Ok(out) => (true, None, Some(out.cookies)),
                        Err(Error::Session(_) | Error::InvalidInput { .. }) => (false, None, None),
                        Err(Error::Api(api)) if matches!(api.status, 400 | 401 | 403) => {
                            (false, None, None)
                        }
                        Err(other) => (false, Some(other), None),
                    }
                }
            };
            let mut set_cookies = http::HeaderMap::new();
            let state = &client.client.session;
            state.clear_cookies(&mut set_cookies, settings.as_ref());
            Logout {
                revoked,
                failure,
                set_cookies,
            }
        }
    }
}
request!(LogoutAndClear => Logout);

/// [`SessionClient::me`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct Me {
    pub(super) client: SessionClient,
    pub(super) refresh_jwt: RefreshJwt,
}

impl Request for Me {
    type Output = Result<User>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            const OP: Operation = Operation::Me;
            let Self {
                client,
                refresh_jwt,
            } = self;
            let api = client.api(&refresh_jwt)?;
            client
                .verify(refresh_jwt.secret(), TokenKind::Refresh)
                .await?;
            let response = send(&client.client.shared, OP, || api.me()).await?;
            User::from_wire(OP, response.into_inner())
        }
    }
}
request!(Me => Result<User>);

/// [`SessionClient::select_tenant`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct SelectTenant {
    pub(super) client: SessionClient,
    pub(super) tenant_id: String,
    pub(super) refresh_jwt: RefreshJwt,
}

impl Request for SelectTenant {
    type Output = Result<Refreshed>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            const OP: Operation = Operation::SelectTenant;
            let Self {
                client,
                tenant_id: tenant,
                refresh_jwt,
            } = self;
            if tenant.trim().is_empty() {
                return Err(Error::invalid("tenant ID", "is empty"));
            }
            let api = client.api(&refresh_jwt)?;
            client
                .verify(refresh_jwt.secret(), TokenKind::Refresh)
                .await?;
            let body = SelectTenantRequest { tenant };
            let response = send(&client.client.shared, OP, || api.select_tenant(&body)).await?;
            client
                .refreshed(OP, response, &refresh_jwt)
                .await?
                .ok_or_else(|| no_session(OP))
        }
    }
}
request!(SelectTenant => Result<Refreshed>);

/// [`SessionClient::history`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct History {
    pub(super) client: SessionClient,
    pub(super) refresh_jwt: RefreshJwt,
}

impl Request for History {
    type Output = Result<Vec<AuthHistory>>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            const OP: Operation = Operation::MeHistory;
            let Self {
                client,
                refresh_jwt,
            } = self;
            let api = client.api(&refresh_jwt)?;
            client
                .verify(refresh_jwt.secret(), TokenKind::Refresh)
                .await?;
            let entries = send(&client.client.shared, OP, || api.me_history())
                .await?
                .into_inner();
            Ok(entries
                .0
                .unwrap_or_default()
                .into_iter()
                .filter_map(AuthHistory::from_wire)
                .collect())
        }
    }
}
request!(History => Result<Vec<AuthHistory>>);

/// [`SessionClient::keys`]: `.await` it.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct Keys {
    pub(super) client: SessionClient,
}

impl Request for Keys {
    type Output = Result<Vec<PublicKey>>;

    fn run(self) -> impl Future<Output = Self::Output> + Send + 'static {
        async move {
            const OP: Operation = Operation::GetKeys;
            let client = &self.client.client;
            let api = client.api();
            let response =
                send(&client.shared, OP, || api.project_keys(client.project_id())).await?;
            let keys = response.into_inner().keys.unwrap_or_default();
            keys.into_iter()
                .map(|key| PublicKey::from_wire(OP, key))
                .collect()
        }
    }
}
request!(Keys => Result<Vec<PublicKey>>);
