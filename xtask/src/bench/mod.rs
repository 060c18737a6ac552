//! `cargo xtask bench`: whole-command timings of the release binaries beside baselines, run on
//! generated data, in one run so that the figures compare as ratios (see `docs/PERFORMANCE.md`).
//!
//! Every measured command is a whole process started with [`std::process::Command`] and timed
//! with [`std::time::Instant`], stdout to `/dev/null`. The commands compared with each other are
//! run round-robin (one run of each, K times) after one untimed warm-up run each, so that noise
//! from other work on the machine spreads over all of them. CPU time (user + sys) and peak memory
//! (max RSS) come from GNU time (`/usr/bin/time`, 10 ms resolution), in a separate pass so that
//! its own fork and exec do not count in the wall times; the in-process baseline's CPU time comes
//! from `/proc/thread-self/schedstat`. A tool that is missing is a skipped row with the reason,
//! never an error; but a performance target that is missed, or that cannot be judged because a
//! tool or baseline is missing, makes the command fail after the table is printed.
//!
//! The rows come in groups (see [`Group`]); `--only GROUP` runs some of them, and generates and
//! prepares only the data those need.
//!
//! The modules: `data` generates the ROMs, `verify` the DAT and the checks that `n64 verify`'s
//! rows measure a verify that matches, `patch` the data of the patching rows and the checks that
//! they measure commands that write the right bytes, `venv` provides `ipl3checksum`, `measure`
//! runs and times the commands, `report` prints the table and judges the targets.

mod assets;
mod data;
mod measure;
mod patch;
mod report;
mod venv;
mod verify;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};

/// The size of the single large ROM used for conversion, peak memory and patching.
const BIG_MIB: usize = 64;

/// A group of rows, measured together; `--only` selects groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Group {
    /// `n64 check` and `n64 scan` of the ROM directory beside reading it and ipl3checksum.
    Check,
    /// `n64 hash` beside md5sum and sha1sum.
    Hash,
    /// `n64 verify` against a DAT beside sha1sum and rhash.
    Verify,
    /// `n64-fix convert` of the 64 MiB ROM beside cp.
    Convert,
    /// Peak memory of info, check, hash and convert on the 64 MiB ROM.
    Memory,
    /// `n64-fix patch` of a 64 MiB ROM beside cp && sync, `n64-fix make-patch` beside xdelta3.
    Patch,
    /// `n64 assets` of a 64 MiB ROM holding 200 blocks beside finding the magics and decoding
    /// those blocks in-process.
    Assets,
}

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// How many ROMs to generate for the directory-wide rows.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub roms: usize,
    /// The size of each of those ROMs, in MiB.
    #[arg(long, default_value_t = 8, value_name = "M")]
    pub size_mib: usize,
    /// Timed runs per command (after one untimed warm-up run); min and median are reported.
    #[arg(long, default_value_t = 5, value_name = "K")]
    pub runs: usize,
    /// Where to generate the data (default: target/bench-data).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Keep the generated data afterwards (a later run reuses it).
    #[arg(long)]
    pub keep: bool,
    /// Run only these groups of rows (repeat, or separate with commas; default: all), and
    /// generate only their data.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "GROUP")]
    pub only: Vec<Group>,
}

impl Options {
    /// Whether this run measures `group`.
    fn runs(&self, group: Group) -> bool {
        self.only.is_empty() || self.only.contains(&group)
    }

    /// Whether this run needs the ROM directory and the 64 MiB ROM ([`data::prepare_data`]):
    /// every group but `patch`, which has its own data.
    fn needs_roms(&self) -> bool {
        [Group::Check, Group::Hash, Group::Verify, Group::Convert, Group::Memory].into_iter().any(|g| self.runs(g))
    }
}

/// What was measured for one job.
#[derive(Debug, Clone, Default)]
struct Stats {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
    max_rss_kib: Option<u64>,
    /// The size of the file the job writes (its `remove` file), from the last run.
    output_bytes: Option<u64>,
}

/// The outcome of all measurements: per job key, its label and stats or why it was skipped.
#[derive(Debug, Default)]
struct Results {
    labels: BTreeMap<&'static str, String>,
    stats: BTreeMap<&'static str, Result<Stats, String>>,
}

impl Results {
    /// The stats of a job that ran, if it did.
    fn get(&self, key: &str) -> Option<&Stats> {
        self.stats.get(key).and_then(|s| s.as_ref().ok())
    }
}

/// Paths of the generated data and tools.
#[derive(Debug)]
struct Layout {
    dir: PathBuf,
    roms_dir: PathBuf,
    roms: Vec<PathBuf>,
    big: PathBuf,
    /// The directory `n64 verify` is timed on: the ROMs, half of them stored v64.
    verify_dir: PathBuf,
    /// Its files, in ROM order.
    verify_files: Vec<PathBuf>,
    /// The BigEndian DAT listing every ROM.
    dat: PathBuf,
    /// The hash cache directory of the warm-cache verify (`N64_CACHE`).
    cache: PathBuf,
    out: PathBuf,
    stamp: PathBuf,
    driver: PathBuf,
    release: PathBuf,
    venv: PathBuf,
    /// The patching rows' files, in `patch/`.
    patch: patch::Files,
    /// The asset rows' files, in `assets/`.
    assets: assets::Files,
}

