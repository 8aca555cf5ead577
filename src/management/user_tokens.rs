//! `client.management().users()`, tokens for a user without sending anything: embedded links
//! (one-time tokens the backend puts in its own email or app, exchanged with
//! [`magic_link().verify`](crate::email::MagicLinkClient::verify)), the codes and links of test
//! users (for end-to-end tests against a real project), impersonation consent, and the removal
//! of an authenticator app (TOTP).

use std::time::Duration;

use super::requests::user_of;
use super::{api, UserManagement};
use crate::client::Client;
use crate::custom_claims::{claim_setter, Claims};
use crate::error::{Error, Result};
use crate::federated::check_http_url;
use crate::operation::Operation;
use crate::request::{check_login_id, request};
use crate::secret::OpaqueToken;
use crate::setters::setters;
use crate::transport::send;
use crate::user::User;
use crate::wire::{
    EmbeddedLinkSignInRequest, EmbeddedLinkSignUpOrInRequest, LoginOptions, RemoveUserTotpRequest,
    SignUpUser, TestUserGenerateEnchantedLinkRequest, TestUserGenerateMagicLinkRequest,
    TestUserGenerateOtpRequest, UpdateUserImpersonationConsentRequest,
};

/// A test user's one-time code ([`UserManagement::test_otp`]), as it would have been sent.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TestCode {
    /// The login ID it is for.
    pub login_id: String,
    /// The code: verify it with `client.otp().verify(login_id, code)`.
    pub code: OpaqueToken,
}

/// A test user's magic or enchanted link ([`UserManagement::test_magic_link`],
/// [`test_enchanted_link`](UserManagement::test_enchanted_link)), as it would have been sent.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TestLink {
    /// The login ID it is for.
    pub login_id: String,
    /// The whole link (the redirect URL with `t=<token>`).
    pub link: OpaqueToken,
    /// For an enchanted link: what the waiting device polls with.
    pub pending_ref: Option<OpaqueToken>,
}

impl TestLink {
    /// The link's token (its `t` parameter), for `magic_link().verify` or
    /// `enchanted_link().verify`.
    pub fn token(&self) -> Result<OpaqueToken> {
        let url = url::Url::parse(self.link.secret()).map_err(|_| Error::Decode {
            operation: Operation::TestUserMagicLink,
            reason: "the link is not a URL".into(),
        })?;
        let token = url.query_pairs().find(|(key, _)| key == "t");
        token
            .map(|(_, token)| OpaqueToken::new(token.into_owned()))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::Decode {
                operation: Operation::TestUserMagicLink,
                reason: "the link has no t parameter".into(),
            })
    }
}

impl UserManagement {
    /// An embedded link's token for `login_id`: one-time, for the backend to put in its own
    /// message or page; [`magic_link().verify`](crate::email::MagicLinkClient::verify) signs the
    /// user in with it (with its custom claims).
    pub fn embedded_link(&self, login_id: impl Into<String>) -> EmbeddedLink {
        EmbeddedLink {
            client: self.client.clone(),
            claims: Claims::default(),
            timeout: None,
            body: EmbeddedLinkSignInRequest {
                login_id: Some(login_id.into()),
                ..Default::default()
            },
        }
    }

    /// An embedded link that signs up `login_id` when verified (the user is created then,
    /// with the profile set here).
    pub fn sign_up_embedded_link(&self, login_id: impl Into<String>) -> SignUpEmbeddedLink {
        SignUpEmbeddedLink {
            client: self.client.clone(),
            claims: Claims::default(),
            timeout: None,
            body: EmbeddedLinkSignUpOrInRequest {
                login_id: Some(login_id.into()),
                ..Default::default()
            },
        }
    }

    /// The one-time code a sign-in by email would send to the test user `login_id`, without
    /// sending it (test users only).
    pub fn test_otp(&self, login_id: impl Into<String>) -> TestOtp {
        TestOtp {
            client: self.client.clone(),
            claims: Claims::default(),
            body: TestUserGenerateOtpRequest {
                login_id: Some(login_id.into()),
                delivery_method: Some("email".into()),
                ..Default::default()
            },
        }
    }

    /// The magic link a sign-in by email would send to the test user `login_id`, leading to
    /// `redirect_url`, without sending it (test users only).
    pub fn test_magic_link(
        &self,
        login_id: impl Into<String>,
        redirect_url: impl Into<String>,
    ) -> TestMagicLink {
        TestMagicLink {
            client: self.client.clone(),
            claims: Claims::default(),
            body: TestUserGenerateMagicLinkRequest {
                login_id: Some(login_id.into()),
                delivery_method: Some("email".into()),
                uri: Some(redirect_url.into()),
                ..Default::default()
            },
        }
    }

