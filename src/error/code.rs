//! Descope's error codes (`errorCode`), as an open enum.

use std::fmt;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, )*) => {
        /// A Descope error code. Codes this crate does not know are kept in `Other`, as an
        /// opaque [`Unrecognized`](crate::Unrecognized) (read it with `as_str()`): when a later
        /// release learns a code, matching on it never silently changes.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            /// Any other code, as sent.
            Other(crate::Unrecognized),
        }

        impl ErrorCode {
            /// The code as on the wire (`E062108`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$variant => $code, )*
                    ErrorCode::Other(code) => code.as_str(),
                }
            }
        }

        impl From<&str> for ErrorCode {
            fn from(code: &str) -> Self {
                match code {
                    $( $code => ErrorCode::$variant, )*
                    other => ErrorCode::Other(crate::Unrecognized::new(other)),
                }
            }
        }
    };
}

error_codes! {
    /// `E011001`: the request is malformed.
    BadRequest = "E011001",
    /// `E011002`: a required argument is missing.
    MissingArguments = "E011002",
    /// `E011003`: the request is invalid.
    InvalidRequest = "E011003",
    /// `E011004`: an argument is invalid.
    InvalidArguments = "E011004",
    /// `E061102`: a wrong one-time code or link token.
    WrongCode = "E061102",
    /// `E061103`: too many wrong attempts at a one-time code.
    TooManyAttempts = "E061103",
    /// `E062503`: an enchanted link's session is not ready (the link is not verified yet).
    EnchantedLinkPending = "E062503",
    /// `E062504`: a one-time code or link token expired or was already used.
    CodeExpired = "E062504",
    /// `E062107`: a user with this login ID already exists.
    UserAlreadyExists = "E062107",
    /// `E062108`: no user has this login ID.
    UserNotFound = "E062108",
    /// `E062909`: the password has expired and must be reset.
    PasswordExpired = "E062909",
    /// `E064001`: the token was revoked by a logout.
    TokenExpiredByLogout = "E064001",
    /// `E130429`: rate limited.
    RateLimited = "E130429",
    /// `E170429`: rate limited (management and backend traffic).
    BackendRateLimited = "E170429",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
