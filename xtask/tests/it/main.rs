//! The one integration-test binary of xtask: its commands, and the api-diff corpus.

mod commands;
mod corpus;
