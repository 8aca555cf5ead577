//! The claims of a JWT as the wire has them, checked in one pass without building them.
//!
//! Validation reads the registered claims it decides on (`iss`, `sub`, `dsub`, `exp`, `nbf`,
//! `iat`, `aud`, `drn`) borrowed from the decoded payload, and checks the *shape* of the claims
//! a [`Session`] hands out (`amr`, `dct`, `roles`, `permissions`, `tenants`: strings and lists
//! of strings, or `null`) without allocating them. A token of the wrong shape is refused here,
//! as before. The session keeps the decoded payload and builds those collections the first time
//! one is read ([`super::claim_sets`]), once per session.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::SessionError;

/// Which kind of token a JWT is (its `drn` claim).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// A session JWT (`drn: "DS"`).
    Session,
    /// A refresh JWT (`drn: "DSR"`).
    Refresh,
}

impl TokenKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Refresh => "refresh",
        }
    }
}

/// A JWT's payload, base64url-decoded: JSON claims, not yet read.
pub(crate) struct Payload(Vec<u8>);

impl Payload {
    /// Decodes the base64url payload of a JWT.
    pub(crate) fn decode(payload: &str) -> Result<Self, SessionError> {
        super::base64url::decode(payload)
            .map(Payload)
            .ok_or(SessionError::Malformed(
                "the payload is not base64url JSON claims",
            ))
    }

    /// The registered claims, borrowed, once every claim has the shape a session needs.
    pub(crate) fn check(&self) -> Result<Checked<'_>, SessionError> {
        serde_json::from_slice(&self.0)
            .map_err(|_| SessionError::Malformed("the payload is not base64url JSON claims"))
    }

    /// The decoded payload, for the session to keep.
    pub(crate) fn into_bytes(self) -> Box<[u8]> {
        self.0.into_boxed_slice()
    }
}

/// What validation settled about a token.
pub(crate) struct Facts {
    pub(crate) kind: TokenKind,
    pub(crate) user_id: String,
    pub(crate) project_id: Arc<str>,
    pub(crate) expires_at: i64,
    pub(crate) issued_at: Option<i64>,
}

/// The registered claims validation decides on, borrowed from the payload where they have no
/// escapes.
#[derive(Debug, Default)]
pub(crate) struct Checked<'a> {
    pub(crate) iss: Option<Cow<'a, str>>,
    pub(crate) sub: Option<Cow<'a, str>>,
    pub(crate) dsub: Option<Cow<'a, str>>,
    pub(crate) exp: Option<i64>,
    pub(crate) nbf: Option<i64>,
    pub(crate) iat: Option<i64>,
    pub(crate) aud: Option<Audience<'a>>,
    pub(crate) drn: Option<Cow<'a, str>>,
}

impl Checked<'_> {
    /// The token's kind from `drn` (absent means a session JWT); `None` for an unknown value.
    pub(crate) fn kind(&self) -> Option<TokenKind> {
        match self.drn.as_deref() {
            Some("DSR") => Some(TokenKind::Refresh),
            Some("DS") | None => Some(TokenKind::Session),
            Some(_) => None,
        }
    }

    /// The user: `dsub` when present and not empty, else `sub`.
    pub(crate) fn user_id(&self) -> Option<&str> {
        [self.dsub.as_deref(), self.sub.as_deref()]
            .into_iter()
            .flatten()
            .find(|s| !s.is_empty())
    }
}

/// A string, borrowed from the input when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(value.to_owned())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// `aud` is a string or a list of strings.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Audience<'a> {
    One(Cow<'a, str>),
    Many(Vec<Cow<'a, str>>),
}

impl Audience<'_> {
    pub(crate) fn contains(&self, audience: &str) -> bool {
        match self {
            Audience::One(one) => one == audience,
            Audience::Many(many) => many.iter().any(|a| a == audience),
        }
    }
}

impl<'de> Deserialize<'de> for Audience<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AudienceVisitor;
        impl<'de> Visitor<'de> for AudienceVisitor {
            type Value = Audience<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(Audience::One(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(Audience::One(Cow::Owned(value.to_owned())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut many = Vec::new();
                while let Some(Text(one)) = seq.next_element()? {
                    many.push(one);
                }
                Ok(Audience::Many(many))
            }
        }
        deserializer.deserialize_any(AudienceVisitor)
    }
}

/// A claim's name: one of the registered ones, or a custom one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Iss,
    Sub,
    Dsub,
    Exp,
    Nbf,
    Iat,
    Aud,
    Drn,
    Amr,
    Dct,
    Tenants,
    Roles,
    Permissions,
    Custom,
}

impl Field {
    pub(crate) fn named(name: &str) -> Field {
        match name {
            "iss" => Field::Iss,
            "sub" => Field::Sub,
            "dsub" => Field::Dsub,
            "exp" => Field::Exp,
            "nbf" => Field::Nbf,
            "iat" => Field::Iat,
            "aud" => Field::Aud,
            "drn" => Field::Drn,
            "amr" => Field::Amr,
            "dct" => Field::Dct,
            "tenants" => Field::Tenants,
            "roles" => Field::Roles,
            "permissions" => Field::Permissions,
            _ => Field::Custom,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Iss => "iss",
            Field::Sub => "sub",
            Field::Dsub => "dsub",
            Field::Exp => "exp",
            Field::Nbf => "nbf",
            Field::Iat => "iat",
            Field::Aud => "aud",
            Field::Drn => "drn",
            Field::Amr => "amr",
            Field::Dct => "dct",
            Field::Tenants => "tenants",
            Field::Roles => "roles",
            Field::Permissions => "permissions",
            Field::Custom => "a custom claim",
        }
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a claim name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
                Ok(Field::named(name))
            }
        }
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

