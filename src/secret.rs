//! Secret values: passwords, JWTs and keys that must never be printed.
//!
//! Every type here has a `Debug` that prints `Name([redacted])`, no `Display`, and one accessor,
//! `secret()`, whose name makes each read visible in review. They serialize transparently (the
//! wire needs the value) and are what the generated request/response types hold, because
//! `build.rs` maps the spec's secret schemas to them.

use std::fmt;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident, $format:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value itself.
            ///
            /// # Security Warning
            ///
            /// Do not print, log or store what this returns outside of a secure place.
            pub fn secret(&self) -> &str {
                &self.0
            }

            /// Whether the value is empty (the service sends empty tokens in some responses).
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(value: &String) -> Self {
                Self(value.clone())
            }
        }

        /// With the `wire` feature: the schema of the wire types' field.
        #[cfg(feature = "wire")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_owned()
            }

            fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
                schemars::schema::SchemaObject {
                    instance_type: Some(schemars::schema::InstanceType::String.into()),
                    format: Some($format.to_owned()),
                    ..Default::default()
                }
                .into()
            }
        }
    };
}

secret_type!(
    /// A user's password.
    Password,
    "password"
);
secret_type!(
    /// A session JWT: short-lived proof of a signed-in user, sent with each request to your backend.
    SessionJwt,
    "jwt"
);
secret_type!(
    /// A refresh JWT: long-lived, exchanged for new session JWTs; revoked by logout.
    RefreshJwt,
    "jwt"
);
secret_type!(
    /// Another bearer secret: an external or trusted-device token, an emailed one-time code or
    /// link token, an enchanted link's pending reference.
    OpaqueToken,
    "token"
);
secret_type!(
    /// A TOTP key (base32), as an authenticator app takes it: whoever has it can compute the
    /// user's codes.
    TotpKey,
    "token"
);
secret_type!(
    /// A Descope management key, appended to the `Authorization` header when configured.
    ManagementKey,
    "token"
);
secret_type!(
    /// A Descope access key, exchanged for a session JWT (machine-to-machine).
    AccessKey,
    "token"
);
