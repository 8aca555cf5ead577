//! Authenticator apps (TOTP) and codes by SMS and voice through the façade against the
//! emulator, on an injected clock: the ±1 step window, replay, key rotation, removal; phone
//! codes in the outbox, single use, replaced, spent by wrong attempts, expired, and the number
//! verified or added as a login ID.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use descope::session::{Clock, OffsetClock};
use descope::{Client, Error, TotpKey};
use descope_emulator::{Delivery, Emulator, HashCost, Purpose};

const MANAGEMENT_KEY: &str = "K2fa-management-key";

async fn emulator(clock: &OffsetClock) -> (Emulator, Client) {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key(MANAGEMENT_KEY)
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

/// The code an authenticator app with `key` shows at `time`: computed here from the key, as
/// the app would (RFC 6238, SHA1, 6 digits, 30 s).
pub(crate) fn app_code(key: &TotpKey, time: SystemTime) -> String {
    let secret = totp_rs::Secret::Encoded(key.secret().to_owned())
        .to_bytes()
        .unwrap();
    let totp = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        secret,
        None,
        "test".into(),
    );
    totp.generate(time.duration_since(UNIX_EPOCH).unwrap().as_secs())
}

fn refused(error: &Error) -> bool {
    error.status().is_some_and(|s| (400..500).contains(&s))
}

#[tokio::test]
async fn totp_sign_up_window_replay_rotation_and_removal() {
    let clock = OffsetClock::new();
    let (emulator, client) = emulator(&clock).await;
    let totp = client.totp();
    let enrollment = totp.sign_up("ada@example.com").name("Ada").await.unwrap();
    assert!(enrollment.qr_png.starts_with(b"\x89PNG"));
    assert!(enrollment
        .provisioning_url
        .secret()
        .starts_with("otpauth://totp/"));
    assert!(enrollment
        .provisioning_url
        .secret()
        .contains(enrollment.key.secret()));
    let debug = format!("{enrollment:?}");
    assert!(!debug.contains(enrollment.key.secret()), "{debug}");
    // The user exists once a code is verified.
    let users = client.management().users();
    assert!(users.load("ada@example.com").await.is_err());
    let key = enrollment.key;
    let t0 = clock.now();
    let auth = totp
        .sign_in_code("ada@example.com", app_code(&key, t0))
        .await
        .unwrap();
    assert!(auth.first_seen);
    assert!(auth.user.methods.totp);
    assert_eq!(
        emulator.totp_code("ada@example.com"),
        Some(app_code(&key, clock.now()))
    );
    // The console shows the user's TOTP state and, to a loopback viewer, the app's code.
    let console = reqwest::get(format!("{}/", emulator.base_url()))
        .await
        .unwrap();
    let console = console.text().await.unwrap();
    let shown = format!(
        "on <code class=\"totp-code\">{}</code>",
        app_code(&key, clock.now())
    );
    assert!(console.contains(&shown), "{console}");

    // The same step again is a replay.
    let replay = totp
        .sign_in_code("ada@example.com", app_code(&key, t0))
        .await
        .unwrap_err();
    assert!(replay.is_wrong_code(), "{replay:?}");

    // Two steps later: the previous step and the next one are accepted, not further.
    clock.advance(Duration::from_secs(60));
    let now = clock.now();
    let late = app_code(&key, now - Duration::from_secs(30));
    let early = app_code(&key, now + Duration::from_secs(30));
    let far = app_code(&key, now + Duration::from_secs(60));
    assert!(totp
        .sign_in_code("ada@example.com", app_code(&key, t0))
        .await
        .is_err());
    totp.sign_in_code("ada@example.com", late).await.unwrap();
    assert!(totp.sign_in_code("ada@example.com", far).await.is_err());
    totp.sign_in_code("ada@example.com", early).await.unwrap();

    // Update: a new key; the old one works until a code of the new one is verified.
    clock.advance(Duration::from_secs(90));
    let signed_in = totp
        .sign_in_code("ada@example.com", app_code(&key, clock.now()))
        .await
        .unwrap();
    let renewed = totp
        .update("ada@example.com", &signed_in.refresh_jwt)
        .await
        .unwrap();
    assert_ne!(renewed.key.secret(), key.secret());
    clock.advance(Duration::from_secs(30));
    totp.sign_in_code("ada@example.com", app_code(&key, clock.now()))
        .await
        .unwrap();
    clock.advance(Duration::from_secs(30));
    totp.sign_in_code("ada@example.com", app_code(&renewed.key, clock.now()))
        .await
        .unwrap();
    clock.advance(Duration::from_secs(30));
    let old = totp
        .sign_in_code("ada@example.com", app_code(&key, clock.now()))
        .await
        .unwrap_err();
    assert!(old.is_wrong_code(), "{old:?}");
    let me = client.sessions().me(&signed_in.refresh_jwt).await.unwrap();
    assert!(me.methods.totp);

    // Management removes it: load says so, and codes are refused.
    users.remove_totp("ada@example.com").await.unwrap();
    assert!(!users.load("ada@example.com").await.unwrap().methods.totp);
    let removed = totp
        .sign_in_code("ada@example.com", app_code(&renewed.key, clock.now()))
        .await
        .unwrap_err();
    assert!(refused(&removed));
    // Sign-up of an existing login ID, and empty input, are refused.
    assert!(refused(&totp.sign_up("ada@example.com").await.unwrap_err()));
    assert!(matches!(
        totp.sign_in_code("ada@example.com", " ").await.unwrap_err(),
        Error::InvalidInput { field: "code", .. }
    ));
}

