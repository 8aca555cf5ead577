//! Roles (in the project or a tenant) and tenant membership of a user:
//! `client.management().users().add_roles(..)` and the like.

use super::api;
use super::requests::{user_of, UserRef};
use super::users::{by_login_or_user_id, UserManagement};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_present, request};
use crate::transport::send;
use crate::user::User;
use crate::wire::{UpdateUserRolesRequest, UpdateUserTenantRequest};

fn names(roles: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    roles.into_iter().map(Into::into).collect()
}

request! {
    /// [`UserManagement::add_roles`], [`remove_roles`](UserManagement::remove_roles),
    /// [`add_tenant_roles`](UserManagement::add_tenant_roles) and
    /// [`remove_tenant_roles`](UserManagement::remove_tenant_roles), by login ID or user ID.
    pub struct UpdateRoles {
        client: Client,
        user: UserRef,
        tenant_id: Option<String>,
        roles: Vec<String>,
        add: bool,
    } => Result<User>;
}

impl UpdateRoles {
    async fn run(self) -> Result<User> {
        let Self {
            client,
            user,
            tenant_id,
            roles: role_names,
            add,
        } = self;
        let op = if add {
            Operation::AddUserRoles
        } else {
            Operation::RemoveUserRoles
        };
        user.check()?;
        if let Some(tenant) = &tenant_id {
            check_present(tenant, "tenant ID")?;
        }
        if role_names.is_empty() || role_names.iter().any(|r| r.trim().is_empty()) {
            return Err(Error::invalid(
                "roles",
                "are empty or contain an empty name",
            ));
        }
        let login_id = user.login_id(&client).await?;
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

request! {
    /// [`UserManagement::add_tenant`] and [`remove_tenant`](UserManagement::remove_tenant), by
    /// login ID or user ID.
    pub struct UpdateUserTenant { client: Client, user: UserRef, tenant_id: String, add: bool } => Result<User>;
}

impl UpdateUserTenant {
    async fn run(self) -> Result<User> {
        let Self {
            client,
            user,
            tenant_id,
            add,
        } = self;
        let op = if add {
            Operation::AddUserTenant
        } else {
            Operation::RemoveUserTenant
        };
        user.check()?;
        check_present(&tenant_id, "tenant ID")?;
        let login_id = user.login_id(&client).await?;
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

impl UserManagement {
    // One entry a method pair (by login ID, by user ID), each its own documented entry point,
    // as in the official SDKs; the role entries all build the one `UpdateRoles` request.
    by_login_or_user_id! {
        /// Adds project-level roles; they are in the user's next session JWT.
        add_roles, add_roles_by_user_id(
            roles: impl IntoIterator<Item = impl Into<String>>
        ) -> UpdateRoles {
            tenant_id: None,
            roles: names(roles),
            add: true,
        };

        /// Removes project-level roles.
        remove_roles, remove_roles_by_user_id(
            roles: impl IntoIterator<Item = impl Into<String>>
        ) -> UpdateRoles {
            tenant_id: None,
            roles: names(roles),
            add: false,
        };

        /// Adds roles in a tenant (making the user a member when needed); they are in the next
        /// session JWT's `tenants` claim.
        add_tenant_roles, add_tenant_roles_by_user_id(
            tenant_id: impl Into<String>,
            roles: impl IntoIterator<Item = impl Into<String>>
        ) -> UpdateRoles {
            tenant_id: Some(tenant_id.into()),
            roles: names(roles),
            add: true,
        };

        /// Removes roles in a tenant.
        remove_tenant_roles, remove_tenant_roles_by_user_id(
            tenant_id: impl Into<String>,
            roles: impl IntoIterator<Item = impl Into<String>>
        ) -> UpdateRoles {
            tenant_id: Some(tenant_id.into()),
            roles: names(roles),
            add: false,
        };

        /// Makes the user a member of a tenant (roles there:
        /// [`add_tenant_roles`](Self::add_tenant_roles)).
        add_tenant, add_tenant_by_user_id(tenant_id: impl Into<String>) -> UpdateUserTenant {
            tenant_id: tenant_id.into(),
            add: true,
        };

        /// Ends the user's membership of a tenant, with their roles there.
        remove_tenant, remove_tenant_by_user_id(
            tenant_id: impl Into<String>
        ) -> UpdateUserTenant {
            tenant_id: tenant_id.into(),
            add: false,
        };
    }
}
