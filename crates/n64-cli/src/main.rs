//! `n64`: inspect Nintendo 64 ROM images and collections. It never writes to its inputs.

mod check;
mod cli;
mod hash;
mod info;
mod scan;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use n64_common::{Exit, init_logging, output};

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbosity);
    let result = match &cli.command {
        Command::Info(args) => info::run(args),
        Command::Check(args) => check::run(args, cli.verbosity.is_quiet()),
        Command::Scan(args) => scan::run(args, !cli.verbosity.allows_progress()),
        Command::Hash(args) => hash::run(args),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            output::with_stdout(|out| {
                clap_complete::generate(*shell, &mut command, "n64", out);
                Ok(Exit::Ok)
            })
        }
        Command::Man => output::with_stdout(|out| clap_mangen::Man::new(Cli::command()).render(out).map(|()| Exit::Ok)),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(output::Stop::BrokenPipe) => Exit::Ok.into(),
        Err(output::Stop::Io(e)) => {
            output::error_line(&format!("n64: cannot write output: {e}"));
            Exit::Error.into()
        }
    }
}
