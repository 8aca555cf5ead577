//! Writing the state file.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::server::App;
use crate::store::{self, StateFile, STATE_FORMAT};
use crate::EmulatorError;

/// Writes the state file now.
pub(crate) fn save(app: &App) -> Result<(), EmulatorError> {
    let Some(persister) = &app.persister else {
        return Ok(());
    };
    let state = {
        let store = app.store();
        StateFile {
            format: STATE_FORMAT,
            project_id: app.options.project_id.clone(),
            keys: app
                .keys
                .all()
                .iter()
                .map(|k| (k.kid.clone(), STANDARD.encode(k.pkcs8())))
                .collect(),
            users: store.users_sorted(),
            sessions: store
                .sessions
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            verifications: store.verifications.clone(),
            outbox: app.outbox().all(),
        }
    };
    let bytes =
        serde_json::to_vec_pretty(&state).map_err(|e| EmulatorError::State(e.to_string()))?;
    store::write_atomically(&persister.path, &bytes).map_err(|e| {
        EmulatorError::State(format!("cannot write {}: {e}", persister.path.display()))
    })
}

/// Writes the state file unless a write already covered every change made so far. Returns
/// once the change that called it is on disk.
pub(crate) async fn persist(app: &Arc<App>) -> Result<(), EmulatorError> {
    let Some(persister) = &app.persister else {
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
async fn write_locked(app: &Arc<App>, saved: &mut u64) -> Result<(), EmulatorError> {
    let Some(persister) = &app.persister else {
        return Ok(());
    };
    let covered = persister.changes.load(Ordering::SeqCst);
    let writer = app.clone();
    tokio::task::spawn_blocking(move || save(&writer))
        .await
        .map_err(|_| EmulatorError::State("the state write task failed".into()))??;
    *saved = covered;
    Ok(())
}

/// The last write, on shutdown: under the same lock as every other write (so it cannot
/// interleave with one still running), and always, whatever was counted.
pub(crate) async fn persist_final(app: &Arc<App>) -> Result<(), EmulatorError> {
    let Some(persister) = &app.persister else {
        return Ok(());
    };
    let mut saved = persister.saved.lock().await;
    write_locked(app, &mut saved).await
}
