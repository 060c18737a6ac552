//! `n64 verify`: synthetic ROMs in every byte order, hand-written DATs in both dialects whose
//! hashes come from Python's hashlib and zlib, archives made by Info-ZIP's `zip` and 7-Zip.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use n64_testkit::tools::{self, PyDigests};
use n64_testkit::{Order, RomBuilder};
use serde_json::Value;

use crate::support::{n64, n64_binary, unchanged};

/// A small big-endian ROM with its own game code and body.
fn rom_be(seed: u64, code: [u8; 4]) -> Vec<u8> {
    RomBuilder::new(0x20000).seed(seed).title(&format!("GAME {seed}")).game_code(&code).build()
}

/// The digests of `bytes` by Python (the test is skipped when there is no python3 outside CI).
fn py(bytes: &[u8]) -> Option<PyDigests> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bytes");
    std::fs::write(&path, bytes).unwrap();
    tools::python_digests(&path)
}

/// One rom line of a Logiqx DAT.
struct DatRom {
    game: String,
    name: String,
    size: usize,
    digests: PyDigests,
    serial: &'static str,
    status: &'static str,
}

impl DatRom {
    fn new(game: &str, name: &str, bytes: &[u8], serial: &'static str) -> Option<DatRom> {
        Some(DatRom {
            game: game.into(),
            name: name.into(),
            size: bytes.len(),
            digests: py(bytes)?,
            serial,
            status: "",
        })
    }
}

/// A DAT in No-Intro's layout: XML declaration, the Logiqx DOCTYPE, the header, games with ids.
/// Consecutive roms of the same game name make one game.
fn no_intro_dat(name: &str, roms: &[DatRom]) -> String {
    let mut games = String::new();
    let mut id = 0;
    for (i, rom) in roms.iter().enumerate() {
        let status = if rom.status.is_empty() { String::new() } else { format!(" status=\"{}\"", rom.status) };
        if i == 0 || roms[i - 1].game != rom.game {
            id += 1;
            let _ = write!(
                games,
                "\t<game name=\"{game}\" id=\"{id:04}\">\n\t\t<description>{game}</description>\n",
                game = rom.game
            );
        }
        let _ = writeln!(
            games,
            "\t\t<rom name=\"{name}\" size=\"{size}\" crc=\"{crc}\" md5=\"{md5}\" sha1=\"{sha1}\"{status} serial=\"{serial}\"/>",
            name = rom.name,
            size = rom.size,
            crc = rom.digests.crc32.to_uppercase(),
            md5 = rom.digests.md5.to_uppercase(),
            sha1 = rom.digests.sha1.to_uppercase(),
            serial = rom.serial,
        );
        if roms.get(i + 1).is_none_or(|next| next.game != rom.game) {
            games.push_str("\t</game>\n");
        }
    }
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE datafile PUBLIC \"-//Logiqx//DTD ROM Management Datafile//EN\" \"http://www.logiqx.com/Dats/datafile.dtd\">\n<datafile>\n\t<header>\n\t\t<id>24</id>\n\t\t<name>{name}</name>\n\t\t<description>{name}</description>\n\t\t<version>20261201-000000</version>\n\t\t<author>test</author>\n\t\t<homepage>No-Intro</homepage>\n\t\t<url>https://www.no-intro.org</url>\n\t\t<clrmamepro forcenodump=\"required\"/>\n\t</header>\n{games}</datafile>\n"
    )
}

/// The same roms as a clrmamepro DAT.
fn clrmamepro_dat(name: &str, roms: &[DatRom]) -> String {
    let mut text = format!("clrmamepro (\n\tname \"{name}\"\n\tdescription \"{name}\"\n\tversion 20261201\n)\n\n");
    for rom in roms {
        let _ = write!(
            text,
            "game (\n\tname \"{game}\"\n\tdescription \"{game}\"\n\trom ( name \"{name}\" size {size} crc {crc} md5 {md5} sha1 {sha1} )\n)\n\n",
            game = rom.game,
            name = rom.name,
            size = rom.size,
            crc = rom.digests.crc32.to_uppercase(),
            md5 = rom.digests.md5,
            sha1 = rom.digests.sha1,
        );
    }
    text
}

