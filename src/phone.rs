//! One-time codes by SMS or voice call: `client.otp().sms()` and `client.otp().voice()`.

use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::email::{check_secret, signed_in, OtpClient};
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_login_id, check_token, request};
use crate::secret::{OpaqueToken, RefreshJwt};
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{
    LoginOptions, OtpPhoneSignInRequest, OtpPhoneSignUpRequest, OtpPhoneSignUpUser,
    OtpPhoneVerifyRequest, OtpUpdatePhoneRequest, PhoneOperationResponse,
};

/// How a code reaches the phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PhoneChannel {
    /// A text message.
    Sms,
    /// A voice call reading the code.
    Voice,
}

impl PhoneChannel {
    /// The operation of `action` on this channel.
    fn operation(self, action: Action) -> Operation {
        use Operation::*;
        match (self, action) {
            (PhoneChannel::Sms, Action::SignUp) => OtpSignUpSms,
            (PhoneChannel::Voice, Action::SignUp) => OtpSignUpVoice,
            (PhoneChannel::Sms, Action::SignIn) => OtpSignInSms,
            (PhoneChannel::Voice, Action::SignIn) => OtpSignInVoice,
            (PhoneChannel::Sms, Action::SignUpOrIn) => OtpSignUpOrInSms,
            (PhoneChannel::Voice, Action::SignUpOrIn) => OtpSignUpOrInVoice,
            (PhoneChannel::Sms, Action::Verify) => OtpVerifySms,
            (PhoneChannel::Voice, Action::Verify) => OtpVerifyVoice,
            (PhoneChannel::Sms, Action::UpdatePhone) => OtpUpdatePhoneSms,
            (PhoneChannel::Voice, Action::UpdatePhone) => OtpUpdatePhoneVoice,
        }
    }
}

#[derive(Clone, Copy)]
enum Action {
    SignUp,
    SignIn,
    SignUpOrIn,
    Verify,
    UpdatePhone,
}

/// Refuses a phone number that is not E.164 (`+` and 4 to 15 digits, not starting with 0),
/// before any request.
pub(crate) fn check_phone(phone: &str) -> Result<()> {
    let digits = phone.strip_prefix('+').unwrap_or_default();
    let valid = (4..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            "phone",
            "is not an E.164 number (+ and 4 to 15 digits)",
        ))
    }
}

/// A code sent to a phone.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PhoneSent {
    /// The number, masked (`+1********12`), when the service said.
    pub masked_phone: Option<String>,
}

impl PhoneSent {
    fn from_wire(wire: PhoneOperationResponse) -> Self {
        Self {
            masked_phone: wire.masked_phone.filter(|m| !m.is_empty()),
        }
    }
}

impl OtpClient {
    /// Codes by SMS.
    pub fn sms(&self) -> PhoneOtpClient {
        self.phone(PhoneChannel::Sms)
    }

    /// Codes by voice call.
    pub fn voice(&self) -> PhoneOtpClient {
        self.phone(PhoneChannel::Voice)
    }

    /// Codes by `channel`.
    pub fn phone(&self, channel: PhoneChannel) -> PhoneOtpClient {
        PhoneOtpClient {
            client: self.client.clone(),
            channel,
        }
    }
}

/// One-time codes to a phone. Get one with [`OtpClient::sms`] or [`OtpClient::voice`].
///
/// ```no_run
/// # async fn run(client: descope::Client, code_from_the_user: String) -> Result<(), descope::Error> {
/// client.otp().sms().sign_up_or_in("+14155550100").await?; // the login ID is the number
/// let auth = client.otp().sms().verify("+14155550100", code_from_the_user).await?;
/// assert!(auth.user.verified_phone);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct PhoneOtpClient {
    client: Client,
    channel: PhoneChannel,
}

