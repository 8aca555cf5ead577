//! Password authentication: `client.password()`.

mod change;
mod complete;
pub(crate) mod refusal;
mod reset;
mod sign_in;
mod sign_up;

pub use change::{Replace, Update};
pub use complete::CompleteReset;
pub use reset::{ResetMethod, ResetSent, SendReset};
pub use sign_in::SignIn;
pub use sign_up::SignUp;

use crate::client::Client;
use crate::error::Result;
use crate::operation::Operation;
use crate::policy::PasswordPolicy;
use crate::request::request;
use crate::secret::{OpaqueToken, Password, RefreshJwt};
use crate::transport::send;
use crate::wire::{
    PasswordReplaceRequest, PasswordResetRequest, PasswordSignInRequest, PasswordSignUpRequest,
    PasswordUpdateRequest,
};

/// The setters of a request that sends a message (a reset, an email update), on a builder
/// whose `body` has `template_options`, `template_id`, `provider_id` and `locale`.
macro_rules! message_setters {
    () => {
        $crate::setters::setters! {
            /// A value for the message template. Defaults to none.
            template_option(key: impl Into<String>, value: impl Into<String>)
                => insert(body.template_options);

            /// The message template. Defaults to the project's.
            template_id(template_id: impl Into<String>) => Some(body.template_id);

            /// The provider that sends the message. Defaults to the project's.
            provider_id(provider_id: impl Into<String>) => Some(body.provider_id);

            /// The locale of the message. Defaults to the project's.
            locale(locale: impl Into<String>) => Some(body.locale);
        }
    };
}
pub(crate) use message_setters;

/// The setters shared by the sign-up and sign-in builders (their options types differ).
macro_rules! login_option_setters {
    () => {
        $crate::setters::setters! {
            /// A custom claim for the session JWT. Defaults to none.
            custom_claim(key: impl Into<String>, value: impl Into<serde_json::Value>)
                => insert(options().custom_claims);

            /// A value for the message templates. Defaults to none.
            template_option(key: impl Into<String>, value: impl Into<String>)
                => insert(options().template_options);

            /// The locale of messages. Defaults to the project's.
            locale(locale: impl Into<String>) => Some(options().locale);

            /// A PKCE challenge. Defaults to none.
            pkce_challenge(challenge: impl Into<String>) => Some(options().pkce_challenge);

            /// The tenant to sign into. Defaults to none.
            tenant_id(tenant_id: impl Into<String>) => Some(options().tenant_id);
        }
    };
}
pub(crate) use login_option_setters;

/// `stepup` and `mfa`, on a builder with `options() -> &mut LoginOptions` and a
/// `refresh_jwt: Option<RefreshJwt>` field (the signed-in user's session the call builds on).
macro_rules! stepup_setters {
    () => {
        /// A step-up of the user signed in with `refresh_jwt`. Defaults to off.
        pub fn stepup(mut self, refresh_jwt: &$crate::secret::RefreshJwt) -> Self {
            self.options().stepup = Some(true);
            self.refresh_jwt = Some(refresh_jwt.clone());
            self
        }

        /// A second factor for the user signed in with `refresh_jwt`. Defaults to off.
        pub fn mfa(mut self, refresh_jwt: &$crate::secret::RefreshJwt) -> Self {
            self.options().mfa = Some(true);
            self.refresh_jwt = Some(refresh_jwt.clone());
            self
        }
    };
}
pub(crate) use stepup_setters;

/// The setters every sign-up builder has (password, OTP, magic and enchanted link), on a
/// builder whose `body` has `user` (of type `$user`) and `login_options`: the profile the
/// sign-up names, and the login options. `$email` documents `email`.
macro_rules! sign_up_setters {
    ($user:ty, $email:literal) => {
        fn user(&mut self) -> &mut $user {
            self.body.user.get_or_insert_with(Default::default)
        }

        fn options(&mut self) -> &mut SignUpOptions {
            self.body.login_options.get_or_insert_with(Default::default)
        }

        $crate::setters::setters! {
            /// The user's full name. Defaults to none.
            name(name: impl Into<String>) => Some(user().name);

            #[doc = $email]
            email(email: impl Into<String>) => Some(user().email);

            /// The user's phone number. Defaults to none.
            phone(phone: impl Into<String>) => Some(user().phone);
        }

        $crate::password::login_option_setters!();
    };
}
pub(crate) use sign_up_setters;

