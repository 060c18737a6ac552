//! The output contract of `n64-fix`: every command's human and JSON output on a fresh copy of
//! the fixtures, pinned with insta (cleared environment, relative paths). After a deliberate
//! change: `cargo insta review` (or `INSTA_UPDATE=always cargo test`), then read the diff.

use n64_testkit::run::Scene;

use crate::support::n64_fix_binary;

fn transcript(args: &[&str]) -> String {
    Scene::with_fixtures().run(n64_fix_binary(), args).transcript()
}

#[test]
fn crc_text() {
    insta::assert_snapshot!(transcript(&["crc", "roms"]));
}

#[test]
fn crc_dry_run_json() {
    insta::assert_snapshot!(transcript(&["crc", "--dry-run", "--json", "--pad", "roms"]));
}

#[test]
fn crc_refuses_a_contradicting_cic() {
    insta::assert_snapshot!(transcript(&["crc", "--cic", "6105", "roms/6102-bad.z64", "roms/unknown-boot.z64"]));
}

#[test]
fn header_text() {
    insta::assert_snapshot!(transcript(&[
        "header",
        "--title",
        "ﾊﾞｸﾀﾞﾝ",
        "--savetype",
        "flashram",
        "--controller",
        "2=tpak",
        "--rtc",
        "roms/6102-short.v64"
    ]));
}

#[test]
fn header_json() {
    insta::assert_snapshot!(transcript(&[
        "header",
        "--json",
        "--dry-run",
        "--game-code",
        "NABJ",
        "roms/jis-title.n64"
    ]));
}

#[test]
fn header_refusal() {
    insta::assert_snapshot!(transcript(&["header", "--game-code", "NSME", "roms/homebrew.z64"]));
}

#[test]
fn convert_text() {
    insta::assert_snapshot!(transcript(&[
        "convert",
        "--to",
        "z64",
        "roms/6101.n64",
        "roms/6103.z64",
        "roms/7102.v64",
        "roms/odd-length.v64",
        "roms/truncated.z64"
    ]));
}

#[test]
fn convert_json() {
    insta::assert_snapshot!(transcript(&[
        "convert",
        "--json",
        "--to",
        "n64",
        "--pad",
        "roms/odd-length.v64",
        "roms/6103.z64"
    ]));
}

#[test]
fn normalize_text() {
    insta::assert_snapshot!(transcript(&[
        "normalize",
        "--rename",
        "{title} [{game_code}]",
        "--fix-crc",
        "--pad",
        "roms"
    ]));
}

#[test]
fn normalize_json_dry_run() {
    insta::assert_snapshot!(transcript(&["normalize", "--json", "--dry-run", "--to", "v64", "roms"]));
}

#[test]
fn normalize_report() {
    let scene = Scene::with_fixtures();
    let out = scene.run(n64_fix_binary(), ["normalize", "--dry-run", "--report", "plan.json", "roms"]);
    let report = std::fs::read_to_string(scene.path().join("plan.json")).unwrap();
    insta::assert_snapshot!(format!("{}\n--- plan.json\n{report}\n", out.transcript()));
}

#[test]
fn help_of_header() {
    insta::assert_snapshot!(transcript(&["header", "--help"]));
}

#[test]
fn help_of_crc() {
    insta::assert_snapshot!(transcript(&["crc", "--help"]));
}
