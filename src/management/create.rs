//! The create-user builder.

use serde_json::Value;

use super::api;
use super::requests::user_of;
use crate::client::Client;
use crate::error::Result;
use crate::operation::Operation;
use crate::request::{check_login_id, request};
use crate::setters::setters;
use crate::transport::send;
use crate::user::{User, UserStatus};
use crate::wire::{AssociatedTenant, CreateUserRequest};

/// The profile setters of the builders that write a user (create, update, patch), on a
/// `body` with those fields; `$default` ends each doc (what an unset field means there).
macro_rules! profile_setters {
    ($default:literal) => {
        $crate::setters::setters! {
            #[doc = concat!("Email address. ", $default)]
            email(email: impl Into<String>) => Some(body.email);

            #[doc = concat!("Phone number. ", $default)]
            phone(phone: impl Into<String>) => Some(body.phone);

            #[doc = concat!("Full name (`displayName`). ", $default)]
            display_name(name: impl Into<String>) => Some(body.display_name);

            #[doc = concat!("Given name. ", $default)]
            given_name(name: impl Into<String>) => Some(body.given_name);

            #[doc = concat!("Middle name. ", $default)]
            middle_name(name: impl Into<String>) => Some(body.middle_name);

            #[doc = concat!("Family name. ", $default)]
            family_name(name: impl Into<String>) => Some(body.family_name);

            #[doc = concat!("Picture URL. ", $default)]
            picture(url: impl Into<String>) => Some(body.picture);
        }
    };
}
pub(super) use profile_setters;

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

    profile_setters!("Defaults to none.");

    setters! {
        /// Whether the email address is verified. Defaults to the service's (no).
        verified_email(verified: bool) => Some(body.verified_email);

        /// Whether the phone number is verified. Defaults to the service's (no).
        verified_phone(verified: bool) => Some(body.verified_phone);

        /// The email address for password recovery. Defaults to none.
        recovery_email(email: impl Into<String>) => Some(body.recovery_email);

        /// The phone number for password recovery. Defaults to none.
        recovery_phone(phone: impl Into<String>) => Some(body.recovery_phone);

        /// A project-level role. Defaults to none.
        role(role: impl Into<String>) => push(body.role_names);

        /// Project-level roles, added to any given before. Defaults to none.
        roles(roles: impl IntoIterator<Item = impl Into<String>>) => extend(body.role_names);

        /// A custom attribute (as defined in the project). Defaults to none.
        custom_attribute(key: impl Into<String>, value: impl Into<Value>)
            => insert(body.custom_attributes);

        /// Another login ID for the same user (`additionalLoginIds`). Defaults to none.
        additional_login_id(login_id: impl Into<String>) => push(body.additional_login_ids);

        /// An SSO application the user may use. Defaults to all.
        sso_app_id(app_id: impl Into<String>) => push(body.sso_app_ids);

        /// Send the user an invitation. Defaults to no.
        invite(invite: bool) => Some(body.invite);
    }

    /// Membership of a tenant, with roles there (an empty list for none). Defaults to no
    /// tenants.
    pub fn tenant(
        mut self,
        tenant_id: impl Into<String>,
        roles: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.body
            .user_tenants
            .get_or_insert_with(Vec::new)
            .push(AssociatedTenant {
                tenant_id: tenant_id.into(),
                role_names: Some(roles.into_iter().map(Into::into).collect()),
            });
        self
    }

    /// The initial status. Defaults to the service's (enabled; invited with
    /// [`invite`](Self::invite)).
    pub fn status(mut self, status: UserStatus) -> Self {
        self.body.status = Some(status.as_str().to_owned());
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
