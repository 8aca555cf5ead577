//! Roles (`/v1/mgmt/role...`) and permissions (`/v1/mgmt/permission...`), behind the
//! management key. A role names only existing permissions and is unique in its scope (the
//! project, or one tenant); renaming or deleting a permission carries through to the roles,
//! and renaming or deleting a role to the users holding it.

use super::lenient::{nullable, text};
use super::management::{empty_reply, managed, managed_body};
use super::*;
use crate::directory::{scope, Permission, Role};

fn role_json(role: &Role) -> Value {
    serde_json::json!({
        "name": role.name,
        "description": role.description,
        "permissionNames": role.permission_names,
        "createdTime": role.created_time,
        "tenantId": role.tenant_id.clone().unwrap_or_default(),
        "default": role.default,
        "private": role.private,
    })
}

fn roles_reply<'a>(roles: impl Iterator<Item = &'a Role>) -> Reply {
    let roles: Vec<Value> = roles.map(role_json).collect();
    Ok(json(StatusCode::OK, &serde_json::json!({ "roles": roles })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleBody {
    name: Option<String>,
    new_name: Option<String>,
    description: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    permission_names: Vec<String>,
    tenant_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    default: bool,
    #[serde(default, deserialize_with = "nullable")]
    private: bool,
}

impl RoleBody {
    fn name(&self) -> Result<String, Failure> {
        text(self.name.as_deref())
            .map(str::to_owned)
            .ok_or_else(|| Failure::MissingArgument("name".into()))
    }

    fn tenant(&self) -> Option<String> {
        scope(self.tenant_id.as_deref()).map(str::to_owned)
    }
}

pub(crate) async fn create(State(app): AppState, request: Request) -> Reply {
    let body: RoleBody = managed_body(&app, request).await?;
    let name = body.name()?;
    let tenant = body.tenant();
    let role = {
        let mut store = app.store();
        let directory = &mut store.directory;
        if let Some(tenant) = &tenant {
            if directory.tenant(tenant).is_none() {
                return Err(Failure::InvalidArgument(format!(
                    "tenant {tenant} does not exist"
                )));
            }
        }
        if directory.role(&name, tenant.as_deref()).is_some() {
            return Err(Failure::Exists(format!(
                "a role named {name} in that scope"
            )));
        }
        directory.check_permissions(&body.permission_names)?;
        let role = Role {
            name,
            description: body.description.unwrap_or_default(),
            permission_names: super::management::dedup(body.permission_names),
            tenant_id: tenant,
            created_time: app.now(),
            default: body.default,
            private: body.private,
        };
        directory.roles.push(role.clone());
        role
    };
    Ok(json(StatusCode::OK, &role_json(&role)))
}

/// A full replace: the new name (the old one when none is sent), the description and the
/// permissions (what is not sent is cleared). A rename carries through to the users.
pub(crate) async fn update(State(app): AppState, request: Request) -> Reply {
    let body: RoleBody = managed_body(&app, request).await?;
    let name = body.name()?;
    let tenant = body.tenant();
    let new_name = text(body.new_name.as_deref()).map_or_else(|| name.clone(), str::to_owned);
    let role = {
        let mut store = app.store();
        let directory = &mut store.directory;
        if directory.role(&name, tenant.as_deref()).is_none() {
            return Err(Failure::InvalidArgument(format!(
                "role {name} does not exist"
            )));
        }
        if new_name != name && directory.role(&new_name, tenant.as_deref()).is_some() {
            return Err(Failure::Exists(format!(
                "a role named {new_name} in that scope"
            )));
        }
        directory.check_permissions(&body.permission_names)?;
        let Some(role) = directory
            .roles
            .iter_mut()
            .find(|r| r.name == name && scope(r.tenant_id.as_deref()) == tenant.as_deref())
        else {
            return Err(Failure::InvalidArgument(format!(
                "role {name} does not exist"
            )));
        };
        role.name.clone_from(&new_name);
        role.description = body.description.unwrap_or_default();
        role.permission_names = super::management::dedup(body.permission_names);
        let role = role.clone();
        if new_name != name {
            store.rename_role_on_users(&name, &new_name, tenant.as_deref());
        }
        role
    };
    Ok(json(StatusCode::OK, &role_json(&role)))
}

/// Deletes a role, and removes it from every user holding it.
pub(crate) async fn delete(State(app): AppState, request: Request) -> Reply {
    let body: RoleBody = managed_body(&app, request).await?;
    let name = body.name()?;
    let tenant = body.tenant();
    {
        let mut store = app.store();
        if store.directory.role(&name, tenant.as_deref()).is_none() {
            return Err(Failure::InvalidArgument(format!(
                "role {name} does not exist"
            )));
        }
        store
            .directory
            .roles
            .retain(|r| !(r.name == name && scope(r.tenant_id.as_deref()) == tenant.as_deref()));
        store.remove_role_from_users(&name, tenant.as_deref());
    }
    empty_reply()
}

pub(crate) async fn load_all(State(app): AppState, headers: HeaderMap) -> Reply {
    managed(&app, &headers)?;
    let store = app.store();
    roles_reply(store.directory.roles.iter())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleSearch {
    #[serde(default, deserialize_with = "nullable")]
    tenant_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    role_names: Vec<String>,
    role_name_like: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    permission_names: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    include_project_roles: bool,
}

/// `roleNames` exact, `roleNameLike` a case-insensitive substring, `permissionNames` roles with
/// any of them; with `tenantIds`, those tenants' roles (project roles too only with
/// `includeProjectRoles`). The filters combine with AND.
pub(crate) async fn search(State(app): AppState, request: Request) -> Reply {
    let body: RoleSearch = managed_body(&app, request).await?;
    let like = text(body.role_name_like.as_deref()).map(str::to_lowercase);
    let store = app.store();
    let matches = |role: &&Role| {
        let in_scope = match scope(role.tenant_id.as_deref()) {
            Some(tenant) => {
                body.tenant_ids.is_empty() || body.tenant_ids.iter().any(|t| t == tenant)
            }
            None => body.tenant_ids.is_empty() || body.include_project_roles,
        };
        in_scope
            && (body.role_names.is_empty() || body.role_names.contains(&role.name))
            && like
                .as_deref()
                .is_none_or(|like| role.name.to_lowercase().contains(like))
            && (body.permission_names.is_empty()
                || body
                    .permission_names
                    .iter()
                    .any(|p| role.permission_names.contains(p)))
    };
    roles_reply(store.directory.roles.iter().filter(matches))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PermissionBody {
    name: Option<String>,
    new_name: Option<String>,
    description: Option<String>,
}

impl PermissionBody {
    fn name(&self) -> Result<String, Failure> {
        text(self.name.as_deref())
            .map(str::to_owned)
            .ok_or_else(|| Failure::MissingArgument("name".into()))
    }
}

fn permission_index(store: &Store, name: &str) -> Result<usize, Failure> {
    store
        .directory
        .permissions
        .iter()
        .position(|p| p.name == name)
        .ok_or_else(|| Failure::InvalidArgument(format!("permission {name} does not exist")))
}

pub(crate) async fn create_permission(State(app): AppState, request: Request) -> Reply {
    let body: PermissionBody = managed_body(&app, request).await?;
    let name = body.name()?;
    {
        let mut store = app.store();
        if store.directory.permissions.iter().any(|p| p.name == name) {
            return Err(Failure::Exists(format!("a permission named {name}")));
        }
        store.directory.permissions.push(Permission {
            name,
            description: body.description.unwrap_or_default(),
        });
    }
    empty_reply()
}

/// Renames (carried through to every role that lists it) and sets the description.
pub(crate) async fn update_permission(State(app): AppState, request: Request) -> Reply {
    let body: PermissionBody = managed_body(&app, request).await?;
    let name = body.name()?;
    let new_name = text(body.new_name.as_deref()).map_or_else(|| name.clone(), str::to_owned);
    {
        let mut store = app.store();
        let at = permission_index(&store, &name)?;
        if new_name != name
            && store
                .directory
                .permissions
                .iter()
                .any(|p| p.name == new_name)
        {
            return Err(Failure::Exists(format!("a permission named {new_name}")));
        }
        let directory = &mut store.directory;
        directory.permissions[at] = Permission {
            name: new_name.clone(),
            description: body.description.unwrap_or_default(),
        };
        for role in &mut directory.roles {
            for permission in &mut role.permission_names {
                if *permission == name {
                    permission.clone_from(&new_name);
                }
            }
            role.permission_names =
                super::management::dedup(std::mem::take(&mut role.permission_names));
        }
    }
    empty_reply()
}

/// Deletes a permission, and removes it from every role.
pub(crate) async fn delete_permission(State(app): AppState, request: Request) -> Reply {
    let body: PermissionBody = managed_body(&app, request).await?;
    let name = body.name()?;
    {
        let mut store = app.store();
        let at = permission_index(&store, &name)?;
        let directory = &mut store.directory;
        directory.permissions.remove(at);
        for role in &mut directory.roles {
            role.permission_names.retain(|p| *p != name);
        }
    }
    empty_reply()
}

pub(crate) async fn load_all_permissions(State(app): AppState, headers: HeaderMap) -> Reply {
    managed(&app, &headers)?;
    let store = app.store();
    let permissions: Vec<Value> = store
        .directory
        .permissions
        .iter()
        .map(|p| serde_json::json!({"name": p.name, "description": p.description, "systemDefault": false}))
        .collect();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "permissions": permissions }),
    ))
}
