//! Changing a user: a full update (what is not set is cleared), a patch (only what is set
//! changes), the single-field updates and role set. Each names its user by login ID or user
//! ID (`UserRef`).

use serde_json::Value;

use super::api;
use super::requests::{user_of, UserRef};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_login_id, check_present, request};
use crate::setters::setters;
use crate::transport::send;
use crate::user::{User, UserStatus};
use crate::wire::{
    AssociatedTenant, JsonValue, PatchUserRequest, UpdateUserDisplayNameRequest,
    UpdateUserEmailRequest, UpdateUserLoginIdRequest, UpdateUserPhoneRequest, UpdateUserRequest,
    UpdateUserRolesRequest,
};

fn membership(
    tenant_id: String,
    roles: impl IntoIterator<Item = impl Into<String>>,
) -> AssociatedTenant {
    AssociatedTenant {
        tenant_id,
        role_names: Some(roles.into_iter().map(Into::into).collect()),
    }
}

request! {
    /// [`UserManagement::update`](super::UserManagement::update): a **full replace**. Every
    /// field the builder does not set is cleared (login IDs and status are kept); to change
    /// only some fields, use [`patch`](super::UserManagement::patch).
    pub struct UpdateUser { client: Client, user: UserRef, body: UpdateUserRequest } => Result<User>;
}

impl UpdateUser {
    super::create::profile_setters!("Defaults to none (cleared).");

    setters! {
        /// Whether the email address is verified. Defaults to unchanged.
        verified_email(verified: bool) => Some(body.verified_email);

        /// Whether the phone number is verified. Defaults to unchanged.
        verified_phone(verified: bool) => Some(body.verified_phone);

        /// A project-level role. Defaults to none (the user's are cleared).
        role(role: impl Into<String>) => push(body.role_names);

        /// Project-level roles. Defaults to none (the user's are cleared).
        roles(roles: impl IntoIterator<Item = impl Into<String>>) => extend(body.role_names);

        /// A custom attribute (any JSON value). Defaults to none (the user's are cleared).
        custom_attribute(key: impl Into<String>, value: impl Into<Value>)
            => insert(body.custom_attributes);
    }

    /// Membership of a tenant, with roles there. Defaults to none (the user leaves every
    /// tenant).
    pub fn tenant(
        mut self,
        tenant_id: impl Into<String>,
        roles: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.body
            .user_tenants
            .push(membership(tenant_id.into(), roles));
        self
    }

    async fn run(mut self) -> Result<User> {
        const OP: Operation = Operation::UpdateUser;
        self.user.check()?;
        self.body.login_id = Some(self.user.login_id(&self.client).await?);
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.update_user(&self.body)).await?;
        user_of(OP, response.into_inner())
    }
}

/// What a patch sets on the lists, kept typed until the request is sent.
#[derive(Clone, Debug, Default)]
pub(crate) struct PatchLists {
    roles: Option<Vec<String>>,
    tenants: Option<Vec<AssociatedTenant>>,
}

request! {
    /// [`UserManagement::patch`](super::UserManagement::patch): only what the builder sets
    /// changes; everything else stays as it is.
    pub struct PatchUser {
        client: Client,
        user: UserRef,
        body: PatchUserRequest,
        lists: PatchLists,
    } => Result<User>;
}

impl PatchUser {
    super::create::profile_setters!("Defaults to unchanged.");

    setters! {
        /// Whether the email address is verified. Defaults to unchanged.
        verified_email(verified: bool) => Some(body.verified_email);

        /// Whether the phone number is verified. Defaults to unchanged.
        verified_phone(verified: bool) => Some(body.verified_phone);

        /// Replaces the custom attributes with these (one call a key). Defaults to unchanged.
        custom_attribute(key: impl Into<String>, value: impl Into<Value>)
            => insert(body.custom_attributes);
    }

