//! The project's password policy: what [`PasswordClient::policy`](crate::PasswordClient::policy)
//! returns, with a local [`check`](PasswordPolicy::check) that names every unmet rule.
//!
//! The `descope-emulator` crate enforces this same type, so a password the check accepts is one
//! the emulator accepts.

use std::fmt;

use crate::wire::PasswordPolicyResponse;

/// A password policy.
///
/// Fields the service leaves out read as "not required" (`0`, `false`, `None`).
/// [`Default`] is a common policy: at least 8 characters with a lowercase letter, an uppercase
/// letter and a digit (the emulator's default).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PasswordPolicy {
    /// Minimum length, in characters. Defaults to 8.
    pub min_length: u32,
    /// A lowercase letter is required. Defaults to true.
    pub lowercase: bool,
    /// An uppercase letter is required. Defaults to true.
    pub uppercase: bool,
    /// A digit is required. Defaults to true.
    pub number: bool,
    /// A character that is neither a letter nor a digit is required. Defaults to false.
    pub non_alphanumeric: bool,
    /// The minimum strength score (0 to 4) when the project checks password strength.
    /// Defaults to none. [`check`](PasswordPolicy::check) does not evaluate it: only the
    /// service can.
    pub strength_score: Option<u32>,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            lowercase: true,
            uppercase: true,
            number: true,
            non_alphanumeric: false,
            strength_score: None,
        }
    }
}

/// One rule of a [`PasswordPolicy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyRule {
    /// At least this many characters.
    MinLength(u32),
    /// A lowercase letter.
    Lowercase,
    /// An uppercase letter.
    Uppercase,
    /// A digit.
    Number,
    /// A character that is neither a letter nor a digit.
    NonAlphanumeric,
}

impl fmt::Display for PolicyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyRule::MinLength(n) => write!(f, "at least {n} characters"),
            PolicyRule::Lowercase => f.write_str("a lowercase letter"),
            PolicyRule::Uppercase => f.write_str("an uppercase letter"),
            PolicyRule::Number => f.write_str("a digit"),
            PolicyRule::NonAlphanumeric => f.write_str("a character that is not a letter or digit"),
        }
    }
}

/// The rules a password does not satisfy (never the password itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyViolation {
    unmet: Vec<PolicyRule>,
}

impl PolicyViolation {
    /// The unmet rules, in the policy's order (length first). Never empty.
    pub fn unmet(&self) -> &[PolicyRule] {
        &self.unmet
    }
}

impl fmt::Display for PolicyViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the password needs ")?;
        for (i, rule) in self.unmet.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{rule}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyViolation {}

impl PasswordPolicy {
    /// A policy that only asks for `min_length` characters.
    pub fn min_length_only(min_length: u32) -> Self {
        Self {
            min_length,
            lowercase: false,
            uppercase: false,
            number: false,
            non_alphanumeric: false,
            strength_score: None,
        }
    }

    /// The rules this policy has, in order.
    pub fn rules(&self) -> Vec<PolicyRule> {
        let mut rules = Vec::with_capacity(5);
        if self.min_length > 0 {
            rules.push(PolicyRule::MinLength(self.min_length));
        }
        for (on, rule) in [
            (self.lowercase, PolicyRule::Lowercase),
            (self.uppercase, PolicyRule::Uppercase),
            (self.number, PolicyRule::Number),
            (self.non_alphanumeric, PolicyRule::NonAlphanumeric),
        ] {
            if on {
                rules.push(rule);
            }
        }
        rules
    }

    /// Checks `password` against every rule, before sending it (to tell a user what is missing
    /// without a round trip). The strength score is not evaluated here.
    ///
    /// ```
    /// use descope::{PasswordPolicy, PolicyRule};
    ///
    /// let policy = PasswordPolicy::default();
    /// let violation = policy.check("short").unwrap_err();
    /// assert_eq!(
    ///     violation.unmet(),
    ///     [PolicyRule::MinLength(8), PolicyRule::Uppercase, PolicyRule::Number]
    /// );
    /// assert!(policy.check("Correct-Horse-1").is_ok());
    /// ```
    pub fn check(&self, password: &str) -> Result<(), PolicyViolation> {
        let unmet: Vec<PolicyRule> = self
            .rules()
            .into_iter()
            .filter(|rule| !satisfies(*rule, password))
            .collect();
        if unmet.is_empty() {
            Ok(())
        } else {
            Err(PolicyViolation { unmet })
        }
    }

    /// The policy the service described (absent fields are "not required").
    pub(crate) fn from_wire(wire: PasswordPolicyResponse) -> Self {
        let non_negative = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        Self {
            min_length: non_negative(wire.min_length),
            lowercase: wire.lowercase.unwrap_or(false),
            uppercase: wire.uppercase.unwrap_or(false),
            number: wire.number.unwrap_or(false),
            non_alphanumeric: wire.non_alphanumeric.unwrap_or(false),
            strength_score: wire
                .strength_score_enabled
                .unwrap_or(false)
                .then(|| non_negative(wire.strength_score)),
        }
    }
}

fn satisfies(rule: PolicyRule, password: &str) -> bool {
    match rule {
        PolicyRule::MinLength(n) => password.chars().count() as u64 >= u64::from(n),
        PolicyRule::Lowercase => password.chars().any(char::is_lowercase),
        PolicyRule::Uppercase => password.chars().any(char::is_uppercase),
        PolicyRule::Number => password.chars().any(|c| c.is_ascii_digit()),
        PolicyRule::NonAlphanumeric => !password.chars().all(char::is_alphanumeric),
    }
}

impl From<&PasswordPolicy> for PasswordPolicyResponse {
    /// The policy as the service describes it on the wire.
    fn from(policy: &PasswordPolicy) -> Self {
        PasswordPolicyResponse {
            min_length: Some(i32::try_from(policy.min_length).unwrap_or(i32::MAX)),
            lowercase: Some(policy.lowercase),
            uppercase: Some(policy.uppercase),
            number: Some(policy.number),
            non_alphanumeric: Some(policy.non_alphanumeric),
            strength_score_enabled: Some(policy.strength_score.is_some()),
            strength_score: policy
                .strength_score
                .map(|score| i32::try_from(score).unwrap_or(i32::MAX)),
        }
    }
}

/// How long a fetched policy is used before it is fetched again.
const POLICY_TTL: std::time::Duration = std::time::Duration::from_secs(600);

/// The project's password policy, once fetched.
#[derive(Default)]
pub(crate) struct PolicyCache {
    cached: std::sync::RwLock<Option<(PasswordPolicy, std::time::Instant)>>,
}

impl PolicyCache {
    pub(crate) fn get(&self) -> Option<PasswordPolicy> {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        cached
            .as_ref()
            .filter(|(_, at)| at.elapsed() < POLICY_TTL)
            .map(|(policy, _)| policy.clone())
    }

    pub(crate) fn put(&self, policy: &PasswordPolicy) {
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) =
            Some((policy.clone(), std::time::Instant::now()));
    }
}
