//! Users and refresh-token sessions, and their atomic persistence to a state file.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::EmulatorError;
use crate::failure::Failure;
pub(crate) use crate::login_id::login_key;
use descope::wire::{ResponseUser, UserTenant};

/// A stored user.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredUser {
    pub(crate) user_id: String,
    pub(crate) login_ids: Vec<String>,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) given_name: Option<String>,
    #[serde(default)]
    pub(crate) middle_name: Option<String>,
    #[serde(default)]
    pub(crate) family_name: Option<String>,
    #[serde(default)]
    pub(crate) email: Option<String>,
    #[serde(default)]
    pub(crate) phone: Option<String>,
    #[serde(default)]
    pub(crate) recovery_email: Option<String>,
    #[serde(default)]
    pub(crate) recovery_phone: Option<String>,
    #[serde(default)]
    pub(crate) picture: Option<String>,
    #[serde(default)]
    pub(crate) verified_email: bool,
    #[serde(default)]
    pub(crate) verified_phone: bool,
    /// An argon2 PHC string; empty for a user created by management without a password.
    #[serde(default)]
    pub(crate) password_hash: String,
    /// Set by management (expire, temporary password): sign-in refused until a replace.
    #[serde(default)]
    pub(crate) password_expired: bool,
    /// `enabled`, `disabled` or `invited` (empty: enabled).
    #[serde(default)]
    pub(crate) status: String,
    /// Created as a test user.
    #[serde(default)]
    pub(crate) test: bool,
    /// The authenticator app's key, once a code of it was verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) totp: Option<crate::totp::Seed>,
    /// A new key (`/v1/auth/totp/update`) waiting for its first verified code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pending_totp: Option<String>,
    /// Until when the user consents to be impersonated (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) consent_expiration: Option<i64>,
    #[serde(default)]
    pub(crate) custom_attributes: serde_json::Map<String, serde_json::Value>,
    /// The latest sign-ins, oldest first (at most [`HISTORY_LEN`]).
    #[serde(default)]
    pub(crate) history: Vec<LoginEvent>,
    /// Bumped on every password change, so concurrent changes cannot both win.
    #[serde(default)]
    pub(crate) password_version: u64,
    #[serde(default)]
    pub(crate) roles: Vec<String>,
    #[serde(default)]
    pub(crate) permissions: Vec<String>,
    #[serde(default)]
    pub(crate) tenants: Vec<StoredTenant>,
    pub(crate) created_time: i64,
    /// The order users were added in (searches page in it); 0 for users of older state files,
    /// which then follow their creation time.
    #[serde(default)]
    pub(crate) seq: u64,
}

/// How many sign-ins a user's history keeps.
pub(crate) const HISTORY_LEN: usize = 100;

/// One sign-in, for `me/history`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LoginEvent {
    pub(crate) login_time: i64,
    #[serde(default)]
    pub(crate) tenant: Option<String>,
    #[serde(default)]
    pub(crate) ip: Option<String>,
}

/// A user's roles and permissions in one tenant.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredTenant {
    pub(crate) tenant_id: String,
    #[serde(default)]
    pub(crate) tenant_name: Option<String>,
    #[serde(default)]
    pub(crate) roles: Vec<String>,
    #[serde(default)]
    pub(crate) permissions: Vec<String>,
}

impl StoredUser {
    /// Whether the user is disabled (sign-in and refresh refused).
    pub(crate) fn is_disabled(&self) -> bool {
        self.status == "disabled"
    }

    /// Records a sign-in, keeping the latest [`HISTORY_LEN`].
    pub(crate) fn record_login(&mut self, event: LoginEvent) {
        if self.history.len() >= HISTORY_LEN {
            self.history.remove(0);
        }
        self.history.push(event);
    }

    /// The tenant entry of `tenant_id`, added when missing.
    pub(crate) fn tenant_mut(&mut self, tenant_id: &str) -> &mut StoredTenant {
        let at = match self.tenants.iter().position(|t| t.tenant_id == tenant_id) {
            Some(at) => at,
            None => {
                self.tenants.push(StoredTenant {
                    tenant_id: tenant_id.to_owned(),
                    tenant_name: None,
                    roles: Vec::new(),
                    permissions: Vec::new(),
                });
                self.tenants.len() - 1
            }
        };
        &mut self.tenants[at]
    }

