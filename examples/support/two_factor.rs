//! The second step of a sign-in with an authenticator app, shared by the axum and actix apps:
//! after the password was right, the app keeps who is signing in (never a session) under a
//! random ID in a short-lived cookie until the app's code comes; each ID works once, for five
//! minutes and five codes. In memory: a restart asks the user to sign in again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The cookie holding the pending sign-in's ID (`HttpOnly; SameSite=Strict; Path=/login`).
pub const PENDING_COOKIE: &str = "DS2FA";
const LIFETIME: Duration = Duration::from_secs(300);
const MAX_CODES: u32 = 5;
const MAX_PENDING: usize = 10_000;

struct Pending {
    login_id: String,
    since: Instant,
    codes: u32,
}

/// Sign-ins waiting for their second factor.
#[derive(Default)]
pub struct PendingLogins {
    pending: Mutex<HashMap<String, Pending>>,
}

impl PendingLogins {
    /// Keeps `login_id` under a new ID: the `Set-Cookie` value to send.
    pub fn start(&self, login_id: &str, secure: bool) -> Option<String> {
        let mut bytes = [0u8; 32];
        aws_lc_rs::rand::fill(&mut bytes).ok()?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut pending = self.pending.lock().ok()?;
        pending.retain(|_, p| p.since.elapsed() < LIFETIME);
        if pending.len() >= MAX_PENDING {
            return None;
        }
        pending.insert(
            id.clone(),
            Pending {
                login_id: login_id.to_owned(),
                since: Instant::now(),
                codes: 0,
            },
        );
        let secure = if secure { "; Secure" } else { "" };
        Some(format!(
            "{PENDING_COOKIE}={id}; Path=/login; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
            LIFETIME.as_secs()
        ))
    }

    /// The login ID waiting under `id`, counting one more code (none once expired or spent).
    pub fn login_id(&self, id: &str) -> Option<String> {
        let mut pending = self.pending.lock().ok()?;
        let entry = pending.get_mut(id)?;
        entry.codes += 1;
        if entry.since.elapsed() >= LIFETIME || entry.codes > MAX_CODES {
            pending.remove(id);
            return None;
        }
        Some(entry.login_id.clone())
    }

    /// The sign-in under `id` is done.
    pub fn finish(&self, id: &str) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.remove(id);
        }
    }
}

/// The `Set-Cookie` value removing the pending cookie.
pub fn clear_cookie() -> String {
    format!("{PENDING_COOKIE}=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict")
}
