//! The emulator's RS256 signing keys, its JWKS, and signing and checking its own JWTs.

use std::sync::{Arc, OnceLock, RwLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _, UnparsedPublicKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::random_id;
use super::EmulatorError;
use descope::wire::{Jwk, KeysResponse};

/// One RSA key pair with its `kid`.
pub(crate) struct SigningKey {
    pub(crate) kid: String,
    pair: KeyPair,
    pkcs8: Vec<u8>,
}

impl SigningKey {
    pub(crate) fn generate() -> Result<Self, EmulatorError> {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| EmulatorError::Key("RSA key generation failed".into()))?;
        let pkcs8 = pair
            .as_der()
            .map_err(|_| EmulatorError::Key("cannot encode the key as PKCS#8".into()))?
            .as_ref()
            .to_vec();
        Ok(Self {
            kid: format!("K{}", random_id(26)?),
            pair,
            pkcs8,
        })
    }

    /// A key with a `kid` of its own over the process's development key pair, which the first
    /// emulator of the process generates (RSA 2048, ~50–90 ms) and later ones reuse (a PKCS#8
    /// parse, well under a millisecond). Emulators in one process still publish different
    /// `kid`s, so a token from one does not validate against another's key set.
    pub(crate) fn process_shared() -> Result<Self, EmulatorError> {
        static PROCESS_KEY: OnceLock<Vec<u8>> = OnceLock::new();
        if let Some(der) = PROCESS_KEY.get() {
            return Self::from_pkcs8(None, der);
        }
        let fresh = Self::generate()?;
        let der = PROCESS_KEY.get_or_init(|| fresh.pkcs8.clone());
        if *der == fresh.pkcs8 {
            Ok(fresh)
        } else {
            Self::from_pkcs8(None, der)
        }
    }

    /// A key from PKCS#8 DER (RSA, 2048 bits or more).
    pub(crate) fn from_pkcs8(kid: Option<String>, der: &[u8]) -> Result<Self, EmulatorError> {
        let pair = KeyPair::from_pkcs8(der)
            .map_err(|e| EmulatorError::Key(format!("not an RSA PKCS#8 private key: {e}")))?;
        let kid = match kid {
            Some(kid) => kid,
            None => format!("K{}", random_id(26)?),
        };
        Ok(Self {
            kid,
            pair,
            pkcs8: der.to_vec(),
        })
    }

    pub(crate) fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    pub(crate) fn jwk(&self) -> Jwk {
        let public = self.pair.public_key();
        let mut jwk = Jwk::default();
        jwk.kid = Some(self.kid.clone());
        jwk.kty = Some("RSA".into());
        jwk.alg = Some("RS256".into());
        jwk.use_ = Some("sig".into());
        jwk.n = Some(URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()));
        jwk.e = Some(URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()));
        jwk
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, EmulatorError> {
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| EmulatorError::Key("signing failed".into()))?;
        Ok(signature)
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            self.pair.public_key().as_ref(),
        )
        .verify(message, signature)
        .is_ok()
    }
}

/// The current signing key and the previous ones still published.
pub(crate) struct KeyRing {
    keys: RwLock<Vec<Arc<SigningKey>>>,
}

impl KeyRing {
    pub(crate) fn new(first: SigningKey) -> Self {
        Self {
            keys: RwLock::new(vec![Arc::new(first)]),
        }
    }

    pub(crate) fn from_keys(keys: Vec<SigningKey>) -> Option<Self> {
        if keys.is_empty() {
            return None;
        }
        Some(Self {
            keys: RwLock::new(keys.into_iter().map(Arc::new).collect()),
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<SigningKey>>> {
        self.keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn all(&self) -> Vec<Arc<SigningKey>> {
        self.read().clone()
    }

    fn current(&self) -> Arc<SigningKey> {
        // The ring is never empty: built with one key, rotation only adds before removing.
        self.read()[0].clone()
    }

    /// Makes `key` the signing key; keeps the previous ones published when `keep_previous`.
    pub(crate) fn rotate(&self, key: SigningKey, keep_previous: bool) {
        let mut keys = self
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !keep_previous {
            keys.clear();
        }
        keys.insert(0, Arc::new(key));
    }

    pub(crate) fn jwks(&self) -> KeysResponse {
        let mut response = KeysResponse::default();
        response.keys = Some(self.read().iter().map(|k| k.jwk()).collect());
        response
    }

    /// A compact RS256 JWT of `claims`, signed with the current key.
    pub(crate) fn sign<C: Serialize>(&self, claims: &C) -> Result<String, EmulatorError> {
        let key = self.current();
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": key.kid});
        let mut token = String::with_capacity(1024);
        token.push_str(&URL_SAFE_NO_PAD.encode(header.to_string()));
        token.push('.');
        let payload = serde_json::to_vec(claims)
            .map_err(|_| EmulatorError::Key("claims do not serialize".into()))?;
        token.push_str(&URL_SAFE_NO_PAD.encode(payload));
        let signature = key.sign(token.as_bytes())?;
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature));
        Ok(token)
    }

    /// The claims of one of this emulator's JWTs, when the signature is right (nothing else is
    /// checked here).
    pub(crate) fn verify<C: DeserializeOwned>(&self, token: &str) -> Option<C> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        #[derive(serde::Deserialize)]
        struct Header {
            alg: String,
            kid: String,
        }
        let parsed: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if parsed.alg != "RS256" {
            return None;
        }
        let key = self.read().iter().find(|k| k.kid == parsed.kid)?.clone();
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let signed = &token[..header.len() + 1 + payload.len()];
        if !key.verify(signed.as_bytes(), &signature) {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}
