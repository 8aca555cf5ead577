//! The user operations other than create and membership, as named builders: each owns a cheap
//! clone of the client and its arguments, is sent by `.await` (or `.send()`), and its future
//! is `'static + Send` (`tokio::spawn(client.management().users().load("id").send())`
//! compiles). Options can be added to a builder later without breaking callers. The
//! constructors are on [`UserManagement`](super::UserManagement).

use super::api;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_login_id, check_password, request};
use crate::secret::Password;
use crate::transport::send;
use crate::user::{User, UserStatus};
use crate::wire::{
    DeleteUserRequest, ExpirePasswordRequest, SetUserPasswordRequest, UpdateUserStatusRequest,
    UserLogoutRequest, UserResponse,
};

/// The typed user of a management answer.
pub(super) fn user_of(operation: Operation, response: UserResponse) -> Result<User> {
    let user = response.user.ok_or_else(|| Error::Decode {
        operation,
        reason: "the response has no user".into(),
    })?;
    User::from_wire(operation, user)
}

/// How a call names its user: by login ID, or by user ID (`U2...`).
#[derive(Clone, Debug)]
pub(crate) enum UserRef {
    /// A login ID.
    LoginId(String),
    /// A user ID.
    UserId(String),
}

impl UserRef {
    /// Refuses an empty reference, naming which kind it is.
    pub(super) fn check(&self) -> Result<()> {
        match self {
            UserRef::LoginId(login_id) => check_login_id(login_id),
            UserRef::UserId(user_id) if user_id.trim().is_empty() => {
                Err(Error::invalid("user ID", "is empty"))
            }
            UserRef::UserId(_) => Ok(()),
        }
    }

    /// The `(loginId, userId)` fields of a body that takes either; the other is not sent.
    fn into_fields(self) -> (Option<String>, Option<String>) {
        match self {
            UserRef::LoginId(login_id) => (Some(login_id), None),
            UserRef::UserId(user_id) => (None, Some(user_id)),
        }
    }

    /// The login ID to name the user by in a call that takes only a login ID: the login ID
    /// itself, or the first login ID of the user loaded by user ID. (The service also resolves
    /// a user ID given as a login ID, but a user may register a login ID equal to another
    /// user's ID: then it names that user.)
    pub(super) async fn login_id(self, client: &Client) -> Result<String> {
        let user_id = match self {
            UserRef::LoginId(login_id) => return Ok(login_id),
            UserRef::UserId(user_id) => user_id,
        };
        let load = LoadUser {
            client: client.clone(),
            user: UserRef::UserId(user_id),
        };
        let user = load.run().await?;
        user.login_ids
            .into_iter()
            .next()
            .ok_or_else(|| Error::Decode {
                operation: Operation::LoadUser,
                reason: "the user has no login ID".into(),
            })
    }
}

request! {
    /// [`UserManagement::load`](super::UserManagement::load) and
    /// [`load_by_user_id`](super::UserManagement::load_by_user_id).
    pub struct LoadUser { client: Client, user: UserRef } => Result<User>;
}

impl LoadUser {
    async fn run(self) -> Result<User> {
        const OP: Operation = Operation::LoadUser;
        self.user.check()?;
        let api = api(&self.client)?;
        let shared = &self.client.shared;
        let response = match &self.user {
            UserRef::LoginId(login_id) => {
                send(shared, OP, || api.load_user_by_login_id(login_id)).await?
            }
            UserRef::UserId(user_id) => {
                send(shared, OP, || api.load_user_by_user_id(user_id)).await?
            }
        };
        user_of(OP, response.into_inner())
    }
}

request! {
    /// [`UserManagement::delete`](super::UserManagement::delete) and
    /// [`delete_by_user_id`](super::UserManagement::delete_by_user_id).
    pub struct DeleteUser { client: Client, user: UserRef } => Result<()>;
}

impl DeleteUser {
    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::DeleteUser;
        self.user.check()?;
        let (login_id, user_id) = self.user.into_fields();
        let body = DeleteUserRequest { login_id, user_id };
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || api.delete_user(&body)).await?;
        Ok(())
    }
}

request! {
    /// [`UserManagement::delete_all_test_users`](super::UserManagement::delete_all_test_users).
    pub struct DeleteAllTestUsers { client: Client } => Result<()>;
}

impl DeleteAllTestUsers {
    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::DeleteAllTestUsers;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || api.delete_all_test_users()).await?;
        Ok(())
    }
}

request! {
    /// [`UserManagement::enable`](super::UserManagement::enable) and
    /// [`disable`](super::UserManagement::disable).
    pub struct SetUserStatus { client: Client, login_id: String, status: UserStatus } => Result<User>;
}

impl SetUserStatus {
    async fn run(self) -> Result<User> {
        const OP: Operation = Operation::UpdateUserStatus;
        check_login_id(&self.login_id)?;
        let api = api(&self.client)?;
        let body = UpdateUserStatusRequest {
            login_id: self.login_id,
            status: self.status.as_str().to_owned(),
        };
        let response = send(&self.client.shared, OP, || api.update_user_status(&body)).await?;
        user_of(OP, response.into_inner())
    }
}

request! {
    /// [`UserManagement::set_active_password`](super::UserManagement::set_active_password) and
    /// [`set_temporary_password`](super::UserManagement::set_temporary_password).
    pub struct SetPassword {
        client: Client,
        login_id: String,
        password: Password,
        temporary: bool,
    } => Result<()>;
}

impl SetPassword {
    async fn run(self) -> Result<()> {
        let Self {
            client,
            login_id,
            password,
            temporary,
        } = self;
        check_login_id(&login_id)?;
        check_password(&password, "password")?;
        let api = api(&client)?;
        let body = SetUserPasswordRequest { login_id, password };
        if temporary {
            send(&client.shared, Operation::SetTemporaryPassword, || {
                api.set_temporary_password(&body)
            })
            .await?;
        } else {
            send(&client.shared, Operation::SetActivePassword, || {
                api.set_active_password(&body)
            })
            .await?;
        }
        Ok(())
    }
}

request! {
    /// [`UserManagement::expire_password`](super::UserManagement::expire_password).
    pub struct ExpirePassword { client: Client, login_id: String } => Result<()>;
}

impl ExpirePassword {
    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::ExpirePassword;
        check_login_id(&self.login_id)?;
        let api = api(&self.client)?;
        let body = ExpirePasswordRequest {
            login_id: self.login_id,
        };
        send(&self.client.shared, OP, || api.expire_password(&body)).await?;
        Ok(())
    }
}

request! {
    /// [`UserManagement::logout`](super::UserManagement::logout) and
    /// [`logout_by_user_id`](super::UserManagement::logout_by_user_id).
    pub struct LogoutUser { client: Client, user: UserRef } => Result<()>;
}

impl LogoutUser {
    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::LogoutUser;
        self.user.check()?;
        let (login_id, user_id) = self.user.into_fields();
        let body = UserLogoutRequest {
            login_id,
            user_id,
            ..Default::default()
        };
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || api.logout_user(&body)).await?;
        Ok(())
    }
}
