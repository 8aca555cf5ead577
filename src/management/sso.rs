//! `client.management().sso()`: a tenant's enterprise SSO settings (OIDC or SAML).

use super::api;
use super::tenants::Tenant;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::federated::check_http_url;
use crate::operation::Operation;
use crate::request::{check_present, request};
use crate::secret::OpaqueToken;
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{
    AttributeMapping, ConfigureSsoOidcRequest, ConfigureSsoSamlRequest, RoleMapping,
    SsoOidcSettings, SsoSamlSettings, SsoSettingsResponse,
};

/// A tenant's SSO settings, as loaded.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SsoSettings {
    /// The tenant, with its SSO [`domains`](Tenant::domains) and
    /// [`auth_type`](Tenant::auth_type) (`saml`, `oidc` or `none`).
    pub tenant: Tenant,
    /// The SSO configuration's ID, when the tenant has several.
    pub sso_id: Option<String>,
    /// The OIDC settings, when the tenant has them.
    pub oidc: Option<OidcSettings>,
    /// The SAML settings, when the tenant has them.
    pub saml: Option<SamlSettings>,
}

/// A tenant's OIDC identity provider (its client secret is never returned).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OidcSettings {
    /// The provider's display name.
    pub name: String,
    /// The OAuth client ID at the provider.
    pub client_id: String,
    /// The provider's authorization endpoint.
    pub auth_url: String,
    /// The provider's token endpoint.
    pub token_url: String,
    /// The provider's user-info endpoint.
    pub user_data_url: String,
    /// The provider's issuer.
    pub issuer: String,
    /// The scopes requested.
    pub scope: Vec<String>,
    /// Where the user goes after signing in, when set on the settings.
    pub redirect_url: Option<String>,
}

/// A tenant's SAML identity provider.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SamlSettings {
    /// The identity provider's SSO URL (configured as `idp_url`).
    pub idp_sso_url: String,
    /// The identity provider's entity ID (configured as `entity_id`).
    pub idp_entity_id: String,
    /// The identity provider's signing certificate (configured as `idp_cert`).
    pub idp_certificate: String,
    /// Descope's entity ID, as the identity provider knows it.
    pub sp_entity_id: String,
    /// Descope's assertion consumer service URL.
    pub sp_acs_url: String,
    /// Where the user goes after signing in, when no start names a redirect URL.
    pub redirect_url: Option<String>,
    /// Roles given to every SSO user of the tenant.
    pub default_sso_roles: Vec<String>,
    /// Roles given by the identity provider's groups: `(role name, groups)`.
    pub group_roles: Vec<(String, Vec<String>)>,
}

fn text(value: Option<String>) -> String {
    value.unwrap_or_default()
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

impl SsoSettings {
    fn from_wire(operation: Operation, wire: SsoSettingsResponse) -> Result<Self> {
        let tenant = wire.tenant.ok_or_else(|| Error::Decode {
            operation,
            reason: "the answer has no tenant".into(),
        })?;
        let oidc = wire
            .oidc
            .filter(|o| o.client_id.as_deref().is_some_and(|c| !c.is_empty()))
            .map(|o| OidcSettings {
                name: text(o.name),
                client_id: text(o.client_id),
                auth_url: text(o.auth_url),
                token_url: text(o.token_url),
                user_data_url: text(o.user_data_url),
                issuer: text(o.issuer),
                scope: o.scope.unwrap_or_default(),
                redirect_url: non_empty(o.redirect_url),
            });
        let saml = wire
            .saml
            .filter(|s| s.idp_sso_url.as_deref().is_some_and(|u| !u.is_empty()))
            .map(|s| SamlSettings {
                idp_sso_url: text(s.idp_sso_url),
                idp_entity_id: text(s.idp_entity_id),
                idp_certificate: text(s.idp_certificate),
                sp_entity_id: text(s.sp_entity_id),
                sp_acs_url: text(s.sp_acs_url),
                redirect_url: non_empty(s.redirect_url),
                default_sso_roles: s.default_sso_roles.unwrap_or_default(),
                group_roles: (s.groups_mapping.unwrap_or_default().into_iter())
                    .filter_map(|m| {
                        let role = non_empty(m.role?.name)?;
                        Some((role, m.groups.unwrap_or_default()))
                    })
                    .collect(),
            });
        Ok(Self {
            tenant: Tenant::from_wire(operation, tenant)?,
            sso_id: non_empty(wire.sso_id),
            oidc,
            saml,
        })
    }
}

/// SSO settings management. Get one with
/// [`ManagementClient::sso`](super::ManagementClient::sso). A tenant has OIDC or SAML
/// settings; configuring one replaces what the tenant had, and its `domains` are how
/// [`client.sso().start`](crate::SsoClient::start) finds the tenant from a user's email.
///
/// ```no_run
/// # async fn run(client: descope::Client) -> Result<(), descope::Error> {
/// (client.management().sso())
///     .configure_saml("T-acme")
///     .idp_url("https://idp.acme.com/sso")
///     .entity_id("https://idp.acme.com/entity")
///     .idp_cert("MIIC...")
///     .domain("acme.com")
///     .await?;
/// let settings = client.management().sso().load("T-acme").await?;
/// assert_eq!(settings.tenant.domains, ["acme.com"]);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct SsoManagement {
    pub(crate) client: Client,
}

