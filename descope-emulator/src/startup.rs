//! Starting an [`Emulator`](crate::Emulator): checking the settings, the signing keys (given,
//! cached or new), the state file and seeds, then binding and serving in the background.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use descope::session::Clock;

use crate::keys::{KeyRing, SigningKey};
use crate::persist::save;
use crate::server::{self, App};
use crate::state_file::{self, Persister};
use crate::store::{Store, StoredUser};
use crate::{random_id, unix_seconds, Emulator, EmulatorError};

use crate::builder::Import;
use crate::EmulatorBuilder;

impl EmulatorBuilder {
    /// Binds, then serves in the background until [`Emulator::stop`] (or drop).
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let options = self.options;
        if options.project_id.trim().is_empty()
            || !options
                .project_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric())
        {
            return Err(EmulatorError::Option(
                "the project ID must be non-empty and alphanumeric".into(),
            ));
        }
        let keys = options
            .management_key
            .iter()
            .map(|k| ("management key", k.secret()))
            .chain(
                options
                    .access_keys
                    .iter()
                    .map(|k| ("access key", k.secret())),
            );
        for (what, key) in keys {
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) || key.contains(':') {
                return Err(EmulatorError::Option(format!(
                    "a {what} must be non-empty visible ASCII without `:`"
                )));
            }
        }
        if let Some(url) = &options.redirect_url {
            if !crate::is_web_url(url) {
                return Err(EmulatorError::Option(
                    "the redirect URL must be an absolute http or https URL".into(),
                ));
            }
        }
        if self.header_read_timeout.is_zero() {
            return Err(EmulatorError::Option(
                "the header read timeout must be more than zero".into(),
            ));
        }
        if self.hashing_permits == 0 {
            return Err(EmulatorError::Option(
                "at least one password hash must be allowed at a time".into(),
            ));
        }
        if options.session_ttl.is_zero() || options.refresh_ttl.is_zero() {
            return Err(EmulatorError::Option(
                "token lifetimes must be more than zero".into(),
            ));
        }
        if options
            .rate_limit
            .is_some_and(|r| r.requests == 0 || r.window.is_zero())
        {
            return Err(EmulatorError::Option(
                "a rate limit needs requests and a window above zero".into(),
            ));
        }
        let saved = match &self.state {
            Some(path) => state_file::read_state(path)?,
            None => None,
        };
        let outbox = saved
            .as_ref()
            .map(|state| state.outbox.clone())
            .unwrap_or_default();
        let (keys, mut store) = match &saved {
            Some(state) => {
                if state.project_id != options.project_id {
                    return Err(EmulatorError::State(format!(
                        "the state file is for project {}, not {}",
                        state.project_id, options.project_id
                    )));
                }
                let mut keys = Vec::new();
                for (kid, der) in &state.keys {
                    let der = STANDARD
                        .decode(der)
                        .map_err(|_| EmulatorError::State("a key is not base64".into()))?;
                    keys.push(SigningKey::from_pkcs8(Some(kid.clone()), &der)?);
                }
                let ring = KeyRing::from_keys(keys)
                    .ok_or_else(|| EmulatorError::State("no signing key".into()))?;
                (ring, Store::from_state(state)?)
            }
            None => {
                let key = match &self.key_pkcs8 {
                    Some(der) => SigningKey::from_pkcs8(None, der)?,
                    None => {
                        let cache = self.key_cache.clone();
                        let fresh = self.fresh_key;
                        let generate = move || match (cache, fresh) {
                            (Some(path), _) => crate::key_cache::load_or_create(&path),
                            (None, true) => SigningKey::generate(),
                            (None, false) => SigningKey::process_shared(),
                        };
                        tokio::task::spawn_blocking(generate).await.map_err(|_| {
                            EmulatorError::Key("key generation task failed".into())
                        })??
                    }
                };
                (KeyRing::new(key), Store::default())
            }
        };
        if let Some(import) = self.import {
            let seed = match import {
                Import::File(path) => crate::SeedFile::read(&path)?,
                Import::Seed(seed) => seed,
            };
            let cost = options.hash_cost;
            let now = unix_seconds(self.clock.now());
            let directory = seed.directory(now)?;
            let users = tokio::task::spawn_blocking(move || seed.users(cost, now))
                .await
                .map_err(|_| EmulatorError::Seed("the import task failed".into()))??;
            store.replace_all(users, directory);
        }
        for seed in self.users {
            if store.has_login(&seed.login_id) {
                continue;
            }
            let cost = options.hash_cost;
            let password = seed.password.clone();
            let hash = tokio::task::spawn_blocking(move || cost.hash(password.secret()))
                .await
                .map_err(|_| EmulatorError::Key("hashing task failed".into()))??;
            store.insert_user(StoredUser {
                user_id: format!("U{}", random_id(27)?),
                login_ids: vec![seed.login_id.clone()],
                name: seed.name,
                email: seed.login_id.contains('@').then(|| seed.login_id.clone()),
                password_hash: hash,
                roles: seed.roles,
                permissions: seed.permissions,
                tenants: seed.tenants,
                created_time: unix_seconds(self.clock.now()),
                ..StoredUser::default()
            });
        }

        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(|source| EmulatorError::Bind {
                addr: self.addr,
                source,
            })?;
        let local = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: self.addr,
                source,
            })?;
        let base_url = format!("http://{local}");
        let persister = self.state.map(Persister::new);
        let app = Arc::new(App {
            issuer: format!("{base_url}/{}", options.project_id),
            limiter: options.rate_limit.map(|_| {
                Mutex::new(server::Window {
                    started: self.clock.now(),
                    count: 0,
                })
            }),
            options,
            keys,
            store: Mutex::new(store),
            persister,
            outbox: Mutex::new(crate::outbox::Outbox::from_saved(outbox)),
            base_url: base_url.clone(),
            clock: self.clock,
            hashing: server::Hashing::new(self.hashing_permits),
        });
        // Write the state once at start, so the file exists with its keys from now on.
        if app.persister.is_some() {
            save(app.as_ref())?;
        }
        tokio::spawn(prune_sessions(Arc::downgrade(&app)));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = server::router(app.clone());
        let serve = tokio::spawn(crate::serve::serve(
            listener,
            router,
            self.header_read_timeout,
            stopped,
        ));
        Ok(Emulator {
            base_url,
            app,
            stop: Some(stop),
            serve: Some(serve),
        })
    }
}

/// Forgets expired sessions every `session_prune_interval`, for as long as the emulator lives.
async fn prune_sessions(app: std::sync::Weak<App>) {
    let Some(every) = app.upgrade().map(|app| app.options.session_prune_interval) else {
        return;
    };
    let mut ticks = tokio::time::interval(every.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let Some(app) = app.upgrade() else {
            return;
        };
        let now = app.now();
        // A write marks the state changed: take the lock for writing only when there is work.
        let expired = app
            .store
            .lock()
            .map(|s| s.has_expired_sessions(now))
            .unwrap_or(false);
        if expired {
            app.store().prune_sessions(now);
        }
    }
}
