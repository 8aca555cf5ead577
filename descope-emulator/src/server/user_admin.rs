//! User administration beyond create and load, behind the management key: search (filters
//! combined with AND, stable pages in creation order, a `total`), batch load, full update,
//! patch, the single-field updates and role set.

use super::lenient::{nullable, text};
use super::management::{add_all, dedup, managed_body, update_user, user_reply};
use super::*;
use crate::store::StoredTenant;

/// The page size when a search gives none (`limit` 0 or absent), and the largest one served.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchBody {
    #[serde(default, deserialize_with = "nullable")]
    tenant_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    role_names: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    login_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    user_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    statuses: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    emails: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    phones: Vec<String>,
    text: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    with_test_user: bool,
    #[serde(default, deserialize_with = "nullable")]
    test_users_only: bool,
    #[serde(default, deserialize_with = "nullable")]
    limit: i64,
    #[serde(default, deserialize_with = "nullable")]
    page: i64,
}

impl SearchBody {
    fn matches(&self, user: &StoredUser) -> bool {
        let status = if user.status.is_empty() {
            "enabled"
        } else {
            user.status.as_str()
        };
        let any = |list: &[String], value: Option<&str>| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x.eq_ignore_ascii_case(v)))
        };
        let text = text(self.text.as_deref()).map(str::to_lowercase);
        let test_ok = if self.test_users_only {
            user.test
        } else {
            self.with_test_user || !user.test
        };
        test_ok
            && (self.tenant_ids.is_empty()
                || user
                    .tenants
                    .iter()
                    .any(|t| self.tenant_ids.contains(&t.tenant_id)))
            && (self.role_names.is_empty()
                || user.roles.iter().any(|r| self.role_names.contains(r)))
            && (self.login_ids.is_empty()
                || user
                    .login_ids
                    .iter()
                    .any(|l| self.login_ids.iter().any(|x| login_key(x) == login_key(l))))
            && (self.user_ids.is_empty() || self.user_ids.contains(&user.user_id))
            && any(&self.statuses, Some(status))
            && any(&self.emails, user.email.as_deref())
            && any(&self.phones, user.phone.as_deref())
            && text.as_deref().is_none_or(|text| {
                user.login_ids
                    .iter()
                    .map(String::as_str)
                    .chain(user.email.as_deref())
                    .chain(user.name.as_deref())
                    .chain(user.phone.as_deref())
                    .any(|field| field.to_lowercase().contains(text))
            })
    }
}

fn users_reply(store: &Store, users: &[&StoredUser], total: usize) -> Reply {
    let users: Vec<descope::wire::ResponseUser> =
        users.iter().map(|u| store.user_view(u)).collect();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "users": users, "total": total }),
    ))
}

/// `POST /v2/mgmt/user/search`: one page of the matches (creation order), and their count.
pub(crate) async fn search(State(app): AppState, request: Request) -> Reply {
    let body: SearchBody = managed_body(&app, request).await?;
    if body.limit < 0 || body.page < 0 {
        return Err(Failure::InvalidArgument(
            "limit and page cannot be negative".into(),
        ));
    }
    let limit = match usize::try_from(body.limit).unwrap_or(MAX_LIMIT) {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    };
    let page = usize::try_from(body.page).unwrap_or(usize::MAX);
    let store = app.store();
    let matches: Vec<&StoredUser> = store
        .users_in_order()
        .into_iter()
        .filter(|u| body.matches(u))
        .collect();
    let start = page.saturating_mul(limit).min(matches.len());
    let end = start.saturating_add(limit).min(matches.len());
    users_reply(&store, &matches[start..end], matches.len())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LoadUsersBody {
    #[serde(default, deserialize_with = "nullable")]
    user_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    include_invalid_users: bool,
}

/// `POST /v1/mgmt/users/load`: the users found (disabled ones with `includeInvalidUsers`),
/// unknown IDs skipped.
pub(crate) async fn load_many(State(app): AppState, request: Request) -> Reply {
    let body: LoadUsersBody = managed_body(&app, request).await?;
    if body.user_ids.is_empty() {
        return Err(Failure::MissingArgument("userIds".into()));
    }
    let store = app.store();
    let users: Vec<&StoredUser> = body
        .user_ids
        .iter()
        .filter_map(|id| store.users.get(id.trim()))
        .filter(|u| body.include_invalid_users || !u.is_disabled())
        .collect();
    users_reply(&store, &users, users.len())
}

/// The user a body names (`loginId`: a login ID or a user ID).
fn reference(body: &Map<String, Value>) -> Result<String, Failure> {
    body.get("loginId")
        .and_then(Value::as_str)
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .ok_or_else(|| Failure::MissingArgument("loginId".into()))
}

/// A string field: `Some(None)` when sent as `null` or empty (cleared), `None` when absent.
fn string(body: &Map<String, Value>, key: &str) -> Result<Option<Option<String>>, Failure> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.trim().to_owned()))),
        Some(_) => Err(Failure::BadJson(format!("{key} is not a string"))),
    }
}