    /// Replaces the project-level roles with these (an empty list removes them all). Defaults
    /// to unchanged.
    pub fn roles(mut self, roles: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.lists.roles = Some(roles.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a tenant membership to the ones this patch sets: the user's memberships become
    /// those given (with their roles). Defaults to unchanged.
    pub fn tenant(
        mut self,
        tenant_id: impl Into<String>,
        roles: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.lists
            .tenants
            .get_or_insert_with(Vec::new)
            .push(membership(tenant_id.into(), roles));
        self
    }

    /// Removes the user from every tenant. Defaults to unchanged.
    pub fn no_tenants(mut self) -> Self {
        self.lists.tenants = Some(Vec::new());
        self
    }

    /// The user's status. Defaults to unchanged.
    pub fn status(mut self, status: UserStatus) -> Self {
        self.body.status = Some(status.as_str().to_owned());
        self
    }

    async fn run(mut self) -> Result<User> {
        const OP: Operation = Operation::PatchUser;
        self.user.check()?;
        self.body.login_id = Some(self.user.login_id(&self.client).await?);
        let json = |value| {
            serde_json::to_value(value)
                .map(JsonValue)
                .map_err(|e| Error::Decode {
                    operation: OP,
                    reason: format!("the patch does not serialize: {e}"),
                })
        };
        if let Some(roles) = self.lists.roles.take() {
            self.body.role_names = Some(json(serde_json::json!(roles))?);
        }
        if let Some(tenants) = self.lists.tenants.take() {
            self.body.user_tenants = Some(json(serde_json::json!(tenants))?);
        }
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.patch_user(&self.body)).await?;
        user_of(OP, response.into_inner())
    }
}

request! {
    /// [`UserManagement::update_email`](super::UserManagement::update_email): `.await` it.
    pub struct UpdateUserEmail { client: Client, user: UserRef, body: UpdateUserEmailRequest } => Result<User>;
}

impl UpdateUserEmail {
    setters! {
        /// Whether the address is verified. Defaults to no.
        verified(verified: bool) => Some(body.verified);

        /// Refuse an address that is another user's login ID. Defaults to the service's
        /// behaviour (not sent).
        fail_on_conflict(fail: bool) => Some(body.fail_on_conflict);
    }

    async fn run(mut self) -> Result<User> {
        const OP: Operation = Operation::UpdateUserEmail;
        self.user.check()?;
        crate::email::check_email(self.body.email.as_deref().unwrap_or_default())?;
        self.body.login_id = Some(self.user.login_id(&self.client).await?);
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.update_user_email(&self.body)
        })
        .await?;
        user_of(OP, response.into_inner())
    }
}

request! {
    /// [`UserManagement::update_phone`](super::UserManagement::update_phone): `.await` it.
    pub struct UpdateUserPhone { client: Client, user: UserRef, body: UpdateUserPhoneRequest } => Result<User>;
}

impl UpdateUserPhone {
    setters! {
        /// Whether the number is verified. Defaults to no.
        verified(verified: bool) => Some(body.verified);

        /// Refuse a number that is another user's login ID. Defaults to the service's
        /// behaviour (not sent).
        fail_on_conflict(fail: bool) => Some(body.fail_on_conflict);
    }

    async fn run(mut self) -> Result<User> {
        const OP: Operation = Operation::UpdateUserPhone;
        self.user.check()?;
        check_present(self.body.phone.as_deref().unwrap_or_default(), "phone")?;
        self.body.login_id = Some(self.user.login_id(&self.client).await?);
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.update_user_phone(&self.body)
        })
        .await?;
        user_of(OP, response.into_inner())
    }
}

request! {
    /// [`UserManagement::update_display_name`](super::UserManagement::update_display_name):
    /// the names the builder sets change; `.await` it.
    pub struct UpdateUserNames {
        client: Client,
        user: UserRef,
        body: UpdateUserDisplayNameRequest,
    } => Result<User>;
}

impl UpdateUserNames {
    setters! {
        /// Given name. Defaults to unchanged.
        given_name(name: impl Into<String>) => Some(body.given_name);

        /// Middle name. Defaults to unchanged.
        middle_name(name: impl Into<String>) => Some(body.middle_name);

        /// Family name. Defaults to unchanged.
        family_name(name: impl Into<String>) => Some(body.family_name);
    }

    async fn run(mut self) -> Result<User> {
        const OP: Operation = Operation::UpdateUserDisplayName;
        self.user.check()?;
        self.body.login_id = Some(self.user.login_id(&self.client).await?);
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.update_user_display_name(&self.body)
        })
        .await?;
        user_of(OP, response.into_inner())
    }
}

