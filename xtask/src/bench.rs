//! `cargo xtask bench`: whole-command timings of the release binaries beside baselines, run on
//! generated data, in one run so that the figures compare as ratios (see `docs/PERFORMANCE.md`).
//!
//! Every measured command is a whole process started with [`std::process::Command`] and timed
//! with [`Instant`], stdout to `/dev/null`. The commands compared with each other are run
//! round-robin (one run of each, K times) after one untimed warm-up run each, so that noise from
//! other work on the machine spreads over all of them. CPU time (user + sys) and peak memory
//! (max RSS) come from GNU time (`/usr/bin/time`, 10 ms resolution), in a separate pass so that
//! its own fork and exec do not count in the wall times; the in-process baseline's CPU time comes
//! from `/proc/thread-self/schedstat`. A tool that is missing is a skipped row with the reason,
//! never an error.

use crate::rng::SplitMix64;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};

use crate::crc_force::force_crc32;
use crate::fixtures::{Cic, oracle_check_code};

/// How much of a ROM the check code covers: what `n64 check` must read of each file.
const CHECKED_LEN: usize = 0x10_1000;
/// The size of the single large ROM used for conversion and peak memory.
const BIG_MIB: usize = 64;
/// How many of the ROMs the hashing rows hash.
const HASH_FILES: usize = 20;
/// The peak memory target of every command, in KiB.
const MAX_RSS_TARGET_KIB: u64 = 32 * 1024;
/// CRC32 of Nintendo's 6102 boot code over ROM 0x40..0x1000, which n64-core recognises.
const BOOT_6102_CRC32: u32 = 0x90BB_6CB5;
/// What the data directory's stamp file says; a different stamp means regenerate.
const STAMP_VERSION: &str = "n64-tools bench data v1";
/// GNU time, for CPU time and max RSS of a child.
const GNU_TIME: &str = "/usr/bin/time";

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
}

/// What a measurement is: a whole process, or the in-process baseline read loop.
#[derive(Debug, Clone)]
enum Work {
    /// A child process; `remove` is deleted after each run (untimed).
    Process { program: PathBuf, args: Vec<OsString>, remove: Option<PathBuf> },
    /// Open each file, read its first `len` bytes into a reused buffer, close it.
    ReadPrefix { files: Vec<PathBuf>, len: usize },
}

/// One command to measure.
#[derive(Debug, Clone)]
struct Job {
    key: &'static str,
    label: String,
    work: Work,
}

/// Which figures a group of jobs needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Wall time only.
    Wall,
    /// Wall time, then CPU time and max RSS under GNU time.
    WallAndCpu,
    /// CPU time and max RSS only (peak memory rows).
    CpuOnly,
}

/// What was measured for one job.
#[derive(Debug, Clone, Default)]
struct Stats {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
    max_rss_kib: Option<u64>,
}

/// The figure a table row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    Wall,
    Cpu,
    MaxRss,
}

/// A target a row is judged against.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// The row's median over its baseline's median at most this.
    RatioAtMost(f64),
    /// Max RSS at most this many KiB.
    RssAtMost(u64),
}

/// One row of the results table.
#[derive(Debug, Clone)]
struct Row {
    key: &'static str,
    metric: Metric,
    baseline: Option<&'static str>,
    target: Option<Target>,
}

/// The outcome of all measurements: per job key, its label and stats or why it was skipped.
#[derive(Debug, Default)]
struct Results {
    labels: BTreeMap<&'static str, String>,
    stats: BTreeMap<&'static str, Result<Stats, String>>,
}

impl Results {
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
    out: PathBuf,
    stamp: PathBuf,
    driver: PathBuf,
    release: PathBuf,
    venv: PathBuf,
}

