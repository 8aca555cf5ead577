//! Password authentication: `client.password()`.

use serde_json::{Map, Value};

use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::policy::PasswordPolicy;
use crate::request::{awaitable, check_login_id, check_password, check_token};
use crate::secret::{Password, RefreshJwt};
use crate::transport::convert;
use crate::wire::{
    LoginOptions, PasswordReplaceRequest, PasswordResetRequest, PasswordResetResponse,
    PasswordSignInRequest, PasswordSignUpRequest, PasswordUpdateRequest, SignUpOptions, SignUpUser,
};

/// The setters shared by the sign-up and sign-in builders (their options types differ).
macro_rules! login_option_setters {
    () => {
        /// A custom claim for the session JWT. Defaults to none.
        pub fn custom_claim(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
            self.options()
                .custom_claims
                .get_or_insert_with(Default::default)
                .insert(key.into(), value.into());
            self
        }

        /// A value for the message templates. Defaults to none.
        pub fn template_option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
            self.options()
                .template_options
                .get_or_insert_with(Default::default)
                .insert(key.into(), value.into());
            self
        }

        /// The locale of messages. Defaults to the project's.
        pub fn locale(mut self, locale: impl Into<String>) -> Self {
            self.options().locale = Some(locale.into());
            self
        }

        /// A PKCE challenge. Defaults to none.
        pub fn pkce_challenge(mut self, challenge: impl Into<String>) -> Self {
            self.options().pkce_challenge = Some(challenge.into());
            self
        }

        /// The tenant to sign into. Defaults to none.
        pub fn tenant_id(mut self, tenant_id: impl Into<String>) -> Self {
            self.options().tenant_id = Some(tenant_id.into());
            self
        }
    };
}

/// Password operations of a [`Client`]. Get one with [`Client::password`].
/// It holds a cheap clone of the client; so does every request builder, whose futures are
/// therefore `'static + Send` (ready for `tokio::spawn`).
#[derive(Clone, Debug)]
pub struct PasswordClient {
    pub(crate) client: Client,
}

impl PasswordClient {
    /// Signs up a new user and signs them in. Add profile fields and options with the builder's
    /// methods, then `.await` it.
    ///
    /// ```no_run
    /// # async fn run(client: descope::Client) -> Result<(), descope::Error> {
    /// let auth = client
    ///     .password()
    ///     .sign_up("ada@example.com", "correct horse battery")
    ///     .name("Ada Lovelace")
    ///     .email("ada@example.com")
    ///     .await?;
    /// assert!(auth.first_seen);
    /// # Ok(()) }
    /// ```
    pub fn sign_up(&self, login_id: impl Into<String>, password: impl Into<Password>) -> SignUp {
        SignUp {
            client: self.client.clone(),
            body: PasswordSignUpRequest {
                login_id: login_id.into(),
                password: password.into(),
                user: None,
                login_options: None,
            },
        }
    }

    /// Signs a user in with their password.
    pub fn sign_in(&self, login_id: impl Into<String>, password: impl Into<Password>) -> SignIn {
        SignIn {
            client: self.client.clone(),
            refresh_jwt: None,
            body: PasswordSignInRequest {
                login_id: login_id.into(),
                password: password.into(),
                sso_app_id: None,
                login_options: None,
            },
        }
    }

    /// Replaces a password after checking the old one; signs the user in.
    pub fn replace(
        &self,
        login_id: impl Into<String>,
        old_password: impl Into<Password>,
        new_password: impl Into<Password>,
    ) -> Replace {
        Replace {
            client: self.client.clone(),
            body: PasswordReplaceRequest {
                login_id: login_id.into(),
                old_password: old_password.into(),
                new_password: new_password.into(),
                revoke_other_sessions: None,
                revoke_other_sessions_types: None,
            },
        }
    }

    /// Sets a new password for a signed-in user, proven by their refresh JWT.
    pub fn update(
        &self,
        login_id: impl Into<String>,
        new_password: impl Into<Password>,
        refresh_jwt: &RefreshJwt,
    ) -> Update {
        Update {
            client: self.client.clone(),
            refresh_jwt: refresh_jwt.clone(),
            body: PasswordUpdateRequest {
                login_id: login_id.into(),
                new_password: new_password.into(),
            },
        }
    }

    /// Sends the user a password reset.
    pub fn send_reset(&self, login_id: impl Into<String>) -> SendReset {
        SendReset {
            client: self.client.clone(),
            body: PasswordResetRequest {
                login_id: login_id.into(),
                redirect_url: None,
                template_options: None,
                template_id: None,
                provider_id: None,
                locale: None,
                use_recovery: None,
            },
        }
    }

    /// The project's password policy. [`PasswordPolicy::check`] tells a user what a password
    /// lacks before it is sent.
    pub async fn policy(&self) -> Result<PasswordPolicy> {
        const OP: &str = "password_policy";
        let api = self.client.api();
        let response = convert(OP, api.password_policy().await)?;
        Ok(PasswordPolicy::from_wire(response.into_inner()))
    }
}

/// A sign-up being prepared; `.await` it (or call [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct SignUp {
    client: Client,
    body: PasswordSignUpRequest,
}

impl SignUp {
    fn user(&mut self) -> &mut SignUpUser {
        self.body.user.get_or_insert_with(Default::default)
    }

    fn options(&mut self) -> &mut SignUpOptions {
        self.body.login_options.get_or_insert_with(Default::default)
    }

