//! The secrets audit: every operation against the emulator with a TRACE subscriber capturing
//! every crate's events (this crate, reqwest, hyper, axum...), and every result and error
//! formatted with `{:?}`, `{:#?}`, `{}` and its source chain. No password, JWT (whole or any
//! of its three parts), refresh token or key may appear anywhere.

use std::io::Write;
use std::sync::{Arc, Mutex};

use descope_emulator::{Emulator, HashCost};

const PASSWORD: &str = "Audit-Passw0rd-0xSECRET";
const NEW_PASSWORD: &str = "Audit-N3w-Passw0rd-0xSECRET";
const THIRD_PASSWORD: &str = "Audit-Th1rd-Passw0rd-0xSECRET";
const AUTH_KEY: &str = "K2-audit-auth-management-key-0xSECRET";
const MANAGEMENT_KEY: &str = "K2-audit-management-key-0xSECRET";
const ACCESS_KEY: &str = "A2-audit-access-key-0xSECRET";
const MANAGED_PASSWORD: &str = "Audit-Manag3d-Passw0rd-0xSECRET";

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every way an error or value is shown: Debug, pretty Debug, Display and each source's.
fn shown<E: std::error::Error>(error: &E) -> String {
    let mut text = format!("{error:?}\n{error:#?}\n{error}\n");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!("{cause}\n{cause:?}\n"));
        source = cause.source();
    }
    text
}

