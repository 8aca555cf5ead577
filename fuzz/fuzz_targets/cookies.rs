//! The cookie and header readers: `Cookie`, `Authorization` and `Set-Cookie` values of any
//! bytes. Never a panic; a token read is a non-empty part of what was sent.
#![no_main]

use descope::session::cookies::{bearer_token, cookie_value, CookieConfig};
use http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Up to four header values, split at NUL: Cookie, Cookie, Authorization, Set-Cookie.
    let mut parts = data.split(|b| *b == 0);
    let mut headers = HeaderMap::new();
    for name in [COOKIE, COOKIE, AUTHORIZATION, SET_COOKIE] {
        if let Some(value) = parts.next().and_then(|p| HeaderValue::from_bytes(p).ok()) {
            headers.append(name, value);
        }
    }
    let sent = String::from_utf8_lossy(data);
    let config = CookieConfig::default();
    let custom = CookieConfig::default().names("app_session", "app_refresh");
    for config in [&config, &custom] {
        if let Some(token) = config.session_token(&headers) {
            assert!(!token.is_empty() && sent.contains(token));
        }
        if let Some(token) = config.refresh_token(&headers) {
            assert!(!token.secret().is_empty() && sent.contains(token.secret()));
        }
        let _ = config.response_sets_session(&headers);
    }
    if let Some(token) = bearer_token(&headers) {
        assert!(!token.is_empty() && sent.contains(token));
    }
    for name in ["DS", "DSR", "", "a=b"] {
        if let Some(value) = cookie_value(&headers, name) {
            assert!(!value.is_empty() && sent.contains(value));
        }
    }
});