/// Runs the benchmark and prints the table; an error when a performance target is missed or
/// cannot be judged (after the table).
pub fn run(root: &Path, options: &Options) -> Result<()> {
    ensure!(options.roms > 0, "--roms must be at least 1");
    ensure!(options.runs > 0, "--runs must be at least 1");
    ensure!(options.size_mib > 1, "--size-mib must be at least 2 (the check code covers 0x101000 bytes)");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |d| root.join(d));
    let dir = options.dir.clone().unwrap_or_else(|| target_dir.join("bench-data"));
    let roms_dir = dir.join("roms");
    let verify_dir = dir.join("verify");
    let layout = Layout {
        roms: (0..options.roms).map(|i| roms_dir.join(format!("{}.z64", verify::stem(i)))).collect(),
        roms_dir,
        big: dir.join(format!("big-{BIG_MIB}mib.z64")),
        verify_files: (0..options.roms).map(|i| verify_dir.join(verify::file_name(i))).collect(),
        verify_dir,
        dat: dir.join("verify-bigendian.dat"),
        cache: dir.join("verify-cache"),
        out: dir.join("out.n64"),
        stamp: dir.join("STAMP"),
        driver: dir.join("ipl3checksum_check_loop.py"),
        release: target_dir.join("release"),
        venv: target_dir.join("bench-venv"),
        patch: patch::Files::new(dir.join("patch")),
        assets: assets::Files::new(dir.join("assets")),
        dir,
    };

    let built = build_binaries(root);
    if options.needs_roms() {
        data::prepare_data(&layout, options)
            .with_context(|| format!("preparing the data in {}", layout.dir.display()))?;
    }
    if options.runs(Group::Patch) {
        patch::prepare_data(&layout.patch)
            .with_context(|| format!("preparing the patching data in {}", layout.patch.dir.display()))?;
    }
    if options.runs(Group::Assets) {
        assets::prepare_data(&layout.assets)
            .with_context(|| format!("preparing the asset data in {}", layout.assets.dir.display()))?;
    }
    let python = if options.runs(Group::Check) { venv::prepare_venv(&layout) } else { Err("not needed".to_owned()) };
    if let Ok(python) = &python {
        fs::write(&layout.driver, venv::DRIVER).with_context(|| format!("writing {}", layout.driver.display()))?;
        eprintln!("bench: ipl3checksum ready in {}", python.display());
    }
    if options.needs_roms() {
        data::warm_page_cache(&layout)?;
    }
    // The checks before timing; the patching one also reads all of its data, so that it is in
    // the page cache too.
    let checked = (|| -> Result<()> {
        if options.runs(Group::Verify) {
            verify::prepare(&layout)?;
        }
        if options.runs(Group::Patch) {
            patch::prepare(&layout.patch, &layout.release)?;
        }
        if options.runs(Group::Assets) {
            assets::prepare(&layout.assets, &layout.release)?;
        }
        Ok(())
    })();
    if let Err(error) = checked {
        if !options.keep {
            remove_data(&layout, options)?;
        }
        return Err(error);
    }

    let results = measure::measure_all(&layout, options, python.as_ref().map(PathBuf::as_path));
    let lines = report::table_lines(&results, &options.only);
    let venv_error = python.as_ref().err().filter(|_| options.runs(Group::Check));
    report::print_report(&layout, options, &built, venv_error, &lines);

    if !options.keep {
        remove_data(&layout, options)?;
    }
    report::judge(&lines)
}

/// Deletes the data this run used, and the data directory when nothing else is in it.
fn remove_data(layout: &Layout, options: &Options) -> Result<()> {
    if options.needs_roms() {
        data::remove_data(layout)?;
    }
    if options.runs(Group::Patch) {
        data::remove_dir(&layout.patch.dir)?;
    }
    if options.runs(Group::Assets) {
        data::remove_dir(&layout.assets.dir)?;
    }
    let _ = fs::remove_dir(&layout.dir); // only when empty
    eprintln!("bench: removed the data (pass --keep to keep it for the next run)");
    Ok(())
}

/// `cargo build --release` of the binaries; returns a note per binary that did not build.
fn build_binaries(root: &Path) -> Vec<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let build = |packages: &[&str]| {
        let mut command = Command::new(&cargo);
        command.current_dir(root).args(["build", "--release"]);
        for package in packages {
            command.args(["-p", package]);
        }
        eprintln!("bench: cargo build --release -p {}", packages.join(" -p "));
        command.status().is_ok_and(|s| s.success())
    };
    if build(&["n64-cli", "n64-fix"]) {
        return Vec::new();
    }
    if build(&["n64-cli"]) {
        vec!["n64-fix did not build; its rows use a previous build if there is one".to_owned()]
    } else {
        vec!["the release build failed; the rows use previous builds if there are any".to_owned()]
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    /// `cargo xtask bench`'s options alone.
    #[derive(Debug, clap::Parser)]
    struct Cli {
        #[command(flatten)]
        options: Options,
    }

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        Cli::try_parse_from([&["bench"], args].concat()).map(|cli| cli.options)
    }

    #[test]
    fn only_selects_groups_repeated_or_separated_by_commas() {
        let all = parse(&[]).unwrap();
        assert!(all.only.is_empty());
        assert!(all.runs(Group::Check) && all.runs(Group::Patch) && all.needs_roms());

        let patch = parse(&["--only", "patch"]).unwrap();
        assert_eq!(patch.only, [Group::Patch]);
        assert!(patch.runs(Group::Patch) && !patch.runs(Group::Verify));
        assert!(!patch.needs_roms(), "the patching rows have their own data");

        let two = parse(&["--only", "patch,convert"]).unwrap();
        assert_eq!(two.only, parse(&["--only", "patch", "--only", "convert"]).unwrap().only);
        assert!(two.needs_roms());

        let error = parse(&["--only", "patching"]).unwrap_err().to_string();
        assert!(error.contains("possible values: check, hash, verify, convert, memory, patch, assets"), "{error}");
        assert!(!parse(&["--only", "assets"]).unwrap().needs_roms(), "the asset rows have their own data");
    }
}
