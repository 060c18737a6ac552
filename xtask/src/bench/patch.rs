//! The patching rows of `cargo xtask bench` (issue 11): their data, and the untimed runs that make
//! sure the timed commands give the right bytes.
//!
//! `n64-fix patch` is timed on a 64 MiB ROM (the bench's big ROM, regenerated here as
//! `patch/rom.z64`, and the same ROM stored v64) with a BPS patch to `patch/modified.z64`: that
//! ROM with 200 short edits in its first MiB and 20 more elsewhere, its check code left stale,
//! so `n64-fix patch` has to fix it. The patch is made by the `n64-fix make-patch` under test at
//! the start of every run (untimed). `n64-fix make-patch` and `xdelta3` are timed on three pairs
//! of 8 MiB ROMs, made as `crates/n64-patch/examples/bps_size.rs` makes them: scattered edits, an
//! inserted block, a moved block.
//!
//! Before any timing, [`prepare`] checks that `n64-fix patch` writes exactly the expected ROM
//! (the modified bytes with the check code `ipl3checksum` computes), in z64 and in v64, that each
//! `make-patch` patch applied by `n64-fix patch` gives its modified ROM (apart from the check
//! code, which `patch` fixes), and that each xdelta3 patch decodes to its modified ROM.

use std::ffi::OsStr;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use n64_testkit::{Cic, Rng};

use super::BIG_MIB;
use super::data::{make_rom, swap_halves};
use super::venv::last_line;

/// What the patch directory's stamp file says; a different stamp means regenerate.
const STAMP_VERSION: &str = "n64-tools bench patch data v1";

/// The size of each ROM of the `make-patch` pairs, in MiB (issue 11: "two 8 MiB ROMs").
pub(super) const PAIR_MIB: usize = 8;

/// The ROM index (title and seed, see [`make_rom`]) of the 64 MiB ROM: the bench's big ROM.
const ROM_INDEX: u64 = 1_000_000;
/// The ROM index of the original of the pairs.
const PAIR_INDEX: u64 = 2_000_000;

/// Where the boot code ends and the body begins: edits stay out of the header and boot code,
/// so every modified ROM is still recognised as a 6102 ROM.
const BODY: usize = 0x1000;
/// How far the check code reaches (0x1000 + 1 MiB): the edits below it make the check code stale.
const CHECKED_END: usize = 0x10_1000;
/// Where the check code is stored in the header.
pub(super) const CHECK_CODE: Range<usize> = 0x10..0x18;

/// How many bytes the inserted block has, and how many the moved one.
const INSERTED_LEN: usize = 64 << 10;
const MOVED_LEN: usize = 256 << 10;

/// The three `make-patch` pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pair {
    /// 1000 edits of 1 to 16 bytes at random offsets in the body.
    Scattered,
    /// 64 KiB of new bytes inserted at 3/8 of the ROM, shifting the rest.
    Inserted,
    /// 256 KiB moved from 1/8 of the ROM to 6/8.
    Moved,
}

impl Pair {
    pub(super) const ALL: [Pair; 3] = [Pair::Scattered, Pair::Inserted, Pair::Moved];

