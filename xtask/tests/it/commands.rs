//! The xtask commands on this repository: codegen freshness, check-spec, api-diff's interface,
//! and the generator's error messages.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

fn spec_text() -> String {
    std::fs::read_to_string(xtask::root().join("openapi.yaml")).unwrap()
}

fn spec() -> Value {
    xtask::spec::parse(&spec_text()).unwrap()
}

/// Writes `value` as `name` in `dir` (a temporary directory, removed when dropped).
fn temp_file(dir: &tempfile::TempDir, name: &str, value: &Value) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path
}

#[test]
fn generated_code_is_fresh() {
    // The same check as `cargo xtask codegen --check`: a spec edit without regenerating fails here.
    let root = xtask::root();
    let expected = xtask::codegen::expected(&root, &spec_text()).unwrap();
    let staleness = xtask::codegen::staleness(&root, &expected);
    let stale: Vec<_> = staleness
        .stale
        .iter()
        .map(|(p, why)| format!("{} ({why})", p.display()))
        .collect();
    assert!(
        staleness.is_clean(),
        "stale snapshots, run `cargo xtask codegen`: {stale:?}"
    );
}

#[test]
fn xtask_never_needs_the_descope_crate_built() {
    // api-diff and check-spec must run on a spec the façade does not compile with yet: xtask
    // shares the generator source (codegen/generate.rs), never the crate.
    let output = Command::new(env!("CARGO"))
        .current_dir(xtask::root())
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let xtask = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "xtask")
        .unwrap();
    let dependencies: Vec<&str> = xtask["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(dependencies.contains(&"progenitor"), "{dependencies:?}");
    assert!(
        !dependencies.contains(&"descope"),
        "xtask depends on the descope crate"
    );
}

#[test]
fn codegen_check_notices_a_spec_edit() {
    let root = xtask::root();
    let mut edited = spec();
    edited["components"]["schemas"]["ErrorResponse"]["properties"]["errorHint"] =
        json!({"type": "string", "nullable": true});
    let text = serde_json::to_string(&edited).unwrap();
    let expected = xtask::codegen::expected(&root, &text).unwrap();
    let staleness = xtask::codegen::staleness(&root, &expected);
    assert!(staleness
        .stale
        .iter()
        .any(|(p, _)| p.ends_with("it__codegen__generated_client.snap")));
}

