//! The `descope-emulator` binary: its first line, signals and `--state`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use descope::Client;

const PASSWORD: &str = "Binary-Passw0rd";

pub struct Running {
    child: Child,
    pub base_url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn spawn(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_descope-emulator"))
        .args(["--addr", "127.0.0.1:0", "--hash-cost", "fast"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base_url = first
        .trim_end()
        .strip_prefix("DESCOPE_BASE_URL=http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    Running { child, base_url }
}

pub fn signal(running: &Running, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

pub fn wait_exit(running: &mut Running) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the emulator did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn client(running: &Running, project: &str) -> Client {
    Client::builder()
        .project_id(project)
        .base_url(&running.base_url)
        .build()
        .unwrap()
}

/// A new temporary directory (removed when dropped) and a state file path inside it.
pub fn state_path() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("descope-emulator-it-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("state.json");
    (dir, path)
}

#[tokio::test]
async fn first_line_and_clean_exit_on_sigterm_and_sigint() {
    for name in ["TERM", "INT"] {
        let mut running = spawn(&["--project-id", "P2bin"]);
        client(&running, "P2bin").password().policy().await.unwrap();
        signal(&running, name);
        assert!(wait_exit(&mut running).success(), "SIG{name} exits with 0");
    }
}

#[test]
fn help_documents_the_flags() {
    let output = Command::new(env!("CARGO_BIN_EXE_descope-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--addr",
        "--project-id",
        "--password-min-length",
        "--session-ttl",
        "--refresh-ttl",
        "--rotate-refresh-tokens",
        "--tokens-in-cookies",
        "--rate-limit",
        "--hash-cost",
        "--state",
        "--management-key",
        "--access-key",
        "--reset-method",
        "--redirect-url",
        "--code-ttl",
        "--reset-requires-verified-email",
        "--import",
        "--export-on-exit",
        "--console-public",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
}

#[tokio::test]
async fn management_and_access_key_flags_and_management_state_survive_a_restart() {
    let (_dir, path) = state_path();
    let state = path.to_str().unwrap();
    let args = [
        "--project-id",
        "P2mgmt",
        "--state",
        state,
        "--management-key",
        "K2flag-key",
        "--access-key",
        "A2first",
        "--access-key",
        "A2second",
    ];
    let mut running = spawn(&args);
    let managed = Client::builder()
        .project_id("P2mgmt")
        .base_url(&running.base_url)
        .management_key("K2flag-key")
        .build()
        .unwrap();
    let users = managed.management().users();
    users.create("ops@example.com").role("ops").await.unwrap();
    users
        .set_temporary_password("ops@example.com", PASSWORD)
        .await
        .unwrap();
    users.disable("ops@example.com").await.unwrap();
    let first = managed.access_keys().exchange("A2first").await.unwrap();
    let second = managed.access_keys().exchange("A2second").await.unwrap();
    assert_ne!(first.key_id, second.key_id);
    let wrong = client(&running, "P2mgmt");
    assert!(matches!(
        wrong.management().users().load("ops@example.com").await,
        Err(descope::Error::Config(_))
    ));
    signal(&running, "TERM");
    assert!(wait_exit(&mut running).success());
    drop(running);

    // Status, roles and the expired password survive; access-key IDs are stable.
    let running = spawn(&args);
    let managed = Client::builder()
        .project_id("P2mgmt")
        .base_url(&running.base_url)
        .management_key("K2flag-key")
        .build()
        .unwrap();
    let user = managed
        .management()
        .users()
        .load("ops@example.com")
        .await
        .unwrap();
    assert_eq!(user.status, descope::UserStatus::Disabled);
    assert!(user.has_role("ops"));
    managed
        .management()
        .users()
        .enable("ops@example.com")
        .await
        .unwrap();
    let refused = managed
        .password()
        .sign_in("ops@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(
        refused.status(),
        Some(403),
        "the temporary password must be replaced"
    );
    let again = managed.access_keys().exchange("A2first").await.unwrap();
    assert_eq!(again.key_id, first.key_id);
}

#[tokio::test]
async fn state_survives_a_restart() {
    let (_dir, path) = state_path();
    let state = path.to_str().unwrap();
    let mut running = spawn(&["--project-id", "P2state", "--state", state]);
    let auth = client(&running, "P2state")
        .password()
        .sign_up("ada@example.com", PASSWORD)
        .await
        .unwrap();
    signal(&running, "TERM");
    assert!(wait_exit(&mut running).success());
    drop(running);

    let running = spawn(&["--project-id", "P2state", "--state", state]);
    let again = client(&running, "P2state");
    let signed_in = again
        .password()
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(signed_in.user.user_id, auth.user.user_id);
    // Sessions and keys persist too: the refresh JWT from before the restart still works.
    again.sessions().me(&auth.refresh_jwt).await.unwrap();
    let other = Command::new(env!("CARGO_BIN_EXE_descope-emulator"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--project-id",
            "P2other",
            "--state",
            state,
        ])
        .output()
        .unwrap();
    assert!(
        !other.status.success(),
        "a state file of another project is refused"
    );
    assert!(String::from_utf8_lossy(&other.stderr).contains("P2state"));
}

#[tokio::test]
async fn a_killed_emulator_never_leaves_a_torn_state_file() {
    let (_dir, path) = state_path();
    let state = path.to_str().unwrap();
    let running = spawn(&["--project-id", "P2kill", "--state", state]);
    let client = client(&running, "P2kill");
    for i in 0..20 {
        client
            .password()
            .sign_up(format!("user{i}@example.com"), PASSWORD)
            .await
            .unwrap();
    }
    drop(running); // SIGKILL, mid-write or not
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed: serde_json::Value =
        serde_json::from_str(&text).expect("the state file is whole JSON");
    assert_eq!(parsed["projectId"], "P2kill");
    let running = spawn(&["--project-id", "P2kill", "--state", state]);
    crate::binary::client(&running, "P2kill")
        .password()
        .policy()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_given_signing_key_is_used_and_never_printed() {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair as _;
    use base64::Engine;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let der = pair.as_der().unwrap().as_ref().to_vec();
    let body = base64::engine::general_purpose::STANDARD.encode(&der);
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
    let (_dir, path) = state_path();
    let path = path.with_file_name("key.pem");
    std::fs::write(&path, pem).unwrap();
    let running = spawn(&[
        "--project-id",
        "P2key",
        "--signing-key",
        path.to_str().unwrap(),
    ]);
    let keys = client(&running, "P2key").sessions().keys().await.unwrap();
    let n = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
        pair.public_key()
            .modulus()
            .big_endian_without_leading_zero(),
    );
    assert_eq!(keys[0].n.as_deref(), Some(n.as_str()));

    let builder = descope_emulator::Emulator::builder()
        .signing_key_file(&path)
        .unwrap();
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains(&body[..40]) && shown.contains("[redacted]"),
        "{shown}"
    );
    let broken = path.with_file_name("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    assert!(descope_emulator::Emulator::builder()
        .signing_key_file(&broken)
        .is_err());
}

#[tokio::test]
async fn import_at_start_and_export_on_a_clean_stop() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    let export = dir.path().join("export.json");
    std::fs::write(
        &seed,
        format!(r#"{{"users":[{{"loginId":"seeded@example.com","password":"{PASSWORD}","roles":["admin"]}}]}}"#),
    )
    .unwrap();
    let mut running = spawn(&[
        "--project-id",
        "P2seeded",
        "--import",
        seed.to_str().unwrap(),
        "--export-on-exit",
        export.to_str().unwrap(),
    ]);
    let client = client(&running, "P2seeded");
    let auth = client
        .password()
        .sign_in("seeded@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(auth.user.roles, vec!["admin".to_owned()]);
    // The console is the page at the printed URL.
    let page = reqwest::get(format!("{}/", running.base_url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-login-id=\"seeded@example.com\""));
    signal(&running, "TERM");
    assert!(wait_exit(&mut running).success());
    let written = descope_emulator::SeedFile::read(&export).unwrap();
    assert_eq!(written.users[0].login_id, "seeded@example.com");
    assert!(written.users[0].password_hash.is_some());
}

#[test]
fn a_bad_seed_file_is_refused_and_nothing_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        r#"{"users":[{"loginId":"ok"},{"loginId":"bad","status":"gone"}]}"#,
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_descope-emulator"))
        .args(["--addr", "127.0.0.1:0", "--import", seed.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "nothing served, no URL printed");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("users[1] (login ID \"bad\"): status"),
        "{stderr}"
    );
}
