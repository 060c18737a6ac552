//! The `n64 verify` rows of `cargo xtask bench` (issue 10): the names of the files verified,
//! the BigEndian Logiqx DAT listing them, and the untimed runs that make sure the timed ones
//! measure a verify that matches every file, with a hash cache that is really warm.
//!
//! The files are the bench's ROMs, half of them stored byte-swapped: `verify/rom-NNNN.z64` (even
//! N, a hard link to `roms/rom-NNNN.z64`) and `verify/rom-NNNN.v64` (odd N, the same ROM in v64
//! order). The DAT lists every ROM by its big-endian bytes as `rom-NNNN.z64`, as No-Intro's
//! "(BigEndian)" DAT does. So every file matches, and the v64 half is reported in the wrong byte
//! order (`byte_order_ok: false`) and under the wrong name: `n64 verify` exits 1 by design. The
//! timed verify runs therefore expect exit status 1 ([`EXPECTED_EXIT`]), and [`prepare`] checks
//! with `--json`, before any timing, that exit 1 means nothing but that: every file a `match`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;

use super::Layout;
use super::venv::last_line;

/// The DAT's header name: its "(BigEndian)" says every rom's hashes are over z64 bytes.
pub(super) const DAT_NAME: &str = "n64-tools bench (BigEndian)";

/// The exit status of `n64 verify` over the bench's files: 1, because the v64 half is in the
/// wrong byte order and under the wrong name for a BigEndian DAT (every file still matches;
/// [`prepare`] checks that). 0 would mean the v64 files were not judged; 2, an error.
pub(super) const EXPECTED_EXIT: i32 = 1;

/// Whether the bench stores ROM `index` byte-swapped (v64): the odd ones, so half of them.
pub(super) const fn is_v64(index: usize) -> bool {
    index % 2 == 1
}

/// The stem every file of ROM `index` is named with: `rom-NNNN`.
pub(super) fn stem(index: usize) -> String {
    format!("rom-{index:04}")
}

/// The name of ROM `index` in the verified directory: `.v64` when it is stored v64, else `.z64`.
pub(super) fn file_name(index: usize) -> String {
    format!("{}.{}", stem(index), if is_v64(index) { "v64" } else { "z64" })
}

/// One ROM as the DAT lists it: a game of one rom, by its big-endian bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DatEntry {
    /// The game's name; its rom is `<name>.z64`.
    pub(super) name: String,
    /// The size in bytes.
    pub(super) size: u64,
    /// CRC32 of the big-endian bytes.
    pub(super) crc32: u32,
    /// SHA-1 of the big-endian bytes.
    pub(super) sha1: [u8; 20],
}

impl DatEntry {
    /// The entry of ROM `index`, from its big-endian bytes.
    pub(super) fn of(index: usize, z64: &[u8]) -> DatEntry {
        use sha1::Digest as _;
        DatEntry {
            name: stem(index),
            size: z64.len() as u64,
            crc32: crc32fast::hash(z64),
            sha1: sha1::Sha1::digest(z64).into(),
        }
    }
}

/// Bytes as lowercase hexadecimal digits, as DATs write hashes.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(2 * bytes.len()), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// `text` with the five characters XML gives a meaning to escaped, for an attribute or element.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A Logiqx XML DAT (with No-Intro's DOCTYPE) named [`DAT_NAME`] listing `entries`, one game
/// of one rom `<name>.z64` each, with size, CRC32 and SHA-1.
pub(super) fn dat_text(entries: &[DatEntry]) -> String {
    let mut text = String::from(
        "<?xml version=\"1.0\"?>\n\
         <!DOCTYPE datafile PUBLIC \"-//Logiqx//DTD ROM Management Datafile//EN\" \
         \"http://www.logiqx.com/Dats/datafile.dtd\">\n\
         <datafile>\n",
    );
    let _ = writeln!(text, "\t<header>\n\t\t<name>{}</name>", xml_escape(DAT_NAME));
    let _ = writeln!(text, "\t\t<description>{}</description>", xml_escape(DAT_NAME));
    text.push_str("\t\t<version>1</version>\n\t\t<author>cargo xtask bench</author>\n\t</header>\n");
    for entry in entries {
        let name = xml_escape(&entry.name);
        let sha1 = hex(&entry.sha1);
        let _ = writeln!(text, "\t<game name=\"{name}\">\n\t\t<description>{name}</description>");
        let _ = writeln!(
            text,
            "\t\t<rom name=\"{name}.z64\" size=\"{}\" crc=\"{:08x}\" sha1=\"{sha1}\"/>\n\t</game>",
            entry.size, entry.crc32
        );
    }
    text.push_str("</datafile>\n");
    text
}

