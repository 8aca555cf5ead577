//! `client.management().jwt()`: sessions the backend issues or reshapes: custom claims on an
//! existing session, sign-in without a credential (after the backend's own check), anonymous
//! sessions, and support impersonation.

use std::time::Duration;

use super::api;
use crate::auth_info::{AuthInfo, CookieSettings};
use crate::client::Client;
use crate::custom_claims::{claim_setter, Claims};
use crate::email::signed_in;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_login_id, check_token, request};
use crate::secret::{RefreshJwt, SessionJwt};
use crate::session::{Refreshed, Session, TokenKind};
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{
    AnonymousUserRequest, GenerateJwtSignInRequest, GenerateJwtSignUpRequest, ImpersonateRequest,
    SignUpUser, StopImpersonationRequest, UpdateJwtRequest,
};

/// Sessions the backend issues. Get one with
/// [`ManagementClient::jwt`](super::ManagementClient::jwt).
///
/// Custom claims are any `serde::Serialize` value; the names Descope sets itself
/// ([`RESERVED_CLAIMS`](crate::RESERVED_CLAIMS)) are refused before any request.
///
/// ```no_run
/// # async fn run(client: descope::Client, session_jwt: descope::SessionJwt) -> Result<(), descope::Error> {
/// let jwt = client.management().jwt();
/// // A plan claim on the user's session, after they paid.
/// let updated = jwt.update(&session_jwt).claim("plan", "pro").claim("seats", 25).await?;
/// assert_eq!(updated.session.claim("seats"), Some(&serde_json::json!(25)));
/// // A support agent (with the `Impersonate` permission) acts as a customer.
/// let acting = jwt.impersonate("agent@example.com", "customer@example.com").await?;
/// assert_eq!(acting.session.acting_user_id().is_some(), true);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct JwtManagement {
    pub(crate) client: Client,
}

/// A session JWT with custom claims added by [`JwtManagement::update`], validated.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct UpdatedJwt {
    /// The new session JWT (for the same user and session).
    pub session_jwt: SessionJwt,
    /// The new session JWT, validated.
    pub session: Session,
}

/// An anonymous session ([`JwtManagement::anonymous`]): no user, refreshable.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AnonymousSession {
    /// The session JWT.
    pub session_jwt: SessionJwt,
    /// The session JWT, validated (its `user_id` is the anonymous subject).
    pub session: Session,
    /// The refresh JWT.
    pub refresh_jwt: RefreshJwt,
    /// How the service asks the session cookies to be set.
    pub cookies: CookieSettings,
}

impl crate::session::cookies::IssuedTokens for AnonymousSession {
    fn session_jwt(&self) -> &SessionJwt {
        &self.session_jwt
    }
    fn refresh_jwt(&self) -> Option<&RefreshJwt> {
        Some(&self.refresh_jwt)
    }
    fn cookie_settings(&self) -> &CookieSettings {
        &self.cookies
    }
    fn session_expiration(&self) -> Option<std::time::SystemTime> {
        Some(self.session.expires_at())
    }
}

/// A lifetime in whole seconds for the wire (`0`: the project's default), refused when it does
/// not fit.
fn seconds(duration: Duration, field: &'static str) -> Result<i32> {
    i32::try_from(duration.as_secs()).map_err(|_| Error::invalid(field, "is too long"))
}

impl JwtManagement {
    /// Adds custom claims to the user's session JWT (and brings its roles and permissions up
    /// to date): `.await` the new session JWT, validated.
    pub fn update(&self, session_jwt: &SessionJwt) -> UpdateJwt {
        UpdateJwt {
            client: self.client.clone(),
            session_jwt: session_jwt.clone(),
            claims: Claims::default(),
            refresh_duration: None,
        }
    }

    /// Signs in the existing, enabled user `login_id` without a credential: the backend made
    /// its own check. `.await` the same [`AuthInfo`] as a sign-in.
    pub fn sign_in(&self, login_id: impl Into<String>) -> IssueSignIn {
        IssueSignIn {
            client: self.client.clone(),
            claims: Claims::default(),
            refresh_duration: None,
            body: GenerateJwtSignInRequest {
                login_id: Some(login_id.into()),
                ..Default::default()
            },
        }
    }