    pub(crate) fn response(&self) -> ResponseUser {
        let tenants = self
            .tenants
            .iter()
            .map(|t| {
                let mut tenant = UserTenant::default();
                tenant.tenant_id = Some(t.tenant_id.clone());
                tenant.tenant_name = t.tenant_name.clone();
                tenant.role_names = Some(t.roles.clone());
                tenant.permissions = Some(t.permissions.clone());
                tenant
            })
            .collect();
        let mut user = ResponseUser::default();
        user.user_id = Some(self.user_id.clone());
        user.login_ids = Some(self.login_ids.clone());
        user.name = self.name.clone();
        user.given_name = self.given_name.clone();
        user.middle_name = self.middle_name.clone();
        user.family_name = self.family_name.clone();
        user.email = self.email.clone();
        user.phone = self.phone.clone();
        user.verified_email = Some(self.verified_email);
        user.verified_phone = Some(self.verified_phone);
        user.recovery_email = self.recovery_email.clone();
        user.recovery_phone = self.recovery_phone.clone();
        user.picture = self.picture.clone();
        user.status = Some(if self.status.is_empty() {
            "enabled".into()
        } else {
            self.status.clone()
        });
        user.test = Some(self.test);
        user.consent_expiration = self.consent_expiration;
        user.created_time = Some(self.created_time);
        user.external_ids = Some(Vec::new());
        user.editable = Some(true);
        user.role_names = Some(self.roles.clone());
        user.user_tenants = Some(tenants);
        user.permissions = Some(self.permissions.clone());
        user.custom_attributes = Some(self.custom_attributes.clone());
        user.sso_app_ids = Some(Vec::new());
        user.webauthn = Some(false);
        user.password = Some(!self.password_hash.is_empty());
        user.push = Some(false);
        user.totp = Some(self.totp.is_some());
        user.saml = Some(false);
        user.o_auth = Some(BTreeMap::new());
        user.scim = Some(false);
        user.oidc = Some(false);
        user
    }
}

/// A TOTP sign-up waiting for its first verified code: the user it creates.
#[derive(Clone, Debug)]
pub(crate) struct TotpSignUp {
    pub(crate) login_id: String,
    pub(crate) key: String,
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
}

/// A refresh-token session.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredSession {
    pub(crate) user_id: String,
    pub(crate) expires_at: i64,
    #[serde(default)]
    pub(crate) revoked: bool,
    /// The tenant selected for this session (`dct`), kept across refreshes.
    #[serde(default)]
    pub(crate) tenant: Option<String>,
    /// The custom claims the session was issued with, kept across refreshes.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub(crate) claims: serde_json::Map<String, serde_json::Value>,
    /// Who acts in this session (an impersonator's user ID, the `act` claim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) act: Option<String>,
    /// A session of no user (`/v1/mgmt/auth/anonymous`): `user_id` is its subject.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) anonymous: bool,
}

/// Everything the emulator remembers.
#[derive(Default)]
pub(crate) struct Store {
    pub(crate) users: HashMap<String, StoredUser>,
    /// Normalised login ID → user ID.
    logins: HashMap<String, String>,
    pub(crate) sessions: HashMap<String, StoredSession>,
    /// Each user's session IDs, oldest first (some may be gone already): the bound per user.
    sessions_by_user: HashMap<String, std::collections::VecDeque<String>>,
    /// Emailed codes and link tokens, and enchanted-link sessions waiting.
    pub(crate) verifications: crate::verification::Verifications,
    /// Tenants, roles and permissions.
    pub(crate) directory: crate::directory::Directory,
    /// OAuth and SSO logins waiting on the IdP page, and their codes (not in the state file).
    pub(crate) federation: crate::federation::Federation,
    /// TOTP sign-ups waiting for their first code, by login key (not in the state file).
    pub(crate) totp_sign_ups: HashMap<String, TotpSignUp>,
    /// The last [`StoredUser::seq`] given.
    last_seq: u64,
}

/// The most refresh sessions one user keeps: a sign-in beyond it ends their oldest session.
pub(crate) const MAX_SESSIONS_PER_USER: usize = 100;

impl Store {
    pub(crate) fn user_by_login(&self, login_id: &str) -> Option<&StoredUser> {
        self.logins
            .get(&login_key(login_id))
            .and_then(|id| self.users.get(id))
    }

