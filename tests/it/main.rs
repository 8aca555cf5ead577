//! The one integration test binary: modules by concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(all(feature = "axum", feature = "emulator"))]
mod axum_support;
mod codegen;

mod common;
mod config;
mod cookies;
#[cfg(feature = "emulator")]
mod emulator;
#[cfg(feature = "emulator")]
mod emulator_binary;
mod errors;
mod schemas;
mod secrets;

mod seeds;
mod sessions;
mod tokens;
mod wire;
