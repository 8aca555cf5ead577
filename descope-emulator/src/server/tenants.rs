//! Tenant management (`/v1/mgmt/tenant...`), behind the management key: create, load (the
//! bare tenant, as the SDKs read it), update (a full replace), delete (carried through to the
//! users and the tenant's roles), search, load all, and the tenant's settings.

use axum::extract::Query;

use super::lenient::{nullable, text};
use super::management::{empty_reply, managed, managed_body};
use super::*;
use crate::directory::Tenant;

/// `{"id": ...}` of a tenant, as every tenant answer shows it (`domains` and `authType` are
/// its SSO settings' when it has them).
pub(super) fn tenant_json(tenant: &Tenant) -> Value {
    let setting = |key: &str| match (&tenant.sso, key) {
        (Some(sso), "domains") => Some(serde_json::json!(sso.domains)),
        (Some(sso), "authType") => Some(Value::from(sso.auth_type.clone())),
        _ => tenant.settings.get(key).cloned(),
    };
    serde_json::json!({
        "id": tenant.id,
        "name": tenant.name,
        "selfProvisioningDomains": tenant.self_provisioning_domains,
        "customAttributes": tenant.custom_attributes,
        "createdTime": tenant.created_time,
        "domains": setting("domains").unwrap_or_else(|| Value::Array(Vec::new())),
        "authType": setting("authType").unwrap_or_else(|| Value::from("none")),
        "enforceSSO": setting("enforceSSO").unwrap_or(Value::Bool(false)),
        "disabled": setting("disabled").unwrap_or(Value::Bool(false)),
    })
}

/// Create and update: what both read (the SDKs' extra keys are kept as settings).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TenantBody {
    id: Option<String>,
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    self_provisioning_domains: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    custom_attributes: Map<String, Value>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// The keys of a create or update kept as settings (`enforceSSO`, `disabled`, `authType`...).
fn extras(extra: Map<String, Value>) -> Map<String, Value> {
    extra
        .into_iter()
        .filter(|(key, value)| {
            !value.is_null()
                && matches!(
                    key.as_str(),
                    "enforceSSO" | "disabled" | "authType" | "domains"
                )
        })
        .collect()
}

fn name_of(body: &TenantBody) -> Result<String, Failure> {
    text(body.name.as_deref())
        .map(str::to_owned)
        .ok_or_else(|| Failure::MissingArgument("name".into()))
}

pub(crate) async fn create(State(app): AppState, request: Request) -> Reply {
    let body: TenantBody = managed_body(&app, request).await?;
    let name = name_of(&body)?;
    let id = match text(body.id.as_deref()) {
        Some(id) => id.to_owned(),
        None => format!("T{}", random_id(27)?),
    };
    let tenant = Tenant {
        id: id.clone(),
        name,
        self_provisioning_domains: body.self_provisioning_domains,
        custom_attributes: body.custom_attributes,
        created_time: app.now(),
        settings: extras(body.extra),
        sso: None,
    };
    app.store().directory.add_tenant(tenant)?;
    Ok(json(StatusCode::OK, &serde_json::json!({ "id": id })))
}

pub(crate) async fn update(State(app): AppState, request: Request) -> Reply {
    let body: TenantBody = managed_body(&app, request).await?;
    let id = text(body.id.as_deref())
        .map(str::to_owned)
        .ok_or_else(|| Failure::MissingArgument("id".into()))?;
    let name = name_of(&body)?;
    {
        let mut store = app.store();
        store.directory.tenant_mut(&id)?;
        store.directory.check_tenant_name(&name, Some(&id))?;
        let tenant = store.directory.tenant_mut(&id)?;
        tenant.name = name;
        tenant.self_provisioning_domains = body.self_provisioning_domains;
        tenant.custom_attributes = body.custom_attributes;
        tenant.settings.extend(extras(body.extra));
    }
    empty_reply()
}

#[derive(Deserialize)]
pub(crate) struct IdBody {
    id: Option<String>,
}

/// Deletes the tenant, its roles, and every user's membership of it.
pub(crate) async fn delete(State(app): AppState, request: Request) -> Reply {
    let body: IdBody = managed_body(&app, request).await?;
    let id = text(body.id.as_deref())
        .map(str::to_owned)
        .ok_or_else(|| Failure::MissingArgument("id".into()))?;
    {
        let mut store = app.store();
        store.directory.tenant_mut(&id)?;
        store.directory.tenants.retain(|t| t.id != id);
        store
            .directory
            .roles
            .retain(|r| r.tenant_id.as_deref() != Some(id.as_str()));
        store.remove_tenant_from_users(&id);
    }
    empty_reply()
}

