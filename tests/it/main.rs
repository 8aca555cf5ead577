//! The one integration test binary: modules by concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(feature = "actix")]
mod actix_support;
mod audit;
#[cfg(feature = "axum")]
mod axum_support;
mod b2b;
#[cfg(feature = "axum")]
mod browser;
mod codegen;
#[cfg(feature = "axum")]
mod console;

mod common;
mod config;
mod cookies;
mod errors;
mod federated;
mod hostile;
mod issued;
mod management;
mod properties;
#[cfg(feature = "axum")]
mod proxy;
mod schemas;
mod second_factors;
mod secrets;

mod seeds;
mod sessions;
#[cfg(feature = "actix")]
mod tenant_guards;
mod tokens;
#[cfg(feature = "axum")]
mod tower_layer;
mod typed;
#[cfg(feature = "axum")]
mod web_app;
#[cfg(feature = "axum")]
mod web_federated;
#[cfg(feature = "axum")]
mod web_lifecycle;
#[cfg(feature = "axum")]
mod web_seam;
mod wire;
mod wire_email;
