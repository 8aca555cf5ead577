//! The sign-up builder.

use crate::operation::Operation;

use super::{check_policy_setter, sign_up_setters};
use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Result;
use crate::policy::PasswordPolicy;
use crate::request::{check_login_id, request};
use crate::setters::setters;
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

    setters! {
        /// The user's given name. Defaults to none.
        given_name(name: impl Into<String>) => Some(user().given_name);

        /// The user's middle name. Defaults to none.
        middle_name(name: impl Into<String>) => Some(user().middle_name);

        /// The user's family name. Defaults to none.
        family_name(name: impl Into<String>) => Some(user().family_name);

        /// An email address for password recovery. Defaults to none.
        recovery_email(email: impl Into<String>) => Some(user().recovery_email);

        /// A phone number for password recovery. Defaults to none.
        recovery_phone(phone: impl Into<String>) => Some(user().recovery_phone);

        /// The login ID inside the user object (`user.loginId`), when it must differ from the
        /// sign-up's login ID. Defaults to none (the service uses the sign-up's).
        user_login_id(login_id: impl Into<String>) => Some(user().login_id);
    }

    sign_up_setters!(SignUpUser, "The user's email address. Defaults to none.");

    setters! {
        /// The message template. Defaults to the project's.
        template_id(template_id: impl Into<String>) => Some(options().template_id);
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
