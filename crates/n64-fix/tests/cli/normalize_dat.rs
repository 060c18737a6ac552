//! `n64-fix normalize --dat`: in place, `--out DIR` and `--out DIR --zip`, on synthetic ROMs in
//! every byte order, with hand-written DATs whose hashes come from Python's hashlib and zlib,
//! archives made by Info-ZIP's `zip` and 7-Zip, and the results checked by Python (hashes, the
//! zip listing) and by `n64 verify`. Every test returns early (skipped, with a note) when
//! python3 is missing outside CI.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use n64_core::ByteOrder;
use n64_testkit::tools::{self, PyDigests};
use serde_json::Value;

use crate::support::*;

const SIZE: usize = 0x20000;

/// A big-endian ROM with its own game code.
pub(crate) fn rom(seed: u64, code: [u8; 4]) -> Vec<u8> {
    RomBuilder::new(SIZE).seed(seed).title(&format!("DAT {seed}")).game_code(&code).build()
}

/// Python's digests of `bytes`.
fn py(bytes: &[u8]) -> Option<PyDigests> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bytes");
    fs::write(&path, bytes).unwrap();
    tools::python_digests(&path)
}

/// One rom of a DAT, with its z64 bytes and their digests (by Python).
pub(crate) struct DatRom {
    game: String,
    name: String,
    pub(crate) z64: Vec<u8>,
    digests: PyDigests,
    serial: String,
}

impl DatRom {
    pub(crate) fn new(game: &str, name: &str, z64: Vec<u8>, serial: &str) -> Option<DatRom> {
        let digests = py(&z64)?;
        Some(DatRom { game: game.into(), name: name.into(), z64, digests, serial: serial.into() })
    }
}

/// A Logiqx DAT in No-Intro's layout (roms of the same game name are one game).
fn logiqx(header: &str, roms: &[&DatRom]) -> String {
    let mut games: Vec<(String, String)> = Vec::new();
    for rom in roms {
        let line = format!(
            "\t\t<rom name=\"{}\" size=\"{}\" crc=\"{}\" md5=\"{}\" sha1=\"{}\" serial=\"{}\"/>\n",
            xml(&rom.name),
            rom.z64.len(),
            rom.digests.crc32.to_uppercase(),
            rom.digests.md5,
            rom.digests.sha1.to_uppercase(),
            rom.serial,
        );
        match games.iter_mut().find(|(g, _)| *g == rom.game) {
            Some((_, lines)) => lines.push_str(&line),
            None => games.push((rom.game.clone(), line)),
        }
    }
    let mut body = String::new();
    for (game, lines) in &games {
        let _ =
            write!(body, "\t<game name=\"{0}\">\n\t\t<description>{0}</description>\n{lines}\t</game>\n", xml(game));
    }
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE datafile PUBLIC \"-//Logiqx//DTD ROM Management Datafile//EN\" \"http://www.logiqx.com/Dats/datafile.dtd\">\n<datafile>\n\t<header>\n\t\t<name>{header}</name>\n\t\t<description>{header}</description>\n\t</header>\n{body}</datafile>\n"
    )
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// Three games as z64 bytes, with No-Intro-like names.
struct Games {
    a: DatRom,
    b: DatRom,
    c: DatRom,
}

fn games() -> Option<Games> {
    Some(Games {
        a: DatRom::new("Alpha (USA)", "Alpha (USA).z64", rom(1, *b"NAAE"), "NAAE")?,
        b: DatRom::new("Beta (Europe)", "Beta (Europe).z64", rom(2, *b"NBBP"), "NBBP")?,
        c: DatRom::new("Gamma (Japan)", "Gamma (Japan).z64", rom(3, *b"NCCJ"), "NCCJ")?,
    })
}

/// Writes a BigEndian DAT of `roms` to `dir/n64.dat`.
pub(crate) fn write_dat(dir: &Path, roms: &[&DatRom]) -> PathBuf {
    let path = dir.join("n64.dat");
    fs::write(&path, logiqx("Nintendo - Nintendo 64 (BigEndian)", roms)).unwrap();
    path
}

/// `n64-fix normalize --dat DAT ARGS... PATHS...`.
fn normalize(dat: &Path, args: &[&str], paths: &[&Path]) -> Output {
    let mut all: Vec<&std::ffi::OsStr> = vec!["normalize".as_ref(), "--dat".as_ref(), dat.as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    all.extend(paths.iter().map(|p| p.as_os_str()));
    n64_testkit::run::run(n64_fix_binary(), all)
}

fn mtimes(root: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    tree(root).into_iter().map(|p| (p.clone(), mtime(&root.join(p)))).collect()
}

fn summary(records: &[Value]) -> &Value {
    let last = records.last().unwrap();
    assert_eq!(last["type"], "summary", "{records:#?}");
    last
}

fn record<'a>(records: &'a [Value], kind: &str, suffix: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["type"] == kind && r["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no {kind} record for {suffix}: {records:#?}"))
}

