//! Local validation of session and refresh JWTs.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Deserialize;

use super::base64url;
use super::claims::Session;
use super::keys::{parse_public_keys, KeyStore, VerifyKey};
use super::raw_claims::{Checked, Facts, Payload, TokenKind};
use super::validate::{issuer_matches, unix_seconds, SessionConfig};
use super::verified::{Verified, VerifiedCache};
use crate::error::{Error, SessionError};

/// The JOSE header fields that matter, borrowed from the decoded header when they have no
/// escapes.
#[derive(Deserialize)]
struct Header<'a> {
    #[serde(borrow)]
    alg: Cow<'a, str>,
    #[serde(default, borrow)]
    kid: Option<Cow<'a, str>>,
}

/// Where the key of a validation comes from.
enum KeySource<'a, F> {
    /// The key cache; `fetch` starts a background refresh of a stale set.
    Cached(&'a F),
    /// A fetch that just ran.
    Fetched(Arc<VerifyKey>),
}

/// A token split once: the whole, the signed part (`header.payload`), and the last two parts.
struct Parts<'t> {
    token: &'t str,
    signed: &'t str,
    payload: &'t str,
    signature: &'t str,
}

impl<'t> Parts<'t> {
    /// The header (base64url) and the parts; `None` unless there are exactly three.
    fn split(token: &'t str) -> Option<(&'t str, Self)> {
        let (signed, signature) = token.rsplit_once('.')?;
        let (header, payload) = signed.split_once('.')?;
        if payload.contains('.') {
            return None;
        }
        let parts = Self {
            token,
            signed,
            payload,
            signature,
        };
        Some((header, parts))
    }
}

/// What the synchronous part of a validation came to.
enum Step {
    Done(Result<Session, Error>),
    /// The key set must be fetched first (the token's `kid`).
    FetchKeys(String),
}

/// Validates JWTs for one project.
pub(crate) struct Validator {
    /// The project whose tokens these are (shared by every session it validates).
    project_id: Arc<str>,
    config: SessionConfig,
    pub(crate) keys: Arc<KeyStore>,
    cache: VerifiedCache,
    /// The first URL `iss` that passed [`issuer_matches`]: the project's tokens all carry the
    /// same one, so later tokens compare strings instead of parsing the URL again.
    known_issuer: std::sync::OnceLock<Box<str>>,
}

impl Validator {
    pub(crate) fn new(project_id: &str, config: SessionConfig) -> Result<Self, Error> {
        let keys = Arc::new(match &config.public_keys {
            Some(json) => KeyStore::fixed(config.clock.clone(), parse_public_keys(json)?),
            None => KeyStore::remote(&config),
        });
        let cache = VerifiedCache::new(config.verified_cache_capacity);
        Ok(Self {
            project_id: project_id.into(),
            config,
            keys,
            cache,
            known_issuer: std::sync::OnceLock::new(),
        })
    }

    fn now(&self) -> i64 {
        unix_seconds(self.config.clock.now())
    }

    fn leeway(&self) -> i64 {
        i64::try_from(self.config.leeway.as_secs()).unwrap_or(i64::MAX)
    }

    /// Validates `token` as a `kind` token of the project; `fetch` gets the key set when needed.
    ///
    /// All of it is synchronous but a key fetch: the future stays small and is cheap to move.
    pub(crate) async fn validate<F, Fut>(
        &self,
        token: &str,
        kind: TokenKind,
        fetch: F,
    ) -> Result<Session, Error>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<serde_json::Value>, Error>> + Send + 'static,
    {
        let kid = match self.validate_with(token, kind, KeySource::Cached(&fetch)) {
            Step::Done(result) => return result,
            Step::FetchKeys(kid) => kid,
        };
        let key = self.keys.get(&kid, fetch).await?;
        match self.validate_with(token, kind, KeySource::Fetched::<F>(key)) {
            Step::Done(result) => result,
            // Not reached: a fetched key is used as it is.
            Step::FetchKeys(_) => Err(SessionError::UnknownKey.into()),
        }
    }