    /// What was done to the original, for labels.
    pub(super) const fn name(self) -> &'static str {
        match self {
            Pair::Scattered => "scattered edits",
            Pair::Inserted => "a 64 KiB block inserted",
            Pair::Moved => "a 256 KiB block moved",
        }
    }

    /// The stem of the modified ROM's file name.
    const fn stem(self) -> &'static str {
        match self {
            Pair::Scattered => "scattered",
            Pair::Inserted => "inserted",
            Pair::Moved => "moved",
        }
    }

    /// The key of the `n64-fix make-patch` job on this pair.
    pub(super) const fn ours(self) -> &'static str {
        match self {
            Pair::Scattered => "make-patch-scattered",
            Pair::Inserted => "make-patch-inserted",
            Pair::Moved => "make-patch-moved",
        }
    }

    /// The key of the `xdelta3` job on this pair.
    pub(super) const fn xdelta3(self) -> &'static str {
        match self {
            Pair::Scattered => "xdelta3-scattered",
            Pair::Inserted => "xdelta3-inserted",
            Pair::Moved => "xdelta3-moved",
        }
    }

    /// The size of the modified ROM.
    const fn len(self) -> usize {
        match self {
            Pair::Inserted => (PAIR_MIB << 20) + INSERTED_LEN,
            Pair::Scattered | Pair::Moved => PAIR_MIB << 20,
        }
    }

    /// The modified ROM made from `original` (as `crates/n64-patch/examples/bps_size.rs` makes
    /// it, but with the edits kept out of the header and boot code).
    fn modified(self, original: &[u8]) -> Vec<u8> {
        match self {
            Pair::Scattered => {
                let mut modified = original.to_vec();
                scatter_edits(&mut modified, &mut Rng(42), 1000, BODY..original.len());
                modified
            }
            Pair::Inserted => {
                let at = original.len() / 8 * 3;
                let mut modified = original[..at].to_vec();
                modified.extend_from_slice(&Rng(43).bytes(INSERTED_LEN));
                modified.extend_from_slice(&original[at..]);
                modified
            }
            Pair::Moved => {
                let (from, to) = (original.len() / 8, original.len() / 8 * 6);
                let mut modified = original[..from].to_vec();
                modified.extend_from_slice(&original[from + MOVED_LEN..to + MOVED_LEN]);
                modified.extend_from_slice(&original[from..from + MOVED_LEN]);
                modified.extend_from_slice(&original[to + MOVED_LEN..]);
                modified
            }
        }
    }
}

/// The files of the patching rows, in `patch/` under the data directory.
#[derive(Debug)]
pub(super) struct Files {
    pub(super) dir: PathBuf,
    stamp: PathBuf,
    /// The 64 MiB ROM, z64.
    pub(super) rom: PathBuf,
    /// The same ROM stored v64.
    pub(super) rom_v64: PathBuf,
    /// The patch's target: the ROM with the edits, check code stale.
    modified: PathBuf,
    /// The BPS patch from `rom` to `modified`, made by `n64-fix make-patch` every run.
    pub(super) bps: PathBuf,
    /// The timed `patch` runs' outputs (deleted after each run).
    pub(super) out: PathBuf,
    pub(super) out_v64: PathBuf,
    /// The original of the three pairs.
    pub(super) original: PathBuf,
    /// The timed `make-patch` and `xdelta3` runs' outputs (deleted after each run).
    pub(super) made_bps: PathBuf,
    pub(super) made_vcdiff: PathBuf,
    /// Scratch output of the checks.
    check: PathBuf,
}

impl Files {
    /// The files in `dir`.
    pub(super) fn new(dir: PathBuf) -> Files {
        Files {
            stamp: dir.join("STAMP"),
            rom: dir.join(format!("rom-{BIG_MIB}mib.z64")),
            rom_v64: dir.join(format!("rom-{BIG_MIB}mib.v64")),
            modified: dir.join(format!("modified-{BIG_MIB}mib.z64")),
            bps: dir.join("edits.bps"),
            out: dir.join("out.z64"),
            out_v64: dir.join("out.v64"),
            original: dir.join("pair-original.z64"),
            made_bps: dir.join("made.bps"),
            made_vcdiff: dir.join("made.vcdiff"),
            check: dir.join("check.out"),
            dir,
        }
    }

    /// The modified ROM of `pair`.
    pub(super) fn modified(&self, pair: Pair) -> PathBuf {
        self.dir.join(format!("pair-{}.z64", pair.stem()))
    }

    /// The outputs of commands, which must not exist when a command runs.
    fn outputs(&self) -> [&Path; 5] {
        [&self.out, &self.out_v64, &self.made_bps, &self.made_vcdiff, &self.check]
    }
}