/// The SHA-1 of a file by Python.
fn py_sha1(path: &Path) -> String {
    tools::python_digests(path).expect("python3 was found before").sha1
}

#[test]
fn v64_and_n64_files_become_the_dats_z64_files_once() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    fs::create_dir(&set).unwrap();
    fs::write(set.join("alpha.v64"), stored(&g.a.z64, ByteOrder::V64)).unwrap();
    fs::write(set.join("beta.n64"), stored(&g.b.z64, ByteOrder::N64)).unwrap();
    // Gamma's game code, other bytes: a mismatch. Another game code: unknown. Not a ROM: unknown.
    let mut modified = g.c.z64.clone();
    modified[0x8000] ^= 0xFF;
    fs::write(set.join("modified.z64"), &modified).unwrap();
    fs::write(set.join("mystery.v64"), stored(&rom(9, *b"NZZE"), ByteOrder::V64)).unwrap();
    fs::write(set.join("readme.txt"), b"hello").unwrap();
    let dat = write_dat(dir.path(), &[&g.a, &g.b, &g.c]);
    let report = dir.path().join("report.json");

    let out = normalize(&dat, &["--json", "--report", report.to_str().unwrap()], &[&set]);
    assert_eq!(code(&out), 1, "unknown and mismatched files are left alone: {}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let names: Vec<PathBuf> = ["Alpha (USA).z64", "Beta (Europe).z64", "modified.z64", "mystery.v64", "readme.txt"]
        .iter()
        .map(PathBuf::from)
        .collect();
    assert_eq!(tree(&set), names, "{}", stdout(&out));
    assert_eq!(py_sha1(&set.join("Alpha (USA).z64")), g.a.digests.sha1);
    assert_eq!(py_sha1(&set.join("Beta (Europe).z64")), g.b.digests.sha1);
    assert_eq!(fs::read(set.join("modified.z64")).unwrap(), modified);

    let records = out.json_lines();
    let alpha = record(&records, "rom", "alpha.v64");
    assert_eq!(alpha["action"], "changed");
    assert_eq!(alpha["status"], "match");
    assert_eq!(alpha["game"], "Alpha (USA)");
    assert!(alpha["path_after"].as_str().unwrap().ends_with("set/Alpha (USA).z64"), "{alpha}");
    assert_eq!(alpha["changes"], serde_json::json!(["converted v64 → z64", "renamed to \"Alpha (USA).z64\""]));
    let mismatch = record(&records, "other", "modified.z64");
    assert_eq!((&mismatch["status"], &mismatch["game"]), (&"mismatch".into(), &"Gamma (Japan)".into()), "{mismatch}");
    assert_eq!(record(&records, "other", "mystery.v64")["status"], "unknown");
    assert_eq!(record(&records, "other", "readme.txt")["action"], "left_alone");
    let sum = summary(&records);
    assert_eq!(
        (sum["changed"].as_u64(), sum["mismatch"].as_u64(), sum["unknown"].as_u64()),
        (Some(2), Some(1), Some(2))
    );
    let report: Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["to"], Value::Null);
    assert_eq!(report["summary"], *sum);

    // n64 verify: the renamed files match with the DAT's name and byte order.
    let verify = run_n64([
        "verify".as_ref(),
        "--json".as_ref(),
        "--no-cache".as_ref(),
        "--dat".as_ref(),
        dat.as_os_str(),
        set.as_os_str(),
    ]);
    let verified = verify.json_lines();
    for name in ["Alpha (USA).z64", "Beta (Europe).z64"] {
        let file = record(&verified, "file", name);
        assert_eq!(
            (&file["status"], &file["name_ok"], &file["byte_order_ok"]),
            (&"match".into(), &true.into(), &true.into()),
            "{file}"
        );
    }

    // A second run changes nothing and says so.
    let before = mtimes(&set);
    let out = normalize(&dat, &[], &[&set]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("2 matched files: 0 changed, 2 ok, 0 refused"), "{}", stdout(&out));
    assert_eq!(mtimes(&set), before);
}

