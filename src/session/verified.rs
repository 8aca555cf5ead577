//! Tokens already fully verified, by SHA-256 of the whole token (signature included), so a
//! token is only ever accepted from here if exactly it was verified before.
//!
//! Sharded (16 ways, a lock each: inserts from many tasks rarely meet), bounded, and evicting
//! gradually: a full shard first forgets its expired entries, then an eighth of the rest, never
//! everything at once. Each entry is three shared pointers (the session, the `kid`, the key).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::claims::Session;
use super::keys::VerifyKey;

const SHARDS: usize = 16;

/// A verified token: its session, and the key (with its `kid`) that verified it, so a hit counts
/// only while that key is still the project's.
#[derive(Clone)]
pub(crate) struct Verified {
    pub(crate) session: Session,
    pub(crate) kid: Arc<str>,
    pub(crate) key: Arc<VerifyKey>,
}

pub(crate) struct VerifiedCache {
    per_shard: usize,
    shards: Vec<RwLock<HashMap<[u8; 32], Verified>>>,
}

/// The cache key of a token.
pub(crate) fn digest(token: &str) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

impl VerifiedCache {
    /// A cache of about `capacity` tokens (0 disables it).
    pub(crate) fn new(capacity: usize) -> Self {
        let shards = if capacity == 0 { 0 } else { SHARDS };
        Self {
            per_shard: capacity.div_ceil(SHARDS).max(1),
            shards: (0..shards).map(|_| RwLock::new(HashMap::new())).collect(),
        }
    }

    fn shard(&self, key: &[u8; 32]) -> Option<&RwLock<HashMap<[u8; 32], Verified>>> {
        if self.shards.is_empty() {
            return None;
        }
        self.shards.get(usize::from(key[0]) % self.shards.len())
    }

    /// What `check` makes of the entry of `key`, read in place (no clone of the entry).
    pub(crate) fn get_with<R>(
        &self,
        key: &[u8; 32],
        check: impl FnOnce(&Verified) -> R,
    ) -> Option<R> {
        let shard = self.shard(key)?.read().unwrap_or_else(|p| p.into_inner());
        shard.get(key).map(check)
    }

    #[cfg(test)]
    pub(crate) fn get(&self, key: &[u8; 32]) -> Option<Verified> {
        self.get_with(key, Verified::clone)
    }

    pub(crate) fn insert(&self, key: [u8; 32], verified: Verified, now: i64) {
        let Some(shard) = self.shard(&key) else {
            return;
        };
        let mut entries = shard.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.per_shard {
            entries.retain(|_, v| v.session.inner.expires_at > now);
        }
        if entries.len() >= self.per_shard {
            let evict = (self.per_shard / 8).max(1);
            let victims: Vec<[u8; 32]> = entries.keys().take(evict).copied().collect();
            for victim in victims {
                entries.remove(&victim);
            }
        }
        entries.insert(key, verified);
    }

    /// How many tokens are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::session::claims::{RawClaims, TokenKind};

    fn entry(key: &Arc<VerifyKey>, expires_at: i64) -> Verified {
        let claims: RawClaims = serde_json::from_value(serde_json::json!({"sub": "U1"})).unwrap();
        Verified {
            session: claims.into_session(TokenKind::Session, "U1".into(), "P2".into(), expires_at),
            kid: Arc::from("k"),
            key: key.clone(),
        }
    }

    fn key() -> Arc<VerifyKey> {
        use aws_lc_rs::signature::KeyPair as _;
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let public = pair.public_key();
        let components = aws_lc_rs::signature::RsaPublicKeyComponents {
            n: public.modulus().big_endian_without_leading_zero(),
            e: public.exponent().big_endian_without_leading_zero(),
        };
        Arc::new(VerifyKey {
            verifier: components
                .to_parsed_public_key(&aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256)
                .unwrap(),
            algorithm_name: "RS256",
        })
    }

    #[test]
    fn a_stream_past_the_capacity_never_empties_the_cache() {
        let key = key();
        let cache = VerifiedCache::new(1024);
        let mut smallest_after_fill = usize::MAX;
        for n in 0..3 * 1024u32 {
            let token = format!("token-{n}");
            cache.insert(digest(&token), entry(&key, i64::MAX), 0);
            assert!(cache.len() <= 1024 + SHARDS, "bounded: {}", cache.len());
            if n >= 1024 {
                smallest_after_fill = smallest_after_fill.min(cache.len());
            }
            // The token just verified is always there.
            assert!(cache.get(&digest(&token)).is_some());
        }
        // Gradual eviction: never anything like a drop to empty (the old cliff).
        assert!(smallest_after_fill > 800, "{smallest_after_fill}");
        // Expired entries go first.
        let cache = VerifiedCache::new(16);
        for n in 0..16u32 {
            cache.insert(digest(&format!("old-{n}")), entry(&key, 10), 0);
        }
        cache.insert(digest("fresh"), entry(&key, i64::MAX), 100);
        assert!(cache.get(&digest("fresh")).is_some());
        assert!(VerifiedCache::new(0).get(&digest("fresh")).is_none());
    }
}
