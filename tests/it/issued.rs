//! Sessions a backend issues, through the façade against the emulator: custom claims on a
//! session, sign-in without a credential, anonymous sessions, impersonation (also in a web
//! handler), embedded links and test users, with every refusal `wire-issued.md` names.

use std::time::Duration;

use descope::{Client, Error, SessionJwt};
use descope_emulator::{Emulator, HashCost};
use serde::Serialize;
use serde_json::json;

const MANAGEMENT_KEY: &str = "Kissued-management-key";

async fn emulator() -> (Emulator, Client) {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key(MANAGEMENT_KEY)
        .rotate_refresh_tokens(true)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

fn refused(error: &Error) -> bool {
    error.status().is_some_and(|s| (400..500).contains(&s))
}

/// A support agent who may impersonate, and a customer; the agent's user ID.
async fn agent_and_customer(client: &Client) -> String {
    let management = client.management();
    // `Impersonate` is built in: the role names it without creating it first.
    (management.roles())
        .create("support")
        .permission("Impersonate")
        .await
        .unwrap();
    let users = management.users();
    let agent = users
        .create("agent@example.com")
        .role("support")
        .await
        .unwrap();
    users
        .create("customer@example.com")
        .email("customer@example.com")
        .await
        .unwrap();
    agent.user_id
}

#[tokio::test]
async fn custom_claims_of_any_type_on_a_session_and_reserved_names_refused_first() {
    let (_emulator, client) = emulator().await;
    client
        .management()
        .users()
        .create("ada@example.com")
        .await
        .unwrap();
    let auth = client
        .management()
        .jwt()
        .sign_in("ada@example.com")
        .await
        .unwrap();

    #[derive(Serialize)]
    struct Team {
        name: &'static str,
        size: u8,
    }
    let updated = (client.management().jwt())
        .update(&auth.session_jwt)
        .claim("plan", "pro")
        .claim("seats", 25)
        .claim("beta", true)
        .claim(
            "team",
            Team {
                name: "blue",
                size: 3,
            },
        )
        .await
        .unwrap();
    let session = &updated.session;
    assert_eq!(session.user_id(), auth.user.user_id);
    assert_eq!(session.claim("plan"), Some(&json!("pro")));
    assert_eq!(session.claim("seats"), Some(&json!(25)));
    assert_eq!(
        session.claim("team"),
        Some(&json!({"name": "blue", "size": 3}))
    );

    // Roles given after sign-in are in the updated JWT.
    client.management().roles().create("editor").await.unwrap();
    (client.management().users())
        .set_roles("ada@example.com", ["editor"])
        .await
        .unwrap();
    let updated = client
        .management()
        .jwt()
        .update(&auth.session_jwt)
        .await
        .unwrap();
    assert!(updated.session.has_role("editor"));

    // A reserved name is refused before any request, naming it.
    for reserved in ["roles", "sub", "act", "tenants", "exp"] {
        let error = (client.management().jwt())
            .update(&auth.session_jwt)
            .claim("plan", "pro")
            .claim(reserved, "x")
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidClaim { name, .. } if name == reserved),
            "{error:?}"
        );
        assert!(error.to_string().contains(reserved));
    }

    // Garbage, tampered and foreign JWTs are refused by the service.
    let garbage = SessionJwt::new("not.a.jwt");
    let error = client
        .management()
        .jwt()
        .update(&garbage)
        .await
        .unwrap_err();
    assert!(refused(&error), "{error:?}");
    let token = auth.session_jwt.secret();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].chars().rev().collect();
    let tampered = SessionJwt::new(parts.join("."));
    let error = client
        .management()
        .jwt()
        .update(&tampered)
        .await
        .unwrap_err();
    assert!(refused(&error), "{error:?}");
    let (_other, other_client) = emulator().await;
    other_client
        .management()
        .users()
        .create("eve@example.com")
        .await
        .unwrap();
    let foreign = other_client
        .management()
        .jwt()
        .sign_in("eve@example.com")
        .await
        .unwrap();
    let error = (client.management().jwt())
        .update(&foreign.session_jwt)
        .await
        .unwrap_err();
    assert!(refused(&error), "{error:?}");
}

