//! The email flows on the wire: for every OTP, magic-link and enchanted-link operation, the
//! exact method, path, authorization and JSON body, as the official SDKs send them
//! (`shared/wire-lifecycle.md`), and typed results and errors from their answers.

use std::time::Duration;

use descope::{Error, RefreshJwt};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;
use crate::wire::{check_request, only_request, project_auth, refresh_auth, respond};

fn sent() -> Value {
    json!({"maskedEmail": "a***@x.io"})
}

fn enchanted() -> Value {
    json!({"pendingRef": "P-ref", "linkId": "42", "maskedEmail": "a***@x.io"})
}

/// One request to `route`, answered with `answer`: its JSON body, after the common checks.
async fn body_of<F, Fut>(route: &str, answer: Value, auth: &str, call: F) -> Value
where
    F: FnOnce(descope::Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (server, client) = mock().await;
    respond(&server, "POST", route, answer).await;
    call(client).await;
    check_request(&only_request(&server).await, "POST", route, auth).unwrap()
}

#[tokio::test]
async fn otp_sends_what_the_sdks_send() {
    let p = project_auth();
    let body = body_of("/v1/auth/otp/signup/email", sent(), &p, |c| async move {
        let sent = c.otp().sign_up("a@x.io").await.unwrap();
        assert_eq!(sent.masked_email.as_deref(), Some("a***@x.io"));
    })
    .await;
    assert_eq!(
        body,
        json!({"loginId": "a@x.io", "user": {"email": "a@x.io"}, "email": "a@x.io"})
    );
    let body = body_of("/v1/auth/otp/signup/email", sent(), &p, |c| async move {
        c.otp()
            .sign_up("ann")
            .email("ann@x.io")
            .name("Ann")
            .custom_claim("plan", "pro")
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        body,
        json!({"loginId": "ann", "email": "ann@x.io", "user": {"email": "ann@x.io", "name": "Ann"},
               "loginOptions": {"customClaims": {"plan": "pro"}}})
    );
    for (route, or_up) in [
        ("/v1/auth/otp/signin/email", false),
        ("/v1/auth/otp/signup-in/email", true),
    ] {
        let body = body_of(route, sent(), &p, |c| async move {
            let request = if or_up {
                c.otp().sign_up_or_in("a@x.io")
            } else {
                c.otp().sign_in("a@x.io")
            };
            request.await.unwrap();
        })
        .await;
        assert_eq!(
            body,
            json!({"loginId": "a@x.io", "loginOptions": {}}),
            "{route}"
        );
    }
    let body = body_of(
        "/v1/auth/otp/verify/email",
        jwt_response(),
        &p,
        |c| async move {
            let auth = c.otp().verify("a@x.io", "123456").await.unwrap();
            assert_eq!(auth.session_jwt.secret(), session_jwt());
            assert!(!auth.first_seen);
        },
    )
    .await;
    assert_eq!(body, json!({"loginId": "a@x.io", "code": "123456"}));
}

#[tokio::test]
async fn update_email_sends_the_refresh_jwt_and_only_the_options_set() {
    let r = refresh_auth();
    let refresh = RefreshJwt::from(refresh_jwt());
    let (rt, rt2) = (refresh.clone(), refresh.clone());
    let body = body_of("/v1/auth/otp/update/email", sent(), &r, |c| async move {
        c.otp().update_email("ada", "new@x.io", &rt).await.unwrap();
    })
    .await;
    assert_eq!(body, json!({"loginId": "ada", "email": "new@x.io"}));
    let body = body_of("/v1/auth/otp/update/email", sent(), &r, |c| async move {
        c.otp()
            .update_email("ada", "new@x.io", &rt2)
            .add_to_login_ids(true)
            .on_merge_use_existing(false)
            .template_id("t1")
            .mfa(true)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        body,
        json!({"loginId": "ada", "email": "new@x.io", "addToLoginIDs": true,
               "onMergeUseExisting": false, "templateId": "t1", "mfa": true})
    );
    let rt = refresh.clone();
    let body = body_of(
        "/v1/auth/magiclink/update/email",
        sent(),
        &r,
        |c| async move {
            c.magic_link()
                .update_email("ada", "new@x.io", &rt)
                .redirect_url("https://app/landing")
                .add_to_login_ids(true)
                .await
                .unwrap();
        },
    )
    .await;
    assert_eq!(
        body,
        json!({"loginId": "ada", "email": "new@x.io", "URI": "https://app/landing",
               "addToLoginIDs": true})
    );
    let rt = refresh.clone();
    let body = body_of(
        "/v1/auth/enchantedlink/update/email",
        enchanted(),
        &r,
        |c| async move {
            let sent = c
                .enchanted_link()
                .update_email("ada", "new@x.io", &rt)
                .await
                .unwrap();
            assert_eq!(sent.link_id, "42");
            assert_eq!(sent.pending_ref.secret(), "P-ref");
        },
    )
    .await;
    assert_eq!(body, json!({"loginId": "ada", "email": "new@x.io"}));
}

#[tokio::test]
async fn links_send_uri_and_verify_the_token() {
    let p = project_auth();
    for (kind, prefix) in [
        ("magic", "/v1/auth/magiclink"),
        ("enchanted", "/v1/auth/enchantedlink"),
    ] {
        let answer = if kind == "magic" { sent() } else { enchanted() };
        let body = body_of(
            &format!("{prefix}/signup/email"),
            answer.clone(),
            &p,
            |c| async move {
                if kind == "magic" {
                    c.magic_link()
                        .sign_up("a@x.io", "https://app/landing")
                        .name("Ann")
                        .await
                        .unwrap();
                } else {
                    c.enchanted_link()
                        .sign_up("a@x.io", "https://app/landing")
                        .name("Ann")
                        .await
                        .unwrap();
                }
            },
        )
        .await;
        assert_eq!(
            body,
            json!({"loginId": "a@x.io", "URI": "https://app/landing", "email": "a@x.io",
                   "user": {"name": "Ann", "email": "a@x.io"}}),
            "{kind}"
        );
        for (step, or_up) in [("signin", false), ("signup-in", true)] {
            let body = body_of(
                &format!("{prefix}/{step}/email"),
                answer.clone(),
                &p,
                |c| async move {
                    match (kind, or_up) {
                        ("magic", false) => drop(
                            c.magic_link()
                                .sign_in("a@x.io", "https://app/landing")
                                .await
                                .unwrap(),
                        ),
                        ("magic", true) => drop(
                            c.magic_link()
                                .sign_up_or_in("a@x.io", "https://app/landing")
                                .await
                                .unwrap(),
                        ),
                        (_, false) => drop(
                            c.enchanted_link()
                                .sign_in("a@x.io", "https://app/landing")
                                .await
                                .unwrap(),
                        ),
                        (_, true) => drop(
                            c.enchanted_link()
                                .sign_up_or_in("a@x.io", "https://app/landing")
                                .await
                                .unwrap(),
                        ),
                    }
                },
            )
            .await;
            assert_eq!(
                body,
                json!({"loginId": "a@x.io", "URI": "https://app/landing", "loginOptions": {}}),
                "{kind} {step}"
            );
        }
    }
    let body = body_of(
        "/v1/auth/magiclink/verify",
        jwt_response(),
        &p,
        |c| async move {
            let auth = c.magic_link().verify("tok-1").await.unwrap();
            assert_eq!(auth.user.user_id, "U2fixture");
        },
    )
    .await;
    assert_eq!(body, json!({"token": "tok-1"}));
    let body = body_of(
        "/v1/auth/enchantedlink/verify",
        json!({}),
        &p,
        |c| async move {
            c.enchanted_link().verify("tok-2").await.unwrap();
        },
    )
    .await;
    assert_eq!(body, json!({"token": "tok-2"}));
    let body = body_of(
        "/v1/auth/enchantedlink/pending-session",
        jwt_response(),
        &p,
        |c| async move {
            c.enchanted_link().pending_session("P-ref").await.unwrap();
        },
    )
    .await;
    assert_eq!(body, json!({"pendingRef": "P-ref"}));
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let (server, client) = mock().await;
    let refresh = RefreshJwt::from(refresh_jwt());
    let refused: Vec<Error> = vec![
        client.otp().sign_up("not-an-address").await.unwrap_err(),
        client.otp().sign_in(" ").await.unwrap_err(),
        client.otp().verify("a@x.io", "").await.unwrap_err(),
        client
            .otp()
            .update_email("ada", "nope", &refresh)
            .await
            .unwrap_err(),
        client.magic_link().verify(" ").await.unwrap_err(),
        client
            .enchanted_link()
            .pending_session("")
            .await
            .unwrap_err(),
        client
            .magic_link()
            .update_email("ada", "new@x.io", &RefreshJwt::from("bad token"))
            .await
            .unwrap_err(),
    ];
    for error in refused {
        assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn code_errors_are_typed() {
    let (server, client) = mock().await;
    for (code, check) in [
        ("E061102", Error::is_wrong_code as fn(&Error) -> bool),
        ("E062504", Error::is_code_expired),
        ("E061103", Error::is_too_many_attempts),
        ("E062503", Error::is_pending),
    ] {
        server.reset().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({"errorCode": code})))
            .mount(&server)
            .await;
        let error = client.otp().verify("a@x.io", "000000").await.unwrap_err();
        assert!(check(&error), "{code}: {error}");
        assert!(!error.is_bad_credentials());
        let others = [
            Error::is_wrong_code as fn(&Error) -> bool,
            Error::is_code_expired,
            Error::is_too_many_attempts,
            Error::is_pending,
        ];
        assert_eq!(others.iter().filter(|f| f(&error)).count(), 1, "{code}");
    }
    // An enchanted-link answer without its pending reference is a decode error, not a panic.
    server.reset().await;
    respond(
        &server,
        "POST",
        "/v1/auth/enchantedlink/signin/email",
        sent(),
    )
    .await;
    let error = client
        .enchanted_link()
        .sign_in("a@x.io", "https://app")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error}");
}

/// Answers "not yet" `pending` times (alternating with a 429 asking for 3 s), then the JWTs.
async fn pending_then_ready(server: &MockServer, pending: u64) {
    Mock::given(path("/v1/auth/enchantedlink/pending-session"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"errorCode": "E062503"})))
        .up_to_n_times(pending)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(path("/v1/auth/enchantedlink/pending-session"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(server)
        .await;
    Mock::given(path("/v1/auth/enchantedlink/pending-session"))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwt_response()))
        .with_priority(3)
        .mount(server)
        .await;
}

