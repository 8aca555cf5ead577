//! `cargo xtask codegen [--check]`: the generated code and JSON Schemas, as committed snapshots.

use std::path::{Path, PathBuf};

/// A snapshot file and the content it must hold.
pub struct Snapshot {
    pub path: PathBuf,
    pub source: &'static str,
    pub expression: &'static str,
    pub content: String,
}

impl Snapshot {
    /// The file as insta writes it.
    pub fn file_text(&self) -> String {
        format!(
            "---\nsource: {}\nexpression: {}\n---\n{}\n",
            self.source,
            self.expression,
            self.content.trim_end_matches('\n')
        )
    }
}

/// The snapshot directory of the integration tests.
pub fn snapshot_dir(root: &Path) -> PathBuf {
    root.join("tests").join("it").join("snapshots")
}

/// Prefix of the JSON Schema snapshots (one per type).
pub const SCHEMA_PREFIX: &str = "it__schemas__";

/// Every snapshot codegen owns, from the spec text and the crate's types.
pub fn expected(root: &Path, spec: &str) -> Result<Vec<Snapshot>, String> {
    let dir = snapshot_dir(root);
    let code = crate::generate::generate(spec)?;
    let mut out = vec![Snapshot {
        path: dir.join("it__codegen__generated_client.snap"),
        source: "tests/it/codegen.rs",
        expression: "code",
        content: code,
    }];
    for (name, schema) in descope::wire::json_schemas() {
        let content =
            serde_json::to_string_pretty(&schema).map_err(|e| format!("schema {name}: {e}"))?;
        out.push(Snapshot {
            path: dir.join(format!("{SCHEMA_PREFIX}{name}.snap")),
            source: "tests/it/schemas.rs",
            expression: "text",
            content,
        });
    }
    Ok(out)
}

/// The content of a snapshot file (after its header), normalised as insta compares it.
pub fn content_of(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(rest[end + 5..].trim_end_matches('\n'))
}

/// What is stale: files to write (path, reason) and files to delete.
pub struct Staleness {
    pub stale: Vec<(PathBuf, &'static str)>,
    pub extra: Vec<PathBuf>,
}

impl Staleness {
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.extra.is_empty()
    }
}

/// Compares the committed snapshots with what codegen would write.
pub fn staleness(root: &Path, expected: &[Snapshot]) -> Staleness {
    let mut stale = Vec::new();
    for snapshot in expected {
        match std::fs::read_to_string(&snapshot.path) {
            Ok(file) if content_of(&file) == Some(snapshot.content.trim_end_matches('\n')) => {}
            Ok(_) => stale.push((snapshot.path.clone(), "differs")),
            Err(_) => stale.push((snapshot.path.clone(), "missing")),
        }
    }
    let mut extra = Vec::new();
    if let Ok(entries) = std::fs::read_dir(snapshot_dir(root)) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let owned = name.starts_with(SCHEMA_PREFIX) && name.ends_with(".snap");
            if owned && !expected.iter().any(|s| s.path == path) {
                extra.push(path);
            }
        }
    }
    Staleness { stale, extra }
}
