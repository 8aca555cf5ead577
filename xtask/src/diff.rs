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

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::spec::{deref, operations, Operation};

static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
    std::sync::LazyLock::new(serde_json::Map::new);

/// How a change affects the crate's users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Existing code or behaviour breaks.
    Breaking,
    /// New capability; existing code keeps working.
    Additive,
    /// Neither (documentation, constraints, metadata).
    Other,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Other => "other",
        }
    }
}

/// One change, once per location, with the operations that reach it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    pub class: Class,
    /// Schema then field path (`JWTResponse.cookieMaxAge`), or operation then place
    /// (`passwordSignIn (POST /v1/auth/password/signin) query parameter tenant`).
    pub location: String,
    /// What changed: `field removed`.
    pub change: String,
    /// The operations that reach it (`passwordSignIn (POST /v1/auth/password/signin)`).
    pub operations: Vec<String>,
}

/// Every change between two specs.
#[derive(Debug, Default)]
pub struct Report {
    changes: BTreeMap<(Class, String, String), BTreeSet<String>>,
    /// The operation being compared (empty for document-level changes).
    current: String,
}

impl Report {
    fn add(&mut self, class: Class, location: impl Into<String>, change: impl Into<String>) {
        let operations = self
            .changes
            .entry((class, location.into(), change.into()))
            .or_default();
        if !self.current.is_empty() {
            operations.insert(self.current.clone());
        }
    }

