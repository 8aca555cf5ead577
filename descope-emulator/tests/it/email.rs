//! Email codes and links against the emulator, through the crate's client: every operation,
//! reset completion by each method, the outbox interface, expiry on the emulator's clock,
//! single use, bounded attempts, and state that survives a restart.

use std::time::Duration;

use descope::session::OffsetClock;
use descope::{Client, Error, ResetMethod};
use descope_emulator::{Emulator, EmulatorBuilder, HashCost, Method, OutboxMessage, Purpose};
use serde_json::Value;

const PASSWORD: &str = "Email-Flow-Passw0rd";
const NEW_PASSWORD: &str = "Email-Flow-N3w-Passw0rd";

fn builder(clock: &OffsetClock) -> EmulatorBuilder {
    Emulator::builder()
        .hash_cost(HashCost::Fast)
        .clock(clock.clone())
}

async fn start(method: Method) -> (Emulator, Client, OffsetClock) {
    let clock = OffsetClock::new();
    let emulator = builder(&clock).reset_method(method).start().await.unwrap();
    // Polls for an enchanted link's session wait on this sleeper, which returns at once.
    let client = emulator
        .client_builder()
        .retry_sleeper(Instant)
        .build()
        .unwrap();
    (emulator, client, clock)
}

/// A sleeper that does not sleep: the emulated clock, not the wall clock, decides expiry.
struct Instant;

impl descope::Sleeper for Instant {
    fn sleep(&self, _: Duration) -> descope::BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

fn last(emulator: &Emulator, to: &str) -> OutboxMessage {
    emulator
        .last_message_to(to)
        .unwrap_or_else(|| panic!("no message to {to}"))
}

fn code(message: &OutboxMessage) -> String {
    message.code.clone().expect("an OTP code")
}

fn token(message: &OutboxMessage) -> String {
    message.token().expect("a link token").to_owned()
}

#[tokio::test]
async fn otp_sign_up_sign_in_and_codes_that_are_single_use_expire_and_run_out() {
    let (emulator, client, clock) = start(Method::Otp).await;
    let sent = client.otp().sign_up("ann@x.io").name("Ann").await.unwrap();
    assert_eq!(sent.masked_email.as_deref(), Some("a***@x.io"));
    let message = last(&emulator, "ann@x.io");
    assert_eq!(
        (message.method, message.purpose, message.login_id.as_str()),
        (Method::Otp, Purpose::SignUp, "ann@x.io")
    );
    let auth = client
        .otp()
        .verify("ann@x.io", code(&message))
        .await
        .unwrap();
    assert!(auth.first_seen, "the verification created the user");
    assert_eq!(auth.user.name.as_deref(), Some("Ann"));
    assert!(auth.user.verified_email);
    let again = client
        .otp()
        .verify("ann@x.io", code(&message))
        .await
        .unwrap_err();
    assert!(again.is_wrong_code(), "single use: {again}");
    assert!(client.otp().sign_up("ann@x.io").await.unwrap_err().status() == Some(409));

    client.otp().sign_in("ann@x.io").await.unwrap();
    let signed_in = client
        .otp()
        .verify("ann@x.io", code(&last(&emulator, "ann@x.io")))
        .await
        .unwrap();
    assert!(!signed_in.first_seen);
    assert_eq!(signed_in.user.user_id, auth.user.user_id);

    // Wrong attempts are bounded: the fifth spends the code.
    client.otp().sign_in("ann@x.io").await.unwrap();
    let good = code(&last(&emulator, "ann@x.io"));
    let wrong = if good == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        let error = client.otp().verify("ann@x.io", wrong).await.unwrap_err();
        assert!(error.is_wrong_code(), "{error}");
    }
    let error = client.otp().verify("ann@x.io", wrong).await.unwrap_err();
    assert!(error.is_too_many_attempts(), "{error}");
    assert!(client.otp().verify("ann@x.io", good).await.is_err());

    // Codes expire on the emulator's clock.
    client.otp().sign_in("ann@x.io").await.unwrap();
    clock.advance(Duration::from_secs(601));
    let error = client
        .otp()
        .verify("ann@x.io", code(&last(&emulator, "ann@x.io")))
        .await
        .unwrap_err();
    assert!(error.is_code_expired(), "{error}");

