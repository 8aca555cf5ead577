#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::session::raw_claims::TokenKind;
use crate::session::raw_claims::{Facts, Payload};

fn entry(key: &Arc<VerifyKey>, expires_at: i64) -> Verified {
    let payload = Payload::decode("eyJzdWIiOiJVMSJ9").unwrap();
    let facts = Facts {
        kind: TokenKind::Session,
        user_id: "U1".into(),
        project_id: "P2".into(),
        expires_at,
        issued_at: None,
    };
    Verified {
        session: crate::session::Session::from_payload(payload, facts),
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
fn only_the_very_token_verified_hits() {
    let key = key();
    let cache = VerifiedCache::new(16);
    let token = "header.payload.signature-0123456789abcdef";
    let at = cache.locate(token).unwrap();
    cache.insert(at, token, || entry(&key, i64::MAX), 0);
    // The first verification is only noted; the second one is remembered.
    assert!(cache.get(token).is_none());
    cache.insert(at, token, || entry(&key, i64::MAX), 0);
    assert!(cache.get(token).is_some());
    // Same signature, another payload: found at the same place, refused by the comparison.
    let forged = "header.PAYLOAD.signature-0123456789abcdef";
    assert_eq!(cache.locate(forged), cache.locate(token));
    assert!(cache.get(forged).is_none());
    for other in [
        "",
        "x",
        &token[1..],
        &format!("{token}x"),
        &format!("x{token}"),
    ] {
        assert!(cache.get(other).is_none(), "{other}");
    }
    // Locators are keyed per cache: nothing learnt from one process applies to the next.
    let other = VerifiedCache::new(16);
    let spread = (0..8).any(|n| {
        let t = format!("{token}{n}");
        cache.locate(&t) != other.locate(&t)
    });
    assert!(spread);
    // Off: nothing is located, looked up or kept.
    let off = VerifiedCache::new(0);
    assert!(off.locate(token).is_none());
}

#[test]
fn a_token_is_admitted_on_its_second_verification_and_the_cache_stays_bounded() {
    let key = key();
    let cache = VerifiedCache::new(1024);
    let token = |n: u32| format!("token-{n}");
    let insert = |n: u32| {
        let t = token(n);
        cache.insert(cache.locate(&t).unwrap(), &t, || entry(&key, i64::MAX), 0);
    };
    // Seen once each: nothing remembered.
    for n in 0..1024u32 {
        insert(n);
    }
    assert_eq!(cache.len(), 0);
    // Seen twice: remembered, up to the capacity.
    for n in 0..1024u32 {
        insert(n);
    }
    // Most of them: a first sighting is forgotten when another token lands on its slot (about
    // one in five here, with as many tokens as the cache holds seen in between).
    let full = cache.len();
    assert!(full > 700, "{full}");
    let mut smallest = usize::MAX;
    for n in 1024..3 * 1024u32 {
        // Seen once: not remembered, and nothing evicted for it.
        let before = cache.len();
        insert(n);
        if cache.get(&token(n)).is_none() {
            assert_eq!(cache.len(), before);
            // Seen again: remembered, making room gradually.
            insert(n);
        }
        assert!(cache.get(&token(n)).is_some(), "token {n}");
        assert!(cache.len() <= 1024 + SHARDS, "bounded: {}", cache.len());
        smallest = smallest.min(cache.len());
    }
    // Gradual eviction: never anything like a drop to empty.
    assert!(smallest > full - 100, "{smallest} of {full}");
}

#[test]
fn expired_entries_go_first() {
    let key = key();
    let cache = VerifiedCache::new(1024);
    let fresh = cache.locate("fresh").unwrap();
    let shard_len = || cache.shard(fresh).unwrap().read().unwrap().len();
    // Fill the shard "fresh" will go to with tokens that expire at 10.
    for n in 0..100_000u32 {
        if shard_len() == cache.per_shard {
            break;
        }
        let old = format!("old-{n}");
        for _ in 0..2 {
            cache.insert(cache.locate(&old).unwrap(), &old, || entry(&key, 10), 0);
        }
    }
    assert_eq!(shard_len(), cache.per_shard);
    cache.insert(fresh, "fresh", || entry(&key, i64::MAX), 100);
    cache.insert(fresh, "fresh", || entry(&key, i64::MAX), 100);
    assert!(cache.get("fresh").is_some());
    // At 100 every other entry of the shard had expired: all went, not an eighth of them.
    assert_eq!(shard_len(), 1);
}