    /// The changes of one class, in location order.
    pub fn of(&self, class: Class) -> Vec<Change> {
        self.changes
            .iter()
            .filter(|((c, _, _), _)| *c == class)
            .map(|((class, location, change), ops)| Change {
                class: *class,
                location: location.clone(),
                change: change.clone(),
                operations: ops.iter().cloned().collect(),
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn has_breaking(&self) -> bool {
        self.changes.keys().any(|(c, _, _)| *c == Class::Breaking)
    }

    /// `{"breaking": [...], "additive": [...], "other": [...]}`, each item with `location`,
    /// `change` and `operations`.
    pub fn to_json(&self) -> Value {
        let group = |class| {
            Value::Array(
                self.of(class)
                    .iter()
                    .map(|c| json!({"location": c.location, "change": c.change, "operations": c.operations}))
                    .collect(),
            )
        };
        json!({"breaking": group(Class::Breaking), "additive": group(Class::Additive), "other": group(Class::Other)})
    }

    /// Grouped, one change a line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for class in [Class::Breaking, Class::Additive, Class::Other] {
            let changes = self.of(class);
            out.push_str(&format!("{} ({})\n", class.name(), changes.len()));
            for change in changes {
                out.push_str(&format!("  {}: {}\n", change.location, change.change));
                let local = change.operations.len() == 1
                    && change.location.starts_with(&change.operations[0]);
                if !change.operations.is_empty() && !local {
                    out.push_str(&format!("    in {}\n", change.operations.join(", ")));
                }
            }
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    report: Report,
}

fn text(value: Option<&Value>) -> String {
    match value {
        None => "nothing".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn required_set(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn nullable(schema: &Value) -> bool {
    schema
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The keywords compared as "constraints" (changes are `other`).
const CONSTRAINTS: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "default",
    "example",
    "readOnly",
    "writeOnly",
    "deprecated",
];

impl<'a> Differ<'a> {
    fn schema(
        &mut self,
        loc: &str,
        old: &'a Value,
        new: &'a Value,
        dir: Direction,
        seen: &mut Vec<(String, String)>,
    ) {
        let (o, old_ref) = deref(self.old, old);
        let (n, new_ref) = deref(self.new, new);
        let short = |r: &str| r.rsplit('/').next().unwrap_or(r).to_owned();
        match (old_ref, new_ref) {
            (Some(a), Some(b)) if short(a) != short(b) => self.report.add(
                Class::Other,
                loc,
                format!(
                    "type `{}` replaced by `{}` (a private generated type is renamed)",
                    short(a),
                    short(b)
                ),
            ),
            (Some(a), None) => {
                self.report
                    .add(Class::Other, loc, format!("`{}` inlined", short(a)))
            }
            (None, Some(b)) => self.report.add(
                Class::Other,
                loc,
                format!("inline schema moved to `{}`", short(b)),
            ),
            _ => {}
        }
        // A recursive schema is compared once per path through it.
        let key = (
            old_ref.unwrap_or_default().to_owned(),
            new_ref.unwrap_or_default().to_owned(),
        );
        if old_ref.is_some() && seen.contains(&key) {
            return;
        }
        seen.push(key);
        // Inside a named schema, locations start at its name: reported once for every use.
        let here = match new_ref.or(old_ref) {
            Some(reference) => short(reference),
            None => loc.to_owned(),
        };
        self.shape(&here, o, n, dir, seen);
        seen.pop();
    }

    fn shape(
        &mut self,
        loc: &str,
        o: &'a Value,
        n: &'a Value,
        dir: Direction,
        seen: &mut Vec<(String, String)>,
    ) {
        // No shortcut on `o == n`: equal text can still hold `$ref`s whose targets changed.
        let (ot, nt) = (o.get("type"), n.get("type"));
        if ot != nt {
            self.report.add(
                Class::Breaking,
                loc,
                format!("type changed from {} to {}", text(ot), text(nt)),
            );
            return;
        }
        if o.get("format") != n.get("format") {
            let change = format!(
                "format changed from {} to {}",
                text(o.get("format")),
                text(n.get("format"))
            );
            self.report.add(Class::Breaking, loc, change);
        }
        match (nullable(o), nullable(n), dir) {
            (false, true, Direction::Response) => {
                self.report.add(Class::Breaking, loc, "may now be null")
            }
            (false, true, Direction::Request) => {
                self.report.add(Class::Additive, loc, "now accepts null")
            }
            (true, false, Direction::Response) => {
                self.report.add(Class::Other, loc, "no longer null")
            }
            (true, false, Direction::Request) => {
                self.report
                    .add(Class::Breaking, loc, "no longer accepts null")
            }
            _ => {}
        }
        self.enums(loc, o.get("enum"), n.get("enum"), dir);
        for key in ["description", "title", "summary"] {
            if o.get(key) != n.get(key) {
                self.report.add(Class::Other, loc, format!("{key} changed"));
            }
        }
        for key in CONSTRAINTS {
            if o.get(*key) != n.get(*key) {
                let change = format!(
                    "`{key}` changed from {} to {}",
                    text(o.get(*key)),
                    text(n.get(*key))
                );
                self.report.add(Class::Other, loc, change);
            }
        }
        for key in ["allOf", "anyOf", "oneOf", "not"] {
            if o.get(key) != n.get(key) {
                self.report
                    .add(Class::Breaking, loc, format!("`{key}` composition changed"));
            }
        }
        self.properties(loc, o, n, dir, seen);
        if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
            self.schema(&format!("{loc}[]"), oi, ni, dir, seen);
        }
        match (o.get("additionalProperties"), n.get("additionalProperties")) {
            (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) => {
                self.schema(&format!("{loc}{{}}"), a, b, dir, seen)
            }
            (a, b) if a != b => {
                let change = format!("map values changed from {} to {}", text(a), text(b));
                self.report.add(Class::Breaking, loc, change);
            }
            _ => {}
        }
    }

    fn enums(&mut self, loc: &str, old: Option<&Value>, new: Option<&Value>, dir: Direction) {
        let set = |v: Option<&Value>| -> BTreeSet<String> {
            v.and_then(Value::as_array)
                .map(|a| a.iter().map(|x| text(Some(x))).collect())
                .unwrap_or_default()
        };
        if old.is_none() && new.is_some() {
            self.report
                .add(Class::Breaking, loc, "now restricted to an enum");
            return;
        }
        if old.is_some() && new.is_none() {
            let class = if dir == Direction::Request {
                Class::Additive
            } else {
                Class::Breaking
            };
            self.report.add(class, loc, "no longer an enum");
            return;
        }
        let (o, n) = (set(old), set(new));
        for added in n.difference(&o) {
            match dir {
                Direction::Request => {
                    self.report
                        .add(Class::Additive, loc, format!("enum value `{added}` added"))
                }
                Direction::Response => self.report.add(
                    Class::Breaking,
                    loc,
                    format!("enum value `{added}` added (older clients cannot decode it)"),
                ),
            }
        }
        for removed in o.difference(&n) {
            let class = if dir == Direction::Request {
                Class::Breaking
            } else {
                Class::Other
            };
            self.report
                .add(class, loc, format!("enum value `{removed}` removed"));
        }
    }

    fn properties(
        &mut self,
        loc: &str,
        o: &'a Value,
        n: &'a Value,
        dir: Direction,
        seen: &mut Vec<(String, String)>,
    ) {
        let op = o
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let np = n
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let (oreq, nreq) = (required_set(o), required_set(n));
        let names: BTreeSet<&String> = op.keys().chain(np.keys()).collect();
        for name in names {
            let at = format!("{loc}.{name}");
            match (op.get(name), np.get(name)) {
                (Some(a), Some(b)) => {
                    match (oreq.contains(name), nreq.contains(name)) {
                        (false, true) => self.report.add(Class::Breaking, &at, "now required"),
                        (true, false) => self.report.add(
                            Class::Breaking,
                            &at,
                            "no longer required (the generated field becomes optional)",
                        ),
                        _ => {}
                    }
                    self.schema(&at, a, b, dir, seen);
                }
                (Some(_), None) => self.report.add(Class::Breaking, &at, "field removed"),
                (None, Some(_)) => match (dir, nreq.contains(name)) {
                    (Direction::Request, true) => {
                        self.report
                            .add(Class::Breaking, &at, "required field added")
                    }
                    (Direction::Request, false) => {
                        self.report
                            .add(Class::Additive, &at, "optional field added")
                    }
                    (Direction::Response, _) => self.report.add(
                        Class::Additive,
                        &at,
                        "field added (the generated struct is `#[non_exhaustive]`)",
                    ),
                },
                (None, None) => {}
            }
        }
    }

    fn parameters(op: &Operation<'a>, spec: &'a Value) -> BTreeMap<(String, String), &'a Value> {
        let mut out = BTreeMap::new();
        for list in [op.path_parameters, op.op.get("parameters")]
            .into_iter()
            .flatten()
        {
            for param in list.as_array().into_iter().flatten() {
                let (param, _) = deref(spec, param);
                let location = param
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                out.insert((location, name), param);
            }
        }
        out
    }

    fn security(spec: &'a Value, op: &'a Value) -> Option<&'a Value> {
        op.get("security").or_else(|| spec.get("security"))
    }

    fn operation(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let label = old.label();
        self.report.current = label.clone();
        if old.id() != new.id() {
            self.report.add(
                Class::Other,
                &label,
                format!(
                    "operationId renamed from `{}` to `{}` (wire unchanged; only a method of the \
                     private generated client is renamed, no public method changes)",
                    old.id().unwrap_or_default(),
                    new.id().unwrap_or_default()
                ),
            );
        }
        for key in ["description", "summary", "tags"] {
            if old.op.get(key) != new.op.get(key) {
                self.report
                    .add(Class::Other, &label, format!("{key} changed"));
            }
        }
        let (os, ns) = (
            Self::security(self.old, old.op),
            Self::security(self.new, new.op),
        );
        if os != ns {
            self.report.add(
                Class::Breaking,
                &label,
                format!("security changed from {} to {}", text(os), text(ns)),
            );
        }
        self.params(&label, old, new);
        self.request_body(&label, old.op.get("requestBody"), new.op.get("requestBody"));
        self.responses(&label, old.op.get("responses"), new.op.get("responses"));
    }

    fn params(&mut self, label: &str, old: &Operation<'a>, new: &Operation<'a>) {
        let (op, np) = (
            Self::parameters(old, self.old),
            Self::parameters(new, self.new),
        );
        let keys: BTreeSet<&(String, String)> = op.keys().chain(np.keys()).collect();
        for key in keys {
            let at = format!("{label} {} parameter {}", key.0, key.1);
            let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
            match (op.get(key), np.get(key)) {
                (Some(a), Some(b)) => {
                    if required(a) != required(b) {
                        let change = if required(b) {
                            "now required"
                        } else {
                            "no longer required"
                        };
                        self.report.add(Class::Breaking, &at, change);
                    }
                    if a.get("description") != b.get("description") {
                        self.report.add(Class::Other, &at, "description changed");
                    }
                    if let (Some(sa), Some(sb)) = (a.get("schema"), b.get("schema")) {
                        let mut seen = Vec::new();
                        self.schema(&at, sa, sb, Direction::Request, &mut seen);
                    }
                }
                (Some(_), None) => self.report.add(Class::Breaking, &at, "parameter removed"),
                (None, Some(b)) if required(b) => {
                    self.report
                        .add(Class::Breaking, &at, "required parameter added")
                }
                (None, Some(_)) => {
                    self.report
                        .add(Class::Additive, &at, "optional parameter added")
                }
                (None, None) => {}
            }
        }
    }

    fn json_schema(spec: &'a Value, body: &'a Value) -> Option<&'a Value> {
        let (body, _) = deref(spec, body);
        body.get("content")?.get("application/json")?.get("schema")
    }

    fn request_body(&mut self, label: &str, old: Option<&'a Value>, new: Option<&'a Value>) {
        let at = format!("{label} request");
        let required = |spec: &Value, b: &Value| {
            deref(spec, b)
                .0
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        match (old, new) {
            (Some(a), Some(b)) => {
                if required(self.old, a) != required(self.new, b) {
                    self.report
                        .add(Class::Breaking, &at, "request body `required` changed");
                }
                match (
                    Self::json_schema(self.old, a),
                    Self::json_schema(self.new, b),
                ) {
                    (Some(sa), Some(sb)) => {
                        let mut seen = Vec::new();
                        self.schema(&at, sa, sb, Direction::Request, &mut seen);
                    }
                    (None, None) => {}
                    _ => self
                        .report
                        .add(Class::Breaking, &at, "request content type changed"),
                }
            }
            (Some(_), None) => self
                .report
                .add(Class::Breaking, &at, "request body removed"),
            (None, Some(b)) if required(self.new, b) => {
                self.report
                    .add(Class::Breaking, &at, "required request body added")
            }
            (None, Some(_)) => self
                .report
                .add(Class::Additive, &at, "optional request body added"),
            (None, None) => {}
        }
    }

    fn responses(&mut self, label: &str, old: Option<&'a Value>, new: Option<&'a Value>) {
        let o = old.and_then(Value::as_object).unwrap_or(&EMPTY);
        let n = new.and_then(Value::as_object).unwrap_or(&EMPTY);
        let statuses: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for status in statuses {
            let at = format!("{label} response {status}");
            let success = status.starts_with('2');
            match (o.get(status), n.get(status)) {
                (Some(a), Some(b)) => match (
                    Self::json_schema(self.old, a),
                    Self::json_schema(self.new, b),
                ) {
                    (Some(sa), Some(sb)) => {
                        let mut seen = Vec::new();
                        self.schema(&at, sa, sb, Direction::Response, &mut seen);
                    }
                    (None, None) => {
                        if deref(self.old, a).0.get("description")
                            != deref(self.new, b).0.get("description")
                        {
                            self.report.add(Class::Other, &at, "description changed");
                        }
                    }
                    _ => self
                        .report
                        .add(Class::Breaking, &at, "response content changed"),
                },
                (Some(_), None) if success => {
                    self.report
                        .add(Class::Breaking, &at, "success response removed")
                }
                (Some(_), None) => self.report.add(Class::Other, &at, "error response removed"),
                (None, Some(_)) if success => {
                    self.report
                        .add(Class::Breaking, &at, "another success response added")
                }
                (None, Some(_)) => self.report.add(Class::Other, &at, "error response added"),
                (None, None) => {}
            }
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
    for key in ["openapi", "info", "servers", "tags", "externalDocs"] {
        if old.get(key) != new.get(key) {
            differ
                .report
                .add(Class::Other, key, format!("{key} changed"));
        }
    }
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