impl SsoManagement {
    /// Sets the tenant's SSO to an OIDC identity provider.
    pub fn configure_oidc(&self, tenant_id: impl Into<String>) -> ConfigureOidc {
        ConfigureOidc {
            client: self.client.clone(),
            body: ConfigureSsoOidcRequest {
                tenant_id: Some(tenant_id.into()),
                settings: Some(SsoOidcSettings::default()),
                ..Default::default()
            },
        }
    }

    /// Sets the tenant's SSO to a SAML identity provider.
    pub fn configure_saml(&self, tenant_id: impl Into<String>) -> ConfigureSaml {
        ConfigureSaml {
            client: self.client.clone(),
            body: ConfigureSsoSamlRequest {
                tenant_id: Some(tenant_id.into()),
                settings: Some(SsoSamlSettings::default()),
                ..Default::default()
            },
        }
    }

    /// The tenant's SSO settings.
    pub fn load(&self, tenant_id: impl Into<String>) -> LoadSsoSettings {
        LoadSsoSettings {
            client: self.client.clone(),
            tenant_id: tenant_id.into(),
            sso_id: None,
        }
    }

    /// Deletes the tenant's SSO settings: SSO starts for it are refused afterwards.
    pub fn delete(&self, tenant_id: impl Into<String>) -> DeleteSsoSettings {
        DeleteSsoSettings {
            client: self.client.clone(),
            tenant_id: tenant_id.into(),
            sso_id: None,
        }
    }
}

request! {
    /// [`SsoManagement::configure_oidc`]: `.await` it.
    pub struct ConfigureOidc { client: Client, body: ConfigureSsoOidcRequest } => Result<()>;
}

impl ConfigureOidc {
    fn settings(&mut self) -> &mut SsoOidcSettings {
        self.body.settings.get_or_insert_with(Default::default)
    }

