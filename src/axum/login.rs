//! The browser side of OAuth and SSO in axum: [`LoginCallback`] as an extractor, and
//! [`LoginRedirect`] and [`CallbackRefusal`] as responses.

use std::convert::Infallible;

use ::axum::body::Body;
use ::axum::extract::FromRequestParts;
use ::axum::http::request::Parts;
use ::axum::response::{IntoResponse, Response};

use crate::federated::{CallbackRefusal, LoginCallback, LoginRedirect};

/// The callback's `code` and login state, from the query and the cookies. Never refuses.
impl<S: Send + Sync> FromRequestParts<S> for LoginCallback {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(LoginCallback::from_request(
            parts.uri.query(),
            &parts.headers,
        ))
    }
}

/// `303 See Other` to the identity provider, setting the login state cookie.
impl IntoResponse for LoginRedirect {
    fn into_response(self) -> Response {
        LoginRedirect::into_response::<Body>(self)
    }
}

/// The refusal's status with a small HTML page, removing the login state cookie.
impl IntoResponse for CallbackRefusal {
    fn into_response(self) -> Response {
        CallbackRefusal::into_response::<Body>(self)
    }
}
