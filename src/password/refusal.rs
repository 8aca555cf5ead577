//! A new password the service refused: the refusal names the unmet rules by default. The
//! project's policy is fetched when needed and cached for 10 minutes.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::policy::PasswordPolicy;
use crate::secret::Password;

/// How long a fetched policy is used before it is fetched again.
const POLICY_TTL: Duration = Duration::from_secs(600);

/// The project's password policy, once fetched.
#[derive(Default)]
pub(crate) struct PolicyCache {
    cached: RwLock<Option<(PasswordPolicy, Instant)>>,
}

impl PolicyCache {
    fn get(&self) -> Option<PasswordPolicy> {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        cached
            .as_ref()
            .filter(|(_, at)| at.elapsed() < POLICY_TTL)
            .map(|(policy, _)| policy.clone())
    }

    fn put(&self, policy: &PasswordPolicy) {
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) =
            Some((policy.clone(), Instant::now()));
    }
}

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
