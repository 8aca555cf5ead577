//! `client.management().roles()` and `.permissions()`: the project's roles (of the project or
//! of one tenant) and permissions.

use std::time::SystemTime;

use super::api;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_present, request};
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{
    CreatePermissionRequest, CreateRoleRequest, DeletePermissionRequest, DeleteRoleRequest,
    LoadRolesResponse, SearchRolesRequest, UpdatePermissionRequest, UpdateRoleRequest,
};

/// A role: of the project, or of one tenant ([`tenant_id`](Self::tenant_id)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Role {
    /// Its name (unique in its scope).
    pub name: String,
    /// What it is for (empty when none was given).
    pub description: String,
    /// The permissions it grants.
    pub permission_names: Vec<String>,
    /// The tenant it belongs to; `None` for a project role.
    pub tenant_id: Option<String>,
    /// When it was created.
    pub created_time: Option<SystemTime>,
}

impl Role {
    fn list(operation: Operation, wire: LoadRolesResponse) -> Result<Vec<Self>> {
        wire.roles
            .unwrap_or_default()
            .into_iter()
            .map(|role| {
                let name = role
                    .name
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| Error::Decode {
                        operation,
                        reason: "a role has no name".into(),
                    })?;
                Ok(Self {
                    name,
                    description: role.description.unwrap_or_default(),
                    permission_names: role.permission_names.unwrap_or_default(),
                    tenant_id: role.tenant_id.filter(|t| !t.is_empty()),
                    created_time: role
                        .created_time
                        .filter(|t| *t > 0)
                        .map(crate::time::instant),
                })
            })
            .collect()
    }
}

/// A permission.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Permission {
    /// Its name (unique).
    pub name: String,
    /// What it allows (empty when none was given).
    pub description: String,
    /// Whether it is one of Descope's own.
    pub system_default: bool,
}

/// Role management. Get one with [`ManagementClient::roles`](super::ManagementClient::roles).
/// A role is of the project unless the builder names a tenant (`.tenant(id)`); its name is
/// unique in that scope, and its permissions must exist.
#[derive(Clone, Debug)]
pub struct RoleManagement {
    pub(crate) client: Client,
}

impl RoleManagement {
    /// Creates a role.
    pub fn create(&self, name: impl Into<String>) -> CreateRole {
        CreateRole {
            client: self.client.clone(),
            body: CreateRoleRequest {
                name: Some(name.into()),
                ..Default::default()
            },
        }
    }

    /// Replaces the role `name`: its new name (`new_name`, which may be `name`), description
    /// and permissions; what the builder does not set is cleared. A rename carries through to
    /// the users holding the role.
    pub fn update(&self, name: impl Into<String>, new_name: impl Into<String>) -> UpdateRole {
        UpdateRole {
            client: self.client.clone(),
            body: UpdateRoleRequest {
                name: Some(name.into()),
                new_name: Some(new_name.into()),
                ..Default::default()
            },
        }
    }

    /// Deletes the role; the users holding it lose it.
    pub fn delete(&self, name: impl Into<String>) -> DeleteRole {
        DeleteRole {
            client: self.client.clone(),
            body: DeleteRoleRequest {
                name: Some(name.into()),
                ..Default::default()
            },
        }
    }

    /// Every role, of the project and of every tenant.
    pub fn load_all(&self) -> LoadAllRoles {
        LoadAllRoles {
            client: self.client.clone(),
        }
    }

    /// The roles matching every filter set on the builder. With tenants, those tenants'
    /// roles only, unless [`include_project_roles`](SearchRoles::include_project_roles).
    pub fn search(&self) -> SearchRoles {
        SearchRoles {
            client: self.client.clone(),
            body: SearchRolesRequest::default(),
        }
    }
}

request! {
    /// [`RoleManagement::create`]: `.await` it.
    pub struct CreateRole { client: Client, body: CreateRoleRequest } => Result<()>;
}

