//! `n64-fix patch` and `n64-fix make-patch` end to end, against tools that are not ours: patches
//! made by Debian's xdelta3, python-bps-continued's `bps-diff` and ips-util's `ips_util` (and
//! UPS, APS, BPS and IPS patches written here from the published layouts, with no code of
//! n64-patch) applied to ROMs stored in each byte order; the patches `make-patch` writes applied
//! by `bps-apply` and `ips_util`; refusals that leave the directory as it was; malformed patches.
//! Expected outputs are the modified ROMs the test made, with the check code `ipl3checksum`
//! computes.

use std::path::Path;

use n64_testkit::cic::crc32_reference;
use n64_testkit::run::{Output, Scene};
use n64_testkit::tools::{oracle, run_in, xdelta3};
use n64_testkit::{Body, Boot, Cic, Order, Rng, RomBuilder, Stored, oracle_check_code};
use serde_json::{Value, json};

use crate::support::{code, n64_fix_binary, run, tree, unchanged};

/// ROMs are a little over the checked range (0x1000..0x101000), so edits inside it change the
/// check code and bytes past it exist too.
const LEN: usize = 0x10_2000;

// ---------------------------------------------------------------------------------------------
// ROMs and what is expected of them

/// A big-endian ROM with the synthetic boot code of `cic` and a valid check code.
fn original(cic: Cic, seed: u64) -> Vec<u8> {
    RomBuilder::new(LEN).boot(Boot::Synthetic(cic)).seed(seed).stored(Stored::Valid).build()
}

/// Where the modified ROM's extra block goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// Inserted at 0x80000 (everything after it moves).
    Inserted,
    /// Appended (the ROM grows).
    Appended,
}

/// `rom` with 64 scattered byte edits inside 0x1000..0x101000 (so the check code changes) and a
/// 0x800-byte block inserted or appended. The check code field is left as it was: stale.
fn modified(rom: &[u8], seed: u64, block: Block) -> Vec<u8> {
    let mut rom = rom.to_vec();
    let mut rng = Rng(seed ^ 0x4841_434B);
    for _ in 0..64 {
        let at = 0x1000 + usize::try_from(rng.below(0x10_0000)).unwrap();
        rom[at] = rom[at].wrapping_add(1 + u8::try_from(rng.below(255)).unwrap());
    }
    let bytes: Vec<u8> = b"N64-TOOLS PATCH TEST BLOCK. ".iter().copied().cycle().take(0x800).collect();
    match block {
        Block::Inserted => drop(rom.splice(0x8_0000..0x8_0000, bytes)),
        Block::Appended => rom.extend_from_slice(&bytes),
    }
    rom
}

/// `be` with the check code ipl3checksum computes for `cic`.
fn with_code(be: &[u8], cic: Cic) -> Vec<u8> {
    let mut be = be.to_vec();
    let code = oracle_check_code(&be, cic).to_be_bytes();
    be[0x10..0x18].copy_from_slice(&code);
    be
}

/// Whether two images are equal; when not, where they first differ (for assertion messages).
fn same(a: &[u8], b: &[u8]) -> Result<(), String> {
    if a == b {
        return Ok(());
    }
    let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    Err(format!("{:#x} vs {:#x} bytes, first difference at {at:#x}", a.len(), b.len()))
}

// ---------------------------------------------------------------------------------------------
// Patches written from the published layouts (no code of n64-patch)

/// byuu's variable-length number (BPS, UPS): 7 bits a byte, the last byte marked by bit 7, one
/// subtracted after each byte but the last.
fn varint(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let x = u8::try_from(n & 0x7f).unwrap();
        n >>= 7;
        if n == 0 {
            out.push(0x80 | x);
            break;
        }
        out.push(x);
        n -= 1;
    }
}

fn varint_usize(n: usize, out: &mut Vec<u8>) {
    varint(n as u64, out);
}

/// Appends the CRC32 (little-endian) of what `patch` holds so far.
fn push_own_crc(patch: &mut Vec<u8>) {
    let crc = crc32_reference(patch);
    patch.extend_from_slice(&crc.to_le_bytes());
}

/// UPS: `UPS1`, input size, output size, hunks of (skip, xor bytes, 0x00), then the CRC32s of
/// input, output and patch. Bytes past the end of the shorter file count as zeros.
fn ups(input: &[u8], output: &[u8]) -> Vec<u8> {
    let mut patch = b"UPS1".to_vec();
    varint_usize(input.len(), &mut patch);
    varint_usize(output.len(), &mut patch);
    let byte = |data: &[u8], i: usize| data.get(i).copied().unwrap_or(0);
    let len = input.len().max(output.len());
    let (mut i, mut last) = (0, 0);
    while i < len {
        if byte(input, i) == byte(output, i) {
            i += 1;
            continue;
        }
        varint_usize(i - last, &mut patch);
        while i < len {
            let x = byte(input, i) ^ byte(output, i);
            i += 1;
            if x == 0 {
                break;
            }
            patch.push(x);
        }
        // The terminator stands for one unchanged byte (or one past the end).
        patch.push(0);
        last = i;
    }
    patch.extend_from_slice(&crc32_reference(input).to_le_bytes());
    patch.extend_from_slice(&crc32_reference(output).to_le_bytes());
    push_own_crc(&mut patch);
    patch
}

/// BPS with SourceRead and TargetRead actions only: `BPS1`, sizes, no metadata, the actions,
/// then the CRC32s of source, target and patch.
fn bps(source: &[u8], target: &[u8]) -> Vec<u8> {
    let mut patch = b"BPS1".to_vec();
    varint_usize(source.len(), &mut patch);
    varint_usize(target.len(), &mut patch);
    varint(0, &mut patch);
    let same = |i: usize| source.get(i) == Some(&target[i]);
    let mut i = 0;
    while i < target.len() {
        let start = i;
        let kept = same(i);
        while i < target.len() && same(i) == kept {
            i += 1;
        }
        varint_usize(((i - start - 1) << 2) | usize::from(!kept), &mut patch);
        if !kept {
            patch.extend_from_slice(&target[start..i]);
        }
    }
    bps_footer(&mut patch, source, target);
    patch
}

fn bps_footer(patch: &mut Vec<u8>, source: &[u8], target: &[u8]) {
    patch.extend_from_slice(&crc32_reference(source).to_le_bytes());
    patch.extend_from_slice(&crc32_reference(target).to_le_bytes());
    push_own_crc(patch);
}