    /// Creates the user `login_id` (refused when it exists) and signs them in.
    pub fn sign_up(&self, login_id: impl Into<String>) -> IssueSignUp {
        self.sign_up_as(Operation::JwtSignUp, login_id.into())
    }

    /// Signs in the user `login_id`, creating them when the login ID is new.
    pub fn sign_up_or_in(&self, login_id: impl Into<String>) -> IssueSignUp {
        self.sign_up_as(Operation::JwtSignUpOrIn, login_id.into())
    }

    fn sign_up_as(&self, operation: Operation, login_id: String) -> IssueSignUp {
        IssueSignUp {
            client: self.client.clone(),
            operation,
            claims: Claims::default(),
            refresh_duration: None,
            body: GenerateJwtSignUpRequest {
                login_id: Some(login_id),
                ..Default::default()
            },
        }
    }

    /// A session for a visitor who is no user (a guest cart): custom claims, refreshable.
    pub fn anonymous(&self) -> IssueAnonymous {
        IssueAnonymous {
            client: self.client.clone(),
            claims: Claims::default(),
            refresh_duration: None,
            body: AnonymousUserRequest::default(),
        }
    }

    /// Lets `impersonator` (a login ID or user ID of a user with the `Impersonate`
    /// permission) act as the user `login_id`: `.await` a session of that user whose
    /// [`acting_user_id`](Session::acting_user_id) is the impersonator's, kept across
    /// refreshes. Set the result's cookies as a sign-in's.
    pub fn impersonate(
        &self,
        impersonator: impl Into<String>,
        login_id: impl Into<String>,
    ) -> Impersonate {
        Impersonate {
            client: self.client.clone(),
            claims: Claims::default(),
            refresh_duration: None,
            body: ImpersonateRequest {
                impersonator_id: Some(impersonator.into()),
                login_id: Some(login_id.into()),
                ..Default::default()
            },
        }
    }

    /// Ends an impersonation: `refresh_jwt` is the impersonation session's, and the result is
    /// a session of the impersonator themselves (no acting user).
    pub fn stop_impersonation(&self, refresh_jwt: &RefreshJwt) -> StopImpersonation {
        StopImpersonation {
            client: self.client.clone(),
            claims: Claims::default(),
            refresh_duration: None,
            body: StopImpersonationRequest {
                jwt: Some(refresh_jwt.clone()),
                ..Default::default()
            },
        }
    }
}

/// The setter every builder here has for the lifetime of what it issues.
macro_rules! refresh_duration_setter {
    () => {
        setters! {
            /// How long the refresh JWT issued lasts. Defaults to the project's.
            refresh_duration(duration: Duration) => Some(refresh_duration);
        }
    };
}

request! {
    /// [`JwtManagement::update`]: `.await` it.
    pub struct UpdateJwt {
        client: Client,
        session_jwt: SessionJwt,
        claims: Claims,
        refresh_duration: Option<Duration>,
    } => Result<UpdatedJwt>;
}

impl UpdateJwt {
    claim_setter!();
    refresh_duration_setter!();

    async fn run(self) -> Result<UpdatedJwt> {
        const OP: Operation = Operation::UpdateJwt;
        check_token(self.session_jwt.secret(), "session JWT")?;
        let body = UpdateJwtRequest {
            jwt: Some(self.session_jwt),
            custom_claims: self.claims.into_map()?,
            refresh_duration: lifetime(self.refresh_duration)?,
        };
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.update_jwt(&body)).await?;
        let session_jwt = jwt_of(OP, response.into_inner().jwt)?;
        let session = self
            .client
            .sessions()
            .verify(session_jwt.secret(), TokenKind::Session)
            .await?;
        Ok(UpdatedJwt {
            session_jwt,
            session,
        })
    }
}

/// The JWT of an answer that must carry one.
fn jwt_of(operation: Operation, jwt: Option<SessionJwt>) -> Result<SessionJwt> {
    jwt.filter(|t| !t.is_empty()).ok_or_else(|| Error::Decode {
        operation,
        reason: "the answer has no jwt".into(),
    })
}

