//! Every user-management call as a named builder: it owns a cheap clone of the client and its
//! arguments, is sent by `.await` (or `.send()`), and its future is `'static + Send`
//! (`tokio::spawn(client.management().users().load("id").send())` compiles). Options can be
//! added to a builder later without breaking callers.

use super::users::UserManagement;
use crate::error::Result;
use crate::secret::Password;
use crate::user::User;

macro_rules! request {
    ($(#[$doc:meta])* $name:ident { $($field:ident: $ty:ty),* } -> $out:ty => |$users:ident| $send:block) => {
        $(#[$doc])*
        #[derive(Debug)]
        #[must_use = "a request does nothing until awaited"]
        pub struct $name {
            users: UserManagement,
            $($field: $ty,)*
        }

        impl $name {
            /// Sends the request.
            pub async fn send(self) -> Result<$out> {
                let $name { users: $users, $($field),* } = self;
                $send
            }
        }

        impl std::future::IntoFuture for $name {
            type Output = Result<$out>;
            type IntoFuture = crate::request::BoxFuture<'static, Result<$out>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

request! {
    /// [`UserManagement::load`] and [`load_by_user_id`](UserManagement::load_by_user_id).
    LoadUser { reference: String, by_user_id: bool } -> User => |users| {
        if by_user_id {
            users.load_by_user_id_future(reference).await
        } else {
            users.load_future(reference).await
        }
    }
}

request! {
    /// [`UserManagement::delete`] and [`delete_by_user_id`](UserManagement::delete_by_user_id).
    DeleteUser { reference: String, by_user_id: bool } -> () => |users| {
        if by_user_id {
            users.delete_by_user_id_future(reference).await
        } else {
            users.delete_future(reference).await
        }
    }
}

request! {
    /// [`UserManagement::delete_all_test_users`].
    DeleteAllTestUsers {} -> () => |users| { users.delete_all_test_users_future().await }
}

request! {
    /// [`UserManagement::enable`] and [`disable`](UserManagement::disable).
    SetUserStatus { login_id: String, enabled: bool } -> User => |users| {
        if enabled {
            users.enable_future(login_id).await
        } else {
            users.disable_future(login_id).await
        }
    }
}

request! {
    /// [`UserManagement::set_active_password`] and
    /// [`set_temporary_password`](UserManagement::set_temporary_password).
    SetPassword { login_id: String, password: Password, temporary: bool } -> () => |users| {
        if temporary {
            users.set_temporary_password_future(login_id, password).await
        } else {
            users.set_active_password_future(login_id, password).await
        }
    }
}

request! {
    /// [`UserManagement::expire_password`].
    ExpirePassword { login_id: String } -> () => |users| {
        users.expire_password_future(login_id).await
    }
}

request! {
    /// [`UserManagement::logout`] and [`logout_by_user_id`](UserManagement::logout_by_user_id).
    LogoutUser { reference: String, by_user_id: bool } -> () => |users| {
        if by_user_id {
            users.logout_by_user_id_future(reference).await
        } else {
            users.logout_future(reference).await
        }
    }
}

request! {
    /// [`UserManagement::add_roles`], [`remove_roles`](UserManagement::remove_roles),
    /// [`add_tenant_roles`](UserManagement::add_tenant_roles) and
    /// [`remove_tenant_roles`](UserManagement::remove_tenant_roles).
    UpdateRoles { login_id: String, by_user_id: bool, tenant_id: Option<String>, roles: Vec<String>, add: bool } -> User => |users| {
        let login_id = users.resolve(login_id, by_user_id).await?;
        match (tenant_id, add) {
            (None, true) => users.add_roles_future(login_id, roles).await,
            (None, false) => users.remove_roles_future(login_id, roles).await,
            (Some(tenant), true) => users.add_tenant_roles_future(login_id, tenant, roles).await,
            (Some(tenant), false) => users.remove_tenant_roles_future(login_id, tenant, roles).await,
        }
    }
}

request! {
    /// [`UserManagement::add_tenant`] and [`remove_tenant`](UserManagement::remove_tenant).
    UpdateTenant { login_id: String, by_user_id: bool, tenant_id: String, add: bool } -> User => |users| {
        let login_id = users.resolve(login_id, by_user_id).await?;
        if add {
            users.add_tenant_future(login_id, tenant_id).await
        } else {
            users.remove_tenant_future(login_id, tenant_id).await
        }
    }
}

fn names<I, S>(roles: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    roles.into_iter().map(Into::into).collect()
}

impl UserManagement {
    /// The user with this login ID.
    pub fn load(&self, login_id: impl Into<String>) -> LoadUser {
        LoadUser {
            users: self.clone(),
            reference: login_id.into(),
            by_user_id: false,
        }
    }

    /// The user with this user ID (`U2...`).
    pub fn load_by_user_id(&self, user_id: impl Into<String>) -> LoadUser {
        LoadUser {
            users: self.clone(),
            reference: user_id.into(),
            by_user_id: true,
        }
    }

    /// Deletes the user with this login ID, and ends their sessions.
    pub fn delete(&self, login_id: impl Into<String>) -> DeleteUser {
        DeleteUser {
            users: self.clone(),
            reference: login_id.into(),
            by_user_id: false,
        }
    }

    /// Deletes the user with this user ID, and ends their sessions.
    pub fn delete_by_user_id(&self, user_id: impl Into<String>) -> DeleteUser {
        DeleteUser {
            users: self.clone(),
            reference: user_id.into(),
            by_user_id: true,
        }
    }

    /// Deletes every test user, and only those.
    pub fn delete_all_test_users(&self) -> DeleteAllTestUsers {
        DeleteAllTestUsers {
            users: self.clone(),
        }
    }

    /// Enables a user: they may sign in again.
    pub fn enable(&self, login_id: impl Into<String>) -> SetUserStatus {
        SetUserStatus {
            users: self.clone(),
            login_id: login_id.into(),
            enabled: true,
        }
    }

    /// Disables a user: sign-in and refresh are refused until [`enable`](Self::enable).
    pub fn disable(&self, login_id: impl Into<String>) -> SetUserStatus {
        SetUserStatus {
            users: self.clone(),
            login_id: login_id.into(),
            enabled: false,
        }
    }

    /// Sets a password the user signs in with as is.
    pub fn set_active_password(
        &self,
        login_id: impl Into<String>,
        password: impl Into<Password>,
    ) -> SetPassword {
        SetPassword {
            users: self.clone(),
            login_id: login_id.into(),
            password: password.into(),
            temporary: false,
        }
    }

    /// Sets a temporary password: sign-in with it is refused until the user replaces it
    /// ([`PasswordClient::replace`](crate::PasswordClient::replace)).
    pub fn set_temporary_password(
        &self,
        login_id: impl Into<String>,
        password: impl Into<Password>,
    ) -> SetPassword {
        SetPassword {
            users: self.clone(),
            login_id: login_id.into(),
            password: password.into(),
            temporary: true,
        }
    }

    /// Expires the user's password: sign-in with it is refused until it is replaced or reset.
    pub fn expire_password(&self, login_id: impl Into<String>) -> ExpirePassword {
        ExpirePassword {
            users: self.clone(),
            login_id: login_id.into(),
        }
    }

    /// Ends every session of the user with this login ID (their refresh JWTs are revoked).
    pub fn logout(&self, login_id: impl Into<String>) -> LogoutUser {
        LogoutUser {
            users: self.clone(),
            reference: login_id.into(),
            by_user_id: false,
        }
    }

    /// Ends every session of the user with this user ID.
    pub fn logout_by_user_id(&self, user_id: impl Into<String>) -> LogoutUser {
        LogoutUser {
            users: self.clone(),
            reference: user_id.into(),
            by_user_id: true,
        }
    }

    /// Adds project-level roles; they are in the user's next session JWT.
    pub fn add_roles<I, S>(&self, login_id: impl Into<String>, roles: I) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.role_request((login_id.into(), false), None, names(roles), true)
    }

    /// Removes project-level roles.
    pub fn remove_roles<I, S>(&self, login_id: impl Into<String>, roles: I) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.role_request((login_id.into(), false), None, names(roles), false)
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
        self.role_request(
            (login_id.into(), false),
            Some(tenant_id.into()),
            names(roles),
            true,
        )
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
        self.role_request(
            (login_id.into(), false),
            Some(tenant_id.into()),
            names(roles),
            false,
        )
    }

    fn role_request(
        &self,
        user: (String, bool),
        tenant_id: Option<String>,
        roles: Vec<String>,
        add: bool,
    ) -> UpdateRoles {
        let (login_id, by_user_id) = user;
        UpdateRoles {
            users: self.clone(),
            login_id,
            by_user_id,
            tenant_id,
            roles,
            add,
        }
    }

    /// [`add_roles`](Self::add_roles) for the user with this user ID (`U2...`). The service
    /// takes only a login ID here, so the user is loaded by user ID first and the call names
    /// that user's login ID: a login ID that equals another user's ID never redirects it.
    pub fn add_roles_by_user_id<I, S>(&self, user_id: impl Into<String>, roles: I) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.role_request((user_id.into(), true), None, names(roles), true)
    }

    /// [`remove_roles`](Self::remove_roles) for the user with this user ID.
    pub fn remove_roles_by_user_id<I, S>(&self, user_id: impl Into<String>, roles: I) -> UpdateRoles
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.role_request((user_id.into(), true), None, names(roles), false)
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
        self.role_request(
            (user_id.into(), true),
            Some(tenant_id.into()),
            names(roles),
            true,
        )
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
        self.role_request(
            (user_id.into(), true),
            Some(tenant_id.into()),
            names(roles),
            false,
        )
    }

    /// [`add_tenant`](Self::add_tenant) for the user with this user ID.
    pub fn add_tenant_by_user_id(
        &self,
        user_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> UpdateTenant {
        self.tenant_request((user_id.into(), true), tenant_id.into(), true)
    }

    /// [`remove_tenant`](Self::remove_tenant) for the user with this user ID.
    pub fn remove_tenant_by_user_id(
        &self,
        user_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> UpdateTenant {
        self.tenant_request((user_id.into(), true), tenant_id.into(), false)
    }

    /// Makes the user a member of a tenant (roles there: [`add_tenant_roles`](Self::add_tenant_roles)).
    pub fn add_tenant(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> UpdateTenant {
        self.tenant_request((login_id.into(), false), tenant_id.into(), true)
    }

    /// Ends the user's membership of a tenant, with their roles there.
    pub fn remove_tenant(
        &self,
        login_id: impl Into<String>,
        tenant_id: impl Into<String>,
    ) -> UpdateTenant {
        self.tenant_request((login_id.into(), false), tenant_id.into(), false)
    }

    fn tenant_request(&self, user: (String, bool), tenant_id: String, add: bool) -> UpdateTenant {
        let (login_id, by_user_id) = user;
        UpdateTenant {
            users: self.clone(),
            login_id,
            by_user_id,
            tenant_id,
            add,
        }
    }
}