/// Three games (A, B, C) as z64 bytes, and a BigEndian DAT of them.
struct Games {
    a: Vec<u8>,
    b: Vec<u8>,
    c: Vec<u8>,
    roms: Vec<DatRom>,
}

fn games() -> Option<Games> {
    let (a, b, c) = (rom_be(1, *b"NAAE"), rom_be(2, *b"NBBE"), rom_be(3, *b"NCCE"));
    let roms = vec![
        DatRom::new("Alpha (USA)", "Alpha (USA).z64", &a, "NAAE")?,
        DatRom::new("Beta (USA)", "Beta (USA).z64", &b, "NBBE")?,
        DatRom::new("Gamma (USA)", "Gamma (USA).z64", &c, "NCCE")?,
    ];
    Some(Games { a, b, c, roms })
}

/// Runs `n64 verify --no-cache --json --dat DAT PATH` and checks nothing changed under `dir`.
fn verify_json(dir: &Path, dat: &Path, extra: &[&str], paths: &[&Path]) -> (i32, Vec<Value>, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["verify".as_ref(), "--json".as_ref(), "--no-cache".as_ref()];
    args.push("--dat".as_ref());
    args.push(dat.as_os_str());
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    args.extend(paths.iter().map(|p| p.as_os_str()));
    let run = unchanged(dir, || n64(&args));
    (run.code, run.json_lines(), run.stderr)
}

fn file<'a>(records: &'a [Value], suffix: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["type"] == "file" && r["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no file record for {suffix}: {records:#?}"))
}

fn summary(records: &[Value]) -> &Value {
    let last = records.last().unwrap();
    assert_eq!(last["type"], "summary");
    last
}

#[test]
fn a_v64_file_matches_a_big_endian_dat_and_is_reported_in_the_wrong_order() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(set.join("Alpha (USA).z64"), &g.a).unwrap();
    std::fs::write(set.join("beta.v64"), Order::V64.store(&g.b)).unwrap();
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms)).unwrap();

    let (code, records, stderr) = verify_json(dir.path(), &dat, &[], &[&set]);
    assert_eq!(code, 1, "beta is misnamed and byte-swapped, Gamma is missing: {stderr}");
    let alpha = file(&records, "Alpha (USA).z64");
    assert_eq!(alpha["status"], "match");
    assert_eq!(alpha["name_ok"], true);
    assert_eq!(alpha["byte_order"], "z64");
    assert_eq!(alpha["byte_order_ok"], true);
    assert_eq!(alpha["matched_by"], "sha1");
    assert_eq!(alpha["dat"], "Nintendo - Nintendo 64 (BigEndian)");
    assert_eq!(alpha["game"], "Alpha (USA)");
    let beta = file(&records, "beta.v64");
    assert_eq!(beta["status"], "match");
    assert_eq!(beta["rom"], "Beta (USA).z64");
    assert_eq!(beta["name_ok"], false);
    assert_eq!(beta["byte_order"], "v64");
    assert_eq!(beta["byte_order_ok"], false);
    let gamma: Vec<&Value> = records.iter().filter(|r| r["type"] == "game").collect();
    assert_eq!(gamma.len(), 1, "{records:#?}");
    assert_eq!(gamma[0]["game"], "Gamma (USA)");
    assert_eq!(gamma[0]["status"], "missing");
    let s = summary(&records);
    assert_eq!((s["games"].as_u64(), s["complete"].as_u64(), s["missing"].as_u64()), (Some(3), Some(2), Some(1)));
    assert_eq!((s["files"].as_u64(), s["match"].as_u64()), (Some(2), Some(2)));
    assert_eq!((s["wrong_name"].as_u64(), s["wrong_byte_order"].as_u64()), (Some(1), Some(1)));
    let _ = g.c;
}