    // Sign-up-or-in: a new address becomes a user, a known one signs in.
    client.otp().sign_up_or_in("bob@x.io").await.unwrap();
    let bob = client
        .otp()
        .verify("bob@x.io", code(&last(&emulator, "bob@x.io")))
        .await
        .unwrap();
    assert!(bob.first_seen);
    client.otp().sign_up_or_in("bob@x.io").await.unwrap();
    let message = last(&emulator, "bob@x.io");
    assert_eq!(message.purpose, Purpose::SignUpOrIn);
    assert!(
        !client
            .otp()
            .verify("bob@x.io", code(&message))
            .await
            .unwrap()
            .first_seen
    );
    let unknown = client.otp().sign_in("nobody@x.io").await.unwrap_err();
    assert_eq!(unknown.status(), Some(401));
    emulator.stop().await;
}

#[tokio::test]
async fn magic_links_carry_the_token_and_work_once() {
    let (emulator, client, clock) = start(Method::MagicLink).await;
    client
        .magic_link()
        .sign_up("cat@x.io", "https://app.test/landing?from=mail")
        .await
        .unwrap();
    let message = last(&emulator, "cat@x.io");
    let link = message.link.clone().unwrap();
    assert!(
        link.starts_with("https://app.test/landing?from=mail&t="),
        "{link}"
    );
    let auth = client.magic_link().verify(token(&message)).await.unwrap();
    assert!(auth.first_seen && auth.user.verified_email);
    let used = client
        .magic_link()
        .verify(token(&message))
        .await
        .unwrap_err();
    assert!(used.is_code_expired(), "a used token: {used}");
    let wrong = client.magic_link().verify("not-a-token").await.unwrap_err();
    assert!(wrong.is_wrong_code(), "{wrong}");

    for or_up in [false, true] {
        let request = if or_up {
            client
                .magic_link()
                .sign_up_or_in("cat@x.io", "https://app.test/l")
        } else {
            client
                .magic_link()
                .sign_in("cat@x.io", "https://app.test/l")
        };
        request.await.unwrap();
        let auth = client
            .magic_link()
            .verify(token(&last(&emulator, "cat@x.io")))
            .await
            .unwrap();
        assert!(!auth.first_seen);
    }
    client
        .magic_link()
        .sign_in("cat@x.io", "https://app.test/l")
        .await
        .unwrap();
    clock.advance(Duration::from_secs(601));
    let expired = client
        .magic_link()
        .verify(token(&last(&emulator, "cat@x.io")))
        .await
        .unwrap_err();
    assert!(expired.is_code_expired(), "{expired}");
    emulator.stop().await;
}

#[tokio::test]
async fn enchanted_links_are_pending_until_clicked_then_give_the_session_once() {
    let (emulator, client, _clock) = start(Method::EnchantedLink).await;
    let sent = client
        .enchanted_link()
        .sign_up("dan@x.io", "https://app.test/verify")
        .await
        .unwrap();
    let message = last(&emulator, "dan@x.io");
    assert_eq!(message.link_id.as_deref(), Some(sent.link_id.as_str()));
    let pending = client
        .enchanted_link()
        .pending_session(sent.pending_ref.clone())
        .await
        .unwrap_err();
    assert!(pending.is_pending(), "{pending}");
    assert_eq!(pending.status(), Some(401));
    client
        .enchanted_link()
        .verify(token(&message))
        .await
        .unwrap();
    let auth = client
        .enchanted_link()
        .wait_for_session(sent.pending_ref.clone())
        .interval(Duration::from_secs(1))
        .timeout(Duration::from_secs(30))
        .await
        .unwrap();
    assert!(auth.first_seen);
    assert_eq!(auth.user.login_ids, vec!["dan@x.io".to_owned()]);
    let again = client
        .enchanted_link()
        .pending_session(sent.pending_ref)
        .await
        .unwrap_err();
    assert!(
        !again.is_pending() && (400..500).contains(&again.status().unwrap()),
        "{again}"
    );
    emulator.stop().await;
}

