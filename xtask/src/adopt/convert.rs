//! An upstream operation and its schemas, rewritten in our conventions (YAML values in the
//! order upstream has them, ready to be written out).

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use super::conventions::{describe, is_time, scheme, secret_schema, Scheme};

const SCHEMAS: &str = "#/components/schemas/";
const PARAMETERS: &str = "#/components/parameters/";

/// What a conversion changed, for the report.
#[derive(Default)]
pub struct Notes {
    pub secrets: Vec<String>,
    pub dropped_defaults: Vec<String>,
    pub widened: Vec<String>,
    pub plain_enums: Vec<String>,
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Mapping(entries.into_iter().map(|(k, v)| (s(k), v)).collect())
}

fn reference(name: &str) -> Value {
    map(vec![("$ref", s(&format!("{SCHEMAS}{name}")))])
}

/// The upstream schema name a `$ref` names (`None` for other references).
pub fn schema_ref(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()?.strip_prefix(SCHEMAS)
}

/// Every schema name `value` references directly (not through those schemas).
pub fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Mapping(m) => {
            if let Some(name) = schema_ref(value) {
                out.push(name.to_owned());
            }
            for v in m.values() {
                refs(v, out);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Converts schemas: upstream names to ours (`names`), secrets, times and, in responses,
/// leniency (nothing required, nullable collections, enums as plain strings).
pub struct Converter<'a> {
    pub names: &'a BTreeMap<String, String>,
    pub notes: &'a mut Notes,
}

impl Converter<'_> {
    /// `value` (a schema) in our conventions; `at` names it in notes (`Tenant.createdTime`).
    pub fn schema(&mut self, at: &str, value: &Value, response: bool) -> Value {
        let Value::Mapping(upstream) = value else {
            return value.clone();
        };
        if let Some(name) = schema_ref(value) {
            let ours = self.names.get(name).map_or(name, String::as_str);
            return reference(ours);
        }
        let mut out = Mapping::new();
        for (key, v) in upstream {
            let Some(key_text) = key.as_str() else {
                continue;
            };
            let converted = match key_text {
                "example" | "examples" => continue,
                k if k.starts_with("x-") => continue,
                "required" if response => continue,
                "enum" if response => {
                    self.notes.plain_enums.push(at.to_owned());
                    continue;
                }
                "description" => s(&describe(v.as_str().unwrap_or_default())),
                "default" if !default_fits(value.get("type"), v) => {
                    self.notes.dropped_defaults.push(at.to_owned());
                    continue;
                }
                "properties" => self.properties(at, v, response),
                "items" => self.schema(&format!("{at}[]"), v, response),
                "additionalProperties" if v.is_mapping() => {
                    self.schema(&format!("{at}{{}}"), v, response)
                }
                "allOf" | "oneOf" | "anyOf" => Value::Sequence(
                    v.as_sequence()
                        .into_iter()
                        .flatten()
                        .map(|item| self.schema(at, item, response))
                        .collect(),
                ),
                _ => v.clone(),
            };
            out.insert(key.clone(), converted);
        }
        Value::Mapping(out)
    }

    fn properties(&mut self, at: &str, value: &Value, response: bool) -> Value {
        let Some(properties) = value.as_mapping() else {
            return value.clone();
        };
        let mut out = Mapping::new();
        for (key, property) in properties {
            let name = key.as_str().unwrap_or_default();
            let here = format!("{at}.{name}");
            let kind = property.get("type").and_then(Value::as_str);
            let converted = if let (Some("string"), Some(secret)) = (kind, secret_schema(name)) {
                self.notes.secrets.push(format!("{here} → {secret}"));
                reference(secret)
            } else {
                let mut converted = self.schema(&here, property, response);
                if kind == Some("integer") && is_time(name) {
                    if let Value::Mapping(m) = &mut converted {
                        if m.get("format").and_then(Value::as_str) != Some("int64") {
                            m.insert(s("format"), s("int64"));
                            self.notes.widened.push(here.clone());
                        }
                    }
                }
                let collection =
                    kind == Some("array") || property.get("additionalProperties").is_some();
                if response && collection && schema_ref(property).is_none() {
                    if let Value::Mapping(m) = &mut converted {
                        m.insert(s("nullable"), Value::Bool(true));
                    }
                }
                converted
            };
            out.insert(key.clone(), converted);
        }
        Value::Mapping(out)
    }
}

/// Whether a `default` has the schema's type (upstream has `default: false` on integers, which
/// the generator refuses).
fn default_fits(kind: Option<&Value>, default: &Value) -> bool {
    match kind.and_then(Value::as_str) {
        Some("integer") => default.as_i64().is_some() || default.as_u64().is_some(),
        Some("number") => default.is_number(),
        Some("boolean") => default.is_bool(),
        Some("string") => default.is_string(),
        Some("array") => default.is_sequence(),
        Some("object") => default.is_mapping(),
        _ => true,
    }
}