/// XORs `count` runs of 1 to 16 bytes with 0x5A, at offsets from `within` drawn from `rng`.
fn scatter_edits(bytes: &mut [u8], rng: &mut Rng, count: usize, within: Range<usize>) {
    let span = (within.len() - 16) as u64;
    for _ in 0..count {
        let at = within.start + usize::try_from(rng.below(span)).unwrap_or(0);
        let n = usize::try_from(rng.below(16)).unwrap_or(0) + 1;
        bytes[at..at + n].iter_mut().for_each(|b| *b ^= 0x5A);
    }
}

/// The 64 MiB ROM's modified copy: 200 edits below the end of what the check code covers and 20
/// above it; its check code is left as it was (stale).
fn modified_rom(rom: &[u8]) -> Vec<u8> {
    let mut modified = rom.to_vec();
    let mut rng = Rng(0x0B5E_0011);
    scatter_edits(&mut modified, &mut rng, 200, BODY..CHECKED_END);
    scatter_edits(&mut modified, &mut rng, 20, CHECKED_END..rom.len());
    modified
}

/// What `n64-fix patch` must write for `modified`: its bytes with the 6102 check code
/// `ipl3checksum` computes.
fn with_check_code(modified: &[u8]) -> Vec<u8> {
    let mut expected = modified.to_vec();
    expected[CHECK_CODE].copy_from_slice(&n64_testkit::oracle_check_code(modified, Cic::C6102).to_be_bytes());
    expected
}

/// The text of the stamp file.
fn stamp_text() -> String {
    format!("{STAMP_VERSION} rom_mib={BIG_MIB} pair_mib={PAIR_MIB}\n")
}

/// Whether the directory holds what [`prepare_data`] would generate.
fn data_is_current(files: &Files) -> bool {
    let size_is = |path: &Path, len: usize| fs::metadata(path).is_ok_and(|m| m.len() == len as u64);
    let big = BIG_MIB << 20;
    fs::read_to_string(&files.stamp).is_ok_and(|s| s == stamp_text())
        && [&files.rom, &files.rom_v64, &files.modified].iter().all(|p| size_is(p, big))
        && size_is(&files.original, PAIR_MIB << 20)
        && Pair::ALL.iter().all(|&pair| size_is(&files.modified(pair), pair.len()))
}

