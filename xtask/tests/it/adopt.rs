//! `cargo xtask adopt`: operations of several shapes, adopted from Descope's full published
//! document (a copy in `tests/fixtures`), into the repository's `openapi.yaml`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use xtask::adopt::{adopt, Outcome};

fn upstream_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/descope-openapi.yml")
}

fn upstream_text() -> String {
    std::fs::read_to_string(upstream_path()).unwrap()
}

/// The spec the shapes are adopted into: `openapi.yaml` as it was before the B2B operations
/// (a copy, so later adoptions into the real file do not change what these tests adopt).
fn ours() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi-base.yaml"),
    )
    .unwrap()
}

fn selectors(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The schema behind `#/components/schemas/<name>`.
fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{}", name.replace('/', "~1")))
        .unwrap_or_else(|| panic!("no schema {name}"))
}

/// The string at `pointer` in `value`.
fn text<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// The operation at `method path`.
fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> &'a Value {
    spec.pointer(&format!("/paths/{}/{method}", path.replace('/', "~1")))
        .unwrap_or_else(|| panic!("no operation {method} {path}"))
}

/// The checks every adoption passes: the file only gains lines, it passes check-spec and
/// generates with the new operations, api-diff says additive, upstream says no drift, and a
/// second adoption changes nothing. Returns the adopted spec.
fn adopted(list: &[&str], ids: &[&str]) -> (Value, Outcome) {
    let before = ours();
    let upstream = upstream_text();
    let outcome = adopt(&before, &upstream, &selectors(list)).unwrap();
    assert!(outcome.changed, "{:?}", outcome.report);
    let after = &outcome.text;

    // Only gains: every line of before is there, in order, and none is changed.
    let diff = similar::TextDiff::from_lines(&before, after);
    for change in diff.iter_all_changes() {
        assert_ne!(
            change.tag(),
            similar::ChangeTag::Delete,
            "adopt removed or changed a line: {:?}",
            change.value()
        );
    }

    assert_eq!(xtask::lint::check_spec(after), Vec::<String>::new());
    let code = xtask::generate::generate(after, true).unwrap();
    for id in ids {
        let method = snake(id);
        assert!(
            code.contains(&format!("pub async fn {method}")),
            "the generated client has no {method}"
        );
    }

    let old = xtask::spec::parse(&before).unwrap();
    let new = xtask::spec::parse(after).unwrap();
    let report = xtask::diff::diff(&old, &new);
    assert!(!report.has_breaking(), "{}", report.to_text());
    let additive = report.of(xtask::diff::Class::Additive);
    for id in ids {
        assert!(
            additive.iter().any(
                |c| c.location.starts_with(&format!("{id} (")) && c.change == "operation added"
            ),
            "api-diff does not list {id} as added: {}",
            report.to_text()
        );
    }
    assert!(
        report.of(xtask::diff::Class::Other).is_empty(),
        "{}",
        report.to_text()
    );
    for line in outcome
        .report
        .iter()
        .filter_map(|l| l.strip_prefix("added tag "))
    {
        assert!(
            additive.iter().any(|c| c.location == format!("tag {line}")),
            "{}",
            report.to_text()
        );
    }

    let upstream_spec = xtask::spec::parse(&upstream).unwrap();
    let drift = xtask::upstream::compare(&new, &upstream_spec);
    assert!(!drift.has_drift(), "{}", drift.to_text());

    let again = adopt(after, &upstream, &selectors(list)).unwrap();
    assert!(!again.changed);
    assert_eq!(&again.text, after);
    assert!(
        again
            .report
            .iter()
            .all(|l| l.contains("already in openapi.yaml")),
        "{:?}",
        again.report
    );
    (new, outcome)
}

