//! The output contract of `n64`: every command's human and JSON output on the fixtures, pinned
//! with insta (run in a cleared environment, on a copy of the fixtures, with relative paths).
//! After a deliberate change: `cargo insta review` (or `INSTA_UPDATE=always cargo test`), then
//! read the diff.

use n64_testkit::run::Scene;

use crate::support::n64_binary;

fn transcript(args: &[&str]) -> String {
    let scene = Scene::with_fixtures();
    scene.run(n64_binary(), args).transcript()
}

/// A few ROMs that between them show every line `info` prints.
const INFO_FILES: [&str; 6] = [
    "roms/6102-large.z64",
    "roms/6105-bad.n64",
    "roms/homebrew.z64",
    "roms/jis-title.n64",
    "roms/libdragon-no-magic.v64",
    "roms/unaligned.n64",
];

#[test]
fn info_text() {
    let mut args = vec!["info"];
    args.extend(INFO_FILES);
    args.push("roms/unknown-boot.z64");
    args.push("roms/truncated.z64");
    insta::assert_snapshot!(transcript(&args));
}

#[test]
fn info_json() {
    let mut args = vec!["info", "--json"];
    args.extend(INFO_FILES);
    args.push("roms/truncated.z64");
    insta::assert_snapshot!(transcript(&args));
}

#[test]
fn check_text() {
    insta::assert_snapshot!(transcript(&["check", "roms"]));
}

#[test]
fn check_json() {
    insta::assert_snapshot!(transcript(&["check", "--json", "roms"]));
}

#[test]
fn check_quiet() {
    insta::assert_snapshot!(transcript(&["-q", "check", "roms/6102-bad.z64", "roms/6103.z64"]));
}

#[test]
fn scan_table() {
    insta::assert_snapshot!(transcript(&["scan", "roms"]));
}

#[test]
fn scan_table_all() {
    insta::assert_snapshot!(transcript(&["scan", "--all", "roms"]));
}

#[test]
fn scan_json() {
    insta::assert_snapshot!(transcript(&["scan", "--json", "--all", "roms"]));
}

#[test]
fn scan_everdrive_savedb() {
    insta::assert_snapshot!(transcript(&["scan", "--format", "everdrive-savedb", "roms"]));
}

#[test]
fn scan_csv() {
    insta::assert_snapshot!(transcript(&["scan", "--csv", "--all", "roms"]));
}

#[test]
fn hash_text() {
    insta::assert_snapshot!(transcript(&["hash", "--as-stored", "roms/6105.v64", "roms/odd-length.v64"]));
}

#[test]
fn hash_json() {
    insta::assert_snapshot!(transcript(&[
        "hash",
        "--json",
        "--pad",
        "roms/6102-short.n64",
        "roms/odd-length.v64",
        "roms/empty.bin"
    ]));
}

#[test]
fn help_of_check() {
    insta::assert_snapshot!(transcript(&["check", "--help"]));
}

/// `patch-info` on the scene of `patch_info.rs`: one patch per format, written by hand.
fn patch_transcript(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    crate::patch_info::write_scene(dir.path());
    crate::patch_info::n64_in(dir.path(), args).transcript()
}

fn patch_args(first: &[&'static str], last: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec!["patch-info"];
    args.extend(first);
    args.extend(crate::patch_info::SCENE_PATCHES);
    args.extend(last);
    args
}

#[test]
fn patch_info_text() {
    insta::assert_snapshot!(patch_transcript(&patch_args(&[], &[])));
}

#[test]
fn patch_info_json() {
    insta::assert_snapshot!(patch_transcript(&patch_args(&["--json"], &[])));
}

#[test]
fn patch_info_rom_text() {
    insta::assert_snapshot!(patch_transcript(&patch_args(&["--rom", "base.v64"], &["damaged.bps", "other.bps"])));
}

#[test]
fn patch_info_rom_json() {
    insta::assert_snapshot!(patch_transcript(&patch_args(
        &["--json", "--rom", "base.v64"],
        &["damaged.bps", "other.bps"]
    )));
}

/// A good patch among a truncated one, an empty file, a directory, a missing file and a file
/// that is no patch.
const PATCH_ERRORS: [&str; 6] = ["hack.ips", "truncated.ips", "empty.bps", "folder.bps", "missing.bps", "notes.txt"];

#[test]
fn patch_info_errors_text() {
    insta::assert_snapshot!(patch_transcript(&[&["patch-info"], &PATCH_ERRORS[..]].concat()));
}

#[test]
fn patch_info_errors_json() {
    insta::assert_snapshot!(patch_transcript(&[&["patch-info", "--json"], &PATCH_ERRORS[..]].concat()));
}

#[test]
fn help_of_patch_info() {
    insta::assert_snapshot!(transcript(&["patch-info", "--help"]));
}

#[test]
fn assets_text() {
    insta::assert_snapshot!(transcript(&["assets", "roms/assets.z64", "roms/6102-short.z64", "roms/truncated.z64"]));
}

#[test]
fn assets_json() {
    insta::assert_snapshot!(transcript(&["assets", "--json", "roms/assets.z64", "roms/6102-short.z64"]));
}

/// `n64 extract` on the asset fixture: what it prints, the tree it writes, and index.json.
#[test]
fn extract_tree_and_index() {
    let scene = Scene::with_fixtures();
    let run = scene.run(n64_binary(), ["extract", "roms/assets.z64", "-o", "out"]);
    let tree: Vec<String> =
        n64_testkit::files::tree(&scene.path().join("out")).iter().map(|p| p.display().to_string()).collect();
    let index = std::fs::read_to_string(scene.path().join("out/index.json")).unwrap();
    insta::assert_snapshot!(format!("{}--- tree\n{}\n--- index.json\n{index}", run.transcript(), tree.join("\n")));
}

#[test]
fn help_of_extract() {
    insta::assert_snapshot!(transcript(&["extract", "--help"]));
}
