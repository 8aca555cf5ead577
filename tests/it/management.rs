//! Management, tenant selection, history and access keys on the wire: exact method, path,
//! headers and body of each call, typed results, and the errors a caller can cause.

use descope::{Client, Error, RefreshJwt, RetryPolicy, UserStatus};
use serde_json::{json, Value};
use wiremock::MockServer;

use crate::common::*;
use crate::wire::{check_request, only_request, refresh_auth, respond};

fn management_auth() -> String {
    format!("Bearer {PROJECT_ID}:{MANAGEMENT_KEY}")
}

/// A mock and a client with the management key (and an auth management key, which must
/// never be sent with management calls).
async fn managed() -> (MockServer, Client) {
    let (server, _) = mock().await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .management_key(MANAGEMENT_KEY)
        .auth_management_key("K2auth-side-key")
        .session_config(descope::SessionConfig::default().public_keys(crate::tokens::jwks()))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

fn user_body() -> Value {
    json!({"user": {
        "userId": "U2managed", "loginIds": ["ada@example.com"], "status": "disabled",
        "roleNames": ["admin"], "userTenants": [{"tenantId": "T2acme", "roleNames": ["editor"]}],
        "test": true
    }})
}

#[tokio::test]
async fn create_sends_the_sdk_keys_and_returns_the_typed_user() {
    let (server, client) = managed().await;
    respond(&server, "POST", "/v1/mgmt/user/create", user_body()).await;
    let user = client
        .management()
        .users()
        .create("ada@example.com")
        .email("ada@example.com")
        .verified_email(true)
        .phone("+15555550100")
        .verified_phone(false)
        .display_name("Ada Lovelace")
        .given_name("Ada")
        .middle_name("King")
        .family_name("Lovelace")
        .picture("https://example.com/ada.png")
        .recovery_email("r@example.com")
        .recovery_phone("+15555550101")
        .role("admin")
        .roles(["editor"])
        .tenant("T2acme", ["editor"])
        .custom_attribute("plan", "pro")
        .additional_login_id("ada")
        .sso_app_id("app1")
        .status(UserStatus::Invited)
        .invite(true)
        .await
        .unwrap();
    assert_eq!(user.user_id, "U2managed");
    assert_eq!(user.status, UserStatus::Disabled);
    assert!(user.test);
    assert_eq!(user.tenant("T2acme").unwrap().roles, ["editor"]);
    let body = check_request(
        &only_request(&server).await,
        "POST",
        "/v1/mgmt/user/create",
        &management_auth(),
    );
    assert_eq!(
        body,
        Some(json!({
            "loginId": "ada@example.com", "email": "ada@example.com", "verifiedEmail": true,
            "phone": "+15555550100", "verifiedPhone": false, "displayName": "Ada Lovelace",
            "givenName": "Ada", "middleName": "King", "familyName": "Lovelace",
            "picture": "https://example.com/ada.png", "recoveryEmail": "r@example.com",
            "recoveryPhone": "+15555550101", "roleNames": ["admin", "editor"],
            "userTenants": [{"tenantId": "T2acme", "roleNames": ["editor"]}],
            "customAttributes": {"plan": "pro"}, "additionalLoginIds": ["ada"],
            "ssoAppIds": ["app1"], "status": "invited", "invite": true
        }))
    );
}

#[tokio::test]
async fn create_test_user_goes_to_its_path_with_the_test_flag() {
    let (server, client) = managed().await;
    respond(&server, "POST", "/v1/mgmt/user/create/test", user_body()).await;
    client
        .management()
        .users()
        .create_test_user("t@example.com")
        .await
        .unwrap();
    let body = check_request(
        &only_request(&server).await,
        "POST",
        "/v1/mgmt/user/create/test",
        &management_auth(),
    );
    assert_eq!(
        body,
        Some(json!({"loginId": "t@example.com", "test": true}))
    );
}

/// Every other user operation: what it sends, one call each.
#[tokio::test]
async fn every_user_operation_sends_its_exact_wire() {
    type Call = Box<dyn Fn(&Client) -> descope::BoxFuture<'static, Result<(), Error>>>;
    fn call<F, T>(f: impl Fn(&Client) -> F + 'static) -> Call
    where
        F: std::future::IntoFuture<Output = Result<T, Error>>,
        F::IntoFuture: Send + 'static,
    {
        Box::new(move |c| {
            let future = f(c).into_future();
            Box::pin(async move { future.await.map(|_| ()) })
        })
    }
    let users = |c: &Client| c.management().users();
    let cases: Vec<(&str, &str, Option<Value>, Value, Call)> = vec![
        (
            "GET",
            "/v1/mgmt/user",
            None,
            user_body(),
            call(move |c| users(c).load("ada@example.com")),
        ),
        (
            "GET",
            "/v1/mgmt/user",
            None,
            user_body(),
            call(move |c| users(c).load_by_user_id("U2managed")),
        ),
        (
            "POST",
            "/v1/mgmt/user/delete",
            Some(json!({"loginId": "ada@example.com"})),
            json!({}),
            call(move |c| users(c).delete("ada@example.com")),
        ),
        (
            "POST",
            "/v1/mgmt/user/delete",
            Some(json!({"userId": "U2managed"})),
            json!({}),
            call(move |c| users(c).delete_by_user_id("U2managed")),
        ),
        (
            "DELETE",
            "/v1/mgmt/user/test/delete/all",
            None,
            json!({}),
            call(move |c| users(c).delete_all_test_users()),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/status",
            Some(json!({"loginId": "ada@example.com", "status": "enabled"})),
            user_body(),
            call(move |c| users(c).enable("ada@example.com")),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/status",
            Some(json!({"loginId": "ada@example.com", "status": "disabled"})),
            user_body(),
            call(move |c| users(c).disable("ada@example.com")),
        ),
        (
            "POST",
            "/v2/mgmt/user/update/role/add",
            Some(json!({"loginId": "ada@example.com", "roleNames": ["a", "b"]})),
            user_body(),
            call(move |c| users(c).add_roles("ada@example.com", ["a", "b"])),
        ),
        (
            "POST",
            "/v2/mgmt/user/update/role/add",
            Some(json!({"loginId": "ada@example.com", "tenantId": "T2acme", "roleNames": ["a"]})),
            user_body(),
            call(move |c| users(c).add_tenant_roles("ada@example.com", "T2acme", ["a"])),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/role/remove",
            Some(json!({"loginId": "ada@example.com", "roleNames": ["a"]})),
            user_body(),
            call(move |c| users(c).remove_roles("ada@example.com", ["a"])),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/role/remove",
            Some(json!({"loginId": "ada@example.com", "tenantId": "T2acme", "roleNames": ["a"]})),
            user_body(),
            call(move |c| users(c).remove_tenant_roles("ada@example.com", "T2acme", ["a"])),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/tenant/add",
            Some(json!({"loginId": "ada@example.com", "tenantId": "T2acme"})),
            user_body(),
            call(move |c| users(c).add_tenant("ada@example.com", "T2acme")),
        ),
        (
            "POST",
            "/v1/mgmt/user/update/tenant/remove",
            Some(json!({"loginId": "ada@example.com", "tenantId": "T2acme"})),
            user_body(),
            call(move |c| users(c).remove_tenant("ada@example.com", "T2acme")),
        ),
        (
            "POST",
            "/v1/mgmt/user/password/set/active",
            Some(json!({"loginId": "ada@example.com", "password": PASSWORD})),
            json!({}),
            call(move |c| users(c).set_active_password("ada@example.com", PASSWORD)),
        ),
        (
            "POST",
            "/v1/mgmt/user/password/set/temporary",
            Some(json!({"loginId": "ada@example.com", "password": PASSWORD})),
            json!({}),
            call(move |c| users(c).set_temporary_password("ada@example.com", PASSWORD)),
        ),
        (
            "POST",
            "/v1/mgmt/user/password/expire",
            Some(json!({"loginId": "ada@example.com"})),
            json!({}),
            call(move |c| users(c).expire_password("ada@example.com")),
        ),
        (
            "POST",
            "/v1/mgmt/user/logout",
            Some(json!({"loginId": "ada@example.com"})),
            json!({}),
            call(move |c| users(c).logout("ada@example.com")),
        ),
        (
            "POST",
            "/v1/mgmt/user/logout",
            Some(json!({"userId": "U2managed"})),
            json!({}),
            call(move |c| users(c).logout_by_user_id("U2managed")),
        ),
    ];
    let queries = ["loginId=ada%40example.com", "userId=U2managed"];
    let mut load = 0;
    for (verb, route, expected, answer, run) in cases {
        let (server, client) = managed().await;
        respond(&server, verb, route, answer).await;
        // Spawned: every future is 'static + Send.
        let future = run(&client);
        tokio::spawn(future)
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("{verb} {route}: {e:?}"));
        let mut request = only_request(&server).await;
        if route == "/v1/mgmt/user" {
            assert_eq!(request.url.query(), Some(queries[load]));
            load += 1;
            request.url.set_query(None);
        }
        let body = check_request(&request, verb, route, &management_auth());
        assert_eq!(body, expected, "{verb} {route}");
    }
    assert_eq!(load, 2);
}

#[tokio::test]
async fn no_management_key_is_a_config_error_before_any_request() {
    let (server, client) = mock().await;
    let users = client.management().users();
    let error = users.load("ada@example.com").await.unwrap_err();
    let Error::Config(message) = &error else {
        panic!("{error:?}")
    };
    assert!(message.contains("management key"), "{message}");
    assert!(message.contains("DESCOPE_MANAGEMENT_KEY"), "{message}");
    assert!(users.create("a@example.com").await.is_err());
    assert!(users.delete_all_test_users().await.is_err());
    assert!(users.set_active_password("a", PASSWORD).await.is_err());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let (server, client) = managed().await;
    let users = client.management().users();
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(users.load(" ").await.unwrap_err()), "login ID");
    assert_eq!(
        field(users.load_by_user_id("").await.unwrap_err()),
        "user ID"
    );
    assert_eq!(field(users.create("").await.unwrap_err()), "login ID");
    assert_eq!(
        field(
            users
                .add_roles("a", Vec::<String>::new())
                .await
                .unwrap_err()
        ),
        "roles"
    );
    assert_eq!(
        field(users.add_tenant_roles("a", " ", ["r"]).await.unwrap_err()),
        "tenant ID"
    );
    assert_eq!(
        field(users.set_temporary_password("a", "").await.unwrap_err()),
        "password"
    );
    assert_eq!(
        field(
            client
                .sessions()
                .select_tenant("", &RefreshJwt::from(refresh_jwt()))
                .await
                .unwrap_err()
        ),
        "tenant ID"
    );
    assert_eq!(
        field(client.access_keys().exchange("").await.unwrap_err()),
        "access key"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_user_answer_without_a_user_is_a_decode_error() {
    let (server, client) = managed().await;
    respond(&server, "POST", "/v1/mgmt/user/update/status", json!({})).await;
    let error = client
        .management()
        .users()
        .enable("ada@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Decode {
                operation: descope::Operation::UpdateUserStatus,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn select_tenant_sends_the_refresh_jwt_and_validates_the_answer() {
    let (server, client) = managed().await;
    respond(&server, "POST", "/v1/auth/tenant/select", jwt_response()).await;
    let refresh = RefreshJwt::from(refresh_jwt());
    let selected = client
        .sessions()
        .select_tenant("T2acme", &refresh)
        .await
        .unwrap();
    assert_eq!(selected.session.user_id(), "U2fixture");
    assert_eq!(selected.refresh_jwt.secret(), refresh_jwt());
    let request = only_request(&server).await;
    // Auth calls carry the auth management key, never the management key.
    let auth = format!("{}:K2auth-side-key", refresh_auth());
    let body = check_request(&request, "POST", "/v1/auth/tenant/select", &auth);
    assert_eq!(body, Some(json!({"tenant": "T2acme"})));
}

#[tokio::test]
async fn history_reads_the_bare_array() {
    let (server, client) = mock().await;
    respond(
        &server,
        "GET",
        "/v1/auth/me/history",
        json!([
            {"userId": "U2fixture", "loginTime": 1700000000, "city": "Paris", "country": "FR", "ip": "192.0.2.1"},
            {"userId": "U2fixture", "loginTime": 1700000100, "city": "", "selectedTenant": "T1"},
            {"city": "no user, skipped"}
        ]),
    )
    .await;
    let history = client
        .sessions()
        .history(&RefreshJwt::from(refresh_jwt()))
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].city.as_deref(), Some("Paris"));
    assert_eq!(
        history[0].login_time,
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000)
    );
    assert_eq!(history[0].ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(history[1].city, None);
    assert_eq!(history[1].selected_tenant.as_deref(), Some("T1"));
    let body = check_request(
        &only_request(&server).await,
        "GET",
        "/v1/auth/me/history",
        &refresh_auth(),
    );
    assert_eq!(body, None);
}

#[tokio::test]
async fn access_key_exchange_sends_the_key_and_validates_the_session() {
    let (server, client) = mock().await;
    respond(
        &server,
        "POST",
        "/v1/auth/accesskey/exchange",
        json!({"keyId": "ignored", "sessionJwt": session_jwt(), "expiration": 1900000000}),
    )
    .await;
    let access = client
        .access_keys()
        .exchange("A2machine-key")
        .custom_claim("scope", "reports")
        .selected_tenant("T1")
        .await
        .unwrap();
    assert_eq!(access.key_id, "U2fixture", "the key ID is the JWT's sub");
    assert_eq!(
        access.expiration,
        Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1900000000))
    );
    assert!(!format!("{access:?}").contains(session_jwt()));
    let body = check_request(
        &only_request(&server).await,
        "POST",
        "/v1/auth/accesskey/exchange",
        &format!("Bearer {PROJECT_ID}:A2machine-key"),
    );
    assert_eq!(
        body,
        Some(
            json!({"loginOptions": {"customClaims": {"scope": "reports"}, "selectedTenant": "T1"}})
        )
    );
    // A refresh JWT where a session JWT should be is refused by local validation.
    let (server, client) = mock().await;
    respond(
        &server,
        "POST",
        "/v1/auth/accesskey/exchange",
        json!({"sessionJwt": refresh_jwt()}),
    )
    .await;
    let error = client.access_keys().exchange("A2k").await.unwrap_err();
    assert!(error.session().is_some(), "{error:?}");
}

#[test]
fn secrets_stay_out_of_debug() {
    let key = descope::AccessKey::from("A2very-secret-access-key");
    assert_eq!(format!("{key:?}"), "AccessKey([redacted])");
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .management_key(MANAGEMENT_KEY)
        .build()
        .unwrap();
    let users = client.management().users();
    let debug = format!("{users:?} {:?}", client.management());
    assert!(!debug.contains(MANAGEMENT_KEY), "{debug}");
    let body: descope::wire::SetUserPasswordRequest =
        serde_json::from_value(json!({"loginId": "a", "password": PASSWORD})).unwrap();
    assert!(!format!("{body:?}").contains(PASSWORD));
}
