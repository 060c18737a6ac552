//! Command-line definitions (also the source of completions and the man page).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use n64_common::Verbosity;
use n64_core::{ByteOrder, CicKind};

/// Inspect Nintendo 64 ROM images and whole collections. Never writes to its inputs.
///
/// Exit codes: 0 all good, 1 a problem was found (e.g. an invalid check code), 2 an error
/// occurred (unreadable or non-ROM input, bad usage).
#[derive(Debug, Parser)]
#[command(name = "n64", version, about, long_about)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) verbosity: Verbosity,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print every header field, the CIC and the check code status of ROM files.
    Info(InfoArgs),
    /// Verify the check code of ROM files, and of directories recursively.
    Check(CheckArgs),
    /// List the ROMs found under directories, recognised by content.
    Scan(ScanArgs),
    /// CRC32, MD5 and SHA-1 of ROMs as big-endian (z64) bytes, as DAT files list them.
    Hash(HashArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: n64_common::output::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// Overrides shared by the commands that inspect ROMs.
#[derive(Debug, Args, Clone, Copy)]
pub(crate) struct Overrides {
    /// Use this CIC instead of detecting it: 6101 6102 7101 7102 6103 7103 6105 7105 6106 7106 5101.
    #[arg(long, value_name = "KIND", value_parser = n64_common::parse_arg::<CicKind>)]
    pub(crate) cic: Option<CicKind>,
    /// Use this byte order instead of detecting it.
    #[arg(long, value_name = "ORDER", value_parser = n64_common::parse_arg::<ByteOrder>)]
    pub(crate) byte_order: Option<ByteOrder>,
}

impl Overrides {
    pub(crate) fn options(self) -> n64_core::InspectOptions {
        n64_core::InspectOptions { order: self.byte_order, cic: self.cic }
    }
}

#[derive(Debug, Args)]
pub(crate) struct InfoArgs {
    /// One JSON object per ROM per line.
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) overrides: Overrides,
    /// ROM files.
    #[arg(required = true, value_name = "ROM")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) overrides: Overrides,
    /// Files or directories (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// One JSON object per ROM per line, then a summary line.
    #[arg(long, conflicts_with = "csv")]
    pub(crate) json: bool,
    /// Comma-separated values with a header row.
    #[arg(long)]
    pub(crate) csv: bool,
    /// Also list files that are not ROMs, with the reason.
    #[arg(long)]
    pub(crate) all: bool,
    /// Directories (or files) to scan.
    #[arg(required = true, value_name = "DIR")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct HashArgs {
    /// One JSON object per ROM per line.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also hash the file as stored (not converted to big-endian).
    #[arg(long)]
    pub(crate) as_stored: bool,
    /// Use this byte order instead of detecting it.
    #[arg(long, value_name = "ORDER", value_parser = n64_common::parse_arg::<ByteOrder>)]
    pub(crate) byte_order: Option<ByteOrder>,
    /// ROM files.
    #[arg(required = true, value_name = "ROM")]
    pub(crate) paths: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        super::Cli::command().debug_assert();
    }
}