#[test]
fn a_byte_swapped_clrmamepro_dat_matches_files_in_any_order() {
    let Some(g) = games() else { return };
    // The ByteSwapped DAT's hashes are over the v64 bytes, and its names end in .v64.
    let v64: Vec<Vec<u8>> = [&g.a, &g.b].iter().map(|be| Order::V64.store(be)).collect();
    let (Some(ra), Some(rb)) = (
        DatRom::new("Alpha (USA)", "Alpha (USA).v64", &v64[0], ""),
        DatRom::new("Beta (USA)", "Beta (USA).v64", &v64[1], ""),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(set.join("Alpha (USA).v64"), &v64[0]).unwrap();
    std::fs::write(set.join("Beta (USA).v64"), Order::N64.store(&g.b)).unwrap();
    let dat = dir.path().join("swapped.dat");
    std::fs::write(&dat, clrmamepro_dat("Nintendo - Nintendo 64 (ByteSwapped)", &[ra, rb])).unwrap();

    let (code, records, stderr) = verify_json(dir.path(), &dat, &[], &[&set]);
    assert_eq!(code, 1, "Beta is stored n64: {stderr}");
    assert_eq!(file(&records, "Alpha (USA).v64")["byte_order_ok"], true);
    let beta = file(&records, "Beta (USA).v64");
    assert_eq!(beta["status"], "match");
    assert_eq!(beta["byte_order"], "n64");
    assert_eq!(beta["byte_order_ok"], false);
    assert_eq!(beta["name_ok"], true);
    assert_eq!(summary(&records)["complete"], 2);
}

#[test]
fn everything_right_exits_zero_and_the_text_report_is_only_a_summary() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    for (rom, bytes) in g.roms.iter().zip([&g.a, &g.b, &g.c]) {
        std::fs::write(set.join(&rom.name), bytes).unwrap();
    }
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms)).unwrap();
    let run = unchanged(dir.path(), || {
        n64([
            "verify".as_ref(),
            "--no-cache".as_ref(),
            "--missing".as_ref(),
            "--dat".as_ref(),
            dat.as_os_str(),
            set.as_os_str(),
        ])
    });
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("3 files: 3 matched"), "{}", run.stdout);
    assert!(run.stdout.contains("3 games: 3 complete, 0 incomplete, 0 missing"), "{}", run.stdout);
    assert!(!run.stdout.contains("STATUS"), "no table when nothing is wrong: {}", run.stdout);
    let quiet = n64([
        "-q".as_ref(),
        "verify".as_ref(),
        "--no-cache".as_ref(),
        "--dat".as_ref(),
        dat.as_os_str(),
        set.as_os_str(),
    ]);
    assert_eq!((quiet.code, quiet.stdout.as_str(), quiet.stderr.as_str()), (0, "", ""), "-q: nothing to say");
}

