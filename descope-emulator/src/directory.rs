//! The project's B2B directory: tenants, roles and permissions, the rules that keep them and
//! the users consistent (duplicates refused, renames and deletions carried through), and what
//! they mean for a user's session claims.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::store::{Store, StoredUser};

/// The permission every project has: a user holding it (through a role) may impersonate
/// others (`/v1/mgmt/impersonate`).
pub(crate) const IMPERSONATE: &str = "Impersonate";

/// A tenant.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tenant {
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) self_provisioning_domains: Vec<String>,
    #[serde(default)]
    pub(crate) custom_attributes: Map<String, Value>,
    pub(crate) created_time: i64,
    /// The settings stored as sent (`domains`, `authType`, expirations...), answered back.
    #[serde(default)]
    pub(crate) settings: Map<String, Value>,
    /// The SSO settings, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sso: Option<crate::seed::SsoRecord>,
}

/// A role: of the project (`tenant_id` none), or of one tenant.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Role {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) permission_names: Vec<String>,
    #[serde(default)]
    pub(crate) tenant_id: Option<String>,
    pub(crate) created_time: i64,
    #[serde(default)]
    pub(crate) default: bool,
    #[serde(default)]
    pub(crate) private: bool,
}

/// A permission.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Permission {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
}

/// Tenants, roles and permissions, each in creation order.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Directory {
    #[serde(default)]
    pub(crate) tenants: Vec<Tenant>,
    #[serde(default)]
    pub(crate) roles: Vec<Role>,
    #[serde(default)]
    pub(crate) permissions: Vec<Permission>,
}

/// `None` for an absent or empty tenant ID (a project role).
pub(crate) fn scope(tenant_id: Option<&str>) -> Option<&str> {
    tenant_id.map(str::trim).filter(|t| !t.is_empty())
}

fn add_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

impl Directory {
    pub(crate) fn tenant(&self, id: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.id == id)
    }

    pub(crate) fn tenant_mut(&mut self, id: &str) -> Result<&mut Tenant, Failure> {
        self.tenants
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or_else(|| Failure::InvalidArgument(format!("tenant {id} does not exist")))
    }

    /// Adds a tenant, refusing a duplicate ID or name.
    pub(crate) fn add_tenant(&mut self, tenant: Tenant) -> Result<(), Failure> {
        if self.tenant(&tenant.id).is_some() {
            return Err(Failure::Exists(format!("a tenant with ID {}", tenant.id)));
        }
        self.check_tenant_name(&tenant.name, None)?;
        self.tenants.push(tenant);
        Ok(())
    }

    /// Refuses a name another tenant (not `except`) has.
    pub(crate) fn check_tenant_name(
        &self,
        name: &str,
        except: Option<&str>,
    ) -> Result<(), Failure> {
        let taken = self
            .tenants
            .iter()
            .any(|t| t.name.eq_ignore_ascii_case(name.trim()) && Some(t.id.as_str()) != except);
        if taken {
            return Err(Failure::Exists(format!("a tenant named {name}")));
        }
        Ok(())
    }

    /// The role `name` in `tenant` (none: the project's).
    pub(crate) fn role(&self, name: &str, tenant: Option<&str>) -> Option<&Role> {
        self.roles
            .iter()
            .find(|r| r.name == name && scope(r.tenant_id.as_deref()) == tenant)
    }

    /// Refuses permission names that do not exist (the built-in [`IMPERSONATE`] always does).
    pub(crate) fn check_permissions(&self, names: &[String]) -> Result<(), Failure> {
        match names
            .iter()
            .find(|n| *n != IMPERSONATE && !self.permissions.iter().any(|p| &&p.name == n))
        {
            Some(missing) => Err(Failure::InvalidArgument(format!(
                "permission {missing} does not exist"
            ))),
            None => Ok(()),
        }
    }

    /// The permissions a role name grants in `tenant`: the tenant's own role of that name,
    /// else the project role (none for a name never created).
    fn granted(&self, role: &str, tenant: Option<&str>) -> &[String] {
        tenant
            .and_then(|t| self.role(role, Some(t)))
            .or_else(|| self.role(role, None))
            .map_or(&[], |r| r.permission_names.as_slice())
    }

    /// A user's permissions: those granted directly, and those of their roles as they are now.
    pub(crate) fn permissions_of(
        &self,
        roles: &[String],
        direct: &[String],
        tenant: Option<&str>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for name in direct {
            add_unique(&mut out, name);
        }
        for role in roles {
            for name in self.granted(role, tenant) {
                add_unique(&mut out, name);
            }
        }
        out
    }
}

