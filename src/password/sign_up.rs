//! The sign-up builder.

use crate::operation::Operation;
use serde_json::Value;

use super::login_option_setters;
use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Result;
use crate::policy::PasswordPolicy;
use crate::request::{check_login_id, check_password, request, Request};
use crate::transport::send;
use crate::wire::{PasswordSignUpRequest, SignUpOptions, SignUpUser};

/// A sign-up being prepared; `.await` it (or call [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct SignUp {
    pub(super) client: Client,
    pub(super) body: PasswordSignUpRequest,
    pub(super) policy: Option<PasswordPolicy>,
}

impl SignUp {
    /// Check the new password against `policy` before sending, and refuse it with
    /// [`Error::PasswordPolicy`](crate::Error::PasswordPolicy) (naming every unmet rule) when it
    /// falls short. Defaults to no local check (the service checks anyway).
    pub fn check_policy(mut self, policy: &PasswordPolicy) -> Self {
        self.policy = Some(policy.clone());
        self
    }
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
}

impl Request for SignUp {
    type Output = Result<AuthInfo>;

    fn run(self) -> impl std::future::Future<Output = Self::Output> + Send + 'static {
        async move {
            const OP: Operation = Operation::PasswordSignUp;
            check_login_id(&self.body.login_id)?;
            check_password(&self.body.password, "password")?;
            if let Some(policy) = &self.policy {
                policy.check(self.body.password.secret())?;
            }
            let api = self.client.api();
            let response =
                match send(&self.client.shared, OP, || api.password_sign_up(&self.body)).await {
                    Ok(response) => response,
                    Err(error) => {
                        return Err(
                            super::refusal::named(&self.client, error, &self.body.password).await,
                        )
                    }
                };
            super::signed_in(&self.client, OP, response)
        }
    }
}
request!(SignUp => Result<AuthInfo>);