#[test]
fn a_dry_run_changes_nothing() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.v64"), stored(&g.a.z64, ByteOrder::V64)).unwrap();
    fs::write(dir.path().join("b.z64"), &g.b.z64).unwrap();
    let dat = write_dat(dir.path(), &[&g.a, &g.b]);
    let out = unchanged(dir.path(), || normalize(&dat, &["--dry-run"], &[dir.path()]));
    assert_eq!(code(&out), 1, "a dry run with changes to make: {}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("a.v64: would be converted v64 → z64, renamed to \"Alpha (USA).z64\""),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("b.z64: would be renamed to \"Beta (Europe).z64\""), "{}", stdout(&out));
    // --out too: the directory is not even made.
    let out_dir = dir.path().join("out");
    let out =
        unchanged(dir.path(), || normalize(&dat, &["--dry-run", "--out", out_dir.to_str().unwrap()], &[dir.path()]));
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("would be written: Alpha (USA).z64 from"), "{}", stdout(&out));
    assert!(!out_dir.exists());
}

#[test]
fn hostile_rom_names_are_refused_and_nothing_is_written_outside() {
    let Some(g) = games() else { return };
    let evil = DatRom { name: "../evil.z64".into(), ..g.a };
    let nested = DatRom { name: "a/b.z64".into(), ..g.b };
    let hidden = DatRom { name: ".n64-tmp-c.z64".into(), ..g.c };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    fs::create_dir(&set).unwrap();
    fs::write(set.join("a.v64"), stored(&evil.z64, ByteOrder::V64)).unwrap();
    fs::write(set.join("b.v64"), stored(&nested.z64, ByteOrder::V64)).unwrap();
    fs::write(set.join("c.z64"), &hidden.z64).unwrap();
    let dat = write_dat(dir.path(), &[&evil, &nested, &hidden]);
    let before = tree(dir.path());

    let out = unchanged(dir.path(), || normalize(&dat, &[], &[&set]));
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    for name in ["\"../evil.z64\"", "\"a/b.z64\"", "\".n64-tmp-c.z64\""] {
        assert!(
            stdout(&out).contains(&format!("refused: the DAT's rom name {name} cannot be a file name")),
            "{}",
            stdout(&out)
        );
    }

    for extra in [&[][..], &["--zip"][..]] {
        let out_dir = dir.path().join("out");
        let mut args = vec!["--out", out_dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = normalize(&dat, &args, &[&set]);
        assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains("refused: the DAT's rom name \"../evil.z64\""), "{}", stdout(&out));
        assert!(tree(&out_dir).is_empty(), "{:?}", tree(&out_dir));
        fs::remove_dir(&out_dir).unwrap();
        assert_eq!(tree(dir.path()), before, "nothing written anywhere");
    }
}

#[test]
fn an_existing_file_of_the_dats_name_is_never_replaced() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    fs::create_dir(&set).unwrap();
    fs::write(set.join("alpha.v64"), stored(&g.a.z64, ByteOrder::V64)).unwrap();
    fs::write(set.join("Alpha (USA).z64"), b"someone else's file").unwrap();
    let dat = write_dat(dir.path(), &[&g.a]);
    let out = unchanged(&set, || normalize(&dat, &[], &[&set]));
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Alpha (USA).z64 exists and holds other content; left alone"), "{}", stdout(&out));

    // The same content already there (a file outside the walk): this one is a duplicate.
    fs::write(set.join("Alpha (USA).z64"), &g.a.z64).unwrap();
    let alpha = set.join("alpha.v64");
    let out = unchanged(&set, || normalize(&dat, &[], &[&alpha]));
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("left alone: duplicate:"), "{}", stdout(&out));
    assert!(stdout(&out).contains("already holds rom \"Alpha (USA).z64\""), "{}", stdout(&out));
}

