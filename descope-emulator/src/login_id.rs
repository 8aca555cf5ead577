//! How login IDs are compared: the users' store, verification codes and seeds key them alike.

/// The key a login ID is matched by: case-insensitive, surrounding spaces ignored.
pub(crate) fn login_key(login_id: &str) -> String {
    login_id.trim().to_lowercase()
}
