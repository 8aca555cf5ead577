//! The collections a [`Session`](super::Session) hands out (`amr`, `dct`, `roles`,
//! `permissions`, `tenants` and the custom claims), built from the checked payload the first time
//! one of them is read.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::raw_claims::{Field, Json, Once};

/// Roles and permissions of the user in one tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TenantClaims {
    /// Roles in the tenant.
    #[serde(default, deserialize_with = "null_as_default")]
    pub roles: Vec<String>,
    /// Permissions in the tenant.
    #[serde(default, deserialize_with = "null_as_default")]
    pub permissions: Vec<String>,
}

pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A session's claims beyond who and until when.
#[derive(Debug, Default)]
pub(crate) struct Claims {
    pub(crate) amr: Vec<String>,
    pub(crate) current_tenant: Option<String>,
    pub(crate) tenants: Option<BTreeMap<String, TenantClaims>>,
    pub(crate) roles: Vec<String>,
    pub(crate) permissions: Vec<String>,
    pub(crate) custom: Map<String, Value>,
}

impl Claims {
    /// The claims of a payload that validation checked. The check walks every value as this
    /// parse does (shapes, strings decoded, nesting bounded alike), so this cannot fail; the
    /// fuzz target `validate` compares every accepted token's claims with a whole parse. Were it
    /// to fail, the session would show no roles, permissions or tenants (never more than the
    /// token grants).
    pub(crate) fn of(payload: &[u8]) -> Self {
        serde_json::from_slice(payload).unwrap_or_default()
    }
}

/// A list claim where `null` means empty.
struct NullAsEmpty<T>(T);

impl<'de, T: Default + Deserialize<'de>> Deserialize<'de> for NullAsEmpty<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        null_as_default(deserializer).map(NullAsEmpty)
    }
}

/// A claim's name, and the name itself when it is a custom claim.
struct Named(Field, Option<String>);

impl<'de> Deserialize<'de> for Named {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamedVisitor;
        impl Visitor<'_> for NamedVisitor {
            type Value = Named;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a claim name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Named, E> {
                Ok(match Field::named(name) {
                    Field::Custom => Named(Field::Custom, Some(name.to_owned())),
                    field => Named(field, None),
                })
            }
        }
        deserializer.deserialize_identifier(NamedVisitor)
    }
}

impl<'de> Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ClaimsVisitor;
        impl<'de> Visitor<'de> for ClaimsVisitor {
            type Value = Claims;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of claims")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Claims, A::Error> {
                let mut c = Claims::default();
                let mut once = Once::new();
                let list = |v: Option<NullAsEmpty<Vec<String>>>| v.map(|v| v.0).unwrap_or_default();
                while let Some(Named(field, name)) = map.next_key()? {
                    once.first::<A::Error>(field)?;
                    match (field, name) {
                        (Field::Amr, _) => c.amr = list(map.next_value()?),
                        (Field::Roles, _) => c.roles = list(map.next_value()?),
                        (Field::Permissions, _) => c.permissions = list(map.next_value()?),
                        (Field::Dct, _) => c.current_tenant = map.next_value()?,
                        (Field::Tenants, _) => c.tenants = map.next_value()?,
                        (Field::Custom, Some(name)) => {
                            let value = map.next_value::<Value>()?;
                            c.custom.insert(name, value);
                        }
                        _ => {
                            map.next_value::<Json>()?;
                        }
                    }
                }
                Ok(c)
            }
        }
        deserializer.deserialize_map(ClaimsVisitor)
    }
}
