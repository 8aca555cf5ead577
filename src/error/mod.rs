//! The crate's one error type, and everything about errors: the service's codes (`code.rs`),
//! the one conversion of generated results into it (`convert.rs`), and its HTTP answer
//! (`http.rs`).
//!
//! Messages are terse and lowercase; none contains a response body, a header or a secret. The
//! parsed parts of a Descope error body are available as fields of [`ApiError`].

mod code;
pub(crate) mod convert;
mod http;

pub use code::ErrorCode;
pub use http::ErrorBody;

use crate::operation::{Credential, Operation};
use std::fmt;
use std::time::Duration;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request did not get an answer: connection refused, reset, DNS, TLS...
    #[error("could not reach descope during {operation}")]
    Transport {
        /// The operation.
        operation: Operation,
        /// The underlying failure.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No answer within the configured timeout.
    #[error("descope did not answer {operation} within the timeout")]
    Timeout {
        /// The operation.
        operation: Operation,
    },
    /// The service answered with a redirect, which is never followed: a password body must
    /// not be re-sent to wherever it points. With a caller's own HTTP client that follows
    /// redirects, `status` is 300 when the client already followed one elsewhere (the body
    /// is never re-sent: requests carry bodies a redirect cannot replay).
    #[error(
        "descope answered {operation} with a redirect (status {status}), which is not followed"
    )]
    Redirected {
        /// The operation.
        operation: Operation,
        /// The redirect status (301, 302, 303, 307, 308), or 300 for a followed redirect.
        status: u16,
    },
    /// The response body was larger than the configured limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)); reading
    /// stopped there.
    #[error("the {operation} response is larger than the configured limit")]
    ResponseTooLarge {
        /// The operation.
        operation: Operation,
    },
    /// A success response whose body is not what the spec describes.
    #[error("could not decode the {operation} response: {reason}")]
    Decode {
        /// The operation.
        operation: Operation,
        /// What was wrong, without any of the body's content.
        reason: String,
    },
    /// The client configuration is unusable (a missing project ID, a bad base URL...).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// An argument was refused before any request was sent.
    #[error("invalid input: {field} {reason}")]
    InvalidInput {
        /// The argument at fault (`login ID`, `password`...).
        field: &'static str,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A custom claim was refused before any request was sent: its name is one Descope sets
    /// itself ([`RESERVED_CLAIMS`](crate::RESERVED_CLAIMS)), or its value does not serialize
    /// to JSON. Names the claim, never its value.
    #[error("invalid custom claim {name:?}: {reason}")]
    InvalidClaim {
        /// The claim's name.
        name: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A new password does not meet the project's policy: checked before sending (the
    /// `check_policy` option of sign-up, replace and update), or refused by the service and
    /// then named with the project's policy, which the client fetches (and caches) when it
    /// needs it. Names every unmet rule, never the password.
    #[error(transparent)]
    PasswordPolicy(#[from] crate::policy::PolicyViolation),
    /// An enchanted link was not verified before the deadline of
    /// [`wait_for_session`](crate::email::EnchantedLinkClient::wait_for_session).
    #[error("the link was not verified in time ({operation})")]
    NotVerifiedInTime {
        /// The operation polled.
        operation: Operation,
    },
    /// A session or refresh JWT was refused by local validation.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The project's public keys could not be fetched or parsed, or the token's `kid` is not
    /// among the cached keys and they were fetched too recently to fetch them again (a key
    /// rotation in progress), so a token could not be checked. The token itself may be fine:
    /// do not sign the user out for this.
    #[error("cannot get the project's public keys")]
    KeyFetch {
        /// Why: the failed request or parse (none while the next fetch waits for the refetch
        /// interval).
        #[source]
        source: Option<Box<Error>>,
    },
}

/// Why a JWT was refused. No message contains any part of the token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// `exp` is past, beyond the leeway.
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future, beyond the leeway.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// The signature does not match the key.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// The project does not publish the token's `kid`: a fetch of the key set made since the
    /// token was seen does not list it (a withdrawn or forged key). An unknown `kid` while the
    /// refetch interval holds the fetch back is [`Error::KeyFetch`] instead.
    #[error("the token was signed with an unknown key")]
    UnknownKey,
    /// The token's `alg` is not the one its key is pinned to (`none` and HMAC never are).
    #[error("the token's algorithm is not allowed for its key")]
    DisallowedAlgorithm,
    /// `iss` does not name this project.
    #[error("the token was issued for another project")]
    WrongIssuer,
    /// `aud` does not contain the configured audience.
    #[error("the token is for another audience")]
    WrongAudience,
    /// A refresh JWT where a session JWT was expected, or the reverse (`drn`).
    #[error("the token is a {found} token, not a {expected} token")]
    WrongTokenKind {
        /// What was expected (`session` or `refresh`).
        expected: &'static str,
        /// What the token is.
        found: &'static str,
    },
    /// Not a well-formed JWT, or a required claim is missing.
    #[error("the token is malformed: {0}")]
    Malformed(&'static str),
    /// The session was logged out in this process (logout, logout-all or logout-and-clear)
    /// while a refresh of it was shared or remembered: its outcome is not handed out.
    #[error("the session was logged out")]
    LoggedOut,
    /// The request carries no session token (no bearer header, no session cookie).
    #[error("no session token in the request")]
    Missing,
    /// Longer than the configured limit.
    #[error("the token is longer than {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl Error {
    /// The API error, when the service answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The session error, when local validation refused a token.
    pub fn session(&self) -> Option<&SessionError> {
        match self {
            Error::Session(session) => Some(session),
            _ => None,
        }
    }

    /// Whether the service refused the request for exceeding its rate limit (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        self.api().is_some_and(ApiError::is_rate_limited)
    }

    /// The Descope error code, when the service answered with one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.api().and_then(|api| api.code.as_ref())
    }

    /// The HTTP status, when the service answered with an error status.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|api| api.status)
    }

    /// How long the service asked to wait before retrying (`Retry-After`), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|api| api.retry_after)
    }

    /// Whether the same request may succeed later: a timeout, no answer at all, keys that could
    /// not be fetched, a rate limit (429: wait for [`retry_after`](Self::retry_after)), or a
    /// temporary service failure (502, 503, 504, 520, 521, 522, 524, 530). Refused credentials,
    /// bad input and invalid tokens are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => {
                api.is_rate_limited()
                    || matches!(api.status, 502 | 504)
                    || crate::retry::DEFAULT_RETRY_STATUSES.contains(&api.status)
            }
            Error::Timeout { .. } | Error::Transport { .. } | Error::KeyFetch { .. } => true,
            _ => false,
        }
    }

    /// Whether a sign-in or password replace was refused for its login ID or password: an
    /// unknown login ID and a wrong password alike, so an application can answer both with one
    /// message and not reveal which accounts exist. An expired password, a rate limit or a
    /// disabled user are not bad credentials.
    pub fn is_bad_credentials(&self) -> bool {
        let Error::Api(api) = self else {
            return false;
        };
        let checks_password = matches!(
            api.operation,
            Operation::PasswordSignIn | Operation::PasswordReplace
        );
        let refused = match &api.code {
            Some(ErrorCode::UserNotFound) => true,
            Some(ErrorCode::PasswordExpired) => false,
            _ => api.status == 401,
        };
        checks_password && refused
    }

    /// The operation that failed, when the error comes from one (not for configuration, bad
    /// input or a local token check).
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Api(api) => Some(api.operation),
            Error::Transport { operation, .. }
            | Error::Timeout { operation }
            | Error::Redirected { operation, .. }
            | Error::ResponseTooLarge { operation }
            | Error::Decode { operation, .. }
            | Error::NotVerifiedInTime { operation } => Some(*operation),
            _ => None,
        }
    }

    /// Whether a code or link token was refused as wrong (`E061102`): a typo, or a token that
    /// was never sent. Ask for it again.
    pub fn is_wrong_code(&self) -> bool {
        self.code() == Some(&ErrorCode::WrongCode)
    }

    /// Whether a code or link token has expired or was already used (`E062504`): send a new
    /// one.
    pub fn is_code_expired(&self) -> bool {
        self.code() == Some(&ErrorCode::CodeExpired)
    }

    /// Whether a code was refused after too many wrong attempts (`E061103`): send a new one.
    pub fn is_too_many_attempts(&self) -> bool {
        self.code() == Some(&ErrorCode::TooManyAttempts)
    }

    /// Whether an enchanted link's session is not ready yet (`E062503`): its link was not
    /// clicked (verified) yet. Poll again.
    pub fn is_pending(&self) -> bool {
        self.code() == Some(&ErrorCode::EnchantedLinkPending)
    }

    /// Whether the service refused the *server's* credentials rather than the end user's: a
    /// 401 or 403 on a management call (the management key), or a 401 or 403 with code
    /// `E011003` (the `Authorization` header itself: the project ID or the auth management
    /// key). A server misconfiguration: never answer it as "not signed in".
    pub fn is_server_credentials_refused(&self) -> bool {
        let Error::Api(api) = self else {
            return false;
        };
        matches!(api.status, 401 | 403)
            && (api.operation.credential() == Credential::ManagementKey
                || api.code == Some(ErrorCode::InvalidRequest))
    }

    /// Whether the user's session is over: a token refused by local validation, a token that
    /// cannot be sent, or the service refusing it (400, 401, 403: revoked, expired, rotated
    /// away, a disabled user). Clear the session cookies. Not for a rate limit, an outage or
    /// [the server's own credentials refused](Self::is_server_credentials_refused).
    pub fn ends_session(&self) -> bool {
        match self {
            Error::Session(_) | Error::InvalidInput { .. } => true,
            Error::Api(api) => {
                matches!(api.status, 400 | 401 | 403) && !self.is_server_credentials_refused()
            }
            _ => false,
        }
    }

    /// A copy of this error for another waiter on the same shared outcome (one refresh for
    /// many requests): the same variant and fields; a transport failure's cause is kept as its
    /// text.
    pub(crate) fn duplicate(&self) -> Error {
        match self {
            Error::Api(api) => Error::Api(api.clone()),
            Error::Transport { operation, source } => Error::Transport {
                operation: *operation,
                source: Box::new(CopiedCause(source.to_string())),
            },
            Error::Timeout { operation } => Error::Timeout {
                operation: *operation,
            },
            Error::Redirected { operation, status } => Error::Redirected {
                operation: *operation,
                status: *status,
            },
            Error::ResponseTooLarge { operation } => Error::ResponseTooLarge {
                operation: *operation,
            },
            Error::Decode { operation, reason } => Error::Decode {
                operation: *operation,
                reason: reason.clone(),
            },
            Error::Config(reason) => Error::Config(reason.clone()),
            Error::InvalidInput { field, reason } => Error::InvalidInput { field, reason },
            Error::InvalidClaim { name, reason } => Error::InvalidClaim {
                name: name.clone(),
                reason,
            },
            Error::PasswordPolicy(violation) => Error::PasswordPolicy(violation.clone()),
            Error::Session(session) => Error::Session(session.clone()),
            Error::NotVerifiedInTime { operation } => Error::NotVerifiedInTime {
                operation: *operation,
            },
            Error::KeyFetch { source } => Error::KeyFetch {
                source: source.as_ref().map(|e| Box::new(e.duplicate())),
            },
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: &'static str) -> Self {
        Error::InvalidInput { field, reason }
    }
}

