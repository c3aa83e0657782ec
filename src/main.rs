//! `asynclint`: parse the arguments, run the command, exit with its status.

use clap::Parser;

/// See Cargo.toml for why jemalloc.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (the `_rjem_` prefix is the crate's).
/// - One arena instead of four per core: the workers allocate little outside their
///   thread caches, and each arena's partly used pages added 2 MB to the peak memory
///   on homeassistant, for no measurable CPU time.
/// - Freed pages go back to the system after 100 ms instead of 10 s: a run lasts
///   about a second, so they were never returned, and the syntax trees of the files
///   linted earlier kept about 1 MB of the peak on homeassistant. (At 0 ms the returns
///   cost more system time than the run's reads.)
#[export_name = "_rjem_malloc_conf"]
static JEMALLOC_OPTIONS: &[u8; 29] = b"narenas:1,dirty_decay_ms:100\0";

fn main() -> std::process::ExitCode {
    let cli = asynclint::cli::Cli::parse();
    asynclint::cli::run(cli)
}