#[tokio::test]
async fn backend_sign_in_sign_up_and_anonymous_sessions_refresh_and_read_back() {
    let (_emulator, client) = emulator().await;
    let jwt = client.management().jwt();
    let users = client.management().users();
    users.create("ada@example.com").await.unwrap();

    let auth = jwt
        .sign_in("ada@example.com")
        .claim("via", "partner")
        .await
        .unwrap();
    assert!(!auth.first_seen);
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    assert_eq!(session.claim("via"), Some(&json!("partner")));
    // The custom claims stay across refreshes.
    let refreshed = client.sessions().refresh(&auth.refresh_jwt).await.unwrap();
    assert_eq!(refreshed.session.claim("via"), Some(&json!("partner")));
    let me = client.sessions().me(&refreshed.refresh_jwt).await.unwrap();
    assert_eq!(me.user_id, auth.user.user_id);

    // Unknown and disabled users are refused; sign-up refuses a login ID that exists.
    assert!(refused(
        &jwt.sign_in("nobody@example.com").await.unwrap_err()
    ));
    users.create("off@example.com").await.unwrap();
    users.disable("off@example.com").await.unwrap();
    assert!(refused(&jwt.sign_in("off@example.com").await.unwrap_err()));
    assert!(refused(&jwt.sign_up("ada@example.com").await.unwrap_err()));

    let new = (jwt.sign_up("grace@example.com"))
        .name("Grace")
        .email("grace@example.com")
        .email_verified(true)
        .claim("plan", "trial")
        .await
        .unwrap();
    assert!(new.first_seen);
    assert_eq!(new.user.name.as_deref(), Some("Grace"));
    assert!(new.user.verified_email);
    let again = jwt.sign_up_or_in("grace@example.com").await.unwrap();
    assert_eq!(again.user.user_id, new.user.user_id);
    assert!(!again.first_seen);
    let third = jwt.sign_up_or_in("linus@example.com").await.unwrap();
    assert!(third.first_seen);

    // Step-up needs the user's own refresh JWT.
    let stepped = jwt
        .sign_in("ada@example.com")
        .stepup(&refreshed.refresh_jwt)
        .await;
    assert!(stepped.is_ok(), "{stepped:?}");
    let error = (jwt.sign_in("grace@example.com"))
        .stepup(&refreshed.refresh_jwt)
        .await
        .unwrap_err();
    assert!(refused(&error), "{error:?}");

    // Anonymous: no user, custom claims, refreshable.
    let guest = jwt.anonymous().claim("cart", "c-1").await.unwrap();
    assert_eq!(guest.session.claim("cart"), Some(&json!("c-1")));
    assert!(client
        .management()
        .users()
        .load(guest.session.user_id())
        .await
        .is_err());
    let refreshed = client.sessions().refresh(&guest.refresh_jwt).await.unwrap();
    assert_eq!(refreshed.session.user_id(), guest.session.user_id());
    assert_eq!(refreshed.session.claim("cart"), Some(&json!("c-1")));
}

#[tokio::test]
async fn impersonation_acts_as_the_customer_across_refresh_and_stops() {
    let (_emulator, client) = emulator().await;
    let agent_id = agent_and_customer(&client).await;
    let jwt = client.management().jwt();
    let customer = client
        .management()
        .users()
        .load("customer@example.com")
        .await
        .unwrap();

    // The agent's own sessions carry the permission.
    let agent = jwt.sign_in("agent@example.com").await.unwrap();
    let agent_session = client
        .sessions()
        .validate(&agent.session_jwt)
        .await
        .unwrap();
    assert!(agent_session.has_permission("Impersonate"));
    assert!(!agent_session.is_impersonated());

    let acting = (jwt.impersonate("agent@example.com", "customer@example.com"))
        .claim("ticket", "T-42")
        .await
        .unwrap();
    assert_eq!(acting.session.user_id(), customer.user_id);
    assert_eq!(acting.session.acting_user_id(), Some(agent_id.as_str()));
    assert_eq!(acting.session.claim("ticket"), Some(&json!("T-42")));
    let refreshed = client
        .sessions()
        .refresh(&acting.refresh_jwt)
        .await
        .unwrap();
    assert_eq!(refreshed.session.acting_user_id(), Some(agent_id.as_str()));
    assert_eq!(refreshed.session.user_id(), customer.user_id);

    // Stop: the agent's own session, without an acting user; the impersonation is over.
    let own = jwt
        .stop_impersonation(&refreshed.refresh_jwt)
        .await
        .unwrap();
    assert_eq!(own.session.user_id(), agent_id);
    assert!(!own.session.is_impersonated());
    assert!(client
        .sessions()
        .refresh(&refreshed.refresh_jwt)
        .await
        .is_err());
    // A session without `act` cannot be stopped.
    assert!(refused(
        &jwt.stop_impersonation(&own.refresh_jwt).await.unwrap_err()
    ));

    // Without the permission, and against consent, it is refused.
    let error = jwt
        .impersonate("customer@example.com", "agent@example.com")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403), "{error:?}");
    let error = (jwt.impersonate(agent_id.as_str(), "customer@example.com"))
        .validate_consent(true)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403), "{error:?}");
    let user = (client.management().users())
        .set_impersonation_consent("customer@example.com", Duration::from_secs(3600))
        .await
        .unwrap();
    assert!(user.consent_expiration.is_some());
    let consented = (jwt.impersonate(agent_id.as_str(), "customer@example.com"))
        .validate_consent(true)
        .await
        .unwrap();
    assert!(consented.session.is_impersonated());
    assert!(jwt.impersonate(" ", "customer@example.com").await.is_err());
}

