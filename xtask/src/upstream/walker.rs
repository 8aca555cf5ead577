//! Walking our schema and theirs side by side: each difference is drift, unless a deliberate
//! change explains it (then it is counted as masked).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Drift, Report, DELIBERATE};
use crate::spec::{deref, Operation};

const SECRET_SCHEMAS: &[&str] = &["Password", "SessionJwt", "RefreshJwt", "OpaqueToken"];

pub(super) struct Walker<'a> {
    pub(super) ours: &'a Value,
    pub(super) theirs: &'a Value,
    pub(super) report: &'a mut Report,
    pub(super) operation: String,
    pub(super) response: bool,
}

fn short(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// Whether a `DELIBERATE` location names `location`: exactly, or every location under a
/// prefix ending in `*` (`ssoStart query.unsavedSaml.*`).
fn deliberate_at(at: &str, location: &str) -> bool {
    match at.strip_suffix('*') {
        Some(prefix) => location.starts_with(prefix),
        None => at == location,
    }
}

fn kind(schema: &Value) -> (Option<&str>, Option<&str>) {
    (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    )
}

impl Walker<'_> {
    pub(super) fn drift(&mut self, location: String, change: String) {
        if DELIBERATE
            .iter()
            .any(|(at, what, _)| deliberate_at(at, &location) && *what == change)
        {
            self.mask("deliberate");
            return;
        }
        self.report
            .drift
            .entry(Drift { location, change })
            .or_default()
            .insert(self.operation.clone());
    }

    pub(super) fn mask(&mut self, policy: &'static str) {
        *self.report.masked.entry(policy).or_default() += 1;
    }

    /// Compares two schemas at `location` (named after our schema when we have one).
    pub(super) fn schema(&mut self, location: &str, ours: &Value, theirs: &Value, depth: usize) {
        if depth > 12 {
            return;
        }
        let (o, our_ref) = deref(self.ours, ours);
        let (t, their_ref) = deref(self.theirs, theirs);
        if our_ref.is_some_and(|r| SECRET_SCHEMAS.contains(&short(r))) {
            // A secret is a string with a format of ours: only the string type is compared.
            if kind(t).0.is_some_and(|k| k != "string") {
                self.drift(
                    location.to_owned(),
                    format!(
                        "upstream type {}, ours a secret string",
                        kind(t).0.unwrap_or("?")
                    ),
                );
            } else {
                self.mask("secret-schemas");
            }
            return;
        }
        if our_ref.is_some() || their_ref.is_some() {
            self.mask("names");
        }
        // Locations are named after our schema: that is what a maintainer edits.
        let here = match our_ref {
            Some(reference) => short(reference).to_owned(),
            None => location.to_owned(),
        };
        let ((ot, of), (tt, tf)) = (kind(o), kind(t));
        let untyped = |k: Option<&str>| k.is_none() || k == Some("object");
        if ot != tt && !(untyped(ot) && untyped(tt)) {
            self.drift(
                here.clone(),
                format!(
                    "type: ours {}, upstream {}",
                    ot.unwrap_or("any"),
                    tt.unwrap_or("any")
                ),
            );
            return;
        }
        if of != tf {
            if of == Some("int64") && tf == Some("int32") {
                self.mask("wider-integers");
            } else {
                self.drift(
                    here.clone(),
                    format!(
                        "format: ours {}, upstream {}",
                        of.unwrap_or("none"),
                        tf.unwrap_or("none")
                    ),
                );
            }
        }
        if o.get("nullable") != t.get("nullable") || o.get("required") != t.get("required") {
            self.mask("nullability");
        }
        self.enums(&here, o.get("enum"), t.get("enum"));
        self.properties(&here, o, t, depth);
        if let (Some(oi), Some(ti)) = (o.get("items"), t.get("items")) {
            self.schema(&format!("{here}[]"), oi, ti, depth + 1);
        }
    }

    pub(super) fn enums(&mut self, here: &str, ours: Option<&Value>, theirs: Option<&Value>) {
        let set = |v: Option<&Value>| -> BTreeSet<String> {
            v.and_then(Value::as_array)
                .map(|a| a.iter().map(|x| x.to_string()).collect())
                .unwrap_or_default()
        };
        let (o, t) = (set(ours), set(theirs));
        if self.response && o.is_empty() && !t.is_empty() {
            // A response enum we keep as a plain string: a new value must not fail decoding.
            self.mask("response-enums");
            return;
        }
        for value in t.difference(&o) {
            self.drift(
                here.to_owned(),
                format!("upstream enum value {value} we lack"),
            );
        }
        for value in o.difference(&t) {
            self.drift(
                here.to_owned(),
                format!("enum value {value} upstream lacks"),
            );
        }
    }

    pub(super) fn properties(&mut self, here: &str, o: &Value, t: &Value, depth: usize) {
        let empty = serde_json::Map::new();
        let op = o
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let tp = t
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (name, theirs) in tp {
            match op.get(name) {
                Some(ours) => self.schema(&format!("{here}.{name}"), ours, theirs, depth + 1),
                None => {
                    let (theirs, _) = deref(self.theirs, theirs);
                    let (kind, format) = kind(theirs);
                    let shape = match format {
                        Some(format) => format!("{} {format}", kind.unwrap_or("object")),
                        None => kind.unwrap_or("object").to_owned(),
                    };
                    self.drift(
                        format!("{here}.{name}"),
                        format!("upstream field we lack ({shape})"),
                    );
                }
            }
        }
        for name in op.keys().filter(|n| !tp.contains_key(*n)) {
            if self.response {
                self.mask("response-extras");
            } else {
                self.drift(format!("{here}.{name}"), "our field upstream lacks".into());
            }
        }
    }

    pub(super) fn parameters(&mut self, ours: &Operation<'_>, theirs: &Operation<'_>) {
        let collect = |spec: &Value, op: &Operation<'_>| -> BTreeMap<String, Value> {
            [op.path_parameters, op.op.get("parameters")]
                .into_iter()
                .flatten()
                .flat_map(|list| list.as_array().cloned().unwrap_or_default())
                .map(|p| deref(spec, &p).0.clone())
                .filter_map(|p| {
                    let place = p.get("in")?.as_str()?.to_owned();
                    let name = p.get("name")?.as_str()?.to_owned();
                    // Path parameters are matched by position in the route, not by name.
                    let key = if place == "path" {
                        "path".to_owned()
                    } else {
                        format!("{place}.{name}")
                    };
                    Some((key, p))
                })
                .collect()
        };
        let (o, t) = (collect(self.ours, ours), collect(self.theirs, theirs));
        let here = self.operation.clone();
        for (key, param) in &t {
            if !o.contains_key(key) {
                let required = param
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let kind = if required { "required" } else { "optional" };
                self.drift(
                    format!("{here} {key}"),
                    format!("upstream {kind} parameter we lack"),
                );
            }
        }
        for key in o.keys().filter(|k| !t.contains_key(*k)) {
            self.drift(
                format!("{here} {key}"),
                "our parameter upstream lacks".into(),
            );
        }
    }
}
