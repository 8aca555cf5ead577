//! The password policy the emulator enforces and reports.

use crate::generated::types::PasswordPolicyResponse;

/// A password policy. Defaults to at least 8 characters with a lowercase letter, an uppercase
/// letter and a digit.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PasswordPolicy {
    /// Minimum length in characters. Defaults to 8.
    pub min_length: u32,
    /// A lowercase letter is required. Defaults to true.
    pub lowercase: bool,
    /// An uppercase letter is required. Defaults to true.
    pub uppercase: bool,
    /// A digit is required. Defaults to true.
    pub number: bool,
    /// A character that is neither a letter nor a digit is required. Defaults to false.
    pub non_alphanumeric: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            lowercase: true,
            uppercase: true,
            number: true,
            non_alphanumeric: false,
        }
    }
}

impl PasswordPolicy {
    /// A policy that only asks for `min_length` characters.
    pub fn min_length_only(min_length: u32) -> Self {
        Self {
            min_length,
            lowercase: false,
            uppercase: false,
            number: false,
            non_alphanumeric: false,
        }
    }

    /// What `password` lacks, or `None` when it satisfies the policy.
    pub fn violation(&self, password: &str) -> Option<String> {
        let mut missing = Vec::new();
        if (password.chars().count() as u64) < u64::from(self.min_length) {
            missing.push(format!("at least {} characters", self.min_length));
        }
        if self.lowercase && !password.chars().any(char::is_lowercase) {
            missing.push("a lowercase letter".to_owned());
        }
        if self.uppercase && !password.chars().any(char::is_uppercase) {
            missing.push("an uppercase letter".to_owned());
        }
        if self.number && !password.chars().any(|c| c.is_ascii_digit()) {
            missing.push("a digit".to_owned());
        }
        if self.non_alphanumeric && password.chars().all(char::is_alphanumeric) {
            missing.push("a character that is not a letter or digit".to_owned());
        }
        (!missing.is_empty()).then(|| format!("needs {}", missing.join(", ")))
    }

    pub(crate) fn response(&self) -> PasswordPolicyResponse {
        PasswordPolicyResponse {
            min_length: Some(i32::try_from(self.min_length).unwrap_or(i32::MAX)),
            lowercase: Some(self.lowercase),
            uppercase: Some(self.uppercase),
            number: Some(self.number),
            non_alphanumeric: Some(self.non_alphanumeric),
            strength_score_enabled: Some(false),
            strength_score: None,
        }
    }
}
