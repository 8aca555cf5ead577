//! `client.management().users()`: roles (in the project or a tenant) and tenant membership.

use crate::operation::Operation;
use std::future::Future;

use super::api;
use super::users::{user_of, UserManagement};
use crate::error::{Error, Result};
use crate::request::check_login_id;
use crate::transport::send;
use crate::user::User;
use crate::wire::{UpdateUserRolesRequest, UpdateUserTenantRequest};

fn role_names<I, S>(roles: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    roles.into_iter().map(Into::into).collect()
}

fn check_tenant_id(tenant_id: &str) -> Result<()> {
    if tenant_id.trim().is_empty() {
        return Err(Error::invalid("tenant ID", "is empty"));
    }
    Ok(())
}

impl UserManagement {
    /// Adds project-level roles; they are in the user's next session JWT.
    pub(super) fn add_roles_future<I, S>(
        &self,
        login_id: impl Into<String>,
        roles: I,
    ) -> impl Future<Output = Result<User>> + Send
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles(login_id.into(), None, role_names(roles), true)
    }

    /// Removes project-level roles.
    pub(super) fn remove_roles_future<I, S>(
        &self,
        login_id: impl Into<String>,
        roles: I,
    ) -> impl Future<Output = Result<User>> + Send
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles(login_id.into(), None, role_names(roles), false)
    }

    /// Adds roles in a tenant (making the user a member when needed); they are in the next
    /// session JWT's `tenants` claim.
    pub(super) fn add_tenant_roles_future<I, S>(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
        roles: I,
    ) -> impl Future<Output = Result<User>> + Send
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles(
            login_id.into(),
            Some(tenant_id.into()),
            role_names(roles),
            true,
        )
    }

    /// Removes roles in a tenant the user belongs to.
    pub(super) fn remove_tenant_roles_future<I, S>(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
        roles: I,
    ) -> impl Future<Output = Result<User>> + Send
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles(
            login_id.into(),
            Some(tenant_id.into()),
            role_names(roles),
            false,
        )
    }

    fn roles(
        &self,
        login_id: String,
        tenant_id: Option<String>,
        role_names: Vec<String>,
        add: bool,
    ) -> impl Future<Output = Result<User>> + Send {
        let client = self.client.clone();
        async move {
            let op = if add {
                Operation::AddUserRoles
            } else {
                Operation::RemoveUserRoles
            };
            check_login_id(&login_id)?;
            if let Some(tenant) = &tenant_id {
                check_tenant_id(tenant)?;
            }
            if role_names.is_empty() || role_names.iter().any(|r| r.trim().is_empty()) {
                return Err(Error::invalid(
                    "roles",
                    "are empty or contain an empty name",
                ));
            }
            let api = api(&client)?;
            let body = UpdateUserRolesRequest {
                login_id,
                tenant_id,
                role_names,
            };
            let response = if add {
                send(&client.shared, op, || api.add_user_roles(&body)).await?
            } else {
                send(&client.shared, op, || api.remove_user_roles(&body)).await?
            };
            user_of(op, response.into_inner())
        }
    }

    /// Makes the user a member of a tenant (roles there: [`add_tenant_roles`](Self::add_tenant_roles)).
    pub(super) fn add_tenant_future(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> impl Future<Output = Result<User>> + Send {
        self.tenant(login_id.into(), tenant_id.into(), true)
    }

    /// Ends the user's membership of a tenant, with their roles there.
    pub(super) fn remove_tenant_future(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> impl Future<Output = Result<User>> + Send {
        self.tenant(login_id.into(), tenant_id.into(), false)
    }

    fn tenant(
        &self,
        login_id: String,
        tenant_id: String,
        add: bool,
    ) -> impl Future<Output = Result<User>> + Send {
        let client = self.client.clone();
        async move {
            let op = if add {
                Operation::AddUserTenant
            } else {
                Operation::RemoveUserTenant
            };
            check_login_id(&login_id)?;
            check_tenant_id(&tenant_id)?;
            let api = api(&client)?;
            let body = UpdateUserTenantRequest {
                login_id,
                tenant_id,
            };
            let response = if add {
                send(&client.shared, op, || api.add_user_tenant(&body)).await?
            } else {
                send(&client.shared, op, || api.remove_user_tenant(&body)).await?
            };
            user_of(op, response.into_inner())
        }
    }
}
