//! The one place that turns `openapi.yaml` into Rust.
//!
//! Included with `#[path]` by both `build.rs` and `xtask` so the generator settings exist once:
//! what `cargo xtask codegen` writes is exactly what the build compiles.

use std::collections::BTreeMap;
use std::fmt::Write as _;

#[path = "boxed_bodies.rs"]
pub mod boxed_bodies;
#[path = "default_accept.rs"]
pub mod default_accept;
#[path = "static_urls.rs"]
pub mod static_urls;

/// The file name of the generated client under `$OUT_DIR`.
#[allow(dead_code)]
pub const OUTPUT_FILE: &str = "descope_api.rs";

/// Spec schemas that are secrets, and the crate types build.rs maps them to.
pub const SECRET_SCHEMAS: &[(&str, &str)] = &[
    ("Password", "crate::secret::Password"),
    ("SessionJwt", "crate::secret::SessionJwt"),
    ("RefreshJwt", "crate::secret::RefreshJwt"),
    ("OpaqueToken", "crate::secret::OpaqueToken"),
];

/// The progenitor settings of this crate.
pub fn settings() -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        // The façade must implement the hooks (auth headers, retries): forgetting is a compile error.
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(
            "crate::transport::RequestContext"
                .parse()
                .expect("inner type path"),
        )
        .with_map_type("::std::collections::BTreeMap")
        // JSON Schemas of every wire type, pinned by snapshots next to the generated code.
        .with_derive("schemars::JsonSchema");

    for (schema, rust_type) in SECRET_SCHEMAS {
        settings.with_replacement(schema, rust_type, std::iter::empty());
    }
    settings
}

/// Parses and checks the spec, then generates the client as formatted Rust source.
///
/// Every failure names the operation or schema at fault.
pub fn generate(spec_text: &str) -> Result<String, String> {
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(spec_text)
        .map_err(|e| format!("openapi.yaml does not parse as OpenAPI 3.0: {e}"))?;
    check(&spec)?;
    let tokens = generate_tokens(&spec).map_err(|first| {
        // Name the culprit: generate each operation alone until one fails.
        match find_failing_operation(&spec) {
            Some((op, why)) => format!("operation `{op}` cannot be generated: {why}"),
            None => format!("the spec cannot be generated: {first}"),
        }
    })?;
    let mut file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| format!("progenitor produced Rust that does not parse: {e}"))?;
    // Each rewrite counts what it changed, and generation fails when the count is not what the
    // spec calls for: a progenitor upgrade that changes its output cannot slip through.
    let operations = operation_count(&spec);
    let responses = response_count(&spec);
    let marked = mark_non_exhaustive(&mut file);
    if marked == 0 {
        return Err(
            "the non_exhaustive rewrite marked no struct: progenitor's `mod types` \
                    changed; update codegen/generate.rs"
                .into(),
        );
    }
    let stripped = drop_api_version_header(&mut file);
    if stripped != operations {
        return Err(format!(
            "the api-version rewrite dropped the header from {stripped} operations, expected \
             {operations}: progenitor's output changed; update codegen/generate.rs"
        ));
    }
    let decoded = decode_with_transport(&mut file);
    if decoded != responses {
        return Err(format!(
            "the decode rewrite replaced {decoded} `ResponseValue::from_response` calls, \
             expected {responses} (one per declared response): progenitor's output changed; \
             update codegen/generate.rs"
        ));
    }
    let fixed = static_path_count(&spec);
    let parsed_once = static_urls::parse_static_urls_once(&mut file);
    if parsed_once != fixed {
        return Err(format!(
            "the static-URL rewrite changed {parsed_once} operations, expected {fixed} (one per \
             operation without path parameters): progenitor's output changed; update \
             codegen/static_urls.rs"
        ));
    }
    let boxed = boxed_bodies::box_success_bodies(&mut file);
    if boxed != operations {
        return Err(format!(
            "the boxed-body rewrite changed {boxed} operations, expected {operations} (one \
             per operation): progenitor's output changed; update codegen/boxed_bodies.rs"
        ));
    }
    let accepts = default_accept::send_accept_by_default(&mut file);
    if accepts != operations {
        return Err(format!(
            "the accept-header rewrite dropped {accepts} `Accept: application/json` headers, \
             expected {operations} (one per operation): progenitor's output changed; update \
             codegen/default_accept.rs"
        ));
    }
    let fields = boxed_bodies::box_rare_fields(&mut file);
    if fields != boxed_bodies::BOXED_FIELDS.len() {
        return Err(format!(
            "the boxed-field rewrite changed {fields} fields, expected {} (`BOXED_FIELDS`): \
             progenitor's output changed; update codegen/boxed_bodies.rs",
            boxed_bodies::BOXED_FIELDS.len()
        ));
    }
    let mut out = String::from(
        "// @generated by build.rs from openapi.yaml (progenitor). Do not edit by hand.\n",
    );
    out.push_str(&prettyplease::unparse(&file));
    Ok(out)
}