/// Signs up `login_id` with a password, without verifying the address.
async fn password_user(client: &Client, login_id: &str) -> descope::AuthInfo {
    client
        .password()
        .sign_up(login_id, PASSWORD)
        .email(login_id)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reset_completes_by_each_method() {
    for method in [Method::MagicLink, Method::EnchantedLink, Method::Otp] {
        let (emulator, client, _clock) = start(method).await;
        let login = "reset@x.io";
        password_user(&client, login).await;
        let sent = client
            .password()
            .send_reset(login)
            .redirect_url("https://app.test/reset")
            .await
            .unwrap();
        let message = last(&emulator, login);
        assert_eq!((message.method, message.purpose), (method, Purpose::Reset));
        let auth = match sent.method {
            ResetMethod::MagicLink => {
                assert!(message
                    .link
                    .as_deref()
                    .unwrap()
                    .starts_with("https://app.test/reset?t="));
                client
                    .password()
                    .complete_reset_with_magic_link(token(&message), NEW_PASSWORD)
                    .await
                    .unwrap()
            }
            ResetMethod::EnchantedLink => {
                client
                    .enchanted_link()
                    .verify(token(&message))
                    .await
                    .unwrap();
                let auth = client
                    .enchanted_link()
                    .wait_for_session(sent.pending_ref.clone().unwrap())
                    .interval(Duration::from_secs(1))
                    .await
                    .unwrap();
                assert_eq!(sent.link_id, message.link_id);
                client
                    .password()
                    .update(login, NEW_PASSWORD, &auth.refresh_jwt)
                    .await
                    .unwrap();
                auth
            }
            ResetMethod::Otp => {
                let auth = client.otp().verify(login, code(&message)).await.unwrap();
                client
                    .password()
                    .update(login, NEW_PASSWORD, &auth.refresh_jwt)
                    .await
                    .unwrap();
                auth
            }
            other => panic!("unexpected {other}"),
        };
        assert_eq!(sent.method.as_str(), method.as_str());
        assert!(!auth.first_seen);
        client
            .password()
            .sign_in(login, NEW_PASSWORD)
            .await
            .unwrap();
        let old = client
            .password()
            .sign_in(login, PASSWORD)
            .await
            .unwrap_err();
        assert!(old.is_bad_credentials(), "{method:?}: {old}");
        emulator.stop().await;
    }
}

#[tokio::test]
async fn the_magic_link_reset_helper_checks_the_policy_before_spending_the_token() {
    let (emulator, client, _clock) = start(Method::MagicLink).await;
    password_user(&client, "weak@x.io").await;
    client.password().send_reset("weak@x.io").await.unwrap();
    let message = last(&emulator, "weak@x.io");
    // No --redirect-url: the emulator's own page, which shows the token.
    let link = message.link.clone().unwrap();
    assert!(link.starts_with(&format!("{}/emulator/v1/link?t=", emulator.base_url())));
    let page = reqwest::get(&link).await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("<code id=\"token\">{}</code>", token(&message))));
    let error = client
        .password()
        .complete_reset_with_magic_link(token(&message), "weak")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::PasswordPolicy(_)), "{error}");
    // The token was not spent.
    client
        .password()
        .complete_reset_with_magic_link(token(&message), NEW_PASSWORD)
        .await
        .unwrap();
    emulator.stop().await;
}

