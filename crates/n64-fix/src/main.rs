//! `n64-fix`: repair and normalise Nintendo 64 ROM files, writing every change atomically.

mod cli;
mod convert;
mod crc;
mod header;
mod normalize;
mod own_files;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use n64_common::output::{self, Stop};
use n64_common::{Exit, init_logging};

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbosity);
    let result = match &cli.command {
        Command::Crc(args) => crc::run(args, cli.verbosity),
        Command::Header(args) => header::run(args),
        Command::Convert(args) => convert::run(args, cli.verbosity),
        Command::Normalize(args) => normalize::run(args, cli.verbosity),
        Command::Completions { shell } => print(n64_common::completion_script(Cli::command(), *shell).as_bytes()),
        Command::Man { page } => match n64_common::man_page(Cli::command(), page.as_deref()) {
            Ok(page) => print(&page),
            Err(message) => Ok(n64_common::batch::usage_error("n64-fix", message)),
        },
    };
    output::exit_code("n64-fix", result)
}

fn print(bytes: &[u8]) -> Result<Exit, Stop> {
    output::with_stdout(|out| out.write_all(bytes))?;
    Ok(Exit::Ok)
}
