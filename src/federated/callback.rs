//! The callback route of OAuth and SSO, for any web framework: read the `code` and the login
//! state, check the state, exchange the code, and answer with the session cookies or a 4xx.

use http::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use http::{HeaderMap, HeaderValue, StatusCode};

use super::login_state::{clear_state_cookie, states_match};
use super::{LOGIN_STATE_COOKIE, LOGIN_STATE_PARAM};
use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Error;
use crate::operation::Operation;
use crate::secret::OpaqueToken;
use crate::session::cookies::cookie_value;

/// What a provider's redirect brought to the callback route: the `code`, and the login state
/// of the query and of the cookie. With feature `axum` or `actix` it is an extractor (it never
/// refuses; the checks are in [`oauth`](Self::oauth) and [`sso`](Self::sso)).
///
/// The provider's redirect to the callback is a cross-site navigation, and so is the redirect
/// that follows it: browsers send no `SameSite=Strict` cookie on either, so with the default
/// [`CookieConfig`](crate::CookieConfig) the page after the callback sees no session. An app
/// with a callback sets its session cookies `SameSite=Lax`
/// ([`CookieConfig::same_site`](crate::CookieConfig::same_site)) and refuses cross-site unsafe
/// requests with the same-origin check (`require_same_origin` in axum and actix), as the
/// example apps do.
///
/// Its `Debug` shows only which parts are present.
#[derive(Clone, Default)]
pub struct LoginCallback {
    code: Option<OpaqueToken>,
    state: Option<String>,
    cookie_state: Option<String>,
}

impl std::fmt::Debug for LoginCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginCallback")
            .field("code", &self.code.is_some())
            .field("state", &self.state.is_some())
            .field("cookie_state", &self.cookie_state.is_some())
            .finish()
    }
}

impl LoginCallback {
    /// Reads a callback request: its query string (`code`, [`LOGIN_STATE_PARAM`]) and its
    /// `Cookie` headers ([`LOGIN_STATE_COOKIE`]).
    pub fn from_request(query: Option<&str>, headers: &HeaderMap) -> Self {
        let mut callback = LoginCallback {
            cookie_state: cookie_value(headers, LOGIN_STATE_COOKIE).map(str::to_owned),
            ..LoginCallback::default()
        };
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match &*key {
                "code" if callback.code.is_none() => {
                    callback.code = Some(value.into_owned().into())
                }
                LOGIN_STATE_PARAM if callback.state.is_none() => {
                    callback.state = Some(value.into_owned())
                }
                _ => {}
            }
        }
        callback
    }

    /// Checks the login state and exchanges the code of a social login
    /// ([`OAuthClient::exchange`](super::OAuthClient::exchange)).
    pub async fn oauth(self, client: &Client) -> Result<CallbackSignIn, CallbackRefusal> {
        self.exchange(client, Operation::OauthExchange).await
    }

    /// Checks the login state and exchanges the code of an SSO sign-in
    /// ([`SsoClient::exchange`](super::SsoClient::exchange)).
    pub async fn sso(self, client: &Client) -> Result<CallbackSignIn, CallbackRefusal> {
        self.exchange(client, Operation::SsoExchange).await
    }

    async fn exchange(
        self,
        client: &Client,
        operation: Operation,
    ) -> Result<CallbackSignIn, CallbackRefusal> {
        let cookies = client.cookie_config();
        let refuse = |status, reason, error| CallbackRefusal {
            status,
            reason,
            error,
            clear_state: clear_state_cookie(&cookies),
        };
        if !states_match(self.cookie_state.as_deref(), self.state.as_deref()) {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "the sign-in was not started in this browser, or took too long",
                None,
            ));
        }
        let Some(code) = self.code.filter(|code| !code.secret().trim().is_empty()) else {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "the callback has no code",
                None,
            ));
        };
        match super::CodeExchange::new(client, operation, code).await {
            Ok(auth) => {
                let mut headers = cookies.set_headers(&auth);
                if let Ok(clear) = HeaderValue::from_str(&clear_state_cookie(&cookies)) {
                    headers.append(SET_COOKIE, clear);
                }
                Ok(CallbackSignIn { auth, headers })
            }
            Err(error) => {
                let (status, reason) = refusal_of(&error);
                Err(refuse(status, reason, Some(error)))
            }
        }
    }
}

