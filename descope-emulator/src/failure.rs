//! Every error the emulator answers with, in one table.
//!
//! Codes marked *chosen* are not documented publicly for the real service; they are the
//! emulator's choice and are kept here (and in the README) so they are easy to correct.
//!
//! | failure | status | code | source |
//! | --- | --- | --- | --- |
//! | body is not JSON, or a field has the wrong type | 400 | `E011001` | documented |
//! | a required argument is missing or empty | 400 | `E011002` | documented |
//! | an argument is invalid (no email to send a reset to) | 400 | `E011004` | documented |
//! | `Authorization` missing, malformed or for another project; unknown route | 401 / 404 / 405 | `E011003` | documented code, chosen statuses |
//! | sign-up of an existing login ID | 409 | `E062107` | documented code, chosen status |
//! | a tenant, role or permission that exists already (ID or name, in its scope) | 409 | `E011004` | chosen |
//! | unknown login ID | 401 | `E062108` | documented code, chosen status |
//! | management call for an unknown user | 400 | `E062108` | documented code, chosen status |
//! | management key wrong or missing; access key unknown | 401 | `E011003` | documented code, chosen status |
//! | management call with no management key configured on the emulator | 403 | `E011003` | chosen |
//! | sign-in or refresh of a disabled user | 403 | `E062110` | chosen |
//! | sign-in with an expired or temporary password | 403 | `E062909` | documented code, chosen status |
//! | wrong password | 401 | `E062901` | chosen |
//! | password does not satisfy the policy | 400 | `E062902` | chosen |
//! | refresh JWT invalid, expired, of another user or not a refresh JWT | 401 | `E061005` | chosen |
//! | refresh JWT revoked by a logout or a password change | 401 | `E064001` | documented |
//! | wrong OTP code, unknown link token | 401 | `E061102` | SDK-known code, chosen status |
//! | OTP code or link token expired or already used | 401 | `E062504` | .NET tests' code, chosen status |
//! | too many wrong attempts at an OTP code | 403 | `E061103` | SDK-known code, chosen status |
//! | enchanted link not verified yet (pending session) | 401 | `E062503` | as the Go SDK's tests |
//! | rate limit exceeded (with `Retry-After`) | 429 | `E130429` | documented |
//! | internal failure | 500 | `E000001` | chosen |

use axum::http::StatusCode;

/// Why the emulator refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    BadJson(String),
    MissingArgument(String),
    InvalidArgument(String),
    Unauthorized(&'static str),
    NotFound,
    MethodNotAllowed,
    UserExists,
    /// A tenant, role or permission that exists already: what it is.
    Exists(String),
    UserNotFound,
    ManagedUserNotFound,
    Forbidden(&'static str),
    UserDisabled,
    PasswordExpired,
    WrongPassword,
    PolicyViolation(descope::PolicyViolation),
    InvalidRefresh(&'static str),
    RevokedRefresh,
    RateLimited {
        retry_after_secs: u64,
    },
    /// A wrong one-time code or link token.
    WrongCode,
    /// A code or link token that expired or was used.
    CodeExpired,
    /// Too many wrong attempts at a code.
    TooManyAttempts,
    /// An enchanted link not verified yet.
    Pending,
    Internal(&'static str),
}

impl Failure {
    /// Status, code and description.
    pub(crate) fn parts(&self) -> (StatusCode, &'static str, String) {
        use Failure::*;
        match self {
            BadJson(why) => (
                StatusCode::BAD_REQUEST,
                "E011001",
                format!("Malformed request: {why}"),
            ),
            MissingArgument(field) => (
                StatusCode::BAD_REQUEST,
                "E011002",
                format!("Missing argument: {field}"),
            ),
            InvalidArgument(why) => (
                StatusCode::BAD_REQUEST,
                "E011004",
                format!("Invalid argument: {why}"),
            ),
            Unauthorized(why) => (
                StatusCode::UNAUTHORIZED,
                "E011003",
                format!("Unauthorized: {why}"),
            ),
            NotFound => (StatusCode::NOT_FOUND, "E011003", "Route not found".into()),
            MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "E011003",
                "Method not allowed".into(),
            ),
            UserExists => (
                StatusCode::CONFLICT,
                "E062107",
                "User already exists".into(),
            ),
            Exists(what) => (
                StatusCode::CONFLICT,
                "E011004",
                format!("Already exists: {what}"),
            ),
            UserNotFound => (StatusCode::UNAUTHORIZED, "E062108", "User not found".into()),
            ManagedUserNotFound => (StatusCode::BAD_REQUEST, "E062108", "User not found".into()),
            Forbidden(why) => (
                StatusCode::FORBIDDEN,
                "E011003",
                format!("Forbidden: {why}"),
            ),
            UserDisabled => (
                StatusCode::FORBIDDEN,
                "E062110",
                "The user is disabled".into(),
            ),
            PasswordExpired => (
                StatusCode::FORBIDDEN,
                "E062909",
                "The password has expired and must be replaced".into(),
            ),
            WrongPassword => (
                StatusCode::UNAUTHORIZED,
                "E062901",
                "Invalid login ID or password".into(),
            ),
            PolicyViolation(why) => (
                StatusCode::BAD_REQUEST,
                "E062902",
                format!("Password does not meet the password policy: {why}"),
            ),
            InvalidRefresh(why) => (
                StatusCode::UNAUTHORIZED,
                "E061005",
                format!("Invalid refresh token: {why}"),
            ),
            RevokedRefresh => (
                StatusCode::UNAUTHORIZED,
                "E064001",
                "Token expired by logout".into(),
            ),
            RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "E130429",
                "Rate limit exceeded".into(),
            ),
            WrongCode => (
                StatusCode::UNAUTHORIZED,
                "E061102",
                "Wrong code or token".into(),
            ),
            CodeExpired => (
                StatusCode::UNAUTHORIZED,
                "E062504",
                "Token expired or already used".into(),
            ),
            TooManyAttempts => (
                StatusCode::FORBIDDEN,
                "E061103",
                "Too many wrong attempts: ask for a new code".into(),
            ),
            Pending => (
                StatusCode::UNAUTHORIZED,
                "E062503",
                "The link was not verified yet".into(),
            ),
            Internal(why) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "E000001",
                format!("Internal error: {why}"),
            ),
        }
    }
}
