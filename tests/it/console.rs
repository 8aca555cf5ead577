//! The emulator's console in headless Chromium, driven as a person would: a user who signed up
//! through the API shows up; disabling refuses their sign-in and enabling restores it; a user
//! created with a password signs in; expiring a password, logging out everywhere, opening an
//! outbox link, emptying the outbox and resetting all data. The screenshot in the emulator's
//! README is taken here (`DESCOPE_UPDATE_SCREENSHOT=1` writes it into the repository).

use descope::ErrorCode;
use descope_emulator::{Emulator, HashCost};

use crate::browser::{driver_or_skip, Driver};

const PASSWORD: &str = "Console-Passw0rd-1";

/// Waits (bounded) until `check` holds: a click's navigation may still be finishing.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !check().await {
        assert!(std::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The HTML of `login_id`'s row in a page source (empty when there is none).
fn row_html(source: &str, login_id: &str) -> String {
    let start = format!("<tr data-login-id=\"{login_id}\"");
    source
        .split_once(&start)
        .and_then(|(_, rest)| rest.split_once("</tr>"))
        .map(|(row, _)| row.to_owned())
        .unwrap_or_default()
}

/// The row of `login_id`, as a CSS selector.
fn row(login_id: &str) -> String {
    format!("tr[data-login-id=\"{login_id}\"]")
}

#[tokio::test]
async fn a_person_manages_users_and_the_outbox_in_the_console() {
    let Some(driver) = driver_or_skip() else {
        return;
    };
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .project_id("P2console")
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let api = client
        .password()
        .sign_up("api@example.com", PASSWORD)
        .email("api@example.com")
        .name("Api User")
        .await
        .unwrap();
    let base = emulator.base_url().to_owned();
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Driver::start(&driver).await;
    browser.open(profile.path()).await;
    browser.window_size(1400, 1000).await;

    // The user who signed up through the API, with their live session.
    browser.go(&format!("{base}/")).await;
    browser.wait_for_source("id=\"users\"").await;
    assert_eq!(
        browser
            .text(&format!("{} td.email", row("api@example.com")))
            .await,
        "api@example.com"
    );
    assert_eq!(
        browser
            .text(&format!("{} td.sessions", row("api@example.com")))
            .await,
        "1"
    );

    // Disable: sign-in through the API is refused; enable: it works again.
    browser
        .click(&format!("{} button[value=disable]", row("api@example.com")))
        .await;
    browser
        .wait_for_source("button name=\"action\" value=\"enable\"")
        .await;
    let refused = client
        .password()
        .sign_in("api@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
    browser
        .click(&format!("{} button[value=enable]", row("api@example.com")))
        .await;
    browser
        .wait_for_source("button name=\"action\" value=\"disable\"")
        .await;
    client
        .password()
        .sign_in("api@example.com", PASSWORD)
        .await
        .unwrap();

    // Create a user with a password and roles: they can sign in, with those roles.
    browser
        .type_into("#create-user input[name=login_id]", "made@example.com")
        .await;
    browser
        .type_into("#create-user input[name=password]", PASSWORD)
        .await;
    browser
        .type_into("#create-user input[name=roles]", "admin, support")
        .await;
    browser.click("#create-user button").await;
    browser
        .wait_for_source("data-login-id=\"made@example.com\"")
        .await;
    let made = client
        .password()
        .sign_in("made@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        made.user.roles,
        vec!["admin".to_owned(), "support".to_owned()]
    );

    // Expire a password: sign-in is refused until it is replaced.
    browser
        .click(&format!(
            "{} button[value=expire-password]",
            row("made@example.com")
        ))
        .await;
    browser.wait_for_source("password expired").await;
    let expired = client
        .password()
        .sign_in("made@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(expired.code(), Some(&ErrorCode::PasswordExpired));

    // Log out everywhere: the sessions are gone.
    browser
        .click(&format!("{} button[value=logout]", row("api@example.com")))
        .await;
    eventually("no session left", || async {
        row_html(&browser.source().await, "api@example.com")
            .contains("<td class=\"sessions\">0</td>")
    })
    .await;
    assert!(client.sessions().me(&api.refresh_jwt).await.is_err());

    // A reset sent through the API is in the outbox; its link opens.
    client
        .password()
        .send_reset("api@example.com")
        .await
        .unwrap();
    client.otp().sign_in("made@example.com").await.unwrap();
    browser.go(&format!("{base}/")).await;
    browser.wait_for_source("class=\"outbox-link\"").await;
    let code = browser.text("#outbox code.outbox-code").await;
    assert_eq!(
        Some(code),
        emulator
            .last_message_to("made@example.com")
            .and_then(|m| m.code)
    );
    let screenshot = browser.screenshot().await;
    assert!(screenshot.starts_with(b"\x89PNG"));
    let token = emulator
        .last_message_to("api@example.com")
        .and_then(|m| m.token().map(str::to_owned))
        .unwrap();
    browser.click("#outbox a.outbox-link").await;
    browser.wait_for_source("id=\"token\"").await;
    assert_eq!(browser.text("#token").await, token);

    // Empty the outbox, delete a user, reset everything.
    browser.go(&format!("{base}/")).await;
    browser.click("#clear-outbox button").await;
    eventually("an empty outbox", || async {
        !browser.source().await.contains("outbox-link")
    })
    .await;
    assert!(emulator.outbox().is_empty());
    browser
        .click(&format!("{} button[value=delete]", row("made@example.com")))
        .await;
    eventually("the user deleted", || async {
        !browser
            .source()
            .await
            .contains("data-login-id=\"made@example.com\"")
    })
    .await;
    browser.click("#reset-all button").await;
    eventually("no user left", || async {
        !browser.source().await.contains("data-login-id=")
    })
    .await;
    assert_eq!(emulator.user_count(), 0);
    browser.close().await;
    emulator.stop().await;

    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(target.join("target")).unwrap();
    std::fs::write(target.join("target/console.png"), &screenshot).unwrap();
    if std::env::var("DESCOPE_UPDATE_SCREENSHOT").is_ok_and(|v| v == "1") {
        std::fs::write(target.join("descope-emulator/console.png"), &screenshot).unwrap();
    }
}

#[tokio::test]
async fn the_console_lists_tenants_with_their_members_roles_and_permissions() {
    let Some(driver) = driver_or_skip() else {
        return;
    };
    let emulator = Emulator::builder()
        .hash_cost(HashCost::Fast)
        .management_key("K2console-b2b")
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    let management = client.management();
    management
        .tenants()
        .create("Acme <Corp>")
        .id("T2acme")
        .self_provisioning_domain("acme.com")
        .await
        .unwrap();
    management
        .permissions()
        .create("billing.manage")
        .description("Pay bills")
        .await
        .unwrap();
    management
        .roles()
        .create("admin")
        .tenant("T2acme")
        .permission("billing.manage")
        .await
        .unwrap();
    management
        .users()
        .create("ada@acme.com")
        .tenant("T2acme", ["admin"])
        .await
        .unwrap();
    management
        .users()
        .create("bob@acme.com")
        .tenant("T2acme", Vec::<String>::new())
        .await
        .unwrap();
    management.users().create("eve@example.com").await.unwrap();

    let profile = tempfile::tempdir().unwrap();
    let mut browser = Driver::start(&driver).await;
    browser.open(profile.path()).await;
    browser.go(&format!("{}/", emulator.base_url())).await;
    browser.wait_for_source("id=\"tenants\"").await;
    let tenant = "tr[data-tenant-id=\"T2acme\"]";
    // Names are escaped, members listed with their roles there, non-members left out.
    assert_eq!(
        browser.text(&format!("{tenant} td.name")).await,
        "Acme <Corp>"
    );
    assert_eq!(
        browser.text(&format!("{tenant} td.domains")).await,
        "acme.com"
    );
    assert_eq!(
        browser.text(&format!("{tenant} td.members")).await,
        "ada@acme.com (admin); bob@acme.com"
    );
    assert_eq!(browser.text(&format!("{tenant} td.roles")).await, "admin");
    assert_eq!(
        browser.text("#roles td.permissions").await,
        "billing.manage"
    );
    assert_eq!(browser.text("#roles td.tenant").await, "T2acme");
    assert_eq!(
        browser.text("#permissions td.description").await,
        "Pay bills"
    );

    // Deleting the tenant empties the table at the next load.
    management.tenants().delete("T2acme").await.unwrap();
    browser.go(&format!("{}/", emulator.base_url())).await;
    browser.wait_for_source("id=\"tenants\"").await;
    assert!(!browser.source().await.contains("data-tenant-id=\"T2acme\""));
    browser.close().await;
    emulator.stop().await;
}
