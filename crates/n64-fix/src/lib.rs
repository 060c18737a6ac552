//! The `n64-fix` binary as a library: the commands, and the two building blocks that keep data
//! safe, [`atomic`] (replace a file in one rename) and [`stream`] (rewrite a ROM with a fixed
//! buffer, whatever its size).
//!
//! Every write goes to a temporary file in the destination's own directory, is synced, then
//! renamed over the destination: an interrupted run leaves each file with either its old or its
//! new content, never a mixture.

pub mod atomic;
mod cli;
mod convert;
mod crc;
mod header;
mod journal;
mod lock;
mod normalize;
mod read;
pub mod stream;
mod template;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use n64_common::init_logging;
use n64_common::output;

use crate::cli::{Cli, Command};

/// The clap definition of the command line (for tests and documentation).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Runs the binary: parses the command line, runs the command, and maps the outcome to the
/// exit code (0 all as it should be, 1 skipped or would change, 2 an error).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbosity);
    let quiet = cli.verbosity.is_quiet();
    let bar = cli.verbosity.allows_progress();
    let result = match &cli.command {
        Command::Crc(args) => crc::run(args, quiet, bar),
        Command::Header(args) => header::run(args),
        Command::Convert(args) => convert::run(args, quiet, bar),
        Command::Normalize(args) => normalize::run(args, quiet, bar),
        Command::Completions { shell } => output::completions(Cli::command(), *shell),
        Command::Man => output::man_page(Cli::command()),
    };
    output::exit_code("n64-fix", result)
}
