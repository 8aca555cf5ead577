//! The generated code is pinned by a snapshot: a spec edit shows up as a reviewable diff.

#[test]
fn generated_client_is_pinned() {
    let code = include_str!(concat!(env!("OUT_DIR"), "/descope_api.rs"));
    insta::assert_snapshot!("generated_client", code);
}
