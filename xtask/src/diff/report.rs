//! What `api-diff` found: each change, its class, and the operations that reach it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

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
    pub(super) current: String,
}

impl Report {
    pub(super) fn add(
        &mut self,
        class: Class,
        location: impl Into<String>,
        change: impl Into<String>,
    ) {
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