impl PhoneOtpClient {
    /// Creates the user `login_id` with the number `phone` and sends it a code;
    /// [`verify`](Self::verify) signs them in.
    pub fn sign_up(&self, login_id: impl Into<String>, phone: impl Into<String>) -> PhoneSignUp {
        PhoneSignUp {
            client: self.client.clone(),
            channel: self.channel,
            body: OtpPhoneSignUpRequest {
                login_id: Some(login_id.into()),
                phone: Some(phone.into()),
                ..Default::default()
            },
        }
    }

    /// Sends a code to the number of the existing user `login_id`.
    pub fn sign_in(&self, login_id: impl Into<String>) -> PhoneSignIn {
        self.sign_in_as(Action::SignIn, login_id.into())
    }

    /// Sends a code, creating the user when the login ID (then the number itself) is new.
    pub fn sign_up_or_in(&self, login_id: impl Into<String>) -> PhoneSignIn {
        self.sign_in_as(Action::SignUpOrIn, login_id.into())
    }

    fn sign_in_as(&self, action: Action, login_id: String) -> PhoneSignIn {
        PhoneSignIn {
            client: self.client.clone(),
            operation: self.channel.operation(action),
            refresh_jwt: None,
            body: OtpPhoneSignInRequest {
                login_id: Some(login_id),
                login_options: Some(LoginOptions::default()),
                ..Default::default()
            },
        }
    }

    /// Checks the code sent for `login_id` and signs the user in (their number verified).
    pub fn verify(&self, login_id: impl Into<String>, code: impl Into<OpaqueToken>) -> PhoneVerify {
        PhoneVerify {
            client: self.client.clone(),
            channel: self.channel,
            body: OtpPhoneVerifyRequest {
                login_id: Some(login_id.into()),
                code: Some(code.into()),
            },
        }
    }

    /// Sends a code to `phone`, a new number for the signed-in user `login_id` (whose refresh
    /// JWT this is); [`verify`](Self::verify) with `login_id` sets it, verified.
    pub fn update_phone(
        &self,
        login_id: impl Into<String>,
        phone: impl Into<String>,
        refresh_jwt: &RefreshJwt,
    ) -> UpdatePhone {
        UpdatePhone {
            client: self.client.clone(),
            channel: self.channel,
            refresh_jwt: refresh_jwt.clone(),
            body: OtpUpdatePhoneRequest {
                login_id: Some(login_id.into()),
                phone: Some(phone.into()),
                ..Default::default()
            },
        }
    }
}

request! {
    /// [`PhoneOtpClient::sign_up`]: `.await` it.
    pub struct PhoneSignUp { client: Client, channel: PhoneChannel, body: OtpPhoneSignUpRequest }
        => Result<PhoneSent>;
}

impl PhoneSignUp {
    fn user(&mut self) -> &mut OtpPhoneSignUpUser {
        self.body.user.get_or_insert_with(Default::default)
    }

    setters! {
        /// The user's full name. Defaults to none.
        name(name: impl Into<String>) => Some(user().name);

        /// The user's email address. Defaults to none.
        email(email: impl Into<String>) => Some(user().email);
    }

    async fn run(self) -> Result<PhoneSent> {
        let op = self.channel.operation(Action::SignUp);
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        check_phone(self.body.phone.as_deref().unwrap_or_default())?;
        let api = self.client.api();
        let body = &self.body;
        let response = match self.channel {
            PhoneChannel::Voice => {
                send(&self.client.shared, op, || api.otp_sign_up_voice(body)).await?
            }
            PhoneChannel::Sms => {
                send(&self.client.shared, op, || api.otp_sign_up_sms(body)).await?
            }
        };
        Ok(PhoneSent::from_wire(response.into_inner()))
    }
}

request! {
    /// [`PhoneOtpClient::sign_in`] and [`sign_up_or_in`](PhoneOtpClient::sign_up_or_in):
    /// `.await` it.
    pub struct PhoneSignIn {
        client: Client,
        operation: Operation,
        refresh_jwt: Option<RefreshJwt>,
        body: OtpPhoneSignInRequest,
    } => Result<PhoneSent>;
}

