//! `cargo xtask <command>`: maintainer commands (see `cargo xtask --help`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use xtask::{codegen, diff, lint, root, spec, upstream};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer commands for the descope crate"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the client from openapi.yaml and update the committed snapshots of the
    /// generated code and JSON Schemas.
    Codegen {
        /// Change nothing; fail (naming the command to run) when anything is stale.
        #[arg(long)]
        check: bool,
    },
    /// Compare two versions of the spec and classify each change: breaking, additive, other.
    ApiDiff {
        /// The old spec file.
        #[arg(long, requires = "new", conflicts_with = "base")]
        old: Option<PathBuf>,
        /// The new spec file.
        #[arg(long, requires = "old")]
        new: Option<PathBuf>,
        /// A git revision: its openapi.yaml against the working tree's.
        #[arg(long)]
        base: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit with 1 when there is any breaking change.
        #[arg(long)]
        deny_breaking: bool,
        /// Also print the unified diff of the generated Rust.
        #[arg(long)]
        code: bool,
    },
    /// Compare openapi.yaml with Descope's published OpenAPI document on the operations we
    /// implement: real drift only (what we change on purpose is masked), plus the upstream
    /// operations next to ours that we do not implement.
    Upstream {
        /// Descope's published document (YAML or JSON).
        upstream: PathBuf,
        /// Our spec.
        #[arg(long, default_value = "openapi.yaml")]
        spec: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit with 1 when there is any drift.
        #[arg(long)]
        deny_drift: bool,
    },
    /// Copy operations of Descope's published document into openapi.yaml, with every schema
    /// they reference, in our conventions (secrets, 64-bit times, names, tags). The file only
    /// gains lines; nothing is written unless the result passes check-spec, generates, shows no
    /// upstream drift on them and is additive for api-diff.
    Adopt {
        /// Descope's published document (YAML or JSON).
        upstream: PathBuf,
        /// Upstream operationIds (`SearchAudit`) or "METHOD /path" ("POST /v1/mgmt/audit/search").
        #[arg(required = true)]
        operations: Vec<String>,
        /// Our spec.
        #[arg(long, default_value = "openapi.yaml")]
        spec: PathBuf,
        /// Print the change (a unified diff) without writing it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Lint openapi.yaml for what progenitor needs and what the crate promises.
    CheckSpec {
        /// The spec to check.
        #[arg(long, default_value = "openapi.yaml")]
        spec: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn read(path: &PathBuf) -> Result<String, String> {
    let path = if path.is_relative() && !path.exists() {
        root().join(path)
    } else {
        path.clone()
    };
    std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn git_show(rev: &str) -> Result<String, String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root())
        .args(["show", &format!("{rev}:openapi.yaml")])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git show {rev}:openapi.yaml failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("{rev}:openapi.yaml is not UTF-8"))
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Codegen { check } => {
            let root = root();
            let spec = read(&root.join("openapi.yaml"))?;
            let expected = codegen::expected(&root, &spec)?;
            let staleness = codegen::staleness(&root, &expected);
            if check {
                if staleness.is_clean() {
                    println!("codegen: the generated client is up to date (the test suite checks the schemas)");
                    return Ok(ExitCode::SUCCESS);
                }
                for (path, why) in &staleness.stale {
                    eprintln!("stale: {} ({why})", path.display());
                }
                eprintln!("generated code or schemas are stale: run `cargo xtask codegen`, then review the diff");
                return Ok(ExitCode::FAILURE);
            }
            for snapshot in &expected {
                if staleness.stale.iter().any(|(p, _)| p == &snapshot.path) {
                    std::fs::write(&snapshot.path, snapshot.file_text())
                        .map_err(|e| format!("cannot write {}: {e}", snapshot.path.display()))?;
                    println!("wrote {}", snapshot.path.display());
                }
            }
            if staleness.is_clean() {
                println!("codegen: the generated client is already up to date");
            }
            println!("refreshing the JSON Schema snapshots (cargo test ... schemas::)");
            codegen::refresh_schemas(&root)?;
            println!("review with `git diff tests/it/snapshots`");
            Ok(ExitCode::SUCCESS)
        }
        Command::ApiDiff {
            old,
            new,
            base,
            format,
            deny_breaking,
            code,
        } => {
            let (old_text, new_text) = match (old, new, base) {
                (Some(old), Some(new), None) => (read(&old)?, read(&new)?),
                (None, None, Some(rev)) => (git_show(&rev)?, read(&root().join("openapi.yaml"))?),
                _ => return Err("give --old <file> --new <file>, or --base <git rev>".into()),
            };
            let old_spec = spec::parse(&old_text).map_err(|e| format!("old spec: {e}"))?;
            let new_spec = spec::parse(&new_text).map_err(|e| format!("new spec: {e}"))?;
            let report = diff::diff(&old_spec, &new_spec);
            match format {
                Format::Text => print!("{}", report.to_text()),
                Format::Json => println!("{}", report.to_json()),
            }
            if code {
                let old_code = xtask::generate::generate(&old_text, true)
                    .map_err(|e| format!("old spec: {e}"))?;
                let new_code = xtask::generate::generate(&new_text, true)
                    .map_err(|e| format!("new spec: {e}"))?;
                let unified = similar::TextDiff::from_lines(&old_code, &new_code)
                    .unified_diff()
                    .context_radius(3)
                    .header("old/descope_api.rs", "new/descope_api.rs")
                    .to_string();
                print!("{unified}");
            }
            Ok(if deny_breaking && report.has_breaking() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Upstream {
            upstream: upstream_path,
            spec: spec_path,
            format,
            deny_drift,
        } => {
            let ours = spec::parse(&read(&spec_path)?).map_err(|e| format!("our spec: {e}"))?;
            let theirs =
                spec::parse(&read(&upstream_path)?).map_err(|e| format!("upstream: {e}"))?;
            let report = upstream::compare(&ours, &theirs);
            match format {
                Format::Text => print!("{}", report.to_text()),
                Format::Json => println!("{}", report.to_json()),
            }
            Ok(if deny_drift && report.has_drift() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Adopt {
            upstream,
            operations,
            spec,
            dry_run,
        } => {
            let spec_path = if spec.is_relative() && !spec.exists() {
                root().join(&spec)
            } else {
                spec
            };
            let ours = read(&spec_path)?;
            let outcome = xtask::adopt::adopt(&ours, &read(&upstream)?, &operations)?;
            for line in &outcome.report {
                println!("{line}");
            }
            if !outcome.changed {
                println!("adopt: nothing to change in {}", spec_path.display());
            } else if dry_run {
                let unified = similar::TextDiff::from_lines(&ours, &outcome.text)
                    .unified_diff()
                    .context_radius(2)
                    .header("openapi.yaml", "openapi.yaml (adopted)")
                    .to_string();
                print!("{unified}");
                println!("adopt: --dry-run, {} left as it was", spec_path.display());
            } else {
                std::fs::write(&spec_path, &outcome.text)
                    .map_err(|e| format!("cannot write {}: {e}", spec_path.display()))?;
                println!("adopt: wrote {}", spec_path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckSpec { spec } => {
            let text = read(&spec)?;
            let problems = lint::check_spec(&text);
            if problems.is_empty() {
                println!("check-spec: {} is fine", spec.display());
                Ok(ExitCode::SUCCESS)
            } else {
                for problem in &problems {
                    eprintln!("{problem}");
                }
                eprintln!("check-spec: {} problem(s)", problems.len());
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::from(2)
        }
    }
}
