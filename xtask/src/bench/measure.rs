//! The measuring of `cargo xtask bench`: which commands run, in which groups, and how each run
//! is timed (wall time here, CPU time and max RSS from GNU time, the in-process read baseline).

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::assets;
use super::patch::{PAIR_MIB, Pair};
use super::venv::last_line;
use super::verify;
use super::{BIG_MIB, Group, Layout, Options, Results, Stats};

/// How much of a ROM the check code covers: what `n64 check` must read of each file.
const CHECKED_LEN: usize = 0x10_1000;
/// How many of the ROMs the hashing rows hash.
const HASH_FILES: usize = 20;
/// GNU time, for CPU time and max RSS of a child.
const GNU_TIME: &str = "/usr/bin/time";

/// What a measurement is: a whole process, or the in-process baseline read loop.
#[derive(Debug, Clone)]
enum Work {
    /// A child process, with `env` added to its environment; it must exit with status `exit`
    /// (0 but for `n64 verify`, see [`verify::EXPECTED_EXIT`]); `remove` (the file it writes)
    /// has its size recorded and is deleted after each run (untimed).
    Process {
        program: PathBuf,
        args: Vec<OsString>,
        env: Vec<(OsString, OsString)>,
        exit: i32,
        remove: Option<PathBuf>,
    },
    /// Open each file, read its first `len` bytes into a reused buffer, close it.
    ReadPrefix { files: Vec<PathBuf>, len: usize },
    /// The asset baseline ([`assets::baseline`]): read the ROM, find the magics, decode.
    FindBlocks { rom: PathBuf },
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

/// A job that runs `program` with `args`.
fn process(key: &'static str, label: impl Into<String>, program: impl Into<PathBuf>, args: &[&OsStr]) -> Job {
    Job {
        key,
        label: label.into(),
        work: Work::Process {
            program: program.into(),
            args: args.iter().map(|a| a.to_os_string()).collect(),
            env: Vec::new(),
            exit: 0,
            remove: None,
        },
    }
}

/// Every measurement of the groups `--only` selects (all by default), group by group (the jobs
/// of a group run round-robin).
pub(super) fn measure_all(layout: &Layout, options: &Options, python: Result<&Path, &String>) -> Results {
    let mut results = Results::default();
    if options.runs(Group::Check) {
        measure_directory(&mut results, layout, options, python);
        measure_ipl3_cli(&mut results, layout, options, python);
    }
    if options.runs(Group::Hash) {
        measure_hashing(&mut results, layout, options);
    }
    if options.runs(Group::Verify) {
        measure_verify(&mut results, layout, options);
    }
    if options.runs(Group::Convert) {
        measure_conversion(&mut results, layout, options);
    }
    if options.runs(Group::Memory) {
        measure_memory(&mut results, layout, options);
    }
    if options.runs(Group::Patch) {
        measure_patch(&mut results, layout, options);
        measure_make_patch(&mut results, layout, options);
    }
    if options.runs(Group::Assets) {
        measure_assets(&mut results, layout, options);
    }
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

/// `n64 verify` against a BigEndian DAT, without and with its hash cache, beside `sha1sum` and
/// `rhash` over the same files (half of them v64). The verify runs exit 1 by design (see
/// [`verify::EXPECTED_EXIT`]); `verify::prepare` has checked that every file matches and that
/// the cache is warm.
fn measure_verify(results: &mut Results, layout: &Layout, options: &Options) {
    let n64 = layout.release.join("n64");
    let files: Vec<&OsStr> = layout.verify_files.iter().map(|p| p.as_os_str()).collect();
    let (n, mib) = (files.len(), options.size_mib);
    let mut rhash = vec![OsStr::new("--crc32"), OsStr::new("--sha1")];
    rhash.extend(&files);
    let mut cold = process(
        "verify",
        format!("n64 verify --no-cache --dat BE.dat DIR ({n} x {mib} MiB, half v64)"),
        &n64,
        &verify::verify_args(layout, true, false),
    );
    let mut warm = process(
        "verify-cached",
        format!("n64 verify --dat BE.dat DIR, warm cache ({n} files)"),
        &n64,
        &verify::verify_args(layout, false, false),
    );
    for job in [&mut cold, &mut warm] {
        if let Work::Process { exit, env, .. } = &mut job.work {
            *exit = verify::EXPECTED_EXIT;
            env.push((OsString::from("N64_CACHE"), layout.cache.clone().into_os_string()));
        }
    }
    let group = [
        process("v-sha1sum", format!("sha1sum ({n} x {mib} MiB, half v64)"), "sha1sum", &files),
        process("v-rhash", format!("rhash --crc32 --sha1 ({n} x {mib} MiB, half v64)"), "rhash", &rhash),
        cold,
        warm,
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

/// Sets the file each of `jobs` writes, so that it is measured and deleted after each run.
fn set_remove(jobs: &mut [Job], path: &Path) {
    for job in jobs {
        if let Work::Process { remove, .. } = &mut job.work {
            *remove = Some(path.to_path_buf());
        }
    }
}

/// `n64-fix patch` of the 64 MiB ROM (z64, and v64) with a BPS patch into a new file, beside
/// copying the ROM and syncing the copy; `patch::prepare` has checked the output.
fn measure_patch(results: &mut Results, layout: &Layout, options: &Options) {
    let files = &layout.patch;
    let n64_fix = layout.release.join("n64-fix");
    let (rom, rom_v64, bps) = (files.rom.as_os_str(), files.rom_v64.as_os_str(), files.bps.as_os_str());
    let (out, out_v64) = (files.out.as_os_str(), files.out_v64.as_os_str());
    let cp_sync = r#"cp -- "$1" "$2" && sync -- "$2""#;
    let o = OsStr::new("-o");
    let mut group = [
        process(
            "patch-cp-sync",
            format!("cp ROM OUT && sync OUT ({BIG_MIB} MiB)"),
            "/bin/sh",
            &[OsStr::new("-c"), OsStr::new(cp_sync), OsStr::new("sh"), rom, out],
        ),
        process(
            "patch",
            format!("n64-fix patch ROM.z64 EDITS.bps -o OUT ({BIG_MIB} MiB)"),
            &n64_fix,
            &[OsStr::new("patch"), rom, bps, o, out],
        ),
        process(
            "patch-v64",
            format!("n64-fix patch ROM.v64 EDITS.bps -o OUT ({BIG_MIB} MiB, v64)"),
            &n64_fix,
            &[OsStr::new("patch"), rom_v64, bps, o, out_v64],
        ),
    ];
    set_remove(&mut group[..2], &files.out);
    set_remove(&mut group[2..], &files.out_v64);
    measure_group(results, &group, options.runs, Pass::WallAndCpu);
}

/// `n64-fix make-patch` of a BPS beside `xdelta3 -e -9 -S none` on each pair of 8 MiB ROMs;
/// the size of what each writes is recorded. `patch::prepare` has checked that both patches
/// give the modified ROM.
fn measure_make_patch(results: &mut Results, layout: &Layout, options: &Options) {
    let files = &layout.patch;
    let n64_fix = layout.release.join("n64-fix");
    let original = files.original.as_os_str();
    let mut group = Vec::new();
    for pair in Pair::ALL {
        let modified = files.modified(pair);
        let args = ["-e", "-9", "-S", "none", "-s"].map(OsStr::new);
        let mut xdelta3 = process(
            pair.xdelta3(),
            format!("xdelta3 -e -9 -S none -s ORIG MOD OUT ({PAIR_MIB} MiB, {})", pair.name()),
            "xdelta3",
            &[&args[..], &[original, modified.as_os_str(), files.made_vcdiff.as_os_str()]].concat(),
        );
        set_remove(std::slice::from_mut(&mut xdelta3), &files.made_vcdiff);
        let mut ours = process(
            pair.ours(),
            format!("n64-fix make-patch ORIG MOD -o OUT.bps ({PAIR_MIB} MiB, {})", pair.name()),
            &n64_fix,
            &[OsStr::new("make-patch"), original, modified.as_os_str(), OsStr::new("-o"), files.made_bps.as_os_str()],
        );
        set_remove(std::slice::from_mut(&mut ours), &files.made_bps);
        group.extend([xdelta3, ours]);
    }
    measure_group(results, &group, options.runs, Pass::WallAndCpu);
}

/// `n64 assets` of the 64 MiB ROM holding 200 blocks, beside the in-process baseline that finds
/// the magics and decodes those blocks; `assets::prepare` has checked that both find them.
fn measure_assets(results: &mut Results, layout: &Layout, options: &Options) {
    let rom = &layout.assets.rom;
    let group = [
        Job {
            key: "assets-baseline",
            label: format!(
                "baseline: read (buffer reused), memchr for the 3 magics, decode the {} blocks ({BIG_MIB} MiB, in-process)",
                assets::BLOCKS
            ),
            work: Work::FindBlocks { rom: rom.clone() },
        },
        process(
            "assets",
            format!("n64 assets ROM ({BIG_MIB} MiB, {} blocks)", assets::BLOCKS),
            layout.release.join("n64"),
            &[OsStr::new("assets"), rom.as_os_str()],
        ),
    ];
    measure_group(results, &group, options.runs, Pass::WallAndCpu);
}

/// Records `key` as skipped for `reason`.
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

/// Whether `program` is a file, or on `PATH` when it is a bare name.
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
                if sample.output_bytes.is_some() {
                    stats.output_bytes = sample.output_bytes;
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
    output_bytes: Option<u64>,
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
            Ok(Sample { wall: Some(wall), cpu, ..Sample::default() })
        }
        Work::FindBlocks { rom } => {
            let cpu_before = thread_cpu_time();
            let started = Instant::now();
            assets::baseline(rom).map_err(|e| format!("{e:#}"))?;
            let wall = started.elapsed();
            let cpu = thread_cpu_time().zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
            Ok(Sample { wall: Some(wall), cpu, ..Sample::default() })
        }
        Work::Process { program, args, env, exit, remove } => {
            let report = std::env::temp_dir().join(format!("n64-bench-time-{}.txt", std::process::id()));
            let mut command = if timed {
                let mut command = Command::new(GNU_TIME);
                command.args(["-f", "%e %U %S %M", "-o"]).arg(&report).arg(program);
                command
            } else {
                Command::new(program)
            };
            command.args(args).envs(env.iter().map(|(k, v)| (k, v)));
            command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
            let started = Instant::now();
            let output = command.output().map_err(|e| format!("cannot run {}: {e}", program.display()))?;
            let wall = started.elapsed();
            let output_bytes = remove.as_ref().and_then(|path| fs::metadata(path).ok()).map(|m| m.len());
            if let Some(path) = remove {
                let _ = fs::remove_file(path);
            }
            if output.status.code() != Some(*exit) {
                let expected = if *exit == 0 { String::new() } else { format!(", expected exit status {exit}") };
                return Err(format!("{}{expected} ({})", output.status, last_line(&output.stderr)));
            }
            if !timed {
                return Ok(Sample { wall: Some(wall), output_bytes, ..Sample::default() });
            }
            let text = fs::read_to_string(&report).map_err(|e| format!("reading {}: {e}", report.display()))?;
            let _ = fs::remove_file(&report);
            let sample = parse_gnu_time(&text).ok_or_else(|| format!("cannot parse GNU time's output {text:?}"))?;
            Ok(Sample { output_bytes, ..sample })
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
    Some(Sample {
        cpu: Some(Duration::from_secs_f64(user + sys)),
        max_rss_kib: Some(rss.parse().ok()?),
        ..Sample::default()
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gnu_time_output_is_parsed() {
        let sample = parse_gnu_time("Command exited with non-zero status 1\n0.52 0.40 0.10 20480\n").unwrap();
        assert_eq!(sample.cpu, Some(Duration::from_millis(500)));
        assert_eq!(sample.max_rss_kib, Some(20480));
        assert!(parse_gnu_time("garbage").is_none());
    }

    #[test]
    fn a_process_must_exit_with_its_expected_status() {
        let mut job = process("x", "x", "sh", &[OsStr::new("-c"), OsStr::new("exit 1")]);
        assert!(run_once(&job, false).unwrap_err().contains("exit status: 1"));
        if let Work::Process { exit, .. } = &mut job.work {
            *exit = 1;
        }
        assert!(run_once(&job, false).is_ok_and(|s| s.wall.is_some()));
        let ok = process("x", "x", "true", &[]);
        let Work::Process { program, args, env, remove, .. } = ok.work else { unreachable!() };
        let job = Job { key: "x", label: "x".into(), work: Work::Process { program, args, env, exit: 1, remove } };
        assert_eq!(run_once(&job, false).unwrap_err(), "exit status: 0, expected exit status 1 ()");
    }

    #[test]
    fn a_missing_program_is_a_skip_reason() {
        let job = process("x", "x", "/nonexistent/n64-fix", &[]);
        assert_eq!(missing(&job, Pass::Wall).as_deref(), Some("/nonexistent/n64-fix not found"));
        assert!(missing(&process("x", "x", "sh", &[]), Pass::Wall).is_none());
        assert!(!is_runnable(Path::new("no-such-tool-n64-bench")));
    }
}
