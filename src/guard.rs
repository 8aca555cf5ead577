//! The role and permission guard behind `descope::tower::RequireSession` and
//! `descope::actix::RequireSession`: one rule here; the adapters (`tower.rs`, `actix.rs`) only
//! move framework types.

use crate::session::{Rejection, Session};

/// What a guarded request's session must have.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Requirement {
    Session,
    Role(String),
    Permission(String),
    TenantRole(String, String),
    TenantPermission(String, String),
}

/// A role or permission guard: after the session was found (the
/// [`SessionLayer`](crate::tower::SessionLayer), the axum middleware or
/// `descope::actix::refresh_session`), requests without one get 401 and requests whose
/// session lacks the role or permission get 403, both in the crate's JSON error shape.
///
/// With tower (feature `tower`) it is a [`Layer`](tower_layer::Layer) (axum:
/// `Router::route_layer(..)`); with actix-web (feature `actix`), a middleware for `wrap`,
/// inside the session middleware (`web::scope("/admin").wrap(RequireSession::role("admin"))`
/// under an app wrapped with `from_fn(refresh_session)`).
///
/// ```no_run
/// # #[cfg(feature = "tower")]
/// # fn app(client: descope::Client) {
/// use descope::tower::{RequireSession, SessionLayer};
/// # use tower_layer::Layer;
/// # #[derive(Clone)] struct Handler;
/// // e.g. axum: Router::new().route("/admin", get(admin))
/// //     .route_layer(RequireSession::role("admin")).layer(SessionLayer::new(client))
/// let admin_only = RequireSession::role("admin");
/// # let _ = admin_only;
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct RequireSession {
    requirement: Requirement,
}

impl RequireSession {
    /// Any valid session.
    pub fn any() -> Self {
        Self {
            requirement: Requirement::Session,
        }
    }

    /// A session with the project-level role `role`.
    pub fn role(role: impl Into<String>) -> Self {
        Self {
            requirement: Requirement::Role(role.into()),
        }
    }

    /// A session with the project-level permission `permission`.
    pub fn permission(permission: impl Into<String>) -> Self {
        Self {
            requirement: Requirement::Permission(permission.into()),
        }
    }

    /// A session with `role` in the tenant `tenant_id`.
    pub fn tenant_role(tenant_id: impl Into<String>, role: impl Into<String>) -> Self {
        Self {
            requirement: Requirement::TenantRole(tenant_id.into(), role.into()),
        }
    }

    /// A session with `permission` in the tenant `tenant_id`.
    pub fn tenant_permission(tenant_id: impl Into<String>, permission: impl Into<String>) -> Self {
        Self {
            requirement: Requirement::TenantPermission(tenant_id.into(), permission.into()),
        }
    }

    /// Why a request with `session` (or, without one, the reason the session middleware left)
    /// is refused: 401 without a session, 403 without the role or permission; `None` when it
    /// may go on.
    pub(crate) fn refusal(
        &self,
        session: Option<&Session>,
        why_none: Option<&Rejection>,
    ) -> Option<Rejection> {
        match session {
            Some(session) if self.allows(session) => None,
            Some(_) => Some(Rejection::forbidden()),
            None => Some(why_none.cloned().unwrap_or_else(Rejection::missing)),
        }
    }

    /// Whether `session` meets the requirement.
    pub fn allows(&self, session: &Session) -> bool {
        match &self.requirement {
            Requirement::Session => true,
            Requirement::Role(role) => session.has_role(role),
            Requirement::Permission(permission) => session.has_permission(permission),
            Requirement::TenantRole(tenant, role) => session.has_tenant_role(tenant, role),
            Requirement::TenantPermission(tenant, permission) => {
                session.has_tenant_permission(tenant, permission)
            }
        }
    }
}
