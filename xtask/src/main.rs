//! `cargo xtask`: project automation for n64-tools (see the library docs).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use xtask::ci::Step;

/// Project automation for n64-tools.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the synthetic ROM fixtures and testdata/MANIFEST.json.
    Fixtures {
        /// Do not write: regenerate into a temporary directory and compare with testdata/.
        #[arg(long)]
        check: bool,
        /// Use this directory instead of testdata/.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Write crates/n64-core/src/game_db/table.rs from crates/n64-core/data/game-db.tsv.
    GameDb {
        /// Do not write: regenerate in memory and fail when the committed table differs.
        #[arg(long)]
        check: bool,
    },
    /// Run the CI steps (all of them when none is named).
    Ci {
        /// Run every step even after one fails.
        #[arg(long)]
        keep_going: bool,
        /// The steps to run, in order.
        #[arg(value_enum, value_name = "STEP")]
        steps: Vec<Step>,
    },
    /// Install the PyPI tools the tests compare with into target/oracle-venv.
    Oracles,
    /// Write the fuzzers' seed inputs that tests build (fuzz/corpus/{yaz0,yay0,mio0,scan}/seed-*).
    FuzzSeeds,
    /// Time the release binaries beside baselines on generated data (docs/PERFORMANCE.md).
    Bench(xtask::bench::Options),
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Fixtures { check, dir } => {
            let dir = dir.unwrap_or_else(xtask::testdata_dir);
            if check {
                xtask::fixtures::check(&dir)?;
                eprintln!("xtask: {} is up to date", dir.display());
            } else {
                xtask::fixtures::write(&dir).with_context(|| format!("writing fixtures to {}", dir.display()))?;
                eprintln!("xtask: wrote the fixtures to {}", dir.display());
            }
            Ok(())
        }
        Command::GameDb { check } => {
            let root = xtask::workspace_root();
            if check {
                xtask::game_db::check(&root)?;
                eprintln!("xtask: {} is up to date", xtask::game_db::TABLE);
            } else {
                let path = xtask::game_db::write(&root)?;
                eprintln!("xtask: wrote {}", path.display());
            }
            Ok(())
        }
        Command::Ci { keep_going, steps } => xtask::ci::run(&xtask::workspace_root(), &steps, keep_going),
        Command::Oracles => xtask::oracles::install(&xtask::workspace_root().join("target/oracle-venv")),
        Command::Bench(options) => xtask::bench::run(&xtask::workspace_root(), &options),
        Command::FuzzSeeds => write_fuzz_seeds(),
    }
}

/// The seeds are built by n64-assets' tests (from crunch64 blocks and libdragon-style images),
/// which write them when `N64_WRITE_FUZZ_SEEDS` is set.
fn write_fuzz_seeds() -> Result<()> {
    let status = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(xtask::workspace_root())
        .args(["test", "-p", "n64-assets", "--test", "codec", "--test", "scan", "fuzz_seeds"])
        .env("N64_WRITE_FUZZ_SEEDS", "1")
        .status()
        .context("running cargo test")?;
    anyhow::ensure!(status.success(), "the seed tests failed ({status})");
    eprintln!("xtask: wrote the seeds under fuzz/corpus/");
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
