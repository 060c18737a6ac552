//! `n64`: inspect Nintendo 64 ROM images and collections. It never writes to its inputs.

mod assets;
mod check;
mod cli;
mod disk;
mod everdrive;
mod extract;
mod hash;
mod info;
mod patch_info;
mod scan;
mod texture;
mod verify;
mod whole_rom;

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
        Command::Info(args) => info::run(args),
        Command::Check(args) => check::run(args, cli.verbosity),
        Command::Scan(args) => scan::run(args, cli.verbosity),
        Command::Hash(args) => hash::run(args, cli.verbosity),
        Command::Verify(args) => verify::run(args, cli.verbosity),
        Command::PatchInfo(args) => patch_info::run(args, cli.verbosity),
        Command::Assets(args) => assets::run(args, cli.verbosity),
        Command::Extract(args) => extract::run(args, cli.verbosity),
        Command::Texture(args) => texture::run(args, cli.verbosity),
        Command::Docs(docs) => docs.run(Cli::command()),
    };
    output::exit_code("n64", result)
}