fn field<T: serde::de::DeserializeOwned + Default>(
    body: &Map<String, Value>,
    key: &str,
) -> Result<Option<T>, Failure> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(T::default())),
        Some(value) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|_| Failure::BadJson(format!("{key} has the wrong type"))),
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Membership {
    tenant_id: String,
    #[serde(default, deserialize_with = "nullable")]
    role_names: Vec<String>,
}

/// What an update or patch sends, each field `None` when absent.
struct Changes {
    email: Option<Option<String>>,
    phone: Option<Option<String>>,
    name: Option<Option<String>>,
    given_name: Option<Option<String>>,
    middle_name: Option<Option<String>>,
    family_name: Option<Option<String>>,
    picture: Option<Option<String>>,
    roles: Option<Vec<String>>,
    tenants: Option<Vec<Membership>>,
    custom_attributes: Option<Map<String, Value>>,
    verified_email: Option<bool>,
    verified_phone: Option<bool>,
    status: Option<Option<String>>,
}

impl Changes {
    fn read(body: &Map<String, Value>) -> Result<Self, Failure> {
        // Both SDKs send `displayName`; the published document says `name`.
        let name = match string(body, "displayName")? {
            Some(name) => Some(name),
            None => string(body, "name")?,
        };
        Ok(Self {
            email: string(body, "email")?,
            phone: string(body, "phone")?,
            name,
            given_name: string(body, "givenName")?,
            middle_name: string(body, "middleName")?,
            family_name: string(body, "familyName")?,
            picture: string(body, "picture")?,
            roles: field(body, "roleNames")?,
            tenants: field::<Vec<Membership>>(body, "userTenants")?,
            custom_attributes: field(body, "customAttributes")?,
            verified_email: field(body, "verifiedEmail")?,
            verified_phone: field(body, "verifiedPhone")?,
            status: string(body, "status")?,
        })
    }

    /// Applies what was sent; with `replace`, what was not sent is cleared too (a full update
    /// keeps only the login IDs and the status).
    fn apply(self, user: &mut StoredUser, replace: bool) -> Result<(), Failure> {
        fn set(target: &mut Option<String>, value: Option<Option<String>>, replace: bool) {
            match value {
                Some(value) => *target = value,
                None if replace => *target = None,
                None => {}
            }
        }
        if let Some(Some(status)) = &self.status {
            if !matches!(status.as_str(), "enabled" | "disabled" | "invited") {
                return Err(Failure::InvalidArgument(
                    "status must be enabled, disabled or invited".into(),
                ));
            }
        }
        set(&mut user.email, self.email, replace);
        set(&mut user.phone, self.phone, replace);
        set(&mut user.name, self.name, replace);
        set(&mut user.given_name, self.given_name, replace);
        set(&mut user.middle_name, self.middle_name, replace);
        set(&mut user.family_name, self.family_name, replace);
        set(&mut user.picture, self.picture, replace);
        if let Some(verified) = self.verified_email {
            user.verified_email = verified;
        }
        if let Some(verified) = self.verified_phone {
            user.verified_phone = verified;
        }
        if let Some(roles) = self.roles.or_else(|| replace.then(Vec::new)) {
            user.roles = dedup(roles);
        }
        if let Some(tenants) = self.tenants.or_else(|| replace.then(Vec::new)) {
            let mut memberships: Vec<StoredTenant> = Vec::new();
            for tenant in tenants {
                required(&tenant.tenant_id, "userTenants.tenantId")?;
                user.tenants.retain(|t| t.tenant_id != tenant.tenant_id);
                let mut entry = StoredTenant {
                    tenant_id: tenant.tenant_id.trim().to_owned(),
                    tenant_name: None,
                    roles: Vec::new(),
                    permissions: Vec::new(),
                };
                add_all(&mut entry.roles, tenant.role_names);
                memberships.push(entry);
            }
            user.tenants = memberships;
        }
        if let Some(attributes) = self.custom_attributes.or_else(|| replace.then(Map::new)) {
            user.custom_attributes = attributes;
        }
        if let Some(Some(status)) = self.status {
            user.status = status;
        }
        Ok(())
    }
}

