//! The rewrite that parses each operation's URL once per client instead of on every call.

/// Replaces `let url = format!("{}/static/path", self.baseurl,);` (an operation whose path has
/// no parameter) with
/// `let url = self.inner.url(N, "/static/path").map_err(Error::InvalidRequest)?;`, `N`
/// numbering these operations from 0, and adds `pub const FIXED_PATHS: usize` (how many):
/// `crate::transport::RequestContext::url` keeps the parsed URL of each such path in slot `N`,
/// so a call clones a parsed URL instead of formatting and parsing a string (about 7,000
/// instructions, a host parse included), and finds it without hashing the path. Operations
/// with path parameters keep the format. Returns how many operations it rewrote.
pub fn parse_static_urls_once(file: &mut syn::File) -> usize {
    use syn::visit_mut::VisitMut;

    struct Rewrite(usize);
    impl VisitMut for Rewrite {
        fn visit_local_mut(&mut self, local: &mut syn::Local) {
            syn::visit_mut::visit_local_mut(self, local);
            let syn::Pat::Ident(name) = &local.pat else {
                return;
            };
            let Some(init) = &mut local.init else {
                return;
            };
            if name.ident != "url" {
                return;
            }
            let Some(path) = static_path(&init.expr) else {
                return;
            };
            let slot = self.0;
            *init.expr =
                syn::parse_quote!(self.inner.url(#slot, #path).map_err(Error::InvalidRequest)?);
            self.0 += 1;
        }
    }
    let mut rewrite = Rewrite(0);
    rewrite.visit_file_mut(file);
    let count = rewrite.0;
    file.items.push(syn::parse_quote!(
        /// How many operations have a fixed path (the slots of the parsed-URL cache).
        pub const FIXED_PATHS: usize = #count;
    ));
    count
}

/// `"/static/path"` when `expr` is `format!("{}/static/path", self.baseurl,)`.
fn static_path(expr: &syn::Expr) -> Option<String> {
    use syn::punctuated::Punctuated;
    let syn::Expr::Macro(mac) = expr else {
        return None;
    };
    if !mac.mac.path.is_ident("format") {
        return None;
    }
    let args = mac
        .mac
        .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    let mut args = args.iter();
    let (Some(syn::Expr::Lit(template)), Some(base), None) =
        (args.next(), args.next(), args.next())
    else {
        return None;
    };
    let syn::Lit::Str(template) = &template.lit else {
        return None;
    };
    let base_is_field = quote::ToTokens::to_token_stream(base).to_string() == "self . baseurl";
    let path = template.value().strip_prefix("{}")?.to_owned();
    let is_static = path.starts_with('/') && !path.contains(['{', '}']);
    (base_is_field && is_static).then_some(path)
}