/// IPS: `PATCH`, records of (offset u24 BE, size u16 BE, bytes), `EOF`. The test data keeps every
/// change below 16 MiB and away from the offset that reads as `EOF`.
fn ips(source: &[u8], target: &[u8]) -> Vec<u8> {
    let mut patch = b"PATCH".to_vec();
    let differs = |i: usize| source.get(i) != Some(&target[i]);
    let mut i = 0;
    while i < target.len() {
        if !differs(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < target.len() && differs(i) && i - start < 0xFFFF {
            i += 1;
        }
        assert!(i < 0x100_0000 && start != 0x45_4F46, "test data an IPS cannot hold");
        patch.extend_from_slice(&u32::try_from(start).unwrap().to_be_bytes()[1..]);
        patch.extend_from_slice(&u16::try_from(i - start).unwrap().to_be_bytes());
        patch.extend_from_slice(&target[start..i]);
    }
    patch.extend_from_slice(b"EOF");
    patch
}

/// The fields of an N64 APS header.
#[derive(Debug, Clone, Copy)]
struct ApsN64 {
    /// The image-format flag: 0 = Doctor V64 (byte-swapped), 1 = any other (z64).
    flag: u8,
    cart_id: [u8; 2],
    country: u8,
    /// CRC1 and CRC2 of the source, big-endian whatever the flag.
    check_code: [u8; 8],
}

impl ApsN64 {
    /// The header fields of a big-endian source ROM.
    fn of(source_be: &[u8], flag: u8) -> ApsN64 {
        ApsN64 {
            flag,
            cart_id: [source_be[0x3C], source_be[0x3D]],
            country: source_be[0x3E],
            check_code: source_be[0x10..0x18].try_into().unwrap(),
        }
    }
}

/// APS (N64): the 78-byte header (`APS10`, type 1, encoding 0, a 50-byte description, flag,
/// cart id, country, check code, 5 pad bytes, output size u32 LE), then records (offset u32 LE,
/// length u8, bytes; length 0: an RLE record of a byte and a count). `source` and `target` are
/// in the order the flag says.
fn aps(header: &ApsN64, source: &[u8], target: &[u8]) -> Vec<u8> {
    let mut patch = b"APS10".to_vec();
    patch.extend_from_slice(&[1, 0]);
    let mut description = [b' '; 50];
    description[..20].copy_from_slice(b"n64-tools test patch");
    patch.extend_from_slice(&description);
    patch.push(header.flag);
    patch.extend_from_slice(&header.cart_id);
    patch.push(header.country);
    patch.extend_from_slice(&header.check_code);
    patch.extend_from_slice(&[0; 5]);
    patch.extend_from_slice(&u32::try_from(target.len()).unwrap().to_le_bytes());
    assert_eq!(patch.len(), 78);
    let differs = |i: usize| source.get(i) != Some(&target[i]);
    let mut i = 0;
    while i < target.len() {
        if !differs(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < target.len() && differs(i) && i - start < 0xFF {
            i += 1;
        }
        let run = &target[start..i];
        patch.extend_from_slice(&u32::try_from(start).unwrap().to_le_bytes());
        let len = u8::try_from(run.len()).unwrap();
        if run.len() >= 4 && run.iter().all(|&b| b == run[0]) {
            patch.extend_from_slice(&[0, run[0], len]);
        } else {
            patch.push(len);
            patch.extend_from_slice(run);
        }
    }
    patch
}

// ---------------------------------------------------------------------------------------------
// The independent tools (each in a scratch directory of its own)

/// `xdelta3 -e -f ARGS -s SOURCE TARGET OUT`; `None` when xdelta3 is missing (outside CI).
fn xdelta3_encode(source: &[u8], target: &[u8], args: &[&str]) -> Option<Vec<u8>> {
    let tool = xdelta3()?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("source.z64"), source).unwrap();
    std::fs::write(dir.path().join("target.z64"), target).unwrap();
    let mut all = vec!["-e", "-f"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-s", "source.z64", "target.z64", "patch.xdelta"]);
    run_in(dir.path(), &tool, &all);
    Some(std::fs::read(dir.path().join("patch.xdelta")).unwrap())
}

/// python-bps-continued's `bps-diff SOURCE TARGET` (the patch on its stdout).
fn bps_diff(source: &[u8], target: &[u8]) -> Option<Vec<u8>> {
    let (Some(diff), Some(python)) = (oracle("bps-diff"), oracle("python")) else { return None };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("src"), source).unwrap();
    std::fs::write(dir.path().join("tgt"), target).unwrap();
    // The patch is binary: let the venv's Python redirect it to a file.
    let script = "import subprocess, sys\nsubprocess.run([sys.argv[1], 'src', 'tgt'], stdout=open('out.bps', 'wb'), stderr=subprocess.DEVNULL, check=True)";
    run_in(dir.path(), &python, &["-c", script, diff.to_str().unwrap()]);
    Some(std::fs::read(dir.path().join("out.bps")).unwrap())
}

/// python-bps-continued's `bps-apply SOURCE OUT PATCH`.
fn bps_apply(source: &[u8], patch: &[u8]) -> Option<Vec<u8>> {
    let tool = oracle("bps-apply")?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("src"), source).unwrap();
    std::fs::write(dir.path().join("patch.bps"), patch).unwrap();
    run_in(dir.path(), &tool, &["src", "out", "patch.bps"]);
    Some(std::fs::read(dir.path().join("out")).unwrap())
}

/// ips-util's `ips_util create SOURCE TARGET -o OUT`.
fn ips_util_create(source: &[u8], target: &[u8]) -> Option<Vec<u8>> {
    let tool = oracle("ips_util")?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("source.bin"), source).unwrap();
    std::fs::write(dir.path().join("target.bin"), target).unwrap();
    run_in(dir.path(), &tool, &["create", "source.bin", "target.bin", "-o", "made.ips"]);
    Some(std::fs::read(dir.path().join("made.ips")).unwrap())
}

/// ips-util's `ips_util apply PATCH SOURCE -o OUT`.
fn ips_util_apply(source: &[u8], patch: &[u8]) -> Option<Vec<u8>> {
    let tool = oracle("ips_util")?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.bin"), source).unwrap();
    std::fs::write(dir.path().join("patch.ips"), patch).unwrap();
    run_in(dir.path(), &tool, &["apply", "patch.ips", "in.bin", "-o", "out.bin"]);
    Some(std::fs::read(dir.path().join("out.bin")).unwrap())
}

// ---------------------------------------------------------------------------------------------
// Running `n64-fix patch`

