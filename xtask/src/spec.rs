//! Loading a spec as plain JSON, and walking it.

use serde_json::Value;

/// Parses an OpenAPI document (YAML or JSON) into JSON.
pub fn parse(text: &str) -> Result<Value, String> {
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| format!("not YAML/JSON: {e}"))?;
    serde_json::to_value(yaml).map_err(|e| format!("not representable as JSON: {e}"))
}

/// The HTTP methods an OpenAPI path item can hold.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a spec.
pub struct Operation<'a> {
    pub method: &'static str,
    pub path: &'a str,
    pub op: &'a Value,
    /// Path-level parameters.
    pub path_parameters: Option<&'a Value>,
}

impl Operation<'_> {
    /// `passwordSignIn (POST /v1/auth/password/signin)`.
    pub fn label(&self) -> String {
        let id = self
            .op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("(no operationId)");
        format!("{id} ({} {})", self.method.to_uppercase(), self.path)
    }

    pub fn id(&self) -> Option<&str> {
        self.op.get("operationId").and_then(Value::as_str)
    }
}

/// Every operation, in path then method order.
pub fn operations(spec: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(*method) {
                    out.push(Operation {
                        method,
                        path,
                        op,
                        path_parameters: item.get("parameters"),
                    });
                }
            }
        }
    }
    out
}

/// Resolves a local `$ref` (`#/components/...`) once; `None` when it points nowhere.
pub fn resolve<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    spec.pointer(pointer)
}

/// Follows `$ref`s until a non-reference (at most 32 hops); returns the last reference name too.
pub fn deref<'a>(spec: &'a Value, value: &'a Value) -> (&'a Value, Option<&'a str>) {
    let mut current = value;
    let mut name = None;
    for _ in 0..32 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                name = Some(reference);
                match resolve(spec, reference) {
                    Some(target) => current = target,
                    None => return (current, name),
                }
            }
            None => break,
        }
    }
    (current, name)
}
