//! A tenant's SSO settings (`/v1/mgmt/sso/*`, `/v2/mgmt/sso/settings`), behind the management
//! key: configure OIDC or SAML (replacing what the tenant had), load in the shape both SDKs
//! read (the SAML renames `idpUrl` → `idpSSOUrl`, `entityId` → `idpEntityId`, `idpCert` →
//! `idpCertificate`; `groupsMapping` entries as `{role:{id,name},groups}`), and delete.

use std::collections::HashMap;

use axum::extract::Query;

use super::email_flow::check_link_url;
use super::management::{empty_reply, managed, managed_body};
use super::tenants::tenant_json;
use super::*;
use crate::seed::SsoRecord;

/// What a configure call sends, read leniently (nulls and unknown keys ignored).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConfigureBody {
    tenant_id: Option<String>,
    settings: Option<Map<String, Value>>,
    domains: Option<Vec<Option<String>>>,
    redirect_url: Option<String>,
}

/// `POST /v1/mgmt/sso/oidc`.
pub(super) async fn configure_oidc(State(app): AppState, request: Request) -> Reply {
    let body: ConfigureBody = managed_body(&app, request).await?;
    configure(&app, body, "oidc")
}

/// `POST /v1/mgmt/sso/saml`.
pub(super) async fn configure_saml(State(app): AppState, request: Request) -> Reply {
    let body: ConfigureBody = managed_body(&app, request).await?;
    configure(&app, body, "saml")
}

fn configure(app: &App, body: ConfigureBody, auth_type: &str) -> Reply {
    let tenant_id = body.tenant_id.unwrap_or_default();
    required(&tenant_id, "tenantId")?;
    let mut settings: Map<String, Value> = (body.settings.unwrap_or_default().into_iter())
        .filter(|(key, value)| !value.is_null() && key != "clientSecret")
        .collect();
    for key in [
        "idpUrl",
        "authUrl",
        "tokenUrl",
        "userDataUrl",
        "JWKsUrl",
        "redirectUrl",
    ] {
        if let Some(url) = settings
            .get(key)
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
        {
            check_link_url(url)?;
        }
    }
    let redirect_url = body
        .redirect_url
        .or_else(|| {
            settings
                .remove("redirectUrl")
                .and_then(|v| v.as_str().map(str::to_owned))
        })
        .filter(|u| !u.trim().is_empty());
    if let Some(url) = &redirect_url {
        check_link_url(url)?;
    }
    let domains = (body.domains.unwrap_or_default().into_iter())
        .flatten()
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .collect();
    let sso = SsoRecord {
        auth_type: auth_type.to_owned(),
        domains,
        redirect_url,
        settings,
    };
    app.store().directory.tenant_mut(&tenant_id)?.sso = Some(sso);
    empty_reply()
}

type TenantQuery = Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;

fn tenant_id(query: TenantQuery) -> Result<String, Failure> {
    let Ok(Query(query)) = query else {
        return Err(Failure::BadJson("the query string does not parse".into()));
    };
    let id = query
        .get("tenantId")
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    required(&id, "tenantId")?;
    Ok(id)
}

/// `GET /v2/mgmt/sso/settings?tenantId=`.
pub(super) async fn load(State(app): AppState, headers: HeaderMap, query: TenantQuery) -> Reply {
    managed(&app, &headers)?;
    let id = tenant_id(query)?;
    let store = app.store();
    let tenant = store
        .directory
        .tenant(&id)
        .ok_or_else(|| Failure::InvalidArgument(format!("tenant {id} does not exist")))?;
    let sso = tenant.sso.clone().unwrap_or_default();
    let setting = |key: &str| sso.settings.get(key).cloned().unwrap_or(Value::from(""));
    let list = |key: &str| {
        sso.settings
            .get(key)
            .cloned()
            .unwrap_or(Value::Array(Vec::new()))
    };
    let (oidc, saml) = (sso.auth_type == "oidc", sso.auth_type == "saml");
    let redirect = Value::from(sso.redirect_url.clone().unwrap_or_default());
    let groups: Vec<Value> = match sso.settings.get("roleMappings").and_then(Value::as_array) {
        Some(mappings) if saml => mappings
            .iter()
            .filter_map(|m| {
                let role = m.get("roleName")?.as_str()?;
                Some(serde_json::json!({
                    "role": {"id": role, "name": role},
                    "groups": m.get("groups").cloned().unwrap_or(Value::Array(Vec::new())),
                }))
            })
            .collect(),
        _ => Vec::new(),
    };
    let pick = |on: bool, value: Value| if on { value } else { Value::from("") };
    let answer = serde_json::json!({
        "tenant": tenant_json(tenant),
        "ssoId": "",
        "oidc": {
            "name": pick(oidc, setting("name")),
            "clientId": pick(oidc, setting("clientId")),
            "redirectUrl": pick(oidc, redirect.clone()),
            "authUrl": pick(oidc, setting("authUrl")),
            "tokenUrl": pick(oidc, setting("tokenUrl")),
            "userDataUrl": pick(oidc, setting("userDataUrl")),
            "JWKsUrl": pick(oidc, setting("JWKsUrl")),
            "issuer": pick(oidc, setting("issuer")),
            "scope": if oidc { list("scope") } else { Value::Array(Vec::new()) },
            "userAttrMapping": if oidc { sso.settings.get("userAttrMapping").cloned().unwrap_or(Value::Null) } else { Value::Null },
        },
        "saml": {
            "idpSSOUrl": pick(saml, setting("idpUrl")),
            "idpEntityId": pick(saml, setting("entityId")),
            "idpCertificate": pick(saml, setting("idpCert")),
            "spEntityId": pick(saml, setting("spEntityId")),
            "spACSUrl": pick(saml, setting("spACSUrl")),
            "redirectUrl": pick(saml, redirect),
            "defaultSSORoles": if saml { list("defaultSSORoles") } else { Value::Array(Vec::new()) },
            "attributeMapping": if saml { sso.settings.get("attributeMapping").cloned().unwrap_or(Value::Null) } else { Value::Null },
            "groupsMapping": groups,
        },
    });
    Ok(json(StatusCode::OK, &answer))
}

/// `DELETE /v1/mgmt/sso/settings?tenantId=`: SSO starts for the tenant are refused afterwards.
pub(super) async fn delete(State(app): AppState, headers: HeaderMap, query: TenantQuery) -> Reply {
    managed(&app, &headers)?;
    let id = tenant_id(query)?;
    app.store().directory.tenant_mut(&id)?.sso = None;
    empty_reply()
}
