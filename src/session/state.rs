//! What the session side of one client keeps: the validator and its caches, the cookie and
//! origin settings of the web integrations, and the refreshes shared between requests.

use std::sync::atomic::{AtomicBool, Ordering};

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
        })
    }

    /// Traces, once, that the service names its cookies otherwise than the configuration
    /// (a project with custom cookie names): the configured names are still the ones used.
    pub(crate) fn check_cookie_names(&self, service: &CookieSettings) {
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
}