/// Marks every generated struct with named fields (the request and response bodies under
/// `mod types`) `#[non_exhaustive]`: a field added to the spec is then an additive change for
/// Rust users too, who read these types and build them from `Default` or JSON, never with a
/// struct literal. Newtypes (`EmptyRequest(Map)`) keep their public constructor.
pub fn mark_non_exhaustive(file: &mut syn::File) -> usize {
    let mut marked = 0;
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        for item in items {
            if let syn::Item::Struct(strukt) = item {
                let named = matches!(strukt.fields, syn::Fields::Named(_));
                let public = matches!(strukt.vis, syn::Visibility::Public(_));
                if named && public {
                    strukt.attrs.push(syn::parse_quote!(#[non_exhaustive]));
                    marked += 1;
                }
            }
        }
    }
    marked
}

/// How many operations the spec has.
/// Operations whose path has no parameter.
fn static_path_count(spec: &openapiv3::OpenAPI) -> usize {
    spec.operations()
        .filter(|(path, _, _)| !path.contains('{'))
        .count()
}

fn operation_count(spec: &openapiv3::OpenAPI) -> usize {
    spec.operations().count()
}

/// How many responses the spec's operations declare (each is decoded once).
fn response_count(spec: &openapiv3::OpenAPI) -> usize {
    spec.operations()
        .map(|(_, _, op)| {
            op.responses.responses.len() + usize::from(op.responses.default.is_some())
        })
        .sum()
}

/// Drops the `api-version` header progenitor adds to every request (from `info.version`):
/// Descope does not expect it, and building a header map for it only to remove it in the hook
/// cost every call an allocation and two hash lookups. When a request sends no other header
/// from the spec, its (then empty) header map goes too.
pub fn drop_api_version_header(file: &mut syn::File) -> usize {
    use quote::ToTokens;
    use syn::visit_mut::VisitMut;

    fn mentions(tokens: &impl ToTokens, text: &str) -> bool {
        tokens.to_token_stream().to_string().contains(text)
    }

    struct Strip {
        /// Whether `.headers(header_map)` calls in the block being visited pass an empty map.
        drop_headers_call: bool,
        /// How many `api-version` statements were dropped.
        dropped: usize,
    }
    impl VisitMut for Strip {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block.stmts.retain(|stmt| {
                !(matches!(stmt, syn::Stmt::Expr(..)) && mentions(stmt, "\"api-version\""))
            });
            self.dropped += before - block.stmts.len();
            let uses = block
                .stmts
                .iter()
                .filter(|stmt| mentions(*stmt, "header_map"))
                .count();
            // Only the declaration and `.headers(header_map)` are left: the map is empty.
            let only_empty_map = uses == 2
                && block.stmts.iter().any(|stmt| {
                    matches!(stmt, syn::Stmt::Local(local)
                        if mentions(&local.pat, "header_map"))
                });
            if only_empty_map {
                block.stmts.retain(|stmt| {
                    !matches!(stmt, syn::Stmt::Local(local) if mentions(&local.pat, "header_map"))
                });
            }
            let outer = std::mem::replace(&mut self.drop_headers_call, only_empty_map);
            syn::visit_mut::visit_block_mut(self, block);
            self.drop_headers_call = outer;
        }

        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let syn::Expr::MethodCall(call) = expr {
                let empty_map = call.method == "headers"
                    && call.args.len() == 1
                    && call.args.to_token_stream().to_string() == "header_map";
                if empty_map && self.drop_headers_call {
                    *expr = (*call.receiver).clone();
                }
            }
        }
    }
    let mut strip = Strip {
        drop_headers_call: false,
        dropped: 0,
    };
    strip.visit_file_mut(file);
    strip.dropped
}

/// Makes generated operations decode answers with `crate::transport::decode` instead of
/// progenitor's `ResponseValue::from_response`: the same decoding, but keeping only the headers
/// the façade reads (`Set-Cookie`, `Retry-After`) rather than a copy of every response header.
pub fn decode_with_transport(file: &mut syn::File) -> usize {
    use syn::visit_mut::VisitMut;

    struct Rewrite(usize);
    impl VisitMut for Rewrite {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            if let syn::Expr::Path(path) = &*call.func {
                let names: Vec<String> = path
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if names.ends_with(&["ResponseValue".into(), "from_response".into()]) {
                    *call.func = syn::parse_quote!(crate::transport::decode);
                    self.0 += 1;
                }
            }
        }
    }
    let mut rewrite = Rewrite(0);
    rewrite.visit_file_mut(file);
    rewrite.0
}

