//! Seed files: a known set of users to start from (`--import`), and the same document out of a
//! running emulator (`--export-on-exit`, `GET /emulator/v1/export`). The format is fixed:
//!
//! ```json
//! {"users": [{"userId": "U...", "loginId": "ada@example.com", "email": "ada@example.com",
//!   "name": "Ada", "password": "plaintext, for hand-written seeds",
//!   "passwordHash": "$argon2id$... (what an export writes, never the plaintext)",
//!   "roles": ["admin"], "tenants": [{"tenantId": "T1", "roles": ["editor"]}],
//!   "verifiedEmail": true, "status": "enabled", "test": false}]}
//! ```
//!
//! Every field but `loginId` is optional; `userId` is kept when given. A user with more than
//! one login ID exports the others as `additionalLoginIds` (read back on import).
//!
//! The project's tenants, roles and permissions sit beside the users, each list optional:
//!
//! ```json
//! {"permissions": [{"name": "docs.read", "description": "Read documents"}],
//!  "roles": [{"name": "editor", "permissionNames": ["docs.read"]},
//!            {"name": "owner", "tenantId": "T1", "permissionNames": ["docs.read"]}],
//!  "tenants": [{"id": "T1", "name": "Acme", "selfProvisioningDomains": ["acme.com"]}],
//!  "users": []}
//! ```

use serde::{Deserialize, Serialize};

use crate::directory::{Directory, Permission, Role, Tenant};
use crate::store::{login_key, StoredTenant, StoredUser};
use crate::{EmulatorError, HashCost};

/// A seed file: the users to start from, or those exported.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedFile {
    /// The users.
    #[serde(default)]
    pub users: Vec<SeedRecord>,
    /// The tenants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<TenantRecord>,
    /// The roles, of the project or of a tenant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleRecord>,
    /// The permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<PermissionRecord>,
}

/// A tenant of a [`SeedFile`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct TenantRecord {
    /// The tenant ID.
    pub id: String,
    /// The tenant's name (unique).
    pub name: String,
    /// Email domains whose users join the tenant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub self_provisioning_domains: Vec<String>,
    /// Custom attributes (any JSON values).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub custom_attributes: serde_json::Map<String, serde_json::Value>,
    /// The tenant's SSO settings, when it has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso: Option<SsoRecord>,
}

/// A tenant's SSO settings, in a [`TenantRecord`] and the emulator's state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SsoRecord {
    /// `oidc` or `saml`.
    pub auth_type: String,
    /// The email domains whose users sign in with this tenant's SSO (matched without case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// Where users go after signing in when a start names no redirect URL (SAML's
    /// `redirectUrl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// The OIDC or SAML `settings` object as configured (an OIDC client secret is not kept).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub settings: serde_json::Map<String, serde_json::Value>,
}

/// A role of a [`SeedFile`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct RoleRecord {
    /// The role's name (unique in its scope).
    pub name: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The permissions it grants (each one of the file's permissions).
    #[serde(default)]
    pub permission_names: Vec<String>,
    /// The tenant it belongs to; none for a project role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
}

/// A permission of a [`SeedFile`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct PermissionRecord {
    /// The permission's name (unique).
    pub name: String,
    /// What it allows.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// One user of a [`SeedFile`].
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedRecord {
    /// The user ID, kept when given (else one is made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The login ID.
    pub login_id: String,
    /// Other login IDs of the user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_login_ids: Vec<String>,
    /// The email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A plaintext password, for hand-written seeds (hashed on import; never exported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// An argon2 PHC string (`$argon2id$...`), as an export writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    /// Project-level roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Tenant memberships with their roles.
    #[serde(default)]
    pub tenants: Vec<SeedTenant>,
    /// Whether the email address is verified.
    #[serde(default)]
    pub verified_email: bool,
    /// `enabled` (the default), `disabled` or `invited`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// A test user.
    #[serde(default)]
    pub test: bool,
}

