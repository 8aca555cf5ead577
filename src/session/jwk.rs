//! Public keys from JWKs: parsed once into aws-lc-rs keys, each pinned to one algorithm (never
//! HMAC, never `none`), RSA moduli within 2048..=8192 bits.

use std::collections::HashMap;
use std::sync::Arc;

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaParameters, RsaPublicKeyComponents};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use serde_json::Value;

use crate::error::Error;

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
    /// The signature is decoded on the stack when it fits (RSA up to 4096 bits, every EC key),
    /// else on the heap.
    pub(crate) fn verifies(&self, message: &[u8], signature: &str) -> bool {
        let mut buf = [0u8; 512];
        let heap;
        let signature = match super::base64url::decode_into(signature, &mut buf) {
            Some(on_stack) => on_stack,
            None => match super::base64url::decode(signature) {
                Some(decoded) => {
                    heap = decoded;
                    &heap
                }
                None => return false,
            },
        };
        self.verifier.verify_sig(message, signature).is_ok()
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
