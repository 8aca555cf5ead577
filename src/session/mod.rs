//! The session side of a signed-in user: `client.sessions()`.

use crate::auth_info::{AuthInfo, CookieSettings};
use crate::client::Client;
use crate::error::Result;
use crate::generated::types::{EmptyRequest, KeysResponse, ResponseUser};
use crate::request::check_token;
use crate::secret::RefreshJwt;
use crate::transport::convert;

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

    /// Exchanges a refresh JWT for a new session. When the project rotates refresh tokens, the
    /// new one is in [`AuthInfo::refresh_jwt`]: store it.
    pub async fn refresh(self, refresh_jwt: &RefreshJwt) -> Result<AuthInfo> {
        const OP: &str = "refresh_session";
        let api = self.api(refresh_jwt)?;
        let response = convert(OP, api.refresh_session(&empty()).await)?;
        let headers = response.headers().clone();
        AuthInfo::from_response(OP, response.into_inner(), &headers)
    }

    /// Like [`refresh`](Self::refresh), but `Ok(None)` when the service has no valid session
    /// for the token instead of an error.
    pub async fn try_refresh(self, refresh_jwt: &RefreshJwt) -> Result<Option<AuthInfo>> {
        const OP: &str = "try_refresh_session";
        let api = self.api(refresh_jwt)?;
        let response = convert(OP, api.try_refresh_session(&empty()).await)?;
        let headers = response.headers().clone();
        Ok(AuthInfo::maybe_from_response(
            response.into_inner(),
            &headers,
        ))
    }

    /// Revokes the refresh JWT.
    pub async fn logout(self, refresh_jwt: &RefreshJwt) -> Result<LoggedOut> {
        const OP: &str = "logout";
        let api = self.api(refresh_jwt)?;
        let response = convert(OP, api.logout(&empty()).await)?;
        Ok(LoggedOut {
            cookies: CookieSettings::from_response(&response.into_inner()),
        })
    }

    /// Revokes every refresh JWT of the user who owns this one.
    pub async fn logout_all(self, refresh_jwt: &RefreshJwt) -> Result<LoggedOut> {
        const OP: &str = "logout_all";
        let api = self.api(refresh_jwt)?;
        let response = convert(OP, api.logout_all(&empty()).await)?;
        Ok(LoggedOut {
            cookies: CookieSettings::from_response(&response.into_inner()),
        })
    }

    /// The user who owns the refresh JWT.
    pub async fn me(self, refresh_jwt: &RefreshJwt) -> Result<ResponseUser> {
        const OP: &str = "me";
        let api = self.api(refresh_jwt)?;
        Ok(convert(OP, api.me().await)?.into_inner())
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
