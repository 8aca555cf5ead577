//! `client.management().tenants()`: create, load, update (a full replace), delete, search and
//! list tenants, and a tenant's settings.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::api;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_present, request};
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{
    ConfigureTenantSettingsRequest, CreateTenantRequest, DeleteTenantRequest,
    GetTenantSettingsResponse, SearchTenantsRequest, UpdateTenantRequest,
};

/// A tenant of the project.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Tenant {
    /// The tenant ID.
    pub id: String,
    /// Its name (unique in the project).
    pub name: String,
    /// Email domains whose users join the tenant when they sign up.
    pub self_provisioning_domains: Vec<String>,
    /// Custom attributes, as set.
    pub custom_attributes: Map<String, Value>,
    /// When it was created.
    pub created_time: Option<SystemTime>,
    /// How its users authenticate (`none`, `saml`, `oidc`), when the service said.
    pub auth_type: Option<String>,
    /// The email domains of its SSO users (see
    /// [`SsoManagement`](super::SsoManagement)).
    pub domains: Vec<String>,
    /// Whether its users must sign in with SSO.
    pub enforce_sso: bool,
    /// Whether it is disabled.
    pub disabled: bool,
}

impl Tenant {
    pub(super) fn from_wire(operation: Operation, wire: crate::wire::Tenant) -> Result<Self> {
        let id = wire
            .id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| Error::Decode {
                operation,
                reason: "the tenant has no id".into(),
            })?;
        Ok(Self {
            id,
            name: wire.name.unwrap_or_default(),
            self_provisioning_domains: wire.self_provisioning_domains.unwrap_or_default(),
            custom_attributes: wire.custom_attributes.unwrap_or_default(),
            created_time: wire
                .created_time
                .filter(|t| *t > 0)
                .map(crate::time::instant),
            auth_type: wire.auth_type.filter(|a| !a.is_empty()),
            domains: wire.domains.unwrap_or_default(),
            enforce_sso: wire.enforce_sso.unwrap_or(false),
            disabled: wire.disabled.unwrap_or(false),
        })
    }

    fn list(operation: Operation, wire: crate::wire::LoadAllTenantsResponse) -> Result<Vec<Self>> {
        wire.tenants
            .unwrap_or_default()
            .into_iter()
            .map(|t| Self::from_wire(operation, t))
            .collect()
    }
}

/// A tenant's session settings and domains.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TenantSettings {
    /// Email domains whose users join the tenant when they sign up.
    pub self_provisioning_domains: Vec<String>,
    /// The tenant's SSO domains.
    pub domains: Vec<String>,
    /// How its users authenticate, when set.
    pub auth_type: Option<String>,
    /// Whether the tenant's own session settings apply (rather than the project's).
    pub session_settings_enabled: bool,
    /// How long a session JWT lasts, when the tenant sets it.
    pub session_token_expiration: Option<Duration>,
    /// How long a refresh JWT lasts, when the tenant sets it.
    pub refresh_token_expiration: Option<Duration>,
    /// How long a step-up session JWT lasts, when the tenant sets it.
    pub stepup_token_expiration: Option<Duration>,
    /// The inactivity after which a session ends, when enabled.
    pub inactivity_time: Option<Duration>,
}

/// `amount` of `unit` (`minutes`, `hours`, `days`, `weeks`; seconds otherwise).
fn lifetime(amount: Option<i64>, unit: Option<&str>) -> Option<Duration> {
    let amount = u64::try_from(amount?).ok().filter(|a| *a > 0)?;
    let seconds = match unit.unwrap_or("minutes") {
        "seconds" => 1,
        "hours" => 3600,
        "days" => 86_400,
        "weeks" => 604_800,
        _ => 60,
    };
    Some(Duration::from_secs(amount.saturating_mul(seconds)))
}

/// A duration as the wire's amount and unit: the largest unit that divides it (minutes at
/// least, rounded up).
fn amount_and_unit(duration: Duration) -> (i64, String) {
    let minutes = duration.as_secs().div_ceil(60).max(1);
    let (amount, unit) = [(10_080, "weeks"), (1_440, "days"), (60, "hours")]
        .into_iter()
        .find(|(per, _)| minutes.is_multiple_of(*per))
        .map_or((minutes, "minutes"), |(per, unit)| (minutes / per, unit));
    (i64::try_from(amount).unwrap_or(i64::MAX), unit.to_owned())
}