impl std::fmt::Debug for SeedRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeedRecord")
            .field("user_id", &self.user_id)
            .field("login_id", &self.login_id)
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("roles", &self.roles)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A tenant membership of a [`SeedRecord`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedTenant {
    /// The tenant ID.
    pub tenant_id: String,
    /// The user's roles in it.
    #[serde(default)]
    pub roles: Vec<String>,
}

impl crate::store::Store {
    /// Everything the store holds, as a seed file (users and directory).
    pub(crate) fn seed(&self) -> SeedFile {
        SeedFile::export(&self.users_sorted(), &self.directory)
    }
}

impl SeedFile {
    /// Parses a seed document, refusing unknown fields.
    pub fn from_json(text: &str) -> Result<Self, EmulatorError> {
        serde_json::from_str(text).map_err(|e| EmulatorError::Seed(format!("not a seed file: {e}")))
    }

    /// The document as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{\"users\":[]}".into())
    }

    /// Reads and parses a seed file.
    pub fn read(path: &std::path::Path) -> Result<Self, EmulatorError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| EmulatorError::Seed(format!("cannot read {}: {e}", path.display())))?;
        Self::from_json(&text).map_err(|e| EmulatorError::Seed(format!("{}: {e}", path.display())))
    }

    /// The export of `users` and the directory: every field, the hash and never a password.
    pub(crate) fn export(users: &[StoredUser], directory: &Directory) -> Self {
        let users = users
            .iter()
            .map(|user| SeedRecord {
                user_id: Some(user.user_id.clone()),
                login_id: user.login_ids.first().cloned().unwrap_or_default(),
                additional_login_ids: user.login_ids.iter().skip(1).cloned().collect(),
                email: user.email.clone(),
                name: user.name.clone(),
                password: None,
                password_hash: (!user.password_hash.is_empty()).then(|| user.password_hash.clone()),
                roles: user.roles.clone(),
                tenants: user
                    .tenants
                    .iter()
                    .map(|t| SeedTenant {
                        tenant_id: t.tenant_id.clone(),
                        roles: t.roles.clone(),
                    })
                    .collect(),
                verified_email: user.verified_email,
                status: Some(if user.status.is_empty() {
                    "enabled".into()
                } else {
                    user.status.clone()
                }),
                test: user.test,
            })
            .collect();
        SeedFile {
            users,
            tenants: directory
                .tenants
                .iter()
                .map(|t| TenantRecord {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    self_provisioning_domains: t.self_provisioning_domains.clone(),
                    custom_attributes: t.custom_attributes.clone(),
                    sso: t.sso.clone(),
                })
                .collect(),
            roles: directory
                .roles
                .iter()
                .map(|r| RoleRecord {
                    name: r.name.clone(),
                    description: r.description.clone(),
                    permission_names: r.permission_names.clone(),
                    tenant_id: r.tenant_id.clone(),
                })
                .collect(),
            permissions: directory
                .permissions
                .iter()
                .map(|p| PermissionRecord {
                    name: p.name.clone(),
                    description: p.description.clone(),
                })
                .collect(),
        }
    }

    /// Checks the tenants, roles and permissions and makes the directory: names unique in
    /// their scope, a role's permissions and tenant defined in the file. An error names the
    /// entry and the field.
    pub(crate) fn directory(&self, now: i64) -> Result<Directory, EmulatorError> {
        let mut directory = Directory::default();
        for (index, p) in self.permissions.iter().enumerate() {
            let name = p.name.trim();
            if name.is_empty() {
                return Err(EmulatorError::Seed(format!(
                    "permissions[{index}]: name is empty"
                )));
            }
            if directory.permissions.iter().any(|q| q.name == name) {
                return Err(EmulatorError::Seed(format!(
                    "permissions[{index}] ({name:?}): the name is another permission's too"
                )));
            }
            directory.permissions.push(Permission {
                name: name.to_owned(),
                description: p.description.clone(),
            });
        }
        for (index, t) in self.tenants.iter().enumerate() {
            let bad =
                |why: String| EmulatorError::Seed(format!("tenants[{index}] ({:?}): {why}", t.id));
            if t.id.trim().is_empty() || t.name.trim().is_empty() {
                return Err(bad("id and name are required".into()));
            }
            if let Some(sso) = &t.sso {
                if !matches!(sso.auth_type.as_str(), "oidc" | "saml") {
                    return Err(bad("sso.authType must be \"oidc\" or \"saml\"".into()));
                }
                if sso
                    .redirect_url
                    .as_deref()
                    .is_some_and(|u| !crate::is_web_url(u))
                {
                    return Err(bad("sso.redirectUrl is not an http(s) URL".into()));
                }
            }
            directory
                .add_tenant(Tenant {
                    id: t.id.trim().to_owned(),
                    name: t.name.trim().to_owned(),
                    self_provisioning_domains: t.self_provisioning_domains.clone(),
                    custom_attributes: t.custom_attributes.clone(),
                    created_time: now,
                    settings: serde_json::Map::new(),
                    sso: t.sso.clone(),
                })
                .map_err(|f| bad(f.parts().2))?;
        }
        for (index, r) in self.roles.iter().enumerate() {
            let bad =
                |why: String| EmulatorError::Seed(format!("roles[{index}] ({:?}): {why}", r.name));
            let tenant = crate::directory::scope(r.tenant_id.as_deref()).map(str::to_owned);
            if r.name.trim().is_empty() {
                return Err(bad("name is empty".into()));
            }
            if let Some(tenant) = &tenant {
                if directory.tenant(tenant).is_none() {
                    return Err(bad(format!(
                        "tenantId {tenant} is not one of the file's tenants"
                    )));
                }
            }
            if directory.role(r.name.trim(), tenant.as_deref()).is_some() {
                return Err(bad(
                    "the name is another role's too, in the same scope".into()
                ));
            }
            directory
                .check_permissions(&r.permission_names)
                .map_err(|f| bad(f.parts().2))?;
            directory.roles.push(Role {
                name: r.name.trim().to_owned(),
                description: r.description.clone(),
                permission_names: r.permission_names.clone(),
                tenant_id: tenant,
                created_time: now,
                ..Role::default()
            });
        }
        Ok(directory)
    }

    /// Checks every record and makes the users (hashing plaintext passwords with `cost`).
    /// An error names the record (index and login ID) and the field.
    pub(crate) fn users(&self, cost: HashCost, now: i64) -> Result<Vec<StoredUser>, EmulatorError> {
        let mut logins = std::collections::HashSet::new();
        let mut ids = std::collections::HashSet::new();
        let mut users = Vec::with_capacity(self.users.len());
        for (index, record) in self.users.iter().enumerate() {
            let bad = |field: &str, why: &str| {
                EmulatorError::Seed(format!(
                    "users[{index}] (login ID {:?}): {field} {why}",
                    record.login_id
                ))
            };
            if record.login_id.trim().is_empty() {
                return Err(bad("loginId", "is empty"));
            }
            for login in std::iter::once(&record.login_id).chain(&record.additional_login_ids) {
                if login.trim().is_empty() {
                    return Err(bad("additionalLoginIds", "has an empty login ID"));
                }
                if !logins.insert(login_key(login)) {
                    return Err(bad("loginId", "is another user's login ID too"));
                }
            }
            if let Some(email) = &record.email {
                if !email.contains('@') {
                    return Err(bad("email", "is not an email address"));
                }
            }
            let status = match record.status.as_deref() {
                None | Some("enabled") => String::new(),
                Some(s @ ("disabled" | "invited")) => s.to_owned(),
                Some(_) => return Err(bad("status", "must be enabled, disabled or invited")),
            };
            let password_hash = match (&record.password, &record.password_hash) {
                (Some(_), Some(_)) => {
                    return Err(bad("password", "and passwordHash are both given: keep one"))
                }
                (Some(password), None) if password.is_empty() => {
                    return Err(bad("password", "is empty"))
                }
                (Some(password), None) => cost.hash(password)?,
                (None, Some(hash)) => {
                    let Ok(parsed) = argon2::PasswordHash::new(hash) else {
                        return Err(bad("passwordHash", "is not an argon2 PHC string"));
                    };
                    let Ok(params) = argon2::Params::try_from(&parsed) else {
                        return Err(bad("passwordHash", "is not an argon2 PHC string"));
                    };
                    if !hash.starts_with("$argon2") {
                        return Err(bad("passwordHash", "is not an argon2 PHC string"));
                    }
                    if let Some(why) = HashCost::excessive(&params) {
                        return Err(bad("passwordHash", why));
                    }
                    hash.clone()
                }
                (None, None) => String::new(),
            };
            let user_id = match &record.user_id {
                Some(id) if id.trim().is_empty() => return Err(bad("userId", "is empty")),
                Some(id) => id.trim().to_owned(),
                None => format!("U{}", crate::random_id(27)?),
            };
            if !ids.insert(user_id.clone()) {
                return Err(bad("userId", "is another user's too"));
            }
            for tenant in &record.tenants {
                if tenant.tenant_id.trim().is_empty() {
                    return Err(bad("tenants", "has an empty tenantId"));
                }
            }
            users.push(StoredUser {
                user_id,
                login_ids: std::iter::once(&record.login_id)
                    .chain(&record.additional_login_ids)
                    .map(|l| l.trim().to_owned())
                    .collect(),
                name: record.name.clone(),
                email: record.email.clone(),
                verified_email: record.verified_email,
                password_hash,
                status,
                test: record.test,
                roles: record.roles.clone(),
                tenants: record
                    .tenants
                    .iter()
                    .map(|t| StoredTenant {
                        tenant_id: t.tenant_id.trim().to_owned(),
                        tenant_name: None,
                        roles: t.roles.clone(),
                        permissions: Vec::new(),
                    })
                    .collect(),
                created_time: now,
                ..StoredUser::default()
            });
        }
        Ok(users)
    }
}
