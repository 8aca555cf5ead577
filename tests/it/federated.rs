//! Social login and SSO through the façade against the emulator playing the identity
//! provider: starts, the IdP page (filled in by an HTTP client, as a browser would), exchanges,
//! and every refusal (replayed, cross-kind, expired and unknown codes, bad redirect URLs,
//! unknown providers and tenants, deleted settings, step-up without a session).

use std::time::Duration;

use descope::session::OffsetClock;
use descope::{Client, Error, Provider};
use descope_emulator::{Emulator, HashCost};
use reqwest::StatusCode;
use serde_json::json;
use url::Url;

const MANAGEMENT_KEY: &str = "Kfed-management-key";
const CALLBACK: &str = "http://127.0.0.1:9/oauth/callback?from=x";

async fn emulator_with(clock: OffsetClock) -> (Emulator, Client) {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key(MANAGEMENT_KEY)
        .clock(clock)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

async fn emulator() -> (Emulator, Client) {
    emulator_with(OffsetClock::new()).await
}

/// An HTTP client that does not follow redirects (the test reads each `Location`).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Fills in the IdP page at `page` with `email`: the status, and where it sends the browser.
async fn fill_in(page: &Url, email: &str, name: &str) -> (StatusCode, Option<Url>, String) {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", email)
        .append_pair("name", name)
        .finish();
    let response = browser()
        .post(page.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| Url::parse(l.to_str().unwrap()).unwrap());
    (status, location, response.text().await.unwrap())
}

/// The `code` a redirect carries.
fn code_of(location: &Url) -> String {
    location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code")
}

/// Signs in through the IdP page as `email`: the code.
async fn code_for(page: &Url, email: &str) -> String {
    let (status, location, _) = fill_in(page, email, "Ada Lovelace").await;
    assert_eq!(status, StatusCode::FOUND);
    code_of(&location.unwrap())
}

fn refused(error: &Error) -> bool {
    error.status().is_some_and(|s| (400..500).contains(&s))
}

#[tokio::test]
async fn oauth_start_page_and_exchange_sign_up_then_sign_in_by_email() {
    let (emulator, client) = emulator().await;
    let page = (client.oauth())
        .start(Provider::Github, CALLBACK)
        .login_hint("ada@example.com")
        .custom_claim("plan", "gold")
        .custom_claim("seats", 5)
        .await
        .unwrap();
    assert!(page.as_str().starts_with(emulator.base_url()), "{page}");

    // The page names the provider, pre-fills the hint, and has the fixed ids.
    let html = browser()
        .get(page.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "github",
        "id=\"idp-form\"",
        "id=\"idp-continue\"",
        "value=\"ada@example.com\"",
    ] {
        assert!(html.contains(needle), "{needle} in {html}");
    }

    // Posting it sends the browser to the callback, its own query kept, with a code.
    let (status, location, _) = fill_in(&page, "ada@example.com", "Ada Lovelace").await;
    assert_eq!(status, StatusCode::FOUND);
    let location = location.unwrap();
    assert_eq!(location.path(), "/oauth/callback");
    assert_eq!(location.query_pairs().next().unwrap().1, "x");
    let code = code_of(&location);

    let auth = client.oauth().exchange(code.clone()).await.unwrap();
    assert!(auth.first_seen);
    assert_eq!(auth.user.login_ids, ["ada@example.com"]);
    assert_eq!(auth.user.email.as_deref(), Some("ada@example.com"));
    assert_eq!(auth.user.name.as_deref(), Some("Ada Lovelace"));
    assert!(auth.user.verified_email);
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    assert_eq!(session.claim("plan"), Some(&json!("gold")));
    assert_eq!(session.claim("seats"), Some(&json!(5)));

    // The session refreshes and reads back.
    let refreshed = client.sessions().refresh(&auth.refresh_jwt).await.unwrap();
    assert_eq!(refreshed.session.user_id(), auth.user.user_id);
    let me = client.sessions().me(&auth.refresh_jwt).await.unwrap();
    assert_eq!(me.user_id, auth.user.user_id);

    // A code is single use: the replay is refused.
    let replay = client.oauth().exchange(code).await.unwrap_err();
    assert!(refused(&replay) && replay.is_wrong_code(), "{replay:?}");

    // Another provider with the same email is the same user, not a new one.
    let page = client.oauth().start("google", CALLBACK).await.unwrap();
    let again = client
        .oauth()
        .exchange(code_for(&page, "ADA@example.com").await)
        .await
        .unwrap();
    assert_eq!(again.user.user_id, auth.user.user_id);
    assert!(!again.first_seen);
}

#[tokio::test]
async fn codes_are_accepted_only_at_their_own_kind_and_expire() {
    let clock = OffsetClock::new();
    let (_emulator, client) = emulator_with(clock.clone()).await;
    let page = client
        .oauth()
        .start(Provider::Gitlab, CALLBACK)
        .await
        .unwrap();
    let code = code_for(&page, "grace@example.com").await;

    // An OAuth code at the SSO exchange is refused, and stays good at its own.
    let cross = client.sso().exchange(code.clone()).await.unwrap_err();
    assert!(refused(&cross), "{cross:?}");
    client.oauth().exchange(code).await.unwrap();

    // A bogus code, and one past --code-ttl (the emulator's clock moved, no sleeping).
    let bogus = client.oauth().exchange("not-a-code").await.unwrap_err();
    assert!(bogus.is_wrong_code(), "{bogus:?}");
    let page = client
        .oauth()
        .start(Provider::Gitlab, CALLBACK)
        .await
        .unwrap();
    let code = code_for(&page, "grace@example.com").await;
    clock.advance(Duration::from_secs(601));
    let expired = client.oauth().exchange(code).await.unwrap_err();
    assert!(expired.is_code_expired(), "{expired:?}");

    // So is a page past its lifetime: a 400 page with no code.
    let page = client
        .oauth()
        .start(Provider::Gitlab, CALLBACK)
        .await
        .unwrap();
    clock.advance(Duration::from_secs(601));
    let (status, location, html) = fill_in(&page, "grace@example.com", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(location.is_none() && !html.contains("code="), "{html}");
}

#[tokio::test]
async fn the_idp_page_refuses_an_empty_email_and_a_second_use() {
    let (_emulator, client) = emulator().await;
    let page = client
        .oauth()
        .start(Provider::Slack, CALLBACK)
        .await
        .unwrap();
    let (status, location, _) = fill_in(&page, " ", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(location.is_none());
    // Still usable after the empty email; then used.
    code_for(&page, "linus@example.com").await;
    let (status, location, _) = fill_in(&page, "linus@example.com", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(location.is_none());
    let unknown = page.join("/emulator/v1/idp/nope").unwrap();
    let response = browser().get(unknown).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sign_in_only_sign_up_only_and_link() {
    let (_emulator, client) = emulator().await;
    // Sign-in only: a user the project does not have is refused at the exchange.
    let page = client
        .oauth()
        .sign_in(Provider::Apple, CALLBACK)
        .await
        .unwrap();
    let code = code_for(&page, "new@example.com").await;
    assert!(refused(&client.oauth().exchange(code).await.unwrap_err()));

    let page = client
        .oauth()
        .sign_up(Provider::Apple, CALLBACK)
        .await
        .unwrap();
    let auth = client
        .oauth()
        .exchange(code_for(&page, "new@example.com").await)
        .await
        .unwrap();
    assert!(auth.first_seen);

    // Sign-up only: now refused, since the user exists; sign-in only works.
    let page = client
        .oauth()
        .sign_up(Provider::Apple, CALLBACK)
        .await
        .unwrap();
    let code = code_for(&page, "new@example.com").await;
    assert!(refused(&client.oauth().exchange(code).await.unwrap_err()));
    let page = client
        .oauth()
        .sign_in(Provider::Apple, CALLBACK)
        .await
        .unwrap();
    client
        .oauth()
        .exchange(code_for(&page, "new@example.com").await)
        .await
        .unwrap();

    // Link adds a provider to the signed-in user, whatever email the provider shows.
    let page = (client.oauth())
        .link(Provider::Discord, CALLBACK, &auth.refresh_jwt)
        .await
        .unwrap();
    let linked = client
        .oauth()
        .exchange(code_for(&page, "other@example.net").await)
        .await
        .unwrap();
    assert_eq!(linked.user.user_id, auth.user.user_id);
    let bogus = descope::RefreshJwt::new("not.a.jwt");
    let error = (client.oauth())
        .link(Provider::Discord, CALLBACK, &bogus)
        .await
        .unwrap_err();
    assert!(refused(&error), "{error:?}");
}

#[tokio::test]
async fn bad_input_is_refused_before_or_by_the_service() {
    let (_emulator, client) = emulator().await;
    for bad in [
        "/oauth/callback",
        "javascript:alert(1)",
        "ftp://example.com/cb",
        "",
    ] {
        let error = client
            .oauth()
            .start(Provider::Github, bad)
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidInput {
                    field: "redirect URL",
                    ..
                }
            ),
            "{bad}: {error:?}"
        );
        let error = client.sso().start("T1", bad).await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    }
    let error = client.oauth().exchange(" ").await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput { field: "code", .. }));
    let error = client.sso().start(" ", CALLBACK).await.unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidInput {
            field: "tenant",
            ..
        }
    ));
    // A provider the emulator does not know is the service's 400.
    let error = client.oauth().start("myspace", CALLBACK).await.unwrap_err();
    assert_eq!(error.status(), Some(400), "{error:?}");
    // Step-up needs the user's refresh JWT (the service refuses a bogus one).
    let bogus = descope::RefreshJwt::new("not.a.jwt");
    let error = (client.oauth())
        .start(Provider::Github, CALLBACK)
        .stepup(&bogus)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
}