/// Sets an amount-and-unit pair of the settings to `duration`.
fn set_lifetime(amount: &mut Option<i64>, unit: &mut Option<String>, duration: Duration) {
    let (value, name) = amount_and_unit(duration);
    *amount = Some(value);
    *unit = Some(name);
}

impl TenantSettings {
    fn from_wire(wire: GetTenantSettingsResponse) -> Self {
        Self {
            self_provisioning_domains: wire.self_provisioning_domains.unwrap_or_default(),
            domains: wire.domains.unwrap_or_default(),
            auth_type: wire.auth_type.filter(|a| !a.is_empty()),
            session_settings_enabled: wire.enabled.unwrap_or(false),
            session_token_expiration: lifetime(
                wire.session_token_expiration,
                wire.session_token_expiration_unit.as_deref(),
            ),
            refresh_token_expiration: lifetime(
                wire.refresh_token_expiration,
                wire.refresh_token_expiration_unit.as_deref(),
            ),
            stepup_token_expiration: lifetime(
                wire.stepup_token_expiration,
                wire.stepup_token_expiration_unit.as_deref(),
            ),
            inactivity_time: if wire.enable_inactivity.unwrap_or(false) {
                lifetime(wire.inactivity_time, wire.inactivity_time_unit.as_deref())
            } else {
                None
            },
        }
    }
}

/// Tenant management. Get one with [`ManagementClient::tenants`](super::ManagementClient::tenants).
#[derive(Clone, Debug)]
pub struct TenantManagement {
    pub(crate) client: Client,
}

impl TenantManagement {
    /// Creates a tenant named `name`; `.await` it for the new tenant's ID (the one given with
    /// [`CreateTenant::id`], else the service's).
    pub fn create(&self, name: impl Into<String>) -> CreateTenant {
        CreateTenant {
            client: self.client.clone(),
            body: CreateTenantRequest {
                name: Some(name.into()),
                ..Default::default()
            },
        }
    }

    /// The tenant with this ID.
    pub fn load(&self, id: impl Into<String>) -> LoadTenant {
        LoadTenant {
            client: self.client.clone(),
            id: id.into(),
        }
    }

    /// Replaces the tenant's name, self-provisioning domains and custom attributes: what the
    /// builder does not set is cleared.
    pub fn update(&self, id: impl Into<String>, name: impl Into<String>) -> UpdateTenant {
        UpdateTenant {
            client: self.client.clone(),
            body: UpdateTenantRequest {
                id: Some(id.into()),
                name: Some(name.into()),
                ..Default::default()
            },
        }
    }

    /// Deletes the tenant: its users leave it, and its roles go.
    pub fn delete(&self, id: impl Into<String>) -> DeleteTenant {
        DeleteTenant {
            client: self.client.clone(),
            id: id.into(),
        }
    }

    /// Every tenant.
    pub fn load_all(&self) -> LoadAllTenants {
        LoadAllTenants {
            client: self.client.clone(),
        }
    }

    /// The tenants matching every filter set on the builder (each matching any of its
    /// values); with none, every tenant.
    pub fn search(&self) -> SearchTenants {
        SearchTenants {
            client: self.client.clone(),
            body: SearchTenantsRequest::default(),
        }
    }

    /// The tenant's settings.
    pub fn settings(&self, id: impl Into<String>) -> LoadTenantSettings {
        LoadTenantSettings {
            client: self.client.clone(),
            id: id.into(),
        }
    }

    /// Sets the tenant's settings given on the builder (the others stay as they are).
    pub fn configure_settings(&self, id: impl Into<String>) -> ConfigureTenantSettings {
        ConfigureTenantSettings {
            client: self.client.clone(),
            body: ConfigureTenantSettingsRequest {
                tenant_id: Some(id.into()),
                ..Default::default()
            },
        }
    }
}

