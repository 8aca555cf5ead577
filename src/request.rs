//! Pieces shared by the request builders: input checks and `.await`-able builders.

use crate::error::{Error, Result};
use crate::secret::Password;

/// A boxed, `Send` future, the `IntoFuture` type of every request builder.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Makes a builder with a `send(self)` future awaitable directly.
///
/// A builder's `send` returns `impl Future + Send + 'static` built from an `async move` block
/// rather than being an `async fn`: an `async fn` keeps its argument and a copy of it in its
/// future, so the future boxed here would hold the builder twice.
macro_rules! awaitable {
    ($builder:ident => $output:ty) => {
        impl std::future::IntoFuture for $builder {
            type Output = $crate::error::Result<$output>;
            type IntoFuture = $crate::request::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
pub(crate) use awaitable;

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