    /// The user's full name. Defaults to none.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.user().name = Some(name.into());
        self
    }

    /// The user's given name. Defaults to none.
    pub fn given_name(mut self, name: impl Into<String>) -> Self {
        self.user().given_name = Some(name.into());
        self
    }

    /// The user's middle name. Defaults to none.
    pub fn middle_name(mut self, name: impl Into<String>) -> Self {
        self.user().middle_name = Some(name.into());
        self
    }

    /// The user's family name. Defaults to none.
    pub fn family_name(mut self, name: impl Into<String>) -> Self {
        self.user().family_name = Some(name.into());
        self
    }

    /// The user's email address. Defaults to none.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.user().email = Some(email.into());
        self
    }

    /// The user's phone number. Defaults to none.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.user().phone = Some(phone.into());
        self
    }

    /// An email address for password recovery. Defaults to none.
    pub fn recovery_email(mut self, email: impl Into<String>) -> Self {
        self.user().recovery_email = Some(email.into());
        self
    }

    /// A phone number for password recovery. Defaults to none.
    pub fn recovery_phone(mut self, phone: impl Into<String>) -> Self {
        self.user().recovery_phone = Some(phone.into());
        self
    }

    /// The login ID inside the user object (`user.loginId`), when it must differ from the
    /// sign-up's login ID. Defaults to none (the service uses the sign-up's).
    pub fn user_login_id(mut self, login_id: impl Into<String>) -> Self {
        self.user().login_id = Some(login_id.into());
        self
    }

    login_option_setters!();

    /// The message template. Defaults to the project's.
    pub fn template_id(mut self, template_id: impl Into<String>) -> Self {
        self.options().template_id = Some(template_id.into());
        self
    }

    /// Sends the sign-up.
    pub async fn send(self) -> Result<AuthInfo> {
        const OP: &str = "password_sign_up";
        check_login_id(&self.body.login_id)?;
        check_password(&self.body.password, "password")?;
        let response = convert(OP, self.client.api().password_sign_up(&self.body).await)?;
        let headers = response.headers().clone();
        AuthInfo::from_response(OP, response.into_inner(), &headers)
    }
}
awaitable!(SignUp => AuthInfo);

/// A sign-in being prepared; `.await` it (or call [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct SignIn {
    client: Client,
    refresh_jwt: Option<RefreshJwt>,
    body: PasswordSignInRequest,
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

    /// Sends the sign-in.
    pub async fn send(self) -> Result<AuthInfo> {
        const OP: &str = "password_sign_in";
        check_login_id(&self.body.login_id)?;
        check_password(&self.body.password, "password")?;
        let api = match &self.refresh_jwt {
            Some(token) => {
                check_token(token.secret(), "refresh JWT")?;
                self.client.api_with_token(token.secret(), "refresh JWT")?
            }
            None => self.client.api(),
        };
        let response = convert(OP, api.password_sign_in(&self.body).await)?;
        let headers = response.headers().clone();
        AuthInfo::from_response(OP, response.into_inner(), &headers)
    }
}
awaitable!(SignIn => AuthInfo);

/// A password replace being prepared; `.await` it (or call [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct Replace {
    client: Client,
    body: PasswordReplaceRequest,
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
    client: Client,
    refresh_jwt: RefreshJwt,
    body: PasswordUpdateRequest,
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

/// A password reset being prepared; `.await` it (or call [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct SendReset {
    client: Client,
    body: PasswordResetRequest,
}

impl SendReset {
    /// Where the reset link leads. Defaults to the project's setting.
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.body.redirect_url = Some(url.into());
        self
    }

    /// A value for the message template. Defaults to none.
    pub fn template_option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.body
            .template_options
            .get_or_insert_with(Default::default)
            .insert(key.into(), value.into());
        self
    }

    /// The message template. Defaults to the project's.
    pub fn template_id(mut self, template_id: impl Into<String>) -> Self {
        self.body.template_id = Some(template_id.into());
        self
    }

    /// The provider that sends the reset. Defaults to the project's.
    pub fn provider_id(mut self, provider_id: impl Into<String>) -> Self {
        self.body.provider_id = Some(provider_id.into());
        self
    }

    /// The locale of the message. Defaults to the project's.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.body.locale = Some(locale.into());
        self
    }

    /// Send to the recovery email or phone. Defaults to no.
    pub fn use_recovery(mut self, use_recovery: bool) -> Self {
        self.body.use_recovery = Some(use_recovery);
        self
    }

    /// Sends the reset request.
    pub async fn send(self) -> Result<ResetSent> {
        const OP: &str = "password_send_reset";
        check_login_id(&self.body.login_id)?;
        let response = convert(OP, self.client.api().password_send_reset(&self.body).await)?;
        ResetSent::from_wire(OP, response.into_inner())
    }
}
awaitable!(SendReset => ResetSent);

/// What [`SendReset`] returns: how the reset was sent, and where to (masked).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetSent {
    /// How the reset was sent (`email`...).
    pub method: String,
    /// The address it went to, masked (`a***@example.com`), when the service said.
    pub masked_email: Option<String>,
    /// A reference to poll for completion, for methods that have one.
    pub pending_ref: Option<String>,
    /// The ID of the link sent, for methods that have one.
    pub link_id: Option<String>,
}

impl ResetSent {
    fn from_wire(operation: &'static str, wire: PasswordResetResponse) -> Result<Self> {
        let text = |v: Option<String>| v.filter(|v| !v.is_empty());
        Ok(Self {
            method: text(wire.reset_method).ok_or_else(|| Error::Decode {
                operation,
                reason: "the response has no resetMethod".into(),
            })?,
            masked_email: text(wire.masked_email),
            pending_ref: text(wire.pending_ref),
            link_id: text(wire.link_id),
        })
    }
}
