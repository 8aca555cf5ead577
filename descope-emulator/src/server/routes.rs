//! Every route the emulator serves, in one table: the operations of `openapi.yaml` (password,
//! sessions, OTP and links by email, user management) and the emulator's own (outbox, link
//! page, console, seed import and export). What each one does is in the module it names.

use std::sync::Arc;

use axum::routing::{delete, get, patch, post};
use axum::Router;

use super::{console, email, email_links as links, management as mgmt, network, password};
use super::{idp, issued, phone, roles, sso_settings as sso, tenants, totp, user_admin as admin};
use super::{management_access as access, session, App, Failure};

/// The link routes' kind (`email_links`): magic links, or enchanted links.
const MAGIC: bool = false;
const ENCHANTED: bool = true;

/// The router: every route, the `404`/`405` answers in the service's shape, then the state
/// file's durability and the network guard around all of it.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/v1/auth/password/signup", post(password::sign_up))
        .route("/v1/auth/password/signin", post(password::sign_in))
        .route("/v1/auth/password/replace", post(password::replace))
        .route("/v1/auth/password/update", post(password::update))
        .route("/v1/auth/password/reset", post(password::send_reset))
        .route("/v1/auth/password/policy", get(password::policy))
        .route("/v1/auth/refresh", post(session::refresh::<false>))
        .route("/v1/auth/try-refresh", post(session::refresh::<true>))
        .route("/v1/auth/logout", post(session::logout::<false>))
        .route("/v1/auth/logoutall", post(session::logout::<true>))
        .route("/v1/auth/me", get(session::me))
        .route("/v2/keys/{project_id}", get(session::keys))
        .route("/v1/auth/tenant/select", post(session::select_tenant))
        .route("/v1/auth/me/history", get(session::history))
        .route(
            "/v1/auth/accesskey/exchange",
            post(session::exchange_access_key),
        )
        .route("/v1/auth/otp/signup/email", post(email::otp_sign_up))
        .route("/v1/auth/otp/signin/email", post(email::otp_sign_in))
        .route(
            "/v1/auth/otp/signup-in/email",
            post(email::otp_sign_up_or_in),
        )
        .route("/v1/auth/otp/verify/email", post(email::otp_verify))
        .route("/v1/auth/otp/update/email", post(email::otp_update_email))
        .route(
            "/v1/auth/magiclink/signup/email",
            post(links::sign_up::<MAGIC>),
        )
        .route(
            "/v1/auth/magiclink/signin/email",
            post(links::sign_in::<MAGIC, false>),
        )
        .route(
            "/v1/auth/magiclink/signup-in/email",
            post(links::sign_in::<MAGIC, true>),
        )
        .route("/v1/auth/magiclink/verify", post(links::magic_verify))
        .route(
            "/v1/auth/magiclink/update/email",
            post(links::update_email::<MAGIC>),
        )
        .route(
            "/v1/auth/enchantedlink/signup/email",
            post(links::sign_up::<ENCHANTED>),
        )
        .route(
            "/v1/auth/enchantedlink/signin/email",
            post(links::sign_in::<ENCHANTED, false>),
        )
        .route(
            "/v1/auth/enchantedlink/signup-in/email",
            post(links::sign_in::<ENCHANTED, true>),
        )
        .route(
            "/v1/auth/enchantedlink/verify",
            post(links::enchanted_verify),
        )
        .route(
            "/v1/auth/enchantedlink/pending-session",
            post(links::enchanted_pending_session),
        )
        .route(
            "/v1/auth/enchantedlink/update/email",
            post(links::update_email::<ENCHANTED>),
        )
        // The management routes (`/v2` role add is what the SDKs call; `/v1` is served too).
        .route("/v1/mgmt/user", get(mgmt::load))
        .route("/v1/mgmt/user/create", post(mgmt::create::<false>))
        .route("/v1/mgmt/user/create/test", post(mgmt::create::<true>))
        .route("/v1/mgmt/user/delete", post(mgmt::delete))
        .route(
            "/v1/mgmt/user/test/delete/all",
            delete(mgmt::delete_all_test),
        )
        .route("/v1/mgmt/user/update/status", post(mgmt::update_status))
        .route(
            "/v2/mgmt/user/update/role/add",
            post(mgmt::update_roles::<true>),
        )
        .route(
            "/v1/mgmt/user/update/role/add",
            post(mgmt::update_roles::<true>),
        )
        .route(
            "/v1/mgmt/user/update/role/remove",
            post(mgmt::update_roles::<false>),
        )
        .route(
            "/v1/mgmt/user/update/tenant/add",
            post(mgmt::update_tenant::<true>),
        )
        .route(
            "/v1/mgmt/user/update/tenant/remove",
            post(mgmt::update_tenant::<false>),
        )
        .route(
            "/v1/mgmt/user/password/set/active",
            post(access::set_password::<false>),
        )
        .route(
            "/v1/mgmt/user/password/set/temporary",
            post(access::set_password::<true>),
        )
        .route(
            "/v1/mgmt/user/password/expire",
            post(access::expire_password),
        )
        .route("/v1/mgmt/user/logout", post(access::logout_user))
        .route("/v1/mgmt/license", get(access::license))
        // Tenants, roles, permissions, and user administration.
        .route("/v1/mgmt/tenant", get(tenants::load))
        .route("/v1/mgmt/tenant/create", post(tenants::create))
        .route("/v1/mgmt/tenant/update", post(tenants::update))
        .route("/v1/mgmt/tenant/delete", post(tenants::delete))
        .route("/v1/mgmt/tenant/search", post(tenants::search))
        .route("/v1/mgmt/tenant/all", get(tenants::load_all))
        .route(
            "/v1/mgmt/tenant/settings",
            get(tenants::settings).post(tenants::configure),
        )
        .route("/v1/mgmt/role/create", post(roles::create))
        .route("/v1/mgmt/role/update", post(roles::update))
        .route("/v1/mgmt/role/delete", post(roles::delete))
        .route("/v1/mgmt/role/search", post(roles::search))
        .route("/v1/mgmt/role/all", get(roles::load_all))
        .route("/v1/mgmt/permission/create", post(roles::create_permission))
        .route("/v1/mgmt/permission/update", post(roles::update_permission))
        .route("/v1/mgmt/permission/delete", post(roles::delete_permission))
        .route("/v1/mgmt/permission/all", get(roles::load_all_permissions))
        .route("/v2/mgmt/user/search", post(admin::search))
        .route("/v1/mgmt/users/load", post(admin::load_many))
        .route("/v1/mgmt/user/update", post(admin::update))
        .route("/v1/mgmt/user/patch", patch(admin::patch))
        .route(
            "/v1/mgmt/user/update/email",
            post(admin::update_contact::<false>),
        )
        .route("/v1/mgmt/user/update/name", post(admin::update_name))
        .route(
            "/v1/mgmt/user/update/phone",
            post(admin::update_contact::<true>),
        )
        .route("/v1/mgmt/user/update/loginid", post(admin::update_login_id))
        .route("/v1/mgmt/user/update/role/set", post(admin::set_roles))
        // OAuth and SSO, with the emulator as identity provider (`/v1/auth/saml/*` is where
        // the Node SDK's `sso` goes).
        .route(
            "/v1/auth/oauth/authorize",
            post(idp::oauth_start::<{ idp::ANY }>),
        )
        .route(
            "/v1/auth/oauth/authorize/signin",
            post(idp::oauth_start::<{ idp::SIGN_IN }>),
        )
        .route(
            "/v1/auth/oauth/authorize/signup",
            post(idp::oauth_start::<{ idp::SIGN_UP }>),
        )
        .route(
            "/v1/auth/oauth/authorize/update",
            post(idp::oauth_start::<{ idp::LINK }>),
        )
        .route(
            "/v1/auth/oauth/exchange",
            post(idp::exchange::<{ idp::OAUTH }>),
        )
        .route("/v1/auth/sso/authorize", post(idp::sso_start))
        .route("/v1/auth/saml/authorize", post(idp::sso_start))
        .route("/v1/auth/sso/exchange", post(idp::exchange::<{ idp::SSO }>))
        .route(
            "/v1/auth/saml/exchange",
            post(idp::exchange::<{ idp::SSO }>),
        )
        .route("/v1/mgmt/sso/oidc", post(sso::configure_oidc))
        .route("/v1/mgmt/sso/saml", post(sso::configure_saml))
        .route("/v2/mgmt/sso/settings", get(sso::load))
        .route("/v1/mgmt/sso/settings", delete(sso::delete))
        .route(
            "/emulator/v1/idp/{page}",
            get(idp::idp_page).post(idp::idp_submit),
        )
        // Authenticator apps, and codes by SMS and voice.
        .route("/v1/auth/totp/signup", post(totp::sign_up))
        .route("/v1/auth/totp/verify", post(totp::verify))
        .route("/v1/auth/totp/update", post(totp::update))
        .route("/v1/mgmt/user/totp/delete", post(totp::remove))
        .route(
            "/v1/auth/otp/signup/sms",
            post(phone::sign_up::<{ phone::SMS }>),
        )
        .route(
            "/v1/auth/otp/signup/voice",
            post(phone::sign_up::<{ phone::VOICE }>),
        )
        .route(
            "/v1/auth/otp/signin/sms",
            post(phone::sign_in::<{ phone::SMS }, false>),
        )
        .route(
            "/v1/auth/otp/signin/voice",
            post(phone::sign_in::<{ phone::VOICE }, false>),
        )
        .route(
            "/v1/auth/otp/signup-in/sms",
            post(phone::sign_in::<{ phone::SMS }, true>),
        )
        .route(
            "/v1/auth/otp/signup-in/voice",
            post(phone::sign_in::<{ phone::VOICE }, true>),
        )
        .route("/v1/auth/otp/verify/sms", post(phone::verify))
        .route("/v1/auth/otp/verify/voice", post(phone::verify))
        .route(
            "/v1/auth/otp/update/phone/sms",
            post(phone::update_phone::<{ phone::SMS }>),
        )
        .route(
            "/v1/auth/otp/update/phone/voice",
            post(phone::update_phone::<{ phone::VOICE }>),
        )
        // Sessions the backend issues, embedded links, test users, impersonation consent.
        .route("/v1/mgmt/jwt/update", post(issued::update))
        .route("/v1/mgmt/auth/signin", post(issued::sign_in))
        .route("/v1/mgmt/auth/signup", post(issued::sign_up::<false>))
        .route("/v1/mgmt/auth/signup-in", post(issued::sign_up::<true>))
        .route("/v1/mgmt/auth/anonymous", post(issued::anonymous))
        .route("/v1/mgmt/impersonate", post(issued::impersonate))
        .route(
            "/v1/mgmt/stop/impersonation",
            post(issued::stop_impersonation),
        )
        .route(
            "/v1/mgmt/user/signin/embeddedlink",
            post(issued::embedded_sign_in),
        )
        .route(
            "/v1/mgmt/user/signup/embeddedlink",
            post(issued::embedded_sign_up),
        )
        .route("/v1/mgmt/tests/generate/otp", post(issued::test_otp))
        .route(
            "/v1/mgmt/tests/generate/magiclink",
            post(issued::test_link::<false>),
        )
        .route(
            "/v1/mgmt/tests/generate/enchantedlink",
            post(issued::test_link::<true>),
        )
        .route(
            "/v1/mgmt/user/update/impersonationConsent",
            post(issued::consent),
        )
        // The emulator's own.
        .route(
            "/emulator/v1/outbox",
            get(email::outbox).delete(email::clear_outbox),
        )
        .route("/emulator/v1/link", get(links::link_page))
        .route("/", get(console::page))
        .route("/emulator/v1/console/users", post(console::create_user))
        .route(
            "/emulator/v1/console/users/{user_id}",
            post(console::user_action),
        )
        .route(
            "/emulator/v1/console/outbox/clear",
            post(console::clear_outbox),
        )
        .route("/emulator/v1/console/reset", post(console::reset_all))
        .route("/emulator/v1/export", get(console::export))
        .route("/emulator/v1/import", post(console::import_route))
        .fallback(|| async { Failure::NotFound })
        .method_not_allowed_fallback(|| async { Failure::MethodNotAllowed })
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            super::durable,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            network::guard,
        ))
        .with_state(app)
}