    pub(crate) fn user_by_login_mut(&mut self, login_id: &str) -> Option<&mut StoredUser> {
        let id = self.logins.get(&login_key(login_id))?;
        self.users.get_mut(id)
    }

    /// The user a management call names: by login ID, else by user ID (as real Descope
    /// resolves the Node SDK's `loginIdOrUserId`).
    pub(crate) fn find(&self, login_or_user_id: &str) -> Option<&StoredUser> {
        self.user_by_login(login_or_user_id)
            .or_else(|| self.users.get(login_or_user_id.trim()))
    }

    /// [`find`](Self::find), mutable.
    pub(crate) fn find_mut(&mut self, login_or_user_id: &str) -> Option<&mut StoredUser> {
        let id = match self.logins.get(&login_key(login_or_user_id)) {
            Some(id) => id.clone(),
            None => login_or_user_id.trim().to_owned(),
        };
        self.users.get_mut(&id)
    }

    /// Removes a user, their login IDs and sessions.
    pub(crate) fn remove_user(&mut self, user_id: &str) -> Option<StoredUser> {
        let user = self.users.remove(user_id)?;
        for login in &user.login_ids {
            self.logins.remove(&login_key(login));
        }
        self.sessions.retain(|_, s| s.user_id != user_id);
        self.sessions_by_user.remove(user_id);
        Some(user)
    }

    pub(crate) fn has_login(&self, login_id: &str) -> bool {
        self.logins.contains_key(&login_key(login_id))
    }

    /// Replaces every user and the directory (as a seed import does): their sessions and
    /// pending codes go too.
    pub(crate) fn replace_all(
        &mut self,
        users: Vec<StoredUser>,
        directory: crate::directory::Directory,
    ) {
        *self = Store::default();
        self.directory = directory;
        for user in users {
            self.insert_user(user);
        }
    }

    /// Every user in the order they were added (older state files: by creation time).
    pub(crate) fn users_in_order(&self) -> Vec<&StoredUser> {
        let mut users: Vec<&StoredUser> = self.users.values().collect();
        users.sort_by(|a, b| {
            (a.seq, a.created_time, &a.user_id).cmp(&(b.seq, b.created_time, &b.user_id))
        });
        users
    }

    /// Replaces a user's login ID `old` by `new`, unless another user has `new`; with no
    /// `new`, removes `old` (never the user's last login ID).
    pub(crate) fn change_login(
        &mut self,
        user_id: &str,
        old: &str,
        new: Option<&str>,
    ) -> Result<(), Failure> {
        if let Some(new) = new {
            if let Some(owner) = self.logins.get(&login_key(new)) {
                if owner != user_id {
                    return Err(Failure::UserExists);
                }
            }
        }
        let Some(user) = self.users.get_mut(user_id) else {
            return Err(Failure::ManagedUserNotFound);
        };
        let Some(at) = user
            .login_ids
            .iter()
            .position(|l| login_key(l) == login_key(old))
        else {
            return Err(Failure::ManagedUserNotFound);
        };
        match new {
            Some(new) => user.login_ids[at] = new.trim().to_owned(),
            None if user.login_ids.len() > 1 => {
                user.login_ids.remove(at);
            }
            None => {
                return Err(Failure::InvalidArgument(
                    "a user keeps at least one login ID".into(),
                ))
            }
        }
        self.logins.remove(&login_key(old));
        if let Some(new) = new {
            self.logins.insert(login_key(new), user_id.to_owned());
        }
        Ok(())
    }

    /// How many live (unrevoked, unexpired) refresh JWTs each user has.
    pub(crate) fn live_sessions(&self, now: i64) -> HashMap<&str, usize> {
        let mut counts = HashMap::new();
        for session in self.sessions.values() {
            if !session.revoked && session.expires_at > now {
                *counts.entry(session.user_id.as_str()).or_insert(0) += 1;
            }
        }
        counts
    }

    /// Adds a login ID to a user, unless another user has it.
    pub(crate) fn add_login(&mut self, user_id: &str, login_id: &str) -> bool {
        match self.logins.get(&login_key(login_id)) {
            Some(owner) => owner == user_id,
            None => {
                let Some(user) = self.users.get_mut(user_id) else {
                    return false;
                };
                user.login_ids.push(login_id.trim().to_owned());
                self.logins.insert(login_key(login_id), user_id.to_owned());
                true
            }
        }
    }

