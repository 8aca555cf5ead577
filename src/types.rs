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
