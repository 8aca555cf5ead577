//! Finishing a password reset sent by magic link, in one call.

use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::policy::PasswordPolicy;
use crate::request::{check_password, request};
use crate::secret::{OpaqueToken, Password};

request! {
    /// A magic-link reset completion being prepared; `.await` it (or call [`send`](Self::send)).
    ///
    /// The new password is checked against the policy *before* the link's token is spent (a token
    /// works once): the policy given with [`check_policy`](Self::check_policy), else the project's,
    /// fetched. Then the token is verified (a fresh session), and the password is set under that
    /// session's refresh JWT. The [`AuthInfo`] of the fresh session is returned: set its cookies.
    pub struct CompleteReset {
        client: Client,
        token: OpaqueToken,
        new_password: Password,
        policy: Option<PasswordPolicy>,
    } => Result<AuthInfo>;
}

impl CompleteReset {
    /// The policy to check the new password against. Defaults to the project's, fetched.
    pub fn check_policy(mut self, policy: &PasswordPolicy) -> Self {
        self.policy = Some(policy.clone());
        self
    }
}

impl CompleteReset {
    async fn run(self) -> Result<AuthInfo> {
        check_password(&self.new_password, "new password")?;
        if self.token.secret().trim().is_empty() {
            return Err(Error::invalid("token", "is empty"));
        }
        let policy = match self.policy {
            Some(policy) => policy,
            None => self.client.password().policy().await?,
        };
        policy.check(self.new_password.secret())?;
        let auth = self.client.magic_link().verify(self.token).await?;
        let login_id = auth.user.login_ids.first().cloned().ok_or(Error::Decode {
            operation: crate::Operation::MagicLinkVerify,
            reason: "the user has no login ID".into(),
        })?;
        self.client
            .password()
            .update(login_id, self.new_password, &auth.refresh_jwt)
            .send()
            .await?;
        Ok(auth)
    }
}
