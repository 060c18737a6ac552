//! The report of `cargo xtask bench`: the figures of each row, the Markdown table, and the
//! verdict on the performance targets that decides the exit code.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

use anyhow::{Result, bail};

use super::patch::{PAIR_MIB, Pair};
use super::{BIG_MIB, Group, Layout, Options, Results, Stats};

/// The peak memory target of every command on one ROM, in KiB.
const MAX_RSS_TARGET_KIB: u64 = 32 * 1024;
/// The peak memory target of `n64 verify` over the whole directory, in KiB (issue 10).
const MAX_RSS_VERIFY_KIB: u64 = 64 * 1024;
/// `n64-fix patch` of the 64 MiB ROM at most this many times `cp ROM OUT && sync OUT` (issue 11).
const PATCH_RATIO_TARGET: f64 = 2.0;
/// `n64 assets` of the 64 MiB ROM at most this many times the baseline (issue 12).
const ASSETS_RATIO_TARGET: f64 = 1.5;
/// `n64-fix make-patch` of two 8 MiB ROMs in less than this (issue 11).
const MAKE_PATCH_TIME_TARGET: Duration = Duration::from_secs(2);

/// The figure a table row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    Wall,
    Cpu,
    MaxRss,
    /// The size of the file the command writes.
    Size,
}

/// A target a row is judged against.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// The row's median over its baseline's median at most this.
    RatioAtMost(f64),
    /// Max RSS at most this many KiB.
    RssAtMost(u64),
    /// The row's median (a time) less than this.
    TimeUnder(Duration),
}

/// One row of the results table.
#[derive(Debug, Clone)]
struct Row {
    group: Group,
    key: &'static str,
    metric: Metric,
    baseline: Option<&'static str>,
    target: Option<Target>,
}

/// What a row says about its target.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// The row has no target.
    Untargeted,
    /// The target is met.
    Pass,
    /// The target is missed; what was found (a ratio, or a size).
    Fail(String),
    /// The row has a target that cannot be judged (a tool or baseline is missing), and why.
    Unjudged(String),
}

/// One printed line of the table and its verdict.
#[derive(Debug, Clone)]
pub(super) struct Line {
    /// command, metric, median, min, ratio to baseline, target, result.
    cells: [String; 7],
    verdict: Verdict,
}

/// The median of some durations; the mean of the middle two for an even count.
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
        Metric::Size => {
            let bytes = stats.output_bytes?;
            #[allow(clippy::cast_precision_loss)]
            let value = bytes as f64;
            Some((value, format_bytes(bytes), "-".to_owned()))
        }
    }
}

/// A size in bytes with thousands separators: `12,083 B`.
fn format_bytes(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 2);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out.push_str(" B");
    out
}

