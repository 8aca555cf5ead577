//! Pieces shared by the request builders: input checks and `.await`-able builders.

use crate::error::{Error, Result};
use crate::secret::Password;

/// A boxed, `Send` future, the `IntoFuture` type of every request builder.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The one operation mechanism. A request builder is an owned struct (a cheap clone of the
/// client, its arguments, setters that take and return `self`) with an
/// `async fn run(self) -> Output`. One declaration,
/// `request! { /// docs \n pub struct Builder { client: Client, arg: T } => Output; }`, defines
/// the struct (`Debug`, `#[must_use]`, more derives as attributes) and gives it `.send()` and
/// `IntoFuture` (`.await` the builder itself), checking at compile time that its future is
/// `'static + Send` (ready for `tokio::spawn`). A builder with type parameters declares its
/// struct itself and uses `request!(impl<K: LinkKind> LinkSignIn<K> => Result<K::Sent>)`.
///
/// `run` checks the input first (before any request), then makes its calls through
/// `transport::send`, which owns the tracing span, retries, the timeout and the conversion into
/// [`Error`]: every operation traces and fails the same way. The README's "Adding an
/// operation" shows one.
///
/// A builder's options are one `setters!` table (`src/setters.rs`); the options that several
/// builders share are macros of such tables
/// (`password::{login_option_setters, sign_up_setters, email_sign_in_setters, ...}`). What
/// stays alike across builders, on purpose (`duplicates` lists it): the first lines of `run`
/// (check the input, send, decode), which differ in the types and checks each operation has,
/// and the result structs' documented fields.
macro_rules! request {
    (
        $(#[$attr:meta])*
        pub struct $builder:ident { $($(#[$doc:meta])* $field:ident: $ty:ty),* $(,)? } => $output:ty;
    ) => {
        $(#[$attr])*
        #[derive(Debug)]
        #[must_use = "a request does nothing until awaited"]
        pub struct $builder {
            $($(#[$doc])* pub(crate) $field: $ty,)*
        }

        $crate::request::request!($builder => $output);
    };
    ($builder:ident => $output:ty) => {
        $crate::request::request!(impl<> $builder => $output);
    };
    (impl<$($param:ident: $bound:path),*> $builder:ty => $output:ty) => {
        impl<$($param: $bound),*> $builder {
            /// Sends the request (`.await` the builder itself for the same).
            pub fn send(self) -> impl std::future::Future<Output = $output> + Send + 'static {
                self.run()
            }
        }

        impl<$($param: $bound),*> std::future::IntoFuture for $builder {
            type Output = $output;
            type IntoFuture = $crate::request::BoxFuture<'static, $output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.run())
            }
        }
    };
}
pub(crate) use request;

/// Refuses an empty or whitespace-only login ID.
pub(crate) fn check_login_id(login_id: &str) -> Result<()> {
    check_present(login_id, "login ID")
}

/// Refuses an empty or whitespace-only `field` (a tenant ID, a role name...), naming it.
pub(crate) fn check_present(value: &str, field: &'static str) -> Result<()> {
    if is_blank(value) {
        return Err(Error::invalid(field, "is empty"));
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
