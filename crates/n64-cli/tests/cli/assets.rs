//! `n64 assets`, `n64 extract` and `n64 texture` on the asset fixture (`testdata/assets.z64`,
//! whose manifest entry lists what the generator placed: offsets, sizes, paths and the SHA-1 of
//! each decoded file) and on hostile variants of it. No run changes the ROM.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha1::{Digest, Sha1};

use crate::support::{n64, testdata, unchanged};

/// What the fixture's manifest entry says about its assets.
fn manifest() -> Value {
    n64_testkit::paths::manifest()["files"]["assets.z64"]["assets"].clone()
}

/// The fixture ROM.
fn fixture() -> PathBuf {
    testdata().join("assets.z64")
}

/// A copy of the fixture (or of `bytes`) alone in a fresh directory, so runs can show it is left
/// untouched; the directory and the ROM's path.
fn rom_copy(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("assets.z64");
    fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn sha1_hex(bytes: &[u8]) -> String {
    Sha1::digest(bytes).iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

fn run_in(dir: &Path, args: &[&str]) -> crate::support::Run {
    let mut command = n64_testkit::run::command(crate::support::n64_binary());
    command.args(args).current_dir(dir);
    n64_testkit::run::finish(&mut command)
}

/// The keys `n64 assets --json` and the manifest share.
const KEYS: [&str; 6] = ["kind", "offset", "size", "decompressed_size", "path", "stored_as"];

#[test]
fn assets_json_lists_what_the_generator_placed() {
    let run = unchanged(&testdata(), || n64(["assets".as_ref(), "--json".as_ref(), fixture().as_os_str()]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let records = run.json_lines();
    let assets: Vec<&Value> = records.iter().filter(|r| r["type"] == "asset").collect();
    let expected = manifest()["assets"].as_array().unwrap().clone();
    assert_eq!(assets.len(), expected.len());
    for (got, want) in assets.iter().zip(&expected) {
        for key in KEYS {
            assert_eq!(got[key], want[key], "{key} of {want}");
        }
        assert_eq!(got["rom"], fixture().display().to_string());
    }
    // Then the ROM's record, then the summary.
    let rom = &records[assets.len()];
    assert_eq!(rom["type"], "rom");
    assert_eq!(rom["assets"], expected.len());
    let containers: Vec<(&str, &Value)> =
        rom["containers"].as_array().unwrap().iter().map(|c| (c["kind"].as_str().unwrap(), &c["offset"])).collect();
    let m = manifest();
    assert_eq!(containers, [("toc", &m["toc"]), ("dmadata", &m["dmadata"]), ("dragonfs", &m["dragonfs"])]);
    assert_eq!(rom["containers"][2]["directories"], m["directories"]);
    assert_eq!(rom["containers"][1]["label"], m["build_string"]);
    let summary = records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!((summary["roms"].as_u64(), summary["assets"].as_u64()), (Some(1), Some(expected.len() as u64)));
}

#[test]
fn assets_reads_every_byte_order() {
    let be = fs::read(fixture()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for order in ["v64", "n64"] {
        let path = dir.path().join(format!("assets.{order}"));
        fs::write(&path, crate::support::to_order(&be, order)).unwrap();
    }
    let run = unchanged(dir.path(), || run_in(dir.path(), &["assets", "--json", "assets.n64", "assets.v64"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let records = run.json_lines();
    let expected = manifest()["assets"].as_array().unwrap().len();
    for name in ["assets.n64", "assets.v64"] {
        let assets: Vec<&Value> = records.iter().filter(|r| r["type"] == "asset" && r["rom"] == name).collect();
        assert_eq!(assets.len(), expected, "{name}");
    }
}

#[test]
fn extract_writes_each_asset_decoded_with_its_sha1() {
    let (roms, rom) = rom_copy(&fs::read(fixture()).unwrap());
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("out");
    let run = unchanged(roms.path(), || n64(["extract".as_ref(), rom.as_os_str(), "-o".as_ref(), dir.as_os_str()]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let index: Value = serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["sha1"], sha1_hex(&fs::read(fixture()).unwrap()));
    let files = index["files"].as_array().unwrap();
    let expected = manifest()["assets"].as_array().unwrap().clone();
    assert_eq!(files.len(), expected.len());
    for (file, want) in files.iter().zip(&expected) {
        for key in KEYS {
            assert_eq!(file[key], want[key], "{key} of {want}");
        }
        let written = fs::read(dir.join(file["file"].as_str().unwrap())).unwrap();
        assert_eq!(sha1_hex(&written), want["sha1"].as_str().unwrap(), "{file}");
        assert_eq!(file["sha1"], want["sha1"]);
        assert_eq!(file["bytes"], written.len());
    }
    // The layout the help promises.
    let names: Vec<&str> = files.iter().map(|f| f["file"].as_str().unwrap()).collect();
    for name in [
        "dragonfs/sprites/enemies/slime.sprite",
        "toc/game.dfs",
        "dmadata/0003_00030000.bin",
        "blocks/00005002.yay0.bin",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    // Nothing but what the index lists (and the directories on the way).
    let mut tree: Vec<String> = n64_testkit::files::tree(&dir).iter().map(|p| p.display().to_string()).collect();
    tree.retain(|p| p != "index.json");
    let mut listed: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(tree, listed);
}

#[test]
fn extract_only_some_kinds() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("x");
    let run = n64([
        "extract".as_ref(),
        fixture().as_os_str(),
        "-o".as_ref(),
        dir.as_os_str(),
        "--only".as_ref(),
        "mio0,dfs_file".as_ref(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let index: Value = serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
    let kinds: Vec<&str> = index["files"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["mio0", "dfs_file", "dfs_file", "dfs_file", "dfs_file", "dfs_file"]);
    let bad = n64([
        "extract".as_ref(),
        fixture().as_os_str(),
        "-o".as_ref(),
        dir.as_os_str(),
        "--only".as_ref(),
        "yaz".as_ref(),
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown asset kind \"yaz\""), "{}", bad.stderr);
}

#[test]
fn extract_refuses_a_non_empty_directory_unless_forced() {
    let (roms, rom) = rom_copy(&fs::read(fixture()).unwrap());
    let out = tempfile::tempdir().unwrap();
    let keep = out.path().join("notes.txt");
    fs::write(&keep, b"mine").unwrap();
    let args = |force: bool| {
        let mut a = vec!["extract".as_ref(), rom.as_os_str(), "-o".as_ref(), out.path().as_os_str()];
        if force {
            a.push("--force".as_ref());
        }
        a
    };
    let refused = unchanged(out.path(), || unchanged(roms.path(), || n64(args(false))));
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("not empty (pass --force"), "{}", refused.stderr);
    assert_eq!(refused.stderr.lines().count(), 1);
    // Forced, twice: the second run replaces the files of the first.
    for _ in 0..2 {
        let run = unchanged(roms.path(), || n64(args(true)));
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    assert_eq!(fs::read(&keep).unwrap(), b"mine");
    assert!(out.path().join("dragonfs/readme.txt").is_file());
}

#[test]
fn extract_into_a_file_or_a_missing_rom_is_an_error() {
    let (roms, rom) = rom_copy(&fs::read(fixture()).unwrap());
    let file = roms.path().join("file");
    fs::write(&file, b"x").unwrap();
    unchanged(roms.path(), || {
        let run = n64(["extract".as_ref(), rom.as_os_str(), "-o".as_ref(), file.as_os_str()]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("not a directory"), "{}", run.stderr);
        let missing = roms.path().join("missing.z64");
        let run = n64(["extract".as_ref(), missing.as_os_str(), "-o".as_ref(), roms.path().join("o").as_os_str()]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("no such file"), "{}", run.stderr);
        // A truncated ROM is refused before DIR is made.
        let truncated = testdata().join("truncated.z64");
        let run = n64(["extract".as_ref(), truncated.as_os_str(), "-o".as_ref(), roms.path().join("t").as_os_str()]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("boot code"), "{}", run.stderr);
    });
    assert!(!roms.path().join("o").exists() && !roms.path().join("t").exists());
}

/// The fixture with a DragonFS entry renamed: the image's first entry (readme.txt) is at 0x100
/// from its start, its name at 8 bytes into the entry.
fn with_dfs_name(name: &[u8]) -> Vec<u8> {
    let mut rom = fs::read(fixture()).unwrap();
    let dfs = usize::try_from(manifest()["dragonfs"].as_u64().unwrap()).unwrap();
    let field = dfs + 0x100 + 8;
    rom[field..field + 244].fill(0);
    rom[field..field + name.len()].copy_from_slice(name);
    rom
}

#[test]
fn hostile_dragonfs_names_never_leave_the_directory() {
    for name in [&b".."[..], b"../../escaped", b"/etc/escaped", b"a\\..\\b"] {
        let (roms, rom) = rom_copy(&with_dfs_name(name));
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("inner");
        let run = unchanged(roms.path(), || n64(["extract".as_ref(), rom.as_os_str(), "-o".as_ref(), dir.as_os_str()]));
        // The image does not walk: a warning; everything else is written.
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("warning: ") && run.stderr.contains("bad name"), "{}", run.stderr);
        assert!(!dir.join("dragonfs").exists());
        let top: Vec<_> = fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(top, ["inner"], "nothing beside the output directory");
        assert!(!Path::new("/etc/escaped").exists());
    }
}

#[test]
fn a_dragonfs_loop_is_a_warning() {
    let mut rom = fs::read(fixture()).unwrap();
    let dfs = usize::try_from(manifest()["dragonfs"].as_u64().unwrap()).unwrap();
    // readme.txt's next entry: itself.
    rom[dfs + 0x100..dfs + 0x104].copy_from_slice(&0x100u32.to_be_bytes());
    let (roms, rom) = rom_copy(&rom);
    let run = unchanged(roms.path(), || n64(["assets".as_ref(), rom.as_os_str()]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("reached twice"), "{}", run.stderr);
    assert!(!run.stdout.contains("dfs_file"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_inside_the_directory_is_not_followed() {
    let (roms, rom) = rom_copy(&fs::read(fixture()).unwrap());
    let out = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out.path().join("blocks")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("x"), out.path().join("index.json")).unwrap();
    let run = unchanged(elsewhere.path(), || {
        unchanged(roms.path(), || {
            n64(["extract".as_ref(), rom.as_os_str(), "-o".as_ref(), out.path().as_os_str(), "--force".as_ref()])
        })
    });
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(out.path().join("dmadata").is_dir(), "the other assets are written");
    assert!(!elsewhere.path().join("x").exists());
}

#[test]
fn extract_never_replaces_the_rom_even_forced() {
    // The ROM sits in DIR under the name index.json gets.
    let dir = tempfile::tempdir().unwrap();
    let rom = dir.path().join("index.json");
    fs::copy(fixture(), &rom).unwrap();
    let before = (fs::read(&rom).unwrap(), n64_testkit::files::age(&rom));
    let run = n64(["extract".as_ref(), rom.as_os_str(), "-o".as_ref(), dir.path().as_os_str(), "--force".as_ref()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("never replaced"), "{}", run.stderr);
    assert_eq!((fs::read(&rom).unwrap(), n64_testkit::files::mtime(&rom)), before);
}

/// A read-only output directory: a tmpfs remounted read-only where mounting is allowed; else
/// permission bits where they are enforced; else skipped.
#[cfg(unix)]
#[test]
fn a_read_only_directory_is_an_error() {
    use n64_testkit::system::{Tmpfs, permissions_enforced};
    use std::os::unix::fs::PermissionsExt;
    let (roms, rom) = rom_copy(&fs::read(fixture()).unwrap());
    let ro = roms.path().join("ro");
    let mount = match Tmpfs::mount(&ro, "1m") {
        Ok(mount) => match mount.remount_read_only() {
            Ok(()) => Some(mount),
            Err(why) => {
                eprintln!("note: skipped: cannot remount read-only: {why}");
                return;
            }
        },
        Err(why) if permissions_enforced() => {
            eprintln!("note: {why}; using permission bits instead");
            fs::create_dir_all(&ro).unwrap();
            fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
            None
        }
        Err(why) => {
            eprintln!("note: skipped: {why}, and permission bits do not stop this process (root)");
            return;
        }
    };
    let run = unchanged(roms.path(), || n64(["extract".as_ref(), rom.as_os_str(), "-o".as_ref(), ro.as_os_str()]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&*ro.display().to_string()), "{}", run.stderr);
    assert!(run.stderr.contains("read-only") || run.stderr.contains("permission denied"), "{}", run.stderr);
    drop(mount);
}

/// The RGBA8 pixels of a PNG.
fn png_pixels(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.color_type, info.bit_depth), (png::ColorType::Rgba, png::BitDepth::Eight));
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// 5 bits widened by replication.
fn five(x: u16) -> u8 {
    u8::try_from((x << 3) | (x >> 2)).unwrap()
}

#[test]
fn texture_writes_the_fixture_textures_as_drawn() {
    let m = manifest();
    let textures = m["textures"].as_array().unwrap();
    let (roms, rom) = rom_copy(&fs::read(fixture()).unwrap());
    let out = tempfile::tempdir().unwrap();
    for texture in textures {
        let name = texture["name"].as_str().unwrap();
        let png = out.path().join(format!("{name}.png"));
        let mut args: Vec<String> = vec![
            "texture".into(),
            rom.display().to_string(),
            "--offset".into(),
            format!("{:#x}", texture["offset"].as_u64().unwrap()),
            "--format".into(),
            texture["format"].as_str().unwrap().into(),
            "--width".into(),
            texture["width"].to_string(),
            "--height".into(),
            texture["height"].to_string(),
            "-o".into(),
            png.display().to_string(),
        ];
        if let Some(palette) = texture["palette"].as_u64() {
            args.extend(["--palette".into(), palette.to_string()]);
        }
        let run = unchanged(roms.path(), || n64(&args));
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let (width, height, rgba) = png_pixels(&png);
        assert_eq!(
            (u64::from(width), u64::from(height)),
            (texture["width"].as_u64().unwrap(), texture["height"].as_u64().unwrap())
        );
        // What the generator drew (xtask/src/fixtures/assets.rs), expanded by replication.
        let expected = |x: u32, y: u32| -> [u8; 4] {
            match name {
                "gradient" => {
                    let (x, y) = (u16::try_from(x).unwrap(), u16::try_from(y).unwrap());
                    [five(x), five(y), five(u16::midpoint(x, y)), 255]
                }
                "checkerboard" => {
                    let i = if (x / 8 + y / 8).is_multiple_of(2) { 0xFF } else { 0x33 };
                    [i, i, i, 255]
                }
                _ => {
                    let d = (i64::from(x) - 7).abs() + (i64::from(y) - 7).abs();
                    match d {
                        0..=1 => [255, 255, 0, 255],
                        2..=5 => [255, 0, 0, 255],
                        6 => [0, 0, 0, 255],
                        _ => [0, 0, 0, 0],
                    }
                }
            }
        };
        for y in 0..height {
            for x in 0..width {
                let at = ((y * width + x) * 4) as usize;
                assert_eq!(rgba[at..at + 4], expected(x, y), "{name} ({x}, {y})");
            }
        }
    }
}

#[test]
fn texture_errors_name_the_offset() {
    let (roms, rom) = rom_copy(&fs::read(fixture()).unwrap());
    let out = roms.path().join("t.png");
    let r = rom.display().to_string();
    let o = out.display().to_string();
    let cases: [(Vec<&str>, &str); 5] = [
        (
            vec!["--offset", "0x1fff0", "--format", "rgba16", "--width", "32", "--height", "32"],
            "texture at 0x1fff0 (rgba16 32x32, 0x800 bytes) runs past the end of the ROM (0x20000 bytes)",
        ),
        (vec!["--offset", "0x30000", "--sheet"], "offset 0x30000 runs past the end of the ROM"),
        (
            vec!["--offset", "0x2a00", "--format", "ci4", "--width", "16", "--height", "16"],
            "ci4 needs a palette (--palette OFF)",
        ),
        (
            vec!["--offset", "0x2a00", "--format", "ci8", "--width", "16", "--height", "16", "--palette", "0x1ff00"],
            "palette at 0x1ff00 (256 rgba16 entries, 0x200 bytes) runs past the end",
        ),
        (vec!["--offset", "0", "--format", "i8", "--width", "0", "--height", "16"], "out of bounds"),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["texture", r.as_str(), "-o", o.as_str()];
        args.extend(extra);
        let run = unchanged(roms.path(), || n64(&args));
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1);
    }
    // The PNG is not written over the ROM, even forced.
    let run = unchanged(roms.path(), || {
        n64(["texture", r.as_str(), "--offset", "0x2000", "--sheet", "-o", r.as_str(), "--force"])
    });
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("never written"), "{}", run.stderr);
    // An existing PNG is replaced only with --force.
    fs::write(&out, b"old").unwrap();
    let args = ["texture", r.as_str(), "--offset", "0x2000", "--sheet", "-o", o.as_str()];
    let run = n64(args);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("exists (pass --force"), "{}", run.stderr);
    let run = n64([&args[..], &["--force"]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fs::read(&out).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn two_toc_files_of_one_name_write_the_first_and_warn() {
    let mut rom = fs::read(fixture()).unwrap();
    let toc = usize::try_from(manifest()["toc"].as_u64().unwrap()).unwrap();
    // Entry 1 (credits.txt) renamed game.dfs, as entry 0 is.
    let name = toc + 16 + 64 + 4;
    rom[name..name + 60].fill(0);
    rom[name..name + 8].copy_from_slice(b"game.dfs");
    let (roms, rom) = rom_copy(&rom);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("x");
    let run = unchanged(roms.path(), || n64(["extract".as_ref(), rom.as_os_str(), "-o".as_ref(), dir.as_os_str()]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("toc_entry at 0x1ffa0 left out: another asset is written as toc/game.dfs"),
        "{}",
        run.stderr
    );
    let dfs = usize::try_from(manifest()["dragonfs"].as_u64().unwrap()).unwrap();
    assert_eq!(fs::read(dir.join("toc/game.dfs")).unwrap()[..4], fs::read(fixture()).unwrap()[dfs..dfs + 4]);
}

/// The README's picture is what its command makes of the committed fixture (regenerate it with
/// `n64 texture testdata/assets.z64 --offset 0x2000 --sheet -o docs/assets-sheet.png --force`).
#[test]
fn readme_sheet_is_the_command_output() {
    let out = tempfile::tempdir().unwrap();
    let png = out.path().join("sheet.png");
    let run = n64([
        "texture".as_ref(),
        fixture().as_os_str(),
        "--offset".as_ref(),
        "0x2000".as_ref(),
        "--sheet".as_ref(),
        "-o".as_ref(),
        png.as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let committed = n64_testkit::paths::workspace().join("docs/assets-sheet.png");
    assert!(fs::read(&png).unwrap() == fs::read(&committed).unwrap(), "{} is out of date", committed.display());
}