/// A duration in ms below 1 s, in s above.
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
    let row = |group, key, metric, baseline, target| Row { group, key, metric, baseline, target };
    let mut rows = vec![
        row(Group::Check, "read", Metric::Wall, None, None),
        row(Group::Check, "read", Metric::Cpu, None, None),
        row(Group::Check, "check", Metric::Wall, Some("read"), Some(Target::RatioAtMost(1.5))),
        row(Group::Check, "check", Metric::Cpu, Some("read"), None),
        row(Group::Check, "scan", Metric::Wall, Some("read"), None),
        row(Group::Check, "scan", Metric::Cpu, Some("read"), None),
        row(Group::Check, "ipl3-loop", Metric::Wall, None, None),
        row(Group::Check, "ipl3-cli", Metric::Wall, None, None),
        row(Group::Check, "py-import", Metric::Wall, None, None),
        row(Group::Check, "check", Metric::Wall, Some("ipl3-loop"), Some(Target::RatioAtMost(1.0 / 3.0))),
        row(Group::Check, "check", Metric::Wall, Some("ipl3-cli"), Some(Target::RatioAtMost(1.0 / 3.0))),
        row(Group::Check, "check", Metric::Cpu, Some("ipl3-loop"), None),
        row(Group::Hash, "md5sum", Metric::Wall, None, None),
        row(Group::Hash, "md5sum", Metric::Cpu, None, None),
        row(Group::Hash, "sha1sum", Metric::Wall, Some("md5sum"), None),
        row(Group::Hash, "sha1sum", Metric::Cpu, Some("md5sum"), None),
        row(Group::Hash, "hash", Metric::Wall, Some("md5sum"), None),
        row(Group::Hash, "hash", Metric::Cpu, Some("md5sum"), Some(Target::RatioAtMost(1.0))),
        row(Group::Verify, "v-sha1sum", Metric::Wall, None, None),
        row(Group::Verify, "v-sha1sum", Metric::Cpu, None, None),
        row(Group::Verify, "v-rhash", Metric::Wall, Some("v-sha1sum"), None),
        row(Group::Verify, "v-rhash", Metric::Cpu, Some("v-sha1sum"), None),
        row(Group::Verify, "verify", Metric::Wall, Some("v-sha1sum"), Some(Target::RatioAtMost(0.75))),
        row(Group::Verify, "verify", Metric::Wall, Some("v-rhash"), Some(Target::RatioAtMost(1.0))),
        row(Group::Verify, "verify", Metric::Cpu, Some("v-sha1sum"), None),
        row(Group::Verify, "verify", Metric::Cpu, Some("v-rhash"), None),
        row(Group::Verify, "verify-cached", Metric::Wall, Some("verify"), Some(Target::RatioAtMost(0.05))),
        row(Group::Verify, "verify-cached", Metric::Cpu, Some("verify"), None),
        row(Group::Convert, "cp", Metric::Wall, None, None),
        row(Group::Convert, "cp-sync", Metric::Wall, Some("cp"), None),
        row(Group::Convert, "convert", Metric::Wall, Some("cp"), Some(Target::RatioAtMost(1.5))),
        row(Group::Convert, "convert", Metric::Wall, Some("cp-sync"), None),
        row(Group::Convert, "convert", Metric::Cpu, Some("cp"), None),
        row(Group::Check, "check", Metric::MaxRss, None, None),
        row(Group::Check, "scan", Metric::MaxRss, None, None),
        row(Group::Verify, "verify", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_VERIFY_KIB))),
        row(Group::Verify, "verify-cached", Metric::MaxRss, None, None),
        row(Group::Memory, "rss-info", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row(Group::Memory, "rss-check", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row(Group::Memory, "rss-hash", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row(Group::Memory, "rss-convert", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row(Group::Patch, "patch-cp-sync", Metric::Wall, None, None),
        row(Group::Patch, "patch", Metric::Wall, Some("patch-cp-sync"), Some(Target::RatioAtMost(PATCH_RATIO_TARGET))),
        row(Group::Patch, "patch-v64", Metric::Wall, Some("patch-cp-sync"), None),
        row(Group::Patch, "patch", Metric::Cpu, None, None),
        row(Group::Patch, "patch-v64", Metric::Cpu, None, None),
        row(Group::Patch, "patch", Metric::MaxRss, None, None),
        row(Group::Patch, "patch-v64", Metric::MaxRss, None, None),
    ];
    for pair in Pair::ALL {
        let (ours, xdelta3) = (pair.ours(), pair.xdelta3());
        rows.extend([
            row(Group::Patch, xdelta3, Metric::Wall, None, None),
            row(Group::Patch, xdelta3, Metric::Size, None, None),
            row(Group::Patch, ours, Metric::Wall, Some(xdelta3), Some(Target::TimeUnder(MAKE_PATCH_TIME_TARGET))),
            row(Group::Patch, ours, Metric::Size, Some(xdelta3), Some(Target::RatioAtMost(1.0))),
            row(Group::Patch, ours, Metric::MaxRss, None, None),
        ]);
    }
    rows.extend([
        row(Group::Assets, "assets-baseline", Metric::Wall, None, None),
        row(Group::Assets, "assets-baseline", Metric::Cpu, None, None),
        row(
            Group::Assets,
            "assets",
            Metric::Wall,
            Some("assets-baseline"),
            Some(Target::RatioAtMost(ASSETS_RATIO_TARGET)),
        ),
        row(Group::Assets, "assets", Metric::Cpu, Some("assets-baseline"), None),
        row(Group::Assets, "assets", Metric::MaxRss, None, None),
    ]);
    rows
}

/// The lines of the table, one per row of the groups in `only` (all when it is empty), in order.
pub(super) fn table_lines(results: &Results, only: &[Group]) -> Vec<Line> {
    rows()
        .iter()
        .filter(|row| only.is_empty() || only.contains(&row.group))
        .map(|row| table_line(results, row))
        .collect()
}

/// One printed line of the table.
fn table_line(results: &Results, row: &Row) -> Line {
    let label = results.labels.get(row.key).cloned().unwrap_or_else(|| row.key.to_owned());
    let metric = match row.metric {
        Metric::Wall => "wall",
        Metric::Cpu => "cpu",
        Metric::MaxRss => "max RSS",
        Metric::Size => "size",
    };
    let target_text = match row.target {
        None => "-".to_owned(),
        Some(Target::RatioAtMost(r)) if r < 1.0 => format!("<= {r:.2}x (>= {:.1}x faster)", 1.0 / r),
        Some(Target::RatioAtMost(r)) => format!("<= {r:.2}x"),
        Some(Target::RssAtMost(kib)) => format!("<= {} MiB", kib / 1024),
        Some(Target::TimeUnder(limit)) => format!("< {}", format_duration(limit)),
    };
    // A line without figures: its result says why, and a target on it cannot be judged.
    let unjudged = |result: String| {
        let verdict = if row.target.is_some() { Verdict::Unjudged(result.clone()) } else { Verdict::Untargeted };
        let cells = [label.clone(), metric.to_owned(), "-".into(), "-".into(), "-".into(), target_text.clone(), result];
        Line { cells, verdict }
    };
    let stats = match results.stats.get(row.key) {
        Some(Ok(stats)) => stats,
        Some(Err(reason)) => return unjudged(format!("skipped: {reason}")),
        None => return unjudged("not run".into()),
    };
    let Some((value, med, min)) = figures(stats, row.metric) else {
        return unjudged("no data".into());
    };
    let (ratio, ratio_text, no_ratio) = match row.baseline {
        None => (None, "-".to_owned(), String::new()),
        Some(base) => {
            let base_label = short_name(base);
            match results.get(base).and_then(|s| figures(s, row.metric)) {
                Some((b, _, _)) if b > 0.0 => {
                    (Some(value / b), format!("{:.2}x {base_label}", value / b), String::new())
                }
                figure => {
                    let why = match (figure, results.stats.get(base)) {
                        (Some(_), _) => format!("{base_label} measured 0"),
                        (None, Some(Err(reason))) => format!("{base_label} skipped: {reason}"),
                        (None, Some(Ok(_))) => format!("{base_label} has no data"),
                        (None, None) => format!("{base_label} not run"),
                    };
                    (None, format!("n/a ({base_label} missing)"), why)
                }
            }
        }
    };
    let verdict = match (row.target, ratio) {
        (None, _) => Verdict::Untargeted,
        (Some(Target::RatioAtMost(limit)), Some(r)) => pass_fail(r <= limit, &ratio_text),
        (Some(Target::RatioAtMost(_)), None) => Verdict::Unjudged(no_ratio),
        (Some(Target::RssAtMost(limit)), _) => pass_fail(stats.max_rss_kib.is_some_and(|k| k <= limit), &med),
        (Some(Target::TimeUnder(limit)), _) => pass_fail(value < limit.as_secs_f64(), &med),
    };
    let result = match &verdict {
        Verdict::Untargeted => String::new(),
        Verdict::Pass => "pass".to_owned(),
        Verdict::Fail(_) => "FAIL".to_owned(),
        Verdict::Unjudged(_) => "n/a".to_owned(),
    };
    Line { cells: [label, metric.to_owned(), med, min, ratio_text, target_text, result], verdict }
}

/// Pass, or a failure that found `found`.
fn pass_fail(pass: bool, found: &str) -> Verdict {
    if pass { Verdict::Pass } else { Verdict::Fail(found.to_owned()) }
}

/// The name of a baseline in the ratio column.
fn short_name(key: &str) -> &str {
    match key {
        "read" => "read baseline",
        "ipl3-loop" => "ipl3checksum 1 process",
        "ipl3-cli" => "ipl3checksum CLI",
        "cp-sync" | "patch-cp-sync" => "cp+sync",
        "v-sha1sum" => "sha1sum",
        "v-rhash" => "rhash",
        "verify" => "verify --no-cache",
        "assets-baseline" => "find + decode baseline",
        "xdelta3-scattered" | "xdelta3-inserted" | "xdelta3-moved" => "xdelta3",
        other => other,
    }
}

/// Every row with a target that is not met, named with its metric and why: a failure, or a
/// target that could not be judged.
fn missed_targets(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|line| {
            let [command, metric, .., target, _] = &line.cells;
            match &line.verdict {
                Verdict::Untargeted | Verdict::Pass => None,
                Verdict::Fail(found) => Some(format!("{command} [{metric}: {found}, target {target}]")),
                Verdict::Unjudged(reason) => Some(format!("{command} [{metric}: not judged, {reason}]")),
            }
        })
        .collect()
}

/// How many rows have a target.
fn target_count(lines: &[Line]) -> usize {
    lines.iter().filter(|line| line.verdict != Verdict::Untargeted).count()
}

/// The outcome of the run: an error naming every performance target that was missed or could
/// not be judged.
pub(super) fn judge(lines: &[Line]) -> Result<()> {
    let missed = missed_targets(lines);
    if !missed.is_empty() {
        bail!("{} of {} performance targets missed: {}", missed.len(), target_count(lines), missed.join("; "));
    }
    Ok(())
}

/// Prints the heading, the table, how many targets were met, and the notes.
pub(super) fn print_report(
    layout: &Layout,
    options: &Options,
    build_notes: &[String],
    venv_error: Option<&String>,
    lines: &[Line],
) {
    let header = ["command", "metric", "median", "min", "ratio to baseline", "target", "result"].map(String::from);
    let mut widths = header.each_ref().map(String::len);
    for line in lines {
        for (width, cell) in widths.iter_mut().zip(&line.cells) {
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
    for line in lines {
        put(&line.cells);
    }
    let total = target_count(lines);
    let met = total - missed_targets(lines).len();
    let mut data = Vec::new();
    if options.needs_roms() {
        data.push(format!("{} ROMs x {} MiB, {BIG_MIB} MiB ROM", options.roms, options.size_mib));
    }
    if options.runs(Group::Patch) {
        data.push(format!("patching {BIG_MIB} MiB ROM, {} pairs of {PAIR_MIB} MiB ROMs", Pair::ALL.len()));
    }
    if options.runs(Group::Assets) {
        data.push(format!("asset scan of a {BIG_MIB} MiB ROM with {} blocks", super::assets::BLOCKS));
    }
    let only = if options.only.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = options
            .only
            .iter()
            .filter_map(clap::ValueEnum::to_possible_value)
            .map(|v| v.get_name().to_owned())
            .collect();
        format!(" (--only {})", names.join(","))
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nn64-tools bench{only}: {}, {} runs each (min/median; max RSS is the max), data in {}\n",
        data.join("; "),
        options.runs,
        layout.dir.display()
    );
    let _ = write!(out, "{text}");
    let _ = writeln!(out, "\n{met} of {total} targets met.");
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

    /// Records `key` as run once with these figures.
    fn put(results: &mut Results, key: &'static str, wall_ms: u64, cpu_ms: u64, max_rss_kib: Option<u64>) {
        let ms = Duration::from_millis;
        results.labels.insert(key, format!("{key} command"));
        let stats = Stats { wall: vec![ms(wall_ms)], cpu: vec![ms(cpu_ms)], max_rss_kib, output_bytes: None };
        results.stats.insert(key, Ok(stats));
    }

    /// Records `key` as a run that wrote `bytes` in `wall_ms`.
    fn put_written(results: &mut Results, key: &'static str, wall_ms: u64, bytes: u64) {
        put(results, key, wall_ms, wall_ms, Some(50_000));
        if let Some(Ok(stats)) = results.stats.get_mut(key) {
            stats.output_bytes = Some(bytes);
        }
    }

    /// Results of every job, with every target met.
    fn all_met() -> Results {
        let mut results = Results::default();
        put(&mut results, "read", 30, 30, None);
        put(&mut results, "check", 40, 80, Some(6_000));
        put(&mut results, "scan", 45, 80, Some(6_000));
        put(&mut results, "ipl3-loop", 300, 300, None);
        put(&mut results, "ipl3-cli", 6_000, 6_000, None);
        put(&mut results, "py-import", 20, 20, None);
        put(&mut results, "md5sum", 260, 260, None);
        put(&mut results, "sha1sum", 230, 220, None);
        put(&mut results, "hash", 180, 250, None);
        put(&mut results, "cp", 40, 20, None);
        put(&mut results, "cp-sync", 50, 20, None);
        put(&mut results, "convert", 50, 20, None);
        put(&mut results, "v-sha1sum", 2_400, 2_300, None);
        put(&mut results, "v-rhash", 3_000, 2_900, None);
        put(&mut results, "verify", 1_200, 2_300, Some(12_000));
        put(&mut results, "verify-cached", 30, 20, Some(10_000));
        for key in ["rss-info", "rss-check", "rss-hash", "rss-convert"] {
            put(&mut results, key, 0, 0, Some(5_000));
        }
        put(&mut results, "patch-cp-sync", 110, 20, None);
        put_written(&mut results, "patch", 180, 64 << 20);
        put_written(&mut results, "patch-v64", 200, 64 << 20);
        for pair in Pair::ALL {
            put_written(&mut results, pair.xdelta3(), 300, 14_737);
            put_written(&mut results, pair.ours(), 250, 12_083);
        }
        put(&mut results, "assets-baseline", 100, 100, None);
        put(&mut results, "assets", 140, 130, Some(80_000));
        results
    }

    #[test]
    fn median_of_odd_and_even() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(3), ms(1), ms(2)]), Some(ms(2)));
        assert_eq!(median(&[ms(4), ms(1), ms(2), ms(3)]), Some(Duration::from_micros(2500)));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn all_targets_met_is_success() {
        let lines = table_lines(&all_met(), &[]);
        assert_eq!(target_count(&lines), 21);
        assert!(missed_targets(&lines).is_empty());
        assert!(judge(&lines).is_ok());
    }

    #[test]
    fn a_missed_target_is_an_error_naming_the_row() {
        let mut results = all_met();
        put(&mut results, "hash", 180, 350, None);
        let lines = table_lines(&results, &[]);
        assert!(lines.iter().any(|line| line.cells[0] == "hash command" && line.cells[6] == "FAIL"));
        let error = judge(&lines).unwrap_err().to_string();
        assert_eq!(error, "1 of 21 performance targets missed: hash command [cpu: 1.35x md5sum, target <= 1.00x]");
    }

    #[test]
    fn the_verify_rows_have_the_targets_of_issue_10() {
        let targets: Vec<(&str, Metric, Option<&str>, String)> = rows()
            .into_iter()
            .filter(|row| row.key.starts_with("verify"))
            .filter_map(|row| row.target.map(|t| (row.key, row.metric, row.baseline, format!("{t:?}"))))
            .collect();
        assert_eq!(
            targets,
            [
                ("verify", Metric::Wall, Some("v-sha1sum"), "RatioAtMost(0.75)".to_owned()),
                ("verify", Metric::Wall, Some("v-rhash"), "RatioAtMost(1.0)".to_owned()),
                ("verify-cached", Metric::Wall, Some("verify"), "RatioAtMost(0.05)".to_owned()),
                ("verify", Metric::MaxRss, None, format!("RssAtMost({})", 64 * 1024)),
            ]
        );
    }

    #[test]
    fn missed_verify_targets_are_named() {
        let mut results = all_met();
        put(&mut results, "verify", 2_000, 2_300, Some(100_000));
        put(&mut results, "verify-cached", 150, 100, None);
        let lines = table_lines(&results, &[]);
        let error = judge(&lines).unwrap_err().to_string();
        assert_eq!(
            error,
            "3 of 21 performance targets missed: \
             verify command [wall: 0.83x sha1sum, target <= 0.75x (>= 1.3x faster)]; \
             verify-cached command [wall: 0.07x verify --no-cache, target <= 0.05x (>= 20.0x faster)]; \
             verify command [max RSS: 97.7 MiB, target <= 64 MiB]"
        );
    }

    #[test]
    fn a_missing_rhash_leaves_its_target_unjudged() {
        let mut results = all_met();
        results.stats.insert("v-rhash", Err("rhash not found".to_owned()));
        let lines = table_lines(&results, &[]);
        let error = judge(&lines).unwrap_err().to_string();
        assert_eq!(
            error,
            "1 of 21 performance targets missed: verify command [wall: not judged, rhash skipped: rhash not found]"
        );
    }

    #[test]
    fn a_target_that_cannot_be_judged_is_missed() {
        let mut results = all_met();
        results.stats.insert("ipl3-cli", Err("python3 -m venv failed: no venv module".to_owned()));
        results.stats.insert("rss-hash", Err("/usr/bin/time not found (apt-get install time)".to_owned()));
        let lines = table_lines(&results, &[]);
        assert_eq!(target_count(&lines), 21);
        let error = judge(&lines).unwrap_err().to_string();
        assert_eq!(
            error,
            "2 of 21 performance targets missed: \
             check command [wall: not judged, ipl3checksum CLI skipped: python3 -m venv failed: no venv module]; \
             rss-hash command [max RSS: not judged, skipped: /usr/bin/time not found (apt-get install time)]"
        );
    }

    #[test]
    fn the_patching_rows_have_the_targets_of_issue_11() {
        let targets: Vec<(&str, Metric, Option<&str>, String)> = rows()
            .into_iter()
            .filter(|row| row.group == Group::Patch)
            .filter_map(|row| row.target.map(|t| (row.key, row.metric, row.baseline, format!("{t:?}"))))
            .collect();
        assert_eq!(
            targets,
            [
                ("patch", Metric::Wall, Some("patch-cp-sync"), "RatioAtMost(2.0)".to_owned()),
                ("make-patch-scattered", Metric::Wall, Some("xdelta3-scattered"), "TimeUnder(2s)".to_owned()),
                ("make-patch-scattered", Metric::Size, Some("xdelta3-scattered"), "RatioAtMost(1.0)".to_owned()),
                ("make-patch-inserted", Metric::Wall, Some("xdelta3-inserted"), "TimeUnder(2s)".to_owned()),
                ("make-patch-inserted", Metric::Size, Some("xdelta3-inserted"), "RatioAtMost(1.0)".to_owned()),
                ("make-patch-moved", Metric::Wall, Some("xdelta3-moved"), "TimeUnder(2s)".to_owned()),
                ("make-patch-moved", Metric::Size, Some("xdelta3-moved"), "RatioAtMost(1.0)".to_owned()),
            ]
        );
    }

    #[test]
    fn only_patch_prints_and_judges_only_the_patching_rows() {
        let lines = table_lines(&all_met(), &[Group::Patch]);
        assert_eq!(lines.len(), 7 + 5 * Pair::ALL.len());
        assert_eq!(target_count(&lines), 7);
        assert!(judge(&lines).is_ok());
        let size = lines.iter().find(|l| l.cells[0] == "make-patch-moved command" && l.cells[1] == "size").unwrap();
        assert_eq!(size.cells[2..].to_vec(), ["12,083 B", "-", "0.82x xdelta3", "<= 1.00x", "pass"]);
        let time = lines.iter().find(|l| l.cells[0] == "make-patch-moved command" && l.cells[1] == "wall").unwrap();
        assert_eq!(time.cells[2..].to_vec(), ["250.0 ms", "250.0 ms", "0.83x xdelta3", "< 2.00 s", "pass"]);
        // Rows of groups that did not run are not printed, so their targets are not missed.
        let mut results = Results::default();
        for key in ["patch-cp-sync", "patch", "patch-v64"] {
            results.labels.insert(key, key.to_owned());
            results.stats.insert(key, all_met().stats.remove(key).unwrap());
        }
        for pair in Pair::ALL {
            for key in [pair.ours(), pair.xdelta3()] {
                results.stats.insert(key, all_met().stats.remove(key).unwrap());
            }
        }
        assert!(judge(&table_lines(&results, &[Group::Patch])).is_ok());
        assert_eq!(target_count(&table_lines(&results, &[])), 21);
        assert!(judge(&table_lines(&results, &[])).is_err());
    }

    #[test]
    fn missed_patching_targets_are_named() {
        let mut results = all_met();
        put_written(&mut results, "patch", 230, 64 << 20);
        put_written(&mut results, Pair::Inserted.ours(), 2_000, 12_083);
        put_written(&mut results, Pair::Moved.ours(), 300, 15_000);
        let error = judge(&table_lines(&results, &[Group::Patch])).unwrap_err().to_string();
        assert_eq!(
            error,
            "3 of 7 performance targets missed: \
             patch command [wall: 2.09x cp+sync, target <= 2.00x]; \
             make-patch-inserted command [wall: 2.00 s, target < 2.00 s]; \
             make-patch-moved command [size: 1.02x xdelta3, target <= 1.00x]"
        );
    }

    #[test]
    fn a_missing_xdelta3_leaves_the_size_targets_unjudged() {
        let mut results = all_met();
        for pair in Pair::ALL {
            results.stats.insert(pair.xdelta3(), Err("xdelta3 not found".to_owned()));
        }
        let lines = table_lines(&results, &[Group::Patch]);
        let error = judge(&lines).unwrap_err().to_string();
        assert!(error.starts_with("3 of 7 performance targets missed: "), "{error}");
        assert!(
            error.contains("make-patch-scattered command [size: not judged, xdelta3 skipped: xdelta3 not found]"),
            "{error}"
        );
        assert!(!error.contains("[wall"), "the time target is judged without xdelta3: {error}");
    }

    #[test]
    fn the_asset_rows_have_the_target_of_issue_12() {
        let lines = table_lines(&all_met(), &[Group::Assets]);
        assert_eq!(lines.len(), 5);
        assert_eq!(target_count(&lines), 1);
        let wall = lines.iter().find(|l| l.cells[0] == "assets command" && l.cells[1] == "wall").unwrap();
        assert_eq!(wall.cells[4..].to_vec(), ["1.40x find + decode baseline", "<= 1.50x", "pass"]);
        let mut results = all_met();
        put(&mut results, "assets", 160, 130, None);
        let error = judge(&table_lines(&results, &[Group::Assets])).unwrap_err().to_string();
        assert_eq!(
            error,
            "1 of 1 performance targets missed: assets command [wall: 1.60x find + decode baseline, target <= 1.50x]"
        );
    }

    #[test]
    fn sizes_have_thousands_separators() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(48), "48 B");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(1_000), "1,000 B");
        assert_eq!(format_bytes(65_576), "65,576 B");
        assert_eq!(format_bytes(67_108_864), "67,108,864 B");
    }
}