/// The schemes of an upstream operation (alternatives), ours; the project's when it has none.
pub fn schemes(op: &Value, management: bool) -> Result<Vec<Scheme>, String> {
    let mut out = Vec::new();
    for requirement in op
        .get("security")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        for name in requirement.as_mapping().into_iter().flat_map(Mapping::keys) {
            let name = name.as_str().unwrap_or_default();
            let ours = scheme(name).ok_or_else(|| {
                format!("its security scheme `{name}` has no counterpart of ours")
            })?;
            if !out.iter().any(|s: &Scheme| s.name == ours.name) {
                out.push(ours);
            }
        }
    }
    if out.is_empty() {
        // Upstream names none: a management route takes the management key, others the project.
        out.extend(scheme(if management {
            "Descope Project ID and Management Key"
        } else {
            "Descope Project ID"
        }));
    }
    Ok(out)
}

/// The operation block (its keys, for the method's mapping) in our conventions.
pub fn operation(
    upstream_doc: &Value,
    op: &Value,
    id: &str,
    tag: &str,
    schemes: &[Scheme],
    converter: &mut Converter<'_>,
) -> Value {
    let summary = op.get("summary").and_then(Value::as_str).unwrap_or(id);
    let mut description = op
        .get("description")
        .and_then(Value::as_str)
        .map(describe)
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| describe(summary));
    if !description.ends_with('.') {
        description.push('.');
    }
    let authorization: Vec<&str> = schemes.iter().map(|s| s.authorization).collect();
    description.push_str(&format!(" Authorization: {}.", authorization.join(" or ")));
    let mut entries = vec![
        ("operationId", s(id)),
        ("tags", Value::Sequence(vec![s(tag)])),
        ("summary", s(summary)),
        ("description", s(&description)),
        (
            "security",
            Value::Sequence(
                schemes
                    .iter()
                    .map(|scheme| map(vec![(scheme.name, Value::Sequence(Vec::new()))]))
                    .collect(),
            ),
        ),
    ];
    if op.get("deprecated").and_then(Value::as_bool) == Some(true) {
        entries.push(("deprecated", Value::Bool(true)));
    }
    let parameters: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .map(|p| parameter(upstream_doc, p, id, converter))
        .collect();
    if !parameters.is_empty() {
        entries.push(("parameters", Value::Sequence(parameters)));
    }
    if let Some(schema) = json_schema(op.get("requestBody")) {
        entries.push((
            "requestBody",
            map(vec![
                ("required", Value::Bool(true)),
                (
                    "content",
                    json_content(converter.schema(&format!("{id} request"), schema, false)),
                ),
            ]),
        ));
    }
    let answer = op.get("responses").and_then(|r| r.get("200"));
    let answer_description = answer
        .and_then(|a| a.get("description"))
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty() && *d != "OK")
        .map(describe)
        .unwrap_or_else(|| "The answer.".to_owned());
    let ok = match json_schema(answer) {
        Some(schema) => map(vec![
            ("description", s(&answer_description)),
            (
                "content",
                json_content(converter.schema(&format!("{id} response"), schema, true)),
            ),
        ]),
        // No body: an empty success, as our other body-less answers.
        None => map(vec![
            ("description", s("Done (an empty object).")),
            ("content", json_content(reference("EmptyResponse"))),
        ]),
    };
    let error = map(vec![("$ref", s("#/components/responses/Error"))]);
    entries.push((
        "responses",
        map(vec![("200", ok), ("4XX", error.clone()), ("5XX", error)]),
    ));
    map(entries)
}

fn json_schema(holder: Option<&Value>) -> Option<&Value> {
    holder?
        .get("content")?
        .get("application/json")?
        .get("schema")
}

fn json_content(schema: Value) -> Value {
    map(vec![("application/json", map(vec![("schema", schema)]))])
}

/// A parameter, inlined from `#/components/parameters` when it is a reference, with
/// `required` spelled out as ours are.
fn parameter(upstream_doc: &Value, p: &Value, id: &str, converter: &mut Converter<'_>) -> Value {
    let resolved = p
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(PARAMETERS))
        .and_then(|name| upstream_doc.get("components")?.get("parameters")?.get(name))
        .unwrap_or(p);
    let name = resolved
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let place = resolved
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or("query");
    let required = resolved
        .get("required")
        .and_then(Value::as_bool)
        .unwrap_or(place == "path");
    let mut entries = vec![
        ("name", s(name)),
        ("in", s(place)),
        ("required", Value::Bool(required)),
    ];
    if let Some(text) = resolved.get("description").and_then(Value::as_str) {
        entries.push(("description", s(&describe(text))));
    }
    if let Some(schema) = resolved.get("schema") {
        entries.push((
            "schema",
            converter.schema(&format!("{id} {place}.{name}"), schema, false),
        ));
    }
    map(entries)
}
