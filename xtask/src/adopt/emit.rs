//! Writing YAML in `openapi.yaml`'s own style, so adopted text reads like the hand-written text
//! around it: two-space block mappings, flow lists of plain scalars (`tags: [management]`),
//! quoted status codes and references, and long descriptions as folded (`>-`) blocks.

use serde_yaml::{Mapping, Value};

/// Where a folded description is wrapped.
const WIDTH: usize = 96;

/// `key: value` lines of `map`, each indented by `indent` spaces.
pub fn mapping(map: &Mapping, indent: usize) -> String {
    let mut out = String::new();
    for (key, value) in map {
        entry(&mut out, &key_text(key), value, indent);
    }
    out
}

/// One `key: value` entry (and what it holds) at `indent`.
pub fn entry(out: &mut String, key: &str, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Mapping(inner) if inner.is_empty() => out.push_str(&format!("{pad}{key}: {{}}\n")),
        Value::Mapping(inner) => {
            out.push_str(&format!("{pad}{key}:\n"));
            out.push_str(&mapping(inner, indent + 2));
        }
        Value::Sequence(items) if items.iter().all(is_plain_scalar) => {
            let items: Vec<String> = items.iter().map(scalar).collect();
            out.push_str(&format!("{pad}{key}: [{}]\n", items.join(", ")));
        }
        Value::Sequence(items) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for item in items {
                sequence_item(out, item, indent + 2);
            }
        }
        Value::String(text) if key == "description" && text.len() + indent + 13 > WIDTH => {
            out.push_str(&format!("{pad}{key}: >-\n"));
            for line in wrap(text, WIDTH.saturating_sub(indent + 2)) {
                out.push_str(&format!("{pad}  {line}\n"));
            }
        }
        other => out.push_str(&format!("{pad}{key}: {}\n", scalar(other))),
    }
}

/// `- ...` at `indent`: a mapping's first entry on the dash line, the others under it.
fn sequence_item(out: &mut String, item: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match item {
        Value::Mapping(map) if !map.is_empty() => {
            let body = mapping(map, indent + 2);
            // The first line's indentation becomes the dash.
            let first = body.get(indent + 2..).unwrap_or_default();
            out.push_str(&format!("{pad}- {first}"));
        }
        other => out.push_str(&format!("{pad}- {}\n", scalar(other))),
    }
}

/// A mapping key: plain when it is a name (`$ref`, `loginId`, `application/json`), quoted when
/// YAML would read it as something else (`"200"`, `"4XX"`).
fn key_text(key: &Value) -> String {
    match key {
        Value::String(k)
            if k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '$' || c == '_')
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "$_-./".contains(c))
                && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
                    .contains(&k.to_ascii_lowercase().as_str()) =>
        {
            k.clone()
        }
        other => match other {
            Value::String(k) => serde_json::to_string(k).unwrap_or_default(),
            _ => scalar(other),
        },
    }
}

fn is_plain_scalar(value: &Value) -> bool {
    let text = scalar(value);
    matches!(value, Value::String(_) | Value::Bool(_) | Value::Number(_))
        && !text.starts_with('"')
        && !text.contains(',')
        && text.len() < 40
}

/// A scalar, plain when YAML reads it back as the same string, else double-quoted.
pub fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if plain(s) => s.clone(),
        // JSON's string syntax is valid double-quoted YAML.
        Value::String(s) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned()),
        // Not produced by adopt; written as JSON (valid flow YAML) rather than dropped.
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// Whether `s` can be written unquoted and read back as the same string.
fn plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let reserved = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    first.is_ascii_alphabetic()
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || " _-./()`',;!?*+=&%@".contains(c) || !c.is_ascii()
        })
        && !reserved.contains(&s.to_ascii_lowercase().as_str())
}

/// The words of `text`, a code span in backticks counting as one word.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
        }
        if c.is_whitespace() && !in_code {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `text` in lines of at most `width` characters (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in words(text) {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(yaml: &str) {
        let value: Value = serde_yaml::from_str(yaml).unwrap();
        let Value::Mapping(map) = &value else {
            panic!("not a mapping")
        };
        let written = mapping(map, 0);
        let back: Value = serde_yaml::from_str(&written).unwrap();
        assert_eq!(back, value, "written:\n{written}");
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        round_trip(
            r##"
a:
  "200":
    $ref: "#/components/schemas/X"
  tags: [management]
  required: [loginId, "yes", "1"]
  list:
    - name: id
      in: query
      schema:
        type: string
    - plain
  empty: {}
  description: "A long description with: colons, # hashes, <angles> and `code` that goes on for well over a hundred characters in all."
  short: "true"
  number: 3
  text: "  leading spaces"
  quote: "it's \"quoted\""
"##,
        );
    }

    #[test]
    fn plain_scalars_stay_plain_and_the_rest_is_quoted() {
        assert_eq!(scalar(&Value::String("management".into())), "management");
        assert_eq!(scalar(&Value::String("200".into())), "\"200\"");
        assert_eq!(
            scalar(&Value::String("#/components/schemas/X".into())),
            "\"#/components/schemas/X\""
        );
        assert_eq!(scalar(&Value::String("no".into())), "\"no\"");
    }
}
