//! Changing a password: replace (with the old one) and update (with a refresh JWT).

use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Result;
use crate::request::{awaitable, check_login_id, check_password, check_token};
use crate::secret::RefreshJwt;
use crate::transport::convert;
use crate::wire::{PasswordReplaceRequest, PasswordUpdateRequest};

/// A password replace being prepared; `.await` it (or call [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct Replace {
    pub(super) client: Client,
    pub(super) body: PasswordReplaceRequest,
}

impl Replace {
    /// Revoke the user's other sessions. Defaults to the service's (no).
    pub fn revoke_other_sessions(mut self, revoke: bool) -> Self {
        self.body.revoke_other_sessions = Some(revoke);
        self
    }

    /// Which kinds of other sessions to revoke. Defaults to all.
    pub fn revoke_other_sessions_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body.revoke_other_sessions_types = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// Sends the replace.
    pub async fn send(self) -> Result<AuthInfo> {
        const OP: &str = "password_replace";
        check_login_id(&self.body.login_id)?;
        check_password(&self.body.old_password, "old password")?;
        check_password(&self.body.new_password, "new password")?;
        let response = convert(OP, self.client.api().password_replace(&self.body).await)?;
        let headers = response.headers().clone();
        AuthInfo::from_response(OP, response.into_inner(), &headers)
    }
}
awaitable!(Replace => AuthInfo);

/// A password update being prepared; `.await` it (or call [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct Update {
    pub(super) client: Client,
    pub(super) refresh_jwt: RefreshJwt,
    pub(super) body: PasswordUpdateRequest,
}

impl Update {
    /// Sends the update.
    pub async fn send(self) -> Result<()> {
        const OP: &str = "password_update";
        check_login_id(&self.body.login_id)?;
        check_password(&self.body.new_password, "new password")?;
        check_token(self.refresh_jwt.secret(), "refresh JWT")?;
        let api = self
            .client
            .api_with_token(self.refresh_jwt.secret(), "refresh JWT")?;
        convert(OP, api.password_update(&self.body).await)?;
        Ok(())
    }
}
awaitable!(Update => ());