    setters! {
        /// The provider's display name. Defaults to none.
        name(name: impl Into<String>) => Some(settings().name);

        /// The OAuth client ID at the provider (required).
        client_id(client_id: impl Into<String>) => Some(settings().client_id);

        /// The OAuth client secret at the provider. Defaults to none (PKCE-only clients).
        client_secret(secret: impl Into<OpaqueToken>) => Some(settings().client_secret);

        /// The provider's authorization endpoint, an absolute `http(s)` URL. Defaults to
        /// none.
        auth_url(url: impl Into<String>) => Some(settings().auth_url);

        /// The provider's token endpoint, an absolute `http(s)` URL. Defaults to none.
        token_url(url: impl Into<String>) => Some(settings().token_url);

        /// The provider's user-info endpoint, an absolute `http(s)` URL. Defaults to none.
        user_data_url(url: impl Into<String>) => Some(settings().user_data_url);

        /// The provider's key set URL, an absolute `http(s)` URL. Defaults to none.
        jwks_url(url: impl Into<String>) => Some(settings().jw_ks_url);

        /// The provider's issuer. Defaults to none.
        issuer(issuer: impl Into<String>) => Some(settings().issuer);

        /// Adds scopes to request (`openid`, `email`, `profile`). Defaults to none.
        scope(scopes: impl IntoIterator<Item = impl Into<String>>) => extend(settings().scope);

        /// Where the user goes after signing in when a start names none. Defaults to none.
        redirect_url(url: impl Into<String>) => Some(settings().redirect_url);

        /// An email domain whose users sign in with this tenant's SSO. Defaults to none.
        domain(domain: impl Into<String>) => push(body.domains);

        /// Which of the tenant's SSO configurations this is. Defaults to the default one.
        sso_id(sso_id: impl Into<String>) => Some(body.sso_id);
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::ConfigureSsoOidc;
        check_present(
            self.body.tenant_id.as_deref().unwrap_or_default(),
            "tenant ID",
        )?;
        let settings = self.body.settings.as_ref();
        let field = |get: fn(&SsoOidcSettings) -> Option<&String>| settings.and_then(get);
        check_present(
            field(|s| s.client_id.as_ref()).map_or("", |c| c),
            "client ID",
        )?;
        for (url, name) in [
            (field(|s| s.auth_url.as_ref()), "auth URL"),
            (field(|s| s.token_url.as_ref()), "token URL"),
            (field(|s| s.user_data_url.as_ref()), "user data URL"),
            (field(|s| s.jw_ks_url.as_ref()), "JWKs URL"),
            (field(|s| s.redirect_url.as_ref()), "redirect URL"),
        ] {
            if let Some(url) = url {
                check_http_url(url, name)?;
            }
        }
        check_domains(&self.body.domains)?;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || {
            api.configure_sso_oidc(&self.body)
        })
        .await?;
        Ok(())
    }
}

/// Refuses an empty domain or one with a scheme, path or `@`.
fn check_domains(domains: &[String]) -> Result<()> {
    for domain in domains {
        check_present(domain, "domain")?;
        if domain.contains(['/', '@', ':', ' ']) {
            return Err(Error::invalid("domain", "is not a domain name"));
        }
    }
    Ok(())
}

request! {
    /// [`SsoManagement::configure_saml`]: `.await` it.
    pub struct ConfigureSaml { client: Client, body: ConfigureSsoSamlRequest } => Result<()>;
}

impl ConfigureSaml {
    fn settings(&mut self) -> &mut SsoSamlSettings {
        self.body.settings.get_or_insert_with(Default::default)
    }

    fn attributes(&mut self) -> &mut AttributeMapping {
        self.settings()
            .attribute_mapping
            .get_or_insert_with(Default::default)
    }

    /// Gives the role `role_name` to users in any of the identity provider's `groups`.
    /// Defaults to none.
    pub fn group_role(
        mut self,
        groups: impl IntoIterator<Item = impl Into<String>>,
        role_name: impl Into<String>,
    ) -> Self {
        self.settings().role_mappings.push(RoleMapping {
            groups: Some(groups.into_iter().map(Into::into).collect()),
            role_name: Some(role_name.into()),
        });
        self
    }