#[tokio::test]
async fn sso_by_tenant_or_email_domain_carries_the_tenant_through_refresh_and_me() {
    let (_emulator, client) = emulator().await;
    let management = client.management();
    management
        .tenants()
        .create("Acme")
        .id("T-acme")
        .await
        .unwrap();
    management.roles().create("member").await.unwrap();
    (management.sso())
        .configure_saml("T-acme")
        .idp_url("https://idp.acme.example/sso")
        .entity_id("https://idp.acme.example/entity")
        .idp_cert("MIIC-test-certificate")
        .default_sso_role("member")
        .group_role(["admins"], "member")
        .redirect_url("http://127.0.0.1:9/sso/callback")
        .domain("acme.example")
        .await
        .unwrap();
    let settings = management.sso().load("T-acme").await.unwrap();
    assert_eq!(settings.tenant.domains, ["acme.example"]);
    assert_eq!(settings.tenant.auth_type.as_deref(), Some("saml"));
    let saml = settings.saml.unwrap();
    assert_eq!(saml.idp_sso_url, "https://idp.acme.example/sso");
    assert_eq!(saml.idp_entity_id, "https://idp.acme.example/entity");
    assert_eq!(
        saml.redirect_url.as_deref(),
        Some("http://127.0.0.1:9/sso/callback")
    );
    assert_eq!(
        saml.group_roles,
        [("member".to_owned(), vec!["admins".to_owned()])]
    );
    assert!(settings.oidc.is_none());

    // By email, whatever the case of the domain; the page names the tenant.
    let page = (client.sso())
        .start("bob@ACME.example", "http://127.0.0.1:9/sso/callback")
        .await
        .unwrap();
    let html = browser()
        .get(page.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Acme") && html.contains("value=\"bob@ACME.example\""),
        "{html}"
    );
    let auth = client
        .sso()
        .exchange(code_for(&page, "bob@acme.example").await)
        .await
        .unwrap();
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    let tenants: Vec<_> = session
        .tenants()
        .map(|(id, t)| (id.to_owned(), t.roles.clone()))
        .collect();
    assert_eq!(tenants, [("T-acme".to_owned(), vec!["member".to_owned()])]);
    let refreshed = client.sessions().refresh(&auth.refresh_jwt).await.unwrap();
    assert!(refreshed.session.tenants().any(|(id, _)| id == "T-acme"));
    let me = client.sessions().me(&auth.refresh_jwt).await.unwrap();
    assert_eq!(me.tenants[0].tenant_id, "T-acme");

    // By tenant ID too; an OAuth user with the same email is the same user.
    let page = client.sso().start("T-acme", CALLBACK).await.unwrap();
    let by_id = client
        .sso()
        .exchange(code_for(&page, "bob@acme.example").await)
        .await
        .unwrap();
    assert_eq!(by_id.user.user_id, auth.user.user_id);
    let page = client
        .oauth()
        .start(Provider::Microsoft, CALLBACK)
        .await
        .unwrap();
    let by_oauth = client
        .oauth()
        .exchange(code_for(&page, "bob@acme.example").await)
        .await
        .unwrap();
    assert_eq!(by_oauth.user.user_id, auth.user.user_id);

    // An SSO code is not an OAuth one.
    let page = client.sso().start("T-acme", CALLBACK).await.unwrap();
    let code = code_for(&page, "bob@acme.example").await;
    assert!(refused(
        &client.oauth().exchange(code.clone()).await.unwrap_err()
    ));
    client.sso().exchange(code).await.unwrap();

    // Unknown tenants and domains, a tenant without SSO, and deleted settings are refused.
    management
        .tenants()
        .create("Globex")
        .id("T-globex")
        .await
        .unwrap();
    for tenant in ["T-nope", "eve@nowhere.example", "T-globex"] {
        let error = client.sso().start(tenant, CALLBACK).await.unwrap_err();
        assert!(refused(&error), "{tenant}: {error:?}");
    }
    management.sso().delete("T-acme").await.unwrap();
    let error = client.sso().start("T-acme", CALLBACK).await.unwrap_err();
    assert!(refused(&error), "{error:?}");
    let settings = management.sso().load("T-acme").await.unwrap();
    assert!(settings.saml.is_none() && settings.tenant.domains.is_empty());
}