fn generate_tokens(spec: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    let spec = spec.clone();
    // progenitor panics on some unsupported shapes; turn that into an error we can report.
    let result = std::panic::catch_unwind(move || {
        let mut generator = progenitor::Generator::new(&settings());
        generator.generate_tokens(&spec).map_err(|e| e.to_string())
    });
    match result {
        Ok(result) => result,
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "progenitor panicked".to_string())),
    }
}

fn find_failing_operation(spec: &openapiv3::OpenAPI) -> Option<(String, String)> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut found = None;
    'paths: for (path, item) in spec.paths.paths.iter() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let mut alone = spec.clone();
            let mut only = openapiv3::PathItem::default();
            match method {
                "get" => only.get = Some(op.clone()),
                "put" => only.put = Some(op.clone()),
                "post" => only.post = Some(op.clone()),
                "delete" => only.delete = Some(op.clone()),
                "patch" => only.patch = Some(op.clone()),
                _ => continue,
            }
            only.parameters = item.parameters.clone();
            alone.paths.paths = [(path.clone(), openapiv3::ReferenceOr::Item(only))]
                .into_iter()
                .collect();
            if let Err(why) = generate_tokens(&alone) {
                let name = op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| format!("{method} {path}"));
                found = Some((name, why));
                break 'paths;
            }
        }
    }
    std::panic::set_hook(quiet);
    found
}

/// The rules progenitor needs and the crate promises, checked before generating so a bad edit is
/// reported by operation or schema rather than as a panic deep inside the generator.
pub fn check(spec: &openapiv3::OpenAPI) -> Result<(), String> {
    let mut problems = Vec::new();
    if !spec.openapi.starts_with("3.0.") {
        problems.push(format!(
            "`openapi: {}`: only OpenAPI 3.0.x is supported",
            spec.openapi
        ));
    }
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, method, op) in spec.operations() {
        let at = format!("{} {path}", method.to_uppercase());
        let Some(id) = op.operation_id.as_deref() else {
            problems.push(format!("{at}: no operationId"));
            continue;
        };
        let at = format!("operation `{id}` ({at})");
        if let Some(other) = ids.insert(id.to_string(), at.clone()) {
            problems.push(format!("{at}: operationId already used by {other}"));
        }
        if op
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
        {
            problems.push(format!("{at}: no description"));
        }
        if op.responses.default.is_some() {
            problems.push(format!(
                "{at}: a `default` response is not supported; use `4XX`/`5XX` with ErrorResponse"
            ));
        }
        let mut error_schemas = BTreeMap::new();
        for (status, response) in &op.responses.responses {
            let status = status.to_string();
            let response = match response {
                openapiv3::ReferenceOr::Item(r) => Some(r),
                openapiv3::ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|name| spec.components.as_ref()?.responses.get(name))
                    .and_then(|r| r.as_item()),
            };
            let Some(response) = response else {
                problems.push(format!(
                    "{at}: response {status} refers to a missing response"
                ));
                continue;
            };
            for (media, content) in &response.content {
                if media != "application/json" {
                    problems.push(format!(
                        "{at}: response {status} has `{media}` content; only application/json is supported"
                    ));
                }
                let is_error = status.starts_with('4') || status.starts_with('5');
                if is_error {
                    let schema = match &content.schema {
                        Some(openapiv3::ReferenceOr::Reference { reference }) => reference.clone(),
                        _ => "<inline schema>".to_string(),
                    };
                    error_schemas.insert(schema, status.clone());
                }
            }
        }
        if error_schemas.len() > 1 {
            let mut list = String::new();
            for (schema, status) in &error_schemas {
                let _ = write!(list, " {status}→{schema}");
            }
            problems.push(format!(
                "{at}: error responses use more than one schema ({}); use one ErrorResponse",
                list.trim()
            ));
        }
    }
    if let Some(components) = &spec.components {
        for (name, _) in SECRET_SCHEMAS {
            if !components.schemas.contains_key(*name) {
                problems.push(format!(
                    "schema `{name}`: missing; build.rs maps it to a secret type"
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "openapi.yaml has problems:\n  - {}",
            problems.join("\n  - ")
        ))
    }
}
