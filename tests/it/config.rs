//! Configuration, environment, the region rule and input refused before any request.

use descope::{Client, Error, RefreshJwt};
use wiremock::MockServer;

use crate::common::*;

#[test]
fn base_url_defaults_and_region_rule() {
    assert_eq!(
        Client::new("P2short").unwrap().base_url(),
        "https://api.descope.com"
    );
    let long = "P2abCDEFGHIJKLMNOPQRSTUVWXYZ0123"; // 32 characters
    assert_eq!(long.len(), 32);
    assert_eq!(
        Client::new(long).unwrap().base_url(),
        "https://api.2abC.descope.com"
    );
    let shorter = &long[..31];
    assert_eq!(
        Client::new(shorter).unwrap().base_url(),
        "https://api.descope.com"
    );
    let explicit = Client::builder()
        .project_id(long)
        .base_url("http://127.0.0.1:9/")
        .build()
        .unwrap();
    assert_eq!(explicit.base_url(), "http://127.0.0.1:9");
}

/// A variable lookup over fixed pairs: configuration tests never touch the process environment.
fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

#[test]
fn configuration_reads_project_and_both_base_url_names() {
    let missing = Client::builder()
        .from_lookup(vars(&[]))
        .build()
        .unwrap_err();
    assert!(
        matches!(&missing, Error::Config(m) if m.contains("DESCOPE_PROJECT_ID")),
        "{missing}"
    );
    let empty = Client::builder()
        .from_lookup(vars(&[("DESCOPE_PROJECT_ID", "  ")]))
        .build()
        .unwrap_err();
    assert!(matches!(&empty, Error::Config(_)), "empty counts as unset");

    let project = ("DESCOPE_PROJECT_ID", "P2env");
    let build = |pairs: &[(&str, &str)]| Client::builder().from_lookup(vars(pairs)).build();
    assert_eq!(
        build(&[project]).unwrap().base_url(),
        "https://api.descope.com"
    );
    let uri = ("DESCOPE_BASE_URI", "http://127.0.0.1:1111");
    assert_eq!(
        build(&[project, uri]).unwrap().base_url(),
        "http://127.0.0.1:1111"
    );
    let url = ("DESCOPE_BASE_URL", "http://127.0.0.1:2222/");
    let client = build(&[project, uri, url]).unwrap();
    assert_eq!(
        (client.project_id(), client.base_url()),
        ("P2env", "http://127.0.0.1:2222")
    );
    // Explicit settings win over the environment.
    let explicit = Client::builder()
        .base_url("http://127.0.0.1:3333")
        .from_lookup(vars(&[project, url]))
        .build()
        .unwrap();
    assert_eq!(explicit.base_url(), "http://127.0.0.1:3333");
    // Both keys are read, and neither is printed.
    let keyed = build(&[
        project,
        ("DESCOPE_MANAGEMENT_KEY", MANAGEMENT_KEY),
        ("DESCOPE_AUTH_MANAGEMENT_KEY", "K2-auth-fixture-secret"),
    ])
    .unwrap();
    let debug = format!("{keyed:?}");
    assert!(debug.contains("management_key: true") && debug.contains("auth_management_key: true"));
    assert!(!debug.contains("fixture-secret"), "{debug}");
}

#[tokio::test]
async fn the_public_key_variable_replaces_the_key_fetch() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .from_lookup(vars(&[
            ("DESCOPE_PROJECT_ID", PROJECT_ID),
            ("DESCOPE_PUBLIC_KEY", &crate::tokens::jwks()),
        ]))
        .build()
        .unwrap();
    let session = client.sessions().validate(&session_jwt()).await.unwrap();
    assert!(!session.user_id().is_empty());
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no key fetch"
    );
}

