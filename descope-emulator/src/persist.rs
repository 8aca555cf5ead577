//! Writing the state file.

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
        }
    };
    let bytes =
        serde_json::to_vec_pretty(&state).map_err(|e| EmulatorError::State(e.to_string()))?;
    store::write_atomically(&persister.path, &bytes).map_err(|e| {
        EmulatorError::State(format!("cannot write {}: {e}", persister.path.display()))
    })
}

pub(crate) async fn write_loop(app: Arc<App>, dirty: Arc<tokio::sync::Notify>) {
    loop {
        dirty.notified().await;
        let app = app.clone();
        let result = tokio::task::spawn_blocking(move || save(&app)).await;
        if let Ok(Err(e)) = result {
            eprintln!("descope-emulator: {e}");
        }
    }
}
