//! What the session side of one client keeps: the validator and its caches, the cookie and
//! origin settings of the web integrations, and the refreshes shared between requests.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;

use http::HeaderMap;

use super::cookies::CookieConfig;
use super::origin::OriginCheck;
use super::shared_refresh::SharedRefreshes;
use super::validate::SessionConfig;
use super::validator::Validator;
use crate::auth_info::CookieSettings;
use crate::error::Result;

/// The session side of a [`Client`](crate::Client), shared by its clones.
pub(crate) struct SessionState {
    pub(crate) validator: Validator,
    pub(crate) cookies: CookieConfig,
    pub(crate) origin: OriginCheck,
    pub(crate) refreshes: SharedRefreshes,
    /// Whether the service's differing cookie names were reported.
    names_reported: AtomicBool,
    /// Where the service last asked session cookies to be set (`cookieDomain`, `cookiePath`),
    /// so that removals with no answer at hand (a refused refresh, a logout while the service
    /// is down) remove the cookies that were set.
    placement: RwLock<Option<CookieSettings>>,
}

impl SessionState {
    pub(crate) fn new(
        project_id: &str,
        config: SessionConfig,
        cookies: CookieConfig,
        origin: OriginCheck,
    ) -> Result<Self> {
        let refreshes = SharedRefreshes::new(
            config.refresh_share_window,
            config.refresh_share_capacity,
            config.clock.clone(),
        );
        Ok(Self {
            validator: Validator::new(project_id, config)?,
            cookies,
            origin,
            refreshes,
            names_reported: AtomicBool::new(false),
            placement: RwLock::new(None),
        })
    }

    /// Takes note of the cookie settings of an answer that issued a session: remembers where
    /// the service asks the cookies to be set, and traces, once, that it names them otherwise
    /// than the configuration (the configured names are still the ones used).
    pub(crate) fn observe_cookies(&self, service: &CookieSettings) {
        self.remember_placement(service);
        if self.cookies.matches_service(service)
            || self.names_reported.swap(true, Ordering::Relaxed)
        {
            return;
        }
        tracing::warn!(
            service_session = %service.session_name,
            service_refresh = %service.refresh_name,
            configured_session = %self.cookies.session_name(),
            configured_refresh = %self.cookies.refresh_name(),
            "descope names its session cookies otherwise than the cookie configuration; \
             the configured names are used (set CookieConfig::names or \
             DESCOPE_SESSION_COOKIE_NAME / DESCOPE_REFRESH_COOKIE_NAME to match)"
        );
    }

    fn remember_placement(&self, service: &CookieSettings) {
        let same = |known: &CookieSettings| {
            known.domain == service.domain
                && known.session_domain == service.session_domain
                && known.path == service.path
        };
        let placement = || self.placement.read().unwrap_or_else(|p| p.into_inner());
        if placement().as_ref().is_some_and(same) {
            return;
        }
        let mut placement = self.placement.write().unwrap_or_else(|p| p.into_inner());
        *placement = Some(CookieSettings {
            domain: service.domain.clone(),
            session_domain: service.session_domain.clone(),
            path: service.path.clone(),
            ..CookieSettings::default()
        });
    }

    /// Appends the `Set-Cookie` headers that remove both session cookies with the `Domain` and
    /// `Path` they were set with: from the configuration, else `service` (the answer at hand),
    /// else where the service last asked them to be set.
    pub(crate) fn clear_cookies(&self, headers: &mut HeaderMap, service: Option<&CookieSettings>) {
        let remembered = match service {
            Some(_) => None,
            None => self
                .placement
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        };
        self.cookies.clear(headers, service.or(remembered.as_ref()));
    }
}