/// Refuses a registered claim named twice (a second `sub` could hide who a token is for).
pub(crate) struct Once([bool; 13]);

impl Once {
    pub(crate) fn new() -> Self {
        Once([false; 13])
    }

    pub(crate) fn first<E: de::Error>(&mut self, field: Field) -> Result<(), E> {
        let Some(seen) = self.0.get_mut(field as usize) else {
            return Ok(()); // custom claims: the last one wins
        };
        if std::mem::replace(seen, true) {
            return Err(E::duplicate_field(field.name()));
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Checked<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CheckedVisitor;
        impl<'de> Visitor<'de> for CheckedVisitor {
            type Value = Checked<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of claims")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked<'de>, A::Error> {
                let mut c = Checked::default();
                let mut once = Once::new();
                let text = |t: Option<Text<'de>>| t.map(|Text(t)| t);
                while let Some(field) = map.next_key::<Field>()? {
                    once.first::<A::Error>(field)?;
                    match field {
                        Field::Iss => c.iss = text(map.next_value()?),
                        Field::Sub => c.sub = text(map.next_value()?),
                        Field::Dsub => c.dsub = text(map.next_value()?),
                        Field::Exp => c.exp = map.next_value()?,
                        Field::Nbf => c.nbf = map.next_value()?,
                        Field::Iat => c.iat = map.next_value()?,
                        Field::Aud => c.aud = map.next_value()?,
                        Field::Drn => c.drn = text(map.next_value()?),
                        Field::Dct => drop(map.next_value::<Option<Text<'de>>>()?),
                        Field::Amr | Field::Roles | Field::Permissions => {
                            map.next_value::<Option<Strings>>()?;
                        }
                        Field::Tenants => map.next_value::<Option<Tenants>>().map(drop)?,
                        Field::Custom => map.next_value::<Json>().map(drop)?,
                    }
                }
                Ok(c)
            }
        }
        deserializer.deserialize_map(CheckedVisitor)
    }
}

// The shape checks below are alike on purpose (`duplicates` lists them): serde takes one
// visitor per shape, and each checks its shape without allocating (the validation bench's
// reason for this module).

/// The shape of a list of strings, checked without keeping it.
struct Strings;

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringsVisitor;
        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                while seq.next_element::<Text<'de>>()?.is_some() {}
                Ok(Strings)
            }
        }
        deserializer.deserialize_seq(StringsVisitor)
    }
}

/// The shape of `tenants`: tenant IDs to roles and permissions (other fields are ignored).
struct Tenants;

impl<'de> Deserialize<'de> for Tenants {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TenantsVisitor;
        impl<'de> Visitor<'de> for TenantsVisitor {
            type Value = Tenants;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of tenants")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tenants, A::Error> {
                while map.next_key::<Text<'de>>()?.is_some() {
                    map.next_value::<Tenant>()?;
                }
                Ok(Tenants)
            }
        }
        deserializer.deserialize_map(TenantsVisitor)
    }
}

/// The shape of one tenant's claims: `roles` and `permissions` lists of strings (or `null`),
/// each named once; other fields any JSON.
struct Tenant;

impl<'de> Deserialize<'de> for Tenant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TenantVisitor;
        impl<'de> Visitor<'de> for TenantVisitor {
            type Value = Tenant;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a tenant's claims")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tenant, A::Error> {
                let (mut roles, mut permissions) = (false, false);
                while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
                    let seen = match &*name {
                        "roles" => &mut roles,
                        "permissions" => &mut permissions,
                        _ => {
                            map.next_value::<Json>()?;
                            continue;
                        }
                    };
                    if std::mem::replace(seen, true) {
                        return Err(de::Error::custom("a tenant's roles or permissions twice"));
                    }
                    map.next_value::<Option<Strings>>()?;
                }
                Ok(Tenant)
            }
        }
        deserializer.deserialize_map(TenantVisitor)
    }
}

/// Any JSON value, walked without keeping it. Its strings are decoded (a lone surrogate is
/// refused) and its nesting is bounded as `serde_json` bounds a `Value` (128 levels), so a
/// payload checked here always parses whole: a session's claims are never read as empty.
pub(crate) struct Json;

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Json, E> {
                Ok(Json)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Json, E> {
                Ok(Json)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Json, E> {
                Ok(Json)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Json, E> {
                Ok(Json)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Json, E> {
                Ok(Json)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
                Ok(Json)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                while seq.next_element::<Json>()?.is_some() {}
                Ok(Json)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                while map.next_key::<Json>()?.is_some() {
                    map.next_value::<Json>()?;
                }
                Ok(Json)
            }
        }
        deserializer.deserialize_any(JsonVisitor)
    }
}

#[cfg(test)]
#[path = "raw_claims_tests.rs"]
mod tests;