#[test]
fn duplicates_mismatches_unknown_files_bad_dumps_and_nodumps() {
    let Some(g) = games() else { return };
    let mut roms = g.roms;
    roms[2].status = "baddump";
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir_all(set.join("sub")).unwrap();
    std::fs::write(set.join("Alpha (USA).z64"), &g.a).unwrap();
    std::fs::write(set.join("sub/copy of alpha.z64"), &g.a).unwrap();
    let mut modified = g.b.clone();
    modified[0x5000] ^= 0xFF; // a hack of Beta: same game code, other hashes
    std::fs::write(set.join("Beta (USA).z64"), &modified).unwrap();
    std::fs::write(set.join("Gamma (USA).z64"), &g.c).unwrap();
    std::fs::write(set.join("readme.txt"), b"not a rom\n").unwrap();
    let mut dat_text = no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &roms);
    // A game whose only rom was never dumped: never matched, never missing.
    dat_text = dat_text.replace(
        "</datafile>",
        "\t<game name=\"Delta (Japan)\" id=\"0004\">\n\t\t<description>Delta</description>\n\t\t<rom name=\"Delta (Japan).z64\" size=\"0\" status=\"nodump\"/>\n\t</game>\n</datafile>",
    );
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, dat_text).unwrap();

    let (code, records, stderr) = verify_json(dir.path(), &dat, &[], &[&set]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(file(&records, "set/Alpha (USA).z64")["status"], "match", "the right name wins");
    let copy = file(&records, "copy of alpha.z64");
    assert_eq!(copy["status"], "duplicate");
    assert_eq!(copy["game"], "Alpha (USA)");
    let beta = file(&records, "Beta (USA).z64");
    assert_eq!(beta["status"], "mismatch");
    assert_eq!(beta["game"], "Beta (USA)");
    assert_eq!(beta["matched_by"], Value::Null);
    assert_eq!(file(&records, "Gamma (USA).z64")["status"], "bad_dump");
    let readme = file(&records, "readme.txt");
    assert_eq!(readme["status"], "unknown");
    assert_eq!(readme["byte_order"], Value::Null);
    let games: Vec<(&str, &str)> = records
        .iter()
        .filter(|r| r["type"] == "game")
        .map(|r| (r["game"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(games, [("Beta (USA)", "missing")], "Delta (nodump) is not missing; Gamma's bad dump counts");
    let s = summary(&records);
    assert_eq!(s["games"], 4);
    assert_eq!(s["complete"], 3);
    for (key, n) in [("match", 1), ("duplicate", 1), ("mismatch", 1), ("bad_dump", 1), ("unknown", 1)] {
        assert_eq!(s[key], n, "{key}: {s}");
    }
}

#[test]
fn zip_and_7z_members_are_verified_and_a_corrupt_archive_is_an_error_of_its_own() {
    let Some(g) = games() else { return };
    let (Some(zip), Some(seven)) = (tools::zip(), tools::seven_zip()) else { return };
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let set = dir.path().join("set");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&set).unwrap();
    std::fs::write(work.join("Alpha (USA).z64"), &g.a).unwrap();
    std::fs::write(work.join("Beta (USA).v64"), Order::V64.store(&g.b)).unwrap();
    std::fs::write(work.join("Gamma (USA).z64"), &g.c).unwrap();
    tools::run_in(&work, &zip, &["-q", "-9", "../set/alpha.zip", "Alpha (USA).z64"]);
    tools::run_in(
        &work,
        &seven,
        &["a", "-bd", "-m0=lzma2", "-ms=on", "../set/beta.7z", "Beta (USA).v64", "Gamma (USA).z64"],
    );
    // An archive inside an archive is reported, not opened.
    tools::run_in(&set, &zip, &["-q", "-0", "nested.zip", "alpha.zip"]);
    // A zip whose member data is damaged.
    let mut damaged = std::fs::read(set.join("alpha.zip")).unwrap();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x55;
    std::fs::write(set.join("damaged.zip"), damaged).unwrap();
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms)).unwrap();

    let (code, records, stderr) = verify_json(dir.path(), &dat, &[], &[&set]);
    assert_eq!(code, 2, "the damaged archive is an error: {stderr}");
    let alpha = file(&records, "alpha.zip/Alpha (USA).z64");
    assert_eq!((alpha["status"].as_str(), alpha["name_ok"].as_bool()), (Some("match"), Some(true)));
    let beta = file(&records, "beta.7z/Beta (USA).v64");
    assert_eq!(beta["status"], "match");
    assert_eq!(beta["byte_order_ok"], false);
    assert_eq!(file(&records, "beta.7z/Gamma (USA).z64")["status"], "match");
    let errors: Vec<&Value> = records.iter().filter(|r| r["type"] == "error").collect();
    assert_eq!(errors.len(), 1, "{records:#?}");
    assert!(errors[0]["path"].as_str().unwrap().ends_with("damaged.zip"));
    assert_eq!(errors[0]["kind"], "archive");
    assert!(stderr.contains("damaged.zip"), "{stderr}");
    assert!(
        records.iter().any(|r| r["type"] == "other" && r["path"].as_str().unwrap().ends_with("nested.zip/alpha.zip")),
        "{records:#?}"
    );
    assert_eq!(summary(&records)["nested_archives"], 1);
    assert_eq!(summary(&records)["complete"], 3);
}

