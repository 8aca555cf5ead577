//! User management (`/v1/mgmt/user...`, `/v2/mgmt/user/update/role/add`), with the management
//! key checked before anything else. Every answer is JSON: `{"user": ...}` for user operations,
//! `{}` for the others, as the Node SDK requires.

use axum::extract::Query;

use super::*;
use descope::wire::{
    CreateUserRequest, DeleteUserRequest, UpdateUserRolesRequest, UpdateUserStatusRequest,
    UpdateUserTenantRequest, UserResponse,
};

/// Checks `Authorization: Bearer <projectId>:<managementKey>` against the configured key.
pub(crate) fn authorize_management(app: &App, headers: &HeaderMap) -> Result<(), Failure> {
    let auth = authorize(app, headers)?;
    let Some(expected) = &app.options.management_key else {
        return Err(Failure::Forbidden(
            "management is off: start the emulator with a management key",
        ));
    };
    let given = auth
        .token
        .ok_or(Failure::Unauthorized("no management key in Authorization"))?;
    let matches = aws_lc_rs::constant_time::verify_slices_are_equal(
        given.as_bytes(),
        expected.secret().as_bytes(),
    )
    .is_ok();
    if !matches {
        return Err(Failure::Unauthorized("the management key is not valid"));
    }
    Ok(())
}

/// A management request without a body (`GET`, `DELETE`): the rate limit, then the key.
pub(crate) fn managed(app: &App, headers: &HeaderMap) -> Result<(), Failure> {
    app.check_rate()?;
    authorize_management(app, headers)
}

/// The body of a management request, once the rate limit and the management key let it in.
pub(super) async fn managed_body<T: DeserializeOwned>(
    app: &App,
    request: Request,
) -> Result<T, Failure> {
    managed(app, request.headers())?;
    parse(request.into_body()).await
}

/// `{"user": ...}`, as the API shows the user (tenant names and permissions as they are now).
pub(super) fn user_reply(app: &App, user: &StoredUser, created: Option<bool>) -> Reply {
    let mut body = UserResponse::default();
    body.user = Some(app.store().user_view(user));
    body.created = created;
    Ok(json(StatusCode::OK, &body))
}

pub(super) fn empty_reply() -> Reply {
    Ok(json(StatusCode::OK, &EmptyResponse(Map::new())))
}

/// Runs `change` on the user `reference` names (login ID or user ID), records the change and
/// answers with the user.
pub(super) fn update_user(
    app: &App,
    reference: &str,
    change: impl FnOnce(&mut StoredUser) -> Result<(), Failure>,
) -> Reply {
    required(reference, "loginId")?;
    let updated = {
        let mut store = app.store();
        let user = store
            .find_mut(reference)
            .ok_or(Failure::ManagedUserNotFound)?;
        change(user)?;
        user.clone()
    };
    user_reply(app, &updated, None)
}

