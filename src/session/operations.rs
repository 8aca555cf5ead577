//! The session operations, as named builders: each owns a cheap clone of the client and its
//! arguments, is sent by `.await` (or `.send()`), and its future is `'static + Send`
//! (`tokio::spawn(client.sessions().refresh(&rt).send())` compiles). Options can be added to a
//! builder later without breaking callers. The constructors are on [`SessionClient`].

use super::{LoggedOut, Logout, PublicKey, Refreshed, RequestSession, SessionClient, TokenKind};
use crate::auth_info::CookieSettings;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::request;
use crate::secret::{RefreshJwt, SessionJwt};
use crate::session::{AuthHistory, Session};
use crate::transport::send;
use crate::user::User;
use crate::wire::{LogoutRequest, RefreshSessionRequest, SelectTenantRequest};

/// The answer of a refresh or tenant selection that must carry a session.
fn no_session(operation: Operation) -> Error {
    Error::Decode {
        operation,
        reason: "the response has no session JWT, in the body or a cookie".into(),
    }
}

request! {
    /// [`SessionClient::validate`]: `.await` it.
    #[derive(Clone)]
    pub struct Validate { client: SessionClient, session_jwt: SessionJwt } => Result<Session>;
}

impl Validate {
    async fn run(self) -> Result<Session> {
        let token = self.session_jwt.secret();
        self.client.verify(token, TokenKind::Session).await
    }
}

request! {
    /// [`SessionClient::validate_refresh`]: `.await` it.
    #[derive(Clone)]
    pub struct ValidateRefresh { client: SessionClient, refresh_jwt: RefreshJwt } => Result<Session>;
}

impl ValidateRefresh {
    async fn run(self) -> Result<Session> {
        let token = self.refresh_jwt.secret();
        self.client.verify(token, TokenKind::Refresh).await
    }
}

request! {
    /// [`SessionClient::validate_and_refresh`]: `.await` it.
    #[derive(Clone)]
    pub struct ValidateAndRefresh {
        client: SessionClient,
        session_jwt: SessionJwt,
        refresh_jwt: RefreshJwt,
    } => Result<RequestSession>;
}

