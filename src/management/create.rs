//! The create-user builder.

use serde_json::Value;

use super::api;
use super::requests::user_of;
use crate::client::Client;
use crate::error::Result;
use crate::operation::Operation;
use crate::request::{check_login_id, request};
use crate::transport::send;
use crate::user::{User, UserStatus};
use crate::wire::{AssociatedTenant, CreateUserRequest};

request! {
    /// A user creation being prepared; `.await` it (or call [`send`](Self::send)) for the new
    /// [`User`]. Sends what the official SDKs send (`displayName`, `additionalLoginIds`...).
    ///
    /// ```no_run
    /// # async fn run(client: descope::Client) -> Result<(), descope::Error> {
    /// let user = client
    ///     .management()
    ///     .users()
    ///     .create("ada@example.com")
    ///     .display_name("Ada Lovelace")
    ///     .roles(["editor", "viewer"])
    ///     .tenant("T2acme", ["admin"])
    ///     .await?;
    /// assert!(user.has_role("editor"));
    /// # Ok(()) }
    /// ```
    pub struct CreateUser { client: Client, test: bool, body: CreateUserRequest } => Result<User>;
}

impl CreateUser {
    pub(super) fn new(client: Client, login_id: String, test: bool) -> Self {
        Self {
            client,
            test,
            body: CreateUserRequest {
                login_id,
                email: None,
                verified_email: None,
                phone: None,
                verified_phone: None,
                display_name: None,
                given_name: None,
                middle_name: None,
                family_name: None,
                picture: None,
                role_names: None,
                user_tenants: None,
                custom_attributes: None,
                additional_login_ids: None,
                sso_app_ids: None,
                status: None,
                recovery_email: None,
                verified_recovery_email: None,
                recovery_phone: None,
                verified_recovery_phone: None,
                invite: None,
                // What the SDKs send; the path decides.
                test: test.then_some(true),
                send_mail: None,
                send_sms: None,
                invite_url: None,
                template_options: None,
            },
        }
    }

    /// Email address. Defaults to none.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.body.email = Some(email.into());
        self
    }

    /// Whether the email address is verified. Defaults to the service's (no).
    pub fn verified_email(mut self, verified: bool) -> Self {
        self.body.verified_email = Some(verified);
        self
    }

    /// Phone number. Defaults to none.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.body.phone = Some(phone.into());
        self
    }

    /// Whether the phone number is verified. Defaults to the service's (no).
    pub fn verified_phone(mut self, verified: bool) -> Self {
        self.body.verified_phone = Some(verified);
        self
    }

    /// Full name (`displayName`). Defaults to none.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.body.display_name = Some(name.into());
        self
    }

    /// Given name. Defaults to none.
    pub fn given_name(mut self, name: impl Into<String>) -> Self {
        self.body.given_name = Some(name.into());
        self
    }

    /// Middle name. Defaults to none.
    pub fn middle_name(mut self, name: impl Into<String>) -> Self {
        self.body.middle_name = Some(name.into());
        self
    }

    /// Family name. Defaults to none.
    pub fn family_name(mut self, name: impl Into<String>) -> Self {
        self.body.family_name = Some(name.into());
        self
    }

    /// Picture URL. Defaults to none.
    pub fn picture(mut self, url: impl Into<String>) -> Self {
        self.body.picture = Some(url.into());
        self
    }

    /// The email address for password recovery. Defaults to none.
    pub fn recovery_email(mut self, email: impl Into<String>) -> Self {
        self.body.recovery_email = Some(email.into());
        self
    }

    /// The phone number for password recovery. Defaults to none.
    pub fn recovery_phone(mut self, phone: impl Into<String>) -> Self {
        self.body.recovery_phone = Some(phone.into());
        self
    }

    /// A project-level role. Defaults to none.
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.body
            .role_names
            .get_or_insert_with(Vec::new)
            .push(role.into());
        self
    }

    /// Project-level roles, added to any given before. Defaults to none.
    pub fn roles<I, S>(mut self, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body
            .role_names
            .get_or_insert_with(Vec::new)
            .extend(roles.into_iter().map(Into::into));
        self
    }

    /// Membership of a tenant, with roles there (an empty list for none). Defaults to no
    /// tenants.
    pub fn tenant<I, S>(mut self, tenant_id: impl Into<String>, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body
            .user_tenants
            .get_or_insert_with(Vec::new)
            .push(AssociatedTenant {
                tenant_id: tenant_id.into(),
                role_names: Some(roles.into_iter().map(Into::into).collect()),
            });
        self
    }

    /// A custom attribute (as defined in the project). Defaults to none.
    pub fn custom_attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.body
            .custom_attributes
            .get_or_insert_with(Default::default)
            .insert(key.into(), value.into());
        self
    }

    /// Another login ID for the same user (`additionalLoginIds`). Defaults to none.
    pub fn additional_login_id(mut self, login_id: impl Into<String>) -> Self {
        self.body
            .additional_login_ids
            .get_or_insert_with(Vec::new)
            .push(login_id.into());
        self
    }

    /// An SSO application the user may use. Defaults to all.
    pub fn sso_app_id(mut self, app_id: impl Into<String>) -> Self {
        self.body
            .sso_app_ids
            .get_or_insert_with(Vec::new)
            .push(app_id.into());
        self
    }

    /// The initial status. Defaults to the service's (enabled; invited with
    /// [`invite`](Self::invite)).
    pub fn status(mut self, status: UserStatus) -> Self {
        self.body.status = Some(status.as_str().to_owned());
        self
    }

    /// Send the user an invitation. Defaults to no.
    pub fn invite(mut self, invite: bool) -> Self {
        self.body.invite = Some(invite);
        self
    }
}

impl CreateUser {
    async fn run(self) -> Result<User> {
        let Self { client, test, body } = self;
        let op = if test {
            Operation::CreateTestUser
        } else {
            Operation::CreateUser
        };
        check_login_id(&body.login_id)?;
        let api = api(&client)?;
        let response = if test {
            send(&client.shared, op, || api.create_test_user(&body)).await?
        } else {
            send(&client.shared, op, || api.create_user(&body)).await?
        };
        user_of(op, response.into_inner())
    }
}
