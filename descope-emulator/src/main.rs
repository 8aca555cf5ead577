//! `descope-emulator`: a local Descope service for development and tests.
//!
//! Prints `DESCOPE_BASE_URL=http://127.0.0.1:<port>` as its first stdout line, logs to stderr,
//! and exits cleanly on SIGINT or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgAction, Parser};
use descope_emulator::{Emulator, HashCost, PasswordPolicy};

/// A local Descope emulator: password sign-up/sign-in, email codes and links (to an outbox),
/// sessions and keys, on loopback.
#[derive(Parser, Debug)]
#[command(name = "descope-emulator", version)]
struct Args {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// The project ID to answer for (alphanumeric).
    #[arg(long, default_value = descope_emulator::DEFAULT_PROJECT_ID)]
    project_id: String,
    /// Minimum password length.
    #[arg(long, default_value_t = 8)]
    password_min_length: u32,
    /// Require a lowercase letter.
    #[arg(long, action = ArgAction::Set, default_value_t = true)]
    password_lowercase: bool,
    /// Require an uppercase letter.
    #[arg(long, action = ArgAction::Set, default_value_t = true)]
    password_uppercase: bool,
    /// Require a digit.
    #[arg(long, action = ArgAction::Set, default_value_t = true)]
    password_number: bool,
    /// Require a character that is not a letter or digit.
    #[arg(long, action = ArgAction::Set, default_value_t = false)]
    password_non_alphanumeric: bool,
    /// Session JWT lifetime, in seconds.
    #[arg(long, default_value_t = 600)]
    session_ttl: u64,
    /// Refresh JWT lifetime, in seconds.
    #[arg(long, default_value_t = 30 * 24 * 3600)]
    refresh_ttl: u64,
    /// Rotate refresh JWTs on every refresh.
    #[arg(long)]
    rotate_refresh_tokens: bool,
    /// "Manage tokens in cookies" mode: tokens only in Set-Cookie DS/DSR.
    #[arg(long)]
    tokens_in_cookies: bool,
    /// Cookie domain reported in responses.
    #[arg(long)]
    cookie_domain: Option<String>,
    /// Rate limit: requests allowed per window (then 429 with Retry-After). Off when absent.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// Rate-limit window, in seconds.
    #[arg(long, default_value_t = 10)]
    rate_limit_window: u64,
    /// Password hashing cost: `production` (argon2id, 19 MiB) or `fast` (for tests).
    #[arg(long, default_value = "production")]
    hash_cost: HashCost,
    /// Persist users, sessions and keys in this JSON file (written atomically).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Sign with this RSA private key (PKCS#8, PEM or DER) instead of a new one per start.
    #[arg(long)]
    signing_key: Option<PathBuf>,
    /// Keep the development signing key in this file between starts (created on first use,
    /// mode 0600), so a start needs no RSA generation. Defaults to
    /// `$XDG_CACHE_HOME/descope-emulator/dev-signing-key.der` (or under `~/.cache`).
    #[arg(long, conflicts_with = "no_key_cache")]
    key_cache: Option<PathBuf>,
    /// Generate a new signing key on every start (a start then takes tens to hundreds of ms)
    /// instead of using the key cache.
    #[arg(long)]
    no_key_cache: bool,
    /// The management key management calls must carry (`Bearer <projectId>:<key>`). Without
    /// one, every management call is refused.
    #[arg(long)]
    management_key: Option<String>,
    /// An access key that exchanges for a session JWT (repeatable).
    #[arg(long = "access-key")]
    access_keys: Vec<String>,
    /// How a password reset completes: `magiclink`, `enchantedlink` or `otp` (delivered to the
    /// outbox, `GET /emulator/v1/outbox`).
    #[arg(long, default_value = "magiclink")]
    reset_method: descope_emulator::Method,
    /// Where emailed links lead when a request names no redirect URL. Defaults to the
    /// emulator's own page that shows the token (`/emulator/v1/link`).
    #[arg(long)]
    redirect_url: Option<String>,
    /// How long emailed codes and links stay valid, in seconds.
    #[arg(long, default_value_t = 600)]
    code_ttl: u64,
    /// Refuse a password reset for a user whose email is not verified.
    #[arg(long)]
    reset_requires_verified_email: bool,
    /// Start from the users of this seed file (replacing those of --state). A bad file is
    /// refused, naming the user and the field, and nothing is served.
    #[arg(long)]
    import: Option<PathBuf>,
    /// Write the users as a seed file here on a clean stop (SIGINT, SIGTERM).
    #[arg(long)]
    export_on_exit: Option<PathBuf>,
    /// Serve the console page (`GET /`) to every peer, read-only and without codes or links,
    /// not only to loopback ones. The outbox, export, import and console actions stay for
    /// loopback peers or the management key.
    #[arg(long)]
    console_public: bool,
    /// A DNS name the console and `/emulator/v1/*` may be reached by, besides `localhost` and IP
    /// addresses (requests naming another host are refused: DNS rebinding). Repeatable.
    #[arg(long, value_name = "NAME")]
    public_host: Vec<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let policy = {
        let mut policy = PasswordPolicy::min_length_only(args.password_min_length);
        policy.lowercase = args.password_lowercase;
        policy.uppercase = args.password_uppercase;
        policy.number = args.password_number;
        policy.non_alphanumeric = args.password_non_alphanumeric;
        policy
    };
    let mut builder = Emulator::builder()
        .addr(args.addr)
        .project_id(&args.project_id)
        .password_policy(policy)
        .session_ttl(Duration::from_secs(args.session_ttl))
        .refresh_ttl(Duration::from_secs(args.refresh_ttl))
        .rotate_refresh_tokens(args.rotate_refresh_tokens)
        .tokens_in_cookies(args.tokens_in_cookies)
        .hash_cost(args.hash_cost);
    if let Some(domain) = args.cookie_domain {
        builder = builder.cookie_domain(domain);
    }
    if let Some(requests) = args.rate_limit {
        builder = builder.rate_limit(requests, Duration::from_secs(args.rate_limit_window));
    }
    if let Some(key) = args.management_key {
        builder = builder.management_key(key);
    }
    for key in args.access_keys {
        builder = builder.access_key(key);
    }
    builder = builder
        .reset_method(args.reset_method)
        .code_ttl(Duration::from_secs(args.code_ttl))
        .reset_requires_verified_email(args.reset_requires_verified_email);
    if let Some(url) = &args.redirect_url {
        builder = builder.redirect_url(url);
    }
    if let Some(state) = &args.state {
        builder = builder.state_file(state);
    }
    if let Some(seed) = &args.import {
        builder = builder.import_file(seed);
    }
    if let Some(export) = &args.export_on_exit {
        builder = builder.export_on_exit(export);
    }
    builder = builder.console_public(args.console_public);
    for host in &args.public_host {
        builder = builder.public_host(host);
    }
    if !args.no_key_cache {
        let cache = args.key_cache.clone().or_else(|| {
            descope_emulator::default_signing_key_cache(|name| std::env::var(name).ok())
        });
        if let Some(cache) = cache {
            builder = builder.signing_key_cache(cache);
        }
    }
    if let Some(key) = &args.signing_key {
        builder = match builder.signing_key_file(key) {
            Ok(builder) => builder,
            Err(e) => {
                eprintln!("descope-emulator: {e}");
                return ExitCode::FAILURE;
            }
        };
    }

    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("descope-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "DESCOPE_BASE_URL={}", emulator.base_url());
    let _ = stdout.flush();
    // Seed aws-lc's generator (used when signing) now, off the request path: its first use
    // samples CPU jitter for tens of milliseconds, which the first sign-in would otherwise wait for.
    tokio::task::spawn_blocking(|| {
        let mut byte = [0u8; 1];
        let _ = aws_lc_rs::rand::fill(&mut byte);
    });
    eprintln!(
        "descope-emulator: serving project {} at {} (console: open it in a browser; hash cost {:?}{})",
        emulator.project_id(),
        emulator.base_url(),
        args.hash_cost,
        args.state
            .as_ref()
            .map(|p| format!(", state in {}", p.display()))
            .unwrap_or_default()
    );
    let signal = wait_for_signal().await;
    eprintln!("descope-emulator: {signal}, stopping");
    emulator.stop().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return "interrupted";
        };
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "interrupted"
    }
}
