//! `asynclint`: parse the arguments, run the command, exit with its status.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = asynclint::cli::Cli::parse();
    asynclint::cli::run(cli)
}
