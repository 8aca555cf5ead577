//! `examples/web_app.rs`: forgot password and email verification end to end, with a
//! cookie-keeping client and the emulator's outbox; `/me` with a bearer session JWT alone.

use descope::session::cookies::CookieConfig;
use descope_emulator::{Emulator, HashCost, Purpose};

use crate::for_each_app;
use crate::web_app::{serve, Web, PASSWORD};

const NEW_PASSWORD: &str = "Lifecycle-N3w-Passw0rd";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn start(web: Web) -> (Emulator, String) {
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .rotate_refresh_tokens(true)
        .start()
        .await
        .unwrap();
    let base = serve(web, &emulator, CookieConfig::default().secure(false)).await;
    (emulator, base)
}

async fn page(browser: &reqwest::Client, url: String) -> (u16, String) {
    let response = browser.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn post(
    browser: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
) -> (u16, String, Option<String>) {
    let response = browser.post(url).form(form).send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        response.text().await.unwrap(),
        location,
    )
}

async fn sign_up(browser: &reqwest::Client, base: &str, login: &str) {
    let (status, _, to) = post(
        browser,
        format!("{base}/signup"),
        &[("login_id", login), ("password", PASSWORD)],
    )
    .await;
    assert_eq!((status, to.as_deref()), (303, Some("/me")));
}

async fn forgot_password_from_the_link_to_a_new_password(web: Web) {
    let (emulator, base) = start(web).await;
    let signup = browser();
    sign_up(&signup, &base, "rita@example.com").await;

    let (status, home) = page(&signup, format!("{base}/")).await;
    assert_eq!(status, 200);
    assert!(home.contains("href=\"/forgot\""));
    let visitor = browser();
    let (status, form) = page(&visitor, format!("{base}/forgot")).await;
    assert_eq!(status, 200);
    assert!(form.contains("<form id=\"forgot\" method=\"post\" action=\"/forgot\">"));
    assert!(form.contains("name=\"login_id\""));
    let (status, known, _) = post(
        &visitor,
        format!("{base}/forgot"),
        &[("login_id", "rita@example.com")],
    )
    .await;
    let (status_unknown, unknown, _) = post(
        &visitor,
        format!("{base}/forgot"),
        &[("login_id", "nobody@example.com")],
    )
    .await;
    assert_eq!((status, status_unknown), (200, 200));
    assert_eq!(known, unknown, "no account enumeration");

    let message = emulator.last_message_to("rita@example.com").unwrap();
    assert_eq!(message.purpose, Purpose::Reset);
    let link = message.link.clone().unwrap();
    assert!(link.starts_with(&format!("{base}/reset?t=")), "{link}");

    let (status, form) = page(&visitor, link.clone()).await;
    assert_eq!(status, 200);
    assert!(form.contains("<form id=\"reset\" method=\"post\" action=\"/reset\">"));
    let (status, refused, _) = post(
        &visitor,
        format!("{base}/reset"),
        &[("new_password", "weak")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(refused.contains("id=\"unmet\""), "{refused}");
    let (status, _, to) = post(
        &visitor,
        format!("{base}/reset"),
        &[("new_password", NEW_PASSWORD)],
    )
    .await;
    assert_eq!((status, to.as_deref()), (303, Some("/me")));
    let (status, me) = page(&visitor, format!("{base}/me")).await;
    assert_eq!(status, 200);
    assert!(me.contains("rita@example.com"));

    // The link works once.
    let (status, used) = page(&browser(), link).await;
    assert_eq!(status, 401);
    assert!(used.contains("href=\"/forgot\""));
    let (status, _) = page(&browser(), format!("{base}/reset?t=forged")).await;
    assert_eq!(status, 401);
    let (status, _) = page(&browser(), format!("{base}/reset")).await;
    assert_eq!(status, 401);

    // Log out, then sign in with the new password (and not the old one).
    let (status, _, _) = post(&visitor, format!("{base}/logout"), &[]).await;
    assert_eq!(status, 303);
    let (status, _, _) = post(
        &browser(),
        format!("{base}/login"),
        &[("login_id", "rita@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 401);
    let (status, _, to) = post(
        &browser(),
        format!("{base}/login"),
        &[("login_id", "rita@example.com"), ("password", NEW_PASSWORD)],
    )
    .await;
    assert_eq!((status, to.as_deref()), (303, Some("/me")));
    emulator.stop().await;
}

async fn verifying_an_email_with_a_code(web: Web) {
    let (emulator, base) = start(web).await;
    let me = browser();
    sign_up(&me, &base, "sam").await;
    let (_, page_before) = page(&me, format!("{base}/me")).await;
    assert!(page_before.contains("<span id=\"email-verified\">false</span>"));
    assert!(
        page_before.contains("<form id=\"verify-email\" method=\"post\" action=\"/verify-email\">")
    );

    let (status, form, _) = post(
        &me,
        format!("{base}/verify-email"),
        &[("email", "sam@example.com")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        form.contains("<form id=\"verify-code\" method=\"post\" action=\"/verify-email/code\">")
    );
    let message = emulator.last_message_to("sam@example.com").unwrap();
    assert_eq!(
        (message.login_id.as_str(), message.purpose),
        ("sam", Purpose::UpdateEmail)
    );
    let code = message.code.unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, _, _) = post(
        &me,
        format!("{base}/verify-email/code"),
        &[("email", "sam@example.com"), ("code", wrong)],
    )
    .await;
    assert_eq!(status, 401);
    let response = me
        .post(format!("{base}/verify-email/code"))
        .form(&[("email", "sam@example.com"), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers().get_all("set-cookie").iter().count(),
        2,
        "fresh cookies"
    );
    let (_, page_after) = page(&me, format!("{base}/me")).await;
    assert!(page_after.contains("<span id=\"email-verified\">true</span>"));
    emulator.stop().await;
}

async fn me_answers_a_bearer_session_jwt_alone(web: Web) {
    let (emulator, base) = start(web).await;
    let client = emulator.client().unwrap();
    let auth = client
        .password()
        .sign_up("tia@example.com", PASSWORD)
        .email("tia@example.com")
        .await
        .unwrap();
    let response = reqwest::Client::new()
        .get(format!("{base}/me"))
        .bearer_auth(auth.session_jwt.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains(&format!(
        "<span id=\"user-id\">{}</span>",
        auth.user.user_id
    )));
    assert!(text.contains("<span id=\"login-id\">tia@example.com</span>"));
    emulator.stop().await;
}

for_each_app!(
    forgot_password_from_the_link_to_a_new_password,
    verifying_an_email_with_a_code,
    me_answers_a_bearer_session_jwt_alone,
);