#[test]
fn the_spec_passes_check_spec() {
    let problems = xtask::lint::check_spec(&spec_text());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn check_spec_names_the_location_of_each_problem() {
    let mut bad = spec();
    let signin = "/paths/~1v1~1auth~1password~1signin/post";
    bad.pointer_mut(signin)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("description");
    bad["paths"]["/v1/auth/password/update"]["post"]["operationId"] = json!("passwordSignIn");
    bad["components"]["schemas"]["PasswordSignInRequest"]["properties"]["password"] =
        json!({"type": "string"});
    bad["components"]["schemas"]["ResponseUser"]["properties"]["loginIds"]
        .as_object_mut()
        .unwrap()
        .remove("nullable");
    bad["components"]["schemas"]["ResponseUser"]["required"] = json!(["userId"]);
    bad["paths"]["/v1/auth/me"]["get"]["responses"]
        .as_object_mut()
        .unwrap()
        .remove("5XX");
    bad["components"]["schemas"]["UserTenant"]["description"] = json!("A tenant of <user>.");
    let problems = xtask::lint::check_spec(&serde_json::to_string(&bad).unwrap()).join("\n");
    for needle in [
        "operation `passwordSignIn` (POST /v1/auth/password/signin): no description",
        "operationId already used",
        "components.schemas.PasswordSignInRequest.password: a secret must use one of the secret schemas",
        "me (GET /v1/auth/me) response 200.loginIds: arrays and maps in responses must be `nullable: true`",
        "me (GET /v1/auth/me) response 200: response schemas must not have `required` fields",
        "me (GET /v1/auth/me): the 5XX response must be application/json ErrorResponse",
        "components.schemas.UserTenant: put `<...>` placeholders in backticks",
    ] {
        assert!(problems.contains(needle), "missing `{needle}` in:\n{problems}");
    }
    let mut v31 = spec();
    v31["openapi"] = json!("3.1.0");
    let problems = xtask::lint::check_spec(&serde_json::to_string(&v31).unwrap()).join("\n");
    assert!(problems.contains("only OpenAPI 3.0.x"), "{problems}");
}

#[test]
fn a_bad_spec_fails_generation_naming_the_operation_or_schema() {
    // A `default` response is caught by the pre-check, by operation.
    let mut bad = spec();
    bad["paths"]["/v1/auth/logout"]["post"]["responses"]["default"] = json!({"description": "x"});
    let error = xtask::generate::generate(&serde_json::to_string(&bad).unwrap(), true).unwrap_err();
    assert!(
        error.contains("operation `logout`") && error.contains("default"),
        "{error}"
    );
    // Something only progenitor rejects is bisected down to the operation at fault.
    let mut bad = spec();
    bad["paths"]["/v1/auth/me"]["get"]["parameters"] =
        json!([{"name": "q", "in": "query", "required": true, "content": {"application/xml": {}}}]);
    let error = xtask::generate::generate(&serde_json::to_string(&bad).unwrap(), true).unwrap_err();
    assert!(error.contains("operation `me`"), "{error}");
    // A missing secret schema is named.
    let mut bad = spec();
    bad["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("OpaqueToken");
    let error = xtask::generate::generate(&serde_json::to_string(&bad).unwrap(), true).unwrap_err();
    assert!(error.contains("OpaqueToken"), "{error}");
    // Not YAML at all.
    let error = xtask::generate::generate("openapi: [", true).unwrap_err();
    assert!(error.contains("does not parse"), "{error}");
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(xtask::root())
        .output()
        .unwrap()
}

#[test]
fn api_diff_interface() {
    let old = spec();
    let mut new = spec();
    new["components"]["schemas"]["PasswordSignInRequest"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("ssoAppId");
    new["components"]["schemas"]["PasswordResetResponse"]["properties"]["channel"] =
        json!({"type": "string", "nullable": true});
    let dir = tempfile::tempdir().unwrap();
    let (old_path, new_path) = (
        temp_file(&dir, "old.json", &old),
        temp_file(&dir, "new.json", &new),
    );
    let (old_arg, new_arg) = (old_path.to_str().unwrap(), new_path.to_str().unwrap());

    let text = xtask(&["api-diff", "--old", old_arg, "--new", new_arg]);
    assert!(text.status.success());
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.starts_with("breaking (1)\n"), "{stdout}");
    assert!(stdout.contains(
        "PasswordSignInRequest.ssoAppId: field removed\n    in passwordSignIn (POST /v1/auth/password/signin)\n"
    ), "{stdout}");

    let json_out = xtask(&[
        "api-diff", "--old", old_arg, "--new", new_arg, "--format", "json",
    ]);
    let parsed: Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(parsed["breaking"].as_array().unwrap().len(), 1);
    assert_eq!(
        parsed["additive"][0]["change"],
        "field added (the generated struct is `#[non_exhaustive]`)"
    );
    assert_eq!(
        parsed["additive"][0]["location"],
        "PasswordResetResponse.channel"
    );
    assert_eq!(
        parsed["additive"][0]["operations"],
        json!(["passwordSendReset (POST /v1/auth/password/reset)"])
    );
    assert!(parsed["other"].as_array().unwrap().is_empty());

    let deny = xtask(&[
        "api-diff",
        "--old",
        old_arg,
        "--new",
        new_arg,
        "--deny-breaking",
    ]);
    assert_eq!(deny.status.code(), Some(1));
    let same = xtask(&[
        "api-diff",
        "--old",
        old_arg,
        "--new",
        old_arg,
        "--deny-breaking",
    ]);
    assert_eq!(same.status.code(), Some(0));

    let code = xtask(&["api-diff", "--old", old_arg, "--new", new_arg, "--code"]);
    let stdout = String::from_utf8(code.stdout).unwrap();
    assert!(
        stdout.contains("--- old/descope_api.rs") && stdout.contains("-        pub sso_app_id"),
        "{stdout}"
    );

    let missing = xtask(&["api-diff", "--old", old_arg]);
    assert!(!missing.status.success());
}

#[test]
fn api_diff_against_a_git_revision() {
    let git = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(xtask::root())
        .output();
    let Ok(git) = git else { return };
    if !git.status.success() {
        return; // not a git checkout (a packaged crate): nothing to compare with
    }
    let out = xtask(&["api-diff", "--base", "HEAD", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(parsed["breaking"].is_array());
    let bad = xtask(&["api-diff", "--base", "no-such-revision-xyz"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-revision-xyz"));
}

/// A tiny pair of documents: ours with our habits (secret schemas, nullable responses, int64
/// times, our own names), upstream with real drift next to them.
fn upstream_fixtures() -> (Value, Value) {
    let ours = json!({
        "openapi": "3.0.3",
        "paths": {
            "/v1/auth/thing/signin": {"post": {
                "operationId": "thingSignIn",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/SignInRequest"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}},
                              "4XX": {"$ref": "#/components/responses/Error"}}
            }},
            "/v1/auth/thing/refresh": {"post": {
                "operationId": "thingRefresh",
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}}
            }},
            "/v2/keys/{projectId}": {"get": {
                "operationId": "keys",
                "parameters": [{"name": "projectId", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}
            }}
        },
        "components": {"schemas": {
            "Password": {"type": "string", "format": "password"},
            "SignInRequest": {"type": "object", "required": ["loginId"], "properties": {
                "loginId": {"type": "string"},
                "password": {"$ref": "#/components/schemas/Password"},
                "mode": {"type": "string", "enum": ["a"]}
            }},
            "Session": {"type": "object", "properties": {
                "expires": {"type": "integer", "format": "int64", "nullable": true},
                "count": {"type": "string", "nullable": true},
                "ours": {"type": "boolean", "nullable": true}
            }}
        }}
    });
    let theirs = json!({
        "openapi": "3.0.1",
        "paths": {
            "/v1/auth/thing/signin": {"post": {
                "operationId": "SignInWithThing",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/auth.SignIn"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/JWT"}}}},
                              "default": {"description": "error"}}
            }},
            "/v1/auth/thing/refresh": {"post": {
                "operationId": "RefreshThing",
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/JWT"}}}}}
            }},
            "/v1/auth/thing/signup": {"post": {"operationId": "SignUpWithThing", "responses": {}}},
            "/v1/mgmt/elsewhere": {"post": {"operationId": "Elsewhere", "responses": {}}},
            "/v2/keys/{id}": {"get": {
                "operationId": "GetKeys",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                               {"name": "certs", "in": "query", "schema": {"type": "boolean"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}
            }}
        },
        "components": {"schemas": {
            "auth.SignIn": {"type": "object", "properties": {
                "loginId": {"type": "string"},
                "password": {"type": "string"},
                "mode": {"type": "string", "enum": ["a", "b"]}
            }},
            "JWT": {"type": "object", "properties": {
                "expires": {"type": "integer", "format": "int32"},
                "count": {"type": "integer", "format": "int32"},
                "extra": {"type": "string"}
            }}
        }}
    });
    (ours, theirs)
}