/// The setters of an emailed sign-in (OTP, magic and enchanted link), on a builder whose `body`
/// has `provider_id` and `login_options` (`LoginOptions`).
macro_rules! email_sign_in_setters {
    () => {
        fn options(&mut self) -> &mut LoginOptions {
            self.body.login_options.get_or_insert_with(Default::default)
        }

        $crate::setters::setters! {
            /// The provider that sends the message. Defaults to the project's.
            provider_id(provider_id: impl Into<String>) => Some(body.provider_id);
        }

        $crate::password::login_option_setters!();
    };
}
pub(crate) use email_sign_in_setters;

/// `check_policy`, on a builder with `policy: Option<PasswordPolicy>` that sends a new password
/// (sign-up, replace, update). A completed reset documents its own: it fetches the policy.
macro_rules! check_policy_setter {
    () => {
        /// Check the new password against `policy` before sending, and refuse it with
        /// [`Error::PasswordPolicy`](crate::Error::PasswordPolicy) (naming every unmet rule) when it
        /// falls short. Defaults to no local check (the service checks anyway).
        pub fn check_policy(mut self, policy: &PasswordPolicy) -> Self {
            self.policy = Some(policy.clone());
            self
        }
    };
}
pub(crate) use check_policy_setter;

/// The result of a sign-in, sign-up or password change, its cookie names checked against the
/// client's.
pub(super) fn signed_in(
    client: &Client,
    operation: Operation,
    response: progenitor_client::ResponseValue<crate::wire::JwtResponse>,
) -> Result<crate::auth_info::AuthInfo> {
    let headers = crate::auth_info::set_cookie_headers(response.headers());
    let result =
        crate::auth_info::AuthInfo::from_response(operation, response.into_inner(), &headers);
    if let Ok(auth) = &result {
        client.check_cookie_names(&auth.cookies);
    }
    result
}

/// Refuses an empty new password, and, with a `policy` to check locally, one that misses its
/// rules ([`Error::PasswordPolicy`](crate::Error::PasswordPolicy), naming them).
fn check_new_password(
    password: &Password,
    field: &'static str,
    policy: Option<&PasswordPolicy>,
) -> Result<()> {
    crate::request::check_password(password, field)?;
    match policy {
        Some(policy) => Ok(policy.check(password.secret())?),
        None => Ok(()),
    }
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
            policy: None,
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
            policy: None,
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
            policy: None,
            refresh_jwt: refresh_jwt.clone(),
            body: PasswordUpdateRequest {
                login_id: login_id.into(),
                new_password: new_password.into(),
            },
        }
    }

    /// Finishes a reset sent by magic link ([`ResetMethod::MagicLink`]): `token` is the `t`
    /// query parameter of the link the user clicked. Checks the new password against the
    /// policy before the token is spent, verifies the token (a fresh session, returned), and
    /// sets the password. For the other methods: verify with
    /// [`otp().verify`](crate::Client::otp) or
    /// [`enchanted_link().wait_for_session`](crate::Client::enchanted_link), then
    /// [`update`](Self::update) with the refresh JWT it returns.
    pub fn complete_reset_with_magic_link(
        &self,
        token: impl Into<OpaqueToken>,
        new_password: impl Into<Password>,
    ) -> CompleteReset {
        CompleteReset {
            client: self.client.clone(),
            token: token.into(),
            new_password: new_password.into(),
            policy: None,
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
    pub fn policy(&self) -> GetPolicy {
        GetPolicy {
            client: self.client.clone(),
        }
    }
}

request! {
    /// [`PasswordClient::policy`]: `.await` it (or call [`send`](Self::send)).
    #[derive(Clone)]
    pub struct GetPolicy { client: Client } => Result<PasswordPolicy>;
}

impl GetPolicy {
    async fn run(self) -> Result<PasswordPolicy> {
        const OP: Operation = Operation::PasswordPolicy;
        let api = self.client.api();
        let response = send(&self.client.shared, OP, || api.password_policy()).await?;
        Ok(PasswordPolicy::from_wire(response.into_inner()))
    }
}
