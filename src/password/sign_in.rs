//! The sign-in builder.

use crate::operation::Operation;
use serde_json::{Map, Value};

use super::login_option_setters;
use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Result;
use crate::request::{check_login_id, check_password, check_token, request};
use crate::secret::RefreshJwt;
use crate::transport::send;
use crate::wire::{LoginOptions, PasswordSignInRequest};

request! {
    /// A sign-in being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct SignIn {
        client: Client,
        refresh_jwt: Option<RefreshJwt>,
        body: PasswordSignInRequest,
    } => Result<AuthInfo>;
}

impl SignIn {
    fn options(&mut self) -> &mut LoginOptions {
        self.body.login_options.get_or_insert_with(Default::default)
    }

    /// A step-up sign-in of a user already signed in with `refresh_jwt`. Defaults to off.
    pub fn stepup(mut self, refresh_jwt: &RefreshJwt) -> Self {
        self.options().stepup = Some(true);
        self.refresh_jwt = Some(refresh_jwt.clone());
        self
    }

    /// An MFA sign-in of a user already signed in with `refresh_jwt`. Defaults to off.
    pub fn mfa(mut self, refresh_jwt: &RefreshJwt) -> Self {
        self.options().mfa = Some(true);
        self.refresh_jwt = Some(refresh_jwt.clone());
        self
    }

    /// The SSO application to sign into (`ssoAppId`). Defaults to none.
    pub fn sso_app_id(mut self, sso_app_id: impl Into<String>) -> Self {
        self.body.sso_app_id = Some(sso_app_id.into());
        self
    }

    /// The SSO application in the login options (`loginOptions.ssoAppId`). Defaults to none.
    pub fn login_option_sso_app_id(mut self, sso_app_id: impl Into<String>) -> Self {
        self.options().sso_app_id = Some(sso_app_id.into());
        self
    }

    login_option_setters!();

    /// Replaces all custom claims. Defaults to none.
    pub fn custom_claims(mut self, claims: Map<String, Value>) -> Self {
        self.options().custom_claims = Some(claims);
        self
    }

    /// Revoke the user's other sessions on sign-in. Defaults to the service's (no).
    pub fn revoke_other_sessions(mut self, revoke: bool) -> Self {
        self.options().revoke_other_sessions = Some(revoke);
        self
    }

    /// Which kinds of other sessions to revoke. Defaults to all.
    pub fn revoke_other_sessions_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options().revoke_other_sessions_types =
            Some(types.into_iter().map(Into::into).collect());
        self
    }
}

impl SignIn {
    async fn run(self) -> Result<AuthInfo> {
        const OP: Operation = Operation::PasswordSignIn;
        check_login_id(&self.body.login_id)?;
        check_password(&self.body.password, "password")?;
        let with_token;
        let api = match &self.refresh_jwt {
            Some(token) => {
                check_token(token.secret(), "refresh JWT")?;
                with_token = self.client.api_with_token(token.secret(), "refresh JWT")?;
                &with_token
            }
            None => self.client.api(),
        };
        let response = send(&self.client.shared, OP, || api.password_sign_in(&self.body)).await?;
        super::signed_in(&self.client, OP, response)
    }
}