request! {
    /// [`TenantManagement::create`]: `.await` it for the tenant's ID.
    pub struct CreateTenant { client: Client, body: CreateTenantRequest } => Result<String>;
}

impl CreateTenant {
    setters! {
        /// The tenant's ID. Defaults to one the service makes.
        id(id: impl Into<String>) => Some(body.id);

        /// An email domain whose users join the tenant when they sign up. Defaults to none.
        self_provisioning_domain(domain: impl Into<String>) => push(body.self_provisioning_domains);

        /// A custom attribute (any JSON value). Defaults to none.
        custom_attribute(key: impl Into<String>, value: impl Into<Value>)
            => insert(body.custom_attributes);
    }

    async fn run(self) -> Result<String> {
        const OP: Operation = Operation::CreateTenant;
        check_present(self.body.name.as_deref().unwrap_or_default(), "name")?;
        if let Some(id) = &self.body.id {
            check_present(id, "tenant ID")?;
        }
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.create_tenant(&self.body)).await?;
        match response.into_inner().id {
            Some(id) if !id.is_empty() => Ok(id),
            _ => self.body.id.ok_or_else(|| Error::Decode {
                operation: OP,
                reason: "the answer has no tenant id".into(),
            }),
        }
    }
}

request! {
    /// [`TenantManagement::load`]: `.await` it for the [`Tenant`].
    pub struct LoadTenant { client: Client, id: String } => Result<Tenant>;
}

impl LoadTenant {
    async fn run(self) -> Result<Tenant> {
        const OP: Operation = Operation::LoadTenant;
        check_present(&self.id, "tenant ID")?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.load_tenant(Some(&self.id))).await?;
        Tenant::from_wire(OP, response.into_inner())
    }
}

request! {
    /// [`TenantManagement::update`]: a full replace; `.await` it.
    pub struct UpdateTenant { client: Client, body: UpdateTenantRequest } => Result<()>;
}

impl UpdateTenant {
    setters! {
        /// An email domain whose users join the tenant when they sign up. Defaults to none
        /// (the tenant's domains are cleared).
        self_provisioning_domain(domain: impl Into<String>) => push(body.self_provisioning_domains);

        /// A custom attribute (any JSON value). Defaults to none (the tenant's are cleared).
        custom_attribute(key: impl Into<String>, value: impl Into<Value>)
            => insert(body.custom_attributes);
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::UpdateTenant;
        check_present(self.body.id.as_deref().unwrap_or_default(), "tenant ID")?;
        check_present(self.body.name.as_deref().unwrap_or_default(), "name")?;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || api.update_tenant(&self.body)).await?;
        Ok(())
    }
}

request! {
    /// [`TenantManagement::delete`]: `.await` it.
    pub struct DeleteTenant { client: Client, id: String } => Result<()>;
}

impl DeleteTenant {
    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::DeleteTenant;
        check_present(&self.id, "tenant ID")?;
        let api = api(&self.client)?;
        let body = DeleteTenantRequest {
            id: Some(self.id),
            cascade: None,
        };
        send(&self.client.shared, OP, || api.delete_tenant(&body)).await?;
        Ok(())
    }
}

request! {
    /// [`TenantManagement::load_all`]: `.await` it.
    pub struct LoadAllTenants { client: Client } => Result<Vec<Tenant>>;
}

impl LoadAllTenants {
    async fn run(self) -> Result<Vec<Tenant>> {
        const OP: Operation = Operation::LoadAllTenants;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.load_all_tenants()).await?;
        Tenant::list(OP, response.into_inner())
    }
}

request! {
    /// [`TenantManagement::search`]: set filters, then `.await` it.
    pub struct SearchTenants { client: Client, body: SearchTenantsRequest } => Result<Vec<Tenant>>;
}

impl SearchTenants {
    setters! {
        /// Tenants with one of these IDs. Defaults to any.
        ids(ids: impl IntoIterator<Item = impl Into<String>>) => extend(body.tenant_ids);

        /// Tenants with one of these names. Defaults to any.
        names(names: impl IntoIterator<Item = impl Into<String>>) => extend(body.tenant_names);

        /// Tenants with one of these self-provisioning domains. Defaults to any.
        self_provisioning_domains(domains: impl IntoIterator<Item = impl Into<String>>)
            => extend(body.tenant_self_provisioning_domains);

        /// Tenants whose custom attribute `key` is `value`. Defaults to any.
        custom_attribute(key: impl Into<String>, value: impl Into<Value>)
            => insert(body.custom_attributes);
    }