    /// The whole validation, with the key from the cache (or the one just fetched).
    fn validate_with<F, Fut>(&self, token: &str, kind: TokenKind, keys: KeySource<'_, F>) -> Step
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<serde_json::Value>, Error>> + Send + 'static,
    {
        if token.len() > self.config.max_token_len {
            let limit = self.config.max_token_len;
            return Step::Done(Err(SessionError::TooLarge { limit }.into()));
        }
        let locator = self.cache.locate(token);
        let hit = locator.and_then(|at| {
            self.cache.get_with(at, token, |hit| {
                self.keys
                    .is_current(&hit.kid, &hit.key)
                    .then(|| hit.session.clone())
            })
        });
        // No hit, or its key was withdrawn or is due for a refresh: verify from scratch.
        if let Some(Some(session)) = hit {
            return Step::Done(
                self.check_cached(&session, kind)
                    .map(|()| session)
                    .map_err(Into::into),
            );
        }
        let Some((header, parts)) = Parts::split(token) else {
            return Step::Done(Err(SessionError::Malformed(
                "not three dot-separated parts",
            )
            .into()));
        };
        let not_json = SessionError::Malformed("the header is not base64url JSON");
        let mut buf = [0u8; 256];
        let heap;
        let header = match base64url::decode_into(header, &mut buf) {
            Some(on_stack) => on_stack,
            None => match base64url::decode(header) {
                Some(decoded) => {
                    heap = decoded;
                    &heap
                }
                None => return Step::Done(Err(not_json.into())),
            },
        };
        let Ok(header) = serde_json::from_slice::<Header<'_>>(header) else {
            return Step::Done(Err(not_json.into()));
        };
        // Never `none`, never HMAC: refused before any key lookup or fetch.
        if header.alg.eq_ignore_ascii_case("none") || header.alg.starts_with("HS") {
            return Step::Done(Err(SessionError::DisallowedAlgorithm.into()));
        }
        let kid = header.kid.as_deref().unwrap_or_default();
        let verify_key = match keys {
            KeySource::Fetched(key) => key,
            KeySource::Cached(fetch) => match self.keys.cached(kid, fetch) {
                Some(Ok(key)) => key,
                Some(Err(error)) => return Step::Done(Err(error)),
                None => return Step::FetchKeys(kid.to_owned()),
            },
        };
        // The key decides the algorithm; the token's header must agree with it.
        if header.alg != verify_key.algorithm_name {
            return Step::Done(Err(SessionError::DisallowedAlgorithm.into()));
        }
        Step::Done(self.verify(&parts, kind, locator, kid, verify_key))
    }

    /// The signature, then the claims; remembers the token when it passes.
    fn verify(
        &self,
        parts: &Parts<'_>,
        kind: TokenKind,
        locator: Option<super::verified::Locator>,
        kid: &str,
        verify_key: Arc<VerifyKey>,
    ) -> Result<Session, Error> {
        if !verify_key.verifies(parts.signed.as_bytes(), parts.signature) {
            return Err(SessionError::BadSignature.into());
        }
        let payload = Payload::decode(parts.payload)?;
        let facts = self.check_claims(&payload.check()?, kind)?;
        let session = Session::from_payload(payload, facts);
        if let Some(at) = locator {
            let verified = || Verified {
                session: session.clone(),
                kid: Arc::from(kid),
                key: verify_key,
            };
            self.cache.insert(at, parts.token, verified, self.now());
        }
        Ok(session)
    }

    fn check_cached(&self, session: &Session, kind: TokenKind) -> Result<(), SessionError> {
        if session.inner.kind != kind {
            return Err(SessionError::WrongTokenKind {
                expected: kind.name(),
                found: session.inner.kind.name(),
            });
        }
        if self.now() > session.inner.expires_at.saturating_add(self.leeway()) {
            return Err(SessionError::Expired);
        }
        Ok(())
    }

    fn check_claims(&self, claims: &Checked<'_>, kind: TokenKind) -> Result<Facts, SessionError> {
        let found = claims
            .kind()
            .ok_or(SessionError::Malformed("unknown token kind (drn)"))?;
        if found != kind {
            return Err(SessionError::WrongTokenKind {
                expected: kind.name(),
                found: found.name(),
            });
        }
        let iss = claims
            .iss
            .as_deref()
            .ok_or(SessionError::Malformed("no iss claim"))?;

        let known = self.known_issuer.get().is_some_and(|known| **known == *iss);
        if !known {
            if !issuer_matches(iss, &self.project_id) {
                return Err(SessionError::WrongIssuer);
            }
            if *iss != *self.project_id {
                let _ = self.known_issuer.set(iss.into());
            }
        }
        let now = self.now();
        let leeway = self.leeway();
        let exp = claims.exp.ok_or(SessionError::Malformed("no exp claim"))?;
        if now > exp.saturating_add(leeway) {
            return Err(SessionError::Expired);
        }
        if let Some(nbf) = claims.nbf {
            if now.saturating_add(leeway) < nbf {
                return Err(SessionError::NotYetValid);
            }
        }
        if let Some(audience) = &self.config.audience {
            if !claims
                .aud
                .as_ref()
                .is_some_and(|aud| aud.contains(audience))
            {
                return Err(SessionError::WrongAudience);
            }
        }
        let user_id = claims
            .user_id()
            .ok_or(SessionError::Malformed("no sub claim"))?;
        Ok(Facts {
            kind: found,
            user_id: user_id.to_owned(),
            project_id: Arc::clone(&self.project_id),
            expires_at: exp,
            issued_at: claims.iat,
        })
    }
}
