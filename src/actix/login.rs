//! The browser side of OAuth and SSO in actix-web: [`LoginCallback`] as an extractor,
//! [`LoginRedirect`] as a responder, [`CallbackRefusal`] as an error response, and
//! [`signed_in_redirect`] for a callback that signed the user in.

use std::future::{ready, Ready};

use actix_web::body::BoxBody;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, Responder, ResponseError};

use super::{append_headers, http_parts, status};
use crate::federated::{CallbackRefusal, CallbackSignIn, LoginCallback, LoginRedirect};

/// The callback's `code` and login state, from the query and the cookies. Never refuses.
impl FromRequest for LoginCallback {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let (_, headers) = http_parts(request.method(), request.headers());
        let query = Some(request.query_string()).filter(|q| !q.is_empty());
        ready(Ok(LoginCallback::from_request(query, &headers)))
    }
}

/// `303 See Other` to the identity provider, setting the login state cookie.
impl Responder for LoginRedirect {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let mut response = HttpResponse::SeeOther().finish();
        append_headers(response.headers_mut(), &self.headers());
        response
    }
}

/// The refusal's status with a small HTML page, removing the login state cookie.
impl ResponseError for CallbackRefusal {
    fn status_code(&self) -> StatusCode {
        status(self.status())
    }

    fn error_response(&self) -> HttpResponse {
        let response: http::Response<String> = CallbackRefusal::page(self);
        let mut out = HttpResponse::build(self.status_code()).body(response.into_body());
        append_headers(out.headers_mut(), &self.headers());
        out
    }
}

/// `303 See Other` to `location` (a path of the app, such as `/me`) with the session cookies
/// of a callback that signed the user in.
pub fn signed_in_redirect(signed_in: CallbackSignIn, location: &str) -> HttpResponse {
    let response = signed_in.redirect_to::<String>(location);
    let mut out = HttpResponse::SeeOther().finish();
    append_headers(out.headers_mut(), response.headers());
    out
}