#[test]
fn a_fixdat_lists_what_is_missing_and_parses_back() {
    let Some(g) = games() else { return };
    let Some(python) = tools::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(set.join("Alpha (USA).z64"), &g.a).unwrap();
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms)).unwrap();
    let out = dir.path().join("fix.dat");
    let (code, _, stderr) = verify_json(&set, &dat, &["--fixdat", out.to_str().unwrap()], &[&set]);
    assert_eq!(code, 0, "the one file is right; missing games count only with --missing: {stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("<!DOCTYPE datafile"), "{text}");
    // Read back by Python's XML parser, not ours.
    let script = "import sys, xml.etree.ElementTree as ET\n\
        root = ET.parse(sys.argv[1]).getroot()\n\
        print(root.find('header/name').text)\n\
        for game in root.iter('game'):\n    rom = game.find('rom')\n    print(game.get('name'), '|', rom.get('name'), rom.get('size'), rom.get('sha1').lower())";
    let listing = tools::run_in(dir.path(), &python, &["-c", script, out.to_str().unwrap()]);
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines[0], "Nintendo - Nintendo 64 (BigEndian) fixdat");
    assert_eq!(lines[1], format!("Beta (USA) | Beta (USA).z64 131072 {}", g.roms[1].digests.sha1));
    assert_eq!(lines[2], format!("Gamma (USA) | Gamma (USA).z64 131072 {}", g.roms[2].digests.sha1));
    assert_eq!(lines.len(), 3);
    // The fixdat is a DAT this tool reads: verifying against it finds the same two games missing.
    let (_, again, _) = verify_json(&set, &out, &[], &[&set]);
    let missing: Vec<&str> =
        again.iter().filter(|r| r["type"] == "game").map(|r| r["game"].as_str().unwrap()).collect();
    assert_eq!(missing, ["Beta (USA)", "Gamma (USA)"]);

    // Nothing missing: nothing written.
    std::fs::write(set.join("Beta (USA).z64"), &g.b).unwrap();
    std::fs::write(set.join("Gamma (USA).z64"), &g.c).unwrap();
    let none = dir.path().join("none.dat");
    let (code, _, stderr) = verify_json(&set, &dat, &["--fixdat", none.to_str().unwrap()], &[&set]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!none.exists());
}