    /// The enchanted link a sign-in would send to the test user `login_id`, with its pending
    /// reference, without sending it (test users only).
    pub fn test_enchanted_link(
        &self,
        login_id: impl Into<String>,
        redirect_url: impl Into<String>,
    ) -> TestEnchantedLink {
        TestEnchantedLink {
            client: self.client.clone(),
            claims: Claims::default(),
            body: TestUserGenerateEnchantedLinkRequest {
                login_id: Some(login_id.into()),
                uri: Some(redirect_url.into()),
                ..Default::default()
            },
        }
    }

    /// Removes the user's authenticator app (TOTP key): they enroll again with
    /// [`totp().update`](crate::TotpClient::update) or a TOTP sign-up.
    pub fn remove_totp(&self, login_id: impl Into<String>) -> RemoveTotp {
        RemoveTotp {
            client: self.client.clone(),
            login_id: login_id.into(),
        }
    }

    /// Records the user's consent to be impersonated for `duration` (zero withdraws it), as
    /// the consent flow would: `.await` the user.
    pub fn set_impersonation_consent(
        &self,
        login_id: impl Into<String>,
        duration: Duration,
    ) -> SetImpersonationConsent {
        SetImpersonationConsent {
            client: self.client.clone(),
            login_id: login_id.into(),
            duration,
        }
    }
}

/// The setter of a link's lifetime.
macro_rules! timeout_setter {
    () => {
        setters! {
            /// How long the token stays valid. Defaults to the project's.
            timeout(timeout: Duration) => Some(timeout);
        }
    };
}

/// A lifetime in whole seconds for the wire.
fn seconds(duration: Option<Duration>) -> Result<Option<i32>> {
    duration
        .map(|d| i32::try_from(d.as_secs()).map_err(|_| Error::invalid("timeout", "is too long")))
        .transpose()
}

/// The token of an embedded-link answer.
fn token_of(operation: Operation, token: Option<OpaqueToken>) -> Result<OpaqueToken> {
    token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::Decode {
            operation,
            reason: "the answer has no token".into(),
        })
}

request! {
    /// [`UserManagement::embedded_link`]: `.await` the token.
    pub struct EmbeddedLink {
        client: Client,
        claims: Claims,
        timeout: Option<Duration>,
        body: EmbeddedLinkSignInRequest,
    } => Result<OpaqueToken>;
}

impl EmbeddedLink {
    claim_setter!();
    timeout_setter!();

    async fn run(mut self) -> Result<OpaqueToken> {
        const OP: Operation = Operation::EmbeddedLinkSignIn;
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        self.body.custom_claims = self.claims.into_map()?;
        self.body.timeout = seconds(self.timeout)?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.embedded_link_sign_in(&self.body)
        })
        .await?;
        token_of(OP, response.into_inner().token)
    }
}

request! {
    /// [`UserManagement::sign_up_embedded_link`]: `.await` the token.
    pub struct SignUpEmbeddedLink {
        client: Client,
        claims: Claims,
        timeout: Option<Duration>,
        body: EmbeddedLinkSignUpOrInRequest,
    } => Result<OpaqueToken>;
}

impl SignUpEmbeddedLink {
    claim_setter!();
    timeout_setter!();

    fn user(&mut self) -> &mut SignUpUser {
        self.body.user.get_or_insert_with(Default::default)
    }

    setters! {
        /// The new user's full name. Defaults to none.
        name(name: impl Into<String>) => Some(user().name);

        /// The new user's email address. Defaults to none.
        email(email: impl Into<String>) => Some(user().email);

        /// The new user's phone number. Defaults to none.
        phone(phone: impl Into<String>) => Some(user().phone);

        /// Whether the email address is verified (the backend checked it). Defaults to no.
        email_verified(verified: bool) => Some(body.email_verified);

        /// Whether the phone number is verified. Defaults to no.
        phone_verified(verified: bool) => Some(body.phone_verified);
    }

    async fn run(mut self) -> Result<OpaqueToken> {
        const OP: Operation = Operation::EmbeddedLinkSignUp;
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        let claims = self.claims.into_map()?;
        if !claims.is_empty() {
            let options = self
                .body
                .login_options
                .get_or_insert_with(LoginOptions::default);
            options.custom_claims = Some(claims);
        }
        self.body.timeout = seconds(self.timeout)?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.embedded_link_sign_up(&self.body)
        })
        .await?;
        token_of(OP, response.into_inner().token)
    }
}

