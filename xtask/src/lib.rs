//! Maintainer commands for the descope crate: regenerate and check the generated code and its
//! snapshots, compare two versions of the spec, and lint the spec.

#![forbid(unsafe_code)]

pub mod adopt;
pub mod codegen;
pub mod diff;
pub mod lint;
pub mod spec;
pub mod upstream;

/// The generator shared with `build.rs`: one source of truth for its settings.
#[path = "../../codegen/generate.rs"]
#[allow(clippy::expect_used, clippy::unwrap_used)]
pub mod generate;

/// The repository root (the parent of `xtask/`).
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| std::path::PathBuf::from(".."))
}