request! {
    /// [`JwtManagement::sign_in`]: `.await` it.
    pub struct IssueSignIn {
        client: Client,
        claims: Claims,
        refresh_duration: Option<Duration>,
        body: GenerateJwtSignInRequest,
    } => Result<AuthInfo>;
}

impl IssueSignIn {
    claim_setter!();
    refresh_duration_setter!();

    /// A step-up of the user's session `refresh_jwt`. Defaults to off.
    pub fn stepup(mut self, refresh_jwt: &RefreshJwt) -> Self {
        self.body.stepup = Some(true);
        self.body.jwt = Some(refresh_jwt.clone());
        self
    }

    /// A second factor on the user's session `refresh_jwt`. Defaults to off.
    pub fn mfa(mut self, refresh_jwt: &RefreshJwt) -> Self {
        self.body.mfa = Some(true);
        self.body.jwt = Some(refresh_jwt.clone());
        self
    }

    setters! {
        /// Revoke the user's other sessions. Defaults to the service's (no).
        revoke_other_sessions(revoke: bool) => Some(body.revoke_other_sessions);

        /// The tenant the session is signed into (`dct`). Defaults to none.
        tenant(tenant_id: impl Into<String>) => Some(body.selected_tenant_id);
    }

    async fn run(mut self) -> Result<AuthInfo> {
        const OP: Operation = Operation::JwtSignIn;
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        if let Some(jwt) = &self.body.jwt {
            check_token(jwt.secret(), "refresh JWT")?;
        }
        self.body.custom_claims = self.claims.into_map()?;
        self.body.refresh_duration = lifetime(self.refresh_duration)?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.jwt_sign_in(&self.body)).await?;
        signed_in(&self.client, OP, response).await
    }
}

fn lifetime(duration: Option<Duration>) -> Result<Option<i32>> {
    duration.map(|d| seconds(d, "refresh duration")).transpose()
}

request! {
    /// [`JwtManagement::sign_up`] and [`sign_up_or_in`](JwtManagement::sign_up_or_in):
    /// `.await` it.
    pub struct IssueSignUp {
        client: Client,
        operation: Operation,
        claims: Claims,
        refresh_duration: Option<Duration>,
        body: GenerateJwtSignUpRequest,
    } => Result<AuthInfo>;
}

impl IssueSignUp {
    claim_setter!();
    refresh_duration_setter!();

    fn user(&mut self) -> &mut SignUpUser {
        self.body.user.get_or_insert_with(Default::default)
    }

    setters! {
        /// The user's full name. Defaults to none.
        name(name: impl Into<String>) => Some(user().name);

        /// The user's given name. Defaults to none.
        given_name(name: impl Into<String>) => Some(user().given_name);

        /// The user's family name. Defaults to none.
        family_name(name: impl Into<String>) => Some(user().family_name);

        /// The user's email address. Defaults to none.
        email(email: impl Into<String>) => Some(user().email);

        /// The user's phone number. Defaults to none.
        phone(phone: impl Into<String>) => Some(user().phone);

        /// Whether the email address is verified (the backend checked it). Defaults to no.
        email_verified(verified: bool) => Some(body.email_verified);

        /// Whether the phone number is verified. Defaults to no.
        phone_verified(verified: bool) => Some(body.phone_verified);

        /// The tenant the session is signed into (`dct`). Defaults to none.
        tenant(tenant_id: impl Into<String>) => Some(body.selected_tenant_id);
    }

    async fn run(mut self) -> Result<AuthInfo> {
        let op = self.operation;
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        self.body.custom_claims = self.claims.into_map()?;
        self.body.refresh_duration = lifetime(self.refresh_duration)?;
        let api = api(&self.client)?;
        let body = &self.body;
        let response = match op {
            Operation::JwtSignUpOrIn => {
                send(&self.client.shared, op, || api.jwt_sign_up_or_in(body)).await?
            }
            _ => send(&self.client.shared, op, || api.jwt_sign_up(body)).await?,
        };
        signed_in(&self.client, op, response).await
    }
}

request! {
    /// [`JwtManagement::anonymous`]: `.await` it.
    pub struct IssueAnonymous {
        client: Client,
        claims: Claims,
        refresh_duration: Option<Duration>,
        body: AnonymousUserRequest,
    } => Result<AnonymousSession>;
}

