//! Roles (in the project or a tenant) and tenant membership of a user:
//! `client.management().users().add_roles(..)` and the like.

use super::api;
use super::requests::{user_of, UserRef};
use super::users::UserManagement;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::request;
use crate::transport::send;
use crate::user::User;
use crate::wire::{UpdateUserRolesRequest, UpdateUserTenantRequest};

fn names<I, S>(roles: I) -> Vec<String>
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
            check_tenant_id(tenant)?;
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
    pub struct UpdateTenant { client: Client, user: UserRef, tenant_id: String, add: bool } => Result<User>;
}

impl UpdateTenant {
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
        check_tenant_id(&tenant_id)?;
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
    fn roles(
        &self,
        user: UserRef,
        tenant_id: Option<String>,
        roles: Vec<String>,
        add: bool,
    ) -> UpdateRoles {
        UpdateRoles {
            client: self.client.clone(),
            user,
            tenant_id,
            roles,
            add,
        }
    }

    fn tenant(&self, user: UserRef, tenant_id: String, add: bool) -> UpdateTenant {
        UpdateTenant {
            client: self.client.clone(),
            user,
            tenant_id,
            add,
        }
    }

    // The eight role methods below (project or tenant, add or remove, by login ID or user ID)
    // are alike on purpose: each is its own documented entry point, as in the official SDKs,
    // and all of them build the one `UpdateRoles` request.

    /// Adds project-level roles; they are in the user's next session JWT.
    pub fn add_roles<I, S>(&self, login_id: impl Into<String>, roles: I) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles(UserRef::LoginId(login_id.into()), None, names(roles), true)
    }

    /// Removes project-level roles.
    pub fn remove_roles<I, S>(&self, login_id: impl Into<String>, roles: I) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles(UserRef::LoginId(login_id.into()), None, names(roles), false)
    }

    /// Adds roles in a tenant (making the user a member when needed); they are in the next
    /// session JWT's `tenants` claim.
    pub fn add_tenant_roles<I, S>(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
        roles: I,
    ) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let user = UserRef::LoginId(login_id.into());
        self.roles(user, Some(tenant_id.into()), names(roles), true)
    }

    /// Removes roles in a tenant.
    pub fn remove_tenant_roles<I, S>(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
        roles: I,
    ) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let user = UserRef::LoginId(login_id.into());
        self.roles(user, Some(tenant_id.into()), names(roles), false)
    }

    /// [`add_roles`](Self::add_roles) for the user with this user ID (`U2...`). The service
    /// takes only a login ID here, so the user is loaded by user ID first and the call names
    /// that user's login ID: a login ID that equals another user's ID never redirects it.
    pub fn add_roles_by_user_id<I, S>(&self, user_id: impl Into<String>, roles: I) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles(UserRef::UserId(user_id.into()), None, names(roles), true)
    }

    /// [`remove_roles`](Self::remove_roles) for the user with this user ID.
    pub fn remove_roles_by_user_id<I, S>(&self, user_id: impl Into<String>, roles: I) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles(UserRef::UserId(user_id.into()), None, names(roles), false)
    }

    /// [`add_tenant_roles`](Self::add_tenant_roles) for the user with this user ID.
    pub fn add_tenant_roles_by_user_id<I, S>(
        &self,
        user_id: impl Into<String>,
        tenant_id: impl Into<String>,
        roles: I,
    ) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let user = UserRef::UserId(user_id.into());
        self.roles(user, Some(tenant_id.into()), names(roles), true)
    }

    /// [`remove_tenant_roles`](Self::remove_tenant_roles) for the user with this user ID.
    pub fn remove_tenant_roles_by_user_id<I, S>(
        &self,
        user_id: impl Into<String>,
        tenant_id: impl Into<String>,
        roles: I,
    ) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let user = UserRef::UserId(user_id.into());
        self.roles(user, Some(tenant_id.into()), names(roles), false)
    }

    /// Makes the user a member of a tenant (roles there: [`add_tenant_roles`](Self::add_tenant_roles)).
    pub fn add_tenant(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> UpdateTenant {
        self.tenant(UserRef::LoginId(login_id.into()), tenant_id.into(), true)
    }

    /// Ends the user's membership of a tenant, with their roles there.
    pub fn remove_tenant(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> UpdateTenant {
        self.tenant(UserRef::LoginId(login_id.into()), tenant_id.into(), false)
    }

    /// [`add_tenant`](Self::add_tenant) for the user with this user ID.
    pub fn add_tenant_by_user_id(
        &self,
        user_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> UpdateTenant {
        self.tenant(UserRef::UserId(user_id.into()), tenant_id.into(), true)
    }

    /// [`remove_tenant`](Self::remove_tenant) for the user with this user ID.
    pub fn remove_tenant_by_user_id(
        &self,
        user_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> UpdateTenant {
        self.tenant(UserRef::UserId(user_id.into()), tenant_id.into(), false)
    }
}
