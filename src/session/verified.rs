//! Tokens already fully verified, kept whole: a token is only ever accepted from here if it is,
//! byte for byte, a token verified before (compared in constant time).
//!
//! - **Lookup**: by a locator, a keyed hash (the standard library's per-process random keys) of
//!   the token's last 16 bytes, which lie in its signature. The locator only finds the entry;
//!   the whole token decides. A token never seen costs that short hash and one probe.
//! - **Admission**: a token is remembered when it is verified a second time (a small table of
//!   locator tags, lock-free, records first sightings). A token seen once, what a busy server
//!   mostly gets, costs no copy, no insert and no eviction; a token used again is verified
//!   twice, then answered from here.
//! - **Bounds**: 16 shards with a lock each (inserts from many tasks rarely meet). A full shard
//!   first forgets its expired entries, then an eighth of the rest, never everything at once.
//!   Each entry is the token and three shared pointers (the session, the `kid`, the key).

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, RwLock};

use super::claims::Session;
use super::keys::VerifyKey;

const SHARDS: usize = 16;
/// How much of a token's end its locator hashes.
const LOCATOR_BYTES: usize = 16;

/// A verified token: its session, and the key (with its `kid`) that verified it, so a hit counts
/// only while that key is still the project's.
#[derive(Clone)]
pub(crate) struct Verified {
    pub(crate) session: Session,
    pub(crate) kid: Arc<str>,
    pub(crate) key: Arc<VerifyKey>,
}

/// Where a token would be in the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Locator(u64);

/// Locators are already keyed hashes: the map uses them as they are.
#[derive(Default)]
struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else rather than lose it.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

struct Entry {
    token: Box<str>,
    verified: Verified,
}

type Shard = RwLock<HashMap<u64, Entry, BuildHasherDefault<AsIs>>>;

pub(crate) struct VerifiedCache {
    per_shard: usize,
    shards: Vec<Shard>,
    /// Tags of tokens verified once and not (yet) remembered: the second sighting admits.
    /// Four slots per remembered token, so a token seen again soon is rarely forgotten.
    first_sightings: Box<[AtomicU32]>,
    hasher: RandomState,
}

impl VerifiedCache {
    /// A cache of about `capacity` tokens (0 disables it).
    pub(crate) fn new(capacity: usize) -> Self {
        let enabled = capacity > 0;
        let per_shard = capacity.div_ceil(SHARDS).max(1);
        let shards = if enabled { SHARDS } else { 0 };
        let sightings = if enabled {
            capacity.saturating_mul(4).next_power_of_two()
        } else {
            0
        };
        Self {
            per_shard,
            shards: (0..shards).map(|_| RwLock::default()).collect(),
            first_sightings: (0..sightings).map(|_| AtomicU32::new(0)).collect(),
            hasher: RandomState::new(),
        }
    }

    /// The token's locator, or `None` when the cache is off (nothing to look up or keep).
    pub(crate) fn locate(&self, token: &str) -> Option<Locator> {
        if self.shards.is_empty() {
            return None;
        }
        let bytes = token.as_bytes();
        let tail = &bytes[bytes.len().saturating_sub(LOCATOR_BYTES)..];
        Some(Locator(self.hasher.hash_one(tail)))
    }

    fn shard(&self, at: Locator) -> Option<&Shard> {
        // Bits the map does not use for its buckets (low) or its tags (top seven).
        self.shards.get((at.0 >> 32) as usize % SHARDS)
    }

    /// What `check` makes of the entry of exactly `token`, read in place (no clone of it).
    pub(crate) fn get_with<R>(
        &self,
        at: Locator,
        token: &str,
        check: impl FnOnce(&Verified) -> R,
    ) -> Option<R> {
        let shard = self.shard(at)?.read().unwrap_or_else(|p| p.into_inner());
        let entry = shard.get(&at.0)?;
        let same = aws_lc_rs::constant_time::verify_slices_are_equal(
            entry.token.as_bytes(),
            token.as_bytes(),
        );
        same.is_ok().then(|| check(&entry.verified))
    }

    #[cfg(test)]
    pub(crate) fn get(&self, token: &str) -> Option<Verified> {
        self.get_with(self.locate(token)?, token, Verified::clone)
    }

    /// Whether the token was verified once before without being remembered; records this
    /// sighting either way.
    fn seen_before(&self, at: Locator) -> bool {
        let mask = self.first_sightings.len().wrapping_sub(1);
        let Some(slot) = self.first_sightings.get((at.0 >> 40) as usize & mask) else {
            return false;
        };
        // Never 0, the tag of an empty slot.
        let tag = (at.0 as u32) | 1;
        slot.swap(tag, Ordering::Relaxed) == tag
    }

    /// Remembers `token`, just verified, if this is its second verification (making room when
    /// its shard is full).
    pub(crate) fn insert(
        &self,
        at: Locator,
        token: &str,
        verified: impl FnOnce() -> Verified,
        now: i64,
    ) {
        let Some(shard) = self.shard(at) else {
            return;
        };
        if !self.seen_before(at) {
            return;
        }
        let entry = Entry {
            token: token.into(),
            verified: verified(),
        };
        let mut entries = shard.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.per_shard && !entries.contains_key(&at.0) {
            entries.retain(|_, e| e.verified.session.inner.expires_at > now);
            if entries.len() >= self.per_shard {
                let evict = (self.per_shard / 8).max(1);
                let victims: Vec<u64> = entries.keys().take(evict).copied().collect();
                for victim in victims {
                    entries.remove(&victim);
                }
            }
        }
        entries.insert(at.0, entry);
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
#[path = "verified_tests.rs"]
mod tests;