impl IssueAnonymous {
    claim_setter!();
    refresh_duration_setter!();

    setters! {
        /// The tenant the session is signed into (`dct`). Defaults to none.
        tenant(tenant_id: impl Into<String>) => Some(body.selected_tenant);
    }

    async fn run(mut self) -> Result<AnonymousSession> {
        const OP: Operation = Operation::JwtAnonymous;
        self.body.custom_claims = self.claims.into_map()?;
        self.body.refresh_duration = lifetime(self.refresh_duration)?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.jwt_anonymous(&self.body)).await?;
        let answer = response.into_inner();
        let decode = |reason: &str| Error::Decode {
            operation: OP,
            reason: reason.into(),
        };
        let session_jwt = (answer.session_jwt.filter(|t| !t.is_empty()))
            .ok_or_else(|| decode("the answer has no sessionJwt"))?;
        let refresh_jwt = (answer.refresh_jwt.filter(|t| !t.is_empty()))
            .ok_or_else(|| decode("the answer has no refreshJwt"))?;
        let session = self
            .client
            .sessions()
            .verify(session_jwt.secret(), TokenKind::Session)
            .await?;
        let cookies = CookieSettings {
            domain: answer.cookie_domain.filter(|d| !d.is_empty()),
            path: answer.cookie_path.filter(|p| !p.is_empty()),
            max_age: (answer.cookie_max_age.and_then(|s| u64::try_from(s).ok()))
                .filter(|s| *s > 0)
                .map(Duration::from_secs),
            ..CookieSettings::default()
        };
        Ok(AnonymousSession {
            session_jwt,
            session,
            refresh_jwt,
            cookies,
        })
    }
}

request! {
    /// [`JwtManagement::impersonate`]: `.await` it.
    pub struct Impersonate {
        client: Client,
        claims: Claims,
        refresh_duration: Option<Duration>,
        body: ImpersonateRequest,
    } => Result<Refreshed>;
}

impl Impersonate {
    claim_setter!();
    refresh_duration_setter!();

    setters! {
        /// Refuse unless the user consented to be impersonated. Defaults to no.
        validate_consent(validate: bool) => Some(body.validate_consent);

        /// The tenant the session is signed into (`dct`). Defaults to none.
        tenant(tenant_id: impl Into<String>) => Some(body.selected_tenant);
    }

    async fn run(mut self) -> Result<Refreshed> {
        const OP: Operation = Operation::Impersonate;
        let impersonator = self.body.impersonator_id.as_deref().unwrap_or_default();
        crate::request::check_present(impersonator, "impersonator")?;
        check_login_id(self.body.login_id.as_deref().unwrap_or_default())?;
        self.body.custom_claims = self.claims.into_map()?;
        self.body.refresh_duration = lifetime(self.refresh_duration)?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.impersonate(&self.body)).await?;
        session_of(&self.client, OP, response.into_inner().jwt).await
    }
}

/// The session of an answer's refresh JWT (impersonation and its end): one refresh, so the
/// caller has a session JWT to set too.
async fn session_of(
    client: &Client,
    operation: Operation,
    jwt: Option<SessionJwt>,
) -> Result<Refreshed> {
    let refresh_jwt = RefreshJwt::new(jwt_of(operation, jwt)?.secret());
    client.sessions().refresh(&refresh_jwt).await
}

request! {
    /// [`JwtManagement::stop_impersonation`]: `.await` it.
    pub struct StopImpersonation {
        client: Client,
        claims: Claims,
        refresh_duration: Option<Duration>,
        body: StopImpersonationRequest,
    } => Result<Refreshed>;
}

impl StopImpersonation {
    claim_setter!();
    refresh_duration_setter!();

    async fn run(mut self) -> Result<Refreshed> {
        const OP: Operation = Operation::StopImpersonation;
        if let Some(jwt) = &self.body.jwt {
            check_token(jwt.secret(), "refresh JWT")?;
        }
        self.body.custom_claims = self.claims.into_map()?;
        self.body.refresh_duration = lifetime(self.refresh_duration)?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.stop_impersonation(&self.body)
        })
        .await?;
        session_of(&self.client, OP, response.into_inner().jwt).await
    }
}
