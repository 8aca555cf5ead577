//! Comparing two schemas: types, formats, nullability, enums, constraints and properties, each
//! classified by whether the schema is sent or decoded.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Class, Differ, Direction, EMPTY};
use crate::spec::deref;

pub(super) fn text(value: Option<&Value>) -> String {
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
    pub(super) fn schema(
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

    pub(super) fn shape(
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

    pub(super) fn enums(
        &mut self,
        loc: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        dir: Direction,
    ) {
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

    pub(super) fn properties(
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
}