#[derive(Deserialize)]
pub(crate) struct IdQuery {
    id: Option<String>,
}

/// The tenant `id`, or a 400 naming it.
fn known<'a>(store: &'a Store, id: &str) -> Result<&'a Tenant, Failure> {
    store
        .directory
        .tenant(id)
        .ok_or_else(|| Failure::InvalidArgument(format!("tenant {id} does not exist")))
}

fn query_id(
    query: Result<Query<IdQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<String, Failure> {
    let Ok(Query(query)) = query else {
        return Err(Failure::BadJson("the query string does not parse".into()));
    };
    text(query.id.as_deref())
        .map(str::to_owned)
        .ok_or_else(|| Failure::MissingArgument("id".into()))
}

/// The tenant itself, not `{"tenant": ...}`: what both SDKs read.
pub(crate) async fn load(
    State(app): AppState,
    headers: HeaderMap,
    query: Result<Query<IdQuery>, axum::extract::rejection::QueryRejection>,
) -> Reply {
    managed(&app, &headers)?;
    let id = query_id(query)?;
    let store = app.store();
    Ok(json(StatusCode::OK, &tenant_json(known(&store, &id)?)))
}

fn tenants_reply<'a>(tenants: impl Iterator<Item = &'a Tenant>) -> Reply {
    let tenants: Vec<Value> = tenants.map(tenant_json).collect();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "tenants": tenants }),
    ))
}

pub(crate) async fn load_all(State(app): AppState, headers: HeaderMap) -> Reply {
    managed(&app, &headers)?;
    let store = app.store();
    tenants_reply(store.directory.tenants.iter())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchBody {
    #[serde(default, deserialize_with = "nullable")]
    tenant_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    tenant_names: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    tenant_self_provisioning_domains: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    custom_attributes: Map<String, Value>,
}

/// Each given filter keeps the tenants matching any of its values; the filters combine with
/// AND; none given lists every tenant.
pub(crate) async fn search(State(app): AppState, request: Request) -> Reply {
    let body: SearchBody = managed_body(&app, request).await?;
    let store = app.store();
    let matches = |tenant: &&Tenant| {
        (body.tenant_ids.is_empty() || body.tenant_ids.contains(&tenant.id))
            && (body.tenant_names.is_empty()
                || body
                    .tenant_names
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(&tenant.name)))
            && (body.tenant_self_provisioning_domains.is_empty()
                || body
                    .tenant_self_provisioning_domains
                    .iter()
                    .any(|d| tenant.self_provisioning_domains.contains(d)))
            && body
                .custom_attributes
                .iter()
                .all(|(key, value)| tenant.custom_attributes.get(key) == Some(value))
    };
    tenants_reply(store.directory.tenants.iter().filter(matches))
}

/// The settings: the tenant's domains, and the other keys as they were configured.
pub(crate) async fn settings(
    State(app): AppState,
    headers: HeaderMap,
    query: Result<Query<IdQuery>, axum::extract::rejection::QueryRejection>,
) -> Reply {
    managed(&app, &headers)?;
    let id = query_id(query)?;
    let store = app.store();
    let tenant = known(&store, &id)?;
    let mut settings = tenant.settings.clone();
    settings.insert(
        "selfProvisioningDomains".into(),
        serde_json::json!(tenant.self_provisioning_domains),
    );
    settings
        .entry("domains")
        .or_insert_with(|| Value::Array(Vec::new()));
    Ok(json(StatusCode::OK, &settings))
}

/// Sets the tenant's domains from `selfProvisioningDomains` and keeps every other key given.
pub(crate) async fn configure(State(app): AppState, request: Request) -> Reply {
    let mut body: Map<String, Value> = managed_body(&app, request).await?;
    let id = body
        .remove("tenantId")
        .and_then(|v| v.as_str().map(str::to_owned))
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| Failure::MissingArgument("tenantId".into()))?;
    let domains = match body.remove("selfProvisioningDomains") {
        None | Some(Value::Null) => None,
        Some(value) => Some(serde_json::from_value::<Vec<String>>(value).map_err(|_| {
            Failure::BadJson("selfProvisioningDomains is not a list of strings".into())
        })?),
    };
    {
        let mut store = app.store();
        let tenant = store.directory.tenant_mut(&id)?;
        if let Some(domains) = domains {
            tenant.self_provisioning_domains = domains;
        }
        for (key, value) in body {
            if !value.is_null() {
                tenant.settings.insert(key, value);
            }
        }
    }
    empty_reply()
}
