//! The parsed URL of each operation with a fixed path, kept per client: a call clones a parsed
//! URL instead of formatting a string and parsing it again (host included).

use std::collections::HashMap;
use std::sync::RwLock;

/// Parsed URLs by path. Its keys are the generated code's fixed paths, so it never holds more
/// than one entry per operation.
pub(crate) struct UrlCache {
    base: String,
    parsed: RwLock<HashMap<&'static str, reqwest::Url>>,
}

impl UrlCache {
    /// A cache for URLs under `base` (the client's base URL, as the generated client has it).
    pub(crate) fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            parsed: RwLock::default(),
        }
    }

    /// The URL of `path` under the base URL; the error names what did not parse.
    pub(crate) fn get(&self, path: &'static str) -> Result<reqwest::Url, String> {
        let read = self.parsed.read().unwrap_or_else(|p| p.into_inner());
        if let Some(url) = read.get(path) {
            return Ok(url.clone());
        }
        drop(read);
        let url = reqwest::Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| format!("the URL of {path} does not parse: {e}"))?;
        let mut write = self.parsed.write().unwrap_or_else(|p| p.into_inner());
        write.insert(path, url.clone());
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn parses_once_and_agrees_with_a_fresh_parse() {
        let cache = UrlCache::new("http://127.0.0.1:8080/base");
        for _ in 0..2 {
            let url = cache.get("/v1/auth/password/signin").unwrap();
            assert_eq!(
                url.as_str(),
                "http://127.0.0.1:8080/base/v1/auth/password/signin"
            );
        }
        assert_eq!(cache.parsed.read().unwrap().len(), 1);
        let broken = UrlCache::new("not a url");
        let error = broken.get("/v1/x").unwrap_err();
        assert!(error.contains("/v1/x"), "{error}");
    }
}