#[tokio::test]
async fn embedded_links_are_single_use_and_carry_their_claims() {
    let (_emulator, client) = emulator().await;
    let users = client.management().users();
    users.create("ada@example.com").await.unwrap();
    let token = users
        .embedded_link("ada@example.com")
        .claim("via", "app")
        .await
        .unwrap();
    assert!(!format!("{token:?}").contains(token.secret()));
    let auth = client.magic_link().verify(token.clone()).await.unwrap();
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    assert_eq!(session.claim("via"), Some(&json!("app")));
    assert!(
        !auth.user.verified_email,
        "nothing was sent: no address is proven"
    );
    assert!(refused(
        &client.magic_link().verify(token).await.unwrap_err()
    ));
    assert!(refused(
        &users.embedded_link("nobody@example.com").await.unwrap_err()
    ));

    // The sign-up link creates the user when it is verified.
    let token = (users.sign_up_embedded_link("new@example.com"))
        .name("New")
        .email("new@example.com")
        .email_verified(true)
        .claim("source", "invite")
        .await
        .unwrap();
    assert!(users.load("new@example.com").await.is_err());
    let auth = client.magic_link().verify(token).await.unwrap();
    assert!(auth.first_seen);
    assert!(auth.user.verified_email);
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    assert_eq!(session.claim("source"), Some(&json!("invite")));
}

#[tokio::test]
async fn test_user_codes_and_links_work_once_and_delete_all_removes_only_test_users() {
    let (emulator, client) = emulator().await;
    let users = client.management().users();
    users
        .create_test_user("qa@example.com")
        .email("qa@example.com")
        .await
        .unwrap();
    users
        .create("real@example.com")
        .email("real@example.com")
        .await
        .unwrap();

    let generated = users
        .test_otp("qa@example.com")
        .claim("qa", "otp")
        .await
        .unwrap();
    assert_eq!(generated.login_id, "qa@example.com");
    let auth = (client.otp())
        .verify("qa@example.com", generated.code.clone())
        .await
        .unwrap();
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    assert_eq!(session.claim("qa"), Some(&json!("otp")));
    assert!(refused(
        &client
            .otp()
            .verify("qa@example.com", generated.code)
            .await
            .unwrap_err()
    ));
    assert!(emulator.outbox().is_empty(), "nothing is sent");

    let link = users
        .test_magic_link("qa@example.com", "https://app.example.com/landing")
        .await
        .unwrap();
    assert!(link
        .link
        .secret()
        .starts_with("https://app.example.com/landing?t="));
    let token = link.token().unwrap();
    client.magic_link().verify(token.clone()).await.unwrap();
    assert!(refused(
        &client.magic_link().verify(token).await.unwrap_err()
    ));

    let link = (users.test_enchanted_link("qa@example.com", "https://app.example.com/landing"))
        .await
        .unwrap();
    client
        .enchanted_link()
        .verify(link.token().unwrap())
        .await
        .unwrap();
    let pending = client
        .enchanted_link()
        .pending_session(link.pending_ref.clone().unwrap())
        .await
        .unwrap();
    assert_eq!(pending.user.user_id, auth.user.user_id);

    // Real users get none of this.
    for error in [
        users.test_otp("real@example.com").await.unwrap_err(),
        users
            .test_magic_link("real@example.com", "https://app/l")
            .await
            .unwrap_err(),
    ] {
        assert!(refused(&error), "{error:?}");
    }
    let error = users
        .test_magic_link("qa@example.com", "javascript:x")
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidInput {
            field: "redirect URL",
            ..
        }
    ));

    // Delete-all: only the test users go, and their sessions end with them.
    let real = client
        .management()
        .jwt()
        .sign_in("real@example.com")
        .await
        .unwrap();
    users.delete_all_test_users().await.unwrap();
    assert!(users.load("qa@example.com").await.is_err());
    assert!(client.sessions().refresh(&auth.refresh_jwt).await.is_err());
    client.sessions().refresh(&real.refresh_jwt).await.unwrap();
}

