//! `client.management().users()`: every user operation but create (see [`CreateUser`]).

use crate::operation::Operation;
use std::future::Future;

use super::{api, CreateUser};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::request::{check_login_id, check_password};
use crate::secret::Password;
use crate::transport::send;
use crate::user::{User, UserStatus};
use crate::wire::{
    CreateUserRequest, DeleteUserRequest, ExpirePasswordRequest, SetUserPasswordRequest,
    UpdateUserStatusRequest, UserLogoutRequest, UserResponse,
};

/// User management. Get one with [`ManagementClient::users`](super::ManagementClient::users).
///
/// Methods that name a user take its login ID. The `*_by_user_id` methods take a user ID: where
/// the wire has a user ID field they send it there; where it has none (roles, tenants) they
/// load the user by user ID and name it by its login ID, so a login ID that equals another
/// user's ID never redirects them. Every
/// future owns a clone of the client: it is `'static + Send`, ready for `tokio::spawn`.
#[derive(Clone, Debug)]
pub struct UserManagement {
    pub(crate) client: Client,
}

/// The typed user of a management answer.
pub(super) fn user_of(operation: Operation, response: UserResponse) -> Result<User> {
    let user = response.user.ok_or_else(|| Error::Decode {
        operation,
        reason: "the response has no user".into(),
    })?;
    User::from_wire(operation, user)
}

impl UserManagement {
    /// Creates a user (without a password: set one with
    /// [`set_active_password`](Self::set_active_password)). Add profile fields, roles and
    /// tenants with the builder, then `.await` it for the new [`User`].
    pub fn create(&self, login_id: impl Into<String>) -> CreateUser {
        CreateUser::new(self.client.clone(), login_id.into(), false)
    }

    /// Creates a test user (`test: true`), removable with all others by
    /// [`delete_all_test_users`](Self::delete_all_test_users).
    pub fn create_test_user(&self, login_id: impl Into<String>) -> CreateUser {
        CreateUser::new(self.client.clone(), login_id.into(), true)
    }

    /// The user with this login ID.
    pub(super) fn load_future(
        &self,
        login_id: impl Into<String>,
    ) -> impl Future<Output = Result<User>> + Send {
        let (client, login_id) = (self.client.clone(), login_id.into());
        async move {
            const OP: Operation = Operation::LoadUser;
            check_login_id(&login_id)?;
            let api = api(&client)?;
            let response =
                send(&client.shared, OP, || api.load_user_by_login_id(&login_id)).await?;
            user_of(OP, response.into_inner())
        }
    }

    /// The login ID to name the user by in a call that takes only a login ID: `reference`
    /// itself, or, `by_user_id`, the first login ID of the user loaded by that user ID. (The
    /// service also resolves a user ID given as a login ID, but a user may register a login ID
    /// equal to another user's ID: then it names that user.)
    pub(super) async fn resolve(&self, reference: String, by_user_id: bool) -> Result<String> {
        if !by_user_id {
            return Ok(reference);
        }
        let user = self.load_by_user_id_future(reference).await?;
        user.login_ids
            .into_iter()
            .next()
            .ok_or_else(|| Error::Decode {
                operation: Operation::LoadUser,
                reason: "the user has no login ID".into(),
            })
    }

    /// The user with this user ID (`U2...`).
    pub(super) fn load_by_user_id_future(
        &self,
        user_id: impl Into<String>,
    ) -> impl Future<Output = Result<User>> + Send {
        let (client, user_id) = (self.client.clone(), user_id.into());
        async move {
            const OP: Operation = Operation::LoadUser;
            check_user_id(&user_id)?;
            let api = api(&client)?;
            let response = send(&client.shared, OP, || api.load_user_by_user_id(&user_id)).await?;
            user_of(OP, response.into_inner())
        }
    }

    /// Deletes the user with this login ID, and ends their sessions.
    pub(super) fn delete_future(
        &self,
        login_id: impl Into<String>,
    ) -> impl Future<Output = Result<()>> + Send {
        let (client, login_id) = (self.client.clone(), login_id.into());
        async move {
            check_login_id(&login_id)?;
            let body = DeleteUserRequest {
                login_id: Some(login_id),
                ..Default::default()
            };
            delete(&client, body).await
        }
    }

    /// Deletes the user with this user ID, and ends their sessions.
    pub(super) fn delete_by_user_id_future(
        &self,
        user_id: impl Into<String>,
    ) -> impl Future<Output = Result<()>> + Send {
        let (client, user_id) = (self.client.clone(), user_id.into());
        async move {
            check_user_id(&user_id)?;
            let body = DeleteUserRequest {
                user_id: Some(user_id),
                ..Default::default()
            };
            delete(&client, body).await
        }
    }

    /// Deletes every test user, and only those.
    pub(super) fn delete_all_test_users_future(&self) -> impl Future<Output = Result<()>> + Send {
        let client = self.client.clone();
        async move {
            const OP: Operation = Operation::DeleteAllTestUsers;
            let api = api(&client)?;
            send(&client.shared, OP, || api.delete_all_test_users()).await?;
            Ok(())
        }
    }