/// The text of a transport failure, for a copy of its error (see `Error::duplicate`).
#[derive(Debug)]
struct CopiedCause(String);

impl fmt::Display for CopiedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CopiedCause {}

/// An error answer from the service: its HTTP status and the parsed Descope error body.
///
/// The body may be empty, HTML from a proxy, or truncated: then only `status` (and
/// `retry_after`) are set.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation.
    pub operation: Operation,
    /// The HTTP status.
    pub status: u16,
    /// The Descope error code (`errorCode`), when the body had one.
    pub code: Option<ErrorCode>,
    /// The short description (`errorDescription`).
    pub description: Option<String>,
    /// The details (`errorMessage`). Not part of `Display`.
    pub message: Option<String>,
    /// How long to wait before retrying (`Retry-After`, in seconds), when the service said.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Whether this is a rate-limit answer (HTTP 429, whatever the code).
    pub fn is_rate_limited(&self) -> bool {
        self.status == 429
    }

    /// Whether the credentials were refused (HTTP 401).
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "descope refused {} with status {}",
            self.operation, self.status
        )?;
        if let Some(code) = &self.code {
            f.write_str(", ")?;
            write_sanitized(f, code.as_str(), 32)?;
        }
        if let Some(description) = &self.description {
            f.write_str(" (")?;
            write_sanitized(f, description, 200)?;
            f.write_str(")")?;
        }
        if let Some(after) = self.retry_after {
            write!(f, ", retry after {}s", after.as_secs())?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Writes text from the service so it cannot forge log lines or drive a terminal: control
/// characters (`\r`, `\n`, ANSI escapes...) are escaped, and at most `max` characters are kept.
fn write_sanitized(f: &mut fmt::Formatter<'_>, text: &str, max: usize) -> fmt::Result {
    for (i, c) in text.chars().enumerate() {
        if i == max {
            return f.write_str("...");
        }
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}') {
            write!(f, "{}", c.escape_unicode())?;
        } else {
            write!(f, "{c}")?;
        }
    }
    Ok(())
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