/// The status and reason of a refused exchange: the code's fault is a 4xx, an outage a 503,
/// the server's own misconfiguration or a senseless answer as
/// [`Error::http_response`](crate::Error::http_response) says.
fn refusal_of(error: &Error) -> (StatusCode, &'static str) {
    let refused_code = "the sign-in code was refused: used, expired, unknown or from another flow";
    let (status, _) = error.http_response();
    match error {
        _ if status.is_server_error() => (
            status,
            if status == StatusCode::SERVICE_UNAVAILABLE {
                "the authentication service is unavailable, try again"
            } else {
                "the sign-in could not be completed"
            },
        ),
        Error::Api(api) if api.is_rate_limited() => (
            StatusCode::TOO_MANY_REQUESTS,
            "too many attempts, try again later",
        ),
        _ => (StatusCode::BAD_REQUEST, refused_code),
    }
}

/// A callback that signed the user in: the session, and the response headers that store it
/// (the session cookies, as a sign-in sets them, and the removal of the login state cookie).
/// Its `Debug` shows the session as `AuthInfo` does (tokens redacted), not the headers.
pub struct CallbackSignIn {
    /// The signed-in user and their tokens.
    pub auth: AuthInfo,
    headers: HeaderMap,
}

impl std::fmt::Debug for CallbackSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackSignIn")
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl CallbackSignIn {
    /// The `Set-Cookie` headers (session cookies, login state removed).
    ///
    /// # Security Warning
    ///
    /// The headers contain the tokens: send them, never log them.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// `303 See Other` to `location` (a path of the app, such as `/me`), with the cookies.
    pub fn redirect_to<B: Default>(self, location: &str) -> http::Response<B> {
        let mut response = http::Response::new(B::default());
        *response.status_mut() = StatusCode::SEE_OTHER;
        *response.headers_mut() = self.headers;
        if let Ok(location) = HeaderValue::from_str(location) {
            response.headers_mut().insert(LOCATION, location);
        }
        response
    }
}

/// A refused callback: no matching login state (403), no code (400), a code the service
/// refused (400: used, expired, unknown, or of the other kind), too many attempts (429), or the
/// service unavailable (503). It removes the login state cookie and sets no session cookie.
#[derive(Debug)]
pub struct CallbackRefusal {
    status: StatusCode,
    reason: &'static str,
    error: Option<Error>,
    clear_state: String,
}

impl std::fmt::Display for CallbackRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason)
    }
}

impl std::error::Error for CallbackRefusal {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.as_ref().map(|e| e as _)
    }
}

impl CallbackRefusal {
    /// The HTTP status to answer with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Why, in a sentence fit for the user (never containing a code or token).
    pub fn reason(&self) -> &'static str {
        self.reason
    }

    /// The error of the exchange, when the service was asked.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// The response headers: the removal of the login state cookie.
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(clear) = HeaderValue::from_str(&self.clear_state) {
            headers.insert(SET_COOKIE, clear);
        }
        headers
    }

    /// The status with a small HTML page stating the reason, and [`headers`](Self::headers).
    pub fn into_response<B: From<String>>(self) -> http::Response<B> {
        self.page()
    }

    pub(crate) fn page<B: From<String>>(&self) -> http::Response<B> {
        let page = format!(
            "<!doctype html><meta charset=\"utf-8\"><title>Sign-in failed</title>\
             <h1>Sign-in failed</h1><p id=\"error\">{}</p><p><a href=\"/\">Back</a></p>",
            self.reason
        );
        let mut response = http::Response::new(B::from(page));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers();
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_reads_its_query_and_cookie_and_debug_shows_neither() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            HeaderValue::from_static("DS=x; DSLS=state-value"),
        );
        let callback = LoginCallback::from_request(
            Some("from=x&code=secret-code&login_state=state-value&code=second"),
            &headers,
        );
        assert_eq!(
            callback.code.as_ref().map(OpaqueToken::secret),
            Some("secret-code")
        );
        assert_eq!(callback.state.as_deref(), Some("state-value"));
        assert_eq!(callback.cookie_state.as_deref(), Some("state-value"));
        let debug = format!("{callback:?}");
        assert!(
            !debug.contains("secret-code") && !debug.contains("state-value"),
            "{debug}"
        );
        let empty = LoginCallback::from_request(None, &HeaderMap::new());
        assert!(empty.code.is_none() && empty.state.is_none() && empty.cookie_state.is_none());
    }
}
