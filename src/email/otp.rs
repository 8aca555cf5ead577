//! One-time codes by email: `client.otp()`.

use super::{
    check_email, check_secret, sign_up_address, signed_in, update_email_setters, EmailSent,
};
use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Result;
use crate::operation::Operation;
use crate::password::{email_sign_in_setters, sign_up_setters};
use crate::request::{check_login_id, check_token, request};
use crate::secret::{OpaqueToken, RefreshJwt};
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{
    LoginOptions, OtpSignInRequest, OtpSignUpRequest, OtpSignUpUser, OtpUpdateEmailRequest,
    OtpVerifyRequest, SignUpOptions,
};

/// One-time codes by email. Get one with [`Client::otp`].
///
/// ```no_run
/// # async fn run(client: descope::Client, code_from_the_user: String) -> Result<(), descope::Error> {
/// client.otp().sign_in("ada@example.com").await?; // a 6-digit code goes to the address
/// let auth = client.otp().verify("ada@example.com", code_from_the_user).await?;
/// println!("signed in as {}", auth.user.user_id);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct OtpClient {
    pub(crate) client: Client,
}

impl OtpClient {
    /// Creates a user and emails them a code; [`verify`](Self::verify) signs them in. The
    /// address is the builder's [`email`](OtpSignUp::email), else the login ID.
    pub fn sign_up(&self, login_id: impl Into<String>) -> OtpSignUp {
        let body = OtpSignUpRequest {
            login_id: login_id.into(),
            email: None,
            user: None,
            provider_id: None,
            login_options: None,
        };
        OtpSignUp {
            client: self.client.clone(),
            body,
        }
    }

    /// Emails an existing user a code; [`verify`](Self::verify) signs them in.
    pub fn sign_in(&self, login_id: impl Into<String>) -> OtpSignIn {
        self.sign_in_as(login_id.into(), Operation::OtpSignInEmail)
    }

    /// Emails a code, creating the user when the login ID is new.
    pub fn sign_up_or_in(&self, login_id: impl Into<String>) -> OtpSignIn {
        self.sign_in_as(login_id.into(), Operation::OtpSignUpOrInEmail)
    }

    fn sign_in_as(&self, login_id: String, operation: Operation) -> OtpSignIn {
        let body = OtpSignInRequest {
            login_id,
            login_options: Some(LoginOptions::default()),
            provider_id: None,
            sso_app_id: None,
            use_recovery: None,
        };
        OtpSignIn {
            client: self.client.clone(),
            operation,
            body,
        }
    }

    /// Checks the code emailed for `login_id` and signs the user in. After
    /// [`update_email`](Self::update_email), `login_id` is the user's login ID (the code went to
    /// the new address), and the new address is set and verified.
    pub fn verify(&self, login_id: impl Into<String>, code: impl Into<OpaqueToken>) -> OtpVerify {
        let body = OtpVerifyRequest {
            login_id: login_id.into(),
            code: code.into(),
        };
        OtpVerify {
            client: self.client.clone(),
            body,
        }
    }

    /// Emails a code to `email`, a new address for the signed-in user `login_id` (whose refresh
    /// JWT this is); [`verify`](Self::verify) with `login_id` sets it, verified.
    pub fn update_email(
        &self,
        login_id: impl Into<String>,
        email: impl Into<String>,
        refresh_jwt: &RefreshJwt,
    ) -> OtpUpdateEmail {
        let body = OtpUpdateEmailRequest {
            login_id: login_id.into(),
            email: email.into(),
            add_to_login_i_ds: None,
            on_merge_use_existing: None,
            fail_on_conflict: None,
            provider_id: None,
            template_options: None,
            template_id: None,
            locale: None,
            mfa: None,
        };
        OtpUpdateEmail {
            client: self.client.clone(),
            refresh_jwt: refresh_jwt.clone(),
            body,
        }
    }
}

request! {
    /// An OTP sign-up being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct OtpSignUp { client: Client, body: OtpSignUpRequest } => Result<EmailSent>;
}

impl OtpSignUp {
    setters! {
        /// A user name. Defaults to none.
        username(username: impl Into<String>) => Some(user().username);

        /// The provider that sends the message. Defaults to the project's.
        provider_id(provider_id: impl Into<String>) => Some(body.provider_id);
    }

    sign_up_setters!(
        OtpSignUpUser,
        "The address to send the code to, when the login ID is not one. Defaults to the login ID."
    );
}

impl OtpSignUp {
    async fn run(mut self) -> Result<EmailSent> {
        const OP: Operation = Operation::OtpSignUpEmail;
        check_login_id(&self.body.login_id)?;
        let user = self.body.user.get_or_insert_with(Default::default);
        self.body.email = Some(sign_up_address(&self.body.login_id, &mut user.email)?);
        let api = self.client.api();
        let response = send(&self.client.shared, OP, || {
            api.otp_sign_up_email(&self.body)
        })
        .await?;
        Ok(EmailSent::from_wire(response.into_inner()))
    }
}

request! {
    /// An OTP sign-in (or sign-up-or-in) being prepared; `.await` it (or call
    /// [`send`](Self::send)).
    pub struct OtpSignIn {
        client: Client,
        operation: Operation,
        body: OtpSignInRequest,
    } => Result<EmailSent>;
}

impl OtpSignIn {
    email_sign_in_setters!();
}

impl OtpSignIn {
    async fn run(self) -> Result<EmailSent> {
        check_login_id(&self.body.login_id)?;
        let api = self.client.api();
        let response = match self.operation {
            Operation::OtpSignUpOrInEmail => {
                send(&self.client.shared, self.operation, || {
                    api.otp_sign_up_or_in_email(&self.body)
                })
                .await?
            }
            _ => {
                send(&self.client.shared, self.operation, || {
                    api.otp_sign_in_email(&self.body)
                })
                .await?
            }
        };
        Ok(EmailSent::from_wire(response.into_inner()))
    }
}

request! {
    /// An OTP code check being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct OtpVerify { client: Client, body: OtpVerifyRequest } => Result<AuthInfo>;
}

impl OtpVerify {
    async fn run(self) -> Result<AuthInfo> {
        const OP: Operation = Operation::OtpVerifyEmail;
        check_login_id(&self.body.login_id)?;
        check_secret(&self.body.code, "code")?;
        let api = self.client.api();
        let response = send(&self.client.shared, OP, || api.otp_verify_email(&self.body)).await?;
        signed_in(&self.client, OP, response).await
    }
}

request! {
    /// An OTP email update being prepared; `.await` it (or call [`send`](Self::send)). Options are
    /// sent only when set.
    pub struct OtpUpdateEmail {
        client: Client,
        refresh_jwt: RefreshJwt,
        body: OtpUpdateEmailRequest,
    } => Result<EmailSent>;
}

impl OtpUpdateEmail {
    update_email_setters!();

    setters! {
        /// The update is an MFA step (`mfa`). Defaults to no (not sent).
        mfa(mfa: bool) => Some(body.mfa);
    }
}

impl OtpUpdateEmail {
    async fn run(self) -> Result<EmailSent> {
        const OP: Operation = Operation::OtpUpdateEmail;
        check_login_id(&self.body.login_id)?;
        check_email(&self.body.email)?;
        check_token(self.refresh_jwt.secret(), "refresh JWT")?;
        let api = self
            .client
            .api_with_token(self.refresh_jwt.secret(), "refresh JWT")?;
        let response = send(&self.client.shared, OP, || api.otp_update_email(&self.body)).await?;
        Ok(EmailSent::from_wire(response.into_inner()))
    }
}
