//! Reading the management bodies the SDKs send: the Python SDK sends JSON `null` for every
//! optional key it was not given, so lists, maps and flags read `null` as absent.

use serde::{Deserialize, Deserializer};

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
