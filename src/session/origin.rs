//! The same-origin check for state-changing requests that a browser authenticates by cookie:
//! a cross-site page must not be able to post a form that rides on the user's cookies (CSRF).
//!
//! A request is refused when its method is unsafe (anything but `GET`, `HEAD`, `OPTIONS`,
//! `TRACE`) and the browser says it comes from another site: `Sec-Fetch-Site` other than
//! `same-origin` or `none`, or, from browsers that do not send it, an `Origin` that is neither
//! the request's own (`Host`) nor an allowed one. A request with neither header (not from a
//! browser) passes: without cookies a script elsewhere cannot act as the user, and
//! `SameSite=Strict` cookies cover old browsers.
//!
//! ```
//! use descope::session::OriginCheck;
//! use http::{HeaderMap, HeaderValue, Method};
//!
//! let check = OriginCheck::default();
//! let mut headers = HeaderMap::new();
//! headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
//! assert!(!check.allows(&Method::POST, &headers));
//! assert!(check.allows(&Method::GET, &headers));
//! ```

use http::header::{HOST, ORIGIN};
use http::{HeaderMap, HeaderName, Method};

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Which state-changing requests authenticated by cookie are refused as cross-site (403).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginCheck {
    enabled: bool,
    allowed_origins: Vec<String>,
}

impl Default for OriginCheck {
    /// On, allowing only the request's own origin.
    fn default() -> Self {
        Self {
            enabled: true,
            allowed_origins: Vec::new(),
        }
    }
}

impl OriginCheck {
    /// No check: for an app that has its own CSRF protection. Defaults to on.
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            allowed_origins: Vec::new(),
        }
    }

    /// Also accepts requests from `origin` (`https://app.example.com`, scheme and host and
    /// port as a browser sends `Origin`), with `Sec-Fetch-Site: same-site` or `cross-site`.
    /// Defaults to none: only the request's own origin.
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        let origin = origin.into();
        self.allowed_origins
            .push(origin.trim_end_matches('/').to_ascii_lowercase());
        self
    }

    /// Whether the check is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether a request with `method` and `headers` may go on (true for safe methods, and for
    /// every request when the check is off).
    pub fn allows(&self, method: &Method, headers: &HeaderMap) -> bool {
        if !self.enabled || is_safe(method) {
            return true;
        }
        let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
        let allowed = |origin: Option<&str>| {
            origin.is_some_and(|o| {
                let o = o.trim_end_matches('/').to_ascii_lowercase();
                self.allowed_origins.contains(&o)
            })
        };
        if let Some(site) = headers.get(SEC_FETCH_SITE) {
            return match site.as_bytes() {
                b"same-origin" | b"none" => true,
                _ => allowed(origin),
            };
        }
        match origin {
            None => true,
            Some(origin) => allowed(Some(origin)) || same_host(origin, headers),
        }
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Whether `origin` (`scheme://host[:port]`) names the request's `Host`. `null` never does.
fn same_host(origin: &str, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let authority = authority.trim_end_matches('/');
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return false,
    };
    let strip = |a: &str| {
        a.strip_suffix(default_port)
            .unwrap_or(a)
            .to_ascii_lowercase()
    };
    strip(authority) == strip(host)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_first() {
        let check = OriginCheck::default();
        let post = Method::POST;
        assert!(check.allows(&post, &headers(&[("sec-fetch-site", "same-origin")])));
        assert!(check.allows(&post, &headers(&[("sec-fetch-site", "none")])));
        assert!(!check.allows(&post, &headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!check.allows(&post, &headers(&[("sec-fetch-site", "same-site")])));
        // Sec-Fetch-Site wins over an Origin that names the host.
        let forged = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://app.test"),
            ("host", "app.test"),
        ]);
        assert!(!check.allows(&post, &forged));
        assert!(check.allows(&Method::GET, &forged));
        assert!(check.allows(&Method::HEAD, &forged));
        assert!(!check.allows(&Method::DELETE, &forged));
        assert!(OriginCheck::disabled().allows(&post, &forged));
        let allowed = OriginCheck::default().allow_origin("https://Admin.example.com/");
        assert!(allowed.allows(
            &post,
            &headers(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://admin.example.com"),
            ])
        ));
    }

    #[test]
    fn origin_is_compared_with_the_host_without_fetch_metadata() {
        let check = OriginCheck::default();
        let post = Method::POST;
        let with = |origin, host| headers(&[("origin", origin), ("host", host)]);
        assert!(check.allows(&post, &with("http://127.0.0.1:8080", "127.0.0.1:8080")));
        assert!(check.allows(&post, &with("https://app.test", "app.test:443")));
        assert!(check.allows(&post, &with("http://APP.test:80", "app.test")));
        assert!(!check.allows(&post, &with("http://evil.test", "app.test")));
        assert!(!check.allows(&post, &with("http://app.test:8081", "app.test:8080")));
        assert!(!check.allows(&post, &with("null", "app.test")));
        assert!(!check.allows(&post, &headers(&[("origin", "http://app.test")])));
        // No browser metadata at all: not a browser, passes.
        assert!(check.allows(&post, &HeaderMap::new()));
    }
}