/// The login options of a test-user request: its custom claims, when any.
fn test_options(claims: Claims) -> Result<Option<LoginOptions>> {
    let claims = claims.into_map()?;
    Ok((!claims.is_empty()).then(|| LoginOptions {
        custom_claims: Some(claims),
        ..LoginOptions::default()
    }))
}

request! {
    /// [`UserManagement::test_otp`]: `.await` the code.
    pub struct TestOtp { client: Client, claims: Claims, body: TestUserGenerateOtpRequest }
        => Result<TestCode>;
}

impl TestOtp {
    claim_setter!();

    async fn run(mut self) -> Result<TestCode> {
        const OP: Operation = Operation::TestUserOtp;
        let login_id = self.body.login_id.clone().unwrap_or_default();
        check_login_id(&login_id)?;
        self.body.login_options = test_options(self.claims)?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.test_user_otp(&self.body)).await?;
        let code = response.into_inner().code.filter(|c| !c.is_empty());
        Ok(TestCode {
            login_id,
            code: code.ok_or_else(|| Error::Decode {
                operation: OP,
                reason: "the answer has no code".into(),
            })?,
        })
    }
}

/// A test link of an answer.
fn link_of(
    operation: Operation,
    login_id: String,
    link: Option<OpaqueToken>,
    pending_ref: Option<OpaqueToken>,
) -> Result<TestLink> {
    Ok(TestLink {
        login_id,
        link: link
            .filter(|l| !l.is_empty())
            .ok_or_else(|| Error::Decode {
                operation,
                reason: "the answer has no link".into(),
            })?,
        pending_ref: pending_ref.filter(|p| !p.is_empty()),
    })
}

request! {
    /// [`UserManagement::test_magic_link`]: `.await` the link.
    pub struct TestMagicLink { client: Client, claims: Claims, body: TestUserGenerateMagicLinkRequest }
        => Result<TestLink>;
}

impl TestMagicLink {
    claim_setter!();

    async fn run(mut self) -> Result<TestLink> {
        const OP: Operation = Operation::TestUserMagicLink;
        let login_id = self.body.login_id.clone().unwrap_or_default();
        check_login_id(&login_id)?;
        check_http_url(self.body.uri.as_deref().unwrap_or_default(), "redirect URL")?;
        self.body.login_options = test_options(self.claims)?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.test_user_magic_link(&self.body)
        })
        .await?;
        link_of(OP, login_id, response.into_inner().link, None)
    }
}

request! {
    /// [`UserManagement::test_enchanted_link`]: `.await` the link.
    pub struct TestEnchantedLink {
        client: Client,
        claims: Claims,
        body: TestUserGenerateEnchantedLinkRequest,
    } => Result<TestLink>;
}

impl TestEnchantedLink {
    claim_setter!();

    async fn run(mut self) -> Result<TestLink> {
        const OP: Operation = Operation::TestUserEnchantedLink;
        let login_id = self.body.login_id.clone().unwrap_or_default();
        check_login_id(&login_id)?;
        check_http_url(self.body.uri.as_deref().unwrap_or_default(), "redirect URL")?;
        self.body.login_options = test_options(self.claims)?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.test_user_enchanted_link(&self.body)
        })
        .await?;
        let answer = response.into_inner();
        link_of(OP, login_id, answer.link, answer.pending_ref)
    }
}

request! {
    /// [`UserManagement::set_impersonation_consent`]: `.await` the user.
    pub struct SetImpersonationConsent { client: Client, login_id: String, duration: Duration }
        => Result<User>;
}

impl SetImpersonationConsent {
    async fn run(self) -> Result<User> {
        const OP: Operation = Operation::UpdateUserImpersonationConsent;
        check_login_id(&self.login_id)?;
        let seconds = i32::try_from(self.duration.as_secs())
            .map_err(|_| Error::invalid("consent duration", "is too long"))?;
        let body = UpdateUserImpersonationConsentRequest {
            login_id: Some(self.login_id),
            impersonation_consent: Some(seconds),
        };
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.update_user_impersonation_consent(&body)
        })
        .await?;
        user_of(OP, response.into_inner())
    }
}

request! {
    /// [`UserManagement::remove_totp`]: `.await` it.
    pub struct RemoveTotp { client: Client, login_id: String } => Result<()>;
}

impl RemoveTotp {
    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::RemoveUserTotp;
        check_login_id(&self.login_id)?;
        let body = RemoveUserTotpRequest {
            login_id: Some(self.login_id),
        };
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || api.remove_user_totp(&body)).await?;
        Ok(())
    }
}
