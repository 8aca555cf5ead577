//! `cargo xtask upstream <file>`: our `openapi.yaml` against Descope's published OpenAPI
//! document, on the operations we implement (matched by method and path), with what we change
//! on purpose masked, so what is left is real drift a maintainer can act on.
//!
//! Each difference is reported once per schema location (`JWTResponse.unsavedSSO`), with the
//! operations that use it. Upstream operations in the same path family as ours that we do not
//! implement are listed apart, one line each.

mod deliberate;
mod walker;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

pub use deliberate::{DELIBERATE, MASKED_POLICIES, ROUTE_ALIASES};
use walker::Walker;

use crate::spec::{operations, Operation};

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Drift {
    /// Schema location: `JWTResponse.unsavedSSO`, or `<operation> query.certs` for parameters.
    pub location: String,
    /// What differs.
    pub change: String,
}

/// The report: drift by location (with the operations using it), masked counts, and upstream
/// operations next to ours that we lack.
#[derive(Debug, Default)]
pub struct Report {
    pub drift: BTreeMap<Drift, BTreeSet<String>>,
    pub masked: BTreeMap<&'static str, usize>,
    pub unimplemented: BTreeSet<String>,
    pub matched: usize,
}

impl Report {
    pub fn has_drift(&self) -> bool {
        !self.drift.is_empty()
    }

    pub fn to_json(&self) -> Value {
        let drift: Vec<Value> = self
            .drift
            .iter()
            .map(|(d, ops)| json!({"location": d.location, "change": d.change, "operations": ops}))
            .collect();
        let policies: Vec<Value> = MASKED_POLICIES
            .iter()
            .map(|(name, why)| {
                json!({"policy": name, "why": why, "masked": self.masked.get(name).copied().unwrap_or(0)})
            })
            .collect();
        json!({
            "matched_operations": self.matched,
            "drift": drift,
            "masked": policies,
            "unimplemented": self.unimplemented,
        })
    }

    pub fn to_text(&self) -> String {
        let mut out = format!(
            "drift on the {} operations we implement ({})\n",
            self.matched,
            self.drift.len()
        );
        for (drift, ops) in &self.drift {
            let ops: Vec<&str> = ops.iter().map(String::as_str).collect();
            out.push_str(&format!(
                "  {}: {} [{}]\n",
                drift.location,
                drift.change,
                ops.join(", ")
            ));
        }
        let masked: usize = self.masked.values().sum();
        out.push_str(&format!("masked on purpose ({masked}):"));
        for (name, _) in MASKED_POLICIES {
            if let Some(count) = self.masked.get(name) {
                out.push_str(&format!(" {name} {count};"));
            }
        }
        out.push('\n');
        out.push_str(&format!(
            "upstream operations next to ours, not implemented ({})\n",
            self.unimplemented.len()
        ));
        for op in &self.unimplemented {
            out.push_str(&format!("  {op}\n"));
        }
        out
    }
}

/// `/v2/keys/{projectId}` and `/v2/keys/{id}` are the same route.
pub(crate) fn route(method: &str, path: &str) -> String {
    let mut normalized = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.trim_end_matches('/').chars() {
        match c {
            '{' => {
                in_param = true;
                normalized.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => normalized.push(c),
            _ => {}
        }
    }
    format!("{} {normalized}", method.to_uppercase())
}

/// The path family of a route: everything up to its last segment (`/v1/auth/password`).
fn family(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit_once('/')
        .map_or(path, |(parent, _)| parent)
}

/// The schema of the JSON request body, and of the 200 answer.
fn body(op: &Value, response: bool) -> Option<&Value> {
    let holder = if response {
        op.get("responses")?.get("200")?
    } else {
        op.get("requestBody")?
    };
    holder
        .get("content")?
        .get("application/json")?
        .get("schema")
}

/// The drift between one of our schemas and one of upstream's (`$ref`s or inline schemas of
/// `ours` and `theirs`), as [`compare`] reports it for an operation that sends them
/// (`response: false`) or decodes them: empty when every difference is deliberate.
pub fn schema_drift(
    ours: &Value,
    theirs: &Value,
    our_schema: &Value,
    their_schema: &Value,
    response: bool,
) -> Vec<Drift> {
    let mut report = Report::default();
    let mut walker = Walker {
        ours,
        theirs,
        report: &mut report,
        operation: String::new(),
        response,
    };
    walker.schema("schema", our_schema, their_schema, 0);
    report.drift.into_keys().collect()
}

/// Compares `ours` with Descope's published document `theirs`.
pub fn compare(ours: &Value, theirs: &Value) -> Report {
    compare_with_aliases(ours, theirs, ROUTE_ALIASES)
}

/// [`compare`] with another table of route aliases (`ours`, `theirs`, why).
pub fn compare_with_aliases(
    ours: &Value,
    theirs: &Value,
    aliases: &[(&str, &str, &str)],
) -> Report {
    let mut report = Report::default();
    let their_ops: BTreeMap<String, Operation<'_>> = operations(theirs)
        .into_iter()
        .map(|op| (route(op.method, op.path), op))
        .collect();
    let our_ops = operations(ours);
    let our_routes: BTreeSet<String> = our_ops
        .iter()
        .map(|op| route(op.method, op.path))
        .flat_map(|ours| {
            let alias = aliases
                .iter()
                .find(|(o, _, _)| *o == ours)
                .map(|(_, theirs, _)| (*theirs).to_owned());
            std::iter::once(ours).chain(alias)
        })
        .collect();
    let families: BTreeSet<&str> = our_ops.iter().map(|op| family(op.path)).collect();
    for op in &our_ops {
        let ours_route = route(op.method, op.path);
        let alias = aliases
            .iter()
            .find(|(ours, _, _)| *ours == ours_route)
            .map(|(_, theirs, _)| (*theirs).to_owned());
        if alias.is_some() {
            *report.masked.entry("deliberate").or_default() += 1;
        }
        let Some(theirs_op) = their_ops.get(alias.as_ref().unwrap_or(&ours_route)) else {
            report
                .drift
                .entry(Drift {
                    location: op.label(),
                    change: "not in the upstream document".into(),
                })
                .or_default()
                .insert(op.label());
            continue;
        };
        report.matched += 1;
        *report.masked.entry("errors").or_default() += 1;
        let mut walker = Walker {
            ours,
            theirs,
            report: &mut report,
            operation: op.id().unwrap_or(op.path).to_owned(),
            response: false,
        };
        walker.parameters(op, theirs_op);
        for response in [false, true] {
            match (body(op.op, response), body(theirs_op.op, response)) {
                (Some(o), Some(t)) => {
                    let at = if response { "response" } else { "request" };
                    walker.response = response;
                    walker.schema(at, o, t, 0);
                }
                (None, Some(_)) if !response => walker.drift(
                    format!("{} request", walker.operation),
                    "upstream has a request body we do not send".into(),
                ),
                _ => {}
            }
        }
    }
    for (key, op) in &their_ops {
        if !our_routes.contains(key) && families.contains(family(op.path)) {
            report.unimplemented.insert(op.label());
        }
    }
    report
}
