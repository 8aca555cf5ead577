//! B2B administration through the façade against the emulator: tenants, roles, permissions,
//! user search (paging over hundreds of users), update versus patch, and every cascade
//! (renames and deletions reaching roles, users and the next session JWT).

use std::collections::BTreeSet;
use std::time::Duration;

use descope::{Client, Error, UserStatus};
use descope_emulator::{Emulator, HashCost};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;

const MANAGEMENT_KEY: &str = "K2b2b-management-key";
const PASSWORD: &str = "Correct-Horse-1";

async fn emulator() -> (Emulator, Client) {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key(MANAGEMENT_KEY)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

/// A 4xx refusal of the service (not a client-side check).
fn refused(error: &Error) -> bool {
    error.status().is_some_and(|s| (400..500).contains(&s))
}

/// A user with a password, signed in: the session the web layer would see.
async fn signed_in(client: &Client, login_id: &str) -> descope::Session {
    let auth = client.password().sign_in(login_id, PASSWORD).await.unwrap();
    client.sessions().validate(&auth.session_jwt).await.unwrap()
}

async fn user_with_password(client: &Client, login_id: &str) {
    client.management().users().create(login_id).await.unwrap();
    client
        .management()
        .users()
        .set_active_password(login_id, PASSWORD)
        .await
        .unwrap();
}

#[tokio::test]
async fn tenants_are_created_loaded_replaced_searched_and_deleted() {
    let (_emulator, client) = emulator().await;
    let tenants = client.management().tenants();
    let id = tenants
        .create("Acme")
        .id("T2acme")
        .self_provisioning_domain("acme.com")
        .custom_attribute("plan", "pro")
        .custom_attribute("seats", 25)
        .await
        .unwrap();
    assert_eq!(id, "T2acme");
    let generated = tenants.create("Globex").await.unwrap();
    assert!(!generated.is_empty() && generated != "T2acme");

    let acme = tenants.load("T2acme").await.unwrap();
    assert_eq!(acme.name, "Acme");
    assert_eq!(acme.self_provisioning_domains, ["acme.com"]);
    assert_eq!(acme.custom_attributes["seats"], json!(25));
    assert!(acme.created_time.is_some());

    // Names are unique (whatever the case); an unknown tenant is refused.
    let duplicate = tenants.create("acme").await.unwrap_err();
    assert!(refused(&duplicate), "{duplicate}");
    assert!(refused(&tenants.load("T2nope").await.unwrap_err()));

    // Update is a full replace: the domains and attributes not given are cleared.
    tenants.update("T2acme", "Acme Corp").await.unwrap();
    let acme = tenants.load("T2acme").await.unwrap();
    assert_eq!(acme.name, "Acme Corp");
    assert!(acme.self_provisioning_domains.is_empty());
    assert!(acme.custom_attributes.is_empty());
    tenants
        .update("T2acme", "Acme Corp")
        .self_provisioning_domain("acme.io")
        .custom_attribute("plan", "enterprise")
        .await
        .unwrap();

    // Search: each filter matches any of its values, filters combine with AND.
    let found = tenants
        .search()
        .names(["acme corp", "Globex"])
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    let found = tenants
        .search()
        .names(["Acme Corp", "Globex"])
        .self_provisioning_domains(["acme.io"])
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["T2acme"]
    );
    let found = tenants
        .search()
        .custom_attribute("plan", "enterprise")
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert!(tenants.search().ids(["T2none"]).await.unwrap().is_empty());
    assert_eq!(tenants.load_all().await.unwrap().len(), 2);

    // Settings: the domains are the tenant's own; the rest is kept as configured.
    tenants
        .configure_settings("T2acme")
        .self_provisioning_domains(["acme.io", "acme.dev"])
        .session_settings_enabled(true)
        .session_token_expiration(Duration::from_secs(2 * 3600))
        .inactivity_time(Duration::from_secs(30 * 60))
        .await
        .unwrap();
    let settings = tenants.settings("T2acme").await.unwrap();
    assert_eq!(settings.self_provisioning_domains, ["acme.io", "acme.dev"]);
    assert!(settings.session_settings_enabled);
    assert_eq!(
        settings.session_token_expiration,
        Some(Duration::from_secs(7200))
    );
    assert_eq!(settings.inactivity_time, Some(Duration::from_secs(1800)));
    assert_eq!(
        tenants
            .load("T2acme")
            .await
            .unwrap()
            .self_provisioning_domains,
        ["acme.io", "acme.dev"]
    );

    // Refused before any request.
    assert!(matches!(
        tenants.load(" ").await,
        Err(Error::InvalidInput {
            field: "tenant ID",
            ..
        })
    ));
    assert!(matches!(
        tenants.create("").await,
        Err(Error::InvalidInput { field: "name", .. })
    ));
}

