//! Test keys and JWTs: an RSA and an EC key, and tokens signed (or forged) with them.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair as _};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use crate::common::PROJECT_ID;

pub struct RsaKey {
    pub kid: String,
    pair: KeyPair,
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl RsaKey {
    pub fn generate(kid: &str) -> Self {
        let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let _ = pair.as_der().unwrap();
        Self {
            kid: kid.to_owned(),
            pair,
        }
    }

    pub fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({
            "kty": "RSA", "kid": self.kid, "alg": "RS256", "use": "sig",
            "n": b64(public.modulus().big_endian_without_leading_zero()),
            "e": b64(public.exponent().big_endian_without_leading_zero()),
        })
    }

    /// The public key's DER bytes (what an HMAC forgery would use as its secret).
    pub fn public_der(&self) -> Vec<u8> {
        self.pair.public_key().as_ref().to_vec()
    }

    /// Signs `header.claims` with RS256, whatever the header says.
    pub fn sign_raw(&self, header: &Value, claims: &Value) -> String {
        self.sign_bytes(header, claims.to_string().as_bytes())
    }

    /// Signs a payload given as JSON text (which need not parse), with this key's header.
    pub fn sign_payload(&self, payload: &str) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": self.kid});
        self.sign_bytes(&header, payload.as_bytes())
    }

    fn sign_bytes(&self, header: &Value, payload: &[u8]) -> String {
        let message = format!("{}.{}", b64(header.to_string()), b64(payload));
        let mut sig = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message.as_bytes(),
                &mut sig,
            )
            .unwrap();
        format!("{message}.{}", b64(sig))
    }

    pub fn sign(&self, claims: &Value) -> String {
        self.sign_raw(
            &json!({"alg": "RS256", "typ": "JWT", "kid": self.kid}),
            claims,
        )
    }
}

pub struct EcKey {
    pub kid: String,
    pair: EcdsaKeyPair,
}

impl EcKey {
    pub fn generate(kid: &str) -> Self {
        let doc = EcdsaKeyPair::generate_pkcs8(
            &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
            &SystemRandom::new(),
        )
        .unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P384_SHA384_FIXED_SIGNING, doc.as_ref())
                .unwrap();
        Self {
            kid: kid.to_owned(),
            pair,
        }
    }

    pub fn jwk(&self) -> Value {
        // Uncompressed point: 0x04 || x || y.
        let point = self.pair.public_key().as_ref();
        let (x, y) = point[1..].split_at((point.len() - 1) / 2);
        json!({"kty": "EC", "kid": self.kid, "crv": "P-384", "alg": "ES384", "use": "sig", "x": b64(x), "y": b64(y)})
    }

    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "ES384", "typ": "JWT", "kid": self.kid});
        let message = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let sig = self
            .pair
            .sign(&SystemRandom::new(), message.as_bytes())
            .unwrap();
        format!("{message}.{}", b64(sig.as_ref()))
    }
}

/// The test suite's RSA key, generated once.
pub fn key() -> &'static RsaKey {
    static KEY: OnceLock<RsaKey> = OnceLock::new();
    KEY.get_or_init(|| RsaKey::generate("test-key-1"))
}

/// The JWK set of [`key`].
pub fn jwks() -> String {
    json!({"keys": [key().jwk()]}).to_string()
}

/// Claims of a token of `drn` for the test project, expiring in an hour.
pub fn claims(drn: &str) -> Value {
    let now = now();
    json!({
        "iss": format!("https://api.descope.com/{PROJECT_ID}"),
        "sub": "U2fixture", "iat": now, "exp": now + 3600, "drn": drn, "amr": ["pwd"],
    })
}

pub fn session_jwt() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| key().sign(&claims("DS")))
}

pub fn refresh_jwt() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| key().sign(&claims("DSR")))
}