#[tokio::test]
async fn waiting_for_the_session_polls_politely_and_stops_at_the_deadline() {
    let server = MockServer::start().await;
    let waits = crate::errors::RecordingSleeper::default();
    let client = descope::Client::builder()
        .project_id(PROJECT_ID)
        .base_url(server.uri())
        .session_config(descope::SessionConfig::default().public_keys(crate::tokens::jwks()))
        .retry_policy(descope::RetryPolicy::none())
        .retry_sleeper(waits.clone())
        .build()
        .unwrap();
    pending_then_ready(&server, 2).await;
    let auth = client
        .enchanted_link()
        .wait_for_session("P-ref")
        .interval(Duration::from_secs(2))
        .timeout(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(auth.user.user_id, "U2fixture");
    // First poll after one interval; "not yet" twice at the interval; the 429's Retry-After
    // (3 s) is longer than the interval and is honoured.
    assert_eq!(
        waits.recorded(),
        vec![
            Duration::from_secs(2),
            Duration::from_secs(2),
            Duration::from_secs(2),
            Duration::from_secs(3)
        ]
    );

    // Never verified: the wait ends at the deadline, bounded in polls.
    server.reset().await;
    pending_then_ready(&server, u64::MAX).await;
    let before = waits.recorded().len();
    let error = client
        .enchanted_link()
        .wait_for_session("P-ref")
        .interval(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotVerifiedInTime { .. }), "{error}");
    let total: Duration = waits.recorded()[before..].iter().sum();
    assert_eq!(total, Duration::from_secs(20));
    // Any other error ends the wait at once.
    server.reset().await;
    Mock::given(path("/v1/auth/enchantedlink/pending-session"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"errorCode": "E011004"})))
        .mount(&server)
        .await;
    let error = client
        .enchanted_link()
        .wait_for_session("P-ref")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
}
