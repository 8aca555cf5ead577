//! A new password the service refused: the refusal names the unmet rules by default. The
//! project's policy is fetched when needed and cached for 10 minutes.

use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::secret::Password;

/// `error`, or, when it is the service refusing `password` for the policy (400, not a missing
/// or malformed argument), [`Error::PasswordPolicy`] naming every rule the password misses.
/// When the policy cannot be had, or the password meets it, the service's error stands.
pub(crate) async fn named(client: &Client, error: Error, password: &Password) -> Error {
    let refused = matches!(
        &error,
        Error::Api(api) if api.status == 400
            && !matches!(api.code, Some(ErrorCode::MissingArguments | ErrorCode::BadRequest))
    );
    if !refused {
        return error;
    }
    let policy = match client.policy_cache.get() {
        Some(policy) => policy,
        None => match client.password().policy().await {
            Ok(policy) => {
                client.policy_cache.put(&policy);
                policy
            }
            Err(_) => return error,
        },
    };
    match policy.check(password.secret()) {
        Err(violation) => Error::PasswordPolicy(violation),
        Ok(()) => error,
    }
}