#[test]
fn malformed_and_unreadable_dats_are_errors_naming_the_file_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let rom = dir.path().join("a.z64");
    std::fs::write(&rom, rom_be(1, *b"NAAE")).unwrap();
    let bad = dir.path().join("bad.dat");
    std::fs::write(&bad, "<?xml version=\"1.0\"?>\n<datafile>\n<game name=\"x\">\n<rom name=\"x.z64\" size=\"12\" crc=\"zz\"/>\n</game>\n</datafile>\n").unwrap();
    let run = unchanged(dir.path(), || n64(["verify".as_ref(), "--dat".as_ref(), bad.as_os_str(), rom.as_os_str()]));
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("bad.dat: line 4, column"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);

    for (name, content) in [("empty.dat", &b""[..]), ("rom.dat", &rom_be(2, *b"NBBE")[..])] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let run = n64(["verify".as_ref(), "--dat".as_ref(), path.as_os_str(), rom.as_os_str()]);
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(run.stderr.starts_with(&format!("n64: {}", path.display())), "{}", run.stderr);
    }
    let run = n64(["verify".as_ref(), "--dat".as_ref(), dir.path().join("nowhere.dat").as_os_str(), rom.as_os_str()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nowhere.dat"), "{}", run.stderr);
}

/// Sets a file's modification time well in the past, so the cache trusts it.
fn settle(path: &Path) {
    let old = std::time::SystemTime::now() - std::time::Duration::from_hours(1);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(old).unwrap();
}

fn verify_cached(cache: &Path, dat: &Path, set: &Path) -> (i32, Vec<Value>, String) {
    let mut command = n64_testkit::run::command(n64_binary());
    command.env("N64_CACHE", cache).args([
        "verify".as_ref(),
        "--json".as_ref(),
        "--dat".as_ref(),
        dat.as_os_str(),
        set.as_os_str(),
    ]);
    let run = n64_testkit::run::finish(&mut command);
    (run.code, run.json_lines(), run.stderr)
}

#[test]
fn the_cache_answers_the_second_run_and_a_changed_file_is_hashed_again() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    let cache = dir.path().join("cache");
    std::fs::create_dir(&set).unwrap();
    let files: Vec<PathBuf> = g.roms.iter().map(|r| set.join(&r.name)).collect();
    for (path, bytes) in files.iter().zip([&g.a, &g.b, &g.c]) {
        std::fs::write(path, bytes).unwrap();
        settle(path);
    }
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms)).unwrap();

    let (code, first, stderr) = verify_cached(&cache, &dat, &set);
    assert_eq!((code, summary(&first)["cached"].as_u64()), (0, Some(0)), "{stderr}");
    let (code, second, stderr) = verify_cached(&cache, &dat, &set);
    assert_eq!((code, summary(&second)["cached"].as_u64()), (0, Some(3)), "{stderr}");
    assert_eq!(first.len(), second.len());

    // Gamma replaced by a modified copy of the same size: hashed again, and no longer a match.
    let mut modified = g.c.clone();
    modified[0x100] ^= 1;
    std::fs::write(&files[2], &modified).unwrap();
    settle(&files[2]);
    let (code, third, stderr) = verify_cached(&cache, &dat, &set);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(summary(&third)["cached"], 2);
    assert_eq!(file(&third, "Gamma (USA).z64")["status"], "mismatch");

    // An unchanged archive is answered from the cache without being decompressed: damage a
    // member's data but keep the archive's size and modification time, and the cached run
    // still reports what was there (the documented limit of a cache keyed by identity).
    if let Some(zip) = tools::zip() {
        let work = dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        std::fs::write(work.join("Alpha (USA).z64"), &g.a).unwrap();
        tools::run_in(&work, &zip, &["-q", "-0", "../set/alpha.zip", "Alpha (USA).z64"]);
        let archive = set.join("alpha.zip");
        settle(&archive);
        let (_, filled, _) = verify_cached(&cache, &dat, &set);
        assert_eq!(summary(&filled)["cached"], 3, "the three plain files");
        let when = std::fs::metadata(&archive).unwrap().modified().unwrap();
        let mut bytes = std::fs::read(&archive).unwrap();
        let at = bytes.windows(16).position(|w| w == &g.a[0x1000..0x1010]).expect("stored data");
        bytes[at] ^= 0xFF;
        std::fs::write(&archive, &bytes).unwrap();
        std::fs::File::options().write(true).open(&archive).unwrap().set_modified(when).unwrap();
        let (code, answered, stderr) = verify_cached(&cache, &dat, &set);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(summary(&answered)["cached"], 4, "the member too");
        assert_eq!(file(&answered, "alpha.zip/Alpha (USA).z64")["status"], "duplicate");
        std::fs::remove_file(&archive).unwrap();
    }

    // A corrupt cache: one warning, the same answers.
    let db =
        std::fs::read_dir(&cache).unwrap().flatten().find(|e| e.file_name().to_string_lossy().ends_with("sqlite3"));
    let db = db.expect("the cache database exists").path();
    for entry in std::fs::read_dir(&cache).unwrap().flatten() {
        std::fs::remove_file(entry.path()).unwrap();
    }
    std::fs::write(&db, vec![0x5A; 4096]).unwrap();
    let (code, fourth, stderr) = verify_cached(&cache, &dat, &set);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("warning: hash cache bypassed"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(summary(&fourth)["cached"], 0);
    assert_eq!(file(&fourth, "Gamma (USA).z64")["status"], "mismatch");
    assert_eq!(file(&fourth, "Alpha (USA).z64")["status"], "match");
}

