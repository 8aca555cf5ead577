//! base64url without padding, for the parts of a JWT: SIMD-accelerated (`base64-simd`, which
//! picks the CPU's widest instructions at run time) and canonical only (unused trailing bits must
//! be zero), like the `base64` crate's decoder it replaces on this path.

use base64_simd::{Out, URL_SAFE_NO_PAD};

/// The bytes of `part`, or `None` when it is not base64url.
pub(crate) fn decode(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode_to_vec(part).ok()
}

/// The bytes of `part`, decoded into `buf`; `None` when it is not base64url or does not fit.
pub(crate) fn decode_into<'b>(part: &str, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    if URL_SAFE_NO_PAD.estimated_decoded_length(part.len()) > buf.len() {
        return None;
    }
    let decoded = URL_SAFE_NO_PAD
        .decode(part.as_bytes(), Out::from_slice(buf))
        .ok()?;
    Some(decoded)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use base64::Engine;

    #[test]
    fn agrees_with_the_base64_crate_and_refuses_what_it_refuses() {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        for len in 0..80usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + len) as u8).collect();
            let text = engine.encode(&bytes);
            assert_eq!(decode(&text).unwrap(), bytes);
            let mut buf = [0u8; 64];
            let fits = decode_into(&text, &mut buf);
            // Whatever fits is decoded in place (the size check may round up by a byte).
            assert!(fits.is_some() || len >= 63, "{len}");
            assert!(fits.is_none() || len <= 64, "{len}");
            if let Some(fits) = fits {
                assert_eq!(fits, bytes.as_slice());
            }
        }
        // Padding, the standard alphabet, stray characters, non-canonical trailing bits.
        for bad in ["QQ==", "a+b/", "ab c", "ab.c", "QR", "QUJ", "A"] {
            assert!(decode(bad).is_none(), "{bad}");
            assert_eq!(engine.decode(bad).is_err(), decode(bad).is_none(), "{bad}");
        }
    }
}