/// progenitor's method name for an operationId.
fn snake(id: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = id.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let boundary = c.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || chars.get(i + 1).is_some_and(char::is_ascii_lowercase));
        if boundary {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn an_operation_without_a_response_body_answers_an_empty_success() {
    // Upstream has no operationId for it either: ours is made from the route.
    let (spec, outcome) = adopted(
        &["GET /v1/mgmt/fga/mappable/resources"],
        &["getMgmtFgaMappableResources"],
    );
    let op = operation(&spec, "get", "/v1/mgmt/fga/mappable/resources");
    assert_eq!(op["operationId"], "getMgmtFgaMappableResources");
    assert_eq!(op["tags"], serde_json::json!(["management"]));
    assert_eq!(
        op["security"],
        serde_json::json!([{ "projectManagement": [] }])
    );
    assert_eq!(
        text(op, "/responses/200/content/application~1json/schema/$ref"),
        Some("#/components/schemas/EmptyResponse")
    );
    assert_eq!(
        text(op, "/responses/4XX/$ref"),
        Some("#/components/responses/Error")
    );
    assert!(outcome
        .report
        .iter()
        .any(|l| l.starts_with("next: `cargo xtask codegen`")));
}

#[test]
fn an_answer_that_carries_a_secret_gets_a_secret_type() {
    let (spec, outcome) = adopted(&["CreateAccessKey"], &["createAccessKey"]);
    let response = schema(&spec, "CreateAccessKeyResponse");
    assert_eq!(
        text(response, "/properties/cleartext/$ref"),
        Some("#/components/schemas/OpaqueToken")
    );
    // Responses are lenient: nothing required, lists nullable.
    let key = schema(&spec, "AccessKey");
    assert!(key.get("required").is_none());
    assert_eq!(
        key.pointer("/properties/roleNames/nullable"),
        Some(&Value::Bool(true))
    );
    // 64-bit times, and the schema we already have reused, not copied.
    assert_eq!(text(key, "/properties/createdTime/format"), Some("int64"));
    // An access key's tenants are upstream's AssociatedTenantAK, new to us.
    assert_eq!(
        text(key, "/properties/keyTenants/items/$ref"),
        Some("#/components/schemas/AssociatedTenantAK")
    );
    for line in [
        "made secret: CreateAccessKeyResponse.cleartext → OpaqueToken",
        "made 64-bit (a time): AccessKey.createdTime",
        "reused schema AssociatedTenant for upstream's managementv1.AssociatedTenant (ours is equivalent)",
    ] {
        assert!(outcome.report.iter().any(|l| l == line), "no {line:?} in {:?}", outcome.report);
    }
}

#[test]
fn a_response_named_like_one_of_ours_gets_its_own_name() {
    // Upstream answers `managementv1.JWTResponse`, which is not our JWTResponse.
    let (spec, outcome) = adopted(&["UpdateJWT"], &["updateJwt"]);
    let op = operation(&spec, "post", "/v1/mgmt/jwt/update");
    assert_eq!(
        text(op, "/responses/200/content/application~1json/schema/$ref"),
        Some("#/components/schemas/UpdateJwtResponse")
    );
    assert_eq!(
        text(schema(&spec, "UpdateJwtResponse"), "/properties/jwt/$ref"),
        Some("#/components/schemas/SessionJwt")
    );
    // Ours is untouched (the file only gains lines) and still what the façade decodes.
    let before = xtask::spec::parse(&ours()).unwrap();
    assert_eq!(schema(&spec, "JWTResponse"), schema(&before, "JWTResponse"));
    assert!(
        outcome
            .report
            .iter()
            .any(|l| l.starts_with("added schema UpdateJwtResponse: upstream's managementv1.JWTResponse, which differs from our JWTResponse")),
        "{:?}",
        outcome.report
    );
}

#[test]
fn enums_arrays_of_objects_and_recursive_schemas_are_copied_whole() {
    let (spec, outcome) = adopted(
        &["Check", "POST /v1/auth/oauth/authorize"],
        &["check", "authorizeOAuth"],
    );
    // Arrays of objects, and CheckPath ↔ CheckPathStep refer to each other.
    let path = schema(&spec, "CheckPath");
    assert_eq!(
        text(path, "/properties/steps/items/$ref"),
        Some("#/components/schemas/CheckPathStep")
    );
    let step = schema(&spec, "CheckPathStep");
    assert_eq!(text(step, "/properties/stepType/format"), Some("enum"));
    assert_eq!(
        text(step, "/properties/subPaths/items/$ref"),
        Some("#/components/schemas/CheckPath")
    );
    assert_eq!(
        text(
            schema(&spec, "CheckRequest"),
            "/properties/tuples/items/$ref"
        ),
        Some("#/components/schemas/Tuple")
    );
    // A new family gets its tag; a request schema we have is reused.
    assert!(spec["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "oauth"));
    let oauth = operation(&spec, "post", "/v1/auth/oauth/authorize");
    assert_eq!(
        text(oauth, "/requestBody/content/application~1json/schema/$ref"),
        Some("#/components/schemas/LoginOptions")
    );
    assert!(outcome.report.iter().any(|l| l == "added tag oauth"));
}

#[test]
fn an_unknown_operation_fails_names_it_and_leaves_the_file_as_it_was() {
    let before = ours();
    let upstream = upstream_text();
    let error = adopt(
        &before,
        &upstream,
        &selectors(&["CreateTenant", "NoSuchOperation"]),
    )
    .err()
    .unwrap();
    assert!(
        error.starts_with("NoSuchOperation: no such operation upstream"),
        "{error}"
    );
    let error = adopt(&before, &upstream, &selectors(&["POST /v1/mgmt/no/such"]))
        .err()
        .unwrap();
    assert!(
        error.starts_with("POST /v1/mgmt/no/such: no such operation"),
        "{error}"
    );

    // A result that would fail check-spec (upstream's `hashedPassword` is an object, not one of
    // the secret schemas) stops too, naming the operation.
    let error = adopt(
        &before,
        &upstream,
        &selectors(&["POST /v1/mgmt/user/create/batch"]),
    )
    .err()
    .unwrap();
    assert!(
        error.starts_with("POST /v1/mgmt/user/create/batch: the result fails check-spec:"),
        "{error}"
    );

    // Through the command: exit 2, the message on stderr, the file byte for byte as it was.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(&spec, &before).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("adopt")
        .arg(upstream_path())
        .args(["CreateTenant", "NoSuchOperation", "--spec"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("NoSuchOperation: no such operation upstream"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), before);
}

#[test]
fn the_command_writes_prints_and_dry_runs() {
    let before = ours();
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(&spec, &before).unwrap();
    let run = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("adopt")
            .arg(upstream_path())
            .arg("CreateTenant")
            .args(extra)
            .arg("--spec")
            .arg(&spec)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let dry = run(&["--dry-run"]);
    assert!(dry.contains("+  /v1/mgmt/tenant/create:"), "{dry}");
    assert!(dry.contains("--dry-run"), "{dry}");
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), before);

    let wet = run(&[]);
    assert!(
        wet.contains("added createTenant (POST /v1/mgmt/tenant/create) [management]"),
        "{wet}"
    );
    assert!(wet.contains("next: `cargo xtask codegen`"), "{wet}");
    let written = std::fs::read_to_string(&spec).unwrap();
    assert!(written.len() > before.len());

    let again = run(&[]);
    assert!(
        again.contains("already in openapi.yaml as createTenant"),
        "{again}"
    );
    assert!(again.contains("adopt: nothing to change"), "{again}");
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), written);
}