/// `POST /v1/mgmt/user/update`: a full replace (login IDs and status are kept).
pub(crate) async fn update(State(app): AppState, request: Request) -> Reply {
    let body: Map<String, Value> = managed_body(&app, request).await?;
    let changes = Changes::read(&body)?;
    update_user(&app, &reference(&body)?, |user| changes.apply(user, true))
}

/// `PATCH /v1/mgmt/user/patch`: only the keys sent change.
pub(crate) async fn patch(State(app): AppState, request: Request) -> Reply {
    let body: Map<String, Value> = managed_body(&app, request).await?;
    let changes = Changes::read(&body)?;
    update_user(&app, &reference(&body)?, |user| changes.apply(user, false))
}

/// `POST /v1/mgmt/user/update/email` and `/phone` (`PHONE`): the address, verified or not;
/// with `failOnConflict`, refused when it is another user's login ID.
pub(crate) async fn update_contact<const PHONE: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let body: Map<String, Value> = managed_body(&app, request).await?;
    let key = if PHONE { "phone" } else { "email" };
    let value = string(&body, key)?.flatten();
    let verified = field::<bool>(&body, "verified")?.unwrap_or(false);
    let fail_on_conflict = field::<bool>(&body, "failOnConflict")?.unwrap_or(false);
    let reference = reference(&body)?;
    if let (Some(value), true) = (&value, fail_on_conflict) {
        let store = app.store();
        let owner = store.find(value).map(|u| u.user_id.clone());
        let me = store.find(&reference).map(|u| u.user_id.clone());
        if owner.is_some() && owner != me {
            return Err(Failure::UserExists);
        }
    }
    update_user(&app, &reference, |user| {
        if PHONE {
            user.phone = value;
            user.verified_phone = verified;
        } else {
            user.email = value;
            user.verified_email = verified;
        }
        Ok(())
    })
}

/// `POST /v1/mgmt/user/update/name`: the name fields sent.
pub(crate) async fn update_name(State(app): AppState, request: Request) -> Reply {
    let body: Map<String, Value> = managed_body(&app, request).await?;
    let changes = Changes::read(&body)?;
    update_user(&app, &reference(&body)?, |user| {
        let names = Changes {
            name: changes.name,
            given_name: changes.given_name,
            middle_name: changes.middle_name,
            family_name: changes.family_name,
            ..Changes::nothing()
        };
        names.apply(user, false)
    })
}

impl Changes {
    fn nothing() -> Self {
        Self {
            email: None,
            phone: None,
            name: None,
            given_name: None,
            middle_name: None,
            family_name: None,
            picture: None,
            roles: None,
            tenants: None,
            custom_attributes: None,
            verified_email: None,
            verified_phone: None,
            status: None,
        }
    }
}

/// `POST /v1/mgmt/user/update/loginid`: replaces the login ID (refused when another user has
/// the new one); with no new one, removes it (never the last).
pub(crate) async fn update_login_id(State(app): AppState, request: Request) -> Reply {
    let body: Map<String, Value> = managed_body(&app, request).await?;
    let reference = reference(&body)?;
    let new = string(&body, "newLoginId")?.flatten();
    let updated = {
        let mut store = app.store();
        let user = store.find(&reference).ok_or(Failure::ManagedUserNotFound)?;
        let user_id = user.user_id.clone();
        // Named by user ID: the first login ID is the one replaced.
        let old = user
            .login_ids
            .iter()
            .find(|l| login_key(l) == login_key(&reference))
            .or_else(|| user.login_ids.first())
            .cloned()
            .ok_or(Failure::ManagedUserNotFound)?;
        store.change_login(&user_id, &old, new.as_deref())?;
        store
            .users
            .get(&user_id)
            .cloned()
            .ok_or(Failure::ManagedUserNotFound)?
    };
    user_reply(&app, &updated, None)
}

/// `POST /v1/mgmt/user/update/role/set`: replaces the project roles, or with `tenantId` the
/// roles in that tenant (making the user a member).
pub(crate) async fn set_roles(State(app): AppState, request: Request) -> Reply {
    let body: Map<String, Value> = managed_body(&app, request).await?;
    let roles: Vec<String> = field(&body, "roleNames")?.unwrap_or_default();
    let tenant = string(&body, "tenantId")?.flatten();
    update_user(&app, &reference(&body)?, |user| {
        let list = match &tenant {
            Some(tenant) => &mut user.tenant_mut(tenant).roles,
            None => &mut user.roles,
        };
        *list = dedup(roles);
        Ok(())
    })
}