/// Runs the benchmark and prints the table.
pub fn run(root: &Path, options: &Options) -> Result<()> {
    ensure!(options.roms > 0, "--roms must be at least 1");
    ensure!(options.runs > 0, "--runs must be at least 1");
    ensure!(options.size_mib > 1, "--size-mib must be at least 2 (the check code covers 0x101000 bytes)");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |d| root.join(d));
    let dir = options.dir.clone().unwrap_or_else(|| target_dir.join("bench-data"));
    let roms_dir = dir.join("roms");
    let layout = Layout {
        roms: (0..options.roms).map(|i| roms_dir.join(format!("rom-{i:04}.z64"))).collect(),
        roms_dir,
        big: dir.join(format!("big-{BIG_MIB}mib.z64")),
        out: dir.join("out.n64"),
        stamp: dir.join("STAMP"),
        driver: dir.join("ipl3checksum_check_loop.py"),
        release: target_dir.join("release"),
        venv: target_dir.join("bench-venv"),
        dir,
    };

    let built = build_binaries(root);
    prepare_data(&layout, options).with_context(|| format!("preparing the data in {}", layout.dir.display()))?;
    let python = prepare_venv(&layout);
    if let Ok(python) = &python {
        fs::write(&layout.driver, DRIVER).with_context(|| format!("writing {}", layout.driver.display()))?;
        eprintln!("bench: ipl3checksum ready in {}", python.display());
    }
    warm_page_cache(&layout)?;

    let results = measure_all(&layout, options, python.as_ref().map(PathBuf::as_path));
    print_report(&layout, options, &built, python.as_ref().err(), &results);

    if !options.keep {
        remove_data(&layout)?;
    }
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

// ---------------------------------------------------------------------------------------------
// Data

/// Boot code (ROM 0x40..0x1000) that n64-core takes for 6102 by its CRC32. It is not Nintendo's
/// code, so `ipl3checksum` cannot detect its kind and is told it (`--kind 6102`).
fn boot_code_6102() -> Result<Vec<u8>> {
    let mut boot = vec![0u8; 0x1000 - 0x40];
    SplitMix64(0xB007_C0DE).fill(&mut boot);
    let last = boot.len() - 4;
    force_crc32(&mut boot, last, BOOT_6102_CRC32)?;
    Ok(boot)
}

/// A big-endian ROM of `size` bytes: z64 magic, a plausible header with a correct 6102 check
/// code, the 6102-keyed boot code and a pseudo-random body seeded by `index`.
fn make_rom(size: usize, index: u64, boot: &[u8]) -> Result<Vec<u8>> {
    let mut rom = vec![0u8; size];
    rom[0x00..0x04].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
    rom[0x04..0x08].copy_from_slice(&0x0000_000F_u32.to_be_bytes());
    rom[0x08..0x0C].copy_from_slice(&0x8000_0400_u32.to_be_bytes());
    rom[0x0C..0x10].copy_from_slice(&0x0000_144C_u32.to_be_bytes());
    let title = format!("{:<20}", format!("BENCH ROM {index:04}"));
    rom[0x20..0x34].copy_from_slice(&title.as_bytes()[..20]);
    rom[0x3B..0x40].copy_from_slice(b"NBNE\0");
    rom[0x40..0x1000].copy_from_slice(boot);
    SplitMix64(0x5EED_0000_0000 ^ index).fill(&mut rom[0x1000..]);
    let code = oracle_check_code(&rom, Cic::C6102)?;
    rom[0x10..0x18].copy_from_slice(&code.to_be_bytes());
    Ok(rom)
}

fn stamp_text(options: &Options) -> String {
    format!("{STAMP_VERSION} roms={} size_mib={} big_mib={BIG_MIB}\n", options.roms, options.size_mib)
}

/// Whether the data directory holds what this run would generate.
fn data_is_current(layout: &Layout, options: &Options) -> bool {
    let size_of = |path: &Path| fs::metadata(path).map(|m| m.len()).ok();
    let rom_bytes = (options.size_mib as u64) << 20;
    fs::read_to_string(&layout.stamp).is_ok_and(|s| s == stamp_text(options))
        && layout.roms.iter().all(|p| size_of(p) == Some(rom_bytes))
        && fs::read_dir(&layout.roms_dir).is_ok_and(|d| d.count() == layout.roms.len())
        && size_of(&layout.big) == Some((BIG_MIB as u64) << 20)
}

