//! Custom claims a backend puts in the sessions it issues or updates: any `serde::Serialize`
//! value, under any name but the ones Descope sets itself.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The claims Descope sets itself: who the session is (`sub`, `dsub`, `act`), where it comes
/// from and how long it holds (`iss`, `aud`, `azp`, `iat`, `nbf`, `exp`, `jti`, `sid`, `drn`,
/// `amr`), what it may do (`roles`, `permissions`, `tenants`, `dct`) and the user's contact
/// claims (`email`, `verifiedEmail`, `phone`, `verifiedPhone`). A custom claim with one of these
/// names is refused before any request ([`Error::InvalidClaim`]); the service would drop it.
pub const RESERVED_CLAIMS: &[&str] = &[
    "iss",
    "sub",
    "dsub",
    "act",
    "aud",
    "azp",
    "iat",
    "nbf",
    "exp",
    "jti",
    "sid",
    "drn",
    "amr",
    "roles",
    "permissions",
    "tenants",
    "dct",
    "email",
    "verifiedEmail",
    "phone",
    "verifiedPhone",
];

/// Custom claims being collected by a builder: the claims, and the first refusal, reported when
/// the builder runs (before any request).
#[derive(Clone, Debug, Default)]
pub(crate) struct Claims {
    claims: Map<String, Value>,
    refused: Option<(String, &'static str)>,
}

impl Claims {
    /// Adds `name`, or remembers why it is refused.
    pub(crate) fn insert(&mut self, name: String, value: impl Serialize) {
        if self.refused.is_some() {
            return;
        }
        let why = if name.trim().is_empty() {
            Some("the name is empty")
        } else if RESERVED_CLAIMS.contains(&name.as_str()) {
            Some("a claim Descope sets itself")
        } else {
            None
        };
        if let Some(why) = why {
            self.refused = Some((name, why));
            return;
        }
        match serde_json::to_value(value) {
            Ok(value) => {
                self.claims.insert(name, value);
            }
            Err(_) => self.refused = Some((name, "the value does not serialize to JSON")),
        }
    }

    /// The claims, or the first refusal.
    pub(crate) fn into_map(self) -> Result<Map<String, Value>> {
        match self.refused {
            Some((name, reason)) => Err(Error::InvalidClaim { name, reason }),
            None => Ok(self.claims),
        }
    }
}

/// The `claim` setter of a builder with a `claims: Claims` field.
macro_rules! claim_setter {
    () => {
        /// Adds a custom claim to the session JWT: any `serde::Serialize` value (a string, a
        /// number, a struct...). A name in [`RESERVED_CLAIMS`](crate::RESERVED_CLAIMS), an empty
        /// one, or a value that does not serialize is refused when the request is sent, before
        /// anything goes out, with [`Error::InvalidClaim`](crate::Error::InvalidClaim) naming
        /// it. Defaults to none.
        pub fn claim(mut self, name: impl Into<String>, value: impl serde::Serialize) -> Self {
            self.claims.insert(name.into(), value);
            self
        }
    };
}
pub(crate) use claim_setter;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn any_serializable_value_under_a_free_name() {
        #[derive(Serialize)]
        struct Team {
            name: &'static str,
            size: u8,
        }
        let mut claims = Claims::default();
        claims.insert("plan".into(), "pro");
        claims.insert("seats".into(), 25);
        claims.insert("beta".into(), true);
        claims.insert(
            "team".into(),
            Team {
                name: "blue",
                size: 3,
            },
        );
        let map = claims.into_map().unwrap();
        assert_eq!(map["seats"], 25);
        assert_eq!(map["team"]["name"], "blue");
    }

    #[test]
    fn reserved_empty_and_unserializable_names_are_refused_naming_the_first() {
        for name in RESERVED_CLAIMS {
            let mut claims = Claims::default();
            claims.insert("plan".into(), "pro");
            claims.insert((*name).into(), "x");
            claims.insert("roles".into(), "y");
            let error = claims.into_map().unwrap_err();
            assert!(
                matches!(&error, Error::InvalidClaim { name: n, .. } if n == name),
                "{error:?}"
            );
        }
        let mut claims = Claims::default();
        claims.insert(" ".into(), 1);
        assert!(claims.into_map().is_err());
        let mut claims = Claims::default();
        let mut bad = std::collections::HashMap::new();
        bad.insert((1, 2), "a map with non-string keys");
        claims.insert("bad".into(), bad);
        let error = claims.into_map().unwrap_err();
        assert!(error.to_string().contains("\"bad\""), "{error}");
    }
}
