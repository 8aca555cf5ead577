//! A validated token and its claims.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use super::claim_sets::{Claims, TenantClaims};
use super::raw_claims::{Facts, Payload, TokenKind};

/// A validated session (or refresh) JWT: who the user is and what they may do.
///
/// Cheap to clone. Built only by validation, or by [`dangerous`](crate::session::dangerous).
#[derive(Clone, Debug)]
pub struct Session {
    pub(crate) inner: Arc<SessionData>,
}

/// What validation settled, and the checked payload the other claims are built from the first
/// time one is read (most requests read none, or one role).
pub(crate) struct SessionData {
    pub(crate) kind: TokenKind,
    pub(crate) user_id: String,
    pub(crate) project_id: Arc<str>,
    pub(crate) expires_at: i64,
    pub(crate) issued_at: Option<i64>,
    /// The token's decoded JSON payload (claims only: never the signature).
    pub(crate) payload: Box<[u8]>,
    pub(crate) claims: OnceLock<Claims>,
}

impl fmt::Debug for SessionData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let claims = self.claims();
        f.debug_struct("SessionData")
            .field("kind", &self.kind)
            .field("user_id", &self.user_id)
            .field("project_id", &self.project_id)
            .field("expires_at", &self.expires_at)
            .field("issued_at", &self.issued_at)
            .field("amr", &claims.amr)
            .field("current_tenant", &claims.current_tenant)
            .field("tenants", &claims.tenants)
            .field("roles", &claims.roles)
            .field("permissions", &claims.permissions)
            .field("custom", &claims.custom)
            .finish()
    }
}

impl SessionData {
    fn claims(&self) -> &Claims {
        self.claims.get_or_init(|| Claims::of(&self.payload))
    }
}

fn time(seconds: i64) -> SystemTime {
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
    }
}

impl Session {
    /// The session of checked claims, once validation (or [`dangerous`](super::dangerous)) has
    /// settled who and what they are.
    pub(crate) fn from_payload(payload: Payload, facts: Facts) -> Session {
        Session {
            inner: Arc::new(SessionData {
                kind: facts.kind,
                user_id: facts.user_id,
                project_id: facts.project_id,
                expires_at: facts.expires_at,
                issued_at: facts.issued_at,
                payload: payload.into_bytes(),
                claims: OnceLock::new(),
            }),
        }
    }
}

impl Session {
    /// Which kind of token this is.
    pub fn kind(&self) -> TokenKind {
        self.inner.kind
    }

    /// The user ID (`dsub` when present, else `sub`).
    pub fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    /// The project ID (the last path segment of `iss`).
    pub fn project_id(&self) -> &str {
        &self.inner.project_id
    }

    /// When the token expires (`exp`).
    pub fn expires_at(&self) -> SystemTime {
        time(self.inner.expires_at)
    }

    /// How long until the token expires (`exp`), as of the system clock; zero once it has.
    /// The validator allows its leeway past this.
    pub fn expires_in(&self) -> std::time::Duration {
        self.expires_in_at(SystemTime::now())
    }

    /// [`expires_in`](Self::expires_in) as of `now` (for tests and custom clocks).
    pub fn expires_in_at(&self, now: SystemTime) -> std::time::Duration {
        self.expires_at()
            .duration_since(now)
            .unwrap_or(std::time::Duration::ZERO)
    }

    /// When the token was issued (`iat`), when it says.
    pub fn issued_at(&self) -> Option<SystemTime> {
        self.inner.issued_at.map(time)
    }

    /// How the user authenticated (`amr`, e.g. `["pwd"]`).
    pub fn amr(&self) -> &[String] {
        &self.inner.claims().amr
    }

    /// Whether the user authenticated with more than one factor: `amr` lists two or more
    /// distinct methods, or `mfa`.
    pub fn is_mfa(&self) -> bool {
        let amr = &self.inner.claims().amr;
        amr.iter().any(|m| m == "mfa")
            || amr
                .iter()
                .enumerate()
                .any(|(i, m)| amr[..i].iter().any(|o| o != m))
    }