#[test]
fn out_builds_a_clean_set_from_files_zip_and_7z_members() {
    let Some(g) = games() else { return };
    let (Some(zip), Some(seven)) = (tools::zip(), tools::seven_zip()) else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    let work = dir.path().join("work");
    fs::create_dir(&set).unwrap();
    fs::create_dir(&work).unwrap();
    fs::write(set.join("a.v64"), stored(&g.a.z64, ByteOrder::V64)).unwrap();
    fs::write(work.join("b.n64"), stored(&g.b.z64, ByteOrder::N64)).unwrap();
    fs::write(work.join("c.v64"), stored(&g.c.z64, ByteOrder::V64)).unwrap();
    let zip_path = set.join("b.zip");
    let seven_path = set.join("c.7z");
    tools::run_in(&work, &zip, &["-q", zip_path.to_str().unwrap(), "b.n64"]);
    tools::run_in(&work, &seven, &["a", "-bd", "-bso0", seven_path.to_str().unwrap(), "c.v64"]);
    let dat = write_dat(dir.path(), &[&g.a, &g.b, &g.c]);
    let out_dir = dir.path().join("clean");

    let out = unchanged(&set, || normalize(&dat, &["--json", "--out", out_dir.to_str().unwrap()], &[&set]));
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let names: Vec<PathBuf> =
        ["Alpha (USA).z64", "Beta (Europe).z64", "Gamma (Japan).z64"].iter().map(PathBuf::from).collect();
    assert_eq!(tree(&out_dir), names);
    for rom in [&g.a, &g.b, &g.c] {
        assert_eq!(py_sha1(&out_dir.join(&rom.name)), rom.digests.sha1, "{}", rom.name);
    }
    let records = out.json_lines();
    let gamma = record(&records, "output", "Gamma (Japan).z64");
    assert_eq!(gamma["action"], "written");
    assert_eq!(gamma["roms"][0]["source"].as_str().unwrap(), format!("{}/c.v64", seven_path.display()));
    assert_eq!(gamma["roms"][0]["converted"], "v64 → z64");
    assert_eq!(summary(&records)["written"], 3);

    // Again: already there, nothing touched.
    let out = unchanged(&out_dir, || normalize(&dat, &["--out", out_dir.to_str().unwrap()], &[&set]));
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("3 output files: 0 written, 3 already there, 0 refused"), "{}", stdout(&out));

    // A temporary file a killed run left in DIR is removed.
    fs::write(out_dir.join(".n64-tmp-killed"), b"half a rom").unwrap();
    let out = normalize(&dat, &["--out", out_dir.to_str().unwrap()], &[&set]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains(".n64-tmp-killed: removed stale temporary file"), "{}", stdout(&out));
    assert!(!out_dir.join(".n64-tmp-killed").exists());

    // Another file of the name: refused, left as it is.
    fs::write(out_dir.join("Gamma (Japan).z64"), b"mine").unwrap();
    let out = unchanged(&out_dir, || normalize(&dat, &["--out", out_dir.to_str().unwrap()], &[&set]));
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Gamma (Japan).z64: refused: it exists and holds other content"), "{}", stdout(&out));
}

/// Python's listing of a zip: name, date and time, CRC32 (8 hex digits), size; and whether
/// every CRC checks out.
fn py_zip_listing(path: &Path) -> Vec<String> {
    let python = tools::python().expect("python3 was found before");
    let script = "import sys, zipfile\n\
        z = zipfile.ZipFile(sys.argv[1])\n\
        assert z.testzip() is None\n\
        for i in z.infolist(): print('%s|%s|%08x|%d' % (i.filename, '-'.join(map(str, i.date_time)), i.CRC, i.file_size))";
    let out = Command::new(python).arg("-c").arg(script).arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn zip_gives_one_deterministic_zip_per_game() {
    let Some(g) = games() else { return };
    let part = |seed, name: &str| DatRom::new("Multi (World)", name, rom(seed, *b"NMMW"), "NMMW");
    let (Some(p1), Some(p2), Some(p3)) = (part(11, "b part.z64"), part(12, "A part.z64"), part(13, "c part.z64"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    fs::create_dir(&set).unwrap();
    fs::write(set.join("alpha.n64"), stored(&g.a.z64, ByteOrder::N64)).unwrap();
    fs::write(set.join("1.v64"), stored(&p1.z64, ByteOrder::V64)).unwrap();
    fs::write(set.join("2.z64"), &p2.z64).unwrap();
    fs::write(set.join("3.n64"), stored(&p3.z64, ByteOrder::N64)).unwrap();
    let dat = write_dat(dir.path(), &[&g.a, &p1, &p2, &p3]);
    let (z1, z2) = (dir.path().join("z1"), dir.path().join("z2"));

    for out_dir in [&z1, &z2] {
        let out = unchanged(&set, || normalize(&dat, &["--out", out_dir.to_str().unwrap(), "--zip"], &[&set]));
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains("2 zips: 2 written"), "{}", stdout(&out));
    }
    assert_eq!(tree(&z1), [PathBuf::from("Alpha (USA).zip"), PathBuf::from("Multi (World).zip")]);
    for name in tree(&z1) {
        assert_eq!(fs::read(z1.join(&name)).unwrap(), fs::read(z2.join(&name)).unwrap(), "{}", name.display());
    }
    let listing = py_zip_listing(&z1.join("Multi (World).zip"));
    let expected: Vec<String> =
        [&p2, &p1, &p3].iter().map(|p| format!("{}|1996-12-24-23-32-0|{}|{SIZE}", p.name, p.digests.crc32)).collect();
    assert_eq!(listing, expected, "sorted by lower-case name, TorrentZip's date, the DAT's CRC32");
    assert_eq!(
        py_zip_listing(&z1.join("Alpha (USA).zip")),
        [format!("Alpha (USA).z64|1996-12-24-23-32-0|{}|{SIZE}", g.a.digests.crc32)]
    );

    // Again: the same bytes, already there; a zip of other bytes is refused.
    let out = unchanged(&z1, || normalize(&dat, &["--out", z1.to_str().unwrap(), "--zip"], &[&set]));
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("2 zips: 0 written, 2 already there"), "{}", stdout(&out));
    fs::write(z1.join("Alpha (USA).zip"), b"PK not this").unwrap();
    let out = unchanged(&z1, || normalize(&dat, &["--out", z1.to_str().unwrap(), "--zip"], &[&set]));
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Alpha (USA).zip: refused: it exists and holds other content"), "{}", stdout(&out));
}

#[test]
fn an_interrupted_dat_rename_is_finished_by_the_next_run() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    fs::create_dir(&set).unwrap();
    // As if killed after the new file was renamed into place: both files, and the marker.
    let old = stored(&g.a.z64, ByteOrder::V64);
    fs::write(set.join("alpha.v64"), &old).unwrap();
    fs::write(set.join("Alpha (USA).z64"), &g.a.z64).unwrap();
    let hex = |bytes: &[u8]| {
        bytes.iter().fold(String::new(), |mut text, b| {
            let _ = write!(text, "{b:02x}");
            text
        })
    };
    let marker = format!(
        "n64-fix move 2\n{}\n{}\n{}\n{}\n",
        hex(b"alpha.v64"),
        hex("Alpha (USA).z64".as_bytes()),
        py(&old).unwrap().sha1,
        g.a.digests.sha1
    );
    fs::write(set.join(".n64-tmp-move-planted"), marker).unwrap();
    let dat = write_dat(dir.path(), &[&g.a]);

    let out = normalize(&dat, &[], &[&set]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("alpha.v64: removed leftover of an interrupted move"), "{}", stdout(&out));
    assert!(stdout(&out).contains("Alpha (USA).z64: ok"), "{}", stdout(&out));
    let all: Vec<String> =
        fs::read_dir(&set).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(all, ["Alpha (USA).z64"], "the old file and the marker are gone");
    assert_eq!(py_sha1(&set.join("Alpha (USA).z64")), g.a.digests.sha1);
}

