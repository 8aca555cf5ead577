//! Authenticator apps (TOTP): `client.totp()`.

use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::email::{check_secret, signed_in};
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_login_id, check_token, request};
use crate::secret::{OpaqueToken, RefreshJwt, TotpKey};
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{
    LoginOptions, SignUpUser, TotpResponse, TotpSignUpRequest, TotpUpdateRequest, TotpVerifyRequest,
};

/// Sign-in with an authenticator app (TOTP, RFC 6238). Get one with [`Client::totp`].
///
/// [`sign_up`](Self::sign_up) (a new user) or [`update`](Self::update) (a signed-in user) gives a
/// key to show as a QR code; the user is signed up, or the new key replaces the old one, at the
/// first code of the app that [`sign_in_code`](Self::sign_in_code) verifies.
///
/// ```no_run
/// # async fn run(client: descope::Client, code_from_the_app: String) -> Result<(), descope::Error> {
/// let enrollment = client.totp().sign_up("ada@example.com").await?;
/// // Show enrollment.qr_png (a PNG) or enrollment.provisioning_url to the user...
/// let auth = client.totp().sign_in_code("ada@example.com", code_from_the_app).await?;
/// # let _ = (enrollment, auth); Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TotpClient {
    pub(crate) client: Client,
}

/// A TOTP key to enroll in an authenticator app. Its `Debug` shows none of the key, the URL or
/// the image (each holds the key).
#[derive(Clone)]
#[non_exhaustive]
pub struct TotpEnrollment {
    /// The `otpauth://totp/...` URL an authenticator app opens (it holds the key).
    pub provisioning_url: OpaqueToken,
    /// The same as a QR code: PNG bytes, to show as an image.
    pub qr_png: Vec<u8>,
    /// The key, for the user to type into the app.
    pub key: TotpKey,
}

impl std::fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpEnrollment")
            .field("provisioning_url", &self.provisioning_url)
            .field("qr_png", &format_args!("[{} bytes]", self.qr_png.len()))
            .field("key", &self.key)
            .finish()
    }
}

impl TotpEnrollment {
    fn from_wire(operation: Operation, wire: TotpResponse) -> Result<Self> {
        let decode = |reason: &str| Error::Decode {
            operation,
            reason: reason.into(),
        };
        let key = wire
            .key
            .filter(|k| !k.is_empty())
            .ok_or_else(|| decode("the answer has no key"))?;
        let provisioning_url = (wire.provisioning_url.filter(|u| !u.is_empty()))
            .ok_or_else(|| decode("the answer has no provisioningURL"))?;
        let image = wire.image.unwrap_or_default();
        // The image is base64, sometimes as a `data:` URL.
        let image = image.rsplit(',').next().unwrap_or_default();
        let qr_png = base64_simd::STANDARD
            .decode_to_vec(image.trim())
            .map_err(|_| decode("the answer's image is not base64"))?;
        Ok(Self {
            provisioning_url,
            qr_png,
            key: TotpKey::new(key.secret()),
        })
    }
}

impl TotpClient {
    /// Starts a TOTP sign-up of the new user `login_id`: `.await` the key to enroll; the user
    /// is created at the first code [`sign_in_code`](Self::sign_in_code) verifies.
    pub fn sign_up(&self, login_id: impl Into<String>) -> TotpSignUp {
        TotpSignUp {
            client: self.client.clone(),
            body: TotpSignUpRequest {
                login_id: Some(login_id.into()),
                ..Default::default()
            },
        }
    }

    /// Checks the app's current `code` for `login_id` and signs the user in (completing a
    /// sign-up or a key update).
    pub fn sign_in_code(
        &self,
        login_id: impl Into<String>,
        code: impl Into<OpaqueToken>,
    ) -> TotpVerify {
        TotpVerify {
            client: self.client.clone(),
            refresh_jwt: None,
            body: TotpVerifyRequest {
                login_id: Some(login_id.into()),
                code: Some(code.into()),
                login_options: None,
            },
        }
    }

    /// A new key for the signed-in user `login_id` (whose refresh JWT this is), adding TOTP to
    /// the account or replacing its key: the old key works until a code of the new one is
    /// verified.
    pub fn update(&self, login_id: impl Into<String>, refresh_jwt: &RefreshJwt) -> TotpUpdate {
        TotpUpdate {
            client: self.client.clone(),
            refresh_jwt: refresh_jwt.clone(),
            body: TotpUpdateRequest {
                login_id: Some(login_id.into()),
            },
        }
    }
}

request! {
    /// [`TotpClient::sign_up`]: `.await` the key to enroll.
    pub struct TotpSignUp { client: Client, body: TotpSignUpRequest } => Result<TotpEnrollment>;
}

impl TotpSignUp {
    fn user(&mut self) -> &mut SignUpUser {
        self.body.user.get_or_insert_with(Default::default)
    }

    setters! {
        /// The user's full name. Defaults to none.
        name(name: impl Into<String>) => Some(user().name);

        /// The user's email address. Defaults to none.
        email(email: impl Into<String>) => Some(user().email);

        /// The user's phone number. Defaults to none.
        phone(phone: impl Into<String>) => Some(user().phone);
    }

    async fn run(self) -> Result<TotpEnrollment> {
        const OP: Operation = Operation::TotpSignUp;
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        let api = self.client.api();
        let response = send(&self.client.shared, OP, || api.totp_sign_up(&self.body)).await?;
        TotpEnrollment::from_wire(OP, response.into_inner())
    }
}

request! {
    /// [`TotpClient::sign_in_code`]: `.await` the signed-in user.
    pub struct TotpVerify {
        client: Client,
        refresh_jwt: Option<RefreshJwt>,
        body: TotpVerifyRequest,
    } => Result<AuthInfo>;
}

impl TotpVerify {
    fn options(&mut self) -> &mut LoginOptions {
        self.body.login_options.get_or_insert_with(Default::default)
    }

    crate::password::stepup_setters!();

    crate::password::login_option_setters!();

    async fn run(self) -> Result<AuthInfo> {
        const OP: Operation = Operation::TotpVerify;
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        match &self.body.code {
            Some(code) => check_secret(code, "code")?,
            None => return Err(Error::invalid("code", "is empty")),
        }
        let api = self.client.api_for(self.refresh_jwt.as_ref())?;
        let response = send(&self.client.shared, OP, || api.totp_verify(&self.body)).await?;
        signed_in(&self.client, OP, response).await
    }
}

request! {
    /// [`TotpClient::update`]: `.await` the new key to enroll.
    pub struct TotpUpdate { client: Client, refresh_jwt: RefreshJwt, body: TotpUpdateRequest }
        => Result<TotpEnrollment>;
}

impl TotpUpdate {
    async fn run(self) -> Result<TotpEnrollment> {
        const OP: Operation = Operation::TotpUpdate;
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        check_token(self.refresh_jwt.secret(), "refresh JWT")?;
        let api = self
            .client
            .api_with_token(self.refresh_jwt.secret(), "refresh JWT")?;
        let response = send(&self.client.shared, OP, || api.totp_update(&self.body)).await?;
        TotpEnrollment::from_wire(OP, response.into_inner())
    }
}