/// The arguments of `n64 verify [--no-cache] --dat DAT DIR`, with `--json` first when `json`.
pub(super) fn verify_args(layout: &Layout, no_cache: bool, json: bool) -> Vec<&std::ffi::OsStr> {
    use std::ffi::OsStr;
    let mut args = vec![OsStr::new("verify")];
    if json {
        args.push(OsStr::new("--json"));
    }
    if no_cache {
        args.push(OsStr::new("--no-cache"));
    }
    args.extend([OsStr::new("--dat"), layout.dat.as_os_str(), layout.verify_dir.as_os_str()]);
    args
}

/// What a `--json` run of `n64 verify` reported, as far as the bench cares.
#[derive(Debug, Default, PartialEq, Eq)]
struct Reported {
    /// Paths of the file records, with their status.
    files: Vec<(String, String)>,
    /// The summary's `cached` count.
    cached: Option<u64>,
    /// The summary's `errors` count.
    errors: Option<u64>,
}

/// Reads the records of `n64 verify --json` (one JSON object a line).
fn parse_report(stdout: &str) -> Result<Reported, String> {
    let mut reported = Reported::default();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let record: Value = serde_json::from_str(line).map_err(|e| format!("not a JSON record ({e}): {line}"))?;
        let text = |key: &str| record.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
        match record.get("type").and_then(Value::as_str) {
            Some("file") => reported.files.push((text("path"), text("status"))),
            Some("summary") => {
                reported.cached = record.get("cached").and_then(Value::as_u64);
                reported.errors = record.get("errors").and_then(Value::as_u64);
            }
            _ => {}
        }
    }
    Ok(reported)
}

/// Whether a `--json` report says every one of `expected` files is a `match` (and, when
/// `all_cached`, that each came from the cache): `Err` says what is wrong.
fn judge_report(stdout: &str, expected: usize, all_cached: bool) -> Result<(), String> {
    let reported = parse_report(stdout)?;
    let not_matched: Vec<String> =
        reported.files.iter().filter(|(_, status)| status != "match").map(|(p, s)| format!("{p}: {s}")).collect();
    if !not_matched.is_empty() {
        let shown = not_matched.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
        return Err(format!("{} of {} files did not match the DAT ({shown})", not_matched.len(), reported.files.len()));
    }
    if reported.files.len() != expected {
        return Err(format!("{} files reported, {expected} expected", reported.files.len()));
    }
    match reported.errors {
        Some(0) => {}
        Some(n) => return Err(format!("{n} errors reported")),
        None => return Err("no summary record".to_owned()),
    }
    if all_cached && reported.cached != Some(expected as u64) {
        let cached = reported.cached.unwrap_or(0);
        return Err(format!(
            "only {cached} of {expected} files came from the hash cache (the cache stores a file once its \
             modification time is 2 s old; the generated files should be older)"
        ));
    }
    Ok(())
}

