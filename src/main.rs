//! `asynclint`: parse the arguments, run the command, exit with its status.

use clap::Parser;

/// See Cargo.toml for why jemalloc.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    let cli = asynclint::cli::Cli::parse();
    asynclint::cli::run(cli)
}
