//! Pieces shared by the request builders: input checks and `.await`-able builders.

use crate::error::{Error, Result};
use crate::secret::Password;

/// A boxed, `Send` future, the `IntoFuture` type of every request builder.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The one operation mechanism: a request builder is an owned struct (a cheap clone of the
/// client, its arguments, setters that take and return `self`) that implements `Request`, and
/// [`request!`] makes it sendable by `.await` and by `.send()`.
///
/// `run` does the work: it checks the input (before any request), then makes its calls through
/// `transport::send`, which owns the tracing span, retries, the timeout and the conversion into
/// [`Error`]; so every operation traces and fails the same way. It returns an `async move`
/// block rather than being an `async fn`: an `async fn` keeps its argument and a copy of it, so
/// its future would hold the builder twice. The future owns everything, so it is
/// `'static + Send` (ready for `tokio::spawn`).
pub(crate) trait Request: Sized + Send + 'static {
    /// What the request answers: `Result<T>`, or a value when it cannot fail.
    type Output;

    /// Sends the request.
    fn run(self) -> impl std::future::Future<Output = Self::Output> + Send + 'static;
}

/// Makes a [`Request`] builder sendable: `.send()` (a named future) and `IntoFuture` (`.await`
/// the builder itself). `request!(SignIn => Result<AuthInfo>)`, or with the builder's type
/// parameters: `request!(impl<K: LinkKind> LinkSignIn<K> => Result<K::Sent>)`.
macro_rules! request {
    ($builder:ident => $output:ty) => {
        $crate::request::request!(impl<> $builder => $output);
    };
    (impl<$($param:ident: $bound:path),*> $builder:ty => $output:ty) => {
        impl<$($param: $bound),*> $builder {
            /// Sends the request (`.await` the builder itself for the same).
            pub fn send(self) -> impl std::future::Future<Output = $output> + Send + 'static {
                $crate::request::Request::run(self)
            }
        }

        impl<$($param: $bound),*> std::future::IntoFuture for $builder {
            type Output = $output;
            type IntoFuture = $crate::request::BoxFuture<'static, $output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin($crate::request::Request::run(self))
            }
        }
    };
}
pub(crate) use request;

/// Refuses an empty or whitespace-only login ID.
pub(crate) fn check_login_id(login_id: &str) -> Result<()> {
    if is_blank(login_id) {
        return Err(Error::invalid("login ID", "is empty"));
    }
    Ok(())
}

/// Whether `text` is empty or only whitespace (what `trim().is_empty()` says, without scanning
/// from both ends: a login ID or password usually starts with a visible character).
fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// Refuses an empty or whitespace-only password.
pub(crate) fn check_password(password: &Password, field: &'static str) -> Result<()> {
    if is_blank(password.secret()) {
        return Err(Error::invalid(field, "is empty"));
    }
    Ok(())
}

/// Refuses an empty token or one that cannot go in a header.
pub(crate) fn check_token(token: &str, field: &'static str) -> Result<()> {
    if is_blank(token) {
        return Err(Error::invalid(field, "is empty"));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            field,
            "contains characters that cannot go in a header",
        ));
    }
    Ok(())
}
