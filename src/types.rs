//! The request and response types of the API, generated from `openapi.yaml`.
//!
//! Field names are snake case; their JSON names are exactly those on the wire. Every response
//! field is optional: the service omits what does not apply and sends `null` freely.

pub use crate::generated::types::{
    EmptyRequest, EmptyResponse, ErrorResponse, IdpResponse, Jwk, JwtResponse, KeysResponse,
    LoginOptions, PasswordPolicyResponse, PasswordReplaceRequest, PasswordResetRequest,
    PasswordResetResponse, PasswordSignInRequest, PasswordSignUpRequest, PasswordUpdateRequest,
    ResponseUser, SignUpOptions, SignUpUser, UserTenant,
};

/// The JSON Schema of every public request and response type, by type name, in a stable order.
///
/// A spec edit shows up as a change here; the test suite pins each one with a snapshot.
pub fn json_schemas() -> Vec<(&'static str, schemars::schema::RootSchema)> {
    macro_rules! schemas {
        ($($ty:ident),* $(,)?) => {
            vec![$((stringify!($ty), schemars::schema_for!($ty))),*]
        };
    }
    schemas![
        EmptyRequest,
        EmptyResponse,
        ErrorResponse,
        IdpResponse,
        Jwk,
        JwtResponse,
        KeysResponse,
        LoginOptions,
        PasswordPolicyResponse,
        PasswordReplaceRequest,
        PasswordResetRequest,
        PasswordResetResponse,
        PasswordSignInRequest,
        PasswordSignUpRequest,
        PasswordUpdateRequest,
        ResponseUser,
        SignUpOptions,
        SignUpUser,
        UserTenant,
    ]
}