impl PhoneSignIn {
    fn options(&mut self) -> &mut LoginOptions {
        self.body.login_options.get_or_insert_with(Default::default)
    }

    crate::password::stepup_setters!();

    crate::password::login_option_setters!();

    async fn run(self) -> Result<PhoneSent> {
        let op = self.operation;
        let login_id = self.body.login_id.as_deref().unwrap_or_default();
        check_login_id(login_id)?;
        let signs_up = matches!(
            op,
            Operation::OtpSignUpOrInSms | Operation::OtpSignUpOrInVoice
        );
        if signs_up && login_id.starts_with('+') {
            // A new user's number is the login ID: it must be E.164.
            check_phone(login_id)?;
        }
        let api = self.client.api_for(self.refresh_jwt.as_ref())?;
        let body = &self.body;
        let shared = &self.client.shared;
        let response = match op {
            Operation::OtpSignInVoice => send(shared, op, || api.otp_sign_in_voice(body)).await?,
            Operation::OtpSignUpOrInSms => {
                send(shared, op, || api.otp_sign_up_or_in_sms(body)).await?
            }
            Operation::OtpSignUpOrInVoice => {
                send(shared, op, || api.otp_sign_up_or_in_voice(body)).await?
            }
            _ => send(shared, op, || api.otp_sign_in_sms(body)).await?,
        };
        Ok(PhoneSent::from_wire(response.into_inner()))
    }
}

request! {
    /// [`PhoneOtpClient::verify`]: `.await` the signed-in user.
    pub struct PhoneVerify { client: Client, channel: PhoneChannel, body: OtpPhoneVerifyRequest }
        => Result<AuthInfo>;
}

impl PhoneVerify {
    async fn run(self) -> Result<AuthInfo> {
        let op = self.channel.operation(Action::Verify);
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        match &self.body.code {
            Some(code) => check_secret(code, "code")?,
            None => return Err(Error::invalid("code", "is empty")),
        }
        let api = self.client.api();
        let body = &self.body;
        let response = match self.channel {
            PhoneChannel::Voice => {
                send(&self.client.shared, op, || api.otp_verify_voice(body)).await?
            }
            PhoneChannel::Sms => send(&self.client.shared, op, || api.otp_verify_sms(body)).await?,
        };
        signed_in(&self.client, op, response).await
    }
}

request! {
    /// [`PhoneOtpClient::update_phone`]: `.await` it.
    pub struct UpdatePhone {
        client: Client,
        channel: PhoneChannel,
        refresh_jwt: RefreshJwt,
        body: OtpUpdatePhoneRequest,
    } => Result<PhoneSent>;
}

impl UpdatePhone {
    setters! {
        /// Also make the number a login ID of the user (once verified). Defaults to no.
        add_to_login_ids(add: bool) => set(body.add_to_login_i_ds);
    }

    async fn run(self) -> Result<PhoneSent> {
        let op = self.channel.operation(Action::UpdatePhone);
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        check_phone(self.body.phone.as_deref().unwrap_or_default())?;
        check_token(self.refresh_jwt.secret(), "refresh JWT")?;
        let api = self
            .client
            .api_with_token(self.refresh_jwt.secret(), "refresh JWT")?;
        let body = &self.body;
        let response = match self.channel {
            PhoneChannel::Voice => {
                send(&self.client.shared, op, || api.otp_update_phone_voice(body)).await?
            }
            PhoneChannel::Sms => {
                send(&self.client.shared, op, || api.otp_update_phone_sms(body)).await?
            }
        };
        Ok(PhoneSent::from_wire(response.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_e164_numbers_pass() {
        for good in ["+14155550100", "+447911123456", "+1234"] {
            assert!(check_phone(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "14155550100",
            "+0123456",
            "+1 415 555 0100",
            "+123",
            "+1234567890123456",
            "+12a4",
        ] {
            assert!(check_phone(bad).is_err(), "{bad}");
        }
    }
}
