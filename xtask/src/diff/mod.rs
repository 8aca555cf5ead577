//! Semantic comparison of two versions of the spec, classified from the point of view of the
//! crate's users: `breaking`, `additive` or `other`.
//!
//! Rules (request = what the client sends, response = what it decodes):
//! - operation removed, moved (same operationId elsewhere) or its operationId renamed: breaking;
//!   operation added: additive; security requirements changed: breaking;
//! - request field or parameter: removed, type/format changed, added as required, or its
//!   `required` status changed: breaking; added as optional: additive; enum value removed:
//!   breaking, added: additive;
//! - response field: removed, type/format changed, `required` status changed, non-nullable →
//!   nullable, enum value added (old clients cannot decode it): breaking; added: additive;
//!   nullable → non-nullable or enum value removed: other;
//! - a `$ref` replaced by another schema name with the same shape: other (only a generated
//!   type is renamed); descriptions, summaries, examples, constraints, info and servers: other.
//!
//! Classes are judged on the wire and on the crate's public Rust surface, which holds no
//! generated type: the generated client and its types are private (`descope::wire` exists only
//! under the opt-in `wire` feature, outside the semver promise). So a change that only renames
//! or reshapes generated Rust (a type renamed, an operationId renamed, which names a method of
//! the private client) is `other`; the façade keeps its names. A change is breaking when the
//! wire itself breaks old clients.
//!
//! Changes inside a named schema are located at the schema (`JWTResponse.cookieMaxAge`) and
//! reported once, with the operations that reach them; changes of an operation itself are
//! located at the operation.

mod operations;
mod report;
mod schemas;

use std::collections::BTreeSet;

use serde_json::Value;

pub use report::{Change, Class, Report};

use crate::spec::operations;

/// An empty JSON object, for a missing map.
static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
    std::sync::LazyLock::new(serde_json::Map::new);

#[derive(Clone, Copy, PartialEq, Eq)]
/// Whether a schema is sent (request) or decoded (response): the same change can break one and
/// not the other.
enum Direction {
    Request,
    Response,
}

/// The two specs being compared, and what was found so far.
struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    report: Report,
}

impl Differ<'_> {
    /// Tags only added (an adopted family) are additive; any other change is other.
    fn tags(&mut self) {
        let list = |spec: &Value| -> Vec<Value> {
            spec.get("tags")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (old, new) = (list(self.old), list(self.new));
        if old == new {
            return;
        }
        let kept = old.iter().all(|tag| new.contains(tag));
        if !kept {
            self.report.add(Class::Other, "tags", "tags changed");
            return;
        }
        for tag in new.iter().filter(|tag| !old.contains(tag)) {
            let name = tag.get("name").and_then(Value::as_str).unwrap_or("?");
            self.report
                .add(Class::Additive, format!("tag {name}"), "tag added");
        }
    }
}

/// Compares two specs (parsed to JSON).
pub fn diff(old: &Value, new: &Value) -> Report {
    let mut differ = Differ {
        old,
        new,
        report: Report::default(),
    };
    for key in ["openapi", "info", "servers", "externalDocs"] {
        if old.get(key) != new.get(key) {
            differ
                .report
                .add(Class::Other, key, format!("{key} changed"));
        }
    }
    differ.tags();
    let old_ops = operations(old);
    let new_ops = operations(new);
    let mut matched_new = BTreeSet::new();
    for o in &old_ops {
        differ.report.current = o.label();
        if let Some((i, n)) = new_ops
            .iter()
            .enumerate()
            .find(|(_, n)| n.method == o.method && n.path == o.path)
        {
            matched_new.insert(i);
            differ.operation(o, n);
        } else if let Some((i, n)) = new_ops
            .iter()
            .enumerate()
            .find(|(_, n)| o.id().is_some() && n.id() == o.id())
        {
            matched_new.insert(i);
            differ.report.add(
                Class::Breaking,
                o.label(),
                format!("operation moved to {} {}", n.method.to_uppercase(), n.path),
            );
            differ.operation(o, n);
        } else {
            differ
                .report
                .add(Class::Breaking, o.label(), "operation removed");
        }
    }
    for (i, n) in new_ops.iter().enumerate() {
        if !matched_new.contains(&i) {
            differ.report.current = n.label();
            differ
                .report
                .add(Class::Additive, n.label(), "operation added");
        }
    }
    differ.report
}