    /// Adds a user unless one of its login IDs is taken.
    pub(crate) fn insert_user(&mut self, mut user: StoredUser) -> bool {
        if user.login_ids.iter().any(|l| self.has_login(l)) {
            return false;
        }
        if user.seq == 0 {
            self.last_seq += 1;
            user.seq = self.last_seq;
        } else {
            self.last_seq = self.last_seq.max(user.seq);
        }
        for login in &user.login_ids {
            self.logins.insert(login_key(login), user.user_id.clone());
        }
        self.users.insert(user.user_id.clone(), user);
        true
    }

    /// Keeps a new refresh session; beyond [`MAX_SESSIONS_PER_USER`] live ones, the user's
    /// oldest ends. Expired sessions go with [`prune_sessions`](Self::prune_sessions).
    pub(crate) fn add_session(&mut self, jti: String, session: StoredSession) {
        let order = self
            .sessions_by_user
            .entry(session.user_id.clone())
            .or_default();
        order.retain(|id| self.sessions.contains_key(id));
        while order.len() >= MAX_SESSIONS_PER_USER {
            if let Some(oldest) = order.pop_front() {
                self.sessions.remove(&oldest);
            }
        }
        order.push_back(jti.clone());
        self.sessions.insert(jti, session);
    }

    /// Forgets the sessions past their expiry (revoked or not: a refresh JWT past its `exp` is
    /// refused either way); how many went.
    pub(crate) fn prune_sessions(&mut self, now: i64) -> usize {
        let before = self.sessions.len();
        self.sessions.retain(|_, s| s.expires_at > now);
        self.index_sessions();
        before - self.sessions.len()
    }

    /// Whether some session is past its expiry.
    pub(crate) fn has_expired_sessions(&self, now: i64) -> bool {
        self.sessions.values().any(|s| s.expires_at <= now)
    }

    /// Rebuilds the per-user order from the sessions (oldest: soonest to expire).
    fn index_sessions(&mut self) {
        let mut sessions: Vec<(&String, &StoredSession)> = self.sessions.iter().collect();
        sessions.sort_by_key(|(jti, s)| (s.expires_at, *jti));
        let mut by_user: HashMap<String, std::collections::VecDeque<String>> = HashMap::new();
        for (jti, session) in sessions {
            by_user
                .entry(session.user_id.clone())
                .or_default()
                .push_back(jti.clone());
        }
        self.sessions_by_user = by_user;
    }

    /// Revokes every session of `user_id` except `keep`.
    pub(crate) fn revoke_user_sessions(&mut self, user_id: &str, keep: Option<&str>) {
        for (jti, session) in self.sessions.iter_mut() {
            if session.user_id == user_id && Some(jti.as_str()) != keep {
                session.revoked = true;
            }
        }
    }
}

/// The state file's content.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StateFile {
    pub(crate) format: u32,
    pub(crate) project_id: String,
    /// Signing keys, current first: `kid` and base64 PKCS#8 DER.
    pub(crate) keys: Vec<(String, String)>,
    pub(crate) users: Vec<StoredUser>,
    pub(crate) sessions: BTreeMap<String, StoredSession>,
    /// Codes and tokens not yet verified.
    #[serde(default)]
    pub(crate) verifications: crate::verification::Verifications,
    /// The outbox, oldest first.
    #[serde(default)]
    pub(crate) outbox: Vec<crate::outbox::OutboxMessage>,
    /// Tenants, roles and permissions.
    #[serde(default)]
    pub(crate) directory: crate::directory::Directory,
}

pub(crate) const STATE_FORMAT: u32 = 1;

impl Store {
    pub(crate) fn from_state(state: &StateFile) -> Result<Self, EmulatorError> {
        let mut store = Store::default();
        for user in &state.users {
            if !store.insert_user(user.clone()) {
                return Err(EmulatorError::State(format!(
                    "two users share a login ID (user {})",
                    user.user_id
                )));
            }
        }
        store.sessions = state.sessions.clone().into_iter().collect();
        store.index_sessions();
        store.verifications = state.verifications.clone();
        store.directory = state.directory.clone();
        Ok(store)
    }

    pub(crate) fn users_sorted(&self) -> Vec<StoredUser> {
        let mut users: Vec<_> = self.users.values().cloned().collect();
        users.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        users
    }
}
