//! `cargo xtask codegen [--check]`: the generated code, and the JSON Schemas of its types, as
//! committed snapshots.
//!
//! The generated client comes from `codegen/generate.rs` alone, so checking it needs no build of
//! the `descope` crate (and works on a spec the façade does not compile with yet). The JSON
//! Schemas come from the crate's types: `codegen` refreshes them by running the test that pins
//! them with `INSTA_UPDATE=always`, and that test fails when they are stale.

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

/// The generated-client snapshot, from the spec text alone (no build of the crate).
pub fn expected(root: &Path, spec: &str) -> Result<Vec<Snapshot>, String> {
    let code = crate::generate::generate(spec, true)?;
    Ok(vec![Snapshot {
        path: snapshot_dir(root).join("it__codegen__generated_client.snap"),
        source: "tests/it/codegen.rs",
        expression: "code",
        content: code,
    }])
}

/// Rewrites the JSON Schema snapshots: removes them all, then runs the test that pins them
/// with `INSTA_UPDATE=always`, which writes one per current type (so a removed type's file is
/// gone). Needs the crate to build.
pub fn refresh_schemas(root: &Path) -> Result<(), String> {
    let dir = snapshot_dir(root);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(SCHEMA_PREFIX) && name.ends_with(".snap") {
            std::fs::remove_file(entry.path()).map_err(|e| format!("cannot remove {name}: {e}"))?;
        }
    }
    let status =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root)
            .args([
                "test",
                "--quiet",
                "--package",
                "descope",
                "--all-features",
                "--test",
                "it",
                "schemas::",
            ])
            .env("INSTA_UPDATE", "always")
            .env("INSTA_FORCE_PASS", "1")
            .env_remove("CI")
            .status()
            .map_err(|e| format!("cannot run cargo test: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(
            "the JSON Schema snapshots could not be refreshed: the crate does not build with \
             this spec yet (fix the façade, then run `cargo xtask codegen` again)"
                .into(),
        )
    }
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
pub fn staleness(_root: &Path, expected: &[Snapshot]) -> Staleness {
    let mut stale = Vec::new();
    for snapshot in expected {
        match std::fs::read_to_string(&snapshot.path) {
            Ok(file) if content_of(&file) == Some(snapshot.content.trim_end_matches('\n')) => {}
            Ok(_) => stale.push((snapshot.path.clone(), "differs")),
            Err(_) => stale.push((snapshot.path.clone(), "missing")),
        }
    }
    Staleness {
        stale,
        extra: Vec::new(),
    }
}