/// A directory holding `files`.
fn scene(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// The one JSON record of a run.
fn record(out: &Output) -> Value {
    let lines = out.json_lines();
    assert_eq!(lines.len(), 1, "{}", out.transcript());
    lines.into_iter().next().unwrap()
}

/// The values of `keys` in `record`, as an array to compare with `json!([...])`.
fn fields(record: &Value, keys: &[&str]) -> Value {
    keys.iter().map(|key| record[key].clone()).collect()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    tree(dir).iter().map(|p| p.to_string_lossy().into_owned()).collect()
}

/// Asserts a refusal: exit 2, one stderr line that contains each of `words`.
fn assert_refused(out: &Output, words: &[&str]) {
    assert_eq!(code(out), 2, "{}", out.transcript());
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {}", out.transcript());
    for word in words {
        assert!(lines[0].contains(word), "{word:?} missing: {}", lines[0]);
    }
}

/// Applies `patch` (saved as `Hack v1.EXT`) to `original` stored in each byte order (as `Game
/// (USA).ORDER`) and checks the result: exit 0, the output `Game (USA) (Hack v1).ORDER` beside
/// the ROM and nothing else new, `target` with the check code of `cic`, the ROM unchanged.
/// Returns the JSON record of each run.
fn applies_in_every_order(original: &[u8], target: &[u8], cic: Cic, patch: &[u8], ext: &str) -> Vec<Value> {
    let expected = with_code(target, cic);
    let patch_name = format!("Hack v1.{ext}");
    let mut records = Vec::new();
    for order in Order::ALL {
        let rom_name = format!("Game (USA).{}", order.name());
        let stored = order.store(original);
        let dir = scene(&[(&rom_name, &stored), (&patch_name, patch)]);
        let rom = dir.path().join(&rom_name);
        let out = run(&["patch", "--json"], &[&rom, &dir.path().join(&patch_name)]);
        assert_eq!(code(&out), 0, "{order:?}: {}", out.transcript());
        let output_name = format!("Game (USA) (Hack v1).{}", order.name());
        let mut want = vec![rom_name.clone(), patch_name.clone(), output_name.clone()];
        want.sort();
        assert_eq!(names(dir.path()), want, "{order:?}");
        let written = order.load(&std::fs::read(dir.path().join(&output_name)).unwrap());
        assert_eq!(written[0x10..0x18], expected[0x10..0x18], "{order:?}: the check code is ipl3checksum's");
        same(&written, &expected).unwrap_or_else(|e| panic!("{order:?}: {e}"));
        assert!(std::fs::read(&rom).unwrap() == stored, "{order:?}: the ROM changed");
        let record = record(&out);
        assert_eq!(record["output"], dir.path().join(&output_name).to_str().unwrap(), "{order:?}");
        assert_eq!(record["input_order"], order.name());
        assert_eq!(record["output_order"], order.name());
        assert_eq!(record["check_code"]["action"], "fixed", "{order:?}");
        assert_eq!(record["check_code"]["cic"], cic.name(), "{order:?}");
        records.push(record);
    }
    records
}

// ---------------------------------------------------------------------------------------------
// 1. Patches made by the independent tools, applied to ROMs in every byte order

#[test]
fn xdelta3_patches_apply_to_roms_in_every_byte_order() {
    for (cic, seed) in [(Cic::C6102, 1), (Cic::C6105, 2)] {
        let rom = original(cic, seed);
        let target = modified(&rom, seed, Block::Inserted);
        let Some(patch) = xdelta3_encode(&rom, &target, &[]) else { return };
        for record in applies_in_every_order(&rom, &target, cic, &patch, "xdelta") {
            let applied = &record["patches"][0];
            assert_eq!(applied["format"], "vcdiff");
            assert_eq!(fields(applied, &["order", "order_from"]), json!(["z64", "convention"]));
            assert_eq!(applied["target_check"], "adler32");
        }
    }
}

#[test]
fn bps_diff_patches_apply_to_roms_in_every_byte_order() {
    let rom = original(Cic::C6102, 3);
    let target = modified(&rom, 3, Block::Inserted);
    let Some(patch) = bps_diff(&rom, &target) else { return };
    for record in applies_in_every_order(&rom, &target, Cic::C6102, &patch, "bps") {
        let applied = &record["patches"][0];
        assert_eq!(applied["format"], "bps");
        assert_eq!(fields(applied, &["order", "order_from"]), json!(["z64", "source crc32"]));
        assert_eq!(fields(applied, &["source_check", "target_check"]), json!(["crc32", "crc32"]));
    }
}

#[test]
fn ips_util_patches_apply_to_roms_in_every_byte_order() {
    for (cic, seed) in [(Cic::C6102, 4), (Cic::C6103, 5)] {
        let rom = original(cic, seed);
        let target = modified(&rom, seed, Block::Appended);
        let Some(patch) = ips_util_create(&rom, &target) else { return };
        for record in applies_in_every_order(&rom, &target, cic, &patch, "ips") {
            let applied = &record["patches"][0];
            assert_eq!(applied["format"], "ips");
            assert_eq!(fields(applied, &["order", "source_check"]), json!(["z64", "not_recorded"]));
        }
    }
}

#[test]
fn bps_diff_patches_made_against_v64_and_n64_roms_are_applied_in_that_order() {
    let rom = original(Cic::C6102, 6);
    let target = modified(&rom, 6, Block::Inserted);
    for order in [Order::V64, Order::N64] {
        let Some(patch) = bps_diff(&order.store(&rom), &order.store(&target)) else { return };
        let dir = scene(&[("game.z64", &rom), ("hack.bps", &patch)]);
        let out = run(&["patch", "--json"], &[dir.path().join("game.z64"), dir.path().join("hack.bps")]);
        assert_eq!(code(&out), 0, "{order:?}: {}", out.transcript());
        let record = record(&out);
        assert_eq!(record["patches"][0]["order"], order.name());
        assert_eq!(record["patches"][0]["order_from"], "source crc32");
        assert_eq!(record["output_order"], "z64", "the ROM's order, not the patch's");
        let written = std::fs::read(dir.path().join("game (hack).z64")).unwrap();
        same(&written, &with_code(&target, Cic::C6102)).unwrap_or_else(|e| panic!("{order:?}: {e}"));
    }
}

// ---------------------------------------------------------------------------------------------
// 2. UPS and APS written from their layouts

#[test]
fn ups_applies_in_the_order_it_was_made_in_and_backwards_to_its_output() {
    let rom = original(Cic::C6102, 7);
    // A hack whose own check code is right: patched, it is the patch's output byte for byte.
    let target = with_code(&modified(&rom, 7, Block::Appended), Cic::C6102);
    for (made_in, stored_in) in [(Order::Z64, Order::N64), (Order::V64, Order::Z64), (Order::N64, Order::V64)] {
        let patch = ups(&made_in.store(&rom), &made_in.store(&target));
        let rom_name = format!("game.{}", stored_in.name());
        let dir = scene(&[(&rom_name, &stored_in.store(&rom)), ("hack.ups", &patch)]);
        let out = run(&["patch", "--json"], &[dir.path().join(&rom_name), dir.path().join("hack.ups")]);
        assert_eq!(code(&out), 0, "{made_in:?}: {}", out.transcript());
        let applied = &record(&out)["patches"][0];
        assert_eq!(fields(applied, &["format", "order"]), json!(["ups", made_in.name()]));
        assert_eq!(fields(applied, &["reverse", "target_check"]), json!([false, "crc32"]));
        assert_eq!(record(&out)["check_code"]["action"], "ok");
        let patched = dir.path().join(format!("game (hack).{}", stored_in.name()));
        same(&stored_in.load(&std::fs::read(&patched).unwrap()), &target).unwrap();

        // The same patch on its output undoes it.
        let back = dir.path().join("back.z64");
        let out = run(&["patch", "--json", "--to", "z64", "-o"], &[&back, &patched, &dir.path().join("hack.ups")]);
        assert_eq!(code(&out), 0, "{made_in:?}: {}", out.transcript());
        let applied = &record(&out)["patches"][0];
        assert_eq!(fields(applied, &["reverse", "order"]), json!([true, made_in.name()]));
        same(&std::fs::read(&back).unwrap(), &rom).unwrap_or_else(|e| panic!("{made_in:?} backwards: {e}"));
    }
}

#[test]
fn ups_of_another_rom_is_refused() {
    let rom = original(Cic::C6102, 8);
    let other = original(Cic::C6102, 9);
    let patch = ups(&other, &modified(&other, 9, Block::Appended));
    let dir = scene(&[("game.z64", &rom), ("hack.ups", &patch)]);
    let out = unchanged(dir.path(), || run(&["patch"], &[dir.path().join("game.z64"), dir.path().join("hack.ups")]));
    assert_refused(&out, &["hack.ups", "game.z64", "not this patch's source", "nothing written"]);
}

/// A target for APS tests: scattered edits, a run of one byte (an RLE record) and an appended
/// block.
fn aps_target(rom: &[u8], seed: u64) -> Vec<u8> {
    let mut target = modified(rom, seed, Block::Appended);
    target[0x9_0000..0x9_0400].fill(0xFF);
    target
}

#[test]
fn aps_with_the_v64_flag_applies_to_z64_and_v64_roms() {
    let rom = original(Cic::C6102, 10);
    let target = aps_target(&rom, 10);
    let patch = aps(&ApsN64::of(&rom, 0), &Order::V64.store(&rom), &Order::V64.store(&target));
    for order in [Order::Z64, Order::V64] {
        let rom_name = format!("game.{}", order.name());
        let dir = scene(&[(&rom_name, &order.store(&rom)), ("hack.aps", &patch)]);
        let out = run(&["patch", "--json"], &[dir.path().join(&rom_name), dir.path().join("hack.aps")]);
        assert_eq!(code(&out), 0, "{order:?}: {}", out.transcript());
        let applied = &record(&out)["patches"][0];
        assert_eq!(fields(applied, &["format", "order"]), json!(["aps", "v64"]));
        assert_eq!(applied["order_from"], "aps flag");
        assert_eq!(applied["source_check"], "cart id and check code");
        assert_eq!(applied["warnings"], json!([]));
        let written = order.load(&std::fs::read(dir.path().join(format!("game (hack).{}", order.name()))).unwrap());
        same(&written, &with_code(&target, Cic::C6102)).unwrap_or_else(|e| panic!("{order:?}: {e}"));
    }
    // Flag 1: big-endian records, applied to an n64 ROM.
    let patch = aps(&ApsN64::of(&rom, 1), &rom, &target);
    let dir = scene(&[("game.n64", &Order::N64.store(&rom)), ("hack.aps", &patch)]);
    let out = run(&["patch", "--json"], &[dir.path().join("game.n64"), dir.path().join("hack.aps")]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    assert_eq!(record(&out)["patches"][0]["order"], "z64");
    let written = Order::N64.load(&std::fs::read(dir.path().join("game (hack).n64")).unwrap());
    same(&written, &with_code(&target, Cic::C6102)).unwrap();
}

#[test]
fn aps_for_another_cart_is_refused_and_for_another_country_warns() {
    let rom = original(Cic::C6102, 11);
    let target = aps_target(&rom, 11);
    let source = Order::V64.store(&rom);
    let v64_target = Order::V64.store(&target);

    let other_cart = ApsN64 { cart_id: *b"ZZ", ..ApsN64::of(&rom, 0) };
    let dir = scene(&[("game.z64", &rom), ("hack.aps", &aps(&other_cart, &source, &v64_target))]);
    let out = unchanged(dir.path(), || run(&["patch"], &[dir.path().join("game.z64"), dir.path().join("hack.aps")]));
    assert_refused(&out, &["hack.aps", "game.z64", "cart id \"ZZ\"", "nothing written"]);

    assert_ne!(rom[0x3E], b'J');
    let other_country = ApsN64 { country: b'J', ..ApsN64::of(&rom, 0) };
    let dir = scene(&[("game.z64", &rom), ("hack.aps", &aps(&other_country, &source, &v64_target))]);
    let out = run(&["patch", "--json"], &[dir.path().join("game.z64"), dir.path().join("hack.aps")]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let warnings = &record(&out)["patches"][0]["warnings"];
    assert_eq!(warnings.as_array().map(Vec::len), Some(1), "{warnings}");
    assert!(warnings[0].as_str().unwrap().contains("country"), "{warnings}");
    let written = std::fs::read(dir.path().join("game (hack).z64")).unwrap();
    same(&written, &with_code(&target, Cic::C6102)).unwrap();
}

// ---------------------------------------------------------------------------------------------
// 3. Patches we make, applied by the independent tools

#[test]
fn make_patch_bps_applies_with_bps_apply_in_the_order_it_was_made_in() {
    let rom = original(Cic::C6102, 12);
    let target = modified(&rom, 12, Block::Inserted);
    let dir = scene(&[("orig.v64", &Order::V64.store(&rom)), ("mod.n64", &Order::N64.store(&target))]);
    let (orig, modi) = (dir.path().join("orig.v64"), dir.path().join("mod.n64"));
    let out = run(&["make-patch", "--json", "-o"], &[&dir.path().join("hack.bps"), &orig, &modi]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let record = record(&out);
    assert_eq!(fields(&record, &["format", "order"]), json!(["bps", "z64"]));
    assert_eq!(fields(&record, &["original_order", "modified_order"]), json!(["v64", "n64"]));
    assert_eq!(record["source_crc32"], format!("{:08x}", crc32_reference(&rom)));
    assert_eq!(record["target_crc32"], format!("{:08x}", crc32_reference(&target)));
    let patch = std::fs::read(dir.path().join("hack.bps")).unwrap();
    assert_eq!(record["patch_size"], patch.len());
    let Some(applied) = bps_apply(&rom, &patch) else { return };
    same(&applied, &target).unwrap();

    // --order v64: the patch applies to the byte-swapped ROM.
    let out = run(&["make-patch", "--order", "v64", "-o"], &[&dir.path().join("hack-v64.bps"), &orig, &modi]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let patch = std::fs::read(dir.path().join("hack-v64.bps")).unwrap();
    let applied = bps_apply(&Order::V64.store(&rom), &patch).unwrap();
    same(&applied, &Order::V64.store(&target)).unwrap();
}

/// Runs `n64-fix make-patch DIR/ORIGINAL DIR/MODIFIED -o DIR/OUT`.
fn make_patch(dir: &Path, out: &str, original: &str, modified: &str) -> Output {
    run(&["make-patch", "-o"], &[dir.join(out), dir.join(original), dir.join(modified)])
}

#[test]
fn make_patch_ips_applies_with_ips_util() {
    let rom = original(Cic::C6102, 13);
    let target = modified(&rom, 13, Block::Appended);
    let dir = scene(&[("orig.n64", &Order::N64.store(&rom)), ("mod.v64", &Order::V64.store(&target))]);
    let out = make_patch(dir.path(), "hack.ips", "orig.n64", "mod.v64");
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let patch = std::fs::read(dir.path().join("hack.ips")).unwrap();
    let Some(applied) = ips_util_apply(&rom, &patch) else { return };
    same(&applied, &target).unwrap();
}

#[test]
fn make_patch_ips_around_the_eof_offset_applies_with_ips_util() {
    // Changes at 0x454F46 (which reads as "EOF"), alone, in a run across it and with a gap, each
    // with a zeroed run just before: ips_util stops at a record there, so a patch that has one
    // does not give the target.
    let rom = RomBuilder::new(5 << 20).seed(14).build();
    for edits in [&[0x45_4F46][..], &[0x45_4F45, 0x45_4F46, 0x45_4F47], &[0x45_4F46, 0x45_4F48]] {
        let mut target = rom.clone();
        for &at in edits {
            target[at] ^= 0x5A;
        }
        target[0x45_4F40..0x45_4F44].fill(0);
        let dir = scene(&[("orig.z64", &rom), ("mod.z64", &target)]);
        let out = make_patch(dir.path(), "hack.ips", "orig.z64", "mod.z64");
        assert_eq!(code(&out), 0, "{}", out.transcript());
        let patch = std::fs::read(dir.path().join("hack.ips")).unwrap();
        let Some(applied) = ips_util_apply(&rom, &patch) else { return };
        same(&applied, &target).unwrap_or_else(|e| panic!("{edits:x?}: {e}"));
    }
}

#[test]
fn make_patch_ips_refuses_a_change_beyond_16_mib() {
    let rom = RomBuilder::new(0x110_0000).seed(15).build();
    let mut target = rom.clone();
    target[0x100_8000] ^= 1;
    let dir = scene(&[("orig.z64", &rom), ("mod.z64", &target)]);
    let out = unchanged(dir.path(), || make_patch(dir.path(), "hack.ips", "orig.z64", "mod.z64"));
    assert_refused(&out, &["hack.ips", "16 MiB", "bps"]);
    // BPS has no such limit.
    let out = make_patch(dir.path(), "hack.bps", "orig.z64", "mod.z64");
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let patch = std::fs::read(dir.path().join("hack.bps")).unwrap();
    let Some(applied) = bps_apply(&rom, &patch) else { return };
    same(&applied, &target).unwrap();
}

#[test]
fn make_patch_refuses_an_unknown_extension_and_an_existing_output() {
    let rom = original(Cic::C6102, 16);
    let target = modified(&rom, 16, Block::Appended);
    let dir = scene(&[("orig.z64", &rom), ("mod.z64", &target), ("old.bps", b"keep me")]);
    let (orig, modi) = (dir.path().join("orig.z64"), dir.path().join("mod.z64"));
    for name in ["hack.xdelta", "hack", "hack.ups"] {
        let out = unchanged(dir.path(), || run(&["make-patch", "-o"], &[&dir.path().join(name), &orig, &modi]));
        assert_refused(&out, &[name, ".bps or .ips"]);
    }
    let out = unchanged(dir.path(), || run(&["make-patch", "-o"], &[&dir.path().join("old.bps"), &orig, &modi]));
    assert_refused(&out, &["old.bps", "already exists", "--force"]);
    let out = run(&["make-patch", "--force", "-o"], &[&dir.path().join("old.bps"), &orig, &modi]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let patch = std::fs::read(dir.path().join("old.bps")).unwrap();
    let Some(applied) = bps_apply(&rom, &patch) else { return };
    same(&applied, &target).unwrap();
}

// ---------------------------------------------------------------------------------------------
// 4. Refusals, and no data loss

/// A directory with `game.z64` (6102) and `hack.bps` (to its modified form); returns the
/// directory, the ROM and the expected output.
fn bps_scene(seed: u64) -> (tempfile::TempDir, Vec<u8>, Vec<u8>) {
    let rom = original(Cic::C6102, seed);
    let target = modified(&rom, seed, Block::Inserted);
    let dir = scene(&[("game.z64", &rom), ("hack.bps", &bps(&rom, &target))]);
    (dir, rom, with_code(&target, Cic::C6102))
}

#[test]
fn a_rom_that_is_not_the_source_is_refused_and_forced_fails_on_the_target_crc() {
    let (dir, _, _) = bps_scene(20);
    std::fs::write(dir.path().join("other.z64"), original(Cic::C6102, 21)).unwrap();
    let before = names(dir.path());
    let args = [dir.path().join("other.z64"), dir.path().join("hack.bps")];
    let out = unchanged(dir.path(), || run(&["patch"], &args));
    assert_refused(&out, &["hack.bps", "other.z64", "not this patch's source", "--force"]);
    assert_eq!(names(dir.path()), before);
    let out = unchanged(dir.path(), || run(&["patch", "--force"], &args));
    assert_refused(&out, &["hack.bps", "target crc32", "nothing written"]);
    assert_eq!(names(dir.path()), before);
}

#[test]
fn an_existing_output_is_kept_unless_forced() {
    let (dir, _, expected) = bps_scene(22);
    let output = dir.path().join("game (hack).z64");
    std::fs::write(&output, b"someone's file").unwrap();
    let args = [dir.path().join("game.z64"), dir.path().join("hack.bps")];
    let out = unchanged(dir.path(), || run(&["patch"], &args));
    assert_refused(&out, &["game (hack).z64", "already exists", "--force"]);
    let out = run(&["patch", "--force"], &args);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    same(&std::fs::read(&output).unwrap(), &expected).unwrap();
}

#[test]
fn the_rom_itself_is_no_output() {
    let (dir, _, _) = bps_scene(23);
    let rom = dir.path().join("game.z64");
    std::os::unix::fs::symlink(&rom, dir.path().join("link.z64")).unwrap();
    let spellings = [rom.clone(), dir.path().join(".").join("game.z64"), dir.path().join("link.z64")];
    for output in spellings {
        for force in [false, true] {
            let flags: &[&str] = if force { &["patch", "--force", "-o"] } else { &["patch", "-o"] };
            let out = unchanged(dir.path(), || run(flags, &[&output, &rom, &dir.path().join("hack.bps")]));
            assert_refused(&out, &["is the rom itself", "--in-place"]);
        }
    }
}

#[test]
fn an_output_in_a_missing_directory_is_refused_before_anything_is_read() {
    let (dir, _, _) = bps_scene(27);
    let output = dir.path().join("nodir").join("x.z64");
    let out = unchanged(dir.path(), || {
        run(&["patch", "-o"], &[&output, &dir.path().join("game.z64"), &dir.path().join("hack.bps")])
    });
    assert_refused(&out, &["x.z64", "nodir", "does not exist", "nothing written"]);
}

#[test]
fn in_place_refuses_a_result_its_extension_would_misname() {
    let (dir, _, _) = bps_scene(28);
    let out = unchanged(dir.path(), || {
        run(&["patch", "--in-place", "--to", "v64"], &[&dir.path().join("game.z64"), &dir.path().join("hack.bps")])
    });
    assert_refused(&out, &["game.z64", "--in-place", "z64", "v64", "nothing written"]);
}

#[test]
fn in_place_replaces_the_rom_and_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let rom = original(Cic::C6102, 24);
    let target = modified(&rom, 24, Block::Inserted);
    let dir = scene(&[("game.v64", &Order::V64.store(&rom)), ("hack.bps", &bps(&rom, &target))]);
    let path = dir.path().join("game.v64");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(&["patch", "--in-place", "--json"], &[&path, &dir.path().join("hack.bps")]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    assert_eq!(record(&out)["in_place"], true);
    assert_eq!(names(dir.path()), ["game.v64", "hack.bps"], "no output beside it, no temporary file");
    let after = std::fs::read(&path).unwrap();
    same(&Order::V64.load(&after), &with_code(&target, Cic::C6102)).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777, 0o640);
}

#[test]
fn the_output_gets_the_permissions_of_the_rom() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _, _) = bps_scene(25);
    let rom = dir.path().join("game.z64");
    std::fs::set_permissions(&rom, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(&["patch"], &[&rom, &dir.path().join("hack.bps")]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let mode = std::fs::metadata(dir.path().join("game (hack).z64")).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o640);
}

#[test]
fn dry_run_writes_nothing_and_says_what_it_would_write() {
    let (dir, _, _) = bps_scene(26);
    let args = [dir.path().join("game.z64"), dir.path().join("hack.bps")];
    let out = unchanged(dir.path(), || run(&["patch", "--dry-run", "--json"], &args));
    // As every dry run that would write something: exit 1.
    assert_eq!(code(&out), 1, "{}", out.transcript());
    let record = record(&out);
    assert_eq!(record["action"], "would_write");
    assert_eq!(record["output"], dir.path().join("game (hack).z64").to_str().unwrap());
    assert_eq!(record["check_code"]["action"], "fixed");
    let out = unchanged(dir.path(), || run(&["patch", "-n", "--in-place"], &args));
    assert_eq!(code(&out), 1, "{}", out.transcript());
    assert!(out.stdout.contains("would patch in place"), "{}", out.stdout);
}

#[test]
fn to_z64_writes_a_v64_rom_big_endian() {
    let rom = original(Cic::C6102, 27);
    let target = modified(&rom, 27, Block::Inserted);
    let dir = scene(&[("game.v64", &Order::V64.store(&rom)), ("hack.bps", &bps(&rom, &target))]);
    let out = run(&["patch", "--to", "z64", "--json"], &[dir.path().join("game.v64"), dir.path().join("hack.bps")]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let record = record(&out);
    assert_eq!(fields(&record, &["input_order", "output_order"]), json!(["v64", "z64"]));
    same(&std::fs::read(dir.path().join("game (hack).z64")).unwrap(), &with_code(&target, Cic::C6102)).unwrap();
    assert!(!dir.path().join("game (hack).v64").exists());
}

#[test]
fn no_fix_crc_leaves_the_check_code_and_warns() {
    let (dir, rom, expected) = bps_scene(28);
    let out = run(&["patch", "--no-fix-crc", "--json"], &[dir.path().join("game.z64"), dir.path().join("hack.bps")]);
    assert_eq!(code(&out), 1, "{}", out.transcript());
    assert!(out.stderr.contains("warning") && out.stderr.contains("--no-fix-crc"), "{}", out.stderr);
    assert_eq!(record(&out)["check_code"]["action"], "invalid");
    let written = std::fs::read(dir.path().join("game (hack).z64")).unwrap();
    assert_eq!(written[0x10..0x18], rom[0x10..0x18], "the patch's (stale) check code is kept");
    assert_eq!(written[0x18..], expected[0x18..]);
    assert_eq!(written[..0x10], expected[..0x10]);
}

#[test]
fn libdragon_keeps_its_check_code_field() {
    let rom = RomBuilder::new(LEN).boot(Boot::Libdragon).seed(29).build();
    let target = modified(&rom, 29, Block::Inserted);
    let dir = scene(&[("homebrew.z64", &rom), ("hack.bps", &bps(&rom, &target))]);
    let out = run(&["patch", "--json"], &[dir.path().join("homebrew.z64"), dir.path().join("hack.bps")]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    assert_eq!(record(&out)["check_code"]["action"], "not_required");
    same(&std::fs::read(dir.path().join("homebrew (hack).z64")).unwrap(), &target).unwrap();

    // The committed fixture too.
    let fixture = std::fs::read(n64_testkit::paths::testdata().join("libdragon.z64")).unwrap();
    let mut target = fixture.clone();
    let last = target.len() - 1;
    target[0x1000] ^= 0xFF;
    target[last] ^= 0xFF;
    let dir = scene(&[("libdragon.z64", &fixture), ("hack.ips", &ips(&fixture, &target))]);
    let out = run(&["patch", "--json"], &[dir.path().join("libdragon.z64"), dir.path().join("hack.ips")]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    assert_eq!(record(&out)["check_code"]["action"], "not_required");
    same(&std::fs::read(dir.path().join("libdragon (hack).z64")).unwrap(), &target).unwrap();
}

#[test]
fn unknown_boot_code_is_patched_with_its_check_code_left_alone() {
    let rom = RomBuilder::new(LEN).boot(Boot::Unknown).seed(30).build();
    let target = modified(&rom, 30, Block::Inserted);
    let dir = scene(&[("odd.z64", &rom), ("hack.bps", &bps(&rom, &target))]);
    let out = run(&["patch", "--json"], &[dir.path().join("odd.z64"), dir.path().join("hack.bps")]);
    assert_eq!(code(&out), 1, "{}", out.transcript());
    assert_eq!(record(&out)["check_code"]["action"], "left_alone");
    assert!(out.stderr.contains("unknown boot code"), "{}", out.stderr);
    same(&std::fs::read(dir.path().join("odd (hack).z64")).unwrap(), &target).unwrap();
}

#[test]
fn patches_apply_in_the_order_given() {
    let rom = original(Cic::C6102, 31);
    let step1 = modified(&rom, 31, Block::Appended);
    let step2 = modified(&step1, 32, Block::Inserted);
    let dir = scene(&[("game.z64", &rom), ("1 fix.ips", &ips(&rom, &step1)), ("2 hack.bps", &bps(&step1, &step2))]);
    let [rom_path, first, second] = ["game.z64", "1 fix.ips", "2 hack.bps"].map(|n| dir.path().join(n));
    // The other way round, the BPS finds the wrong source.
    let out = unchanged(dir.path(), || run(&["patch"], &[&rom_path, &second, &first]));
    assert_refused(&out, &["2 hack.bps", "not this patch's source"]);
    let out = run(&["patch", "--json"], &[&rom_path, &first, &second]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let record = record(&out);
    let formats: Vec<&Value> = record["patches"].as_array().unwrap().iter().map(|p| &p["format"]).collect();
    assert_eq!(formats, [&Value::from("ips"), &Value::from("bps")]);
    let written = std::fs::read(dir.path().join("game (1 fix) (2 hack).z64")).unwrap();
    same(&written, &with_code(&step2, Cic::C6102)).unwrap();
}

#[test]
fn patch_order_applies_an_ips_made_against_a_v64_rom() {
    let rom = original(Cic::C6102, 33);
    let target = modified(&rom, 33, Block::Appended);
    let patch = ips(&Order::V64.store(&rom), &Order::V64.store(&target));
    let dir = scene(&[("game.z64", &rom), ("hack.ips", &patch)]);
    let args = [dir.path().join("game.z64"), dir.path().join("hack.ips")];
    let out = run(&["patch", "--patch-order", "v64", "--json"], &args);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    assert_eq!(fields(&record(&out)["patches"][0], &["order", "order_from"]), json!(["v64", "given"]));
    same(&std::fs::read(dir.path().join("game (hack).z64")).unwrap(), &with_code(&target, Cic::C6102)).unwrap();
}

#[test]
fn a_result_the_rom_order_cannot_hold_is_refused_unless_written_big_endian() {
    // An IPS that appends two bytes: an n64 (4-byte word) ROM cannot hold the result.
    let rom = original(Cic::C6102, 34);
    let mut target = rom.clone();
    target.extend_from_slice(b"!!");
    let dir = scene(&[("game.n64", &Order::N64.store(&rom)), ("hack.ips", &ips(&rom, &target))]);
    let args = [dir.path().join("game.n64"), dir.path().join("hack.ips")];
    let out = unchanged(dir.path(), || run(&["patch"], &args));
    assert_refused(&out, &["game.n64", "4-byte words", "--to z64", "nothing written"]);
    let out = run(&["patch", "--to", "z64"], &args);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    same(&std::fs::read(dir.path().join("game (hack).z64")).unwrap(), &with_code(&target, Cic::C6102)).unwrap();
}

// ---------------------------------------------------------------------------------------------
// 5. Malformed patches

/// A patch file, or something in its place.
enum Bad {
    Bytes(Vec<u8>),
    Directory,
    Missing,
}

/// Replaces the CRC32 footer of a BPS or UPS patch with the right one for what precedes it.
fn recrc(mut patch: Vec<u8>) -> Vec<u8> {
    patch.truncate(patch.len() - 4);
    push_own_crc(&mut patch);
    patch
}

/// A BPS to `rom`'s modified form whose first action (after `BPS1`, the sizes and empty
/// metadata) is `action`; the footer's CRC32s are right, so only the action is wrong.
fn bps_with_first_action(rom: &[u8], action: &[u8]) -> Vec<u8> {
    let mut patch = b"BPS1".to_vec();
    varint_usize(rom.len(), &mut patch);
    varint_usize(rom.len(), &mut patch);
    varint(0, &mut patch);
    patch.extend_from_slice(action);
    bps_footer(&mut patch, rom, rom);
    patch
}

#[test]
#[allow(clippy::similar_names, reason = "one name per patch format: good_bps, good_ups, ...")]
fn malformed_patches_are_refused_with_one_line_naming_them() {
    let rom = original(Cic::C6102, 40);
    let target = modified(&rom, 40, Block::Inserted);
    let good_bps = bps(&rom, &target);
    let good_ups = ups(&rom, &target);
    let good_ips = ips(&rom, &modified(&rom, 40, Block::Appended));
    let good_aps = aps(&ApsN64::of(&rom, 1), &rom, &target);

    let mut flipped_bps = good_bps.clone();
    flipped_bps[20] ^= 0x01;
    let mut wrong_target_crc = good_bps.clone();
    let at = wrong_target_crc.len() - 8;
    wrong_target_crc[at] ^= 0xFF;
    let wrong_target_crc = recrc(wrong_target_crc);
    let mut source_crc = good_bps.clone();
    let at = source_crc.len() - 12;
    source_crc[at] ^= 0x01;
    let mut flipped_ups = good_ups.clone();
    flipped_ups[40] ^= 0x80;
    let mut ips32_far = b"IPS32".to_vec();
    ips32_far.extend_from_slice(&0x1000_0000u32.to_be_bytes());
    ips32_far.extend_from_slice(&[0, 1, 0x41]);
    ips32_far.extend_from_slice(b"EEOF");
    let mut aps_type = good_aps.clone();
    aps_type[5] = 7;
    let mut aps_flag = good_aps.clone();
    aps_flag[57] = 2;
    let mut random = vec![0; 4000];
    Rng(41).fill(&mut random);
    // SourceCopy of 4 bytes from 5 before the start; TargetCopy of 4 bytes before anything is
    // written.
    let mut source_copy = vec![];
    varint((3 << 2) | 2, &mut source_copy);
    varint((5 << 1) | 1, &mut source_copy);
    let mut target_copy = vec![];
    varint((3 << 2) | 3, &mut target_copy);
    varint(0, &mut target_copy);

    let mut cases: Vec<(&str, Bad, &[&str])> = vec![
        ("empty.bps", Bad::Bytes(vec![]), &["empty file"]),
        ("folder.bps", Bad::Directory, &["is a directory"]),
        ("missing.bps", Bad::Missing, &["no such file"]),
        ("random.bin", Bad::Bytes(random), &["not a patch"]),
        ("cut.bps", Bad::Bytes(good_bps[..good_bps.len() - 1].to_vec()), &["truncated"]),
        ("flipped.bps", Bad::Bytes(flipped_bps), &["patch crc32"]),
        ("target-crc.bps", Bad::Bytes(wrong_target_crc), &["target crc32"]),
        // The patch is damaged, not the ROM: no "not this patch's source, --force applies it".
        ("source-crc.bps", Bad::Bytes(source_crc), &["patch crc32", "corrupt"]),
        ("before-source.bps", Bad::Bytes(bps_with_first_action(&rom, &source_copy)), &["outside the source"]),
        ("before-target.bps", Bad::Bytes(bps_with_first_action(&rom, &target_copy)), &["targetcopy"]),
        ("cut.ips", Bad::Bytes(good_ips[..good_ips.len() - 3].to_vec()), &["truncated"]),
        ("far.ips", Bad::Bytes(ips32_far), &["256 MiB"]),
        ("type.aps", Bad::Bytes(aps_type), &["unknown aps patch type 7"]),
        ("flag.aps", Bad::Bytes(aps_flag), &["image format flag 2"]),
        ("cut.aps", Bad::Bytes(good_aps[..60].to_vec()), &["truncated"]),
        ("flipped.ups", Bad::Bytes(flipped_ups), &["patch crc32"]),
        ("other.ups", Bad::Bytes(ups(&target, &rom[..0x1000])), &["not this patch's source"]),
    ];
    // xdelta3's: DJW secondary compression (on data it compresses), made from another ROM (each
    // window's Adler-32), cut short.
    let blocks = RomBuilder::new(LEN).boot(Boot::Synthetic(Cic::C6102)).body(Body::Blocks).seed(42).build();
    let other = original(Cic::C6102, 43);
    if let (Some(djw), Some(other_source), Some(cut)) = (
        xdelta3_encode(&rom, &modified(&blocks, 42, Block::Inserted), &["-S", "djw"]),
        xdelta3_encode(&other, &modified(&other, 43, Block::Inserted), &["-S", "none"]),
        xdelta3_encode(&rom, &target, &[]),
    ) {
        let cut = cut[..cut.len() / 2].to_vec();
        cases.push(("djw.xdelta", Bad::Bytes(djw), &["unsupported secondary compressor DJW", "-S lzma"]));
        cases.push(("other.xdelta", Bad::Bytes(other_source), &["adler-32 mismatch", "wrong source rom"]));
        cases.push(("cut.xdelta", Bad::Bytes(cut), &["truncated"]));
    }

    for (name, bad, words) in cases {
        let dir = scene(&[("game.z64", &rom)]);
        let path = dir.path().join(name);
        match bad {
            Bad::Bytes(bytes) => std::fs::write(&path, bytes).unwrap(),
            Bad::Directory => std::fs::create_dir(&path).unwrap(),
            Bad::Missing => {}
        }
        let out = unchanged(dir.path(), || run(&["patch"], &[dir.path().join("game.z64"), path.clone()]));
        let mut all = vec![name];
        all.extend_from_slice(words);
        assert_refused(&out, &all);
        let out = unchanged(dir.path(), || run(&["patch", "--json"], &[dir.path().join("game.z64"), path]));
        assert_eq!(code(&out), 2, "{name}: {}", out.transcript());
        assert_eq!(record(&out)["type"], "error", "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. The output, pinned (a fresh copy of the fixtures, relative paths)

/// A scene with the fixtures and, beside them, `fix.ips` and `hack.bps`, to be applied in turn
/// to `roms/6105.v64`.
fn patch_scene() -> Scene {
    let scene = Scene::with_fixtures();
    let rom = Order::V64.load(&std::fs::read(scene.path().join("roms/6105.v64")).unwrap());
    let mut fixed = rom.clone();
    fixed[0x20..0x2C].copy_from_slice(b"PATCHED GAME");
    let hacked = modified(&fixed, 50, Block::Appended);
    std::fs::write(scene.path().join("fix.ips"), ips(&rom, &fixed)).unwrap();
    std::fs::write(scene.path().join("hack.bps"), bps(&fixed, &hacked)).unwrap();
    scene
}

fn transcript(scene: &Scene, args: &[&str]) -> String {
    scene.run(n64_fix_binary(), args).transcript()
}

#[test]
fn snapshot_patch_text() {
    let scene = patch_scene();
    insta::assert_snapshot!(transcript(&scene, &["patch", "roms/6105.v64", "fix.ips", "hack.bps"]));
}

#[test]
fn snapshot_patch_json() {
    let scene = patch_scene();
    insta::assert_snapshot!(transcript(
        &scene,
        &["patch", "--json", "--to", "z64", "-o", "out.z64", "roms/6105.v64", "fix.ips", "hack.bps"]
    ));
}

#[test]
fn snapshot_patch_refusal() {
    let scene = patch_scene();
    insta::assert_snapshot!(transcript(&scene, &["patch", "roms/6103.z64", "hack.bps"]));
}

#[test]
fn snapshot_make_patch() {
    let scene = patch_scene();
    let text = transcript(&scene, &["make-patch", "roms/6105.v64", "roms/6105-bad.n64", "-o", "made.bps"]);
    let json = transcript(&scene, &["make-patch", "--json", "roms/6105.v64", "roms/6105-bad.n64", "-o", "made.ips"]);
    insta::assert_snapshot!(format!("{text}\n--- json\n{json}"));
}