#[tokio::test]
async fn every_route_is_behind_the_management_key() {
    let (emulator, _client) = emulator().await;
    let http = reqwest::Client::new();
    for path in [
        "/v1/mgmt/jwt/update",
        "/v1/mgmt/auth/signin",
        "/v1/mgmt/auth/signup",
        "/v1/mgmt/auth/signup-in",
        "/v1/mgmt/auth/anonymous",
        "/v1/mgmt/impersonate",
        "/v1/mgmt/stop/impersonation",
        "/v1/mgmt/user/signin/embeddedlink",
        "/v1/mgmt/user/signup/embeddedlink",
        "/v1/mgmt/tests/generate/otp",
        "/v1/mgmt/tests/generate/magiclink",
        "/v1/mgmt/tests/generate/enchantedlink",
        "/v1/mgmt/user/update/impersonationConsent",
    ] {
        for authorization in [
            format!("Bearer {}", emulator.project_id()),
            format!("Bearer {}:wrong-key", emulator.project_id()),
        ] {
            let response = http
                .post(format!("{}{path}", emulator.base_url()))
                .header("authorization", authorization)
                .json(&json!({"loginId": "ada@example.com"}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401, "{path}");
        }
    }
    // And the façade says so before any request when no key is configured.
    let keyless = Client::builder()
        .project_id(emulator.project_id())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let error = keyless.management().jwt().anonymous().await.unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}

/// Impersonation seen by a web handler: the acting user is visible, and a guard refuses what
/// only the user may do.
#[cfg(feature = "axum")]
#[tokio::test]
async fn a_web_handler_sees_who_acts_and_the_guard_refuses_while_impersonating() {
    use axum::routing::get;
    use descope::axum::Authenticated;
    use descope::tower::{RequireSession, SessionLayer};

    let (_emulator, client) = emulator().await;
    agent_and_customer(&client).await;
    async fn whoami(Authenticated(session): Authenticated) -> String {
        match session.acting_user_id() {
            Some(agent) => format!("{} (acting: {agent})", session.user_id()),
            None => session.user_id().to_owned(),
        }
    }
    let app = axum::Router::new()
        .route(
            "/settings",
            get(whoami).route_layer(RequireSession::not_impersonated()),
        )
        .route("/whoami", get(whoami))
        .layer(SessionLayer::new(client.clone()))
        .with_state(client.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let jwt = client.management().jwt();
    let acting = jwt
        .impersonate("agent@example.com", "customer@example.com")
        .await
        .unwrap();
    let own = jwt.sign_in("customer@example.com").await.unwrap();
    let agent_id = acting.session.acting_user_id().unwrap().to_owned();
    let http = reqwest::Client::new();
    let get = |path: &'static str, token: SessionJwt| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let response = http
                .get(format!("{base}{path}"))
                .bearer_auth(token.secret())
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, body) = get("/whoami", acting.session_jwt.clone()).await;
    assert_eq!(status, 200);
    assert!(body.ends_with(&format!("(acting: {agent_id})")), "{body}");
    assert_eq!(get("/settings", acting.session_jwt.clone()).await.0, 403);
    let (status, body) = get("/settings", own.session_jwt.clone()).await;
    assert_eq!((status, body), (200, own.user.user_id.clone()));
}