/// A copy of the descope crate (its sources, build script and manifest, without its tests or
/// workspace) with `spec` as its `openapi.yaml`, in `dir`.
fn crate_copy(dir: &Path, spec: &str) {
    let root = xtask::root();
    let copy = |from: &Path, to: &Path| {
        for entry in walk(from) {
            let target = to.join(entry.strip_prefix(from).unwrap());
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &target).unwrap();
        }
    };
    copy(&root.join("src"), &dir.join("src"));
    copy(&root.join("codegen"), &dir.join("codegen"));
    for file in ["build.rs", "README.md", "Cargo.lock"] {
        std::fs::copy(root.join(file), dir.join(file)).unwrap();
    }
    // The package and its dependencies; no dev-dependencies, examples, benches or workspace.
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let package = &manifest[..manifest.find("[workspace]").unwrap()];
    let start = manifest.find("[features]").unwrap();
    let end = manifest.find("[dev-dependencies]").unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("{package}[workspace]\n\n{}", &manifest[start..end]),
    )
    .unwrap();
    std::fs::write(dir.join("openapi.yaml"), spec).unwrap();
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn the_crate_builds_with_every_adopted_shape() {
    // After an adopt, the crate's build script generates the new operations and the crate
    // builds (with `wire`, which makes the generated types public).
    // Into the real openapi.yaml (the façade compiles against it), operations of the shapes
    // above that the crate does not implement: FGA, access-key management and audit.
    let list = selectors(&[
        "GET /v1/mgmt/fga/mappable/resources",
        "CreateAccessKey",
        "Check",
        "SearchAudit",
    ]);
    let real = std::fs::read_to_string(xtask::root().join("openapi.yaml")).unwrap();
    let outcome = adopt(&real, &upstream_text(), &list).unwrap();
    let dir = tempfile::tempdir().unwrap();
    crate_copy(dir.path(), &outcome.text);
    // The workspace's target directory: only the copy itself is compiled.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| xtask::root().join("target"));
    let output = Command::new(env!("CARGO"))
        .current_dir(dir.path())
        .args([
            "build",
            "--lib",
            "--offline",
            "--features",
            "wire",
            "--message-format",
            "short",
        ])
        .env("CARGO_TARGET_DIR", target.join("adopt-build"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
