//! The parsed URL of each operation with a fixed path, kept per client: a call clones a parsed
//! URL instead of formatting a string and parsing it again (host included).

use std::sync::OnceLock;

/// Parsed URLs, one slot per operation with a fixed path: the generated code numbers them
/// (`codegen/static_urls.rs`), so a lookup is an index, not a hash of the path.
pub(crate) struct UrlCache {
    base: String,
    parsed: Box<[OnceLock<reqwest::Url>]>,
}

impl UrlCache {
    /// A cache for URLs under `base` (the client's base URL, as the generated client has it),
    /// with `slots` slots.
    pub(crate) fn new(base: &str, slots: usize) -> Self {
        Self {
            base: base.to_owned(),
            parsed: (0..slots).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The URL of `path` (kept in `slot`) under the base URL; the error names what did not
    /// parse. Two calls racing on an empty slot both parse; the first one's URL is kept.
    pub(crate) fn get(&self, slot: usize, path: &'static str) -> Result<reqwest::Url, String> {
        let Some(cell) = self.parsed.get(slot) else {
            return Err(format!("no URL slot {slot} for {path}"));
        };
        if let Some(url) = cell.get() {
            return Ok(url.clone());
        }
        let url = reqwest::Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| format!("the URL of {path} does not parse: {e}"))?;
        Ok(cell.get_or_init(|| url).clone())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn parses_once_and_agrees_with_a_fresh_parse() {
        let cache = UrlCache::new("http://127.0.0.1:8080/base", 2);
        for _ in 0..2 {
            let url = cache.get(1, "/v1/auth/password/signin").unwrap();
            assert_eq!(
                url.as_str(),
                "http://127.0.0.1:8080/base/v1/auth/password/signin"
            );
        }
        let filled: Vec<bool> = cache.parsed.iter().map(|c| c.get().is_some()).collect();
        assert_eq!(filled, [false, true]);
        let broken = UrlCache::new("not a url", 1);
        let error = broken.get(0, "/v1/x").unwrap_err();
        assert!(error.contains("/v1/x"), "{error}");
        assert!(
            broken.parsed[0].get().is_none(),
            "a failed parse is not kept"
        );
        let error = cache.get(2, "/v1/y").unwrap_err();
        assert!(error.contains("/v1/y"), "{error}");
    }
}
