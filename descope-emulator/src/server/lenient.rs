//! Reading the management bodies the SDKs send: the Python SDK sends JSON `null` for every
//! optional key it was not given, so lists, maps and flags read `null` as absent.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::failure::Failure;

/// `null` or absent: the type's default (an empty list or map, `false`).
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A non-empty, trimmed text, or `None`.
pub(crate) fn text(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|t| !t.is_empty())
}

/// A body's text field `key`, trimmed (`null`, absent, not a string or blank: `None`).
pub(crate) fn field<'b>(body: &'b Value, key: &str) -> Option<&'b str> {
    text(body.get(key).and_then(Value::as_str))
}

/// A body's required text field `key`, or `E011002` naming it.
pub(crate) fn required_field(body: &Value, key: &str) -> Result<String, Failure> {
    field(body, key)
        .map(str::to_owned)
        .ok_or_else(|| Failure::MissingArgument(key.into()))
}

/// A body's flag `key` (`null`, absent or not a boolean: `false`).
pub(crate) fn flag(body: &Value, key: &str) -> bool {
    body.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The `customClaims` object of `body` (`null` or absent: none). Reserved names are dropped
/// where sessions are signed (`tokens::session_claims`).
pub(crate) fn custom_claims(body: &Value) -> Map<String, Value> {
    body.get("customClaims")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The custom claims of a body's `loginOptions`.
pub(crate) fn option_claims(body: &Value) -> Map<String, Value> {
    custom_claims(body.get("loginOptions").unwrap_or(&Value::Null))
}
