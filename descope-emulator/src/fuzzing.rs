//! Entry points for the fuzz targets in `fuzz/` (compiled only with `--cfg fuzzing`, which
//! `cargo fuzz` sets): the emulator's request-body and seed-file parsers.

use std::sync::OnceLock;

use descope::wire::*;
use serde::de::DeserializeOwned;

use crate::server::parse;
use crate::{HashCost, SeedFile};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap_or_else(|e| panic!("no runtime for the fuzz target: {e}"))
    })
}

async fn body<T: DeserializeOwned>(bytes: &[u8]) {
    let _ = parse::<T>(axum::body::Body::from(bytes.to_vec())).await;
}

/// Parses `bytes` as the body of every request the emulator reads, as it reads them (size
/// limit, empty as `{}`, field errors named).
pub fn request_body(bytes: &[u8]) {
    runtime().block_on(async {
        body::<PasswordSignUpRequest>(bytes).await;
        body::<PasswordSignInRequest>(bytes).await;
        body::<PasswordReplaceRequest>(bytes).await;
        body::<PasswordUpdateRequest>(bytes).await;
        body::<PasswordResetRequest>(bytes).await;
        body::<OtpSignUpRequest>(bytes).await;
        body::<OtpSignInRequest>(bytes).await;
        body::<OtpVerifyRequest>(bytes).await;
        body::<OtpUpdateEmailRequest>(bytes).await;
        body::<LinkSignUpRequest>(bytes).await;
        body::<LinkSignInRequest>(bytes).await;
        body::<LinkVerifyRequest>(bytes).await;
        body::<LinkUpdateEmailRequest>(bytes).await;
        body::<PendingSessionRequest>(bytes).await;
        body::<SelectTenantRequest>(bytes).await;
        body::<ExchangeAccessKeyRequest>(bytes).await;
        body::<CreateUserRequest>(bytes).await;
        body::<DeleteUserRequest>(bytes).await;
        body::<UpdateUserStatusRequest>(bytes).await;
        body::<UpdateUserRolesRequest>(bytes).await;
        body::<UpdateUserTenantRequest>(bytes).await;
        body::<SetUserPasswordRequest>(bytes).await;
        body::<ExpirePasswordRequest>(bytes).await;
        body::<UserLogoutRequest>(bytes).await;
    });
}

/// Reads `text` as a seed file and checks its users as an import does (hashing at the fast
/// cost; seeds of more than 8 users are only parsed, to keep each run short). Returns whether
/// the import would take it.
pub fn seed_file(text: &str) -> bool {
    let Ok(seed) = SeedFile::from_json(text) else {
        return false;
    };
    if seed.users.len() > 8 {
        return true;
    }
    seed.users(HashCost::Fast, 1_800_000_000).is_ok()
}
