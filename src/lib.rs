#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod access_key;
#[cfg(feature = "actix")]
pub mod actix;
mod auth_info;
#[cfg(feature = "axum")]
pub mod axum;
mod client;
mod client_builder;
mod custom_claims;
pub mod email;
mod error;
pub mod federated;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
#[cfg(any(feature = "tower", feature = "actix"))]
mod guard;
mod limits;
pub mod management;
pub mod operation;
mod password;
mod phone;
mod policy;
#[cfg(test)]
mod property_tests;
mod request;
mod retry;
pub mod secret;
pub mod session;
mod setters;
mod time;
mod totp;
#[cfg(feature = "tower")]
pub mod tower;
mod transport;
mod unrecognized;
mod user;
#[cfg(feature = "wire")]
#[cfg_attr(docsrs, doc(cfg(feature = "wire")))]
pub mod wire;
#[cfg(not(feature = "wire"))]
mod wire;

pub use access_key::{AccessKeyClient, AccessKeySession, ExchangeAccessKey};
pub use auth_info::{
    AuthInfo, CookieSettings, IdpResponse, REFRESH_COOKIE_NAME, SESSION_COOKIE_NAME,
};
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, ENV_AUTH_MANAGEMENT_KEY,
    ENV_BASE_URI, ENV_BASE_URL, ENV_MANAGEMENT_KEY, ENV_PROJECT_ID, ENV_PUBLIC_KEY,
    ENV_REFRESH_COOKIE_NAME, ENV_SESSION_COOKIE_NAME,
};
pub use custom_claims::RESERVED_CLAIMS;
pub use email::{EmailSent, EnchantedLinkClient, EnchantedLinkSent, MagicLinkClient, OtpClient};
pub use error::ErrorBody;
pub use error::{ApiError, Error, ErrorCode, Result, SessionError};
pub use federated::{OAuthClient, Provider, SsoClient};
pub use limits::DEFAULT_MAX_RESPONSE_BYTES;
pub use management::{CreateUser, ManagementClient, UserManagement};
pub use operation::{Credential, Operation};
pub use password::{
    CompleteReset, GetPolicy, PasswordClient, Replace, ResetMethod, ResetSent, SendReset, SignIn,
    SignUp, Update,
};
pub use phone::{PhoneChannel, PhoneOtpClient, PhoneSent};
pub use policy::{PasswordPolicy, PolicyRule, PolicyViolation};
pub use request::BoxFuture;
/// The HTTP client crate, for [`ClientBuilder::http_client`] (same version as this crate uses).
pub use reqwest;
pub use retry::{RetryPolicy, Sleeper, TokioSleeper, DEFAULT_RETRY_DELAYS, DEFAULT_RETRY_STATUSES};
pub use secret::{
    AccessKey, ManagementKey, OpaqueToken, Password, RefreshJwt, SessionJwt, TotpKey,
};
pub use session::cookies::CookieConfig;
pub use session::{
    AuthHistory, LoggedOut, OriginCheck, PublicKey, Refreshed, RequestSession, Session,
    SessionClient, SessionConfig,
};
pub use totp::{TotpClient, TotpEnrollment};
pub use unrecognized::Unrecognized;
pub use user::{AuthMethods, TenantMembership, User, UserStatus};
