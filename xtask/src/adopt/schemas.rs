//! Which upstream schemas an adoption brings, and under which names: ours when equivalent,
//! upstream's name when we have none, a new name when ours differs.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::json;
use serde_yaml::Value;

use super::conventions::pascal;
use super::convert::refs;
use super::Adopted;

/// An upstream schema to add, under our name, in the requests or the responses part.
pub struct NewSchema {
    pub upstream: String,
    pub name: String,
    pub response: bool,
}

/// The names of every schema the adopted operations reach, and the schemas to add.
pub struct Plan {
    pub names: BTreeMap<String, String>,
    pub new: Vec<NewSchema>,
    pub report: Vec<String>,
}

/// Where schemas are used: sent (request), decoded (response), or both.
#[derive(Clone, Copy, Default)]
struct Use {
    request: bool,
    response: bool,
}

/// The schemas an operation names directly: in its request (body and parameters) and in its
/// answer.
fn roots(op: &Value) -> (Vec<String>, Vec<String>) {
    let mut request = Vec::new();
    let mut response = Vec::new();
    if let Some(body) = op.get("requestBody") {
        refs(body, &mut request);
    }
    if let Some(parameters) = op.get("parameters") {
        refs(parameters, &mut request);
    }
    if let Some(answer) = op.get("responses").and_then(|r| r.get("200")) {
        refs(answer, &mut response);
    }
    (request, response)
}

fn upstream_schema<'a>(upstream_yaml: &'a Value, name: &str) -> Option<&'a Value> {
    upstream_yaml.get("components")?.get("schemas")?.get(name)
}

/// Plans the schemas of `adopted`.
pub fn plan(
    ours: &serde_json::Value,
    upstream: &serde_json::Value,
    upstream_yaml: &Value,
    adopted: &[Adopted],
) -> Result<Plan, String> {
    // Every schema reachable from each operation, and how it is used (a superset: a schema
    // reachable only through one we reuse is not adopted).
    let mut uses: BTreeMap<String, Use> = BTreeMap::new();
    let mut first_op: BTreeMap<String, (String, String)> = BTreeMap::new();
    // The operation whose request or answer a schema is, directly: `{Operation}Request`.
    let mut role: BTreeMap<String, String> = BTreeMap::new();
    for a in adopted {
        let (request, response) = roots(&a.op);
        for (names, suffix) in [(&request, "Request"), (&response, "Response")] {
            for name in names {
                role.entry(name.clone())
                    .or_insert_with(|| format!("{}{suffix}", pascal(&a.id)));
            }
        }
        for (names, is_response) in [(request, false), (response, true)] {
            let mut queue: VecDeque<String> = names.into();
            let mut seen = BTreeSet::new();
            while let Some(name) = queue.pop_front() {
                if !seen.insert(name.clone()) {
                    continue;
                }
                let schema = upstream_schema(upstream_yaml, &name).ok_or_else(|| {
                    format!(
                        "{}: references schema `{name}`, which upstream does not define",
                        a.selector
                    )
                })?;
                let entry = uses.entry(name.clone()).or_default();
                if is_response {
                    entry.response = true;
                } else {
                    entry.request = true;
                }
                first_op
                    .entry(name.clone())
                    .or_insert_with(|| (a.selector.clone(), a.id.clone()));
                let mut next = Vec::new();
                refs(schema, &mut next);
                queue.extend(next);
            }
        }
    }
    let our_names: BTreeSet<&str> = ours
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut plan = Plan {
        names: BTreeMap::new(),
        new: Vec::new(),
        report: Vec::new(),
    };
    // Taken names, as the Rust type names they become (`OTPSignInRequest` is `OtpSignInRequest`).
    let mut taken: BTreeSet<String> = our_names.iter().map(|n| rust_name(n)).collect();
    // Top-down from the operations, so a reused schema's own references are not adopted.
    let mut queue: VecDeque<String> = adopted
        .iter()
        .flat_map(|a| {
            let (request, response) = roots(&a.op);
            request.into_iter().chain(response)
        })
        .collect();
    while let Some(name) = queue.pop_front() {
        if plan.names.contains_key(&name) {
            continue;
        }
        let used = uses.get(&name).copied().unwrap_or_default();
        let (selector, op_id) = first_op.get(&name).cloned().unwrap_or_default();
        let desired = base_name(&name);
        let ours_name = if our_names.contains(desired.as_str()) {
            let ours_ref = json!({ "$ref": format!("#/components/schemas/{desired}") });
            let theirs_ref = json!({ "$ref": format!("#/components/schemas/{name}") });
            let drift: Vec<String> = [(used.request, false), (used.response, true)]
                .into_iter()
                .filter(|(used, _)| *used)
                .flat_map(|(_, response)| {
                    crate::upstream::schema_drift(ours, upstream, &ours_ref, &theirs_ref, response)
                })
                .map(|d| format!("{}: {}", d.location, d.change))
                .collect();
            if drift.is_empty() {
                plan.names.insert(name.clone(), desired.clone());
                plan.report.push(if desired == name {
                    format!("reused schema {name} (ours is equivalent)")
                } else {
                    format!("reused schema {desired} for upstream's {name} (ours is equivalent)")
                });
                continue;
            }
            let renamed = free_name(&desired, &op_id, role.get(&name), &taken).ok_or_else(|| {
                format!(
                    "{selector}: schema `{name}` differs from our {desired} ({}) and no free name was found for it",
                    drift[0]
                )
            })?;
            plan.report.push(format!(
                "added schema {renamed}: upstream's {name}, which differs from our {desired} ({}{})",
                drift[0],
                if drift.len() > 1 {
                    format!(", and {} more", drift.len() - 1)
                } else {
                    String::new()
                }
            ));
            renamed
        } else if taken.contains(&rust_name(&desired)) {
            let renamed = free_name(&desired, &op_id, role.get(&name), &taken)
                .ok_or_else(|| format!("{selector}: no free name was found for schema `{name}`"))?;
            plan.report.push(format!(
                "added schema {renamed}: upstream's {name} (the name {desired} is taken)"
            ));
            renamed
        } else {
            let kind = if used.response { "response" } else { "request" };
            plan.report.push(if desired == name {
                format!("added schema {name} ({kind})")
            } else {
                format!("added schema {desired}: upstream's {name} ({kind})")
            });
            desired
        };
        taken.insert(rust_name(&ours_name));
        plan.names.insert(name.clone(), ours_name.clone());
        plan.new.push(NewSchema {
            upstream: name.clone(),
            name: ours_name,
            response: used.response,
        });
        if let Some(schema) = upstream_schema(upstream_yaml, &name) {
            let mut next = Vec::new();
            refs(schema, &mut next);
            queue.extend(next);
        }
    }
    Ok(plan)
}