impl CreateRole {
    setters! {
        /// What the role is for. Defaults to none.
        description(description: impl Into<String>) => Some(body.description);

        /// A permission the role grants (it must exist). Defaults to none.
        permission(name: impl Into<String>) => push(body.permission_names);

        /// Permissions the role grants (each must exist). Defaults to none.
        permissions(names: impl IntoIterator<Item = impl Into<String>>) => extend(body.permission_names);

        /// The tenant the role belongs to. Defaults to none: a project role.
        tenant(tenant_id: impl Into<String>) => Some(body.tenant_id);
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::CreateRole;
        check_present(self.body.name.as_deref().unwrap_or_default(), "role name")?;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || api.create_role(&self.body)).await?;
        Ok(())
    }
}

request! {
    /// [`RoleManagement::update`]: a full replace; `.await` it.
    pub struct UpdateRole { client: Client, body: UpdateRoleRequest } => Result<()>;
}

impl UpdateRole {
    setters! {
        /// What the role is for. Defaults to none (cleared).
        description(description: impl Into<String>) => Some(body.description);

        /// A permission the role grants. Defaults to none (the role's are cleared).
        permission(name: impl Into<String>) => push(body.permission_names);

        /// Permissions the role grants. Defaults to none (the role's are cleared).
        permissions(names: impl IntoIterator<Item = impl Into<String>>) => extend(body.permission_names);

        /// The tenant of the role. Defaults to none: a project role.
        tenant(tenant_id: impl Into<String>) => Some(body.tenant_id);
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::UpdateRole;
        check_present(self.body.name.as_deref().unwrap_or_default(), "role name")?;
        check_present(
            self.body.new_name.as_deref().unwrap_or_default(),
            "new role name",
        )?;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || api.update_role(&self.body)).await?;
        Ok(())
    }
}

request! {
    /// [`RoleManagement::delete`]: `.await` it.
    pub struct DeleteRole { client: Client, body: DeleteRoleRequest } => Result<()>;
}

impl DeleteRole {
    setters! {
        /// The tenant of the role. Defaults to none: a project role.
        tenant(tenant_id: impl Into<String>) => Some(body.tenant_id);
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::DeleteRole;
        check_present(self.body.name.as_deref().unwrap_or_default(), "role name")?;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || api.delete_role(&self.body)).await?;
        Ok(())
    }
}

request! {
    /// [`RoleManagement::load_all`]: `.await` it.
    pub struct LoadAllRoles { client: Client } => Result<Vec<Role>>;
}

impl LoadAllRoles {
    async fn run(self) -> Result<Vec<Role>> {
        const OP: Operation = Operation::LoadAllRoles;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.load_all_roles()).await?;
        Role::list(OP, response.into_inner())
    }
}

request! {
    /// [`RoleManagement::search`]: set filters, then `.await` it.
    pub struct SearchRoles { client: Client, body: SearchRolesRequest } => Result<Vec<Role>>;
}

impl SearchRoles {
    setters! {
        /// Roles of these tenants. Defaults to every scope.
        tenants(tenant_ids: impl IntoIterator<Item = impl Into<String>>) => extend(body.tenant_ids);

        /// Roles with one of these names. Defaults to any.
        names(names: impl IntoIterator<Item = impl Into<String>>) => extend(body.role_names);

        /// Roles whose name contains this (ignoring case). Defaults to any.
        name_like(text: impl Into<String>) => Some(body.role_name_like);

        /// Roles granting one of these permissions. Defaults to any.
        permissions(names: impl IntoIterator<Item = impl Into<String>>) => extend(body.permission_names);

        /// With [`tenants`](Self::tenants), project roles too. Defaults to no.
        include_project_roles(include: bool) => Some(body.include_project_roles);
    }

    async fn run(self) -> Result<Vec<Role>> {
        const OP: Operation = Operation::SearchRoles;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.search_roles(&self.body)).await?;
        Role::list(OP, response.into_inner())
    }
}

