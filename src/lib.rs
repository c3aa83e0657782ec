//! asynclint: finds async-code misuse in Python (asyncio) and Rust (tokio / futures).
//!
//! The core never prints: [`engine`] turns paths into per-file diagnostics; the CLI
//! and output formats render them.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod output;
pub mod paths;
pub mod prefilter;
pub mod python;
pub mod registry;
pub mod rust;
pub mod server;
pub mod settings;
pub mod source;
pub mod suppression;