/// Our name for an upstream schema: its last dotted segment in our style
/// (`managementv1.AssociatedTenant` → `AssociatedTenant`), `JsonValue` for protobuf's any value.
fn base_name(name: &str) -> String {
    if name == "google.protobuf.Value" {
        return "JsonValue".to_owned();
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    pascal(
        &last
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>(),
    )
}

/// A name for upstream's `name` that nothing else has: the operation's request or answer
/// (`UpdateJwtResponse`) when it is one, else prefixed with the operation that brings it
/// (`CreateTenantTenant`); numbered when even that is taken.
fn free_name(
    name: &str,
    op_id: &str,
    role: Option<&String>,
    taken: &BTreeSet<String>,
) -> Option<String> {
    let prefix = pascal(op_id);
    let prefixed = if name.starts_with(&prefix) {
        format!("{name}Upstream")
    } else {
        format!("{prefix}{name}")
    };
    let base = role.cloned().unwrap_or(prefixed.clone());
    [base.clone(), prefixed]
        .into_iter()
        .chain((2..10).map(|i| format!("{base}{i}")))
        .find(|candidate| !taken.contains(&rust_name(candidate)))
}

/// The Rust type name the generator gives a schema name: words (split at case changes and
/// punctuation) capitalized, the rest lowercase (`JWTResponse` → `JwtResponse`).
pub fn rust_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            pascal(&lower)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_as_the_rust_types_they_become() {
        assert_eq!(rust_name("OTPSignInRequest"), rust_name("OtpSignInRequest"));
        assert_eq!(rust_name("JWTResponse"), "JwtResponse");
        assert_eq!(
            rust_name("managementv1.AssociatedTenant"),
            "Managementv1AssociatedTenant"
        );
        assert_eq!(
            base_name("managementv1.AssociatedTenant"),
            "AssociatedTenant"
        );
        assert_eq!(base_name("google.protobuf.Value"), "JsonValue");
        let taken: BTreeSet<String> = ["CreateTenantTenant".to_owned()].into();
        assert_eq!(
            free_name("Tenant", "createTenant", None, &taken).as_deref(),
            Some("CreateTenantTenant2")
        );
        let role = "UpdateJwtResponse".to_owned();
        assert_eq!(
            free_name("JWTResponse", "updateJwt", Some(&role), &taken).as_deref(),
            Some("UpdateJwtResponse")
        );
    }
}
