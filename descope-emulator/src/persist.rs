//! Writing the state file: when, and under which lock. What goes in it is the state's
//! business ([`Persisted::snapshot`]); this module knows nothing of HTTP.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::state_file;
use crate::state_file::Persister;
use crate::store::StateFile;
use crate::EmulatorError;

/// State that is written to a state file (the server's `App`).
pub(crate) trait Persisted: Send + Sync + 'static {
    /// Where and how often the state is written; `None` without a state file.
    fn persister(&self) -> Option<&Persister>;

    /// The state as the file holds it, taken at once.
    fn snapshot(&self) -> StateFile;
}

/// Writes the state file now.
pub(crate) fn save(app: &impl Persisted) -> Result<(), EmulatorError> {
    let Some(persister) = app.persister() else {
        return Ok(());
    };
    let state = app.snapshot();
    let bytes =
        serde_json::to_vec_pretty(&state).map_err(|e| EmulatorError::State(e.to_string()))?;
    state_file::write_atomically(&persister.path, &bytes).map_err(|e| {
        EmulatorError::State(format!("cannot write {}: {e}", persister.path.display()))
    })
}

/// Writes the state file unless a write already covered every change made so far. Returns
/// once the change that called it is on disk.
pub(crate) async fn persist<A: Persisted>(app: &Arc<A>) -> Result<(), EmulatorError> {
    let Some(persister) = app.persister() else {
        return Ok(());
    };
    let wanted = persister.changes.load(Ordering::SeqCst);
    let mut saved = persister.saved.lock().await;
    if *saved >= wanted {
        return Ok(());
    }
    write_locked(app, &mut saved).await
}

/// Writes the state with the writers' lock held (`saved`): everything counted so far is in
/// the store, so the snapshot covers it.
async fn write_locked<A: Persisted>(app: &Arc<A>, saved: &mut u64) -> Result<(), EmulatorError> {
    let Some(persister) = app.persister() else {
        return Ok(());
    };
    let covered = persister.changes.load(Ordering::SeqCst);
    let writer = app.clone();
    tokio::task::spawn_blocking(move || save(writer.as_ref()))
        .await
        .map_err(|_| EmulatorError::State("the state write task failed".into()))??;
    *saved = covered;
    Ok(())
}

/// The last write, on shutdown: under the same lock as every other write (so it cannot
/// interleave with one still running), and always, whatever was counted.
pub(crate) async fn persist_final<A: Persisted>(app: &Arc<A>) -> Result<(), EmulatorError> {
    let Some(persister) = app.persister() else {
        return Ok(());
    };
    let mut saved = persister.saved.lock().await;
    write_locked(app, &mut saved).await
}