request! {
    /// [`UserManagement::update_login_id`](super::UserManagement::update_login_id): `.await` it.
    pub struct UpdateUserLoginId { client: Client, user: UserRef, new_login_id: String } => Result<User>;
}

impl UpdateUserLoginId {
    async fn run(self) -> Result<User> {
        const OP: Operation = Operation::UpdateUserLoginId;
        self.user.check()?;
        check_login_id(&self.new_login_id)?;
        let body = UpdateUserLoginIdRequest {
            login_id: Some(self.user.login_id(&self.client).await?),
            new_login_id: Some(self.new_login_id),
        };
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.update_user_login_id(&body)).await?;
        user_of(OP, response.into_inner())
    }
}

request! {
    /// [`UserManagement::set_roles`](super::UserManagement::set_roles) and
    /// [`set_tenant_roles`](super::UserManagement::set_tenant_roles): `.await` it.
    pub struct SetRoles {
        client: Client,
        user: UserRef,
        tenant_id: Option<String>,
        roles: Vec<String>,
    } => Result<User>;
}

impl SetRoles {
    async fn run(self) -> Result<User> {
        const OP: Operation = Operation::SetUserRoles;
        self.user.check()?;
        if let Some(tenant_id) = &self.tenant_id {
            check_present(tenant_id, "tenant ID")?;
        }
        if self.roles.iter().any(|r| r.trim().is_empty()) {
            return Err(Error::invalid("roles", "contain an empty name"));
        }
        let body = UpdateUserRolesRequest {
            login_id: self.user.login_id(&self.client).await?,
            role_names: self.roles,
            tenant_id: self.tenant_id,
        };
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.set_user_roles(&body)).await?;
        user_of(OP, response.into_inner())
    }
}

impl super::UserManagement {
    super::users::by_login_or_user_id! {
        /// Replaces the user's profile, roles, tenants and custom attributes with what the
        /// builder sets: **everything else is cleared** (login IDs and status are kept). To
        /// change only some fields, use [`patch`](Self::patch).
        update, update_by_user_id() -> UpdateUser {
            body: UpdateUserRequest::default(),
        };

        /// Changes only what the builder sets.
        patch, patch_by_user_id() -> PatchUser {
            body: PatchUserRequest::default(),
            lists: PatchLists::default(),
        };

        /// Sets the user's email address (not verified unless the builder says so).
        update_email, update_email_by_user_id(email: impl Into<String>) -> UpdateUserEmail {
            body: UpdateUserEmailRequest {
                email: Some(email.into()),
                ..Default::default()
            },
        };

        /// Sets the user's phone number (not verified unless the builder says so).
        update_phone, update_phone_by_user_id(phone: impl Into<String>) -> UpdateUserPhone {
            body: UpdateUserPhoneRequest {
                phone: Some(phone.into()),
                ..Default::default()
            },
        };

        /// Sets the user's full name (and the other names the builder sets).
        update_display_name, update_display_name_by_user_id(
            name: impl Into<String>
        ) -> UpdateUserNames {
            body: UpdateUserDisplayNameRequest {
                display_name: Some(name.into()),
                ..Default::default()
            },
        };

        /// Replaces the login ID the user is named by with `new_login_id` (refused when it
        /// is another user's). Named by user ID, the user's first login ID is replaced.
        update_login_id, update_login_id_by_user_id(
            new_login_id: impl Into<String>
        ) -> UpdateUserLoginId {
            new_login_id: new_login_id.into(),
        };

        /// Replaces the user's project-level roles with `roles` (an empty list removes them).
        set_roles, set_roles_by_user_id(
            roles: impl IntoIterator<Item = impl Into<String>>
        ) -> SetRoles {
            tenant_id: None,
            roles: roles.into_iter().map(Into::into).collect(),
        };

        /// Replaces the user's roles in a tenant (making them a member when needed).
        set_tenant_roles, set_tenant_roles_by_user_id(
            tenant_id: impl Into<String>,
            roles: impl IntoIterator<Item = impl Into<String>>
        ) -> SetRoles {
            tenant_id: Some(tenant_id.into()),
            roles: roles.into_iter().map(Into::into).collect(),
        };
    }
}