#[tokio::test]
async fn oidc_settings_are_configured_and_loaded_without_the_secret() {
    let (_emulator, client) = emulator().await;
    let management = client.management();
    management
        .tenants()
        .create("Initech")
        .id("T-ini")
        .await
        .unwrap();
    (management.sso())
        .configure_oidc("T-ini")
        .name("Initech IdP")
        .client_id("client-1")
        .client_secret("s3cret-value")
        .auth_url("https://idp.initech.example/authorize")
        .token_url("https://idp.initech.example/token")
        .scope(["openid", "email"])
        .domain("initech.example")
        .await
        .unwrap();
    let settings = management.sso().load("T-ini").await.unwrap();
    assert_eq!(settings.tenant.auth_type.as_deref(), Some("oidc"));
    let oidc = settings.oidc.clone().unwrap();
    assert_eq!(oidc.name, "Initech IdP");
    assert_eq!(oidc.client_id, "client-1");
    assert_eq!(oidc.auth_url, "https://idp.initech.example/authorize");
    assert_eq!(oidc.scope, ["openid", "email"]);
    assert!(!format!("{settings:?}").contains("s3cret"));

    // Checked before any request.
    let error = (management.sso())
        .configure_oidc("T-ini")
        .client_id("c")
        .auth_url("javascript:x")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                field: "auth URL",
                ..
            }
        ),
        "{error:?}"
    );
    let error = management.sso().configure_oidc("T-ini").await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                field: "client ID",
                ..
            }
        ),
        "{error:?}"
    );
    let error = (management.sso())
        .configure_saml("T-ini")
        .idp_url("https://idp")
        .entity_id("e")
        .idp_cert("c")
        .domain("https://acme.example")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                field: "domain",
                ..
            }
        ),
        "{error:?}"
    );
    // The service refuses an unknown tenant.
    let error = (management.sso())
        .configure_oidc("T-nope")
        .client_id("c")
        .await
        .unwrap_err();
    assert!(refused(&error), "{error:?}");
}