#[test]
fn csv_has_one_row_per_file_under_a_header() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("alpha.v64"), Order::V64.store(&g.a)).unwrap();
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms)).unwrap();
    let run = n64([
        "verify".as_ref(),
        "--csv".as_ref(),
        "--no-cache".as_ref(),
        "--dat".as_ref(),
        dat.as_os_str(),
        dir.path().join("alpha.v64").as_os_str(),
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "status,path,dat,game,rom,name_ok,byte_order,byte_order_ok,matched_by");
    assert!(lines[1].starts_with("match,"), "{}", lines[1]);
    assert!(
        lines[1].ends_with(",Nintendo - Nintendo 64 (BigEndian),Alpha (USA),Alpha (USA).z64,false,v64,false,sha1"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 2, "{}", run.stdout);
}

/// A small collection with one of every finding, in a scratch directory where `n64 verify` runs
/// with relative paths (for the snapshots): right, misnamed and byte-swapped, duplicate,
/// modified, unknown, an incomplete game and a missing one.
fn snapshot_scene() -> Option<tempfile::TempDir> {
    let g = games()?;
    let two_roms_b = rom_be(4, *b"NDDE");
    let mut roms = g.roms;
    let extra = DatRom::new("Beta (USA)", "Beta (USA) (Disk 2).z64", &two_roms_b, "NBBE")?;
    roms.insert(2, extra);
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir_all(set.join("more")).unwrap();
    std::fs::write(set.join("Alpha (USA).z64"), &g.a).unwrap();
    std::fs::write(set.join("more/alpha copy.z64"), &g.a).unwrap();
    std::fs::write(set.join("beta.v64"), Order::V64.store(&g.b)).unwrap();
    let mut modified = g.c.clone();
    modified[0x4000] ^= 0x80;
    std::fs::write(set.join("Gamma (USA) [hack].z64"), &modified).unwrap();
    std::fs::write(set.join("notes.txt"), b"my notes\n").unwrap();
    std::fs::write(dir.path().join("n64.dat"), no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &roms)).unwrap();
    Some(dir)
}

fn scene_transcript(dir: &Path, args: &[&str]) -> String {
    let mut command = n64_testkit::run::command(n64_binary());
    command.args(args).current_dir(dir);
    n64_testkit::run::finish(&mut command).transcript()
}

#[test]
fn snapshot_verify_text() {
    let Some(dir) = snapshot_scene() else { return };
    insta::assert_snapshot!(scene_transcript(
        dir.path(),
        &["verify", "--no-cache", "--missing", "--dat", "n64.dat", "set"]
    ));
}

#[test]
fn snapshot_verify_json() {
    let Some(dir) = snapshot_scene() else { return };
    insta::assert_snapshot!(scene_transcript(
        dir.path(),
        &["verify", "--no-cache", "--json", "--dat", "n64.dat", "set"]
    ));
}

#[test]
fn two_dats_at_once_and_a_forced_order() {
    let Some(g) = games() else { return };
    let v64 = Order::V64.store(&g.a);
    let Some(swapped) = DatRom::new("Alpha (USA)", "Alpha (USA).v64", &v64, "") else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(set.join("Alpha (USA).v64"), &v64).unwrap();
    let be = dir.path().join("be.dat");
    let bs = dir.path().join("bs.dat");
    std::fs::write(&be, no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms)).unwrap();
    std::fs::write(&bs, no_intro_dat("Nintendo - Nintendo 64 (ByteSwapped)", &[swapped])).unwrap();
    let run = unchanged(dir.path(), || {
        n64([
            "verify",
            "--json",
            "--no-cache",
            "--dat",
            be.to_str().unwrap(),
            "--dat",
            bs.to_str().unwrap(),
            set.to_str().unwrap(),
        ])
    });
    let records = run.json_lines();
    // The v64 file provides Alpha in both DATs; it is reported against the one whose order it has.
    let alpha = file(&records, "Alpha (USA).v64");
    assert_eq!(alpha["dat"], "Nintendo - Nintendo 64 (ByteSwapped)", "{}", run.stdout);
    assert_eq!((alpha["name_ok"].as_bool(), alpha["byte_order_ok"].as_bool()), (Some(true), Some(true)));
    let s = summary(&records);
    assert_eq!((s["games"].as_u64(), s["complete"].as_u64(), s["missing"].as_u64()), (Some(4), Some(2), Some(2)));

    // A DAT that says nothing of its order, with .bin names: raw bytes, unless --dat-order.
    let plain = dir.path().join("plain.dat");
    let mut text = no_intro_dat("Homebrew", &g.roms);
    text = text.replace(".z64\"", ".bin\"");
    std::fs::write(&plain, text).unwrap();
    let (_, raw, _) = verify_json(dir.path(), &plain, &[], &[&set]);
    assert_eq!(file(&raw, "Alpha (USA).v64")["status"], "mismatch", "raw v64 bytes are not the z64 hashes");
    let (_, forced, _) = verify_json(dir.path(), &plain, &["--dat-order", "z64"], &[&set]);
    let alpha = file(&forced, "Alpha (USA).v64");
    assert_eq!((alpha["status"].as_str(), alpha["byte_order_ok"].as_bool()), (Some("match"), Some(false)));
}

