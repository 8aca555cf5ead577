//! Comparing two operations: parameters, security, the request body and the responses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::schemas::text;
use super::{Class, Differ, Direction, EMPTY};
use crate::spec::{deref, Operation};

impl<'a> Differ<'a> {
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

    pub(super) fn operation(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
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
