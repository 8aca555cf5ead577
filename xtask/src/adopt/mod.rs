//! `cargo xtask adopt <UPSTREAM> <OPERATION>...`: copies operations of Descope's published
//! document into `openapi.yaml`, with every schema they reference, in our conventions.
//!
//! The file only gains lines: each operation, schema, tag or security scheme is a block of text
//! inserted after the last line of its section. A referenced schema whose name we already have
//! is reused when it is equivalent (`xtask upstream` finds no drift between the two), else the
//! upstream one is added under a new name. The result must pass `check-spec`, generate, show
//! no upstream drift on the adopted operations and be additive for `api-diff`; otherwise
//! nothing is written and the error names the operation and the problem.

mod conventions;
mod convert;
mod emit;
mod insert;

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use crate::spec::{self, operations};
use crate::upstream::route;
use conventions::{id_from_route, lower_camel, tag};
use convert::{Converter, Notes};
use insert::Document;

/// What an adoption did: the new text of `openapi.yaml` and a line per change.
pub struct Outcome {
    pub text: String,
    pub changed: bool,
    pub report: Vec<String>,
}

/// One upstream operation to adopt.
struct Adopted {
    selector: String,
    method: &'static str,
    path: String,
    id: String,
    op: Value,
}

impl Adopted {
    fn label(&self) -> String {
        format!("{} ({} {})", self.id, self.method.to_uppercase(), self.path)
    }
}

/// The upstream operation a selector names: an operationId (exact, else ignoring case) or
/// `"METHOD /path"`.
fn find(upstream: &serde_json::Value, selector: &str) -> Result<(&'static str, String), String> {
    let ops = operations(upstream);
    let by_route = selector
        .split_once(' ')
        .filter(|(method, _)| spec::METHODS.contains(&method.to_ascii_lowercase().as_str()))
        .map(|(method, path)| route(method, path.trim()));
    let found = match &by_route {
        Some(wanted) => ops.iter().find(|op| &route(op.method, op.path) == wanted),
        None => ops.iter().find(|op| op.id() == Some(selector)).or_else(|| {
            ops.iter()
                .find(|op| op.id().is_some_and(|id| id.eq_ignore_ascii_case(selector)))
        }),
    };
    match found {
        Some(op) => Ok((op.method, op.path.to_owned())),
        None => {
            let needle = selector.to_ascii_lowercase();
            let near: Vec<String> = ops
                .iter()
                .filter(|op| {
                    let id = op.id().unwrap_or_default().to_ascii_lowercase();
                    !needle.is_empty() && (id.contains(&needle) || op.path.contains(&needle))
                })
                .take(5)
                .map(|op| op.label())
                .collect();
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!(" (near: {})", near.join(", "))
            };
            Err(format!(
                "{selector}: no such operation upstream: give an operationId or \"METHOD /path\"{hint}"
            ))
        }
    }
}