#[test]
fn bad_configuration_is_refused() {
    for (builder, needle) in [
        (Client::builder(), "no project ID"),
        (Client::builder().project_id("   "), "project ID is empty"),
        (
            Client::builder().project_id("P2\r\nX-Evil: 1"),
            "project ID contains",
        ),
        (
            Client::builder().project_id("P2a").base_url("not a url"),
            "base URL does not parse",
        ),
        (
            Client::builder()
                .project_id("P2a")
                .base_url("ftp://127.0.0.1"),
            "http or https",
        ),
        (
            Client::builder()
                .project_id("P2a")
                .base_url("http://127.0.0.1/?q=1"),
            "query",
        ),
        (
            Client::builder()
                .project_id("P2a")
                .timeout(std::time::Duration::ZERO),
            "timeout",
        ),
        (
            Client::builder()
                .project_id("P2a")
                .management_key("bad\nkey"),
            "management key contains",
        ),
        (
            Client::builder().project_id("P2a").management_key("  "),
            "management key is empty",
        ),
        (
            Client::builder()
                .project_id("P2a")
                .auth_management_key("cl\u{e9}-secr\u{e8}te"),
            "auth management key contains",
        ),
        (
            Client::builder()
                .project_id("P2a")
                .management_key("K2 with space"),
            "management key contains",
        ),
    ] {
        let error = builder.build().unwrap_err();
        assert!(
            error.to_string().contains(needle),
            "{error} should mention {needle}"
        );
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .build()
        .unwrap();
    let password = client.password();
    let sessions = client.sessions();
    let refresh = RefreshJwt::from(refresh_jwt());
    let cases: Vec<(&str, Error)> = vec![
        (
            "login ID is empty",
            password.sign_in("", PASSWORD).await.unwrap_err(),
        ),
        (
            "login ID is empty",
            password.sign_in(" \t", PASSWORD).await.unwrap_err(),
        ),
        (
            "password is empty",
            password.sign_in("ada", "").await.unwrap_err(),
        ),
        (
            "password is empty",
            password.sign_in("ada", "   ").await.unwrap_err(),
        ),
        (
            "password is empty",
            password.sign_up("ada", " ").await.unwrap_err(),
        ),
        (
            "login ID is empty",
            password.sign_up("", PASSWORD).await.unwrap_err(),
        ),
        (
            "old password is empty",
            password.replace("ada", "", NEW_PASSWORD).await.unwrap_err(),
        ),
        (
            "new password is empty",
            password.replace("ada", PASSWORD, "").await.unwrap_err(),
        ),
        (
            "new password is empty",
            password.update("ada", "", &refresh).await.unwrap_err(),
        ),
        (
            "refresh JWT is empty",
            password
                .update("ada", NEW_PASSWORD, &"".into())
                .await
                .unwrap_err(),
        ),
        (
            "refresh JWT contains",
            password
                .update("ada", NEW_PASSWORD, &"abc\r\nX-Evil: 1".into())
                .await
                .unwrap_err(),
        ),
        (
            "login ID is empty",
            password.send_reset("").await.unwrap_err(),
        ),
        (
            "refresh JWT contains",
            sessions.refresh(&"a\nb".into()).await.unwrap_err(),
        ),
        (
            "refresh JWT is empty",
            sessions.logout(&"".into()).await.unwrap_err(),
        ),
        (
            "refresh JWT is empty",
            sessions.me(&" ".into()).await.unwrap_err(),
        ),
        (
            "refresh JWT contains",
            password
                .sign_in("ada", PASSWORD)
                .stepup(&"x\ny".into())
                .await
                .unwrap_err(),
        ),
    ];
    for (needle, error) in cases {
        assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
        assert!(
            error.to_string().contains(needle),
            "{error} should mention {needle}"
        );
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

/// Compile-time: what users keep in state or move across tasks is `Send + Sync`, and every
/// request future is `Send` (usable with `tokio::spawn` and in axum handlers).
#[test]
fn clients_results_errors_and_futures_are_thread_safe() {
    fn send_sync<T: Send + Sync + 'static>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<Client>();
    send_sync::<Error>();
    send_sync::<descope::SessionError>();
    send_sync::<descope::AuthInfo>();
    send_sync::<descope::Session>();
    send_sync::<descope::RequestSession>();
    send_sync::<descope::Refreshed>();
    send_sync::<descope::User>();
    send_sync::<descope::PasswordPolicy>();
    send_sync::<descope::PasswordClient>();
    send_sync::<descope::SessionClient>();
    let client = Client::new("P2threads").unwrap();
    let refresh = RefreshJwt::from("x");
    // Request futures own what they need: they can be spawned, and outlive the client handle.
    fn spawnable<F: std::future::Future + Send + 'static>(_: &F) {}
    let password = client.password();
    spawnable(&password.sign_up("a", "b").name("c").send());
    spawnable(&password.sign_in("a", "b").send());
    spawnable(&password.replace("a", "b", "c").send());
    spawnable(&password.update("a", "b", &refresh).send());
    spawnable(&password.send_reset("a").send());
    spawnable(&std::future::IntoFuture::into_future(
        password.sign_in("a", "b"),
    ));
    spawnable(&password.complete_reset_with_magic_link("t", "p").send());
    drop(password);
    // The email flows: every builder's future too.
    fn into<F: std::future::IntoFuture>(builder: F) -> F::IntoFuture {
        builder.into_future()
    }
    spawnable(&into(client.otp().sign_up("a@x.io").name("n")));
    spawnable(&into(client.otp().sign_in("a@x.io")));
    spawnable(&into(client.otp().sign_up_or_in("a@x.io")));
    spawnable(&into(client.otp().verify("a@x.io", "1")));
    spawnable(&into(client.otp().update_email("a", "a@x.io", &refresh)));
    spawnable(&into(client.magic_link().sign_up("a@x.io", "u")));
    spawnable(&into(client.magic_link().sign_in("a@x.io", "u")));
    spawnable(&into(client.magic_link().sign_up_or_in("a@x.io", "u")));
    spawnable(&into(client.magic_link().verify("t")));
    spawnable(&into(
        client.magic_link().update_email("a", "a@x.io", &refresh),
    ));
    spawnable(&into(client.enchanted_link().sign_up("a@x.io", "u")));
    spawnable(&into(client.enchanted_link().sign_in("a@x.io", "u")));
    spawnable(&into(client.enchanted_link().sign_up_or_in("a@x.io", "u")));
    spawnable(&into(client.enchanted_link().verify("t")));
    spawnable(&into(client.enchanted_link().pending_session("p")));
    spawnable(&into(client.enchanted_link().wait_for_session("p")));
    spawnable(&into(
        client
            .enchanted_link()
            .update_email("a", "a@x.io", &refresh),
    ));
    send(&std::future::IntoFuture::into_future(
        client.password().sign_in("a", "b"),
    ));
    send(&std::future::IntoFuture::into_future(
        client.password().update("a", "b", &refresh),
    ));
    spawnable(&into(client.password().policy()));
    // Every session and management operation: a named builder whose future is 'static.
    let sessions = client.sessions();
    spawnable(&into(sessions.validate("x")));
    spawnable(&into(sessions.validate_refresh(&refresh)));
    spawnable(&sessions.validate("x").send());
    spawnable(&into(sessions.validate_and_refresh("x", &refresh)));
    spawnable(&into(sessions.refresh(&refresh)));
    spawnable(&into(sessions.try_refresh(&refresh)));
    spawnable(&into(sessions.logout(&refresh)));
    spawnable(&into(sessions.logout_all(&refresh)));
    spawnable(&into(sessions.logout_and_clear(Some(&refresh))));
    spawnable(&into(sessions.me(&refresh)));
    spawnable(&into(sessions.select_tenant("T", &refresh)));
    spawnable(&into(sessions.history(&refresh)));
    spawnable(&into(sessions.keys()));
    spawnable(&sessions.refresh(&refresh).send());
    let users = client.management().users();
    spawnable(&into(users.create("a")));
    spawnable(&into(users.create_test_user("a")));
    spawnable(&into(users.load("a")));
    spawnable(&into(users.load_by_user_id("U")));
    spawnable(&into(users.delete("a")));
    spawnable(&into(users.delete_by_user_id("U")));
    spawnable(&into(users.delete_all_test_users()));
    spawnable(&into(users.enable("a")));
    spawnable(&into(users.disable("a")));
    spawnable(&into(users.set_active_password("a", "p")));
    spawnable(&into(users.set_temporary_password("a", "p")));
    spawnable(&into(users.expire_password("a")));
    spawnable(&into(users.logout("a")));
    spawnable(&into(users.logout_by_user_id("U")));
    spawnable(&into(users.add_roles("a", ["r"])));
    spawnable(&into(users.remove_roles("a", ["r"])));
    spawnable(&into(users.add_tenant_roles("a", "T", ["r"])));
    spawnable(&into(users.remove_tenant_roles("a", "T", ["r"])));
    spawnable(&into(users.add_tenant("a", "T")));
    spawnable(&into(users.remove_tenant("a", "T")));
    spawnable(&users.load("a").send());
    spawnable(&into(client.access_keys().exchange("k")));
}