/// Generates the ROMs, unless the directory already holds them.
fn prepare_data(layout: &Layout, options: &Options) -> Result<()> {
    if data_is_current(layout, options) {
        eprintln!("bench: reusing the data in {}", layout.dir.display());
        return Ok(());
    }
    let started = Instant::now();
    eprintln!(
        "bench: generating {} ROMs of {} MiB and one of {BIG_MIB} MiB in {}",
        options.roms,
        options.size_mib,
        layout.dir.display()
    );
    let _ = fs::remove_file(&layout.stamp);
    if layout.roms_dir.exists() {
        fs::remove_dir_all(&layout.roms_dir).with_context(|| format!("removing {}", layout.roms_dir.display()))?;
    }
    fs::create_dir_all(&layout.roms_dir).with_context(|| format!("creating {}", layout.roms_dir.display()))?;
    let boot = boot_code_6102()?;
    for (index, path) in (0u64..).zip(&layout.roms) {
        let rom = make_rom(options.size_mib << 20, index, &boot)?;
        fs::write(path, rom).with_context(|| format!("writing {}", path.display()))?;
    }
    let big = make_rom(BIG_MIB << 20, 1_000_000, &boot)?;
    fs::write(&layout.big, big).with_context(|| format!("writing {}", layout.big.display()))?;
    fs::write(&layout.stamp, stamp_text(options)).with_context(|| format!("writing {}", layout.stamp.display()))?;
    eprintln!("bench: generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Reads every data file once, so that all rows run from the page cache.
fn warm_page_cache(layout: &Layout) -> Result<()> {
    let mut buffer = vec![0u8; 1 << 20];
    for path in layout.roms.iter().chain([&layout.big]) {
        let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        while file.read(&mut buffer).with_context(|| format!("reading {}", path.display()))? > 0 {}
    }
    Ok(())
}

fn remove_data(layout: &Layout) -> Result<()> {
    if layout.roms_dir.exists() {
        fs::remove_dir_all(&layout.roms_dir).with_context(|| format!("removing {}", layout.roms_dir.display()))?;
    }
    for path in [&layout.big, &layout.out, &layout.stamp, &layout.driver] {
        if path.exists() {
            fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    let _ = fs::remove_dir(&layout.dir); // only when empty
    eprintln!("bench: removed the data (pass --keep to keep it for the next run)");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ipl3checksum

/// Does per file exactly what `python -m ipl3checksum check -k KIND ROM` does (the `check`
/// frontend's `processArguments`: read the whole file, then `doCheck`), in one process.
const DRIVER: &str = r"import sys
from pathlib import Path

from ipl3checksum.frontends.check import doCheck

kind = sys.argv[1]
failed = 0
for path in sys.argv[2:]:
    if doCheck(Path(path).read_bytes(), kind) != 0:
        failed += 1
sys.exit(1 if failed else 0)
";

/// The venv's python with `ipl3checksum` importable, creating the venv when needed.
fn prepare_venv(layout: &Layout) -> Result<PathBuf, String> {
    let python = layout.venv.join("bin").join("python");
    let importable = |python: &Path| {
        Command::new(python)
            .args(["-c", "import ipl3checksum.frontends.check"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if python.exists() && importable(&python) {
        return Ok(python);
    }
    if !python.exists() {
        eprintln!("bench: creating a venv in {}", layout.venv.display());
        let output = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&layout.venv)
            .output()
            .map_err(|e| format!("python3 -m venv: {e}"))?;
        if !output.status.success() {
            return Err(format!("python3 -m venv failed: {}", last_line(&output.stderr)));
        }
    }
    eprintln!("bench: pip install ipl3checksum");
    let output = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "ipl3checksum"])
        .output()
        .map_err(|e| format!("pip install ipl3checksum: {e}"))?;
    if !output.status.success() {
        return Err(format!("pip install ipl3checksum failed: {}", last_line(&output.stderr)));
    }
    if importable(&python) {
        Ok(python)
    } else {
        Err("ipl3checksum installed but `import ipl3checksum.frontends.check` fails".to_owned())
    }
}

fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned()
}

// ---------------------------------------------------------------------------------------------
// Measuring

fn process(key: &'static str, label: impl Into<String>, program: impl Into<PathBuf>, args: &[&OsStr]) -> Job {
    Job {
        key,
        label: label.into(),
        work: Work::Process {
            program: program.into(),
            args: args.iter().map(|a| a.to_os_string()).collect(),
            remove: None,
        },
    }
}

/// Every measurement, group by group (the jobs of a group run round-robin).
fn measure_all(layout: &Layout, options: &Options, python: Result<&Path, &String>) -> Results {
    let mut results = Results::default();
    measure_directory(&mut results, layout, options, python);
    measure_ipl3_cli(&mut results, layout, options, python);
    measure_hashing(&mut results, layout, options);
    measure_conversion(&mut results, layout, options);
    measure_memory(&mut results, layout, options);
    results
}

/// Checking a directory, beside reading what a check must read, and beside ipl3checksum.
fn measure_directory(results: &mut Results, layout: &Layout, options: &Options, python: Result<&Path, &String>) {
    let n64 = layout.release.join("n64");
    let roms_dir = layout.roms_dir.as_os_str();
    let n = layout.roms.len();
    let mut group = vec![
        Job {
            key: "read",
            label: format!("baseline: read 0x101000 bytes of each of {n} files (in-process)"),
            work: Work::ReadPrefix { files: layout.roms.clone(), len: CHECKED_LEN },
        },
        process("check", format!("n64 check DIR ({n} ROMs)"), &n64, &[OsStr::new("check"), roms_dir]),
        process(
            "scan",
            format!("n64 scan --json DIR ({n} ROMs)"),
            &n64,
            &[OsStr::new("scan"), OsStr::new("--json"), roms_dir],
        ),
    ];
    match python {
        Ok(python) => {
            let mut args = vec![layout.driver.as_os_str(), OsStr::new("6102")];
            args.extend(layout.roms.iter().map(|p| p.as_os_str()));
            group.push(process(
                "ipl3-loop",
                format!("ipl3checksum check, {n} files in one python process"),
                python,
                &args,
            ));
        }
        Err(reason) => skip(results, "ipl3-loop", "ipl3checksum check, in one python process", reason),
    }
    measure_group(results, &group, options.runs, Pass::WallAndCpu);
}

/// ipl3checksum's CLI, one process per file, and python's startup alone.
fn measure_ipl3_cli(results: &mut Results, layout: &Layout, options: &Options, python: Result<&Path, &String>) {
    let n = layout.roms.len();
    let python = match python {
        Ok(python) => python,
        Err(reason) => {
            skip(results, "ipl3-cli", "python -m ipl3checksum check ROM, once per file", reason);
            skip(results, "py-import", "python -c 'import ipl3checksum'", reason);
            return;
        }
    };
    let script = r#"py=$1; shift; for f do "$py" -m ipl3checksum check -k 6102 "$f" > /dev/null || exit 1; done"#;
    let mut args = vec![OsStr::new("-c"), OsStr::new(script), OsStr::new("sh"), python.as_os_str()];
    args.extend(layout.roms.iter().map(|p| p.as_os_str()));
    let group = [
        process(
            "ipl3-cli",
            format!("python -m ipl3checksum check -k 6102 ROM, once per file ({n} processes)"),
            "/bin/sh",
            &args,
        ),
        process(
            "py-import",
            "python -c 'import ipl3checksum' (startup alone, 1 process)",
            python,
            &[OsStr::new("-c"), OsStr::new("import ipl3checksum.frontends.check")],
        ),
    ];
    measure_group(results, &group, options.runs, Pass::Wall);
}

/// `n64 hash` beside md5sum and sha1sum on the same files.
fn measure_hashing(results: &mut Results, layout: &Layout, options: &Options) {
    let n64 = layout.release.join("n64");
    let files: Vec<&OsStr> = layout.roms.iter().take(HASH_FILES).map(|p| p.as_os_str()).collect();
    let k = files.len();
    let mib = options.size_mib;
    let mut n64_hash = vec![OsStr::new("hash")];
    n64_hash.extend(&files);
    let group = [
        process("md5sum", format!("md5sum ({k} x {mib} MiB)"), "md5sum", &files),
        process("sha1sum", format!("sha1sum ({k} x {mib} MiB)"), "sha1sum", &files),
        process("hash", format!("n64 hash ({k} x {mib} MiB; CRC32+MD5+SHA-1)"), &n64, &n64_hash),
    ];
    measure_group(results, &group, options.runs, Pass::WallAndCpu);
}

/// The arguments of `n64-fix convert --to n64 -o OUT BIG`.
fn convert_args(layout: &Layout) -> [&OsStr; 6] {
    [
        OsStr::new("convert"),
        OsStr::new("--to"),
        OsStr::new("n64"),
        OsStr::new("-o"),
        layout.out.as_os_str(),
        layout.big.as_os_str(),
    ]
}

/// Conversion of the big ROM, beside copying it (with and without syncing the copy).
fn measure_conversion(results: &mut Results, layout: &Layout, options: &Options) {
    let (big, out) = (layout.big.as_os_str(), layout.out.as_os_str());
    let cp_sync = r#"cp -- "$1" "$2" && sync -- "$2""#;
    let mut group = [
        process("cp", format!("cp BIG OUT ({BIG_MIB} MiB)"), "cp", &[big, out]),
        process(
            "cp-sync",
            format!("cp BIG OUT && sync OUT ({BIG_MIB} MiB)"),
            "/bin/sh",
            &[OsStr::new("-c"), OsStr::new(cp_sync), OsStr::new("sh"), big, out],
        ),
        process(
            "convert",
            format!("n64-fix convert --to n64 -o OUT BIG ({BIG_MIB} MiB)"),
            layout.release.join("n64-fix"),
            &convert_args(layout),
        ),
    ];
    for job in &mut group {
        if let Work::Process { remove, .. } = &mut job.work {
            *remove = Some(layout.out.clone());
        }
    }
    measure_group(results, &group, options.runs, Pass::WallAndCpu);
}

/// Peak memory on the big ROM.
fn measure_memory(results: &mut Results, layout: &Layout, options: &Options) {
    let n64 = layout.release.join("n64");
    let big = layout.big.as_os_str();
    let mut convert = process(
        "rss-convert",
        format!("n64-fix convert --to n64 -o OUT BIG ({BIG_MIB} MiB)"),
        layout.release.join("n64-fix"),
        &convert_args(layout),
    );
    if let Work::Process { remove, .. } = &mut convert.work {
        *remove = Some(layout.out.clone());
    }
    let group = [
        process("rss-info", format!("n64 info BIG ({BIG_MIB} MiB)"), &n64, &[OsStr::new("info"), big]),
        process("rss-check", format!("n64 check BIG ({BIG_MIB} MiB)"), &n64, &[OsStr::new("check"), big]),
        process("rss-hash", format!("n64 hash BIG ({BIG_MIB} MiB)"), &n64, &[OsStr::new("hash"), big]),
        convert,
    ];
    measure_group(results, &group, options.runs.min(3), Pass::CpuOnly);
}

fn skip(results: &mut Results, key: &'static str, label: &str, reason: &str) {
    results.labels.insert(key, label.to_owned());
    results.stats.insert(key, Err(reason.to_owned()));
}

/// Why `job` cannot run here, if it cannot.
fn missing(job: &Job, pass: Pass) -> Option<String> {
    let Work::Process { program, .. } = &job.work else { return None };
    if !is_runnable(program) {
        return Some(format!("{} not found", program.display()));
    }
    if pass != Pass::Wall && !Path::new(GNU_TIME).exists() {
        return Some(format!("{GNU_TIME} not found (apt-get install time)"));
    }
    None
}

fn is_runnable(program: &Path) -> bool {
    if program.components().count() > 1 {
        return program.is_file();
    }
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// Measures a group: one warm-up run of each job, then `runs` rounds of one run of each.
fn measure_group(results: &mut Results, jobs: &[Job], runs: usize, pass: Pass) {
    let mut live: Vec<&Job> = Vec::new();
    for job in jobs {
        results.labels.insert(job.key, job.label.clone());
        if let Some(reason) = missing(job, pass) {
            results.stats.insert(job.key, Err(reason));
        } else {
            eprintln!("bench: {}", job.label);
            live.push(job);
            results.stats.insert(job.key, Ok(Stats::default()));
        }
    }
    let record = |results: &mut Results, job: &Job, outcome: Result<Sample, String>| {
        let Some(entry) = results.stats.get_mut(job.key) else { return };
        match (outcome, entry.as_mut()) {
            (Ok(sample), Ok(stats)) => {
                if let Some(wall) = sample.wall {
                    stats.wall.push(wall);
                }
                if let Some(cpu) = sample.cpu {
                    stats.cpu.push(cpu);
                }
                if let Some(rss) = sample.max_rss_kib {
                    stats.max_rss_kib = Some(stats.max_rss_kib.map_or(rss, |r| r.max(rss)));
                }
            }
            (Err(reason), Ok(_)) => *entry = Err(reason),
            (_, Err(_)) => {}
        }
    };
    let failed = |results: &Results, job: &Job| results.stats.get(job.key).is_some_and(Result::is_err);
    if pass != Pass::CpuOnly {
        for job in &live {
            if let Err(reason) = run_once(job, false) {
                record(results, job, Err(reason));
            }
        }
        for _ in 0..runs {
            for job in &live {
                if !failed(results, job) {
                    record(results, job, run_once(job, false));
                }
            }
        }
    }
    if pass != Pass::Wall {
        for _ in 0..runs {
            for job in &live {
                if !failed(results, job) && matches!(job.work, Work::Process { .. }) {
                    record(results, job, run_once(job, true));
                }
            }
        }
    }
}

/// The figures of one run.
#[derive(Debug, Default)]
struct Sample {
    wall: Option<Duration>,
    cpu: Option<Duration>,
    max_rss_kib: Option<u64>,
}

/// Runs a job once; under GNU time when `timed` (then only CPU time and max RSS count).
fn run_once(job: &Job, timed: bool) -> Result<Sample, String> {
    match &job.work {
        Work::ReadPrefix { files, len } => {
            let cpu_before = thread_cpu_time();
            let started = Instant::now();
            read_prefixes(files, *len).map_err(|e| format!("{e:#}"))?;
            let wall = started.elapsed();
            let cpu = thread_cpu_time().zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
            Ok(Sample { wall: Some(wall), cpu, max_rss_kib: None })
        }
        Work::Process { program, args, remove } => {
            let report = std::env::temp_dir().join(format!("n64-bench-time-{}.txt", std::process::id()));
            let mut command = if timed {
                let mut command = Command::new(GNU_TIME);
                command.args(["-f", "%e %U %S %M", "-o"]).arg(&report).arg(program);
                command
            } else {
                Command::new(program)
            };
            command.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
            let started = Instant::now();
            let output = command.output().map_err(|e| format!("cannot run {}: {e}", program.display()))?;
            let wall = started.elapsed();
            if let Some(path) = remove {
                let _ = fs::remove_file(path);
            }
            if !output.status.success() {
                return Err(format!("{} ({})", output.status, last_line(&output.stderr)));
            }
            if !timed {
                return Ok(Sample { wall: Some(wall), ..Sample::default() });
            }
            let text = fs::read_to_string(&report).map_err(|e| format!("reading {}: {e}", report.display()))?;
            let _ = fs::remove_file(&report);
            parse_gnu_time(&text).ok_or_else(|| format!("cannot parse GNU time's output {text:?}"))
        }
    }
}

/// CPU time of the calling thread so far (Linux: the first field of
/// `/proc/thread-self/schedstat`, in nanoseconds); `None` where that file does not exist.
fn thread_cpu_time() -> Option<Duration> {
    let text = fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(text.split_whitespace().next()?.parse().ok()?))
}

/// Parses the last line of `%e %U %S %M`: CPU time is user + sys.
fn parse_gnu_time(text: &str) -> Option<Sample> {
    let line = text.lines().rfind(|l| !l.trim().is_empty())?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [_, user, sys, rss] = fields[..] else { return None };
    let user: f64 = user.parse().ok()?;
    let sys: f64 = sys.parse().ok()?;
    Some(Sample { wall: None, cpu: Some(Duration::from_secs_f64(user + sys)), max_rss_kib: Some(rss.parse().ok()?) })
}

/// The baseline: open, read `len` bytes into one reused buffer, close, for each file.
fn read_prefixes(files: &[PathBuf], len: usize) -> Result<()> {
    let mut buffer = vec![0u8; len];
    for path in files {
        let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        file.read_exact(&mut buffer).with_context(|| format!("reading {}", path.display()))?;
    }
    std::hint::black_box(&buffer);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Report

fn median(values: &[Duration]) -> Option<Duration> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mid = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        len if len % 2 == 1 => Some(sorted[mid]),
        _ => Some((sorted[mid - 1] + sorted[mid]) / 2),
    }
}

/// The median and min of a row's metric, as numbers (seconds or KiB) and as text.
fn figures(stats: &Stats, metric: Metric) -> Option<(f64, String, String)> {
    let seconds = |d: Duration| d.as_secs_f64();
    let format = |d: Duration| format_duration(d);
    match metric {
        Metric::Wall | Metric::Cpu => {
            let values = if metric == Metric::Wall { &stats.wall } else { &stats.cpu };
            let med = median(values)?;
            let min = values.iter().min().copied()?;
            Some((seconds(med), format(med), format(min)))
        }
        Metric::MaxRss => {
            let kib = stats.max_rss_kib?;
            #[allow(clippy::cast_precision_loss)]
            let value = kib as f64;
            Some((value, format!("{:.1} MiB", value / 1024.0), "-".to_owned()))
        }
    }
}

fn format_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

/// The rows of the table, in order.
fn rows() -> Vec<Row> {
    let row = |key, metric, baseline, target| Row { key, metric, baseline, target };
    vec![
        row("read", Metric::Wall, None, None),
        row("read", Metric::Cpu, None, None),
        row("check", Metric::Wall, Some("read"), Some(Target::RatioAtMost(1.5))),
        row("check", Metric::Cpu, Some("read"), None),
        row("scan", Metric::Wall, Some("read"), None),
        row("scan", Metric::Cpu, Some("read"), None),
        row("ipl3-loop", Metric::Wall, None, None),
        row("ipl3-cli", Metric::Wall, None, None),
        row("py-import", Metric::Wall, None, None),
        row("check", Metric::Wall, Some("ipl3-loop"), Some(Target::RatioAtMost(1.0 / 3.0))),
        row("check", Metric::Wall, Some("ipl3-cli"), Some(Target::RatioAtMost(1.0 / 3.0))),
        row("check", Metric::Cpu, Some("ipl3-loop"), None),
        row("md5sum", Metric::Wall, None, None),
        row("md5sum", Metric::Cpu, None, None),
        row("sha1sum", Metric::Wall, Some("md5sum"), None),
        row("sha1sum", Metric::Cpu, Some("md5sum"), None),
        row("hash", Metric::Wall, Some("md5sum"), None),
        row("hash", Metric::Cpu, Some("md5sum"), Some(Target::RatioAtMost(1.0))),
        row("cp", Metric::Wall, None, None),
        row("cp-sync", Metric::Wall, Some("cp"), None),
        row("convert", Metric::Wall, Some("cp"), Some(Target::RatioAtMost(1.5))),
        row("convert", Metric::Wall, Some("cp-sync"), None),
        row("convert", Metric::Cpu, Some("cp"), None),
        row("check", Metric::MaxRss, None, None),
        row("scan", Metric::MaxRss, None, None),
        row("rss-info", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row("rss-check", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row("rss-hash", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row("rss-convert", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
    ]
}

/// One printed line of the table.
fn table_line(results: &Results, row: &Row, met: &mut (usize, usize)) -> [String; 7] {
    let label = results.labels.get(row.key).cloned().unwrap_or_else(|| row.key.to_owned());
    let metric = match row.metric {
        Metric::Wall => "wall",
        Metric::Cpu => "cpu",
        Metric::MaxRss => "max RSS",
    };
    let target_text = match row.target {
        None => "-".to_owned(),
        Some(Target::RatioAtMost(r)) if r < 1.0 => format!("<= {r:.2}x (>= {:.1}x faster)", 1.0 / r),
        Some(Target::RatioAtMost(r)) => format!("<= {r:.2}x"),
        Some(Target::RssAtMost(kib)) => format!("<= {} MiB", kib / 1024),
    };
    let stats = match results.stats.get(row.key) {
        Some(Ok(stats)) => stats,
        Some(Err(reason)) => {
            if row.target.is_some() {
                met.1 += 1;
            }
            return [
                label,
                metric.to_owned(),
                "-".into(),
                "-".into(),
                "-".into(),
                target_text,
                format!("skipped: {reason}"),
            ];
        }
        None => return [label, metric.to_owned(), "-".into(), "-".into(), "-".into(), target_text, "not run".into()],
    };
    let Some((value, med, min)) = figures(stats, row.metric) else {
        return [label, metric.to_owned(), "-".into(), "-".into(), "-".into(), target_text, "no data".into()];
    };
    let (ratio, ratio_text) = match row.baseline {
        None => (None, "-".to_owned()),
        Some(base) => {
            let base_label = short_name(base);
            match results.get(base).and_then(|s| figures(s, row.metric)) {
                Some((b, _, _)) if b > 0.0 => (Some(value / b), format!("{:.2}x {base_label}", value / b)),
                _ => (None, format!("n/a ({base_label} missing)")),
            }
        }
    };
    let verdict = match (row.target, ratio) {
        (None, _) => String::new(),
        (Some(Target::RatioAtMost(limit)), Some(r)) => pass_fail(r <= limit, met),
        (Some(Target::RatioAtMost(_)), None) => {
            met.1 += 1;
            "n/a".to_owned()
        }
        (Some(Target::RssAtMost(limit)), _) => pass_fail(stats.max_rss_kib.is_some_and(|k| k <= limit), met),
    };
    [label, metric.to_owned(), med, min, ratio_text, target_text, verdict]
}

fn pass_fail(pass: bool, met: &mut (usize, usize)) -> String {
    met.1 += 1;
    if pass {
        met.0 += 1;
        "pass".to_owned()
    } else {
        "FAIL".to_owned()
    }
}

fn short_name(key: &str) -> &str {
    match key {
        "read" => "read baseline",
        "ipl3-loop" => "ipl3checksum 1 process",
        "ipl3-cli" => "ipl3checksum CLI",
        "cp-sync" => "cp+sync",
        other => other,
    }
}

fn print_report(
    layout: &Layout,
    options: &Options,
    build_notes: &[String],
    venv_error: Option<&String>,
    results: &Results,
) {
    let mut met = (0, 0);
    let header = ["command", "metric", "median", "min", "ratio to baseline", "target", "result"].map(String::from);
    let lines: Vec<[String; 7]> = rows().iter().map(|row| table_line(results, row, &mut met)).collect();
    let mut widths = header.each_ref().map(String::len);
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let mut put = |cells: &[String; 7]| {
        text.push('|');
        for (cell, width) in cells.iter().zip(widths) {
            let _ = write!(text, " {cell:<width$} |");
        }
        text.push('\n');
    };
    put(&header);
    put(&widths.map(|w| "-".repeat(w)));
    for line in &lines {
        put(line);
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nn64-tools bench: {} ROMs x {} MiB, {BIG_MIB} MiB ROM, {} runs each (min/median; max RSS is the max), data in {}\n",
        options.roms,
        options.size_mib,
        options.runs,
        layout.dir.display()
    );
    let _ = write!(out, "{text}");
    let _ = writeln!(out, "\n{} of {} targets met.", met.0, met.1);
    for note in build_notes {
        let _ = writeln!(out, "note: {note}");
    }
    if let Some(error) = venv_error {
        let _ = writeln!(out, "note: ipl3checksum rows skipped: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(3), ms(1), ms(2)]), Some(ms(2)));
        assert_eq!(median(&[ms(4), ms(1), ms(2), ms(3)]), Some(Duration::from_micros(2500)));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn gnu_time_output_is_parsed() {
        let sample = parse_gnu_time("Command exited with non-zero status 1\n0.52 0.40 0.10 20480\n").unwrap();
        assert_eq!(sample.cpu, Some(Duration::from_millis(500)));
        assert_eq!(sample.max_rss_kib, Some(20480));
        assert!(parse_gnu_time("garbage").is_none());
    }

    #[test]
    fn a_missing_program_is_a_skip_reason() {
        let job = process("x", "x", "/nonexistent/n64-fix", &[]);
        assert_eq!(missing(&job, Pass::Wall).as_deref(), Some("/nonexistent/n64-fix not found"));
        assert!(missing(&process("x", "x", "sh", &[]), Pass::Wall).is_none());
        assert!(!is_runnable(Path::new("no-such-tool-n64-bench")));
    }

    #[test]
    fn generated_rom_has_a_correct_6102_check_code() {
        let boot = boot_code_6102().unwrap();
        assert_eq!(crc32fast::hash(&boot), BOOT_6102_CRC32);
        let rom = make_rom(2 << 20, 7, &boot).unwrap();
        assert_eq!(&rom[..4], &[0x80, 0x37, 0x12, 0x40]);
        let stored = u64::from_be_bytes(rom[0x10..0x18].try_into().unwrap());
        assert_eq!(stored, oracle_check_code(&rom, Cic::C6102).unwrap());
        assert_eq!(make_rom(2 << 20, 7, &boot).unwrap(), rom);
    }
}
