//! The decoder of the service's answers: any status, `Retry-After` and body. Never a panic, and
//! the error's text is bounded and holds no control character (no forged log lines).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&[high, low], rest)) = data.split_first_chunk::<2>().map(|(s, r)| (s, r)) else {
        return;
    };
    let status = 100 + u16::from_be_bytes([high, low]) % 500;
    let (retry_after, body) = match rest.iter().position(|b| *b == 0) {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    if let Err(error) = descope::fuzzing::decode_answer(status, retry_after, body) {
        let text = error.to_string();
        assert!(text.len() < 1024, "{} bytes", text.len());
        assert!(!text.chars().any(char::is_control), "{text:?}");
        let debug = format!("{error:?}");
        assert!(!debug.contains('\n') || debug.len() < 4096);
        let _ = (
            error.status(),
            error.code(),
            error.retry_after(),
            error.ends_session(),
        );
    }
});
