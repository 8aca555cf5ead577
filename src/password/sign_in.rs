//! The sign-in builder.

use crate::operation::Operation;
use serde_json::{Map, Value};

use super::login_option_setters;
use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Result;
use crate::request::{check_login_id, check_password, request};
use crate::secret::RefreshJwt;
use crate::setters::setters;
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

    super::stepup_setters!();

    setters! {
        /// The SSO application to sign into (`ssoAppId`). Defaults to none.
        sso_app_id(sso_app_id: impl Into<String>) => Some(body.sso_app_id);

        /// The SSO application in the login options (`loginOptions.ssoAppId`). Defaults to none.
        login_option_sso_app_id(sso_app_id: impl Into<String>) => Some(options().sso_app_id);
    }

    login_option_setters!();

    setters! {
        /// Replaces all custom claims. Defaults to none.
        custom_claims(claims: Map<String, Value>) => Some(options().custom_claims);

        /// Revoke the user's other sessions on sign-in. Defaults to the service's (no).
        revoke_other_sessions(revoke: bool) => Some(options().revoke_other_sessions);

        /// Which kinds of other sessions to revoke. Defaults to all.
        revoke_other_sessions_types(types: impl IntoIterator<Item = impl Into<String>>)
            => collect(options().revoke_other_sessions_types);
    }
}

impl SignIn {
    async fn run(self) -> Result<AuthInfo> {
        const OP: Operation = Operation::PasswordSignIn;
        check_login_id(&self.body.login_id)?;
        check_password(&self.body.password, "password")?;
        let api = self.client.api_for(self.refresh_jwt.as_ref())?;
        let response = send(&self.client.shared, OP, || api.password_sign_in(&self.body)).await?;
        super::signed_in(&self.client, OP, response)
    }
}
