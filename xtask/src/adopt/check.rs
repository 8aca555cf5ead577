//! The checks an adoption must pass before anything is written: `check-spec`, generation, no
//! upstream drift on the adopted operations, and only additive changes for `api-diff`.

use super::schemas::Plan;
use super::Adopted;
use crate::spec;

/// The selector a problem is about: the adopted operation (or the one that brought the
/// schema) its text names, else all of them.
fn culprit(problem: &str, adopted: &[Adopted], plan: &Plan) -> String {
    let by_op = adopted
        .iter()
        .find(|a| problem.contains(&a.id) || problem.contains(&a.path));
    let by_schema = || {
        plan.new
            .iter()
            .find(|s| problem.contains(&s.name))
            .and_then(|_| adopted.first())
    };
    match by_op.or_else(by_schema) {
        Some(a) => a.selector.clone(),
        None => adopted
            .iter()
            .map(|a| a.selector.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Checks `new_text` (the adopted spec) against `old_text` (the spec before).
pub fn result(
    old_text: &str,
    new_text: &str,
    upstream: &serde_json::Value,
    adopted: &[Adopted],
    plan: &Plan,
) -> Result<(), String> {
    let old = spec::parse(old_text).map_err(|e| format!("openapi.yaml: {e}"))?;
    let new = spec::parse(new_text)
        .map_err(|e| format!("adopt wrote text that does not parse (a bug in adopt): {e}"))?;
    let before = crate::lint::check_spec(old_text);
    if let Some(problem) = crate::lint::check_spec(new_text)
        .into_iter()
        .find(|p| !before.contains(p))
    {
        return Err(format!(
            "{}: the result fails check-spec: {problem}",
            culprit(&problem, adopted, plan)
        ));
    }
    let code = crate::generate::generate(new_text, true).map_err(|why| {
        let first = why.lines().take(4).collect::<Vec<_>>().join(" ");
        format!(
            "{}: its schemas cannot be generated (the generator says: {first})",
            culprit(&why, adopted, plan)
        )
    })?;
    if let Some(twice) = duplicate_type(&code) {
        return Err(format!(
            "{}: two schemas become the one Rust type `{twice}`",
            culprit(&twice, adopted, plan)
        ));
    }
    let report = crate::upstream::compare(&new, upstream);
    for (drift, ops) in &report.drift {
        if let Some(a) = adopted.iter().find(|a| ops.contains(&a.id)) {
            return Err(format!(
                "{}: the adopted operation drifts from upstream at {}: {}",
                a.selector, drift.location, drift.change
            ));
        }
    }
    let diff = crate::diff::diff(&old, &new);
    if let Some(change) = diff.of(crate::diff::Class::Breaking).first() {
        return Err(format!(
            "{}: the change would be breaking for api-diff: {} {}",
            culprit(&change.location, adopted, plan),
            change.location,
            change.change
        ));
    }
    Ok(())
}

/// A type the generated code defines twice (two schema names that differ only in case).
fn duplicate_type(code: &str) -> Option<String> {
    let file = syn::parse_file(code).ok()?;
    let mut seen = std::collections::BTreeSet::new();
    let mut found = None;
    visit(&file.items, &mut seen, &mut found);
    found
}

fn visit(
    items: &[syn::Item],
    seen: &mut std::collections::BTreeSet<String>,
    found: &mut Option<String>,
) {
    for item in items {
        let name = match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    let mut own = std::collections::BTreeSet::new();
                    visit(inner, &mut own, found);
                }
                None
            }
            _ => None,
        };
        if let Some(name) = name {
            if !seen.insert(name.clone()) && found.is_none() {
                *found = Some(name);
            }
        }
    }
}
