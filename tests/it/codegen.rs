//! The generated code is pinned by a snapshot: a spec edit shows up as a reviewable diff.

#[test]
fn generated_client_is_pinned() {
    let code = include_str!(concat!(env!("OUT_DIR"), "/descope_api.rs"));
    insta::assert_snapshot!("generated_client", code);
}

/// `descope::Operation` names every operation of the spec, once: an operationId added,
/// removed or renamed in `openapi.yaml` fails here (errors and HTTP mappings match on the
/// enum, so a rename can never silently stop matching).
#[test]
fn every_spec_operation_is_an_operation_variant() {
    let spec = include_str!("../../openapi.yaml");
    let mut in_spec: Vec<&str> = spec
        .lines()
        .filter_map(|line| line.trim().strip_prefix("operationId:"))
        .map(str::trim)
        .collect();
    let mut in_enum: Vec<&str> = descope::Operation::ALL
        .iter()
        .map(|op| op.operation_id())
        .collect();
    in_spec.sort_unstable();
    in_enum.sort_unstable();
    assert_eq!(in_enum, in_spec);
    for op in descope::Operation::ALL {
        // snake case of the operationId, as messages and traces name it
        let mut snake = String::new();
        for c in op.operation_id().chars() {
            if c.is_ascii_uppercase() {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        }
        assert_eq!(op.as_str(), snake);
        assert_eq!(op.to_string(), snake);
    }
}
