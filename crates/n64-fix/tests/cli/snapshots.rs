//! The output contract of `n64-fix`: every command's human and JSON output on a fresh copy of
//! the fixtures, pinned with insta (cleared environment, relative paths). After a deliberate
//! change: `cargo insta review` (or `INSTA_UPDATE=always cargo test`), then read the diff.

use n64_testkit::run::Scene;

use crate::normalize_dat::{DatRom, rom, write_dat};
use crate::support::{n64_fix_binary, stored};

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

/// A scene with a small set under `set/` (a v64 and an n64 file of DAT games, a file in no DAT,
/// a modified one) and `n64.dat`, a BigEndian DAT of three games whose hashes come from
/// Python; `None` (the test skipped) without python3 outside CI.
fn dat_scene() -> Option<Scene> {
    use n64_core::ByteOrder;
    let alpha = DatRom::new("Alpha (USA)", "Alpha (USA).z64", rom(1, *b"NAAE"), "NAAE")?;
    let beta = DatRom::new("Beta (Europe)", "Beta (Europe).z64", rom(2, *b"NBBP"), "NBBP")?;
    let gamma = DatRom::new("Gamma (Japan)", "Gamma (Japan).z64", rom(3, *b"NCCJ"), "NCCJ")?;
    let scene = Scene::with_fixtures();
    let set = scene.path().join("set");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(set.join("alpha.v64"), stored(&alpha.z64, ByteOrder::V64)).unwrap();
    std::fs::write(set.join("beta.n64"), stored(&beta.z64, ByteOrder::N64)).unwrap();
    let mut modified = gamma.z64.clone();
    modified[0x8000] ^= 0xFF;
    std::fs::write(set.join("gamma-hack.z64"), modified).unwrap();
    std::fs::write(set.join("notes.txt"), b"not a rom").unwrap();
    write_dat(scene.path(), &[&alpha, &beta, &gamma]);
    Some(scene)
}

#[test]
fn normalize_dat_text() {
    let Some(scene) = dat_scene() else { return };
    let first = scene.run(n64_fix_binary(), ["normalize", "--dat", "n64.dat", "set"]);
    let second = scene.run(n64_fix_binary(), ["normalize", "--dat", "n64.dat", "set"]);
    insta::assert_snapshot!(format!("{}\n--- again\n{}", first.transcript(), second.transcript()));
}

#[test]
fn normalize_dat_json() {
    let Some(scene) = dat_scene() else { return };
    insta::assert_snapshot!(
        scene.run(n64_fix_binary(), ["normalize", "--json", "--dry-run", "--dat", "n64.dat", "set"]).transcript()
    );
}

#[test]
fn normalize_dat_out_zip_json() {
    let Some(scene) = dat_scene() else { return };
    insta::assert_snapshot!(
        scene
            .run(n64_fix_binary(), ["normalize", "--json", "--dat", "n64.dat", "--out", "clean", "--zip", "set"])
            .transcript()
    );
}