    /// While someone acts as the user (support impersonation): the acting user's ID, the
    /// `act` claim's `sub`. [`user_id`](Self::user_id) stays the impersonated user's. Show it
    /// ("acting as"), log it, and refuse what only the user may do
    /// ([`RequireSession::not_impersonated`](crate::tower::RequireSession::not_impersonated)
    /// with feature `tower`).
    pub fn acting_user_id(&self) -> Option<&str> {
        let act = self.inner.claims().custom.get("act")?;
        act.get("sub")?.as_str().filter(|sub| !sub.is_empty())
    }

    /// Whether someone else acts as the user ([`acting_user_id`](Self::acting_user_id)).
    pub fn is_impersonated(&self) -> bool {
        self.acting_user_id().is_some()
    }

    /// The tenant the user is currently signed into (`dct`).
    pub fn current_tenant(&self) -> Option<&str> {
        self.inner.claims().current_tenant.as_deref()
    }

    /// The tenants in the token (`tenants`), with the user's roles and permissions there.
    pub fn tenants(&self) -> impl Iterator<Item = (&str, &TenantClaims)> {
        self.inner
            .claims()
            .tenants
            .iter()
            .flatten()
            .map(|(id, claims)| (id.as_str(), claims))
    }

    /// Project-level roles (`roles`).
    pub fn roles(&self) -> &[String] {
        &self.inner.claims().roles
    }

    /// Project-level permissions (`permissions`).
    pub fn permissions(&self) -> &[String] {
        &self.inner.claims().permissions
    }

    /// Every other claim (custom claims), by name.
    pub fn custom_claims(&self) -> &Map<String, Value> {
        &self.inner.claims().custom
    }

    /// One custom claim.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.inner.claims().custom.get(name)
    }

    /// Whether the user has the project-level role.
    pub fn has_role(&self, role: &str) -> bool {
        self.inner.claims().roles.iter().any(|r| r == role)
    }

    /// Whether the user has every one of the project-level roles.
    pub fn has_roles(&self, roles: &[&str]) -> bool {
        roles.iter().all(|r| self.has_role(r))
    }

    /// Whether the user has the project-level permission.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.inner
            .claims()
            .permissions
            .iter()
            .any(|p| p == permission)
    }

    /// Whether the user belongs to the tenant: listed in `tenants`, or, with no `tenants` claim,
    /// signed into it (`dct`).
    pub fn is_in_tenant(&self, tenant_id: &str) -> bool {
        self.tenant_authorization(tenant_id).is_some()
    }

    /// The roles and permissions that apply in a tenant: the tenant's entry in `tenants`, or the
    /// top-level ones when there is no `tenants` claim and `dct` is that tenant.
    fn tenant_authorization(&self, tenant_id: &str) -> Option<(&[String], &[String])> {
        let claims = self.inner.claims();
        match &claims.tenants {
            Some(tenants) => tenants
                .get(tenant_id)
                .map(|t| (t.roles.as_slice(), t.permissions.as_slice())),
            None if claims.current_tenant.as_deref() == Some(tenant_id) => {
                Some((claims.roles.as_slice(), claims.permissions.as_slice()))
            }
            None => None,
        }
    }

    /// The roles and permissions in a tenant the user belongs to, for a tenant guard.
    #[cfg(any(feature = "tower", feature = "actix"))]
    pub(crate) fn tenant_access(&self, tenant_id: &str) -> Option<crate::guard::TenantAccess> {
        let (roles, permissions) = self.tenant_authorization(tenant_id)?;
        Some(crate::guard::TenantAccess {
            tenant_id: tenant_id.to_owned(),
            roles: roles.to_vec(),
            permissions: permissions.to_vec(),
        })
    }

    /// Whether the user has the role in the tenant (see [`is_in_tenant`](Self::is_in_tenant)
    /// for the `dct` rule).
    pub fn has_tenant_role(&self, tenant_id: &str, role: &str) -> bool {
        self.tenant_authorization(tenant_id)
            .is_some_and(|(roles, _)| roles.iter().any(|r| r == role))
    }

    /// Whether the user has the permission in the tenant.
    pub fn has_tenant_permission(&self, tenant_id: &str, permission: &str) -> bool {
        self.tenant_authorization(tenant_id)
            .is_some_and(|(_, permissions)| permissions.iter().any(|p| p == permission))
    }
}
