//! The CI steps, runnable locally: `cargo xtask ci [--keep-going] [STEP...]`.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// One CI step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Step {
    /// `cargo fmt --all --check`.
    Fmt,
    /// `cargo clippy --workspace --all-targets -- -D warnings`.
    Clippy,
    /// `cargo test --workspace`.
    Test,
    /// `cargo doc --workspace --no-deps` with `RUSTDOCFLAGS=-D warnings`.
    Doc,
    /// The fixtures are what the generator writes (`cargo xtask fixtures --check`).
    Fixtures,
}

impl Step {
    /// Every step, in the order CI runs them.
    pub const ALL: [Step; 5] = [Step::Fmt, Step::Clippy, Step::Test, Step::Doc, Step::Fixtures];

    /// The step's name on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Step::Fmt => "fmt",
            Step::Clippy => "clippy",
            Step::Test => "test",
            Step::Doc => "doc",
            Step::Fixtures => "fixtures",
        }
    }

    /// The cargo arguments and extra environment of a step that runs cargo.
    fn cargo_args(self) -> Option<(&'static [&'static str], Env)> {
        match self {
            Step::Fmt => Some((&["fmt", "--all", "--check"], &[])),
            Step::Clippy => Some((&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[])),
            Step::Test => Some((&["test", "--workspace"], &[])),
            Step::Doc => Some((&["doc", "--workspace", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")])),
            Step::Fixtures => None,
        }
    }

    /// What to run locally to reproduce the step, and to fix it where a command does that.
    pub const fn advice(self) -> &'static str {
        match self {
            Step::Fmt => "reproduce with `cargo fmt --all --check`; fix with `cargo fmt --all`",
            Step::Clippy => "reproduce with `cargo clippy --workspace --all-targets -- -D warnings`",
            Step::Test => "reproduce with `cargo test --workspace`",
            Step::Doc => "reproduce with `RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps`",
            Step::Fixtures => "reproduce with `cargo xtask fixtures --check`; fix with `cargo xtask fixtures`",
        }
    }
}

/// Extra environment variables for a step.
type Env = &'static [(&'static str, &'static str)];

/// Where the real test ROMs live, relative to the workspace root.
const ROM_DIR: &str = "../shared/data/roms";

/// Runs `steps` (all of them when empty) from the workspace root. Without `keep_going`, stops
/// at the first failing step. Errors when any step failed.
pub fn run(root: &Path, steps: &[Step], keep_going: bool) -> Result<()> {
    let steps = if steps.is_empty() { &Step::ALL[..] } else { steps };
    let rom_dir = rom_dir(root);
    if let Some(dir) = &rom_dir {
        eprintln!("xtask: N64_ROM_DIR={}", dir.to_string_lossy());
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));

    let mut failed = Vec::new();
    for &step in steps {
        eprintln!("xtask: == {} ==", step.name());
        let outcome = match step.cargo_args() {
            Some((args, envs)) => {
                let mut command = Command::new(&cargo);
                command.args(args).current_dir(root).envs(envs.iter().copied());
                if let Some(dir) = &rom_dir {
                    command.env("N64_ROM_DIR", dir);
                }
                command
                    .status()
                    .with_context(|| format!("running cargo {}", args.join(" ")))
                    .and_then(|status| if status.success() { Ok(()) } else { bail!("cargo exited with {status}") })
            }
            None => crate::fixtures::check(&root.join("testdata")),
        };
        if let Err(error) = outcome {
            eprintln!("xtask: step `{}` failed: {error:#}", step.name());
            eprintln!("xtask: {}", step.advice());
            failed.push(step);
            if !keep_going {
                break;
            }
        } else {
            eprintln!("xtask: step `{}` passed", step.name());
        }
    }
    if failed.is_empty() {
        eprintln!("xtask: all steps passed");
        return Ok(());
    }
    let names: Vec<&str> = failed.iter().map(|s| s.name()).collect();
    bail!("failed step(s): {}", names.join(", "))
}

/// `N64_ROM_DIR` to set for the steps: the shared ROM directory next to the workspace, when it
/// exists and the variable is not set already.
fn rom_dir(root: &Path) -> Option<OsString> {
    if std::env::var_os("N64_ROM_DIR").is_some() {
        return None;
    }
    let dir = root.join(ROM_DIR);
    dir.is_dir().then(|| dir.canonicalize().unwrap_or(dir).into_os_string())
}
