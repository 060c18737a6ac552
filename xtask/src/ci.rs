//! The CI steps, runnable locally: `cargo xtask ci [--keep-going] [STEP...]`.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// One CI step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Step {
    /// The PyPI oracles in `target/oracle-venv` (`cargo xtask oracles`).
    Oracles,
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
    /// The game database table is what the generator writes (`cargo xtask game-db --check`).
    GameDb,
    /// The published crates package, and their shipped tests build from the packages.
    Package,
}

impl Step {
    /// Every step, in the order CI runs them.
    pub const ALL: [Step; 8] =
        [Step::Oracles, Step::Fmt, Step::Clippy, Step::Test, Step::Doc, Step::Fixtures, Step::GameDb, Step::Package];

    /// The step's name on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Step::Oracles => "oracles",
            Step::Fmt => "fmt",
            Step::Clippy => "clippy",
            Step::Test => "test",
            Step::Doc => "doc",
            Step::Fixtures => "fixtures",
            Step::GameDb => "game-db",
            Step::Package => "package",
        }
    }

    /// The cargo arguments and extra environment of a step that runs cargo.
    fn cargo_args(self) -> Option<(&'static [&'static str], Env)> {
        match self {
            Step::Fmt => Some((&["fmt", "--all", "--check"], &[])),
            Step::Clippy => Some((&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[])),
            Step::Test => Some((&["test", "--workspace"], &[])),
            Step::Doc => Some((&["doc", "--workspace", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")])),
            Step::Oracles | Step::Fixtures | Step::GameDb | Step::Package => None,
        }
    }

    /// What to run locally to reproduce the step, and to fix it where a command does that.
    pub const fn advice(self) -> &'static str {
        match self {
            Step::Oracles => {
                "reproduce with `cargo xtask oracles` (needs python3 with venv and pip, and the package index)"
            }
            Step::Fmt => "reproduce with `cargo fmt --all --check`; fix with `cargo fmt --all`",
            Step::Clippy => "reproduce with `cargo clippy --workspace --all-targets -- -D warnings`",
            Step::Test => "reproduce with `cargo test --workspace`",
            Step::Doc => "reproduce with `RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps`",
            Step::Fixtures => "reproduce with `cargo xtask fixtures --check`; fix with `cargo xtask fixtures`",
            Step::GameDb => "reproduce with `cargo xtask game-db --check`; fix with `cargo xtask game-db`",
            Step::Package => {
                "reproduce with `cargo xtask ci package` (cargo publish --dry-run -p n64-core -p n64-io -p n64-dat -p n64-patch)"
            }
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
    let mut tally: Option<Tally> = None;
    for &step in steps {
        eprintln!("xtask: == {} ==", step.name());
        let outcome = match step.cargo_args() {
            Some((args, envs)) => {
                let mut command = Command::new(&cargo);
                command.args(args).current_dir(root).envs(envs.iter().copied());
                if let Some(dir) = &rom_dir {
                    command.env("N64_ROM_DIR", dir);
                }
                let status = if step == Step::Test {
                    run_counting_tests(&mut command, &mut tally)
                } else {
                    command.status().map_err(anyhow::Error::from)
                };
                status
                    .with_context(|| format!("running cargo {}", args.join(" ")))
                    .and_then(|status| if status.success() { Ok(()) } else { bail!("cargo exited with {status}") })
            }
            None if step == Step::Package => crate::package::check(root, &cargo),
            None if step == Step::Oracles => crate::oracles::install(&root.join("target/oracle-venv")),
            None if step == Step::GameDb => crate::game_db::check(root),
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
    }
    if let Some(tally) = tally {
        // One closing line for the whole suite, after every step's own output.
        println!("tests: {} passed, {} failed, {} skipped", tally.passed, tally.failed, tally.ignored);
    }
    if failed.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = failed.iter().map(|s| s.name()).collect();
    bail!("failed step(s): {}", names.join(", "))
}

/// Test counts summed over every `test result:` line of a `cargo test` run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Tally {
    /// Adds the counts of a libtest summary line such as
    /// `test result: ok. 26 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; …`.
    fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim_start().strip_prefix("test result: ") else { return };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(count)) = (words.next(), words.next()) else { continue };
            let Ok(count) = count.parse::<u64>() else { continue };
            match label {
                "passed" => self.passed += count,
                "failed" => self.failed += count,
                "ignored" => self.ignored += count,
                _ => {}
            }
        }
    }
}

/// Runs `cargo test`, passing its output through unchanged while counting the tests.
fn run_counting_tests(command: &mut Command, tally: &mut Option<Tally>) -> Result<std::process::ExitStatus> {
    use std::io::{BufRead as _, Write as _};
    let mut child = command.stdout(std::process::Stdio::piped()).spawn()?;
    let counts = tally.get_or_insert_with(Tally::default);
    let stdout = child.stdout.take().context("cargo test has no stdout")?;
    let mut out = std::io::stdout().lock();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        counts.add_line(&line);
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(child.wait()?)
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

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn summary_lines_are_summed() {
        let mut tally = Tally::default();
        tally
            .add_line("test result: ok. 26 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s");
        tally.add_line(
            "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.2s",
        );
        tally.add_line("running 3 tests");
        assert_eq!(tally, Tally { passed: 29, failed: 2, ignored: 1 });
    }
}
