//! The role and permission guard behind `descope::tower::RequireSession` and
//! `descope::actix::RequireSession`: one rule here; the adapters (`tower.rs`, `actix.rs`) only
//! move framework types.

use crate::session::{Rejection, Session};

/// What a guarded request's session must have.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Requirement {
    Session,
    /// A session nobody else acts in (no `act` claim).
    NotImpersonated,
    Role(String),
    Permission(String),
    TenantRole(String, String),
    TenantPermission(String, String),
    /// Membership of the tenant the request names, with a role or a permission there.
    InTenant(TenantFrom, Option<Need>),
}

/// A role or a permission, in a tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Need {
    Role(String),
    Permission(String),
}

/// Where a request names the tenant a guard checks (the app chooses). The claims come from
/// the session JWT's `tenants` claim: no network call per request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TenantFrom {
    /// A segment of the request path, 0-based: `1` for `/tenants/{tenant}/users`. Works with
    /// any router.
    PathSegment(usize),
    /// A path parameter by name, as the router matched it: `"tenant"` for an axum route
    /// `/tenants/{tenant}/users` (the guard in its `route_layer`) or an actix scope or resource
    /// `/tenants/{tenant}`. The plain tower layer outside axum has no router to ask: there the
    /// request names no tenant (403); use [`PathSegment`](Self::PathSegment).
    PathParam(String),
    /// A request header (`x-tenant-id`).
    Header(String),
    /// The session's selected tenant (`dct`, from
    /// [`SessionClient::select_tenant`](crate::SessionClient::select_tenant)).
    Selected,
}

impl TenantFrom {
    /// The tenant ID the request names, if any.
    fn find<'a>(&self, request: &RequestParts<'a, '_>, session: &'a Session) -> Option<&'a str> {
        let found = match self {
            TenantFrom::PathSegment(index) => request
                .path
                .split('/')
                .filter(|s| !s.is_empty())
                .nth(*index),
            TenantFrom::PathParam(name) => (request.param)(name),
            TenantFrom::Header(name) => (request.header)(name),
            TenantFrom::Selected => session.current_tenant(),
        };
        found.map(str::trim).filter(|t| !t.is_empty())
    }
}

/// The session's roles and permissions in the tenant a request names, for the handler: what a
/// tenant guard ([`RequireSession::role_in`] and the like) found and let through.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TenantAccess {
    /// The tenant the request names.
    pub tenant_id: String,
    /// The session's roles in it.
    pub roles: Vec<String>,
    /// The session's permissions in it.
    pub permissions: Vec<String>,
}

impl TenantAccess {
    /// Whether the session has the role in the tenant.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// Whether the session has the permission in the tenant.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }
}

/// What a guard reads of a request, whatever the framework: its path, and lookups of a header
/// and of a path parameter (by name, when the router says).
pub(crate) struct RequestParts<'a, 'f> {
    pub(crate) path: &'a str,
    pub(crate) header: &'f dyn Fn(&str) -> Option<&'a str>,
    pub(crate) param: &'f dyn Fn(&str) -> Option<&'a str>,
}

/// What a guard decided about a request.
pub(crate) enum Decision {
    /// Go on (with the tenant access a tenant guard found).
    Allow(Option<TenantAccess>),
    /// Answer this instead.
    Refuse(Rejection),
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
    /// A session of the user themselves, not one a support agent acts in by impersonation
    /// ([`Session::is_impersonated`]): for what only the user may do (change the password,
    /// delete the account, pay). 403 while impersonating.
    pub fn not_impersonated() -> Self {
        Self {
            requirement: Requirement::NotImpersonated,
        }
    }

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

    /// A session that belongs to the tenant the request names (`tenant`), with any roles.
    /// The handler gets a [`TenantAccess`] (the axum and actix extractors). A request that
    /// names no tenant is refused with 403.
    pub fn member_of(tenant: TenantFrom) -> Self {
        Self {
            requirement: Requirement::InTenant(tenant, None),
        }
    }

    /// A session with `role` in the tenant the request names (`tenant`): a path segment, a
    /// header or the selected tenant. The handler gets a [`TenantAccess`].
    ///
    /// ```
    /// use descope::tower::{RequireSession, TenantFrom};
    /// // /tenants/{tenant}/users: the tenant is the path's second segment.
    /// let admins = RequireSession::role_in(TenantFrom::PathSegment(1), "admin");
    /// let by_header = RequireSession::role_in(TenantFrom::Header("x-tenant-id".into()), "admin");
    /// # let _ = (admins, by_header);
    /// ```
    pub fn role_in(tenant: TenantFrom, role: impl Into<String>) -> Self {
        Self {
            requirement: Requirement::InTenant(tenant, Some(Need::Role(role.into()))),
        }
    }

    /// A session with `permission` in the tenant the request names (`tenant`). The handler
    /// gets a [`TenantAccess`].
    pub fn permission_in(tenant: TenantFrom, permission: impl Into<String>) -> Self {
        Self {
            requirement: Requirement::InTenant(tenant, Some(Need::Permission(permission.into()))),
        }
    }

    /// The guard's decision on a request (its path, header and parameter lookups), with `session` (or,
    /// without one, the reason the session middleware left): 401 without a session, 403
    /// without what is required (or without a tenant in the request, for a tenant guard).
    pub(crate) fn decide<'a>(
        &self,
        session: Option<&'a Session>,
        why_none: Option<&Rejection>,
        request: &RequestParts<'a, '_>,
    ) -> Decision {
        let Some(session) = session else {
            return Decision::Refuse(why_none.cloned().unwrap_or_else(Rejection::missing));
        };
        let Requirement::InTenant(from, need) = &self.requirement else {
            return match self.allows(session) {
                true => Decision::Allow(None),
                false => Decision::Refuse(Rejection::forbidden()),
            };
        };
        let Some(tenant) = from.find(request, session) else {
            return Decision::Refuse(Rejection::no_tenant());
        };
        let Some(access) = session.tenant_access(tenant) else {
            return Decision::Refuse(Rejection::forbidden());
        };
        let allowed = match need {
            None => true,
            Some(Need::Role(role)) => access.has_role(role),
            Some(Need::Permission(permission)) => access.has_permission(permission),
        };
        if allowed {
            Decision::Allow(Some(access))
        } else {
            Decision::Refuse(Rejection::forbidden())
        }
    }

    /// Whether `session` meets the requirement. A tenant guard ([`role_in`](Self::role_in) and
    /// the like) needs the request to name its tenant: here only its
    /// [`TenantFrom::Selected`] form can be decided, the others are `false`.
    pub fn allows(&self, session: &Session) -> bool {
        match &self.requirement {
            Requirement::InTenant(TenantFrom::Selected, _) => {
                let none = |_: &str| None;
                let request = RequestParts {
                    path: "",
                    header: &none,
                    param: &none,
                };
                matches!(
                    self.decide(Some(session), None, &request),
                    Decision::Allow(_)
                )
            }
            Requirement::InTenant(..) => false,
            Requirement::Session => true,
            Requirement::NotImpersonated => !session.is_impersonated(),
            Requirement::Role(role) => session.has_role(role),
            Requirement::Permission(permission) => session.has_permission(permission),
            Requirement::TenantRole(tenant, role) => session.has_tenant_role(tenant, role),
            Requirement::TenantPermission(tenant, permission) => {
                session.has_tenant_permission(tenant, permission)
            }
        }
    }
}