#[tokio::test]
async fn deleting_a_tenant_removes_it_from_its_users_their_next_session_and_its_roles() {
    let (_emulator, client) = emulator().await;
    let management = client.management();
    management.tenants().create("Acme").id("T1").await.unwrap();
    management
        .roles()
        .create("owner")
        .tenant("T1")
        .await
        .unwrap();
    user_with_password(&client, "ada@example.com").await;
    let user = management
        .users()
        .add_tenant_roles("ada@example.com", "T1", ["owner"])
        .await
        .unwrap();
    assert_eq!(
        user.tenant("T1").unwrap().tenant_name.as_deref(),
        Some("Acme")
    );
    assert!(signed_in(&client, "ada@example.com")
        .await
        .has_tenant_role("T1", "owner"));

    // The tenant's current name shows on its members.
    management
        .tenants()
        .update("T1", "Acme Corp")
        .await
        .unwrap();
    let user = management.users().load("ada@example.com").await.unwrap();
    assert_eq!(
        user.tenant("T1").unwrap().tenant_name.as_deref(),
        Some("Acme Corp")
    );

    management.tenants().delete("T1").await.unwrap();
    assert!(refused(&management.tenants().load("T1").await.unwrap_err()));
    let user = management.users().load("ada@example.com").await.unwrap();
    assert!(user.tenants.is_empty());
    let session = signed_in(&client, "ada@example.com").await;
    assert!(!session.is_in_tenant("T1"));
    assert!(management
        .roles()
        .search()
        .tenants(["T1"])
        .await
        .unwrap()
        .is_empty());

    // User calls keep accepting tenant IDs never created.
    let user = management
        .users()
        .add_tenant("ada@example.com", "T2never")
        .await
        .unwrap();
    assert_eq!(user.tenant("T2never").unwrap().tenant_name, None);
}

#[tokio::test]
async fn roles_and_permissions_keep_their_rules_and_carry_through_to_sessions() {
    let (_emulator, client) = emulator().await;
    let management = client.management();
    let (roles, permissions) = (management.roles(), management.permissions());
    permissions
        .create("docs.read")
        .description("Read")
        .await
        .unwrap();
    permissions.create("docs.write").await.unwrap();
    assert!(refused(&permissions.create("docs.read").await.unwrap_err()));
    let all = permissions.load_all().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].description, "Read");

    roles
        .create("editor")
        .description("Edits")
        .permissions(["docs.read", "docs.write"])
        .await
        .unwrap();
    // A role naming an unknown permission, a duplicate in its scope, and a tenant role of an
    // unknown tenant are refused, and nothing is created.
    assert!(refused(
        &roles
            .create("broken")
            .permission("docs.none")
            .await
            .unwrap_err()
    ));
    assert!(refused(&roles.create("editor").await.unwrap_err()));
    assert!(refused(
        &roles.create("lead").tenant("T2none").await.unwrap_err()
    ));
    assert_eq!(roles.load_all().await.unwrap().len(), 1);
    // The same name in a tenant is another role.
    management.tenants().create("Acme").id("T1").await.unwrap();
    roles
        .create("editor")
        .tenant("T1")
        .permission("docs.read")
        .await
        .unwrap();

    user_with_password(&client, "ada@example.com").await;
    let users = management.users();
    users
        .add_roles("ada@example.com", ["editor"])
        .await
        .unwrap();
    users
        .add_tenant_roles("ada@example.com", "T1", ["editor"])
        .await
        .unwrap();
    let session = signed_in(&client, "ada@example.com").await;
    assert!(session.has_permission("docs.write"));
    assert!(session.has_tenant_permission("T1", "docs.read"));
    // The tenant's own role wins over the project role of the same name.
    assert!(!session.has_tenant_permission("T1", "docs.write"));

    // Renaming a permission reaches the roles and the next session; deleting it too.
    permissions.update("docs.read", "docs.view").await.unwrap();
    let editor = roles.search().names(["editor"]).await.unwrap();
    assert!(editor
        .iter()
        .all(|r| r.permission_names.contains(&"docs.view".to_owned())));
    let session = signed_in(&client, "ada@example.com").await;
    assert!(session.has_permission("docs.view") && !session.has_permission("docs.read"));
    permissions.delete("docs.write").await.unwrap();
    assert!(!signed_in(&client, "ada@example.com")
        .await
        .has_permission("docs.write"));
    assert!(refused(
        &permissions.delete("docs.write").await.unwrap_err()
    ));

    // Updating a role is a full replace, and a rename reaches its users (in its scope only).
    roles.update("editor", "author").await.unwrap();
    let author = &roles.search().names(["author"]).await.unwrap()[0];
    assert!(author.permission_names.is_empty() && author.description.is_empty());
    assert_eq!(author.tenant_id, None);
    let user = users.load("ada@example.com").await.unwrap();
    assert_eq!(user.roles, ["author"]);
    assert_eq!(user.tenant("T1").unwrap().roles, ["editor"]);
    assert!(signed_in(&client, "ada@example.com")
        .await
        .has_role("author"));

    // Deleting a role removes it from its users.
    roles.delete("editor").tenant("T1").await.unwrap();
    let user = users.load("ada@example.com").await.unwrap();
    assert!(user.tenant("T1").unwrap().roles.is_empty());
    assert!(refused(&roles.update("ghost", "spirit").await.unwrap_err()));

    // Search: name-like ignores case; tenant scopes leave project roles out unless asked.
    roles.create("Viewer").tenant("T1").await.unwrap();
    assert_eq!(roles.search().name_like("VIEW").await.unwrap().len(), 1);
    assert_eq!(roles.search().tenants(["T1"]).await.unwrap().len(), 1);
    let both = roles
        .search()
        .tenants(["T1"])
        .include_project_roles(true)
        .await
        .unwrap();
    assert_eq!(both.len(), 2);
    permissions.create("docs.view2").await.unwrap();
    roles
        .update("author", "author")
        .permission("docs.view2")
        .await
        .unwrap();
    let granting = roles.search().permissions(["docs.view2"]).await.unwrap();
    assert_eq!(
        granting.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["author"]
    );
}

