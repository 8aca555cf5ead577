//! Finding users for a B2B admin page: search (a page, or every page as a stream) and batch
//! load.

use futures_core::Stream;

use super::api;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::request;
use crate::setters::setters;
use crate::transport::send;
use crate::user::{User, UserStatus};
use crate::wire::{LoadUsersRequest, SearchUsersRequest, UsersResponse};

/// The page size of a search that sets none.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// The largest page a search asks for ([`SearchUsers::page_size`] is clamped to it).
pub const MAX_PAGE_SIZE: u32 = 1000;

/// One page of a user search.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct UserPage {
    /// The users of this page, in the service's order.
    pub users: Vec<User>,
    /// How many users match the search in all (not only this page).
    pub total: u64,
    /// This page's number (0-based).
    pub page: u32,
}

fn users_of(operation: Operation, wire: UsersResponse) -> Result<(Vec<User>, u64)> {
    let users: Vec<User> = wire
        .users
        .unwrap_or_default()
        .into_iter()
        .map(|u| User::from_wire(operation, u))
        .collect::<Result<_>>()?;
    let total = wire
        .total
        .and_then(|t| u64::try_from(t).ok())
        .unwrap_or(users.len() as u64);
    Ok((users, total))
}

request! {
    /// A user search being prepared: set filters (they combine with AND; each list matches
    /// any of its values), then `.await` it for one [`UserPage`], or walk every page with
    /// [`pages`](Self::pages) or every user with [`into_stream`](Self::into_stream).
    ///
    /// ```no_run
    /// # async fn run(client: descope::Client) -> Result<(), descope::Error> {
    /// use futures_util::TryStreamExt;
    /// let users = client.management().users();
    /// let page = users.search().tenants(["T2acme"]).text("ada").await?;
    /// println!("{} of {}", page.users.len(), page.total);
    /// let everyone: Vec<descope::User> = users.search().into_stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    #[derive(Clone)]
    pub struct SearchUsers { client: Client, body: SearchUsersRequest } => Result<UserPage>;
}

impl SearchUsers {
    pub(super) fn new(client: Client) -> Self {
        Self {
            client,
            body: SearchUsersRequest::default(),
        }
    }

    setters! {
        /// Members of one of these tenants. Defaults to any.
        tenants(tenant_ids: impl IntoIterator<Item = impl Into<String>>) => extend(body.tenant_ids);

        /// Users with one of these project roles. Defaults to any.
        roles(names: impl IntoIterator<Item = impl Into<String>>) => extend(body.role_names);

        /// Users with one of these login IDs. Defaults to any.
        login_ids(login_ids: impl IntoIterator<Item = impl Into<String>>) => extend(body.login_ids);

        /// Users with one of these user IDs. Defaults to any.
        user_ids(user_ids: impl IntoIterator<Item = impl Into<String>>) => extend(body.user_ids);

        /// Users with one of these email addresses. Defaults to any.
        emails(emails: impl IntoIterator<Item = impl Into<String>>) => extend(body.emails);

        /// Users with one of these phone numbers. Defaults to any.
        phones(phones: impl IntoIterator<Item = impl Into<String>>) => extend(body.phones);

        /// Users whose login IDs, email, name or phone contain this text. Defaults to any.
        text(text: impl Into<String>) => Some(body.text);

        /// Include test users. Defaults to no.
        with_test_users(include: bool) => Some(body.with_test_user);

        /// Only test users. Defaults to no.
        test_users_only(only: bool) => set(body.test_users_only);
    }

