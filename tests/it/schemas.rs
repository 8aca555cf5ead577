//! One JSON Schema snapshot per public wire type: a spec edit shows up as a small schema diff.
//! `cargo xtask codegen` rewrites these files; this test fails when they are stale.

#[test]
fn json_schemas_are_pinned() {
    let schemas = descope::wire::json_schemas();
    assert!(schemas.len() >= 19);
    for (name, schema) in schemas {
        let text = serde_json::to_string_pretty(&schema).unwrap();
        insta::assert_snapshot!(name, text);
    }
}
