//! "Lint this Rust text": bytes through decoding, the index summary, the lint with
//! suppression comments applied, positions, and every output format.
#![no_main]

mod common;

use asynclint::discover::Language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::lint(Language::Rust, data));
