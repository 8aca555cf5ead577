//! User management with a management key: `client.management()`.
//!
//! ```no_run
//! # async fn run(client: descope::Client) -> Result<(), descope::Error> {
//! let users = client.management().users();
//! let user = users.create("ada@example.com").display_name("Ada").role("admin").await?;
//! users.set_active_password("ada@example.com", "Correct-Horse-1").await?;
//! users.disable(&user.user_id).await?;
//! # Ok(()) }
//! ```

mod create;
mod issued;
mod membership;
mod requests;
mod roles;
mod sso;
mod tenants;
mod user_admin;
mod user_tokens;
mod user_updates;
mod users;

pub use create::CreateUser;
pub use issued::{
    AnonymousSession, Impersonate, IssueAnonymous, IssueSignIn, IssueSignUp, JwtManagement,
    StopImpersonation, UpdateJwt, UpdatedJwt,
};
pub use membership::{UpdateRoles, UpdateUserTenant};
pub use requests::{
    DeleteAllTestUsers, DeleteUser, ExpirePassword, LoadUser, LogoutUser, SetPassword,
    SetUserStatus,
};
pub use roles::{
    CreatePermission, CreateRole, DeletePermission, DeleteRole, LoadAllPermissions, LoadAllRoles,
    Permission, PermissionManagement, Role, RoleManagement, SearchRoles, UpdatePermission,
    UpdateRole,
};
pub use sso::{
    ConfigureOidc, ConfigureSaml, DeleteSsoSettings, LoadSsoSettings, OidcSettings, SamlSettings,
    SsoManagement, SsoSettings,
};
pub use tenants::{
    ConfigureTenantSettings, CreateTenant, DeleteTenant, LoadAllTenants, LoadTenant,
    LoadTenantSettings, SearchTenants, Tenant, TenantManagement, TenantSettings, UpdateTenant,
};
pub use user_admin::{LoadUsers, SearchUsers, UserPage, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use user_tokens::{
    EmbeddedLink, RemoveTotp, SetImpersonationConsent, SignUpEmbeddedLink, TestCode,
    TestEnchantedLink, TestLink, TestMagicLink, TestOtp,
};
pub use user_updates::{
    PatchUser, SetRoles, UpdateUser, UpdateUserEmail, UpdateUserLoginId, UpdateUserNames,
    UpdateUserPhone,
};
pub use users::UserManagement;

use crate::client::{families, Client, Hub, ENV_MANAGEMENT_KEY};
use crate::error::{Error, Result};

/// Management operations of a [`Client`]. Get one with [`Client::management`]; it holds a
/// cheap clone of the client.
///
/// Every call needs the management key ([`ClientBuilder::management_key`](crate::ClientBuilder::management_key)
/// or `DESCOPE_MANAGEMENT_KEY`); without one, calls fail with [`Error::Config`] before any
/// request is sent.
#[derive(Clone, Debug)]
pub struct ManagementClient {
    pub(crate) client: Client,
}

impl ManagementClient {
    families! {
        /// User management: create, load, search, update, patch, delete, status, roles,
        /// tenants, passwords, logout.
        users -> UserManagement;

        /// Tenants: create, load, update, delete, search, settings.
        tenants -> TenantManagement;

        /// Roles of the project or of a tenant: create, update, delete, search.
        roles -> RoleManagement;

        /// Permissions: create, update, delete, list.
        permissions -> PermissionManagement;

        /// A tenant's SSO settings: configure OIDC or SAML, load, delete.
        sso -> SsoManagement;

        /// Sessions the backend issues: custom claims on a session, sign-in without a
        /// credential, anonymous sessions, impersonation.
        jwt -> JwtManagement;
    }
}

impl Hub for ManagementClient {
    fn hub(&self) -> &Client {
        &self.client
    }
}

/// The generated client with `Authorization: Bearer <projectId>:<managementKey>`, or
/// [`Error::Config`] naming the missing setting.
pub(crate) fn api(client: &Client) -> Result<&crate::wire::Api> {
    client.management_api.as_deref().ok_or_else(|| {
        Error::Config(format!(
            "no management key: management calls need one (ClientBuilder::management_key or \
             {ENV_MANAGEMENT_KEY})"
        ))
    })
}