#[tokio::test]
async fn search_pages_over_hundreds_of_users_lazily_and_stably() {
    let (_emulator, client) = emulator().await;
    let users = client.management().users();
    for i in 0..260 {
        let mut create = users.create(format!("user{i:03}@example.com"));
        if i % 2 == 0 {
            create = create.tenant("T2even", ["member"]);
        }
        if i % 10 == 0 {
            create = create.display_name(format!("Tenth {i}"));
        }
        create.await.unwrap();
    }
    users.create_test_user("test@example.com").await.unwrap();

    let first = users.search().page_size(100).await.unwrap();
    assert_eq!((first.users.len(), first.total, first.page), (100, 260, 0));
    let pages: Vec<_> = users
        .search()
        .page_size(100)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].users.len(), 60);
    let ids: Vec<String> = pages
        .iter()
        .flat_map(|p| p.users.iter().map(|u| u.user_id.clone()))
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        (ids.len(), unique.len()),
        (260, 260),
        "pages overlap or miss users"
    );
    // Creation order: stable across calls.
    assert_eq!(pages[0].users[0].login_ids, ["user000@example.com"]);
    assert_eq!(
        users.search().page_size(100).page(1).await.unwrap().users,
        pages[1].users
    );

    // The stream is lazy: taking 5 users stops after the first page.
    let five: Vec<_> = users
        .search()
        .page_size(100)
        .into_stream()
        .take(5)
        .collect()
        .await;
    assert_eq!(five.len(), 5);
    let all: Vec<descope::User> = users
        .search()
        .page_size(1000)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 260);

    // Filters combine with AND; test users only when asked.
    let tenths = users
        .search()
        .tenants(["T2even"])
        .text("tenth")
        .await
        .unwrap();
    assert_eq!(tenths.total, 26);
    let found = users
        .search()
        .login_ids(["user001@example.com", "user002@example.com"])
        .tenants(["T2even"])
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(users.search().test_users_only(true).await.unwrap().total, 1);
    assert_eq!(
        users.search().with_test_users(true).await.unwrap().total,
        261
    );
    assert_eq!(
        users
            .search()
            .statuses([UserStatus::Disabled])
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(users.search().tenants(["T2none"]).await.unwrap().total, 0);
    // Past the end: an empty page, and the stream of it ends.
    assert!(users.search().page(99).await.unwrap().users.is_empty());

    // Batch load: unknown IDs are skipped, disabled users only when asked.
    let (a, b) = (&pages[0].users[0], &pages[0].users[1]);
    users.disable("user001@example.com").await.unwrap();
    let loaded = users
        .load_many([a.user_id.as_str(), b.user_id.as_str(), "U2unknown"])
        .await
        .unwrap();
    assert_eq!(loaded.len(), 1);
    let loaded = users
        .load_many([a.user_id.clone(), b.user_id.clone()])
        .include_disabled(true)
        .await
        .unwrap();
    assert_eq!(loaded.len(), 2);
    assert!(matches!(
        users.load_many(Vec::<String>::new()).await,
        Err(Error::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn update_replaces_patch_merges_and_the_single_field_updates_apply() {
    let (_emulator, client) = emulator().await;
    let users = client.management().users();
    users
        .create("ada@example.com")
        .email("ada@example.com")
        .phone("+15555550100")
        .display_name("Ada")
        .roles(["admin"])
        .tenant("T1", ["editor"])
        .custom_attribute("team", "core")
        .await
        .unwrap();

    // Patch: only what is set changes.
    let user = users
        .patch("ada@example.com")
        .given_name("Augusta")
        .custom_attribute("team", "research")
        .await
        .unwrap();
    assert_eq!(user.given_name.as_deref(), Some("Augusta"));
    assert_eq!(user.email.as_deref(), Some("ada@example.com"));
    assert_eq!(user.roles, ["admin"]);
    assert_eq!(user.tenants.len(), 1);
    assert_eq!(user.custom_attributes["team"], json!("research"));
    let user = users
        .patch("ada@example.com")
        .roles(Vec::<String>::new())
        .await
        .unwrap();
    assert!(user.roles.is_empty());
    assert_eq!(user.name.as_deref(), Some("Ada"));
    let user = users
        .patch("ada@example.com")
        .status(UserStatus::Disabled)
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Disabled);

    // Update: a full replace (login IDs and status are kept).
    let user = users
        .update("ada@example.com")
        .display_name("Ada Lovelace")
        .role("author")
        .await
        .unwrap();
    assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(user.roles, ["author"]);
    assert_eq!(
        (
            user.email.as_ref(),
            user.phone.as_ref(),
            user.given_name.as_ref()
        ),
        (None, None, None)
    );
    assert!(user.tenants.is_empty() && user.custom_attributes.is_empty());
    assert_eq!(user.login_ids, ["ada@example.com"]);
    assert_eq!(user.status, UserStatus::Disabled);

    // The single-field updates.
    let user = users
        .update_email("ada@example.com", "ada@lovelace.dev")
        .verified(true)
        .await
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("ada@lovelace.dev"));
    assert!(user.verified_email);
    let user = users
        .update_phone("ada@example.com", "+15555550199")
        .await
        .unwrap();
    assert_eq!(user.phone.as_deref(), Some("+15555550199"));
    assert!(!user.verified_phone);
    let user = users
        .update_display_name("ada@example.com", "Countess")
        .family_name("Lovelace")
        .await
        .unwrap();
    assert_eq!(user.name.as_deref(), Some("Countess"));
    assert_eq!(user.family_name.as_deref(), Some("Lovelace"));
    let user = users
        .set_tenant_roles("ada@example.com", "T2", ["a", "b"])
        .await
        .unwrap();
    assert_eq!(user.tenant("T2").unwrap().roles, ["a", "b"]);
    let user = users
        .set_roles_by_user_id(&user.user_id, ["x"])
        .await
        .unwrap();
    assert_eq!(user.roles, ["x"]);

    // The login ID: the old one stops loading, the new one works; another user's is refused.
    users.create("grace@example.com").await.unwrap();
    let refusal = users
        .update_login_id("ada@example.com", "grace@example.com")
        .await
        .unwrap_err();
    assert!(refused(&refusal), "{refusal}");
    let user = users
        .update_login_id("ada@example.com", "countess@example.com")
        .await
        .unwrap();
    assert_eq!(user.login_ids, ["countess@example.com"]);
    assert!(refused(&users.load("ada@example.com").await.unwrap_err()));
    let loaded = users.load("countess@example.com").await.unwrap();
    assert_eq!(loaded.user_id, user.user_id);
    let email_conflict = users
        .update_email("countess@example.com", "grace@example.com")
        .fail_on_conflict(true)
        .await
        .unwrap_err();
    assert!(refused(&email_conflict));

    // An unknown user is a 4xx from the service; bad input never leaves the client.
    assert!(refused(
        &users
            .patch("nobody@example.com")
            .display_name("x")
            .await
            .unwrap_err()
    ));
    assert!(matches!(
        users
            .update_email("countess@example.com", "not-an-address")
            .await,
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        users.update_login_id("countess@example.com", " ").await,
        Err(Error::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn every_b2b_route_needs_the_management_key() {
    let (emulator, _) = emulator().await;
    let no_key = descope::Client::builder()
        .project_id(emulator.project_id())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let error = no_key.management().tenants().load_all().await.unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
    let wrong = emulator
        .client_builder()
        .management_key("K2wrong")
        .build()
        .unwrap();
    let error = wrong
        .management()
        .tenants()
        .create("Acme")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    let error = wrong.management().users().search().await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert!(
        emulator.export().tenants.is_empty(),
        "a refused call changed nothing"
    );
}
