//! The report of `cargo xtask bench`: the figures of each row, the Markdown table, and the
//! verdict on the performance targets that decides the exit code.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

use anyhow::{Result, bail};

use super::{BIG_MIB, Layout, Options, Results, Stats};

/// The peak memory target of every command on one ROM, in KiB.
const MAX_RSS_TARGET_KIB: u64 = 32 * 1024;
/// The peak memory target of `n64 verify` over the whole directory, in KiB (issue 10).
const MAX_RSS_VERIFY_KIB: u64 = 64 * 1024;

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
    }
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
        row("v-sha1sum", Metric::Wall, None, None),
        row("v-sha1sum", Metric::Cpu, None, None),
        row("v-rhash", Metric::Wall, Some("v-sha1sum"), None),
        row("v-rhash", Metric::Cpu, Some("v-sha1sum"), None),
        row("verify", Metric::Wall, Some("v-sha1sum"), Some(Target::RatioAtMost(0.75))),
        row("verify", Metric::Wall, Some("v-rhash"), Some(Target::RatioAtMost(1.0))),
        row("verify", Metric::Cpu, Some("v-sha1sum"), None),
        row("verify", Metric::Cpu, Some("v-rhash"), None),
        row("verify-cached", Metric::Wall, Some("verify"), Some(Target::RatioAtMost(0.05))),
        row("verify-cached", Metric::Cpu, Some("verify"), None),
        row("cp", Metric::Wall, None, None),
        row("cp-sync", Metric::Wall, Some("cp"), None),
        row("convert", Metric::Wall, Some("cp"), Some(Target::RatioAtMost(1.5))),
        row("convert", Metric::Wall, Some("cp-sync"), None),
        row("convert", Metric::Cpu, Some("cp"), None),
        row("check", Metric::MaxRss, None, None),
        row("scan", Metric::MaxRss, None, None),
        row("verify", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_VERIFY_KIB))),
        row("verify-cached", Metric::MaxRss, None, None),
        row("rss-info", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row("rss-check", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row("rss-hash", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
        row("rss-convert", Metric::MaxRss, None, Some(Target::RssAtMost(MAX_RSS_TARGET_KIB))),
    ]
}

/// The lines of the table, one per row, in order.
pub(super) fn table_lines(results: &Results) -> Vec<Line> {
    rows().iter().map(|row| table_line(results, row)).collect()
}

/// One printed line of the table.
fn table_line(results: &Results, row: &Row) -> Line {
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
        "cp-sync" => "cp+sync",
        "v-sha1sum" => "sha1sum",
        "v-rhash" => "rhash",
        "verify" => "verify --no-cache",
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
        results.stats.insert(key, Ok(Stats { wall: vec![ms(wall_ms)], cpu: vec![ms(cpu_ms)], max_rss_kib }));
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
        let lines = table_lines(&all_met());
        assert_eq!(target_count(&lines), 13);
        assert!(missed_targets(&lines).is_empty());
        assert!(judge(&lines).is_ok());
    }

    #[test]
    fn a_missed_target_is_an_error_naming_the_row() {
        let mut results = all_met();
        put(&mut results, "hash", 180, 350, None);
        let lines = table_lines(&results);
        assert!(lines.iter().any(|line| line.cells[0] == "hash command" && line.cells[6] == "FAIL"));
        let error = judge(&lines).unwrap_err().to_string();
        assert_eq!(error, "1 of 13 performance targets missed: hash command [cpu: 1.35x md5sum, target <= 1.00x]");
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
        let lines = table_lines(&results);
        let error = judge(&lines).unwrap_err().to_string();
        assert_eq!(
            error,
            "3 of 13 performance targets missed: \
             verify command [wall: 0.83x sha1sum, target <= 0.75x (>= 1.3x faster)]; \
             verify-cached command [wall: 0.07x verify --no-cache, target <= 0.05x (>= 20.0x faster)]; \
             verify command [max RSS: 97.7 MiB, target <= 64 MiB]"
        );
    }

    #[test]
    fn a_missing_rhash_leaves_its_target_unjudged() {
        let mut results = all_met();
        results.stats.insert("v-rhash", Err("rhash not found".to_owned()));
        let lines = table_lines(&results);
        let error = judge(&lines).unwrap_err().to_string();
        assert_eq!(
            error,
            "1 of 13 performance targets missed: verify command [wall: not judged, rhash skipped: rhash not found]"
        );
    }

    #[test]
    fn a_target_that_cannot_be_judged_is_missed() {
        let mut results = all_met();
        results.stats.insert("ipl3-cli", Err("python3 -m venv failed: no venv module".to_owned()));
        results.stats.insert("rss-hash", Err("/usr/bin/time not found (apt-get install time)".to_owned()));
        let lines = table_lines(&results);
        assert_eq!(target_count(&lines), 13);
        let error = judge(&lines).unwrap_err().to_string();
        assert_eq!(
            error,
            "2 of 13 performance targets missed: \
             check command [wall: not judged, ipl3checksum CLI skipped: python3 -m venv failed: no venv module]; \
             rss-hash command [max RSS: not judged, skipped: /usr/bin/time not found (apt-get install time)]"
        );
    }
}