/// Adopts the operations `selectors` names from `upstream_text` into `ours_text`.
pub fn adopt(
    ours_text: &str,
    upstream_text: &str,
    selectors: &[String],
) -> Result<Outcome, String> {
    let ours = spec::parse(ours_text).map_err(|e| format!("openapi.yaml: {e}"))?;
    let upstream = spec::parse(upstream_text).map_err(|e| format!("upstream: {e}"))?;
    let upstream_yaml: Value =
        serde_yaml::from_str(upstream_text).map_err(|e| format!("upstream: {e}"))?;
    let mut report = Vec::new();
    let our_routes: BTreeMap<String, String> = operations(&ours)
        .iter()
        .map(|op| (route(op.method, op.path), op.label()))
        .chain(
            crate::upstream::ROUTE_ALIASES
                .iter()
                .map(|(o, t, _)| (route_of(t), format!("{o} (an alias)"))),
        )
        .collect();
    let mut ids: BTreeSet<String> = operations(&ours)
        .iter()
        .filter_map(|op| op.id().map(str::to_owned))
        .collect();
    let mut adopted: Vec<Adopted> = Vec::new();
    for selector in selectors {
        let (method, path) = find(&upstream, selector)?;
        let key = route(method, &path);
        if let Some(existing) = our_routes.get(&key) {
            report.push(format!(
                "{selector}: already in openapi.yaml as {existing}; nothing to do"
            ));
            continue;
        }
        if adopted.iter().any(|a| route(a.method, &a.path) == key) {
            continue;
        }
        let op = upstream_yaml["paths"][path.as_str()][method].clone();
        let id = match op.get("operationId").and_then(Value::as_str) {
            Some(id) => lower_camel(id),
            None => id_from_route(method, &path),
        };
        if !ids.insert(id.clone()) {
            return Err(format!(
                "{selector}: its operationId would be `{id}`, which openapi.yaml already uses \
                 for another operation; rename one of them by hand first"
            ));
        }
        adopted.push(Adopted {
            selector: selector.clone(),
            method,
            path,
            id,
            op,
        });
    }
    if adopted.is_empty() {
        return Ok(Outcome {
            text: ours_text.to_owned(),
            changed: false,
            report,
        });
    }
    let plan = schemas::plan(&ours, &upstream, &upstream_yaml, &adopted)?;
    let mut doc = Document::new(ours_text);
    let mut notes = Notes::default();
    let mut converter = Converter {
        names: &plan.names,
        notes: &mut notes,
    };
    let our_tags: BTreeSet<&str> = ours["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect();
    let mut new_tags = BTreeSet::new();
    let mut new_schemes = BTreeSet::new();
    for a in &adopted {
        let tag = tag(&a.path);
        let schemes = convert::schemes(&a.op, tag == "management")
            .map_err(|e| format!("{}: {e}", a.selector))?;
        let block =
            convert::operation(&upstream_yaml, &a.op, &a.id, &tag, &schemes, &mut converter);
        let mut text = String::new();
        emit::entry(&mut text, a.method, &block, 4);
        doc.add_operation(&a.path, &text)?;
        report.push(format!("added {} [{tag}]", a.label()));
        if !our_tags.contains(tag.as_str()) && new_tags.insert(tag.clone()) {
            let family = a.path.rsplit_once('/').map_or(a.path.as_str(), |(f, _)| f);
            doc.add_tag(&format!(
                "  - name: {tag}\n    description: \"Operations under `{family}`.\"\n"
            ))?;
            report.push(format!("added tag {tag}"));
        }
        for scheme in schemes {
            let known = ours
                .pointer(&format!("/components/securitySchemes/{}", scheme.name))
                .is_some();
            if !known && new_schemes.insert(scheme.name) {
                doc.add_security_scheme(&format!(
                    "    {}:\n      type: http\n      scheme: bearer\n      description: {}\n",
                    scheme.name,
                    emit::scalar(&Value::String(scheme.description.to_owned()))
                ))?;
                report.push(format!("added security scheme {}", scheme.name));
            }
        }
    }
    for schema in &plan.new {
        let upstream_schema = &upstream_yaml["components"]["schemas"][schema.upstream.as_str()];
        let converted = converter.schema(&schema.name, upstream_schema, schema.response);
        let mut text = String::new();
        emit::entry(&mut text, &schema.name, &converted, 4);
        doc.add_schema(&text, schema.response)?;
    }
    report.extend(plan.report.iter().cloned());
    report.extend(notes.secrets.iter().map(|s| format!("made secret: {s}")));
    report.extend(
        notes
            .widened
            .iter()
            .map(|w| format!("made 64-bit (a time): {w}")),
    );
    report.extend(
        notes
            .dropped_defaults
            .iter()
            .map(|d| format!("dropped a default of the wrong type: {d}")),
    );
    report.extend(
        notes
            .plain_enums
            .iter()
            .map(|e| format!("kept as a plain string (a response enum): {e}")),
    );
    let text = doc.text();
    if let Err(why) = check::result(ours_text, &text, &upstream, &adopted, &plan) {
        // Name the operation at fault: the first that fails on its own.
        if adopted.len() > 1 {
            for a in &adopted {
                adopt(ours_text, upstream_text, std::slice::from_ref(&a.selector))?;
            }
        }
        return Err(why);
    }
    report.push(
        "next: `cargo xtask codegen`, then `cargo xtask api-diff --base HEAD`, then the façade"
            .to_owned(),
    );
    Ok(Outcome {
        text,
        changed: true,
        report,
    })
}

/// `"POST /v1/x"` → its route key.
fn route_of(method_path: &str) -> String {
    match method_path.split_once(' ') {
        Some((method, path)) => route(method, path),
        None => method_path.to_owned(),
    }
}

mod check;
mod schemas;
