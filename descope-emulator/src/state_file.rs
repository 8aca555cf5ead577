//! The state file on disk: read at start, written atomically (own temporary file, `0600`),
//! and the record of how far the writes got.

use std::path::{Path, PathBuf};

use crate::store::{StateFile, STATE_FORMAT};
use crate::EmulatorError;

/// Reads a state file; `Ok(None)` when it does not exist yet.
pub(crate) fn read_state(path: &Path) -> Result<Option<StateFile>, EmulatorError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(EmulatorError::State(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    let state: StateFile = serde_json::from_slice(&bytes).map_err(|e| {
        EmulatorError::State(format!(
            "{} is not an emulator state file: {}",
            path.display(),
            descope::wire::json_reason(&e)
        ))
    })?;
    if state.format != STATE_FORMAT {
        return Err(EmulatorError::State(format!(
            "{} has format {}, this emulator reads {STATE_FORMAT}",
            path.display(),
            state.format
        )));
    }
    Ok(Some(state))
}

/// Writes `bytes` to `path` atomically: a temporary file of its own in the same directory,
/// synced, then renamed over the target, so a kill at any moment leaves the old or the new
/// file, never a mix. The file is created readable by its owner only (`0600` on Unix): it
/// holds signing keys and password hashes.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{write}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Where the state goes, and how far it got: every change bumps `changes`; a write records the
/// count it covered in `saved`. A request that changed something is answered only once a write
/// covering its change is on disk (writes are serialized and coalesced).
pub(crate) struct Persister {
    pub(crate) path: PathBuf,
    pub(crate) changes: std::sync::atomic::AtomicU64,
    pub(crate) saved: tokio::sync::Mutex<u64>,
}

impl Persister {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            changes: std::sync::atomic::AtomicU64::new(0),
            saved: tokio::sync::Mutex::new(0),
        }
    }
}
