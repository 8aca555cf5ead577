//! Changing a password: replace (with the old one) and update (with a refresh JWT).

use super::check_policy_setter;
use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Result;
use crate::operation::Operation;
use crate::policy::PasswordPolicy;
use crate::request::{check_login_id, check_password, check_token, request};
use crate::secret::RefreshJwt;
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{PasswordReplaceRequest, PasswordUpdateRequest};

request! {
    /// A password replace being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct Replace {
        client: Client,
        body: PasswordReplaceRequest,
        policy: Option<PasswordPolicy>,
    } => Result<AuthInfo>;
}

impl Replace {
    check_policy_setter!();

    setters! {
        /// Revoke the user's other sessions. Defaults to the service's (no).
        revoke_other_sessions(revoke: bool) => Some(body.revoke_other_sessions);

        /// Which kinds of other sessions to revoke. Defaults to all.
        revoke_other_sessions_types(types: impl IntoIterator<Item = impl Into<String>>)
            => collect(body.revoke_other_sessions_types);
    }
}

impl Replace {
    async fn run(self) -> Result<AuthInfo> {
        const OP: Operation = Operation::PasswordReplace;
        check_login_id(&self.body.login_id)?;
        check_password(&self.body.old_password, "old password")?;
        let policy = self.policy.as_ref();
        super::check_new_password(&self.body.new_password, "new password", policy)?;
        let api = self.client.api();
        let response =
            match send(&self.client.shared, OP, || api.password_replace(&self.body)).await {
                Ok(response) => response,
                Err(error) => {
                    let password = &self.body.new_password;
                    return Err(super::refusal::named(&self.client, error, password).await);
                }
            };
        super::signed_in(&self.client, OP, response)
    }
}

request! {
    /// A password update being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct Update {
        client: Client,
        refresh_jwt: RefreshJwt,
        body: PasswordUpdateRequest,
        policy: Option<PasswordPolicy>,
    } => Result<()>;
}

impl Update {
    check_policy_setter!();
}

impl Update {
    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::PasswordUpdate;
        check_login_id(&self.body.login_id)?;
        let policy = self.policy.as_ref();
        super::check_new_password(&self.body.new_password, "new password", policy)?;
        check_token(self.refresh_jwt.secret(), "refresh JWT")?;
        let api = self
            .client
            .api_with_token(self.refresh_jwt.secret(), "refresh JWT")?;
        if let Err(error) = send(&self.client.shared, OP, || api.password_update(&self.body)).await
        {
            let password = &self.body.new_password;
            return Err(super::refusal::named(&self.client, error, password).await);
        }
        Ok(())
    }
}
