//! `client.management().users()`: the user operations (their builders are in `requests.rs`,
//! `create.rs` and `membership.rs`).

use super::requests::{
    DeleteAllTestUsers, DeleteUser, ExpirePassword, LoadUser, LogoutUser, SetPassword,
    SetUserStatus,
};
use super::CreateUser;
use crate::client::Client;
use crate::secret::Password;
use crate::user::UserStatus;

/// Declares, inside `impl UserManagement`, a method that names its user by login ID and its
/// `_by_user_id` twin, both building the same request:
/// `name, name_by_user_id(arg: T) -> Builder { field: value };` (the builder's `client` and
/// `user` fields are filled in).
macro_rules! by_login_or_user_id {
    ($(
        $(#[$doc:meta])*
        $name:ident, $by_user_id:ident($($arg:ident: $ty:ty),*) -> $builder:ident {
            $($field:ident: $value:expr),* $(,)?
        };
    )*) => {$(
        $(#[$doc])*
        pub fn $name(&self, login_id: impl Into<String>, $($arg: $ty),*) -> $builder {
            $builder {
                client: self.client.clone(),
                user: $crate::management::requests::UserRef::LoginId(login_id.into()),
                $($field: $value),*
            }
        }

        #[doc = concat!(
            "[`", stringify!($name), "`](Self::", stringify!($name),
            ") for the user with this user ID (`U2...`)."
        )]
        pub fn $by_user_id(&self, user_id: impl Into<String>, $($arg: $ty),*) -> $builder {
            $builder {
                client: self.client.clone(),
                user: $crate::management::requests::UserRef::UserId(user_id.into()),
                $($field: $value),*
            }
        }
    )*};
}
pub(super) use by_login_or_user_id;

/// User management. Get one with [`ManagementClient::users`](super::ManagementClient::users).
///
/// Methods that name a user take its login ID. The `*_by_user_id` methods take a user ID: where
/// the wire has a user ID field they send it there; where it has none (roles, tenants) they
/// load the user by user ID and name it by its login ID, so a login ID that equals another
/// user's ID never redirects them. Every future owns a clone of the client: it is
/// `'static + Send`, ready for `tokio::spawn`.
#[derive(Clone, Debug)]
pub struct UserManagement {
    pub(crate) client: Client,
}

impl UserManagement {
    /// Creates a user (without a password: set one with
    /// [`set_active_password`](Self::set_active_password)). Add profile fields, roles and
    /// tenants with the builder, then `.await` it for the new [`User`](crate::User).
    pub fn create(&self, login_id: impl Into<String>) -> CreateUser {
        CreateUser::new(self.client.clone(), login_id.into(), false)
    }

    /// Creates a test user (`test: true`), removable with all others by
    /// [`delete_all_test_users`](Self::delete_all_test_users).
    pub fn create_test_user(&self, login_id: impl Into<String>) -> CreateUser {
        CreateUser::new(self.client.clone(), login_id.into(), true)
    }

    by_login_or_user_id! {
        /// The user with this login ID.
        load, load_by_user_id() -> LoadUser {};

        /// Deletes the user with this login ID, and ends their sessions.
        delete, delete_by_user_id() -> DeleteUser {};

        /// Ends every session of the user with this login ID (their refresh JWTs are revoked;
        /// session JWTs already issued stay valid until they expire).
        logout, logout_by_user_id() -> LogoutUser {};
    }

    /// Deletes every test user, and only those.
    pub fn delete_all_test_users(&self) -> DeleteAllTestUsers {
        DeleteAllTestUsers {
            client: self.client.clone(),
        }
    }

    /// Enables a user: they may sign in again.
    pub fn enable(&self, login_id: impl Into<String>) -> SetUserStatus {
        self.set_status(login_id.into(), UserStatus::Enabled)
    }

    /// Disables a user: sign-in and refresh are refused until [`enable`](Self::enable).
    pub fn disable(&self, login_id: impl Into<String>) -> SetUserStatus {
        self.set_status(login_id.into(), UserStatus::Disabled)
    }

    fn set_status(&self, login_id: String, status: UserStatus) -> SetUserStatus {
        SetUserStatus {
            client: self.client.clone(),
            login_id,
            status,
        }
    }

    /// Sets a password the user signs in with as is.
    pub fn set_active_password(
        &self,
        login_id: impl Into<String>,
        password: impl Into<Password>,
    ) -> SetPassword {
        self.set_password(login_id.into(), password.into(), false)
    }

    /// Sets a temporary password: sign-in with it is refused until the user replaces it
    /// ([`PasswordClient::replace`](crate::PasswordClient::replace)).
    pub fn set_temporary_password(
        &self,
        login_id: impl Into<String>,
        password: impl Into<Password>,
    ) -> SetPassword {
        self.set_password(login_id.into(), password.into(), true)
    }

    fn set_password(&self, login_id: String, password: Password, temporary: bool) -> SetPassword {
        SetPassword {
            client: self.client.clone(),
            login_id,
            password,
            temporary,
        }
    }

    /// Expires the user's password: sign-in with it is refused until it is replaced or reset.
    pub fn expire_password(&self, login_id: impl Into<String>) -> ExpirePassword {
        ExpirePassword {
            client: self.client.clone(),
            login_id: login_id.into(),
        }
    }
}