/// Writes `bytes` to `path`.
fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Generates the patching rows' ROMs, unless the directory already holds them.
pub(super) fn prepare_data(files: &Files) -> Result<()> {
    if data_is_current(files) {
        eprintln!("bench: reusing the patching data in {}", files.dir.display());
        return Ok(());
    }
    let started = Instant::now();
    eprintln!(
        "bench: generating a {BIG_MIB} MiB ROM (z64, v64, modified) and three pairs of {PAIR_MIB} MiB ROMs in {}",
        files.dir.display()
    );
    super::data::remove_dir(&files.dir)?;
    fs::create_dir_all(&files.dir).with_context(|| format!("creating {}", files.dir.display()))?;
    let mut rom = make_rom(BIG_MIB << 20, ROM_INDEX);
    write(&files.rom, &rom)?;
    write(&files.modified, &modified_rom(&rom))?;
    swap_halves(&mut rom);
    write(&files.rom_v64, &rom)?;
    drop(rom);
    let original = make_rom(PAIR_MIB << 20, PAIR_INDEX);
    write(&files.original, &original)?;
    for pair in Pair::ALL {
        write(&files.modified(pair), &pair.modified(&original))?;
    }
    write(&files.stamp, stamp_text().as_bytes())?;
    eprintln!("bench: generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs `program` with `args`, stdout discarded: an error unless it exits 0.
fn run(program: &Path, args: &[&OsStr]) -> Result<()> {
    let shown = || {
        let args: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
        format!("{} {}", program.display(), args.join(" "))
    };
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running {}", shown()))?;
    ensure!(output.status.success(), "`{}` exited with {}: {}", shown(), output.status, last_line(&output.stderr));
    Ok(())
}

/// Where `found` differs from `expected` outside `ignored` (a byte range), if it does.
pub(super) fn difference(found: &[u8], expected: &[u8], ignored: Range<usize>) -> Option<String> {
    if found.len() != expected.len() {
        return Some(format!("{:#x} bytes, expected {:#x}", found.len(), expected.len()));
    }
    let ignored = ignored.start.min(found.len())..ignored.end.min(found.len());
    let differs_at = |range: Range<usize>| -> Option<usize> {
        // Slice comparison first (a memcmp, quick even in the unoptimised xtask); the byte
        // loop only finds where.
        if found[range.clone()] == expected[range.clone()] {
            return None;
        }
        found[range.clone()].iter().zip(&expected[range.clone()]).position(|(a, b)| a != b).map(|i| range.start + i)
    };
    let at = differs_at(0..ignored.start).or_else(|| differs_at(ignored.end..found.len()))?;
    Some(format!("byte {at:#x} is {:#04x}, expected {:#04x}", found[at], expected[at]))
}

/// Reads the output of a check, compares it with `expected` outside `ignored`, and deletes it.
fn check_output(path: &Path, expected: &[u8], ignored: Range<usize>, what: &str) -> Result<()> {
    let found = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
    if let Some(why) = difference(&found, expected, ignored) {
        bail!("{what} is not the expected output: {why}");
    }
    Ok(())
}

/// Removes `path` if it exists.
fn remove(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("removing {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Before any timing: makes the 64 MiB ROM's BPS patch with `n64-fix make-patch`, and checks
/// every patching command once (see the module docs). An error (the bench fails) when a command
/// fails or writes something else than expected; the rows of a missing `n64-fix` or `xdelta3`
/// are skipped instead (nothing to check).
pub(super) fn prepare(files: &Files, release: &Path) -> Result<()> {
    for path in files.outputs() {
        remove(path)?;
    }
    let n64_fix = release.join("n64-fix");
    if !n64_fix.is_file() {
        return Ok(());
    }
    let os = OsStr::new;
    let (rom, rom_v64, bps, check) =
        (files.rom.as_os_str(), files.rom_v64.as_os_str(), files.bps.as_os_str(), files.check.as_os_str());
    run(&n64_fix, &[os("make-patch"), os("--force"), rom, files.modified.as_os_str(), os("-o"), bps])?;
    let modified = fs::read(&files.modified).with_context(|| format!("reading {}", files.modified.display()))?;
    let mut expected = with_check_code(&modified);
    drop(modified);
    run(&n64_fix, &[os("patch"), rom, bps, os("-o"), check])?;
    check_output(&files.check, &expected, 0..0, "n64-fix patch of the z64 ROM")?;
    run(&n64_fix, &[os("patch"), rom_v64, bps, os("-o"), check])?;
    swap_halves(&mut expected);
    check_output(&files.check, &expected, 0..0, "n64-fix patch of the v64 ROM")?;
    drop(expected);
    eprintln!("bench: n64-fix patch writes the expected {BIG_MIB} MiB ROM, check code fixed, from z64 and from v64");

    let xdelta3 = n64_testkit::tools::find(&["xdelta3"]);
    let original = fs::read(&files.original).with_context(|| format!("reading {}", files.original.display()))?;
    let (orig, made_bps, made_vcdiff) =
        (files.original.as_os_str(), files.made_bps.as_os_str(), files.made_vcdiff.as_os_str());
    for pair in Pair::ALL {
        let modified_path = files.modified(pair);
        let modified = modified_path.as_os_str();
        let expected = pair.modified(&original);
        run(&n64_fix, &[os("make-patch"), orig, modified, os("-o"), made_bps])?;
        run(&n64_fix, &[os("patch"), orig, made_bps, os("-o"), check])?;
        let what = format!("n64-fix patch with the make-patch patch of the pair with {}", pair.name());
        check_output(&files.check, &expected, CHECK_CODE, &what)?;
        remove(&files.made_bps)?;
        if let Some(xdelta3) = &xdelta3 {
            run(xdelta3, &[os("-e"), os("-9"), os("-S"), os("none"), os("-s"), orig, modified, made_vcdiff])?;
            run(xdelta3, &[os("-d"), os("-s"), orig, made_vcdiff, check])?;
            let what = format!("xdelta3 -d of the xdelta3 patch of the pair with {}", pair.name());
            check_output(&files.check, &expected, 0..0, &what)?;
            remove(&files.made_vcdiff)?;
        }
    }
    let decoded = if xdelta3.is_some() { "; xdelta3's decode to them" } else { "" };
    eprintln!("bench: the make-patch patches of the {PAIR_MIB} MiB pairs apply to their modified ROMs{decoded}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_stay_in_their_range_and_are_deterministic() {
        let original = vec![0u8; 0x4000];
        let mut edited = original.clone();
        scatter_edits(&mut edited, &mut Rng(1), 50, 0x1000..0x3000);
        let changed: Vec<usize> = (0..edited.len()).filter(|&i| edited[i] != original[i]).collect();
        assert!(!changed.is_empty());
        assert!(changed.iter().all(|i| (0x1000..0x3000).contains(i)), "{changed:x?}");
        let mut again = original.clone();
        scatter_edits(&mut again, &mut Rng(1), 50, 0x1000..0x3000);
        assert_eq!(again, edited);
    }

    #[test]
    fn the_pairs_are_what_their_names_say() {
        let original: Vec<u8> = Rng(5).bytes(PAIR_MIB << 20);
        for pair in Pair::ALL {
            let modified = pair.modified(&original);
            assert_eq!(modified.len(), pair.len(), "{pair:?}");
            assert_eq!(modified[..BODY], original[..BODY], "{pair:?}: header and boot code kept");
            assert_ne!(modified, original, "{pair:?}");
        }
        let inserted = Pair::Inserted.modified(&original);
        let at = (PAIR_MIB << 20) / 8 * 3;
        assert_eq!(inserted[at + INSERTED_LEN..], original[at..]);
        let moved = Pair::Moved.modified(&original);
        let (from, to) = ((PAIR_MIB << 20) / 8, (PAIR_MIB << 20) / 8 * 6);
        assert_eq!(moved[to..to + MOVED_LEN], original[from..from + MOVED_LEN]);
        assert_eq!(moved[from..to], original[from + MOVED_LEN..to + MOVED_LEN]);
        assert_eq!(moved[to + MOVED_LEN..], original[to + MOVED_LEN..]);
    }

    #[test]
    fn the_modified_rom_has_a_stale_check_code_that_patch_must_fix() {
        let rom = make_rom(2 << 20, 3);
        let modified = modified_rom(&rom);
        assert_eq!(modified[..BODY], rom[..BODY]);
        let expected = with_check_code(&modified);
        assert_ne!(expected[CHECK_CODE], modified[CHECK_CODE], "the edits change the check code");
        assert_eq!(difference(&expected, &modified, CHECK_CODE), None);
    }

    #[test]
    fn differences_are_found_outside_the_ignored_range() {
        let a = vec![1u8; 64];
        let mut b = a.clone();
        assert_eq!(difference(&a, &b, 0..0), None);
        b[0x12] = 7;
        assert_eq!(difference(&a, &b, CHECK_CODE), None);
        assert_eq!(difference(&a, &b, 0..0).as_deref(), Some("byte 0x12 is 0x01, expected 0x07"));
        b[0x30] = 9;
        assert_eq!(difference(&a, &b, CHECK_CODE).as_deref(), Some("byte 0x30 is 0x01, expected 0x09"));
        assert_eq!(difference(&a[..8], &b, CHECK_CODE).as_deref(), Some("0x8 bytes, expected 0x40"));
    }
}