/// Runs `n64` with `args` (and `N64_CACHE` when given), returns its stdout after checking its
/// exit status is [`EXPECTED_EXIT`].
fn run_n64(n64: &Path, args: &[&std::ffi::OsStr], cache: Option<&Path>) -> Result<String> {
    let mut command = Command::new(n64);
    command.args(args).stdin(Stdio::null());
    if let Some(cache) = cache {
        command.env("N64_CACHE", cache);
    }
    let output = command.output().with_context(|| format!("running {}", n64.display()))?;
    let shown = format!("{} {}", n64.display(), args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" "));
    ensure!(
        output.status.code() == Some(EXPECTED_EXIT),
        "`{shown}` exited with {}, expected {EXPECTED_EXIT} (every file a match, half in v64 order): {}",
        output.status,
        last_line(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Before any timing: checks that `n64 verify --no-cache --json` matches every file, empties the
/// bench's hash cache, fills it with one run, and checks that the next run takes every file
/// from it. An error (the bench fails) when verify does not match everything or the cache is
/// not warm; nothing to do when the `n64` binary is missing (its rows are skipped then).
pub(super) fn prepare(layout: &Layout) -> Result<()> {
    let n64 = layout.release.join("n64");
    if !n64.is_file() {
        return Ok(());
    }
    let n = layout.verify_files.len();
    let cold = run_n64(&n64, &verify_args(layout, true, true), None)?;
    if let Err(why) = judge_report(&cold, n, false) {
        bail!("n64 verify --no-cache does not match the bench's files against {}: {why}", layout.dat.display());
    }
    super::data::remove_dir(&layout.cache)?;
    fs::create_dir_all(&layout.cache).with_context(|| format!("creating {}", layout.cache.display()))?;
    run_n64(&n64, &verify_args(layout, false, false), Some(&layout.cache))?;
    let warm = run_n64(&n64, &verify_args(layout, false, true), Some(&layout.cache))?;
    if let Err(why) = judge_report(&warm, n, true) {
        bail!("n64 verify with the cache in {} is not warm: {why}", layout.cache.display());
    }
    eprintln!("bench: n64 verify matches all {n} files; the hash cache in {} is warm", layout.cache.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_the_files_are_v64() {
        let names: Vec<String> = (0..4).map(file_name).collect();
        assert_eq!(names, ["rom-0000.z64", "rom-0001.v64", "rom-0002.z64", "rom-0003.v64"]);
        assert_eq!((0..200).filter(|&i| is_v64(i)).count(), 100);
    }

    #[test]
    fn dat_entry_hashes_the_big_endian_bytes() {
        let entry = DatEntry::of(3, b"abc");
        assert_eq!(entry.name, "rom-0003");
        assert_eq!(entry.size, 3);
        assert_eq!(entry.crc32, 0x3524_41C2, "CRC32 of \"abc\"");
        assert_eq!(hex(&entry.sha1), "a9993e364706816aba3e25717850c26c9cd0d89d", "SHA-1 of \"abc\" (FIPS 180)");
    }

    #[test]
    fn dat_text_is_a_big_endian_logiqx_dat_with_escaped_names() {
        assert_eq!(xml_escape(r#"a&b<c>d"e'f"#), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
        let entry = DatEntry { name: "Tom & Jerry <\"1\">".to_owned(), size: 8, crc32: 0xAB, sha1: [0x0F; 20] };
        let text = dat_text(&[entry]);
        assert!(text.starts_with("<?xml version=\"1.0\"?>\n<!DOCTYPE datafile PUBLIC"), "{text}");
        assert!(text.contains("<name>n64-tools bench (BigEndian)</name>"), "{text}");
        assert!(text.contains("<game name=\"Tom &amp; Jerry &lt;&quot;1&quot;&gt;\">"), "{text}");
        let sha1 = "0f".repeat(20);
        let rom = format!(
            "<rom name=\"Tom &amp; Jerry &lt;&quot;1&quot;&gt;.z64\" size=\"8\" crc=\"000000ab\" sha1=\"{sha1}\"/>"
        );
        assert!(text.contains(&rom), "{text}");
        assert!(text.ends_with("</datafile>\n"));
        assert_eq!(text.matches("<game ").count(), 1);
    }

    /// A `--json` report of two files with these statuses and summary counts.
    fn report(statuses: [&str; 2], cached: u64, errors: u64) -> String {
        let mut text = String::new();
        for (i, status) in statuses.iter().enumerate() {
            let _ = writeln!(text, r#"{{"type":"file","path":"d/{}","status":"{status}"}}"#, file_name(i));
        }
        let _ = writeln!(text, r#"{{"type":"summary","files":2,"cached":{cached},"errors":{errors},"match":2}}"#);
        text
    }

    #[test]
    fn a_report_passes_only_when_every_file_matches() {
        assert_eq!(judge_report(&report(["match", "match"], 0, 0), 2, false), Ok(()));
        assert_eq!(judge_report(&report(["match", "match"], 2, 0), 2, true), Ok(()));
        assert_eq!(
            judge_report(&report(["match", "unknown"], 0, 0), 2, false),
            Err("1 of 2 files did not match the DAT (d/rom-0001.v64: unknown)".to_owned())
        );
        assert_eq!(
            judge_report(&report(["match", "match"], 0, 0), 3, false).unwrap_err(),
            "2 files reported, 3 expected"
        );
        assert_eq!(judge_report(&report(["match", "match"], 0, 1), 2, false).unwrap_err(), "1 errors reported");
        assert!(judge_report(&report(["match", "match"], 1, 0), 2, true).unwrap_err().starts_with("only 1 of 2 files"));
        assert!(judge_report("", 0, false).unwrap_err().contains("no summary"));
        assert!(judge_report("not json\n", 0, false).unwrap_err().starts_with("not a JSON record"));
    }
}
