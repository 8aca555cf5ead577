//! The project's public keys: fetched from `/v2/keys/<projectId>` (or given), cached with a
//! TTL, fetched once for concurrent misses, and refetched for an unknown `kid` at most once per
//! interval, so forged `kid`s cannot turn into a flood of requests.
//!
//! Keys stay off the request path: when the cached set goes stale, it keeps being served while
//! one background refresh runs (stale-while-revalidate). A request waits for a fetch only when
//! no usable key is cached (the first request, an unknown `kid`), and then behind one fetch at
//! most. Every fetch has its own short timeout and no retries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use super::clock::Clock;

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaParameters, RsaPublicKeyComponents};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use serde_json::Value;

use crate::error::{Error, SessionError};

/// A public key, parsed once when the key set is loaded, and the one algorithm it verifies.
pub(crate) struct VerifyKey {
    /// The key in aws-lc-rs form, with its verification algorithm (padding, digest, and for RSA
    /// the 2048..8192-bit range): nothing is rebuilt per token.
    pub(crate) verifier: ParsedPublicKey,
    /// The algorithm's name as in a JWT header (`RS256`).
    pub(crate) algorithm_name: &'static str,
}

impl VerifyKey {
    /// Whether `signature` (base64url, as in the token) signs `message` under this key.
    pub(crate) fn verifies(&self, message: &[u8], signature: &str) -> bool {
        match URL_SAFE_NO_PAD.decode(signature) {
            Ok(signature) => self.verifier.verify_sig(message, &signature).is_ok(),
            Err(_) => false,
        }
    }
}

