//! The sign-up builder.

use crate::operation::Operation;
use serde_json::Value;

use super::{check_policy_setter, sign_up_setters};
use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Result;
use crate::policy::PasswordPolicy;
use crate::request::{check_login_id, request};
use crate::transport::send;
use crate::wire::{PasswordSignUpRequest, SignUpOptions, SignUpUser};

request! {
    /// A sign-up being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct SignUp {
        client: Client,
        body: PasswordSignUpRequest,
        policy: Option<PasswordPolicy>,
    } => Result<AuthInfo>;
}

impl SignUp {
    check_policy_setter!();

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

    sign_up_setters!(SignUpUser, "The user's email address. Defaults to none.");

    /// The message template. Defaults to the project's.
    pub fn template_id(mut self, template_id: impl Into<String>) -> Self {
        self.options().template_id = Some(template_id.into());
        self
    }
}

impl SignUp {
    async fn run(self) -> Result<AuthInfo> {
        const OP: Operation = Operation::PasswordSignUp;
        check_login_id(&self.body.login_id)?;
        let policy = self.policy.as_ref();
        super::check_new_password(&self.body.password, "password", policy)?;
        let api = self.client.api();
        let response = match send(&self.client.shared, OP, || api.password_sign_up(&self.body))
            .await
        {
            Ok(response) => response,
            Err(error) => {
                return Err(super::refusal::named(&self.client, error, &self.body.password).await)
            }
        };
        super::signed_in(&self.client, OP, response)
    }
}