#[test]
fn a_malformed_dat_stops_the_run_before_anything_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.v64"), stored(&rom(1, *b"NAAE"), ByteOrder::V64)).unwrap();
    let dat = dir.path().join("bad.dat");
    fs::write(&dat, "<datafile>\n<game name=\"x\"><rom name=\"y\" crc=\"xyz\"/></game>\n</datafile>\n").unwrap();
    for extra in [&[][..], &["--out", "never"][..]] {
        let out = unchanged(dir.path(), || normalize(&dat, extra, &[dir.path()]));
        assert_eq!(code(&out), 2, "{}{}", stdout(&out), stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with(&format!("n64-fix: {}: line 2, column", dat.display())), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn flags_that_change_content_conflict_with_dat() {
    for flags in [&["--to", "v64"][..], &["--rename", "{title}"], &["--pad"], &["--fix-crc"]] {
        let mut args = vec!["normalize", "--dat", "x.dat"];
        args.extend_from_slice(flags);
        let out = run(&args, &["dir"]);
        assert_eq!(code(&out), 2, "{flags:?}");
        assert!(stderr(&out).contains("cannot be used with"), "{flags:?}: {}", stderr(&out));
    }
    let out = run(&["normalize", "--zip"], &["dir"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn an_output_directory_inside_the_input_is_not_read() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.v64"), stored(&g.a.z64, ByteOrder::V64)).unwrap();
    let dat = write_dat(dir.path(), &[&g.a]);
    let out_dir = dir.path().join("clean");
    for expected in ["1 output file: 1 written", "1 output file: 0 written, 1 already there"] {
        let out = normalize(&dat, &["--out", out_dir.to_str().unwrap()], &[dir.path()]);
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains(expected), "{}", stdout(&out));
        assert!(stdout(&out).contains("left alone: 0 duplicates"), "the output is not an input: {}", stdout(&out));
    }
    // The output directory itself as the input: refused, nothing read or written.
    let out = unchanged(dir.path(), || normalize(&dat, &["--out", out_dir.to_str().unwrap()], &[&out_dir]));
    assert_eq!(code(&out), 2, "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("it is inside the output directory"), "{}", stderr(&out));
}
