//! Management, tenant selection, history and access keys: each effect seen through the auth
//! side, driven through the crate's client.

use descope::{Client, Error, RefreshJwt};
use descope_emulator::{Emulator, HashCost};

pub const PASSWORD: &str = "Manag3d-Passw0rd";
pub const NEW_PASSWORD: &str = "Manag3d-N3w-Passw0rd";
pub const MANAGEMENT_KEY: &str = "K2emulator-management-key";
pub const ACCESS_KEY: &str = "A2emulator-access-key";

pub async fn start() -> (Emulator, Client) {
    start_with(|b| b).await
}

pub async fn start_with(
    configure: impl FnOnce(descope_emulator::EmulatorBuilder) -> descope_emulator::EmulatorBuilder,
) -> (Emulator, Client) {
    let builder = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key(MANAGEMENT_KEY)
        .access_key_with_tenants(ACCESS_KEY, ["T2acme"])
        .access_key("A2second-access-key");
    let emulator = configure(builder).start().await.unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

fn status_code(error: &Error) -> (u16, String) {
    let api = error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"));
    (
        api.status,
        api.code
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
    )
}

/// A user with a password, signed in: their refresh JWT.
async fn user_with_password(client: &Client, login_id: &str) -> RefreshJwt {
    let users = client.management().users();
    users.create(login_id).await.unwrap();
    users.set_active_password(login_id, PASSWORD).await.unwrap();
    client
        .password()
        .sign_in(login_id, PASSWORD)
        .await
        .unwrap()
        .refresh_jwt
}

#[tokio::test]
async fn admin_flow_end_to_end() {
    let (emulator, client) = start().await;
    let users = client.management().users();
    let password = client.password();

    let created = users
        .create("ada@example.com")
        .display_name("Ada Lovelace")
        .email("ada@example.com")
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(created.status, descope::UserStatus::Enabled);
    assert!(!created.methods.password, "created without a password");
    // No password yet: sign-in is refused as bad credentials.
    let refused = password
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert!(refused.is_bad_credentials(), "{refused:?}");

    let with_role = users.add_roles("ada@example.com", ["admin"]).await.unwrap();
    assert!(with_role.has_role("admin"));
    users
        .set_active_password("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let auth = password.sign_in("ada@example.com", PASSWORD).await.unwrap();
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    assert!(session.has_role("admin"));
    assert_eq!(session.user_id(), created.user_id);

    let disabled = users.disable("ada@example.com").await.unwrap();
    assert_eq!(disabled.status, descope::UserStatus::Disabled);
    let refused = password
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(status_code(&refused), (403, "E062110".into()));
    assert!(!refused.is_bad_credentials());
    let refresh = client.sessions().refresh(&auth.refresh_jwt).await;
    assert_eq!(
        status_code(&refresh.unwrap_err()),
        (403, "E062110".into()),
        "a disabled user's refresh JWT no longer refreshes"
    );

    let enabled = users.enable(&created.user_id).await.unwrap();
    assert_eq!(enabled.status, descope::UserStatus::Enabled);
    password.sign_in("ada@example.com", PASSWORD).await.unwrap();

    users.expire_password("ada@example.com").await.unwrap();
    let refused = password
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(status_code(&refused), (403, "E062909".into()));
    assert_eq!(refused.code(), Some(&descope::ErrorCode::PasswordExpired));
    password
        .replace("ada@example.com", PASSWORD, NEW_PASSWORD)
        .await
        .unwrap();
    password
        .sign_in("ada@example.com", NEW_PASSWORD)
        .await
        .unwrap();
    let loaded = users.load("ada@example.com").await.unwrap();
    assert!(loaded.methods.password);
    assert!(loaded.has_role("admin"));
    assert_eq!(emulator.user_count(), 1);
}

#[tokio::test]
async fn a_temporary_password_must_be_replaced_before_sign_in() {
    let (_emulator, client) = start().await;
    let users = client.management().users();
    user_with_password(&client, "bo@example.com").await;
    users
        .set_temporary_password("bo@example.com", "Temp0rary-Passw0rd")
        .await
        .unwrap();
    let password = client.password();
    let refused = password
        .sign_in("bo@example.com", "Temp0rary-Passw0rd")
        .await
        .unwrap_err();
    assert_eq!(status_code(&refused), (403, "E062909".into()));
    // The old password no longer works at all.
    assert!(password
        .sign_in("bo@example.com", PASSWORD)
        .await
        .unwrap_err()
        .is_bad_credentials());
    password
        .replace("bo@example.com", "Temp0rary-Passw0rd", NEW_PASSWORD)
        .await
        .unwrap();
    password
        .sign_in("bo@example.com", NEW_PASSWORD)
        .await
        .unwrap();
    // A password set by management meets the policy too.
    let weak = users
        .set_active_password("bo@example.com", "weak")
        .await
        .unwrap_err();
    assert_eq!(status_code(&weak).0, 400);
}

#[tokio::test]
async fn roles_and_tenants_appear_in_the_next_session_jwt() {
    let (_emulator, client) = start().await;
    let users = client.management().users();
    user_with_password(&client, "cy@example.com").await;
    users.add_tenant("cy@example.com", "T2acme").await.unwrap();
    let user = users
        .add_tenant_roles("cy@example.com", "T2acme", ["editor", "viewer"])
        .await
        .unwrap();
    assert_eq!(user.tenant("T2acme").unwrap().roles, ["editor", "viewer"]);
    users
        .add_roles("cy@example.com", ["support"])
        .await
        .unwrap();

    let sign_in = || client.password().sign_in("cy@example.com", PASSWORD);
    let session = client
        .sessions()
        .validate(&sign_in().await.unwrap().session_jwt)
        .await
        .unwrap();
    assert!(session.has_role("support"));
    assert!(session.has_tenant_role("T2acme", "editor"));
    assert!(session.has_tenant_role("T2acme", "viewer"));

    users
        .remove_tenant_roles("cy@example.com", "T2acme", ["viewer"])
        .await
        .unwrap();
    users
        .remove_roles("cy@example.com", ["support"])
        .await
        .unwrap();
    let session = client
        .sessions()
        .validate(&sign_in().await.unwrap().session_jwt)
        .await
        .unwrap();
    assert!(!session.has_role("support"));
    assert!(session.has_tenant_role("T2acme", "editor"));
    assert!(!session.has_tenant_role("T2acme", "viewer"));

    let user = users
        .remove_tenant("cy@example.com", "T2acme")
        .await
        .unwrap();
    assert!(user.tenant("T2acme").is_none());
    let session = client
        .sessions()
        .validate(&sign_in().await.unwrap().session_jwt)
        .await
        .unwrap();
    assert!(!session.is_in_tenant("T2acme"));
    // Removing roles in a tenant the user is not in is refused.
    let refused = users
        .remove_tenant_roles("cy@example.com", "T2acme", ["editor"])
        .await
        .unwrap_err();
    assert_eq!(status_code(&refused).0, 400);

    // The same by user ID.
    let id = user.user_id.clone();
    users.add_tenant_by_user_id(&id, "T2beta").await.unwrap();
    users
        .add_tenant_roles_by_user_id(&id, "T2beta", ["editor"])
        .await
        .unwrap();
    let user = users.add_roles_by_user_id(&id, ["auditor"]).await.unwrap();
    assert!(user.roles.contains(&"auditor".to_owned()));
    assert_eq!(user.tenant("T2beta").unwrap().roles, ["editor"]);
    users
        .remove_tenant_roles_by_user_id(&id, "T2beta", ["editor"])
        .await
        .unwrap();
    let user = users
        .remove_roles_by_user_id(&id, ["auditor"])
        .await
        .unwrap();
    assert!(!user.roles.contains(&"auditor".to_owned()));
    let user = users.remove_tenant_by_user_id(&id, "T2beta").await.unwrap();
    assert!(user.tenant("T2beta").is_none());
}

#[tokio::test]
async fn logout_user_revokes_every_refresh_jwt_and_new_sign_ins_work() {
    let (_emulator, client) = start().await;
    let users = client.management().users();
    let first = user_with_password(&client, "di@example.com").await;
    let second = client
        .password()
        .sign_in("di@example.com", PASSWORD)
        .await
        .unwrap()
        .refresh_jwt;
    users.logout("di@example.com").await.unwrap();
    for token in [&first, &second] {
        let refused = client.sessions().refresh(token).await.unwrap_err();
        assert_eq!(status_code(&refused), (401, "E064001".into()));
        assert!(client.sessions().me(token).await.is_err());
    }
    let third = client
        .password()
        .sign_in("di@example.com", PASSWORD)
        .await
        .unwrap()
        .refresh_jwt;
    client.sessions().refresh(&third).await.unwrap();
    // By user ID too.
    let user_id = users.load("di@example.com").await.unwrap().user_id;
    users.logout_by_user_id(&user_id).await.unwrap();
    assert!(client.sessions().refresh(&third).await.is_err());
}

#[tokio::test]
async fn test_users_are_flagged_and_removed_together_and_only_them() {
    let (emulator, client) = start().await;
    let users = client.management().users();
    let test_user = users.create_test_user("test1@example.com").await.unwrap();
    assert!(test_user.test);
    users.create_test_user("test2@example.com").await.unwrap();
    let real = users.create("real@example.com").await.unwrap();
    assert!(!real.test);
    assert_eq!(emulator.user_count(), 3);
    users.delete_all_test_users().await.unwrap();
    assert_eq!(emulator.user_count(), 1);
    users.load("real@example.com").await.unwrap();
    let gone = users.load("test1@example.com").await.unwrap_err();
    assert_eq!(status_code(&gone), (400, "E062108".into()));
}

#[tokio::test]
async fn delete_removes_the_user_and_their_sessions() {
    let (emulator, client) = start().await;
    let users = client.management().users();
    let refresh = user_with_password(&client, "ed@example.com").await;
    users.delete("ed@example.com").await.unwrap();
    assert_eq!(emulator.user_count(), 0);
    assert_eq!(
        status_code(&users.load("ed@example.com").await.unwrap_err()).0,
        400
    );
    assert!(client
        .password()
        .sign_in("ed@example.com", PASSWORD)
        .await
        .unwrap_err()
        .is_bad_credentials());
    assert!(client.sessions().refresh(&refresh).await.is_err());
    // By user ID; a second delete of the same user is a 4xx.
    let user = users.create("fi@example.com").await.unwrap();
    users.delete_by_user_id(&user.user_id).await.unwrap();
    let again = users.delete_by_user_id(&user.user_id).await.unwrap_err();
    assert_eq!(status_code(&again).0, 400);
    // The login ID is free again.
    users.create("fi@example.com").await.unwrap();
    let taken = users.create("FI@example.com").await.unwrap_err();
    assert_eq!(status_code(&taken), (409, "E062107".into()));
}

#[tokio::test]
async fn create_takes_every_profile_field_and_load_finds_by_either_id() {
    let (_emulator, client) = start().await;
    let users = client.management().users();
    let user = users
        .create("gil")
        .email("gil@example.com")
        .verified_email(true)
        .phone("+15555550100")
        .display_name("Gil Grissom")
        .given_name("Gil")
        .family_name("Grissom")
        .picture("https://example.com/gil.png")
        .roles(["a", "b"])
        .role("a")
        .tenant("T2lab", ["analyst"])
        .custom_attribute("shift", "night")
        .additional_login_id("gil@example.com")
        .await
        .unwrap();
    assert_eq!(user.login_ids, ["gil", "gil@example.com"]);
    assert_eq!(user.roles, ["a", "b"], "duplicates are dropped");
    assert!(user.verified_email);
    assert_eq!(user.tenant("T2lab").unwrap().roles, ["analyst"]);
    assert_eq!(user.custom_attributes["shift"], "night");
    let by_id = users.load_by_user_id(&user.user_id).await.unwrap();
    assert_eq!(by_id, user);
    // The second login ID signs in the same user.
    users.set_active_password("gil", PASSWORD).await.unwrap();
    let auth = client
        .password()
        .sign_in("gil@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(auth.user.user_id, user.user_id);
    let invited = users.create("hal@example.com").invite(true).await.unwrap();
    assert_eq!(invited.status, descope::UserStatus::Invited);
}

#[tokio::test]
async fn tenant_select_sets_dct_and_refresh_keeps_it() {
    for rotate in [false, true] {
        let (_emulator, client) = start_with(|b| b.rotate_refresh_tokens(rotate)).await;
        let users = client.management().users();
        let refresh = user_with_password(&client, "ida@example.com").await;
        users
            .add_tenant_roles("ida@example.com", "T2one", ["member"])
            .await
            .unwrap();
        // Not a member of T2two: refused.
        let refused = client
            .sessions()
            .select_tenant("T2two", &refresh)
            .await
            .unwrap_err();
        assert_eq!(status_code(&refused).0, 400);
        let selected = client
            .sessions()
            .select_tenant("T2one", &refresh)
            .await
            .unwrap();
        assert_eq!(selected.session.current_tenant(), Some("T2one"));
        assert!(selected.session.has_tenant_role("T2one", "member"));
        let current = selected.refresh_jwt.clone();
        let refreshed = client.sessions().refresh(&current).await.unwrap();
        assert_eq!(
            refreshed.session.current_tenant(),
            Some("T2one"),
            "rotate {rotate}"
        );
        // The original refresh JWT has no tenant selected (unless rotated away).
        if !rotate {
            let plain = client.sessions().refresh(&refresh).await.unwrap();
            assert_eq!(plain.session.current_tenant(), None);
        }
    }
}

#[tokio::test]
async fn history_has_an_entry_per_sign_in() {
    let (_emulator, client) = start().await;
    let refresh = user_with_password(&client, "jo@example.com").await;
    client
        .password()
        .sign_in("jo@example.com", PASSWORD)
        .await
        .unwrap();
    let user_id = client.sessions().me(&refresh).await.unwrap().user_id;
    let history = client.sessions().history(&refresh).await.unwrap();
    assert_eq!(history.len(), 2);
    for entry in &history {
        assert_eq!(entry.user_id, user_id);
        assert!(
            entry.login_time
                > std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000)
        );
        assert_eq!(entry.ip.as_deref(), Some("127.0.0.1"));
    }
}

#[tokio::test]
async fn access_keys_exchange_for_sessions_whose_sub_is_the_key_id() {
    let (emulator, client) = start().await;
    let access = client
        .access_keys()
        .exchange(ACCESS_KEY)
        .custom_claim("scope", "reports")
        .selected_tenant("T2acme")
        .await
        .unwrap();
    let key_id = emulator.access_key_id(ACCESS_KEY).unwrap();
    assert!(key_id.starts_with('K') && key_id.len() == 28);
    assert_eq!(access.key_id, key_id);
    assert_eq!(access.session.user_id(), key_id);
    assert_eq!(access.session.claim("scope").unwrap(), "reports");
    assert_eq!(access.session.current_tenant(), Some("T2acme"));
    assert!(
        access.expiration.unwrap()
            > std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000)
    );
    // Another key, another ID; a bogus key is refused.
    let other = client
        .access_keys()
        .exchange("A2second-access-key")
        .await
        .unwrap();
    assert_ne!(other.key_id, key_id);
    let refused = client.access_keys().exchange("A2bogus").await.unwrap_err();
    assert_eq!(status_code(&refused).0, 401);
    assert_eq!(emulator.access_key_id("A2bogus"), None);
}

/// Custom claims of an exchange cannot mint roles, permissions, tenants or an identity, and a
/// key selects only a tenant it belongs to: authorization tests against the emulator fail when
/// they should.
#[tokio::test]
async fn access_key_custom_claims_cannot_set_reserved_claims_nor_select_another_tenant() {
    let (_emulator, client) = start().await;
    for (name, value) in [
        ("roles", serde_json::json!(["admin"])),
        ("permissions", serde_json::json!(["delete"])),
        (
            "tenants",
            serde_json::json!({"T2other": {"roles": ["admin"]}}),
        ),
        ("email", serde_json::json!("ceo@example.com")),
        ("sub", serde_json::json!("U2someone")),
        ("exp", serde_json::json!(4_102_444_800u64)),
        ("dct", serde_json::json!("T2other")),
    ] {
        let refused = client
            .access_keys()
            .exchange(ACCESS_KEY)
            .custom_claim(name, value)
            .await
            .unwrap_err();
        assert_eq!(status_code(&refused), (400, "E011004".into()), "{name}");
    }
    let refused = client
        .access_keys()
        .exchange(ACCESS_KEY)
        .selected_tenant("T2other")
        .await
        .unwrap_err();
    assert_eq!(status_code(&refused), (400, "E011004".into()));
    // A key of no tenant selects none.
    let refused = client
        .access_keys()
        .exchange("A2second-access-key")
        .selected_tenant("T2acme")
        .await
        .unwrap_err();
    assert_eq!(status_code(&refused).0, 400);
    // What a key may do: its own tenants, no roles.
    let access = client.access_keys().exchange(ACCESS_KEY).await.unwrap();
    assert!(access.session.is_in_tenant("T2acme"));
    assert!(!access.session.is_in_tenant("T2other"));
    assert!(access.session.roles().is_empty() && access.session.permissions().is_empty());
}

#[tokio::test]
async fn a_wrong_or_missing_management_key_is_refused_before_any_effect() {
    let (emulator, client) = start().await;
    client
        .management()
        .users()
        .create("kim@example.com")
        .await
        .unwrap();
    let wrong = emulator
        .client_builder()
        .management_key("K2wrong-key")
        .build()
        .unwrap();
    let users = wrong.management().users();
    let refused = users.disable("kim@example.com").await.unwrap_err();
    assert_eq!(status_code(&refused), (401, "E011003".into()));
    assert!(users.create("lee@example.com").await.is_err());
    assert!(users.delete_all_test_users().await.is_err());
    // Nothing changed.
    let kim = client
        .management()
        .users()
        .load("kim@example.com")
        .await
        .unwrap();
    assert_eq!(kim.status, descope::UserStatus::Enabled);
    assert_eq!(emulator.user_count(), 1);

    // An emulator without a management key refuses every management call.
    let (_plain, plain_client) = {
        let emulator = Emulator::start().await.unwrap();
        let client = emulator
            .client_builder()
            .management_key(MANAGEMENT_KEY)
            .build()
            .unwrap();
        (emulator, client)
    };
    let refused = plain_client
        .management()
        .users()
        .load("kim@example.com")
        .await
        .unwrap_err();
    assert_eq!(status_code(&refused).0, 403);
}

/// A user who registers a login ID equal to another user's ID cannot capture the
/// `*_by_user_id` calls made for that other user (the service resolves login IDs first).
#[tokio::test]
async fn by_user_id_calls_reach_the_user_with_that_id_whatever_login_ids_exist() {
    let (_emulator, client) = start().await;
    let users = client.management().users();
    let victim = users.create("victim@example.com").await.unwrap();
    let squatter = users.create(victim.user_id.clone()).await.unwrap();
    assert_ne!(squatter.user_id, victim.user_id);
    assert_eq!(squatter.login_ids, std::slice::from_ref(&victim.user_id));

    let id = victim.user_id.as_str();
    let changed = users.add_roles_by_user_id(id, ["admin"]).await.unwrap();
    assert_eq!(changed.user_id, victim.user_id);
    let changed = users.add_tenant_by_user_id(id, "T2acme").await.unwrap();
    assert!(changed.tenant("T2acme").is_some());
    users
        .add_tenant_roles_by_user_id(id, "T2acme", ["editor"])
        .await
        .unwrap();
    let victim_now = users.load_by_user_id(id).await.unwrap();
    assert!(victim_now.has_role("admin"));
    assert_eq!(victim_now.tenant("T2acme").unwrap().roles, ["editor"]);
    let squatter_now = users.load_by_user_id(&squatter.user_id).await.unwrap();
    assert!(
        !squatter_now.has_role("admin"),
        "the squatter gained nothing"
    );
    assert!(squatter_now.tenant("T2acme").is_none());

    users
        .remove_tenant_roles_by_user_id(id, "T2acme", ["editor"])
        .await
        .unwrap();
    users.remove_roles_by_user_id(id, ["admin"]).await.unwrap();
    let removed = users.remove_tenant_by_user_id(id, "T2acme").await.unwrap();
    assert!(!removed.has_role("admin") && removed.tenant("T2acme").is_none());
    // An unknown user ID is the service's "not found", before any update.
    let missing = users
        .add_roles_by_user_id("U2nobody", ["admin"])
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(400), "{missing:?}");
}
