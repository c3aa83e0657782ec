//! The crate index: the functions of every scanned crate, for calls across files.

/// Functions of the scanned crates, collected in the first pass.
#[derive(Debug, Default)]
pub struct CrateIndex {}