impl Store {
    /// Renames a role (in its scope) on every user holding it.
    pub(crate) fn rename_role_on_users(&mut self, old: &str, new: &str, tenant: Option<&str>) {
        for user in self.users.values_mut() {
            for list in role_lists(user, tenant) {
                for role in list.iter_mut() {
                    if role == old {
                        new.clone_into(role);
                    }
                }
                dedup(list);
            }
        }
    }

    /// Removes a role (in its scope) from every user holding it.
    pub(crate) fn remove_role_from_users(&mut self, name: &str, tenant: Option<&str>) {
        for user in self.users.values_mut() {
            for list in role_lists(user, tenant) {
                list.retain(|r| r != name);
            }
        }
    }

    /// Removes a tenant from every user.
    pub(crate) fn remove_tenant_from_users(&mut self, tenant: &str) {
        for user in self.users.values_mut() {
            user.tenants.retain(|t| t.tenant_id != tenant);
        }
    }

    /// The user as the API shows it: tenant names as they are now, and the permissions their
    /// roles grant.
    pub(crate) fn user_view(&self, user: &StoredUser) -> descope::wire::ResponseUser {
        let mut view = user.response();
        view.permissions = Some(self.directory.permissions_of(
            &user.roles,
            &user.permissions,
            None,
        ));
        if let Some(tenants) = view.user_tenants.as_mut() {
            for (shown, stored) in tenants.iter_mut().zip(&user.tenants) {
                shown.tenant_name = Some(
                    self.directory
                        .tenant(&stored.tenant_id)
                        .map(|t| t.name.clone())
                        .unwrap_or_default(),
                );
                shown.permissions = Some(self.directory.permissions_of(
                    &stored.roles,
                    &stored.permissions,
                    Some(&stored.tenant_id),
                ));
            }
        }
        view
    }
}

/// The role lists of a user in a scope: the project roles, or the roles in one tenant.
fn role_lists<'a>(user: &'a mut StoredUser, tenant: Option<&str>) -> Vec<&'a mut Vec<String>> {
    match tenant {
        None => vec![&mut user.roles],
        Some(tenant) => user
            .tenants
            .iter_mut()
            .filter(|t| t.tenant_id == tenant)
            .map(|t| &mut t.roles)
            .collect(),
    }
}

fn dedup(list: &mut Vec<String>) {
    let mut seen = Vec::new();
    list.retain(|v| {
        if seen.contains(v) {
            false
        } else {
            seen.push(v.clone());
            true
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, tenant: Option<&str>, permissions: &[&str]) -> Role {
        Role {
            name: name.into(),
            tenant_id: tenant.map(Into::into),
            permission_names: permissions.iter().map(|p| (*p).to_owned()).collect(),
            ..Role::default()
        }
    }

    #[test]
    fn a_tenant_role_wins_over_the_project_role_of_the_same_name() {
        let directory = Directory {
            roles: vec![
                role("editor", None, &["read", "write"]),
                role("editor", Some("T1"), &["read"]),
                role("viewer", None, &["read"]),
            ],
            ..Directory::default()
        };
        let roles = vec!["editor".to_owned(), "ghost".to_owned()];
        assert_eq!(
            directory.permissions_of(&roles, &[], None),
            ["read", "write"]
        );
        assert_eq!(directory.permissions_of(&roles, &[], Some("T1")), ["read"]);
        assert_eq!(
            directory.permissions_of(&roles, &["extra".to_owned()], Some("T2")),
            ["extra", "read", "write"]
        );
    }
}
