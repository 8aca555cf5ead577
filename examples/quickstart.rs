//! The quickstart: every password operation, end to end.
//!
//! ```sh
//! cargo run --example quickstart --features emulator
//! ```
//!
//! Runs against the embedded emulator; with `DESCOPE_BASE_URL` and `DESCOPE_PROJECT_ID` set it
//! runs the same flow against that server instead. Tokens are never printed in full.

use descope::emulator::{Emulator, HashCost};
use descope::{Client, Error};

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

    let auth = client
        .password()
        .sign_up(&login_id, password)
        .name("Ada Lovelace")
        .email(&login_id)
        .await?;
    let user_id = auth
        .user
        .as_ref()
        .and_then(|u| u.user_id.clone())
        .unwrap_or_default();
    println!(
        "sign-up    {login_id} -> user {user_id}, first seen: {}",
        auth.first_seen
    );
    println!(
        "           session JWT {}",
        preview(auth.session_jwt.secret())
    );

    let auth = client.password().sign_in(&login_id, password).await?;
    println!(
        "sign-in    session JWT {}",
        preview(auth.session_jwt.secret())
    );

    let policy = client.password().policy().await?;
    println!(
        "policy     min length {}, lowercase {}, uppercase {}, digit {}, symbol {}",
        policy.min_length.unwrap_or_default(),
        policy.lowercase.unwrap_or_default(),
        policy.uppercase.unwrap_or_default(),
        policy.number.unwrap_or_default(),
        policy.non_alphanumeric.unwrap_or_default(),
    );

    let auth = client
        .password()
        .replace(&login_id, password, new_password)
        .await?;
    println!(
        "replace    password replaced, signed in again: {}",
        preview(auth.session_jwt.secret())
    );

    let auth = client.password().sign_in(&login_id, new_password).await?;
    println!("sign-in    with the new password: ok");

    match client.password().sign_in(&login_id, password).await {
        Err(Error::Api(api)) => println!(
            "sign-in    with the old password refused: HTTP {}, code {}",
            api.status,
            api.code.as_ref().map(|c| c.as_str()).unwrap_or("none")
        ),
        Err(other) => return Err(other.into()),
        Ok(_) => return Err("the old password still works".into()),
    }

    let sent = client
        .password()
        .send_reset(&login_id)
        .redirect_url("http://localhost:3000/reset")
        .await?;
    println!(
        "reset      sent by {} to {}",
        sent.reset_method.as_deref().unwrap_or("?"),
        sent.masked_email.as_deref().unwrap_or("?")
    );

    let refresh = auth
        .refresh_jwt
        .ok_or("the sign-in returned no refresh JWT")?;
    client
        .password()
        .update(&login_id, "Quickstart-Upd4ted-Passw0rd", &refresh)
        .await?;
    println!(
        "update     password updated with the refresh JWT {}",
        preview(refresh.secret())
    );

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
