//! The rewrite that boxes each operation's success body.

/// Changes each operation's return type from `Result<ResponseValue<types::T>, ..>` to
/// `Result<ResponseValue<Box<types::T>>, ..>`: the body is decoded into a box once, and the
/// layers above (the operation's future, the retry loop, the error conversion, the façade)
/// then move a pointer instead of the whole body (a `JwtResponse` is about 1 KB, moved about a
/// dozen times per call before). Returns how many operations it changed.
pub fn box_success_bodies(file: &mut syn::File) -> usize {
    use syn::visit_mut::VisitMut;

    struct Rewrite(usize);
    impl VisitMut for Rewrite {
        fn visit_impl_item_fn_mut(&mut self, item: &mut syn::ImplItemFn) {
            if item.sig.asyncness.is_some() {
                if let syn::ReturnType::Type(_, ty) = &mut item.sig.output {
                    if let Some(body) = success_body(ty) {
                        *body = syn::parse_quote!(::std::boxed::Box<#body>);
                        self.0 += 1;
                    }
                }
            }
            syn::visit_mut::visit_impl_item_fn_mut(self, item);
        }
    }
    let mut rewrite = Rewrite(0);
    rewrite.visit_file_mut(file);
    rewrite.0
}

/// `types::T` in `Result<ResponseValue<types::T>, _>`.
fn success_body(ty: &mut syn::Type) -> Option<&mut syn::Type> {
    let result = last_segment(ty, "Result")?;
    let syn::GenericArgument::Type(value) = first_generic(result)? else {
        return None;
    };
    let response = last_segment(value, "ResponseValue")?;
    let syn::GenericArgument::Type(body) = first_generic(response)? else {
        return None;
    };
    let syn::Type::Path(path) = &*body else {
        return None;
    };
    let in_types = path.path.segments.len() == 2 && path.path.segments[0].ident == "types";
    in_types.then_some(body)
}

/// The last segment of the path type `ty` when it is named `name`.
fn last_segment<'a>(ty: &'a mut syn::Type, name: &str) -> Option<&'a mut syn::PathSegment> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last_mut()?;
    (segment.ident == name).then_some(segment)
}

/// The first generic argument of `segment`.
fn first_generic(segment: &mut syn::PathSegment) -> Option<&mut syn::GenericArgument> {
    let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments else {
        return None;
    };
    args.args.first_mut()
}

/// The optional fields boxed inside their struct, as (struct, field): large values the service
/// rarely sends. `IdpResponse` (232 bytes, SSO sign-ins only) inline made a `JwtResponse`
/// 1,096 bytes, past the 1,032 that glibc serves from its per-thread cache; each sign-in then
/// paid about 700 instructions more to allocate and free its body. Boxed, it is 872 bytes.
pub const BOXED_FIELDS: &[(&str, &str)] = &[("JwtResponse", "idp_response")];

/// Changes each field in [`BOXED_FIELDS`] from `Option<T>` to `Option<Box<T>>` (the JSON and
/// the schema are the same). Returns how many fields it changed.
pub fn box_rare_fields(file: &mut syn::File) -> usize {
    use syn::visit_mut::VisitMut;

    struct Rewrite(usize);
    impl VisitMut for Rewrite {
        fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
            let strukt = item.ident.to_string();
            for field in &mut item.fields {
                let Some(name) = &field.ident else { continue };
                let listed = BOXED_FIELDS.iter().any(|(s, f)| *s == strukt && name == f);
                if !listed {
                    continue;
                }
                if let Some(segment) = last_segment(&mut field.ty, "Option") {
                    if let Some(syn::GenericArgument::Type(inner)) = first_generic(segment) {
                        *inner = syn::parse_quote!(::std::boxed::Box<#inner>);
                        self.0 += 1;
                    }
                }
            }
        }
    }
    let mut rewrite = Rewrite(0);
    rewrite.visit_file_mut(file);
    rewrite.0
}
