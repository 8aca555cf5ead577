//! What the axum and actix web apps share besides their pages: the forms they read and the
//! cookie set-up (one interface, two frameworks).

use std::net::SocketAddr;

use descope::session::cookies::SameSite;
use descope::{ClientBuilder, CookieConfig};
use serde::Deserialize;

/// Cookies for an app served at `addr`: `Secure` unless the address is loopback, and
/// `SameSite=Lax`: the identity provider's redirect back to `/oauth/callback` or
/// `/sso/callback` is a cross-site navigation, and browsers send no `Strict` cookie on it or
/// on the redirect to `/me` that follows (the user would land signed out). Cross-site posts are
/// still refused, by `require_same_origin`.
pub fn cookie_config(addr: SocketAddr) -> CookieConfig {
    CookieConfig::default()
        .secure(!addr.ip().is_loopback())
        .same_site(SameSite::Lax)
}

/// The cookie names from `DESCOPE_SESSION_COOKIE_NAME` and `DESCOPE_REFRESH_COOKIE_NAME` as
/// `lookup` reads them (the environment), when set; nothing else is read from it (the
/// embedded emulator's settings stay).
pub fn cookie_names_from(
    builder: ClientBuilder,
    lookup: impl Fn(&str) -> Option<String>,
) -> ClientBuilder {
    builder.from_lookup(|name| match name {
        descope::ENV_SESSION_COOKIE_NAME | descope::ENV_REFRESH_COOKIE_NAME => lookup(name),
        _ => None,
    })
}

/// The sign-up and login form.
#[derive(Deserialize)]
pub struct Credentials {
    pub login_id: String,
    pub password: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// The change-password form.
#[derive(Deserialize)]
pub struct NewPassword {
    pub old_password: String,
    pub new_password: String,
}

/// The forgot-password form.
#[derive(Deserialize)]
pub struct ForgotForm {
    pub login_id: String,
}

/// The reset link's query (`?t=<token>`).
#[derive(Deserialize)]
pub struct ResetLink {
    #[serde(default)]
    pub t: String,
}

/// The new-password form of a reset.
#[derive(Deserialize)]
pub struct ResetForm {
    pub new_password: String,
}

/// The verify-email form (the address to verify).
#[derive(Deserialize)]
pub struct EmailForm {
    pub email: String,
}

/// The emailed code's form (other fields, such as the address, are ignored).
#[derive(Deserialize)]
pub struct CodeForm {
    pub code: String,
}
