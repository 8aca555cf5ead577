//! Seed files and the console over HTTP: import → export → import loses nothing, a bad seed is
//! refused naming the user and the field, the export and import endpoints, export on exit,
//! and the console's actions and guards.

use descope_emulator::{Emulator, EmulatorError, HashCost, SeedFile};
use serde_json::{json, Value};

const PASSWORD: &str = "Seed-Passw0rd-1";

fn seed() -> SeedFile {
    SeedFile::from_json(
        &json!({"users": [
            {"loginId": "ada@example.com", "email": "ada@example.com", "name": "Ada",
             "password": PASSWORD, "roles": ["admin"],
             "tenants": [{"tenantId": "T1", "roles": ["editor"]}], "verifiedEmail": true},
            {"userId": "U2fixed", "loginId": "bob@example.com", "password": PASSWORD,
             "status": "disabled", "test": true},
            {"loginId": "cy", "status": "invited"}
        ]})
        .to_string(),
    )
    .unwrap()
}

async fn start(seed: SeedFile) -> Emulator {
    Emulator::builder()
        .hash_cost(HashCost::Fast)
        .import(seed)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn import_export_import_round_trips_users_ids_roles_status_and_passwords() {
    let first = start(seed()).await;
    let client = first.client().unwrap();
    let auth = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(auth.user.name.as_deref(), Some("Ada"));
    assert!(auth.user.verified_email);
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    assert!(session.has_role("admin") && session.has_tenant_role("T1", "editor"));
    let disabled = client
        .password()
        .sign_in("bob@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(disabled.status(), Some(403));

    let export = first.export();
    let text = export.to_json();
    assert!(!text.contains(PASSWORD), "an export never holds a password");
    assert!(text.contains("\"passwordHash\": \"$argon2id$"));
    let bob = export
        .users
        .iter()
        .find(|u| u.login_id == "bob@example.com")
        .unwrap();
    assert_eq!(bob.user_id.as_deref(), Some("U2fixed"));
    first.stop().await;

    // The export, read back as text, starts an emulator with the same users.
    let second = start(SeedFile::from_json(&text).unwrap()).await;
    assert_eq!(second.export(), export, "nothing lost");
    let client = second.client().unwrap();
    let again = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(again.user.user_id, auth.user.user_id);
    // And once more through the HTTP endpoints.
    let http = reqwest::Client::new();
    let exported: Value = http
        .get(format!("{}/emulator/v1/export", second.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let imported = http
        .post(format!("{}/emulator/v1/import", second.base_url()))
        .json(&exported)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 200);
    assert_eq!(second.export(), export);
    second.stop().await;
}

#[tokio::test]
async fn a_bad_seed_is_refused_naming_the_user_and_the_field() {
    const SALT: &str = "c2FsdHNhbHRzYWx0c2FsdA";
    const HASH: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let cases = [
        (
            json!({"users": [{"loginId": ""}]}),
            "users[0] (login ID \"\"): loginId",
        ),
        (
            json!({"users": [{"loginId": "a"}, {"loginId": "A"}]}),
            "users[1] (login ID \"A\"): loginId",
        ),
        (
            json!({"users": [{"loginId": "a", "status": "gone"}]}),
            "users[0] (login ID \"a\"): status",
        ),
        (
            json!({"users": [{"loginId": "a", "email": "no-at"}]}),
            "users[0] (login ID \"a\"): email",
        ),
        (
            json!({"users": [{"loginId": "a", "passwordHash": "plain"}]}),
            "users[0] (login ID \"a\"): passwordHash",
        ),
        (
            json!({"users": [{"loginId": "a", "password": "x", "passwordHash": "y"}]}),
            "users[0] (login ID \"a\"): password",
        ),
        (
            json!({"users": [{"userId": "U1", "loginId": "a"}, {"userId": "U1", "loginId": "b"}]}),
            "users[1] (login ID \"b\"): userId",
        ),
        // Imported hashes cost no more than the emulator checks: memory, passes and lanes.
        (
            json!({"users": [{"loginId": "a", "passwordHash": format!("$argon2id$v=19$m=19456,t=100,p=1${SALT}${HASH}")}]}),
            "users[0] (login ID \"a\"): passwordHash asks for more than 10 passes",
        ),
        (
            json!({"users": [{"loginId": "a", "passwordHash": format!("$argon2id$v=19$m=262144,t=2,p=16${SALT}${HASH}")}]}),
            "users[0] (login ID \"a\"): passwordHash asks for more than 76 MiB",
        ),
        (
            json!({"users": [{"loginId": "a", "passwordHash": format!("$argon2id$v=19$m=19456,t=2,p=64${SALT}${HASH}")}]}),
            "users[0] (login ID \"a\"): passwordHash asks for more than 8 lanes",
        ),
    ];
    for (document, expected) in cases {
        let seed = SeedFile::from_json(&document.to_string()).unwrap();
        let error = Emulator::builder()
            .hash_cost(HashCost::Fast)
            .import(seed)
            .start()
            .await
            .unwrap_err();
        assert!(matches!(error, EmulatorError::Seed(_)), "{error}");
        assert!(error.to_string().contains(expected), "{error} / {expected}");
    }
    let unknown = SeedFile::from_json(r#"{"users":[{"loginId":"a","pasword":"typo"}]}"#);
    assert!(unknown.unwrap_err().to_string().contains("pasword"));
    let dir = tempfile::tempdir().unwrap();
    let missing = Emulator::builder()
        .import_file(dir.path().join("nope.json"))
        .start()
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("nope.json"), "{missing}");
}

#[tokio::test]
async fn the_seed_endpoints_take_the_management_key_json_and_same_origin_only() {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key("K2-seed-key")
        .import(seed())
        .start()
        .await
        .unwrap();
    let base = emulator.base_url().to_owned();
    let http = reqwest::Client::new();
    let key = format!("Bearer {}:K2-seed-key", emulator.project_id());
    let export = http
        .get(format!("{base}/emulator/v1/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        export.status(),
        401,
        "the management key is required when configured"
    );
    let export: Value = http
        .get(format!("{base}/emulator/v1/export"))
        .header("authorization", &key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let as_text = http
        .post(format!("{base}/emulator/v1/import"))
        .header("authorization", &key)
        .header("content-type", "text/plain")
        .body(export.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(as_text.status(), 400);
    let cross = http
        .post(format!("{base}/emulator/v1/import"))
        .header("authorization", &key)
        .header("sec-fetch-site", "cross-site")
        .json(&export)
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    let invalid = http
        .post(format!("{base}/emulator/v1/import"))
        .header("authorization", &key)
        .json(&json!({"users": [{"loginId": "x", "status": "nope"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 400);
    assert_eq!(emulator.user_count(), 3, "a refused import changes nothing");
    let ok = http
        .post(format!("{base}/emulator/v1/import"))
        .header("authorization", &key)
        .json(&json!({"users": [{"loginId": "only@example.com", "password": PASSWORD}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(emulator.user_count(), 1);
    emulator.stop().await;
}

/// The HTTP import takes what the export writes, however many users: 300 here, far past the
/// 64 KiB of an API body.
#[tokio::test]
async fn the_import_takes_an_export_of_300_users() {
    let users: Vec<Value> = (0..300)
        .map(|i| json!({"loginId": format!("user{i}@example.com"), "password": PASSWORD, "roles": ["member"]}))
        .collect();
    let seed = SeedFile::from_json(&json!({ "users": users }).to_string()).unwrap();
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .import(seed)
        .start()
        .await
        .unwrap();
    let base = emulator.base_url().to_owned();
    let http = reqwest::Client::new();
    let export = http
        .get(format!("{base}/emulator/v1/export"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(export.len() > 64 * 1024, "{} bytes", export.len());
    http.post(format!("{base}/emulator/v1/console/reset"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(emulator.user_count(), 0);
    let import = http
        .post(format!("{base}/emulator/v1/import"))
        .header("content-type", "application/json")
        .body(export)
        .send()
        .await
        .unwrap();
    assert_eq!(import.status(), 200);
    assert_eq!(emulator.user_count(), 300);
    let client = emulator.client().unwrap();
    client
        .password()
        .sign_in("user299@example.com", PASSWORD)
        .await
        .unwrap();
    emulator.stop().await;
}

#[tokio::test]
async fn the_users_are_exported_on_a_clean_stop_and_an_import_wins_over_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.json");
    let state = dir.path().join("state.json");
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .state_file(&state)
        .export_on_exit(&export)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    client
        .password()
        .sign_up("eve@example.com", PASSWORD)
        .await
        .unwrap();
    emulator.stop().await;
    let written = SeedFile::read(&export).unwrap();
    assert_eq!(written.users.len(), 1);
    assert_eq!(written.users[0].login_id, "eve@example.com");

    // State and import: the import replaces the state's users at start.
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .state_file(&state)
        .import(seed())
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    assert!(client
        .password()
        .sign_in("eve@example.com", PASSWORD)
        .await
        .is_err());
    client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    emulator.stop().await;
}

/// A console form post, as a same-origin browser sends it.
async fn console_post(base: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{base}{path}"))
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn console_actions_do_what_management_calls_do() {
    let emulator = start(seed()).await;
    let base = emulator.base_url().to_owned();
    let client = emulator.client().unwrap();
    let ada = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let page = reqwest::get(format!("{base}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<table id=\"users\">"));
    assert!(page.contains("<tr data-login-id=\"ada@example.com\""));
    let path = format!("/emulator/v1/console/users/{}", ada.user.user_id);

    let done = console_post(&base, &path, &[("action", "disable")]).await;
    assert_eq!(done.status(), 303);
    let refused = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
    assert!(client.sessions().refresh(&ada.refresh_jwt).await.is_err());
    console_post(&base, &path, &[("action", "enable")]).await;
    let again = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    console_post(&base, &path, &[("action", "logout")]).await;
    assert!(client.sessions().me(&again.refresh_jwt).await.is_err());
    console_post(&base, &path, &[("action", "expire-password")]).await;
    let expired = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(expired.code(), Some(&descope::ErrorCode::PasswordExpired));
    let unknown = console_post(&base, &path, &[("action", "explode")]).await;
    assert_eq!(unknown.status(), 400);
    console_post(&base, &path, &[("action", "delete")]).await;
    assert!(client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .is_err());

    let created = console_post(
        &base,
        "/emulator/v1/console/users",
        &[
            ("login_id", "new@example.com"),
            ("email", ""),
            ("password", PASSWORD),
            ("roles", "a, b"),
        ],
    )
    .await;
    assert_eq!(created.status(), 303);
    let new = client
        .password()
        .sign_in("new@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(new.user.roles, vec!["a".to_owned(), "b".to_owned()]);
    let taken = console_post(
        &base,
        "/emulator/v1/console/users",
        &[("login_id", "new@example.com")],
    )
    .await;
    assert_eq!(taken.status(), 409);

    // Cross-site posts are refused.
    let forged = reqwest::Client::new()
        .post(format!("{base}/emulator/v1/console/reset"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(emulator.user_count() > 0);
    let reset = console_post(&base, "/emulator/v1/console/reset", &[]).await;
    assert_eq!(reset.status(), 303);
    assert_eq!(emulator.user_count(), 0);
    emulator.stop().await;
}

fn directory_seed() -> Value {
    json!({
        "permissions": [{"name": "docs.read", "description": "Read"}, {"name": "docs.write"}],
        "roles": [
            {"name": "editor", "permissionNames": ["docs.read", "docs.write"]},
            {"name": "owner", "tenantId": "T1", "permissionNames": ["docs.read"]}
        ],
        "tenants": [{"id": "T1", "name": "Acme", "selfProvisioningDomains": ["acme.com"],
                     "customAttributes": {"plan": "pro"},
                     "sso": {"authType": "saml", "domains": ["acme.com"],
                             "redirectUrl": "http://127.0.0.1:9/sso",
                             "settings": {"idpUrl": "https://idp.acme.com/sso",
                                          "entityId": "acme", "idpCert": "c"}}}],
        "users": [{"loginId": "ada@example.com", "password": PASSWORD, "roles": ["editor"],
                   "tenants": [{"tenantId": "T1", "roles": ["owner"]}]}]
    })
}

#[tokio::test]
async fn tenants_roles_and_permissions_round_trip_and_grant_their_claims() {
    let first = start(SeedFile::from_json(&directory_seed().to_string()).unwrap()).await;
    let client = first.client().unwrap();
    let auth = client
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    assert!(session.has_permission("docs.write"));
    assert!(session.has_tenant_permission("T1", "docs.read"));
    assert!(!session.has_tenant_permission("T1", "docs.write"));
    assert_eq!(
        auth.user.tenant("T1").unwrap().tenant_name.as_deref(),
        Some("Acme")
    );

    // The seed's SSO settings: SSO starts by the domain, and the console shows them.
    let page = client
        .sso()
        .start("bob@ACME.com", "http://127.0.0.1:9/sso")
        .await
        .unwrap();
    assert!(page.as_str().starts_with(first.base_url()));
    let console = reqwest::get(format!("{}/", first.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        console.contains("<td class=\"sso\">saml: acme.com (https://idp.acme.com/sso)</td>"),
        "{console}"
    );

    let export = first.export();
    let text = export.to_json();
    let exported: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(exported["tenants"], directory_seed()["tenants"]);
    assert_eq!(exported["roles"][1]["tenantId"], "T1");
    assert_eq!(exported["permissions"][0]["description"], "Read");
    first.stop().await;
    let second = start(SeedFile::from_json(&text).unwrap()).await;
    assert_eq!(second.export(), export, "nothing lost");
    second.stop().await;
}

#[tokio::test]
async fn a_bad_directory_is_refused_naming_the_entry() {
    for (change, expected) in [
        (
            json!({"roles": [{"name": "x", "permissionNames": ["docs.none"]}]}),
            "roles[0] (\"x\"): Invalid argument: permission docs.none does not exist",
        ),
        (
            json!({"roles": [{"name": "x", "tenantId": "T9"}]}),
            "roles[0] (\"x\"): tenantId T9 is not one of the file's tenants",
        ),
        (
            json!({"tenants": [{"id": "T1", "name": "A"}, {"id": "T2", "name": "a"}]}),
            "tenants[1] (\"T2\"): Already exists: a tenant named a",
        ),
        (
            json!({"tenants": [{"id": "T1", "name": "A", "sso": {"authType": "ldap"}}]}),
            "tenants[0] (\"T1\"): sso.authType must be \"oidc\" or \"saml\"",
        ),
        (
            json!({"tenants": [{"id": "T1", "name": "A",
                                "sso": {"authType": "saml", "redirectUrl": "javascript:x"}}]}),
            "tenants[0] (\"T1\"): sso.redirectUrl is not an http(s) URL",
        ),
        (
            json!({"permissions": [{"name": "p"}, {"name": "p"}]}),
            "permissions[1] (\"p\"): the name is another permission's too",
        ),
    ] {
        let seed = SeedFile::from_json(&change.to_string()).unwrap();
        let error = Emulator::builder()
            .hash_cost(HashCost::Fast)
            .import(seed)
            .start()
            .await
            .err()
            .unwrap();
        assert!(
            matches!(&error, EmulatorError::Seed(why) if why.contains(expected)),
            "{error} does not say {expected}"
        );
    }
}