fn secrets_shown_as_values(text: &str, value: &str) {
    assert!(!text.contains(value), "an OTP code is shown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_any_log_line_result_or_error() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // The subscriber must see events from other threads too.
    let dispatch = tracing::dispatcher::get_default(|d| d.clone());
    let _global = tracing::dispatcher::set_global_default(dispatch);

    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .management_key(MANAGEMENT_KEY)
        .access_key(ACCESS_KEY)
        .start()
        .await
        .unwrap();
    let client = emulator
        .client_builder()
        .auth_management_key(AUTH_KEY)
        .management_key(MANAGEMENT_KEY)
        .build()
        .unwrap();
    let mut seen = String::new();
    let mut tokens: Vec<String> = Vec::new();
    let password = client.password();

    let signed_up = password
        .sign_up("ada@example.com", PASSWORD)
        .name("Ada")
        .await
        .unwrap();
    seen.push_str(&format!("{signed_up:?}\n{signed_up:#?}\n{client:?}\n"));
    let auth = password.sign_in("ada@example.com", PASSWORD).await.unwrap();
    seen.push_str(&format!("{auth:?}\n{auth:#?}\n"));
    let session = client.sessions().validate(&auth.session_jwt).await.unwrap();
    seen.push_str(&format!("{session:?}\n{session:#?}\n"));
    let me = client.sessions().me(&auth.refresh_jwt).await.unwrap();
    seen.push_str(&format!("{me:?}\n{me:#?}\n"));
    let policy = password.policy().await.unwrap();
    seen.push_str(&format!("{policy:?}\n"));
    if let Err(violation) = policy.check(PASSWORD) {
        seen.push_str(&format!("{violation}\n{violation:?}\n"));
    }
    let refreshed = client.sessions().refresh(&auth.refresh_jwt).await.unwrap();
    seen.push_str(&format!("{refreshed:?}\n{refreshed:#?}\n"));
    let current = refreshed.refresh_jwt.clone();
    password
        .update("ada@example.com", NEW_PASSWORD, &current)
        .await
        .unwrap();
    let replaced = password
        .replace("ada@example.com", NEW_PASSWORD, THIRD_PASSWORD)
        .revoke_other_sessions(true)
        .await
        .unwrap();
    seen.push_str(&format!("{replaced:?}\n"));
    let reset = password.send_reset("ada@example.com").await.unwrap();
    seen.push_str(&format!("{reset:?}\n"));
    let validated = client
        .sessions()
        .validate_and_refresh("not-a-token", &replaced.refresh_jwt)
        .await
        .unwrap();
    seen.push_str(&format!("{validated:?}\n{validated:#?}\n"));
    let tried = client.sessions().try_refresh(&current).await.unwrap();
    seen.push_str(&format!("{tried:?}\n"));
    let latest = validated
        .refreshed
        .as_ref()
        .map(|r| r.refresh_jwt.clone())
        .unwrap();
    let logged_out = client.sessions().logout(&latest).await.unwrap();
    seen.push_str(&format!("{logged_out:?}\n"));

    // Management, tenant selection, history and access keys.
    let users = client.management().users();
    let created = users
        .create("bo@example.com")
        .tenant("T2audit", ["member"])
        .await
        .unwrap();
    seen.push_str(&format!("{created:?}\n{users:?}\n"));
    users
        .set_active_password("bo@example.com", MANAGED_PASSWORD)
        .await
        .unwrap();
    users
        .set_temporary_password("bo@example.com", MANAGED_PASSWORD)
        .await
        .unwrap();
    let bo = password
        .replace("bo@example.com", MANAGED_PASSWORD, PASSWORD)
        .await
        .unwrap();
    let selected = client
        .sessions()
        .select_tenant("T2audit", &bo.refresh_jwt)
        .await
        .unwrap();
    seen.push_str(&format!("{selected:?}\n"));
    let history = client.sessions().history(&bo.refresh_jwt).await.unwrap();
    seen.push_str(&format!("{history:?}\n"));
    let access = client.access_keys().exchange(ACCESS_KEY).await.unwrap();
    seen.push_str(&format!("{access:?}\n{access:#?}\n"));
    users.logout("bo@example.com").await.unwrap();
    tokens.extend(
        [
            bo.session_jwt.secret(),
            bo.refresh_jwt.secret(),
            selected.session_jwt.secret(),
            access.session_jwt.secret(),
        ]
        .map(str::to_owned),
    );
    tokens.push(selected.refresh_jwt.secret().to_owned());

    // Errors of every kind, each with tokens or passwords in play.
    let errors = vec![
        password
            .sign_in("ada@example.com", PASSWORD)
            .await
            .unwrap_err(),
        password
            .sign_in("nobody@example.com", PASSWORD)
            .await
            .unwrap_err(),
        password
            .sign_up("ada@example.com", PASSWORD)
            .await
            .unwrap_err(),
        password.sign_up("weak@example.com", "x").await.unwrap_err(),
        client.sessions().me(&latest).await.unwrap_err(),
        client
            .sessions()
            .validate(auth.refresh_jwt.secret())
            .await
            .unwrap_err(),
        client
            .sessions()
            .validate(&format!("{}x", auth.session_jwt.secret()))
            .await
            .unwrap_err(),
        password
            .update("ada@example.com", PASSWORD, &format!("{PASSWORD}\n").into())
            .await
            .unwrap_err(),
        client.sessions().logout(&current).await.unwrap_err(),
        client
            .access_keys()
            .exchange("A2-wrong-0xSECRET")
            .await
            .unwrap_err(),
        users
            .set_active_password("nobody@example.com", MANAGED_PASSWORD)
            .await
            .unwrap_err(),
        emulator
            .client_builder()
            .management_key("K2-wrong-0xSECRET")
            .build()
            .unwrap()
            .management()
            .users()
            .load("bo@example.com")
            .await
            .unwrap_err(),
        client
            .sessions()
            .select_tenant("T2other", &selected.refresh_jwt.clone())
            .await
            .unwrap_err(),
    ];
    for error in &errors {
        seen.push_str(&shown(error));
    }
    for result in [
        &auth.session_jwt,
        &refreshed.session_jwt,
        &replaced.session_jwt,
    ] {
        tokens.push(result.secret().to_owned());
    }
    for refresh in [&auth.refresh_jwt, &current, &replaced.refresh_jwt] {
        tokens.push(refresh.secret().to_owned());
    }
    tokens.push(validated.session_jwt.secret().to_owned());
    if let Some(refreshed) = &validated.refreshed {
        tokens.push(refreshed.refresh_jwt.secret().to_owned());
    }
    if let Some(tried) = &tried {
        tokens.push(tried.session_jwt.secret().to_owned());
    }

    // Email flows: codes, link tokens and pending references are secrets too.
    let mail = "eml@example.com";
    let sent = client.otp().sign_up(mail).await.unwrap();
    seen.push_str(&format!("{sent:?}\n"));
    let code = emulator.last_message_to(mail).unwrap().code.unwrap();
    let otp_auth = client.otp().verify(mail, code.clone()).await.unwrap();
    seen.push_str(&format!("{otp_auth:?}\n{otp_auth:#?}\n"));
    client
        .magic_link()
        .sign_in(mail, "https://app.test/v")
        .await
        .unwrap();
    let link_token = emulator
        .last_message_to(mail)
        .unwrap()
        .token()
        .unwrap()
        .to_owned();
    let link_auth = client
        .magic_link()
        .verify(link_token.clone())
        .await
        .unwrap();
    let enchanted = client
        .enchanted_link()
        .sign_in(mail, "https://app.test/v")
        .await
        .unwrap();
    seen.push_str(&format!("{enchanted:?}\n{enchanted:#?}\n"));
    let enchanted_token = emulator
        .last_message_to(mail)
        .unwrap()
        .token()
        .unwrap()
        .to_owned();
    client
        .enchanted_link()
        .verify(enchanted_token.clone())
        .await
        .unwrap();
    let enchanted_auth = client
        .enchanted_link()
        .pending_session(enchanted.pending_ref.clone())
        .await
        .unwrap();
    let email_errors = [
        client.otp().verify(mail, "000000x").await.unwrap_err(),
        client
            .magic_link()
            .verify(link_token.clone())
            .await
            .unwrap_err(),
        client
            .enchanted_link()
            .pending_session(enchanted.pending_ref.clone())
            .await
            .unwrap_err(),
    ];
    for error in &email_errors {
        seen.push_str(&shown(error));
    }
    for auth in [&otp_auth, &link_auth, &enchanted_auth] {
        tokens.push(auth.session_jwt.secret().to_owned());
        tokens.push(auth.refresh_jwt.secret().to_owned());
    }
    tokens.push(link_token);
    tokens.push(enchanted_token);
    tokens.push(enchanted.pending_ref.secret().to_owned());
    // A 6-digit code could occur inside other numbers: look for it as a value.
    for shown_code in [
        format!("\"{code}\""),
        format!("={code}"),
        format!(": {code}"),
    ] {
        secrets_shown_as_values(&seen, &shown_code);
    }
    emulator.stop().await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for shown_code in [
        format!("\"{code}\""),
        format!("={code}"),
        format!(": {code}"),
    ] {
        secrets_shown_as_values(&logs, &shown_code);
    }
    assert!(
        logs.contains("descope request"),
        "the subscriber captured this crate's events"
    );
    // One span per operation, closed with its outcome, attempts and duration.
    let signed_in = logs
        .lines()
        .find(|l| l.contains("descope{operation=\"password_sign_in\"") && l.contains("close"))
        .expect("a closed span for the sign-in");
    assert!(
        signed_in.contains("status=200") && signed_in.contains("attempts=1"),
        "{signed_in}"
    );
    assert!(signed_in.contains("duration_ms="), "{signed_in}");
    let mut secrets: Vec<String> = [
        PASSWORD,
        NEW_PASSWORD,
        THIRD_PASSWORD,
        AUTH_KEY,
        MANAGEMENT_KEY,
        ACCESS_KEY,
        MANAGED_PASSWORD,
        "A2-wrong-0xSECRET",
        "K2-wrong-0xSECRET",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for token in &tokens {
        secrets.push(token.clone());
        // Every part: the header is shared by all tokens, the payload and signature are not.
        secrets.extend(token.split('.').map(str::to_owned));
    }
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a log line shows a secret");
        assert!(
            !seen.contains(secret.as_str()),
            "a result or error shows a secret"
        );
    }
}