#[tokio::test]
async fn sms_and_voice_codes_are_single_use_replaced_bounded_and_expire() {
    let clock = OffsetClock::new();
    let (emulator, client) = emulator(&clock).await;
    let sms = client.otp().sms();
    let phone = "+14155550100";

    // E.164 only, checked before any request.
    for bad in ["4155550100", "+1 415 555 0100", "+0123"] {
        let error = sms.sign_up("ada", bad).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidInput { field: "phone", .. }),
            "{bad}: {error:?}"
        );
    }
    let sent = sms.sign_up("ada", phone).name("Ada").await.unwrap();
    assert_eq!(sent.masked_phone.as_deref(), Some("+1********00"));
    let message = emulator.last_message_to(phone).unwrap();
    assert_eq!(
        (message.delivery, message.purpose, message.login_id.as_str()),
        (Delivery::Sms, Purpose::SignUp, "ada")
    );
    let console = reqwest::get(format!("{}/", emulator.base_url()))
        .await
        .unwrap();
    let console = console.text().await.unwrap();
    assert!(
        console.contains("<td class=\"delivery\">sms</td>"),
        "{console}"
    );
    let auth = sms
        .verify("ada", message.code.clone().unwrap())
        .await
        .unwrap();
    assert!(auth.first_seen);
    assert_eq!(auth.user.phone.as_deref(), Some(phone));
    assert!(auth.user.verified_phone);
    assert!(sms
        .verify("ada", message.code.unwrap())
        .await
        .unwrap_err()
        .is_wrong_code());

    // By voice; a new code replaces the older one.
    let voice = client.otp().voice();
    voice.sign_in("ada").await.unwrap();
    let first = emulator.last_message_to(phone).unwrap();
    assert_eq!(first.delivery, Delivery::Voice);
    voice.sign_in("ada").await.unwrap();
    let second = emulator.last_message_to(phone).unwrap();
    if first.code != second.code {
        assert!(voice.verify("ada", first.code.unwrap()).await.is_err());
    }
    voice.verify("ada", second.code.unwrap()).await.unwrap();

    // Wrong attempts spend the code.
    sms.sign_in("ada").await.unwrap();
    let code = emulator.last_message_to(phone).unwrap().code.unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut last = None;
    for _ in 0..5 {
        last = Some(sms.verify("ada", wrong).await.unwrap_err());
    }
    assert!(last.unwrap().is_too_many_attempts());
    assert!(sms.verify("ada", code).await.is_err());

    // Codes expire after --code-ttl (600 s) on the emulator's clock.
    sms.sign_in("ada").await.unwrap();
    let code = emulator.last_message_to(phone).unwrap().code.unwrap();
    clock.advance(Duration::from_secs(601));
    assert!(sms.verify("ada", code).await.unwrap_err().is_code_expired());

    // Unknown users, and sign-up of a login ID that exists, are refused.
    assert!(refused(&sms.sign_in("nobody").await.unwrap_err()));
    assert!(refused(&sms.sign_up("ada", phone).await.unwrap_err()));
    // Sign-up-or-in with the number as the login ID.
    sms.sign_up_or_in("+447911123456").await.unwrap();
    let code = emulator
        .last_message_to("+447911123456")
        .unwrap()
        .code
        .unwrap();
    let by_number = sms.verify("+447911123456", code).await.unwrap();
    assert_eq!(by_number.user.login_ids, ["+447911123456"]);
    // Email codes say how they went.
    client
        .otp()
        .sign_up_or_in("grace@example.com")
        .await
        .unwrap();
    let email = emulator.last_message_to("grace@example.com").unwrap();
    assert_eq!(email.delivery, Delivery::Email);
}

#[tokio::test]
async fn a_new_number_is_verified_and_can_become_a_login_id() {
    let clock = OffsetClock::new();
    let (emulator, client) = emulator(&clock).await;
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
    let new = "+14155550199";
    let sms = client.otp().sms();
    sms.update_phone("ada@example.com", new, &auth.refresh_jwt)
        .add_to_login_ids(true)
        .await
        .unwrap();
    let message = emulator.last_message_to(new).unwrap();
    assert_eq!(message.purpose, Purpose::UpdatePhone);
    assert_eq!(message.login_id, "ada@example.com");
    let updated = sms
        .verify("ada@example.com", message.code.unwrap())
        .await
        .unwrap();
    assert_eq!(updated.user.phone.as_deref(), Some(new));
    assert!(updated.user.verified_phone);
    assert!(updated.user.login_ids.contains(&new.to_owned()));
    // The number now signs in.
    sms.sign_in(new).await.unwrap();
    let code = emulator.last_message_to(new).unwrap().code.unwrap();
    assert_eq!(
        sms.verify(new, code).await.unwrap().user.user_id,
        auth.user.user_id
    );
    // Another user's refresh JWT is refused; a bad number is checked first.
    let error = sms
        .update_phone("eve@example.com", new, &auth.refresh_jwt)
        .await
        .unwrap_err();
    assert!(refused(&error), "{error:?}");
    let error = sms
        .update_phone("ada@example.com", "555", &auth.refresh_jwt)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { field: "phone", .. }));
}