    async fn run(self) -> Result<Vec<Tenant>> {
        const OP: Operation = Operation::SearchTenants;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || api.search_tenants(&self.body)).await?;
        Tenant::list(OP, response.into_inner())
    }
}

request! {
    /// [`TenantManagement::settings`]: `.await` it.
    pub struct LoadTenantSettings { client: Client, id: String } => Result<TenantSettings>;
}

impl LoadTenantSettings {
    async fn run(self) -> Result<TenantSettings> {
        const OP: Operation = Operation::GetTenantSettings;
        check_present(&self.id, "tenant ID")?;
        let api = api(&self.client)?;
        let response = send(&self.client.shared, OP, || {
            api.get_tenant_settings(Some(&self.id))
        })
        .await?;
        Ok(TenantSettings::from_wire(response.into_inner()))
    }
}

request! {
    /// [`TenantManagement::configure_settings`]: set what changes, then `.await` it.
    pub struct ConfigureTenantSettings {
        client: Client,
        body: ConfigureTenantSettingsRequest,
    } => Result<()>;
}

impl ConfigureTenantSettings {
    setters! {
        /// The tenant's SSO domains. Defaults to unchanged.
        domains(domains: impl IntoIterator<Item = impl Into<String>>) => extend(body.domains);

        /// Email domains whose users join the tenant when they sign up. Defaults to
        /// unchanged.
        self_provisioning_domains(domains: impl IntoIterator<Item = impl Into<String>>)
            => extend(body.self_provisioning_domains);

        /// Whether the tenant's own session settings apply. Defaults to unchanged.
        session_settings_enabled(enabled: bool) => Some(body.enabled);
    }

    /// How long a session JWT lasts (sent in whole minutes, rounded up). Defaults to
    /// unchanged.
    pub fn session_token_expiration(mut self, lifetime: Duration) -> Self {
        let body = &mut self.body;
        set_lifetime(
            &mut body.session_token_expiration,
            &mut body.session_token_expiration_unit,
            lifetime,
        );
        self
    }

    /// How long a refresh JWT lasts (whole minutes, rounded up). Defaults to unchanged.
    pub fn refresh_token_expiration(mut self, lifetime: Duration) -> Self {
        let body = &mut self.body;
        set_lifetime(
            &mut body.refresh_token_expiration,
            &mut body.refresh_token_expiration_unit,
            lifetime,
        );
        self
    }

    /// The inactivity after which a session ends (whole minutes, rounded up); turns the
    /// inactivity check on. Defaults to unchanged.
    pub fn inactivity_time(mut self, inactivity: Duration) -> Self {
        let body = &mut self.body;
        body.enable_inactivity = Some(true);
        set_lifetime(
            &mut body.inactivity_time,
            &mut body.inactivity_time_unit,
            inactivity,
        );
        self
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::ConfigureTenantSettings;
        check_present(
            self.body.tenant_id.as_deref().unwrap_or_default(),
            "tenant ID",
        )?;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || {
            api.configure_tenant_settings(&self.body)
        })
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_go_in_the_largest_whole_unit_and_back() {
        assert_eq!(
            amount_and_unit(Duration::from_secs(3600)),
            (1, "hours".into())
        );
        assert_eq!(
            amount_and_unit(Duration::from_secs(90)),
            (2, "minutes".into())
        );
        assert_eq!(
            amount_and_unit(Duration::from_secs(14 * 86_400)),
            (2, "weeks".into())
        );
        assert_eq!(amount_and_unit(Duration::ZERO), (1, "minutes".into()));
        assert_eq!(
            lifetime(Some(2), Some("days")),
            Some(Duration::from_secs(172_800))
        );
        assert_eq!(lifetime(Some(0), Some("days")), None);
        assert_eq!(lifetime(Some(-1), None), None);
    }
}
