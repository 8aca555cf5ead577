//! Emailed codes and link tokens waiting to be verified, and enchanted-link sessions waiting to
//! be collected: single use, expiring on the emulator's clock, with a bounded number of wrong
//! attempts per code. Kept in the state file like users and sessions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::login_id::login_key;
use crate::outbox::{Method, Purpose};

/// Wrong attempts allowed per OTP code; the next wrong one spends it.
pub(crate) const MAX_CODE_ATTEMPTS: u32 = 5;

/// How many codes, tokens and pending sessions are kept at most (expired ones go first).
const MAX_ENTRIES: usize = 10_000;

/// What verifying a code or token does.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Intent {
    pub(crate) purpose: Purpose,
    /// The user, except for a sign-up (made at verification).
    #[serde(default)]
    pub(crate) user_id: Option<String>,
    /// The login ID it was sent for.
    pub(crate) login_id: String,
    /// The address it was written to (the new address of an email update).
    pub(crate) email: String,
    /// For a sign-up: the profile.
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) phone: Option<String>,
    /// For an email update: also make the address a login ID.
    #[serde(default)]
    pub(crate) add_to_login_ids: bool,
    #[serde(default)]
    pub(crate) custom_claims: Map<String, Value>,
    pub(crate) expires_at: i64,
    /// Nothing was sent to `email` (an embedded link): verifying proves no address, so the
    /// user's email is neither set nor verified by it (a sign-up's is verified only when the
    /// backend said so, `email_verified`).
    #[serde(default)]
    pub(crate) address_unproven: bool,
    /// For an unproven sign-up: whether the backend vouched for the address.
    #[serde(default)]
    pub(crate) email_verified: bool,
    /// A code sent to `phone` (by SMS or voice) rather than to `email`: verifying proves the
    /// number.
    #[serde(default)]
    pub(crate) phone_delivery: Option<crate::outbox::Delivery>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CodeEntry {
    code: String,
    attempts: u32,
    intent: Intent,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenEntry {
    method: Method,
    used: bool,
    intent: Intent,
    #[serde(default)]
    pending_ref: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PendingEntry {
    /// Set when the link is verified: whose session the poll gets.
    #[serde(default)]
    verified_user: Option<String>,
    /// Whether the verification created the user.
    #[serde(default)]
    first_seen: bool,
    #[serde(default)]
    custom_claims: Map<String, Value>,
    expires_at: i64,
}

/// What a poll of a verified enchanted link collects.
pub(crate) struct Collected {
    pub(crate) user_id: String,
    pub(crate) first_seen: bool,
    pub(crate) custom_claims: Map<String, Value>,
}

/// Codes by login ID, tokens, pending enchanted-link sessions.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Verifications {
    #[serde(default)]
    codes: BTreeMap<String, CodeEntry>,
    #[serde(default)]
    tokens: BTreeMap<String, TokenEntry>,
    #[serde(default)]
    pending: BTreeMap<String, PendingEntry>,
}

impl Verifications {
    /// A new 6-digit code for the intent's login ID; an earlier one stops working.
    pub(crate) fn issue_code(
        &mut self,
        intent: Intent,
        now: i64,
    ) -> Result<String, crate::NoRandomness> {
        self.purge(now);
        let code = six_digits()?;
        self.codes.insert(
            login_key(&intent.login_id),
            CodeEntry {
                code: code.clone(),
                attempts: 0,
                intent,
            },
        );
        Ok(code)
    }

    /// Spends the code of `login_id` when `code` is it.
    pub(crate) fn check_code(
        &mut self,
        login_id: &str,
        code: &str,
        now: i64,
    ) -> Result<Intent, Failure> {
        let key = login_key(login_id);
        let entry = self.codes.get_mut(&key).ok_or(Failure::WrongCode)?;
        if entry.intent.expires_at <= now {
            self.codes.remove(&key);
            return Err(Failure::CodeExpired);
        }
        let matches = aws_lc_rs::constant_time::verify_slices_are_equal(
            entry.code.as_bytes(),
            code.trim().as_bytes(),
        )
        .is_ok();
        if !matches {
            entry.attempts += 1;
            if entry.attempts >= MAX_CODE_ATTEMPTS {
                self.codes.remove(&key);
                return Err(Failure::TooManyAttempts);
            }
            return Err(Failure::WrongCode);
        }
        let entry = self.codes.remove(&key).ok_or(Failure::WrongCode)?;
        Ok(entry.intent)
    }

    /// A new link token; for an enchanted link also its pending reference.
    pub(crate) fn issue_token(
        &mut self,
        method: Method,
        intent: Intent,
        now: i64,
    ) -> Result<(String, Option<String>), crate::NoRandomness> {
        self.purge(now);
        let token = crate::random_id(32)?;
        let pending_ref = match method {
            Method::EnchantedLink => Some(crate::random_id(32)?),
            _ => None,
        };
        if let Some(pending_ref) = &pending_ref {
            self.pending.insert(
                pending_ref.clone(),
                PendingEntry {
                    verified_user: None,
                    first_seen: false,
                    custom_claims: intent.custom_claims.clone(),
                    expires_at: intent.expires_at,
                },
            );
        }
        self.tokens.insert(
            token.clone(),
            TokenEntry {
                method,
                used: false,
                intent,
                pending_ref: pending_ref.clone(),
            },
        );
        Ok((token, pending_ref))
    }

    /// Spends a link token of `method`: its intent and, for an enchanted link, its pending
    /// reference. A used or expired token is told apart from a wrong one.
    pub(crate) fn take_token(
        &mut self,
        method: Method,
        token: &str,
        now: i64,
    ) -> Result<(Intent, Option<String>), Failure> {
        let entry = self
            .tokens
            .get_mut(token.trim())
            .filter(|e| e.method == method)
            .ok_or(Failure::WrongCode)?;
        if entry.used || entry.intent.expires_at <= now {
            return Err(Failure::CodeExpired);
        }
        // Kept, marked used, until it expires: a second click is "used", not "wrong".
        entry.used = true;
        Ok((entry.intent.clone(), entry.pending_ref.clone()))
    }

    /// Marks the pending session of `pending_ref` as verified for `user_id`.
    pub(crate) fn mark_verified(&mut self, pending_ref: &str, user_id: &str, first_seen: bool) {
        if let Some(pending) = self.pending.get_mut(pending_ref) {
            pending.verified_user = Some(user_id.to_owned());
            pending.first_seen = first_seen;
        }
    }

    /// The user whose session a poll of `pending_ref` gets, once; "not yet" before the link is
    /// verified.
    pub(crate) fn take_pending(
        &mut self,
        pending_ref: &str,
        now: i64,
    ) -> Result<Collected, Failure> {
        let pending = self
            .pending
            .get(pending_ref.trim())
            .ok_or(Failure::CodeExpired)?;
        if pending.expires_at <= now {
            self.pending.remove(pending_ref.trim());
            return Err(Failure::CodeExpired);
        }
        if pending.verified_user.is_none() {
            return Err(Failure::Pending);
        }
        let pending = self
            .pending
            .remove(pending_ref.trim())
            .ok_or(Failure::CodeExpired)?;
        Ok(Collected {
            user_id: pending.verified_user.ok_or(Failure::Pending)?,
            first_seen: pending.first_seen,
            custom_claims: pending.custom_claims,
        })
    }

    /// Drops what expired, and the oldest-expiring entries beyond the bound.
    fn purge(&mut self, now: i64) {
        self.codes.retain(|_, e| e.intent.expires_at > now);
        self.tokens.retain(|_, e| e.intent.expires_at > now);
        self.pending.retain(|_, e| e.expires_at > now);
        for map_len in [self.codes.len(), self.tokens.len(), self.pending.len()] {
            if map_len >= MAX_ENTRIES {
                // Rare: a flood of sends. Forget everything of that kind but the newest half.
                let keep = MAX_ENTRIES / 2;
                trim(&mut self.codes, keep, |e| e.intent.expires_at);
                trim(&mut self.tokens, keep, |e| e.intent.expires_at);
                trim(&mut self.pending, keep, |e| e.expires_at);
            }
        }
    }
}

fn trim<T>(map: &mut BTreeMap<String, T>, keep: usize, expiry: impl Fn(&T) -> i64) {
    if map.len() <= keep {
        return;
    }
    let mut expiries: Vec<i64> = map.values().map(&expiry).collect();
    expiries.sort_unstable();
    let cut = expiries[expiries.len() - keep];
    map.retain(|_, e| expiry(e) >= cut);
}

/// Six random digits, each equally likely.
fn six_digits() -> Result<String, crate::NoRandomness> {
    crate::random_from(b"0123456789", 6)
}

/// `url` with `t=<token>` added to its query (before any fragment).
pub(crate) fn with_token(url: &str, token: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let separator = if base.contains('?') {
        if base.ends_with('?') || base.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    let mut out = format!("{base}{separator}t={token}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn intent(login_id: &str, expires_at: i64) -> Intent {
        Intent {
            purpose: Purpose::SignIn,
            user_id: Some("U1".into()),
            login_id: login_id.into(),
            email: login_id.into(),
            name: None,
            phone: None,
            add_to_login_ids: false,
            custom_claims: Map::new(),
            expires_at,
            address_unproven: false,
            email_verified: false,
            phone_delivery: None,
        }
    }

    #[test]
    fn codes_are_single_use_expire_and_allow_bounded_wrong_attempts() {
        let mut v = Verifications::default();
        let code = v.issue_code(intent("a@x.io", 100), 0).unwrap();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert_eq!(
            v.check_code("a@x.io", wrong, 1).unwrap_err(),
            Failure::WrongCode
        );
        assert!(
            v.check_code("A@X.io ", &code, 1).is_ok(),
            "login IDs match loosely"
        );
        assert_eq!(
            v.check_code("a@x.io", &code, 1).unwrap_err(),
            Failure::WrongCode
        );

        let code = v.issue_code(intent("a@x.io", 100), 0).unwrap();
        for _ in 1..MAX_CODE_ATTEMPTS {
            assert_eq!(
                v.check_code("a@x.io", "x", 1).unwrap_err(),
                Failure::WrongCode
            );
        }
        assert_eq!(
            v.check_code("a@x.io", "x", 1).unwrap_err(),
            Failure::TooManyAttempts
        );
        assert_eq!(
            v.check_code("a@x.io", &code, 1).unwrap_err(),
            Failure::WrongCode
        );

        let code = v.issue_code(intent("a@x.io", 100), 0).unwrap();
        assert_eq!(
            v.check_code("a@x.io", &code, 100).unwrap_err(),
            Failure::CodeExpired
        );
    }

    #[test]
    fn tokens_are_single_use_and_pending_sessions_are_collected_once() {
        let mut v = Verifications::default();
        let (token, none) = v
            .issue_token(Method::MagicLink, intent("a@x.io", 100), 0)
            .unwrap();
        assert!(none.is_none());
        assert!(
            v.take_token(Method::EnchantedLink, &token, 1).is_err(),
            "another method"
        );
        assert!(v.take_token(Method::MagicLink, &token, 1).is_ok());
        assert_eq!(
            v.take_token(Method::MagicLink, &token, 1).unwrap_err(),
            Failure::CodeExpired
        );
        assert_eq!(
            v.take_token(Method::MagicLink, "nope", 1).unwrap_err(),
            Failure::WrongCode
        );

        let (token, pending) = v
            .issue_token(Method::EnchantedLink, intent("a@x.io", 100), 0)
            .unwrap();
        let pending = pending.unwrap();
        assert_eq!(v.take_pending(&pending, 1).err(), Some(Failure::Pending));
        let (_, again) = v.take_token(Method::EnchantedLink, &token, 1).unwrap();
        v.mark_verified(again.as_deref().unwrap(), "U1", false);
        assert_eq!(v.take_pending(&pending, 1).unwrap().user_id, "U1");
        assert_eq!(
            v.take_pending(&pending, 1).err(),
            Some(Failure::CodeExpired)
        );

        let (_, pending) = v
            .issue_token(Method::EnchantedLink, intent("b@x.io", 100), 0)
            .unwrap();
        assert_eq!(
            v.take_pending(&pending.unwrap(), 100).err(),
            Some(Failure::CodeExpired)
        );
    }

    #[test]
    fn the_token_goes_into_the_query() {
        assert_eq!(with_token("https://a/r", "T"), "https://a/r?t=T");
        assert_eq!(with_token("https://a/r?x=1", "T"), "https://a/r?x=1&t=T");
        assert_eq!(
            with_token("https://a/r?x=1#f", "T"),
            "https://a/r?x=1&t=T#f"
        );
        assert_eq!(with_token("https://a/r?", "T"), "https://a/r?t=T");
    }
}