#[tokio::test]
async fn verified_email_updates_by_each_method() {
    for method in [Method::Otp, Method::MagicLink, Method::EnchantedLink] {
        let clock = OffsetClock::new();
        let emulator = builder(&clock)
            .management_key("K2-email-key")
            .redirect_url("https://app.test/verify-email")
            .start()
            .await
            .unwrap();
        let client = emulator.client().unwrap();
        let auth = password_user(&client, "eve").await;
        assert!(!auth.user.verified_email);
        let refresh = &auth.refresh_jwt;
        let new = "eve@new.x.io";
        let auth = match method {
            Method::Otp => {
                client
                    .otp()
                    .update_email("eve", new, refresh)
                    .add_to_login_ids(true)
                    .await
                    .unwrap();
                let message = last(&emulator, new);
                assert_eq!(
                    (message.login_id.as_str(), message.purpose),
                    ("eve", Purpose::UpdateEmail)
                );
                client.otp().verify("eve", code(&message)).await.unwrap()
            }
            Method::MagicLink => {
                client
                    .magic_link()
                    .update_email("eve", new, refresh)
                    .add_to_login_ids(true)
                    .await
                    .unwrap();
                let message = last(&emulator, new);
                // No redirect URL in the request (as the Python SDK): the configured one.
                assert!(message
                    .link
                    .as_deref()
                    .unwrap()
                    .starts_with("https://app.test/verify-email?t="));
                client.magic_link().verify(token(&message)).await.unwrap()
            }
            _ => {
                let sent = client
                    .enchanted_link()
                    .update_email("eve", new, refresh)
                    .add_to_login_ids(true)
                    .await
                    .unwrap();
                client
                    .enchanted_link()
                    .verify(token(&last(&emulator, new)))
                    .await
                    .unwrap();
                client
                    .enchanted_link()
                    .pending_session(sent.pending_ref)
                    .await
                    .unwrap()
            }
        };
        // me, load and the next session JWT see the verified address and the new login ID.
        let me = client.sessions().me(&auth.refresh_jwt).await.unwrap();
        assert_eq!(
            (me.email.as_deref(), me.verified_email),
            (Some(new), true),
            "{method:?}"
        );
        assert!(me.login_ids.contains(&new.to_owned()));
        let loaded = client.management().users().load(new).await.unwrap();
        assert_eq!(loaded.user_id, me.user_id);
        let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
        assert_eq!(session.claim("email"), Some(&Value::from(new)));
        assert_eq!(session.claim("verifiedEmail"), Some(&Value::from(true)));
        // Another user's refresh JWT cannot change this user's address.
        let other = password_user(&client, "mallory@x.io").await;
        let refused = client
            .otp()
            .update_email("eve", "m@x.io", &other.refresh_jwt)
            .await
            .unwrap_err();
        assert_eq!(refused.status(), Some(401));
        emulator.stop().await;
    }
}

#[tokio::test]
async fn the_outbox_interface_is_stable() {
    let (emulator, client, _clock) = start(Method::EnchantedLink).await;
    password_user(&client, "fay@x.io").await;
    client.otp().sign_in("fay@x.io").await.unwrap();
    client.password().send_reset("fay@x.io").await.unwrap();
    let url = format!("{}/emulator/v1/outbox", emulator.base_url());
    let body: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    let keys: Vec<&str> = messages[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "to", "loginId", "method", "purpose", "delivery", "code", "link", "linkId", "time",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(messages[0]["method"], "otp");
    assert_eq!(messages[0]["purpose"], "signin");
    assert_eq!(messages[0]["delivery"], "email");
    assert_eq!(messages[0]["code"].as_str().unwrap().len(), 6);
    assert!(messages[0]["link"].is_null());
    assert_eq!(messages[1]["method"], "enchantedlink");
    assert_eq!(messages[1]["purpose"], "reset");
    assert!(messages[1]["linkId"].is_string() && messages[1]["link"].is_string());
    assert!(messages[1]["time"].as_i64().unwrap() >= messages[0]["time"].as_i64().unwrap());
    let cleared = reqwest::Client::new().delete(&url).send().await.unwrap();
    assert_eq!(cleared.status(), 200);
    assert!(emulator.outbox().is_empty());
    emulator.stop().await;
}

#[tokio::test]
async fn codes_and_the_outbox_survive_a_restart_and_resets_can_require_a_verified_email() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let clock = OffsetClock::new();
    let first = builder(&clock)
        .project_id("P2emailstate")
        .state_file(&state)
        .reset_requires_verified_email(true)
        .start()
        .await
        .unwrap();
    let client = first.client().unwrap();
    password_user(&client, "gus@x.io").await;
    let refused = client.password().send_reset("gus@x.io").await.unwrap_err();
    assert_eq!(
        refused.status(),
        Some(400),
        "the address is not verified yet"
    );
    client.otp().sign_in("gus@x.io").await.unwrap();
    first.stop().await;

    let second = builder(&clock)
        .project_id("P2emailstate")
        .state_file(&state)
        .reset_requires_verified_email(true)
        .start()
        .await
        .unwrap();
    let client = second.client().unwrap();
    let message = last(&second, "gus@x.io");
    let auth = client
        .otp()
        .verify("gus@x.io", code(&message))
        .await
        .unwrap();
    assert!(auth.user.verified_email);
    client.password().send_reset("gus@x.io").await.unwrap();
    second.stop().await;
}