/// How a key verifies.
enum Pinned {
    Rsa(&'static RsaParameters),
    Ec(&'static signature::EcdsaVerificationAlgorithm),
}

/// The algorithm a JWK is pinned to: its `alg` when it is an RSA or EC signature algorithm that
/// fits the key, else RS256 for RSA keys and the curve's for EC keys. Never HMAC, never `none`.
fn pinned_algorithm(jwk: &Jwk) -> Option<(Pinned, &'static str)> {
    use jsonwebtoken::jwk::KeyAlgorithm as K;
    use signature::{
        ECDSA_P256_SHA256_FIXED, ECDSA_P384_SHA384_FIXED, RSA_PKCS1_2048_8192_SHA256,
        RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_2048_8192_SHA512, RSA_PSS_2048_8192_SHA256,
        RSA_PSS_2048_8192_SHA384, RSA_PSS_2048_8192_SHA512,
    };
    match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => match jwk.common.key_algorithm {
            None | Some(K::RS256) => Some((Pinned::Rsa(&RSA_PKCS1_2048_8192_SHA256), "RS256")),
            Some(K::RS384) => Some((Pinned::Rsa(&RSA_PKCS1_2048_8192_SHA384), "RS384")),
            Some(K::RS512) => Some((Pinned::Rsa(&RSA_PKCS1_2048_8192_SHA512), "RS512")),
            Some(K::PS256) => Some((Pinned::Rsa(&RSA_PSS_2048_8192_SHA256), "PS256")),
            Some(K::PS384) => Some((Pinned::Rsa(&RSA_PSS_2048_8192_SHA384), "PS384")),
            Some(K::PS512) => Some((Pinned::Rsa(&RSA_PSS_2048_8192_SHA512), "PS512")),
            Some(_) => None,
        },
        AlgorithmParameters::EllipticCurve(ec) => match (&ec.curve, jwk.common.key_algorithm) {
            (EllipticCurve::P256, None | Some(K::ES256)) => {
                Some((Pinned::Ec(&ECDSA_P256_SHA256_FIXED), "ES256"))
            }
            (EllipticCurve::P384, None | Some(K::ES384)) => {
                Some((Pinned::Ec(&ECDSA_P384_SHA384_FIXED), "ES384"))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The key of a JWK, parsed for `pinned`; `None` when its parts do not form a key.
fn parse_key(jwk: &Jwk, pinned: Pinned) -> Option<ParsedPublicKey> {
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok();
    match (&jwk.algorithm, pinned) {
        (AlgorithmParameters::RSA(rsa), Pinned::Rsa(params)) => {
            let (n, e) = (decode(&rsa.n)?, decode(&rsa.e)?);
            let strip = |v: &[u8]| v.iter().position(|b| *b != 0).map_or(0, |i| i);
            let components = RsaPublicKeyComponents {
                n: &n[strip(&n)..],
                e: &e[strip(&e)..],
            };
            components.to_parsed_public_key(params).ok()
        }
        (AlgorithmParameters::EllipticCurve(ec), Pinned::Ec(algorithm)) => {
            let (x, y) = (decode(&ec.x)?, decode(&ec.y)?);
            let mut point = Vec::with_capacity(1 + x.len() + y.len());
            point.push(0x04); // uncompressed
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            ParsedPublicKey::new(algorithm, point).ok()
        }
        _ => None,
    }
}

/// The usable keys among JSON JWKs, by `kid` (`""` for a key without one). Keys that do not
/// parse, or are not RSA or EC signature keys, are skipped.
pub(crate) fn parse_keys(keys: impl IntoIterator<Item = Value>) -> HashMap<String, Arc<VerifyKey>> {
    keys.into_iter()
        .filter_map(|value| {
            let jwk: Jwk = serde_json::from_value(value).ok()?;
            let (pinned, algorithm_name) = pinned_algorithm(&jwk)?;
            if !rsa_size_allowed(&jwk) {
                return None;
            }
            let verifier = parse_key(&jwk, pinned)?;
            let kid = jwk.common.key_id.clone().unwrap_or_default();
            Some((
                kid,
                Arc::new(VerifyKey {
                    verifier,
                    algorithm_name,
                }),
            ))
        })
        .collect()
}

/// The smallest RSA modulus accepted, in bits.
pub(crate) const MIN_RSA_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits (larger keys only make verification slower).
pub(crate) const MAX_RSA_BITS: usize = 8192;

/// Whether an RSA key's modulus is within [`MIN_RSA_BITS`]..=[`MAX_RSA_BITS`] (other key
/// types pass: their curve fixes their size).
fn rsa_size_allowed(jwk: &Jwk) -> bool {
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        return true;
    };
    let Ok(modulus) = URL_SAFE_NO_PAD.decode(rsa.n.trim_end_matches('=')) else {
        return false;
    };
    let significant = modulus.iter().skip_while(|b| **b == 0).count();
    let bits = match modulus.iter().find(|b| **b != 0) {
        Some(first) => (significant - 1) * 8 + (8 - first.leading_zeros() as usize),
        None => 0,
    };
    (MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits)
}

/// Parses one JWK or a key set (`{"keys": [...]}`), as in `DESCOPE_PUBLIC_KEY`.
pub(crate) fn parse_public_keys(json: &str) -> Result<HashMap<String, Arc<VerifyKey>>, Error> {
    let value: Value = serde_json::from_str(json)
        .map_err(|_| Error::Config("the public key is not JSON (a JWK or a JWK set)".into()))?;
    let list = match value {
        Value::Object(mut object) if object.contains_key("keys") => match object.remove("keys") {
            Some(Value::Array(keys)) => keys,
            _ => {
                return Err(Error::Config(
                    "the public key set's `keys` is not a list".into(),
                ))
            }
        },
        other => vec![other],
    };
    let keys = parse_keys(list);
    if keys.is_empty() {
        return Err(Error::Config(
            "the public key set has no usable RSA or EC signature key".into(),
        ));
    }
    Ok(keys)
}

/// Where keys come from.
pub(crate) enum KeySource {
    /// Fetched from the service.
    Remote,
    /// Given by the user: never fetched.
    Static,
}

#[derive(Default)]
struct Cached {
    keys: HashMap<String, Arc<VerifyKey>>,
    fetched_at: Option<SystemTime>,
    last_attempt: Option<SystemTime>,
    last_failed: bool,
}

/// The key cache.
pub(crate) struct KeyStore {
    source: KeySource,
    /// The validator's clock, so TTLs and intervals can be tested without waiting.
    clock: Arc<dyn Clock>,
    ttl: Duration,
    min_refetch_interval: Duration,
    cached: RwLock<Cached>,
    /// Held while fetching: concurrent misses wait for one fetch instead of each sending one.
    fetching: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
    /// Whether a background refresh is running.
    refreshing: std::sync::atomic::AtomicBool,
    /// How long one fetch may take.
    fetch_timeout: Duration,
}

/// What a lookup found.
enum Lookup {
    Found(Arc<VerifyKey>),
    /// Known keys are fresh, and a refetch for an unknown `kid` happened too recently.
    Unknown,
    /// The key, from a set due for a refresh: serve it, refresh in the background.
    Stale(Arc<VerifyKey>),
    /// No key, and the last fetch failed too recently to try again.
    Failing,
    /// Nothing usable: fetch.
    Fetch,
}

impl KeyStore {
    pub(crate) fn remote(
        clock: Arc<dyn Clock>,
        ttl: Duration,
        min_refetch_interval: Duration,
        fetch_timeout: Duration,
    ) -> Self {
        Self {
            clock,
            source: KeySource::Remote,
            ttl,
            min_refetch_interval,
            cached: RwLock::new(Cached::default()),
            fetching: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            refreshing: std::sync::atomic::AtomicBool::new(false),
            fetch_timeout,
        }
    }

    pub(crate) fn fixed(clock: Arc<dyn Clock>, keys: HashMap<String, Arc<VerifyKey>>) -> Self {
        Self {
            clock: clock.clone(),
            source: KeySource::Static,
            ttl: Duration::MAX,
            min_refetch_interval: Duration::MAX,
            cached: RwLock::new(Cached {
                keys,
                fetched_at: Some(clock.now()),
                last_attempt: None,
                last_failed: false,
            }),
            fetching: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            refreshing: std::sync::atomic::AtomicBool::new(false),
            fetch_timeout: Duration::MAX,
        }
    }

    /// How many fetches were sent.
    /// Whether `key` is still the usable key for `kid` (no fetch: a stale set answers no). The
    /// hot path of a verified-cache hit: one read lock, no clone.
    pub(crate) fn is_current(&self, kid: &str, key: &Arc<VerifyKey>) -> bool {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        let found = cached.keys.get(kid).or_else(|| cached.keys.get(""));
        match found {
            Some(found) if Arc::ptr_eq(found, key) => self.usable(&cached),
            _ => false,
        }
    }

    /// Whether the cached set may be used as it is: given keys always; fetched ones while fresh,
    /// or while the service fails and the refetch interval has not passed.
    fn usable(&self, cached: &Cached) -> bool {
        if let KeySource::Static = self.source {
            return true;
        }
        let now = self.clock.now();
        // A clock that went backwards counts as no time passed.
        let elapsed = |at: SystemTime| now.duration_since(at).unwrap_or(Duration::ZERO);
        let fresh = cached.fetched_at.is_some_and(|at| elapsed(at) < self.ttl);
        let recently_tried = cached
            .last_attempt
            .is_some_and(|at| elapsed(at) < self.min_refetch_interval);
        fresh || (recently_tried && cached.last_failed)
    }

    pub(crate) fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn lookup(&self, kid: &str) -> Lookup {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        let found = cached
            .keys
            .get(kid)
            .or_else(|| cached.keys.get(""))
            .cloned();
        if let KeySource::Static = self.source {
            return found.map_or(Lookup::Unknown, Lookup::Found);
        }
        let now = self.clock.now();
        // A clock that went backwards counts as no time passed.
        let elapsed = |at: SystemTime| now.duration_since(at).unwrap_or(Duration::ZERO);
        let fresh = cached.fetched_at.is_some_and(|at| elapsed(at) < self.ttl);
        let recently_tried = cached
            .last_attempt
            .is_some_and(|at| elapsed(at) < self.min_refetch_interval);
        match found {
            Some(key) if fresh => Lookup::Found(key),
            // Stale, but the service failed a moment ago: keep using what we have.
            Some(key) if recently_tried && cached.last_failed => Lookup::Found(key),
            Some(key) => Lookup::Stale(key),
            None if recently_tried && cached.last_failed => Lookup::Failing,
            None if recently_tried => Lookup::Unknown,
            None => Lookup::Fetch,
        }
    }

    /// The key for `kid`: a cached one (a stale set is served while one background refresh
    /// runs), else after a fetch when one is allowed. `fetch` makes the fetch's future, which
    /// owns what it needs (a background refresh outlives the request).
    pub(crate) async fn get<F, Fut>(
        self: &Arc<Self>,
        kid: &str,
        fetch: F,
    ) -> Result<Arc<VerifyKey>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>> + Send + 'static,
    {
        // The last fetch failed: the next try waits for the refetch interval.
        let failing = || Error::KeyFetch { source: None };
        match self.lookup(kid) {
            Lookup::Found(key) => return Ok(key),
            Lookup::Stale(key) => {
                self.refresh_in_background(fetch());
                return Ok(key);
            }
            Lookup::Unknown => return Err(SessionError::UnknownKey.into()),
            Lookup::Failing => return Err(failing()),
            Lookup::Fetch => {}
        }
        let _single_flight = self.fetching.lock().await;
        // Someone else may have fetched while this task waited.
        match self.lookup(kid) {
            Lookup::Found(key) | Lookup::Stale(key) => return Ok(key),
            Lookup::Unknown => return Err(SessionError::UnknownKey.into()),
            Lookup::Failing => return Err(failing()),
            Lookup::Fetch => {}
        }
        let result = self.fetch_bounded(fetch()).await;
        let cached = self.record(result, kid)?;
        cached.ok_or(SessionError::UnknownKey.into())
    }

    /// Starts one background refresh unless one is running (or there is no runtime to run it
    /// on: the stale set is then served until a request may fetch).
    fn refresh_in_background<Fut>(self: &Arc<Self>, fetch: Fut)
    where
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>> + Send + 'static,
    {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let store = Arc::clone(self);
        runtime.spawn(async move {
            let single_flight = store.fetching.lock().await;
            let result = store.fetch_bounded(fetch).await;
            if let Err(error) = store.record(result, "") {
                tracing::warn!(%error, "descope: background key refresh failed, using cached keys");
            }
            drop(single_flight);
            store.refreshing.store(false, Ordering::Release);
        });
    }

    /// One fetch, within the fetch timeout, no retries.
    async fn fetch_bounded<Fut>(&self, fetch: Fut) -> Result<Vec<Value>, Error>
    where
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>>,
    {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        match tokio::time::timeout(self.fetch_timeout, fetch).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                operation: crate::operation::Operation::GetKeys,
            }),
        }
    }

    /// Records a fetch's outcome; the key for `kid` after it (`Ok(None)`: no such key). A
    /// failed fetch keeps the keys we had: the key for `kid` among them, else the error.
    fn record(
        &self,
        result: Result<Vec<Value>, Error>,
        kid: &str,
    ) -> Result<Option<Arc<VerifyKey>>, Error> {
        let mut cached = self.cached.write().unwrap_or_else(|p| p.into_inner());
        let now = self.clock.now();
        cached.last_attempt = Some(now);
        cached.last_failed = result.is_err();
        match result {
            Ok(set) => {
                cached.keys = parse_keys(set);
                cached.fetched_at = Some(now);
            }
            Err(error) => {
                if let Some(key) = cached.keys.get(kid).or_else(|| cached.keys.get("")) {
                    tracing::warn!("descope: key refresh failed, using cached keys");
                    return Ok(Some(key.clone()));
                }
                return Err(Error::KeyFetch {
                    source: Some(Box::new(error)),
                });
            }
        }
        Ok(cached
            .keys
            .get(kid)
            .or_else(|| cached.keys.get(""))
            .cloned())
    }
}
