//! `n64`: inspect Nintendo 64 ROM images and collections. It never writes to its inputs.

mod check;
mod cli;
mod hash;
mod info;
mod scan;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use n64_common::output::{self, Stop};
use n64_common::{Exit, init_logging};

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbosity);
    let result = match &cli.command {
        Command::Info(args) => info::run(args),
        Command::Check(args) => check::run(args, cli.verbosity),
        Command::Scan(args) => scan::run(args, cli.verbosity),
        Command::Hash(args) => hash::run(args, cli.verbosity),
        Command::Completions { shell } => print(n64_common::completion_script(Cli::command(), *shell).as_bytes()),
        Command::Man { page } => match n64_common::man_page(Cli::command(), page.as_deref()) {
            Ok(page) => print(&page),
            Err(message) => Ok(n64_common::batch::usage_error("n64", message)),
        },
    };
    output::exit_code("n64", result)
}

fn print(bytes: &[u8]) -> Result<Exit, Stop> {
    output::with_stdout(|out| out.write_all(bytes))?;
    Ok(Exit::Ok)
}
