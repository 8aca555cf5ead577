//! The quickstart: every password operation end to end, and an admin giving the user a role.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Runs against the embedded emulator; with `DESCOPE_BASE_URL` and `DESCOPE_PROJECT_ID` set it
//! runs the same flow against that server instead. Tokens are never printed in full.

use descope::Client;
use descope_emulator::{Emulator, HashCost};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let external =
        std::env::var("DESCOPE_BASE_URL").is_ok() && std::env::var("DESCOPE_PROJECT_ID").is_ok();
    // Keep the emulator alive for the whole run.
    let (client, emulator) = if external {
        let client = Client::from_env()?;
        println!(
            "server     {} (project {})",
            client.base_url(),
            client.project_id()
        );
        (client, None)
    } else {
        let emulator = Emulator::builder()
            .project_id("P2quickstart")
            .hash_cost(HashCost::Fast)
            // Management calls need a management key; the emulator's client carries it.
            .management_key("K2quickstart-management-key")
            .start()
            .await?;
        println!(
            "emulator   {} (project {})",
            emulator.base_url(),
            emulator.project_id()
        );
        (emulator.client()?, Some(emulator))
    };

    let unique = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis();
    let login_id = format!("ada+{unique}@example.com");
    let password = "Quickstart-Passw0rd";
    let new_password = "Quickstart-N3w-Passw0rd";

    let password_client = client.password();

    // What the project asks of a password, checked locally before anything is sent.
    let policy = password_client.policy().await?;
    let rules: Vec<String> = policy.rules().iter().map(ToString::to_string).collect();
    println!("policy     {}", rules.join(", "));
    if let Err(violation) = policy.check("short") {
        println!("           \"short\" is refused locally: {violation}");
    }

    let auth = password_client
        .sign_up(&login_id, password)
        .name("Ada Lovelace")
        .email(&login_id)
        .await?;
    println!(
        "sign-up    {login_id} -> user {}, first seen: {}",
        auth.user.user_id, auth.first_seen
    );

    let auth = password_client.sign_in(&login_id, password).await?;
    println!(
        "sign-in    session JWT {}",
        preview(auth.session_jwt.secret())
    );

    // On every request to your backend: validate the session JWT locally.
    let session = client.sessions().validate(&auth.session_jwt).await?;
    let left = session
        .expires_at()
        .duration_since(std::time::SystemTime::now())
        .unwrap_or_default();
    println!(
        "validate   user {} (roles {:?}), valid for {} s more",
        session.user_id(),
        session.roles(),
        left.as_secs()
    );

    // An admin gives the user a role (with the management key); it is in the next session.
    if client.has_management_key() {
        let user = client
            .management()
            .users()
            .add_roles(&login_id, ["admin"])
            .await?;
        println!("add role   {} now has roles {:?}", user.user_id, user.roles);
        let auth = password_client.sign_in(&login_id, password).await?;
        let session = client.sessions().validate(&auth.session_jwt).await?;
        println!(
            "validate   the new session has role admin: {}",
            session.has_role("admin")
        );
        if !session.has_role("admin") {
            return Err("the role is missing from the session".into());
        }
    } else {
        println!("add role   skipped: no DESCOPE_MANAGEMENT_KEY");
    }

    let me = client.sessions().me(&auth.refresh_jwt).await?;
    println!(
        "me         {} <{}>",
        me.name.as_deref().unwrap_or("(no name)"),
        me.email.as_deref().unwrap_or("(no email)")
    );

    let auth = password_client
        .replace(&login_id, password, new_password)
        .await?;
    println!(
        "replace    password replaced, signed in again: {}",
        preview(auth.session_jwt.secret())
    );

    match password_client.sign_in(&login_id, password).await {
        Err(e) if e.is_bad_credentials() => {
            println!("sign-in    with the old password refused: {e}")
        }
        Err(other) => return Err(other.into()),
        Ok(_) => return Err("the old password still works".into()),
    }

    let sent = password_client
        .send_reset(&login_id)
        .redirect_url("http://localhost:3000/reset")
        .await?;
    println!(
        "reset      sent by {} to {}",
        sent.method,
        sent.masked_email.as_deref().unwrap_or("?")
    );

    // The reset's link is in the embedded emulator's outbox (a real project emails it).
    let mut current_password = new_password.to_owned();
    let emailed = match &emulator {
        Some(emulator) => emulator.last_message_to(&login_id),
        None => None,
    };
    let token = emailed.and_then(|message| message.token().map(str::to_owned));
    if let Some(token) = token {
        let reset_password = "Quickstart-R3set-Passw0rd";
        let auth = password_client
            .complete_reset_with_magic_link(token, reset_password)
            .await?;
        current_password = reset_password.to_owned();
        println!(
            "reset      completed from the emailed link, signed in: {}",
            preview(auth.session_jwt.secret())
        );
    }

    let auth = password_client
        .sign_in(&login_id, current_password.as_str())
        .await?;
    password_client
        .update(&login_id, "Quickstart-Upd4ted-Passw0rd", &auth.refresh_jwt)
        .await?;
    println!("update     password updated with the refresh JWT");

    let refreshed = client.sessions().refresh(&auth.refresh_jwt).await?;
    let refresh_jwt = &refreshed.refresh_jwt; // the one to use from now on
    println!(
        "refresh    new session JWT {}, rotated refresh JWT: {}",
        preview(refreshed.session_jwt.secret()),
        refreshed.rotated
    );

    client.sessions().logout(refresh_jwt).await?;
    println!("logout     the refresh JWT is revoked");

    if let Some(emulator) = emulator {
        emulator.stop().await;
    }
    println!("done");
    Ok(())
}

/// The first characters of a token and its length, never the whole token.
fn preview(token: &str) -> String {
    let head: String = token.chars().take(12).collect();
    format!("{head}... ({} chars)", token.len())
}