    /// Enables a user: they may sign in again.
    pub(super) fn enable_future(
        &self,
        login_id: impl Into<String>,
    ) -> impl Future<Output = Result<User>> + Send {
        self.set_status(login_id.into(), UserStatus::Enabled)
    }

    /// Disables a user: sign-in and refresh are refused until [`enable`](Self::enable).
    pub(super) fn disable_future(
        &self,
        login_id: impl Into<String>,
    ) -> impl Future<Output = Result<User>> + Send {
        self.set_status(login_id.into(), UserStatus::Disabled)
    }

    fn set_status(
        &self,
        login_id: String,
        status: UserStatus,
    ) -> impl Future<Output = Result<User>> + Send {
        let client = self.client.clone();
        async move {
            const OP: Operation = Operation::UpdateUserStatus;
            check_login_id(&login_id)?;
            let api = api(&client)?;
            let body = UpdateUserStatusRequest {
                login_id,
                status: status.as_str().to_owned(),
            };
            let response = send(&client.shared, OP, || api.update_user_status(&body)).await?;
            user_of(OP, response.into_inner())
        }
    }

    /// Sets a password the user signs in with as is.
    pub(super) fn set_active_password_future(
        &self,
        login_id: impl Into<String>,
        password: impl Into<Password>,
    ) -> impl Future<Output = Result<()>> + Send {
        self.set_password(login_id.into(), password.into(), true)
    }

    /// Sets a temporary password: sign-in with it is refused until the user replaces it
    /// ([`PasswordClient::replace`](crate::PasswordClient::replace)).
    pub(super) fn set_temporary_password_future(
        &self,
        login_id: impl Into<String>,
        password: impl Into<Password>,
    ) -> impl Future<Output = Result<()>> + Send {
        self.set_password(login_id.into(), password.into(), false)
    }

    fn set_password(
        &self,
        login_id: String,
        password: Password,
        active: bool,
    ) -> impl Future<Output = Result<()>> + Send {
        let client = self.client.clone();
        async move {
            check_login_id(&login_id)?;
            check_password(&password, "password")?;
            let api = api(&client)?;
            let body = SetUserPasswordRequest { login_id, password };
            if active {
                send(&client.shared, Operation::SetActivePassword, || {
                    api.set_active_password(&body)
                })
                .await?;
            } else {
                send(&client.shared, Operation::SetTemporaryPassword, || {
                    api.set_temporary_password(&body)
                })
                .await?;
            }
            Ok(())
        }
    }

    /// Expires the user's password: sign-in with it is refused until it is replaced or reset.
    pub(super) fn expire_password_future(
        &self,
        login_id: impl Into<String>,
    ) -> impl Future<Output = Result<()>> + Send {
        let (client, login_id) = (self.client.clone(), login_id.into());
        async move {
            const OP: Operation = Operation::ExpirePassword;
            check_login_id(&login_id)?;
            let api = api(&client)?;
            let body = ExpirePasswordRequest { login_id };
            send(&client.shared, OP, || api.expire_password(&body)).await?;
            Ok(())
        }
    }

    /// Signs the user out everywhere: every refresh JWT of theirs is revoked (session JWTs
    /// already issued stay valid until they expire).
    pub(super) fn logout_future(
        &self,
        login_id: impl Into<String>,
    ) -> impl Future<Output = Result<()>> + Send {
        let (client, login_id) = (self.client.clone(), login_id.into());
        async move {
            check_login_id(&login_id)?;
            let body = UserLogoutRequest {
                login_id: Some(login_id),
                ..Default::default()
            };
            logout(&client, body).await
        }
    }

    /// [`logout`](Self::logout) by user ID.
    pub(super) fn logout_by_user_id_future(
        &self,
        user_id: impl Into<String>,
    ) -> impl Future<Output = Result<()>> + Send {
        let (client, user_id) = (self.client.clone(), user_id.into());
        async move {
            check_user_id(&user_id)?;
            let body = UserLogoutRequest {
                user_id: Some(user_id),
                ..Default::default()
            };
            logout(&client, body).await
        }
    }
}

async fn delete(client: &Client, body: DeleteUserRequest) -> Result<()> {
    const OP: Operation = Operation::DeleteUser;
    let api = api(client)?;
    send(&client.shared, OP, || api.delete_user(&body)).await?;
    Ok(())
}

async fn logout(client: &Client, body: UserLogoutRequest) -> Result<()> {
    const OP: Operation = Operation::LogoutUser;
    let api = api(client)?;
    send(&client.shared, OP, || api.logout_user(&body)).await?;
    Ok(())
}

fn check_user_id(user_id: &str) -> Result<()> {
    if user_id.trim().is_empty() {
        return Err(Error::invalid("user ID", "is empty"));
    }
    Ok(())
}

/// Sends a create; shared with [`CreateUser`].
pub(super) async fn create(client: &Client, body: &CreateUserRequest, test: bool) -> Result<User> {
    let op = if test {
        Operation::CreateTestUser
    } else {
        Operation::CreateUser
    };
    check_login_id(&body.login_id)?;
    let api = api(client)?;
    let response = if test {
        send(&client.shared, op, || api.create_test_user(body)).await?
    } else {
        send(&client.shared, op, || api.create_user(body)).await?
    };
    user_of(op, response.into_inner())
}