#[test]
fn upstream_reports_real_drift_once_per_schema_location() {
    let (ours, theirs) = upstream_fixtures();
    let report = xtask::upstream::compare(&ours, &theirs);
    let drift: Vec<(String, String, Vec<String>)> = report
        .drift
        .iter()
        .map(|(d, ops)| {
            (
                d.location.clone(),
                d.change.clone(),
                ops.iter().cloned().collect(),
            )
        })
        .collect();
    let both = vec!["thingRefresh".to_owned(), "thingSignIn".to_owned()];
    assert_eq!(
        drift,
        vec![
            (
                "Session.count".into(),
                "type: ours string, upstream integer".into(),
                both.clone()
            ),
            (
                "Session.extra".into(),
                "upstream field we lack (string)".into(),
                both
            ),
            (
                "SignInRequest.mode".into(),
                "upstream enum value \"b\" we lack".into(),
                vec!["thingSignIn".into()]
            ),
            (
                "keys query.certs".into(),
                "upstream optional parameter we lack".into(),
                vec!["keys".into()]
            ),
        ]
    );
    // What we do on purpose is masked, not reported.
    for policy in [
        "secret-schemas",
        "wider-integers",
        "nullability",
        "names",
        "response-extras",
        "errors",
    ] {
        assert!(
            report.masked.get(policy).copied().unwrap_or(0) > 0,
            "{policy}: {:?}",
            report.masked
        );
    }
    // Only the sibling in our path family is listed, not the management operation.
    let unimplemented: Vec<&String> = report.unimplemented.iter().collect();
    assert_eq!(
        unimplemented,
        ["SignUpWithThing (POST /v1/auth/thing/signup)"]
    );
    assert_eq!(report.matched, 3);
    let json = report.to_json();
    assert_eq!(
        json["drift"][0]["operations"],
        json!(["thingRefresh", "thingSignIn"])
    );
    assert!(report
        .to_text()
        .contains("Session.extra: upstream field we lack (string) [thingRefresh, thingSignIn]"));
}