#[test]
fn hostile_archives_are_errors_of_their_own_and_never_crash() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(set.join("Alpha (USA).z64"), &g.a).unwrap();
    // Archive signatures followed by garbage, a truncated central directory, an empty zip.
    std::fs::write(set.join("garbage.zip"), [&b"PK\x03\x04"[..], &[0xFF; 200]].concat()).unwrap();
    std::fs::write(set.join("garbage.7z"), [&b"7z\xBC\xAF\x27\x1C\x00\x04"[..], &[0xEE; 100]].concat()).unwrap();
    std::fs::write(set.join("empty.zip"), b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0").unwrap();
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms)).unwrap();
    let (code, records, stderr) = verify_json(dir.path(), &dat, &[], &[&set]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(file(&records, "Alpha (USA).z64")["status"], "match");
    let errors: Vec<&str> =
        records.iter().filter(|r| r["type"] == "error").map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(errors.len(), 2, "the two damaged archives, not the empty one: {records:#?}");
    assert!(errors.iter().all(|p| p.contains("garbage.")), "{errors:?}");
    assert_eq!(stderr.lines().count(), 2, "one line per damaged archive: {stderr}");
}

#[test]
fn two_runs_at_once_share_the_cache_safely() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    let cache = dir.path().join("cache");
    std::fs::create_dir(&set).unwrap();
    for (rom, bytes) in g.roms.iter().zip([&g.a, &g.b, &g.c]) {
        let path = set.join(&rom.name);
        std::fs::write(&path, bytes).unwrap();
        settle(&path);
    }
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms)).unwrap();
    let spawn = || {
        let mut command = n64_testkit::run::command(n64_binary());
        command
            .env("N64_CACHE", &cache)
            .args(["verify".as_ref(), "--json".as_ref(), "--dat".as_ref(), dat.as_os_str(), set.as_os_str()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        command.spawn().unwrap()
    };
    let runs: Vec<_> = (0..4).map(|_| spawn()).collect();
    for child in runs {
        let run = n64_testkit::run::wait_within(child, std::time::Duration::from_mins(1), "n64 verify");
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert!(run.stderr.is_empty(), "no cache warning: {}", run.stderr);
        assert_eq!(summary(&run.json_lines())["match"], 3);
    }
    let (code, after, stderr) = verify_cached(&cache, &dat, &set);
    assert_eq!((code, summary(&after)["cached"].as_u64()), (0, Some(3)), "{stderr}");
}

#[test]
fn unknown_dat_fields_are_warnings_with_their_place() {
    let Some(g) = games() else { return };
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(set.join("Alpha (USA).z64"), &g.a).unwrap();
    let text = no_intro_dat("Nintendo - Nintendo 64 (BigEndian)", &g.roms[..1])
        .replace("<game name=\"Alpha (USA)\"", "<game shiny=\"yes\" name=\"Alpha (USA)\"");
    let dat = dir.path().join("n64.dat");
    std::fs::write(&dat, text).unwrap();
    let (code, records, stderr) = verify_json(dir.path(), &dat, &[], &[&set]);
    assert_eq!(code, 0, "a warning is no problem: {stderr}");
    assert_eq!(file(&records, "Alpha (USA).z64")["status"], "match");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("n64: warning: "), "{stderr}");
    assert!(stderr.contains("n64.dat: line 14, column"), "{stderr}");
    assert!(stderr.contains("shiny"), "{stderr}");
}