/// Permission management. Get one with
/// [`ManagementClient::permissions`](super::ManagementClient::permissions).
#[derive(Clone, Debug)]
pub struct PermissionManagement {
    pub(crate) client: Client,
}

impl PermissionManagement {
    /// Creates a permission.
    pub fn create(&self, name: impl Into<String>) -> CreatePermission {
        CreatePermission {
            client: self.client.clone(),
            body: CreatePermissionRequest {
                name: Some(name.into()),
                description: None,
            },
        }
    }

    /// Renames the permission `name` to `new_name` (which may be `name`) and sets its
    /// description (cleared unless the builder sets one); the roles listing it follow.
    pub fn update(&self, name: impl Into<String>, new_name: impl Into<String>) -> UpdatePermission {
        UpdatePermission {
            client: self.client.clone(),
            body: UpdatePermissionRequest {
                name: Some(name.into()),
                new_name: Some(new_name.into()),
                ..Default::default()
            },
        }
    }

    /// Deletes the permission; the roles listing it lose it.
    pub fn delete(&self, name: impl Into<String>) -> DeletePermission {
        DeletePermission {
            client: self.client.clone(),
            name: name.into(),
        }
    }

    /// Every permission.
    pub fn load_all(&self) -> LoadAllPermissions {
        LoadAllPermissions {
            client: self.client.clone(),
        }
    }
}

request! {
    /// [`PermissionManagement::create`]: `.await` it.
    pub struct CreatePermission { client: Client, body: CreatePermissionRequest } => Result<()>;
}

impl CreatePermission {
    setters! {
        /// What the permission allows. Defaults to none.
        description(description: impl Into<String>) => Some(body.description);
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::CreatePermission;
        check_present(
            self.body.name.as_deref().unwrap_or_default(),
            "permission name",
        )?;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || {
            api.create_permission(&self.body)
        })
        .await?;
        Ok(())
    }
}

request! {
    /// [`PermissionManagement::update`]: `.await` it.
    pub struct UpdatePermission { client: Client, body: UpdatePermissionRequest } => Result<()>;
}

impl UpdatePermission {
    setters! {
        /// What the permission allows. Defaults to none (cleared).
        description(description: impl Into<String>) => Some(body.description);
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::UpdatePermission;
        check_present(
            self.body.name.as_deref().unwrap_or_default(),
            "permission name",
        )?;
        check_present(
            self.body.new_name.as_deref().unwrap_or_default(),
            "new permission name",
        )?;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || {
            api.update_permission(&self.body)
        })
        .await?;
        Ok(())
    }
}

request! {
    /// [`PermissionManagement::delete`]: `.await` it.
    pub struct DeletePermission { client: Client, name: String } => Result<()>;
}

impl DeletePermission {
    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::DeletePermission;
        check_present(&self.name, "permission name")?;
        let api = api(&self.client)?;
        let body = DeletePermissionRequest {
            name: Some(self.name),
            id: None,
        };
        send(&self.client.shared, OP, || api.delete_permission(&body)).await?;
        Ok(())
    }
}

request! {
    /// [`PermissionManagement::load_all`]: `.await` it.
    pub struct LoadAllPermissions { client: Client } => Result<Vec<Permission>>;
}

impl LoadAllPermissions {
    async fn run(self) -> Result<Vec<Permission>> {
        const OP: Operation = Operation::LoadAllPermissions;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.load_all_permissions()).await?;
        response
            .into_inner()
            .permissions
            .unwrap_or_default()
            .into_iter()
            .map(|p| {
                let name = p
                    .name
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| Error::Decode {
                        operation: OP,
                        reason: "a permission has no name".into(),
                    })?;
                Ok(Permission {
                    name,
                    description: p.description.unwrap_or_default(),
                    system_default: p.system_default.unwrap_or(false),
                })
            })
            .collect()
    }
}
