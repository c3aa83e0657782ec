//! `asynclint`: parse the arguments, run the command, exit with its status.

use clap::Parser;

/// See Cargo.toml for why jemalloc.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (the `_rjem_` prefix is the crate's). One
/// arena instead of four per core: the workers allocate little outside their thread
/// caches, and each arena's partly used pages added 2 MB to the peak memory on
/// homeassistant, for no measurable CPU time.
#[export_name = "_rjem_malloc_conf"]
static JEMALLOC_OPTIONS: &[u8; 10] = b"narenas:1\0";

fn main() -> std::process::ExitCode {
    let cli = asynclint::cli::Cli::parse();
    asynclint::cli::run(cli)
}
