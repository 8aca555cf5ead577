//! TOTP as authenticator apps compute it (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) on
//! the emulator's clock, with `totp-rs` doing the arithmetic, the `otpauth://` URL and the QR
//! code. A code is accepted for the current step and one either side, and a step once per key.

use serde::{Deserialize, Serialize};
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per step.
pub(crate) const STEP: u64 = 30;

/// A user's TOTP key (base32) and the last step a code of it was accepted for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Seed {
    pub(crate) key: String,
    #[serde(default)]
    pub(crate) last_step: Option<u64>,
}

/// A new key: 20 random bytes (160 bits, as RFC 4226 recommends), base32.
pub(crate) fn new_key() -> Result<String, crate::NoRandomness> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|_| crate::NoRandomness)?;
    Ok(Secret::Raw(bytes.to_vec()).to_encoded().to_string())
}

fn totp(key: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(key.to_owned()).to_bytes().ok()?;
    // Authenticator apps split the label at `:`; the account name may not carry one.
    let account = account.replace(':', "_");
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        bytes,
        Some("Descope emulator".to_owned()),
        account,
    )
    .ok()
}

/// The `otpauth://` URL and the QR code (base64 PNG) of `key` for `account`.
pub(crate) fn enrollment(key: &str, account: &str) -> Option<(String, String)> {
    let totp = totp(key, account)?;
    let qr = totp.get_qr_base64().ok()?;
    Some((totp.get_url(), qr))
}

/// The code of `key` at `now` (Unix seconds).
pub(crate) fn code_at(key: &str, now: i64) -> Option<String> {
    Some(totp(key, "user")?.generate(u64::try_from(now).ok()?))
}

/// The step `code` of `key` is valid for at `now` (the current step or one either side), when
/// it is later than `last_step` (a used step is refused: replay).
pub(crate) fn accepts(key: &str, code: &str, now: i64, last_step: Option<u64>) -> Option<u64> {
    let totp = totp(key, "user")?;
    let now = u64::try_from(now).ok()?;
    let current = now / STEP;
    [
        current.checked_sub(1),
        Some(current),
        current.checked_add(1),
    ]
    .into_iter()
    .flatten()
    .filter(|step| last_step.is_none_or(|last| *step > last))
    .find(|step| {
        let expected = totp.generate(step * STEP);
        aws_lc_rs::constant_time::verify_slices_are_equal(expected.as_bytes(), code.as_bytes())
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// RFC 6238, appendix B: the SHA1 key `12345678901234567890`, 8 digits there; the last 6
    /// digits are the 6-digit code.
    #[test]
    fn codes_match_the_rfc_vectors() {
        let key = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        for (time, eight) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(code_at(&key, time).unwrap(), eight[2..], "{time}");
        }
    }

    #[test]
    fn a_step_either_side_and_no_replay() {
        let key = new_key().unwrap();
        let now = 1_700_000_000;
        let code = code_at(&key, now).unwrap();
        let step = accepts(&key, &code, now, None).unwrap();
        assert_eq!(step, now as u64 / STEP);
        assert_eq!(accepts(&key, &code, now + STEP as i64, None), Some(step));
        assert_eq!(accepts(&key, &code, now - STEP as i64, None), Some(step));
        assert_eq!(accepts(&key, &code, now + 2 * STEP as i64, None), None);
        assert_eq!(accepts(&key, &code, now, Some(step)), None, "replay");
        assert_eq!(
            accepts(&key, "000000", now, None).filter(|_| code != "000000"),
            None
        );
        let (url, qr) = enrollment(&key, "ada@example.com").unwrap();
        assert!(url.starts_with("otpauth://totp/") && url.contains(&format!("secret={key}")));
        assert!(!qr.is_empty());
    }
}