#[test]
fn upstream_command_exit_code_and_our_spec_against_the_excerpt() {
    let (ours, theirs) = upstream_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let (ours_path, theirs_path) = (
        temp_file(&dir, "ours.json", &ours),
        temp_file(&dir, "theirs.json", &theirs),
    );
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("upstream")
            .arg(&theirs_path)
            .arg("--spec")
            .arg(&ours_path)
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(
        run(&[]).status.success(),
        "drift alone is a report, not a failure"
    );
    assert_eq!(run(&["--deny-drift"]).status.code(), Some(1));
    let json: Value = serde_json::from_slice(&run(&["--format", "json"]).stdout).unwrap();
    assert_eq!(json["drift"].as_array().unwrap().len(), 4);
    // Our own spec has no drift against Descope's published document on what we implement
    // (the full document, copied into the repository).
    let published = xtask::root().join("xtask/tests/fixtures/descope-openapi.yml");
    let theirs = xtask::spec::parse(&std::fs::read_to_string(published).unwrap()).unwrap();
    let report = xtask::upstream::compare(&spec(), &theirs);
    assert!(!report.has_drift(), "{}", report.to_text());
    // The /v2 role add the SDKs call is compared with upstream's /v1, not listed as missing.
    assert!(
        !report
            .unimplemented
            .iter()
            .any(|op| op.contains("/update/role/add")),
        "{}",
        report.to_text()
    );
}

#[test]
fn an_aliased_route_is_compared_with_its_upstream_route() {
    let (mut ours, theirs) = upstream_fixtures();
    let before = xtask::upstream::compare(&ours, &theirs);
    // Move one of ours to a path upstream does not have: without an alias it is drift.
    let paths = ours["paths"].as_object_mut().unwrap();
    let (path, item) = paths
        .iter()
        .find(|(_, item)| item.get("post").is_some())
        .map(|(p, i)| (p.clone(), i.clone()))
        .unwrap();
    paths.remove(&path);
    paths.insert("/v9/elsewhere".into(), item);
    let moved = xtask::upstream::compare(&ours, &theirs);
    assert!(moved
        .drift
        .keys()
        .any(|d| d.change == "not in the upstream document"));
    assert_eq!(moved.matched, before.matched - 1);
    // With an alias, it is compared with upstream's route as before, and that route is not
    // listed as unimplemented.
    let upstream_route = format!("POST {path}");
    let aliases = [("POST /v9/elsewhere", upstream_route.as_str(), "test")];
    let aliased = xtask::upstream::compare_with_aliases(&ours, &theirs, &aliases);
    assert_eq!(aliased.matched, before.matched);
    assert_eq!(
        aliased.drift.len(),
        before.drift.len(),
        "{}",
        aliased.to_text()
    );
    assert_eq!(aliased.unimplemented, before.unimplemented);
    assert!(xtask::upstream::ROUTE_ALIASES
        .iter()
        .all(|(ours, theirs, why)| ours != theirs && !why.is_empty()));
}

/// The generator's rewrites count what they change, so generation can refuse progenitor output
/// they no longer recognise (a rewrite that silently stops firing would change the wire).
#[test]
fn the_generator_rewrites_count_what_they_change() {
    use xtask::generate::{decode_with_transport, drop_api_version_header, mark_non_exhaustive};
    let operation: syn::File = syn::parse_quote! {
        mod types {
            pub struct Body { pub a: u8 }
            pub struct Newtype(pub u8);
        }
        impl Client {
            pub async fn op(&self) -> R {
                let mut header_map = HeaderMap::with_capacity(1usize);
                header_map.append("api-version", HeaderValue::from_static("1.0.0"));
                let request = self.client.post(url).headers(header_map).build()?;
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    _ => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                }
            }
        }
    };
    let mut file = operation.clone();
    assert_eq!(
        mark_non_exhaustive(&mut file),
        1,
        "named public structs only"
    );
    assert_eq!(drop_api_version_header(&mut file), 1);
    assert_eq!(decode_with_transport(&mut file), 2);
    let text = quote::quote!(#file).to_string();
    assert!(
        !text.contains("api-version") && !text.contains("header_map"),
        "{text}"
    );
    // Output the rewrites do not recognise counts zero: generation then refuses it.
    let mut changed: syn::File = syn::parse_quote! {
        impl Client {
            pub async fn op(&self) -> R {
                let request = self.client.post(url).header("x-api-version", "1").build()?;
                ResponseValue::from_body(response).await
            }
        }
    };
    assert_eq!(drop_api_version_header(&mut changed), 0);
    assert_eq!(decode_with_transport(&mut changed), 0);
}