/// The login ID, else the user ID, of a body that names a user either way.
pub(super) fn either<'a>(
    login_id: &'a Option<String>,
    user_id: &'a Option<String>,
) -> Result<&'a str, Failure> {
    login_id
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .or_else(|| user_id.as_deref().filter(|u| !u.trim().is_empty()))
        .ok_or_else(|| Failure::MissingArgument("loginId".into()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LoadQuery {
    login_id: Option<String>,
    user_id: Option<String>,
}

pub(crate) async fn load(
    State(app): AppState,
    headers: HeaderMap,
    query: Result<Query<LoadQuery>, axum::extract::rejection::QueryRejection>,
) -> Reply {
    managed(&app, &headers)?;
    let Ok(Query(query)) = query else {
        return Err(Failure::BadJson("the query string does not parse".into()));
    };
    let user = {
        let store = app.store();
        match (&query.login_id, &query.user_id) {
            (Some(login), _) if !login.trim().is_empty() => store.find(login).cloned(),
            (_, Some(id)) if !id.trim().is_empty() => store.users.get(id.trim()).cloned(),
            _ => return Err(Failure::MissingArgument("loginId".into())),
        }
    };
    user_reply(&app, &user.ok_or(Failure::ManagedUserNotFound)?, None)
}

/// `POST /v1/mgmt/user/create`, and `/v1/mgmt/user/create/test` with `TEST`.
pub(crate) async fn create<const TEST: bool>(State(app): AppState, request: Request) -> Reply {
    let app = &*app;
    let body: CreateUserRequest = managed_body(app, request).await?;
    required(&body.login_id, "loginId")?;
    let login_id = body.login_id.trim().to_owned();
    let mut login_ids = vec![login_id.clone()];
    for extra in body.additional_login_ids.unwrap_or_default() {
        let extra = extra.trim().to_owned();
        if !extra.is_empty() && !login_ids.iter().any(|l| login_key(l) == login_key(&extra)) {
            login_ids.push(extra);
        }
    }
    let status = match body.status.as_deref() {
        None | Some("") => {
            if body.invite == Some(true) {
                "invited"
            } else {
                "enabled"
            }
        }
        Some(s @ ("enabled" | "disabled" | "invited")) => s,
        Some(_) => {
            return Err(Failure::InvalidArgument(
                "status must be enabled, disabled or invited".into(),
            ))
        }
    };
    let mut user = StoredUser {
        user_id: format!("U{}", random_id(27)?),
        login_ids,
        name: body.display_name,
        given_name: body.given_name,
        middle_name: body.middle_name,
        family_name: body.family_name,
        email: body
            .email
            .or_else(|| login_id.contains('@').then(|| login_id.clone())),
        verified_email: body.verified_email.unwrap_or(false),
        phone: body.phone,
        verified_phone: body.verified_phone.unwrap_or(false),
        recovery_email: body.recovery_email,
        recovery_phone: body.recovery_phone,
        picture: body.picture,
        status: status.to_owned(),
        test: TEST,
        roles: dedup(body.role_names.unwrap_or_default()),
        custom_attributes: body.custom_attributes.unwrap_or_default(),
        created_time: app.now(),
        ..StoredUser::default()
    };
    for tenant in body.user_tenants.unwrap_or_default() {
        required(&tenant.tenant_id, "userTenants.tenantId")?;
        let entry = user.tenant_mut(&tenant.tenant_id);
        add_all(&mut entry.roles, tenant.role_names.unwrap_or_default());
    }
    if !app.store().insert_user(user.clone()) {
        return Err(Failure::UserExists);
    }
    user_reply(app, &user, Some(true))
}

pub(super) fn dedup(names: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    add_all(&mut out, names);
    out
}

pub(super) fn add_all(list: &mut Vec<String>, names: Vec<String>) {
    for name in names {
        if !name.trim().is_empty() && !list.contains(&name) {
            list.push(name);
        }
    }
}

/// The user ID of the user a management call names by login ID or user ID.
pub(super) fn managed_user_id(store: &Store, reference: &str) -> Result<String, Failure> {
    let user = store.find(reference).ok_or(Failure::ManagedUserNotFound)?;
    Ok(user.user_id.clone())
}

pub(crate) async fn delete(State(app): AppState, request: Request) -> Reply {
    let body: DeleteUserRequest = managed_body(&app, request).await?;
    let reference = either(&body.login_id, &body.user_id)?;
    {
        let mut store = app.store();
        let user_id = managed_user_id(&store, reference)?;
        store.remove_user(&user_id);
    }
    empty_reply()
}

pub(crate) async fn delete_all_test(State(app): AppState, headers: HeaderMap) -> Reply {
    managed(&app, &headers)?;
    {
        let mut store = app.store();
        let test_users: Vec<String> = store
            .users
            .values()
            .filter(|u| u.test)
            .map(|u| u.user_id.clone())
            .collect();
        for user_id in test_users {
            store.remove_user(&user_id);
        }
    }
    empty_reply()
}

pub(crate) async fn update_status(State(app): AppState, request: Request) -> Reply {
    let body: UpdateUserStatusRequest = managed_body(&app, request).await?;
    let status = match body.status.as_str() {
        s @ ("enabled" | "disabled" | "invited") => s.to_owned(),
        _ => {
            return Err(Failure::InvalidArgument(
                "status must be enabled, disabled or invited".into(),
            ))
        }
    };
    update_user(&app, &body.login_id, |user| {
        user.status = status;
        Ok(())
    })
}

/// `POST /v2/mgmt/user/update/role/add` with `ADD`, `/v1/mgmt/user/update/role/remove` without.
pub(crate) async fn update_roles<const ADD: bool>(State(app): AppState, request: Request) -> Reply {
    let app = &*app;
    let body: UpdateUserRolesRequest = managed_body(app, request).await?;
    let tenant = body.tenant_id.filter(|t| !t.trim().is_empty());
    update_user(app, &body.login_id, |user| {
        let roles = match &tenant {
            None => &mut user.roles,
            // Adding tenant roles makes the user a member; removing needs the membership.
            Some(tenant) if ADD => &mut user.tenant_mut(tenant).roles,
            Some(tenant) => match user.tenants.iter_mut().find(|t| &t.tenant_id == tenant) {
                Some(entry) => &mut entry.roles,
                None => {
                    return Err(Failure::InvalidArgument(
                        "the user is not a member of the tenant".into(),
                    ))
                }
            },
        };
        if ADD {
            add_all(roles, body.role_names);
        } else {
            roles.retain(|r| !body.role_names.contains(r));
        }
        Ok(())
    })
}

/// `POST /v1/mgmt/user/update/tenant/add` with `ADD`, `/v1/mgmt/user/update/tenant/remove`
/// without.
pub(crate) async fn update_tenant<const ADD: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let app = &*app;
    let body: UpdateUserTenantRequest = managed_body(app, request).await?;
    required(&body.tenant_id, "tenantId")?;
    update_user(app, &body.login_id, |user| {
        if ADD {
            user.tenant_mut(&body.tenant_id);
        } else {
            user.tenants.retain(|t| t.tenant_id != body.tenant_id);
        }
        Ok(())
    })
}