    setters! {
        /// The identity provider's SSO URL, an absolute `http(s)` URL (required).
        idp_url(url: impl Into<String>) => Some(settings().idp_url);

        /// The identity provider's entity ID (required).
        entity_id(entity_id: impl Into<String>) => Some(settings().entity_id);

        /// The identity provider's signing certificate, PEM or base64 (required).
        idp_cert(cert: impl Into<String>) => Some(settings().idp_cert);

        /// Descope's assertion consumer service URL, as the identity provider has it.
        /// Defaults to the service's.
        sp_acs_url(url: impl Into<String>) => Some(settings().sp_acs_url);

        /// Descope's entity ID, as the identity provider has it. Defaults to the service's.
        sp_entity_id(entity_id: impl Into<String>) => Some(settings().sp_entity_id);

        /// A role given to every SSO user of the tenant. Defaults to none.
        default_sso_role(role: impl Into<String>) => push(settings().default_sso_roles);

        /// The assertion attribute holding the user's name. Defaults to the service's.
        name_attribute(attribute: impl Into<String>) => Some(attributes().name);

        /// The assertion attribute holding the user's email. Defaults to the service's.
        email_attribute(attribute: impl Into<String>) => Some(attributes().email);

        /// The assertion attribute holding the user's groups. Defaults to the service's.
        group_attribute(attribute: impl Into<String>) => Some(attributes().group);

        /// Where the user goes after signing in when a start names none, an absolute
        /// `http(s)` URL. Defaults to none (every start must name one).
        redirect_url(url: impl Into<String>) => Some(body.redirect_url);

        /// An email domain whose users sign in with this tenant's SSO. Defaults to none.
        domain(domain: impl Into<String>) => push(body.domains);

        /// Which of the tenant's SSO configurations this is. Defaults to the default one.
        sso_id(sso_id: impl Into<String>) => Some(body.sso_id);
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::ConfigureSsoSaml;
        check_present(
            self.body.tenant_id.as_deref().unwrap_or_default(),
            "tenant ID",
        )?;
        let settings = self.body.settings.as_ref();
        let field = |get: fn(&SsoSamlSettings) -> Option<&String>| {
            settings.and_then(get).map_or("", |v| v.as_str())
        };
        check_http_url(field(|s| s.idp_url.as_ref()), "IdP URL")?;
        check_present(field(|s| s.entity_id.as_ref()), "entity ID")?;
        check_present(field(|s| s.idp_cert.as_ref()), "IdP certificate")?;
        if let Some(url) = &self.body.redirect_url {
            check_http_url(url, "redirect URL")?;
        }
        check_domains(&self.body.domains)?;
        let api = api(&self.client)?;
        send(&self.client.shared, OP, || {
            api.configure_sso_saml(&self.body)
        })
        .await?;
        Ok(())
    }
}

request! {
    /// [`SsoManagement::load`]: `.await` it for the [`SsoSettings`].
    pub struct LoadSsoSettings { client: Client, tenant_id: String, sso_id: Option<String> }
        => Result<SsoSettings>;
}

impl LoadSsoSettings {
    setters! {
        /// Which of the tenant's SSO configurations. Defaults to the default one.
        sso_id(sso_id: impl Into<String>) => Some(sso_id);
    }

    async fn run(self) -> Result<SsoSettings> {
        const OP: Operation = Operation::LoadSsoSettings;
        check_present(&self.tenant_id, "tenant ID")?;
        let api = api(&self.client)?;
        let (tenant, sso_id) = (Some(self.tenant_id.as_str()), self.sso_id.as_deref());
        let response = send(&self.client.shared, OP, || {
            api.load_sso_settings(sso_id, tenant)
        })
        .await?;
        SsoSettings::from_wire(OP, response.into_inner())
    }
}

request! {
    /// [`SsoManagement::delete`]: `.await` it.
    pub struct DeleteSsoSettings { client: Client, tenant_id: String, sso_id: Option<String> }
        => Result<()>;
}

impl DeleteSsoSettings {
    setters! {
        /// Which of the tenant's SSO configurations. Defaults to the default one.
        sso_id(sso_id: impl Into<String>) => Some(sso_id);
    }

    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::DeleteSsoSettings;
        check_present(&self.tenant_id, "tenant ID")?;
        let api = api(&self.client)?;
        let (tenant, sso_id) = (Some(self.tenant_id.as_str()), self.sso_id.as_deref());
        send(&self.client.shared, OP, || {
            api.delete_sso_settings(sso_id, tenant)
        })
        .await?;
        Ok(())
    }
}
