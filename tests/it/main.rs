//! The one integration test binary: modules by concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod codegen;
mod common;
mod config;
mod errors;
mod secrets;
mod seeds;
mod wire;