impl ValidateAndRefresh {
    async fn run(self) -> Result<RequestSession> {
        let token = self.session_jwt.secret();
        match self.client.verify(token, TokenKind::Session).await {
            Ok(session) => Ok(RequestSession {
                session,
                session_jwt: self.session_jwt,
                refresh_jwt: Some(self.refresh_jwt),
                refreshed: None,
            }),
            Err(error @ Error::KeyFetch { .. }) => Err(error),
            Err(_) => {
                let refreshed = self.client.refresh_shared(&self.refresh_jwt).await?;
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

request! {
    /// [`SessionClient::refresh`]: `.await` it.
    #[derive(Clone)]
    pub struct Refresh { client: SessionClient, refresh_jwt: RefreshJwt } => Result<Refreshed>;
}

impl Refresh {
    async fn run(self) -> Result<Refreshed> {
        const OP: Operation = Operation::RefreshSession;
        let (api, _) = self.client.authorized(&self.refresh_jwt).await?;
        let body = RefreshSessionRequest::default();
        let response = send(self.client.shared(), OP, || api.refresh_session(&body)).await?;
        let refreshed = self.client.refreshed(OP, response, &self.refresh_jwt);
        refreshed.await?.ok_or_else(|| no_session(OP))
    }
}

request! {
    /// [`SessionClient::try_refresh`]: `.await` it.
    #[derive(Clone)]
    pub struct TryRefresh { client: SessionClient, refresh_jwt: RefreshJwt } => Result<Option<Refreshed>>;
}

impl TryRefresh {
    async fn run(self) -> Result<Option<Refreshed>> {
        const OP: Operation = Operation::TryRefreshSession;
        let api = match self.client.authorized(&self.refresh_jwt).await {
            Ok((api, _)) => api,
            Err(error @ Error::KeyFetch { .. }) => return Err(error),
            Err(_) => return Ok(None),
        };
        let body = RefreshSessionRequest::default();
        let response = send(self.client.shared(), OP, || api.try_refresh_session(&body)).await?;
        self.client.refreshed(OP, response, &self.refresh_jwt).await
    }
}

request! {
    /// [`SessionClient::logout`]: `.await` it.
    #[derive(Clone)]
    pub struct LogoutSession { client: SessionClient, refresh_jwt: RefreshJwt } => Result<LoggedOut>;
}

impl LogoutSession {
    async fn run(self) -> Result<LoggedOut> {
        let refreshes = &self.client.client.session.refreshes;
        // Whatever the service answers, this process hands out no shared refresh of it again.
        refreshes.end(self.refresh_jwt.secret(), None);
        let (api, _) = self.client.authorized(&self.refresh_jwt).await?;
        let body = LogoutRequest::default();
        let response = send(self.client.shared(), Operation::Logout, || {
            api.logout(&body)
        });
        let cookies = CookieSettings::take(&mut response.await?.into_inner());
        Ok(LoggedOut { cookies })
    }
}

request! {
    /// [`SessionClient::logout_all`]: `.await` it.
    #[derive(Clone)]
    pub struct LogoutAll { client: SessionClient, refresh_jwt: RefreshJwt } => Result<LoggedOut>;
}

impl LogoutAll {
    async fn run(self) -> Result<LoggedOut> {
        let refreshes = &self.client.client.session.refreshes;
        refreshes.end(self.refresh_jwt.secret(), None);
        let (api, session) = self.client.authorized(&self.refresh_jwt).await?;
        // Every session of the user ends: so do their shared refreshes here.
        refreshes.end(self.refresh_jwt.secret(), Some(session.user_id()));
        let body = LogoutRequest::default();
        let response = send(self.client.shared(), Operation::LogoutAll, || {
            api.logout_all(&body)
        });
        let cookies = CookieSettings::take(&mut response.await?.into_inner());
        Ok(LoggedOut { cookies })
    }
}

request! {
    /// [`SessionClient::logout_and_clear`]: `.await` it.
    #[derive(Clone)]
    pub struct LogoutAndClear { client: SessionClient, refresh_jwt: Option<RefreshJwt> } => Logout;
}

impl LogoutAndClear {
    async fn run(self) -> Logout {
        let client = self.client;
        let (revoked, failure, settings) = match self.refresh_jwt {
            None => (false, None, None),
            Some(refresh_jwt) => {
                let logout = client.logout(&refresh_jwt);
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

request! {
    /// [`SessionClient::me`]: `.await` it.
    #[derive(Clone)]
    pub struct Me { client: SessionClient, refresh_jwt: RefreshJwt } => Result<User>;
}

impl Me {
    async fn run(self) -> Result<User> {
        let (api, _) = self.client.authorized(&self.refresh_jwt).await?;
        let response = send(self.client.shared(), Operation::Me, || api.me()).await?;
        User::from_wire(Operation::Me, response.into_inner())
    }
}

request! {
    /// [`SessionClient::select_tenant`]: `.await` it.
    #[derive(Clone)]
    pub struct SelectTenant {
        client: SessionClient,
        tenant_id: String,
        refresh_jwt: RefreshJwt,
    } => Result<Refreshed>;
}

impl SelectTenant {
    async fn run(self) -> Result<Refreshed> {
        const OP: Operation = Operation::SelectTenant;
        if self.tenant_id.trim().is_empty() {
            return Err(Error::invalid("tenant ID", "is empty"));
        }
        let (api, _) = self.client.authorized(&self.refresh_jwt).await?;
        let body = SelectTenantRequest {
            tenant: self.tenant_id,
        };
        let response = send(self.client.shared(), OP, || api.select_tenant(&body)).await?;
        let refreshed = self.client.refreshed(OP, response, &self.refresh_jwt);
        refreshed.await?.ok_or_else(|| no_session(OP))
    }
}

request! {
    /// [`SessionClient::history`]: `.await` it.
    #[derive(Clone)]
    pub struct History { client: SessionClient, refresh_jwt: RefreshJwt } => Result<Vec<AuthHistory>>;
}

impl History {
    async fn run(self) -> Result<Vec<AuthHistory>> {
        let (api, _) = self.client.authorized(&self.refresh_jwt).await?;
        let entries = send(self.client.shared(), Operation::MeHistory, || {
            api.me_history()
        });
        let entries = entries.await?.into_inner().0.unwrap_or_default();
        Ok(entries
            .into_iter()
            .filter_map(AuthHistory::from_wire)
            .collect())
    }
}

request! {
    /// [`SessionClient::keys`]: `.await` it.
    #[derive(Clone)]
    pub struct Keys { client: SessionClient } => Result<Vec<PublicKey>>;
}

impl Keys {
    async fn run(self) -> Result<Vec<PublicKey>> {
        const OP: Operation = Operation::GetKeys;
        let client = &self.client.client;
        let api = client.api();
        let response = send(&client.shared, OP, || api.project_keys(client.project_id())).await?;
        let keys = response.into_inner().keys.unwrap_or_default();
        keys.into_iter()
            .map(|key| PublicKey::from_wire(OP, key))
            .collect()
    }
}
