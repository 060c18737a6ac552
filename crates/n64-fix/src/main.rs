//! `n64-fix`: repair and normalise Nintendo 64 ROM files, writing every change atomically.

mod cli;
mod convert;
mod crc;
mod header;
mod make_patch;
mod normalize;
mod own_files;
mod pad;
mod patch;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use n64_common::{init_logging, output};

use crate::cli::{Cli, Command};

/// The system allocator, with huge pages hinted for the whole ROM images some commands hold.
#[global_allocator]
static ALLOCATOR: n64_common::HugePageHint = n64_common::HugePageHint;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbosity);
    let result = match &cli.command {
        Command::Crc(args) => crc::run(args, cli.verbosity),
        Command::Header(args) => header::run(args),
        Command::Convert(args) => convert::run(args, cli.verbosity),
        Command::Normalize(args) => normalize::run(args, cli.verbosity),
        Command::Pad(args) => pad::run(args, cli.verbosity),
        Command::Patch(args) => patch::run(args),
        Command::MakePatch(args) => make_patch::run(args),
        Command::Docs(docs) => docs.run(Cli::command()),
    };
    output::exit_code("n64-fix", result)
}
