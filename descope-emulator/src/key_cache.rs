//! A development signing key kept on disk between starts, so a start needs no RSA generation
//! (tens to hundreds of milliseconds: finding primes is random): the wire is the same (RS256 2048, the same JWKS shape), and each
//! start still publishes a `kid` of its own.

use std::path::{Path, PathBuf};

use crate::keys::SigningKey;
use crate::EmulatorError;

/// The key in `path` (PKCS#8 DER). When the file is missing or does not hold an RSA key of
/// 2048 bits or more, a new key is generated and written there (mode `0600`, atomically). A
/// cache that cannot be written is not an error: the new key is used, and the next start
/// generates again.
pub(crate) fn load_or_create(path: &Path) -> Result<SigningKey, EmulatorError> {
    if let Ok(der) = std::fs::read(path) {
        if let Ok(key) = SigningKey::from_pkcs8(None, &der) {
            return Ok(key);
        }
    }
    let key = SigningKey::generate()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::state_file::write_atomically(path, key.pkcs8());
    Ok(key)
}

/// Where the binary keeps its development key unless told otherwise:
/// `$XDG_CACHE_HOME/descope-emulator/dev-signing-key.der`, else
/// `$HOME/.cache/descope-emulator/dev-signing-key.der`; `None` without either. The environment
/// is read through `lookup` (`std::env::var` in the binary, a map in tests).
pub fn default_signing_key_cache(lookup: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let nonempty = |name: &str| lookup(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = nonempty("XDG_CACHE_HOME").or_else(|| nonempty("HOME").map(|h| h.join(".cache")))?;
    Some(base.join("descope-emulator").join("dev-signing-key.der"))
}
