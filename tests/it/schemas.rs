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

#[test]
fn no_schema_snapshot_of_a_type_that_is_gone() {
    let names: Vec<&str> = descope::wire::json_schemas()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/snapshots");
    for entry in std::fs::read_dir(dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(name) = file
            .strip_prefix("it__schemas__")
            .and_then(|f| f.strip_suffix(".snap"))
        {
            assert!(
                names.contains(&name),
                "{file} pins a type that no longer exists: run `cargo xtask codegen`"
            );
        }
    }
}
