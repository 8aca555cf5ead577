//! A validated token and its claims.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{Map, Value};

/// Which kind of token a JWT is (its `drn` claim).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// A session JWT (`drn: "DS"`).
    Session,
    /// A refresh JWT (`drn: "DSR"`).
    Refresh,
}

impl TokenKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Refresh => "refresh",
        }
    }
}

/// Roles and permissions of the user in one tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TenantClaims {
    /// Roles in the tenant.
    #[serde(default, deserialize_with = "null_as_default")]
    pub roles: Vec<String>,
    /// Permissions in the tenant.
    #[serde(default, deserialize_with = "null_as_default")]
    pub permissions: Vec<String>,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The claims of a JWT, as the wire has them (private; [`Session`] is the public view).
#[derive(Debug, Deserialize)]
pub(crate) struct RawClaims {
    #[serde(default)]
    pub(crate) iss: Option<String>,
    #[serde(default)]
    pub(crate) sub: Option<String>,
    #[serde(default)]
    pub(crate) dsub: Option<String>,
    #[serde(default)]
    pub(crate) exp: Option<i64>,
    #[serde(default)]
    pub(crate) nbf: Option<i64>,
    #[serde(default)]
    pub(crate) iat: Option<i64>,
    #[serde(default)]
    pub(crate) aud: Option<Audience>,
    #[serde(default)]
    pub(crate) drn: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) amr: Vec<String>,
    #[serde(default)]
    pub(crate) dct: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) tenants: Option<BTreeMap<String, TenantClaims>>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) roles: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) permissions: Vec<String>,
    #[serde(flatten)]
    pub(crate) custom: Map<String, Value>,
}

impl RawClaims {
    /// Decodes the base64url JSON payload of a JWT.
    pub(crate) fn decode(payload: &str) -> Result<Self, crate::error::SessionError> {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(crate::error::SessionError::Malformed(
                "the payload is not base64url JSON claims",
            ))
    }

    /// The token's kind from `drn` (absent means a session JWT); `None` for an unknown value.
    pub(crate) fn kind(&self) -> Option<TokenKind> {
        match self.drn.as_deref() {
            Some("DSR") => Some(TokenKind::Refresh),
            Some("DS") | None => Some(TokenKind::Session),
            Some(_) => None,
        }
    }

    /// The session built from these claims, once the caller has settled who and what they are.
    pub(crate) fn into_session(
        self,
        kind: TokenKind,
        user_id: String,
        project_id: String,
        expires_at: i64,
    ) -> Session {
        Session {
            inner: Arc::new(SessionData {
                kind,
                user_id,
                project_id,
                expires_at,
                issued_at: self.iat,
                amr: self.amr,
                current_tenant: self.dct,
                tenants: self.tenants,
                roles: self.roles,
                permissions: self.permissions,
                custom: self.custom,
            }),
        }
    }
}

/// `aud` is a string or a list of strings.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    pub(crate) fn contains(&self, audience: &str) -> bool {
        match self {
            Audience::One(one) => one == audience,
            Audience::Many(many) => many.iter().any(|a| a == audience),
        }
    }
}

/// A validated session (or refresh) JWT: who the user is and what they may do.
///
/// Cheap to clone. Built only by validation, or by [`dangerous`](crate::session::dangerous).
#[derive(Clone, Debug)]
pub struct Session {
    pub(crate) inner: Arc<SessionData>,
}

#[derive(Debug)]
pub(crate) struct SessionData {
    pub(crate) kind: TokenKind,
    pub(crate) user_id: String,
    pub(crate) project_id: String,
    pub(crate) expires_at: i64,
    pub(crate) issued_at: Option<i64>,
    pub(crate) amr: Vec<String>,
    pub(crate) current_tenant: Option<String>,
    pub(crate) tenants: Option<BTreeMap<String, TenantClaims>>,
    pub(crate) roles: Vec<String>,
    pub(crate) permissions: Vec<String>,
    pub(crate) custom: Map<String, Value>,
}

fn time(seconds: i64) -> SystemTime {
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
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
        &self.inner.amr
    }

    /// Whether the user authenticated with more than one factor: `amr` lists two or more
    /// distinct methods, or `mfa`.
    pub fn is_mfa(&self) -> bool {
        let amr = &self.inner.amr;
        amr.iter().any(|m| m == "mfa")
            || amr
                .iter()
                .enumerate()
                .any(|(i, m)| amr[..i].iter().any(|o| o != m))
    }

    /// The tenant the user is currently signed into (`dct`).
    pub fn current_tenant(&self) -> Option<&str> {
        self.inner.current_tenant.as_deref()
    }

    /// The tenants in the token (`tenants`), with the user's roles and permissions there.
    pub fn tenants(&self) -> impl Iterator<Item = (&str, &TenantClaims)> {
        self.inner
            .tenants
            .iter()
            .flatten()
            .map(|(id, claims)| (id.as_str(), claims))
    }

    /// Project-level roles (`roles`).
    pub fn roles(&self) -> &[String] {
        &self.inner.roles
    }

    /// Project-level permissions (`permissions`).
    pub fn permissions(&self) -> &[String] {
        &self.inner.permissions
    }

    /// Every other claim (custom claims), by name.
    pub fn custom_claims(&self) -> &Map<String, Value> {
        &self.inner.custom
    }

    /// One custom claim.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.inner.custom.get(name)
    }

    /// Whether the user has the project-level role.
    pub fn has_role(&self, role: &str) -> bool {
        self.inner.roles.iter().any(|r| r == role)
    }

    /// Whether the user has every one of the project-level roles.
    pub fn has_roles(&self, roles: &[&str]) -> bool {
        roles.iter().all(|r| self.has_role(r))
    }

    /// Whether the user has the project-level permission.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.inner.permissions.iter().any(|p| p == permission)
    }

    /// Whether the user belongs to the tenant: listed in `tenants`, or, with no `tenants` claim,
    /// signed into it (`dct`).
    pub fn is_in_tenant(&self, tenant_id: &str) -> bool {
        self.tenant_authorization(tenant_id).is_some()
    }

    /// The roles and permissions that apply in a tenant: the tenant's entry in `tenants`, or the
    /// top-level ones when there is no `tenants` claim and `dct` is that tenant.
    fn tenant_authorization(&self, tenant_id: &str) -> Option<(&[String], &[String])> {
        match &self.inner.tenants {
            Some(tenants) => tenants
                .get(tenant_id)
                .map(|t| (t.roles.as_slice(), t.permissions.as_slice())),
            None if self.inner.current_tenant.as_deref() == Some(tenant_id) => Some((
                self.inner.roles.as_slice(),
                self.inner.permissions.as_slice(),
            )),
            None => None,
        }
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
