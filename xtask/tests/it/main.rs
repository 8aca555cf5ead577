//! The one integration-test binary of xtask: its commands, and the api-diff corpus.

mod adopt;
mod commands;
mod corpus;
