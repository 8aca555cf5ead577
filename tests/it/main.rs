//! The one integration test binary: modules by concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
#[cfg(feature = "axum")]
mod axum_support;
mod codegen;

mod common;
mod config;
mod cookies;
mod errors;
mod hostile;
mod properties;
mod schemas;
mod secrets;

mod seeds;
mod sessions;
mod tokens;
mod typed;
#[cfg(feature = "axum")]
mod web_app;
mod wire;
