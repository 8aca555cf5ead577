//! Sign-in through another identity provider: social login (`client.oauth()`) and a tenant's
//! enterprise SSO (`client.sso()`), and the browser side of both (`login_state`): a start
//! gives the URL to send the browser to; the provider sends it back to the app's callback with
//! a one-time `code`, which an exchange turns into a session.

mod callback;
mod exchange;
mod login_state;
mod oauth;
mod provider;
mod sso;

pub use callback::{CallbackRefusal, CallbackSignIn, LoginCallback};
pub use exchange::CodeExchange;
pub use login_state::{LoginRedirect, LOGIN_STATE_COOKIE, LOGIN_STATE_LIFETIME, LOGIN_STATE_PARAM};
pub use oauth::{OAuthClient, OAuthStart};
pub use provider::Provider;
pub use sso::{SsoClient, SsoStart};

use url::Url;

/// The options both starts have (OAuth and SSO), on a builder with `client`, `redirect_url`,
/// `login_hint`, `prompt`, `refresh_jwt` and `body: LoginOptions`: step-up and MFA with the
/// user's refresh JWT, the login hint, `prompt` values (`$prompts`, for `$who`), the login
/// options, and [`redirect`](OAuthStart::redirect).
macro_rules! start_options {
    ($who:literal, $prompts:literal) => {
        fn options(&mut self) -> &mut crate::wire::LoginOptions {
            &mut self.body
        }

        $crate::password::stepup_setters!();

        $crate::setters::setters! {
            #[doc = concat!("The account ", $who, " should suggest (an email address). Defaults to none.")]
            login_hint(login_hint: impl Into<String>) => Some(login_hint);

            #[doc = concat!("Adds `prompt` values for ", $who, " (", $prompts, "). Defaults to none.")]
            prompt(prompt: impl IntoIterator<Item = impl Into<String>>) => extend(prompt);

            /// Revoke the user's other sessions on sign-in. Defaults to the service's (no).
            revoke_other_sessions(revoke: bool) => Some(options().revoke_other_sessions);
        }

        $crate::password::login_option_setters!();

        /// Starts, with a login state bound to this browser: the redirect URL gets a
        /// [`LOGIN_STATE_PARAM`](crate::federated::LOGIN_STATE_PARAM) parameter and the answer a
        /// cookie of the same value, which the callback
        /// ([`LoginCallback`](crate::federated::LoginCallback)) checks, so a code started in
        /// another browser (login CSRF) is refused.
        pub async fn redirect(mut self) -> crate::error::Result<crate::federated::LoginRedirect> {
            let pending =
                crate::federated::login_state::Pending::bind(&self.client, &mut self.redirect_url)?;
            Ok(pending.redirect(self.run().await?))
        }
    };
}
use start_options;

use crate::error::{Error, Result};
use crate::operation::Operation;

/// Refuses a redirect URL that is not an absolute `http(s)` URL with a host, before any
/// request: the provider would send the browser there with a code.
pub(crate) fn check_redirect_url(redirect_url: &str) -> Result<Url> {
    check_http_url(redirect_url, "redirect URL")
}

/// Refuses a URL (`field`) that is not an absolute `http(s)` URL with a host.
pub(crate) fn check_http_url(url: &str, field: &'static str) -> Result<Url> {
    let url = Url::parse(url).map_err(|_| Error::invalid(field, "is not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid(field, "is not an http(s) URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(field, "has no host"));
    }
    Ok(url)
}

/// The URL a start answered with, which must be an absolute `http(s)` URL.
pub(crate) fn answered_url(operation: Operation, url: Option<String>) -> Result<Url> {
    let decode = |reason: &str| Error::Decode {
        operation,
        reason: reason.into(),
    };
    let url = url
        .filter(|u| !u.is_empty())
        .ok_or_else(|| decode("the answer has no url"))?;
    let url = Url::parse(&url).map_err(|_| decode("the answer's url is not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(decode("the answer's url is not an http(s) URL"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn only_absolute_http_urls_with_a_host_are_redirect_urls() {
        for good in [
            "http://127.0.0.1:3000/oauth/callback",
            "https://app.example.com/cb?from=x",
        ] {
            assert!(check_redirect_url(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/oauth/callback",
            "app.example.com/cb",
            "javascript:alert(1)",
            "ftp://example.com/cb",
            "file:///etc/passwd",
            "http://",
        ] {
            let error = check_redirect_url(bad).unwrap_err();
            assert!(
                matches!(
                    error,
                    Error::InvalidInput {
                        field: "redirect URL",
                        ..
                    }
                ),
                "{bad}: {error:?}"
            );
        }
    }
}
