//! The session operations that ask the service, as named builders: each owns a cheap clone of
//! the client and its arguments, is sent by `.await` (or `.send()`), and its future is
//! `'static + Send` (`tokio::spawn(client.sessions().refresh(&rt).send())` compiles). Options
//! can be added to a builder later without breaking callers.

use super::{LoggedOut, Logout, Refreshed, RequestSession, SessionClient};
use crate::error::Result;
use crate::secret::{RefreshJwt, SessionJwt};
use crate::session::AuthHistory;
use crate::session::Session;
use crate::user::User;
use crate::wire::Jwk;

macro_rules! operation {
    ($(#[$doc:meta])* $name:ident { $($field:ident: $ty:ty),* } -> $out:ty => |$client:ident| $send:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until awaited"]
        pub struct $name {
            client: SessionClient,
            $($field: $ty,)*
        }

        impl $name {
            /// Sends it.
            pub async fn send(self) -> $out {
                let $name { client: $client, $($field),* } = self;
                $send.await
            }
        }

        impl std::future::IntoFuture for $name {
            type Output = $out;
            type IntoFuture = crate::request::BoxFuture<'static, $out>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

operation! {
    /// [`SessionClient::validate`]: `.await` it.
    Validate { session_jwt: SessionJwt } -> Result<Session>
        => |client| client.validate_now(&session_jwt)
}

operation! {
    /// [`SessionClient::validate_refresh`]: `.await` it.
    ValidateRefresh { refresh_jwt: RefreshJwt } -> Result<Session>
        => |client| client.validate_refresh_now(&refresh_jwt)
}

operation! {
    /// [`SessionClient::validate_and_refresh`]: `.await` it.
    ValidateAndRefresh { session_jwt: SessionJwt, refresh_jwt: RefreshJwt } -> Result<RequestSession>
        => |client| client.validate_and_refresh_now(&session_jwt, &refresh_jwt)
}

operation! {
    /// [`SessionClient::refresh`]: `.await` it.
    Refresh { refresh_jwt: RefreshJwt } -> Result<Refreshed>
        => |client| client.refresh_now(&refresh_jwt)
}

operation! {
    /// [`SessionClient::try_refresh`]: `.await` it.
    TryRefresh { refresh_jwt: RefreshJwt } -> Result<Option<Refreshed>>
        => |client| client.try_refresh_now(&refresh_jwt)
}

operation! {
    /// [`SessionClient::logout`]: `.await` it.
    LogoutSession { refresh_jwt: RefreshJwt } -> Result<LoggedOut>
        => |client| client.logout_now(&refresh_jwt)
}

operation! {
    /// [`SessionClient::logout_all`]: `.await` it.
    LogoutAll { refresh_jwt: RefreshJwt } -> Result<LoggedOut>
        => |client| client.logout_all_now(&refresh_jwt)
}

operation! {
    /// [`SessionClient::logout_and_clear`]: `.await` it.
    LogoutAndClear { refresh_jwt: Option<RefreshJwt> } -> Logout
        => |client| client.logout_and_clear_now(refresh_jwt.as_ref())
}

operation! {
    /// [`SessionClient::me`]: `.await` it.
    Me { refresh_jwt: RefreshJwt } -> Result<User>
        => |client| client.me_now(&refresh_jwt)
}

operation! {
    /// [`SessionClient::select_tenant`]: `.await` it.
    SelectTenant { tenant_id: String, refresh_jwt: RefreshJwt } -> Result<Refreshed>
        => |client| client.select_tenant_now(tenant_id, &refresh_jwt)
}

operation! {
    /// [`SessionClient::history`]: `.await` it.
    History { refresh_jwt: RefreshJwt } -> Result<Vec<AuthHistory>>
        => |client| client.history_now(&refresh_jwt)
}

operation! {
    /// [`SessionClient::keys`]: `.await` it.
    Keys {} -> Result<Vec<Jwk>>
        => |client| client.keys_now()
}

impl SessionClient {
    /// Validates a session JWT locally: signature against the project's keys (fetched once,
    /// then cached), algorithm pinned by the key, `exp`/`nbf` with leeway, `iss`, `aud` when
    /// configured, and that it is a session (not refresh) JWT. A token validated before is
    /// answered from a cache of verified tokens. Takes a `&str` or a [`SessionJwt`].
    pub fn validate<T: super::Token + ?Sized>(&self, session_jwt: &T) -> Validate {
        Validate {
            client: self.clone(),
            session_jwt: SessionJwt::from(session_jwt.token()),
        }
    }

    /// Validates a refresh JWT locally, as [`validate`](Self::validate) does a session JWT.
    /// Takes a `&str` or a [`RefreshJwt`].
    pub fn validate_refresh<T: super::Token + ?Sized>(&self, refresh_jwt: &T) -> ValidateRefresh {
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
    /// [`SessionConfig::refresh_share_window`](super::SessionConfig::refresh_share_window)
    /// after it. On an error, [`Error::ends_session`](crate::Error::ends_session) tells a
    /// refused refresh (signed out) from an outage.
    pub fn validate_and_refresh<T: super::Token + ?Sized>(
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
    /// ([`Session::current_tenant`](super::Session::current_tenant)), validated, and a new
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
