//! `cargo xtask check-spec`: what progenitor needs and what the crate promises of `openapi.yaml`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::generate::SECRET_SCHEMAS;
use crate::spec::{deref, operations};

/// Every problem, as `location: message`.
pub fn check_spec(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    // The generator's own preconditions, shared with build.rs.
    match serde_yaml::from_str::<openapiv3::OpenAPI>(text) {
        Ok(parsed) => {
            if let Err(why) = crate::generate::check(&parsed) {
                problems.extend(
                    why.lines()
                        .skip(1)
                        .map(|l| l.trim_start().trim_start_matches("- ").to_owned()),
                );
            }
        }
        Err(e) => problems.push(format!("openapi.yaml: not an OpenAPI 3.0 document: {e}")),
    }
    let spec = match crate::spec::parse(text) {
        Ok(spec) => spec,
        Err(e) => {
            problems.push(format!("openapi.yaml: {e}"));
            return problems;
        }
    };
    for op in operations(&spec) {
        let label = op.label();
        let responses = op.op.get("responses").and_then(Value::as_object);
        for range in ["4XX", "5XX"] {
            let schema = responses
                .and_then(|r| r.get(range))
                .map(|r| deref(&spec, r).0)
                .and_then(|r| r.pointer("/content/application~1json/schema"))
                .and_then(|s| s.get("$ref"))
                .and_then(Value::as_str);
            if schema != Some("#/components/schemas/ErrorResponse") {
                problems.push(format!(
                    "{label}: the {range} response must be application/json ErrorResponse"
                ));
            }
        }
        if let Some(responses) = responses {
            for (status, response) in responses {
                if let Some(schema) = deref(&spec, response)
                    .0
                    .pointer("/content/application~1json/schema")
                {
                    let mut seen = BTreeSet::new();
                    lenient(
                        &spec,
                        &format!("{label} response {status}"),
                        schema,
                        &mut seen,
                        &mut problems,
                    );
                }
            }
        }
        for key in ["description", "summary"] {
            if let Some(text) = op.op.get(key).and_then(Value::as_str) {
                html_like(&format!("{label} {key}"), text, &mut problems);
            }
        }
    }
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            secrets(&format!("components.schemas.{name}"), schema, &mut problems);
            walk_descriptions(&format!("components.schemas.{name}"), schema, &mut problems);
        }
    }
    problems
}

/// Response schemas must tolerate what the service sends: nothing required, and arrays and
/// maps `nullable: true` (the service sends `null` for them).
fn lenient(
    spec: &Value,
    loc: &str,
    schema: &Value,
    seen: &mut BTreeSet<String>,
    problems: &mut Vec<String>,
) {
    let (schema, reference) = deref(spec, schema);
    if let Some(reference) = reference {
        // Secret schemas are plain strings: fine.
        if !seen.insert(reference.to_owned()) {
            return;
        }
    }
    if schema.get("required").is_some() {
        problems.push(format!(
            "{loc}: response schemas must not have `required` fields (all optional)"
        ));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let at = format!("{loc}.{name}");
            let (target, _) = deref(spec, property);
            let collection = target.get("type").and_then(Value::as_str) == Some("array")
                || target.get("additionalProperties").is_some();
            let is_ref = property.get("$ref").is_some();
            if collection
                && !is_ref
                && !target
                    .get("nullable")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            {
                problems.push(format!(
                    "{at}: arrays and maps in responses must be `nullable: true`"
                ));
            }
            lenient(spec, &at, property, seen, problems);
        }
    }
    if let Some(items) = schema.get("items") {
        lenient(spec, &format!("{loc}[]"), items, seen, problems);
    }
}

/// Properties that carry secrets must use the secret schemas.
fn secrets(loc: &str, schema: &Value, problems: &mut Vec<String>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let secret_refs: Vec<String> = SECRET_SCHEMAS
        .iter()
        .map(|(name, _)| format!("#/components/schemas/{name}"))
        .collect();
    for (name, property) in properties {
        let lower = name.to_ascii_lowercase();
        let secret_name = lower.ends_with("password")
            || lower.ends_with("jwt")
            || lower.ends_with("token")
            || lower.ends_with("secret");
        let is_string = property.get("type").and_then(Value::as_str) == Some("string");
        let reference = property.get("$ref").and_then(Value::as_str);
        if secret_name
            && (is_string || reference.is_some_and(|r| !secret_refs.iter().any(|s| s == r)))
        {
            problems.push(format!(
                "{loc}.{name}: a secret must use one of the secret schemas ({}), not a plain string",
                SECRET_SCHEMAS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ));
        }
        secrets(&format!("{loc}.{name}"), property, problems);
    }
}

fn walk_descriptions(loc: &str, schema: &Value, problems: &mut Vec<String>) {
    if let Some(text) = schema.get("description").and_then(Value::as_str) {
        html_like(loc, text, problems);
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            walk_descriptions(&format!("{loc}.{name}"), property, problems);
        }
    }
}

/// `<placeholder>` outside backticks becomes an HTML tag in rustdoc.
fn html_like(loc: &str, text: &str, problems: &mut Vec<String>) {
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => in_code = !in_code,
            '<' if !in_code => {
                problems.push(format!(
                    "{loc}: put `<...>` placeholders in backticks (rustdoc reads them as HTML)"
                ));
                return;
            }
            _ => {}
        }
    }
}
