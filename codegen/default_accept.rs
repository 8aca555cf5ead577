//! The rewrite that sends `Accept: application/json` as a default header instead of inserting
//! it into every request.

/// Drops `.header(ACCEPT, HeaderValue::from_static("application/json"))` from each operation's
/// request builder: `crate::transport::common_headers` holds the same header, which the crate's
/// own HTTP client sends by default and the `pre` hook inserts for a caller's client. The wire
/// is the same; a call no longer hashes and inserts the header (about 220 instructions). An
/// `Accept` of any other value is kept. Returns how many it dropped.
pub fn send_accept_by_default(file: &mut syn::File) -> usize {
    use syn::visit_mut::VisitMut;

    struct Rewrite(usize);
    impl VisitMut for Rewrite {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::MethodCall(call) = expr else {
                return;
            };
            if call.method != "header" || !accepts_json(&call.args) {
                return;
            }
            *expr = (*call.receiver).clone();
            self.0 += 1;
        }
    }
    let mut rewrite = Rewrite(0);
    rewrite.visit_file_mut(file);
    rewrite.0
}

/// Whether `args` are `(::reqwest::header::ACCEPT, ...from_static("application/json"))`.
fn accepts_json(args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>) -> bool {
    let text = |expr: &syn::Expr| quote::ToTokens::to_token_stream(expr).to_string();
    let mut args = args.iter();
    let (Some(name), Some(value), None) = (args.next(), args.next(), args.next()) else {
        return false;
    };
    let syn::Expr::Call(value) = value else {
        return false;
    };
    let json = match value.args.first() {
        Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        })) => text.value() == "application/json",
        _ => false,
    };
    text(name).replace(' ', "") == "::reqwest::header::ACCEPT"
        && text(&value.func).replace(' ', "") == "::reqwest::header::HeaderValue::from_static"
        && value.args.len() == 1
        && json
}
