//! Values the service sends that this crate does not know yet.

/// A value the service sent that this crate does not know yet (an error code, a user status, a
/// reset method...). It can be read with [`as_str`](Self::as_str) but not built or matched as a
/// pattern, so an arm written for it cannot silently stop matching when a later release of the
/// crate learns the value and gives it a variant of its own: match the known variants, and
/// compare `as_str()` in a `_` arm if you must.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Unrecognized(String);

impl Unrecognized {
    pub(crate) fn new(text: &str) -> Self {
        Self(text.to_owned())
    }

    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Unrecognized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