    /// Users with one of these statuses. Defaults to any.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = UserStatus>) -> Self {
        self.body
            .statuses
            .extend(statuses.into_iter().map(|s| s.as_str().to_owned()));
        self
    }

    /// How many users a page holds, clamped to 1..=[`MAX_PAGE_SIZE`]. Defaults to
    /// [`DEFAULT_PAGE_SIZE`] (100).
    pub fn page_size(mut self, size: u32) -> Self {
        self.body.limit = i32::try_from(size.clamp(1, MAX_PAGE_SIZE)).ok();
        self
    }

    /// Which page `.await` answers (0-based). Defaults to 0.
    pub fn page(mut self, page: u32) -> Self {
        self.body.page = Some(i32::try_from(page).unwrap_or(i32::MAX));
        self
    }

    fn page_size_or_default(&self) -> u32 {
        self.body
            .limit
            .and_then(|l| u32::try_from(l).ok())
            .filter(|l| *l > 0)
            .unwrap_or(DEFAULT_PAGE_SIZE)
    }

    async fn run(mut self) -> Result<UserPage> {
        const OP: Operation = Operation::SearchUsers;
        let size = self.page_size_or_default();
        self.body.limit = i32::try_from(size).ok();
        let page = self
            .body
            .page
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(0);
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.search_users(&self.body)).await?;
        let (users, total) = users_of(OP, response.into_inner())?;
        Ok(UserPage { users, total, page })
    }

    /// Every page of the search, fetched one at a time as the stream is polled, from the
    /// builder's [`page`](Self::page) on. It ends after the page that reaches the `total`, after
    /// a page shorter than the page size, or after an error (the last item).
    pub fn pages(self) -> impl Stream<Item = Result<UserPage>> + Send + 'static {
        let first = self
            .body
            .page
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(0);
        futures_util::stream::unfold(Some((self, first)), |state| async move {
            let (search, page) = state?;
            let size = u64::from(search.page_size_or_default());
            let result = search.clone().page(page).run().await;
            let next = match &result {
                Ok(found) => {
                    // A short page is the last, whatever `total` says: a service that
                    // repeats a page cannot keep the stream going.
                    let reached = (u64::from(page) + 1).saturating_mul(size);
                    let more = found.users.len() as u64 >= size && reached < found.total;
                    match page.checked_add(1) {
                        Some(next) if more => Some((search, next)),
                        _ => None,
                    }
                }
                Err(_) => None,
            };
            Some((result, next))
        })
    }

    /// Every matching user, page after page as the stream is polled ([`pages`](Self::pages)
    /// flattened); an error is the last item.
    pub fn into_stream(self) -> impl Stream<Item = Result<User>> + Send + 'static {
        use futures_util::TryStreamExt;
        self.pages()
            .map_ok(|page| futures_util::stream::iter(page.users.into_iter().map(Ok)))
            .try_flatten()
    }
}

request! {
    /// [`UserManagement::load_many`](super::UserManagement::load_many): `.await` it.
    pub struct LoadUsers { client: Client, body: LoadUsersRequest } => Result<Vec<User>>;
}

impl LoadUsers {
    pub(super) fn new(client: Client, user_ids: Vec<String>) -> Self {
        Self {
            client,
            body: LoadUsersRequest {
                user_ids,
                include_invalid_users: None,
            },
        }
    }

    setters! {
        /// Include disabled users. Defaults to no.
        include_disabled(include: bool) => Some(body.include_invalid_users);
    }

    async fn run(self) -> Result<Vec<User>> {
        const OP: Operation = Operation::LoadUsers;
        if self.body.user_ids.is_empty() || self.body.user_ids.iter().any(|i| i.trim().is_empty()) {
            return Err(Error::invalid(
                "user IDs",
                "are empty or contain an empty ID",
            ));
        }
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.load_users(&self.body)).await?;
        Ok(users_of(OP, response.into_inner())?.0)
    }
}

impl super::UserManagement {
    /// A user search: set filters, then `.await` it for a page, or walk every page
    /// ([`SearchUsers::pages`]) or every user ([`SearchUsers::into_stream`]).
    pub fn search(&self) -> SearchUsers {
        SearchUsers::new(self.client.clone())
    }

    /// The users with these user IDs that exist (unknown IDs are skipped; disabled users only
    /// with [`LoadUsers::include_disabled`]).
    pub fn load_many(&self, user_ids: impl IntoIterator<Item = impl Into<String>>) -> LoadUsers {
        LoadUsers::new(
            self.client.clone(),
            user_ids.into_iter().map(Into::into).collect(),
        )
    }
}
