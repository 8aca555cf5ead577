//! The emulator's one integration test binary: modules by concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod binary;
mod email;
mod faults;
mod flows;
mod keys;
mod management;
mod network;
mod sdk_shapes;
mod seeds;