#[tokio::test]
async fn the_emulator_serves_the_sdk_paths_and_falls_back_to_the_tenant_redirect_url() {
    let (emulator, client) = emulator().await;
    let management = client.management();
    management
        .tenants()
        .create("Acme")
        .id("T-acme")
        .await
        .unwrap();
    (management.sso())
        .configure_saml("T-acme")
        .idp_url("https://idp.acme.example/sso")
        .entity_id("e")
        .idp_cert("c")
        .redirect_url("http://127.0.0.1:9/saml/callback")
        .await
        .unwrap();
    let http = browser();
    let auth = format!("Bearer {}", emulator.project_id());
    // The Node SDK's path, without a redirect URL: the tenant's is used.
    let started: serde_json::Value = http
        .post(format!(
            "{}/v1/auth/saml/authorize?tenant=T-acme",
            emulator.base_url()
        ))
        .header("authorization", &auth)
        .body("{}")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page = Url::parse(started["url"].as_str().unwrap()).unwrap();
    let (_, location, _) = fill_in(&page, "amy@acme.example", "").await;
    let location = location.unwrap();
    assert_eq!(location.path(), "/saml/callback");
    // ... and its exchange, whose answer carries the refresh JWT in the body.
    let answer: serde_json::Value = http
        .post(format!("{}/v1/auth/saml/exchange", emulator.base_url()))
        .header("authorization", &auth)
        .json(&json!({"code": code_of(&location)}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer["refreshJwt"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(answer["firstSeen"], json!(true));
    // A javascript: redirect URL is the service's 400.
    let response = http
        .post(format!(
            "{}/v1/auth/oauth/authorize?provider=github&redirectURL=javascript:alert(1)",
            emulator.base_url()
        ))
        .header("authorization", &auth)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
