//! `n64 patch-info`. Every patch is written here byte by byte from its format's published
//! layout (BPS and UPS: byuu's specifications; APS: the N64 header; IPS; VCDIFF: RFC 3284 with
//! xdelta3's Adler-32 and application header), or made by xdelta3; expected CRC32s come from
//! the test kit's bitwise CRC32, never from n64-patch.

use std::ffi::OsStr;
use std::path::Path;

use n64_testkit::{Order, RomBuilder, Stored};
use serde_json::{Value, json};

use crate::support::{Run, n64_binary, unchanged};

/// CRC32 (IEEE) by the test kit's bitwise reference.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    n64_testkit::cic::crc32_reference(bytes)
}

/// Runs `n64 ARGS` in `dir` (relative paths in the output), in a cleared environment.
pub(crate) fn n64_in<S: AsRef<OsStr>>(dir: &Path, args: impl IntoIterator<Item = S>) -> Run {
    let mut command = n64_testkit::run::command(n64_binary());
    command.args(args).current_dir(dir);
    n64_testkit::run::finish(&mut command)
}

/// byuu's number (BPS, UPS): 7 bits a byte, least significant first, the last byte marked with
/// 0x80, and one subtracted after each byte that is not the last.
fn beat_number(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let low = u8::try_from(n & 0x7F).unwrap();
        n >>= 7;
        if n == 0 {
            out.push(0x80 | low);
            return;
        }
        out.push(low);
        n -= 1;
    }
}

/// A BPS patch: `BPS1`, source size, target size, metadata size and bytes, then actions
/// (SourceRead where the target equals the source at the same offset, TargetRead elsewhere),
/// then the CRC32s of source, target and the patch so far, little-endian. Returns it with its
/// number of actions.
pub(crate) fn bps(source: &[u8], target: &[u8], metadata: &[u8]) -> (Vec<u8>, u64) {
    let mut patch = b"BPS1".to_vec();
    for n in [source.len(), target.len(), metadata.len()] {
        beat_number(n as u64, &mut patch);
    }
    patch.extend_from_slice(metadata);
    let same = |i: usize| i < source.len() && source[i] == target[i];
    let (mut at, mut actions) = (0, 0);
    while at < target.len() {
        let kind = same(at);
        let end = (at..target.len()).find(|&i| same(i) != kind).unwrap_or(target.len());
        beat_number(((end - at - 1) as u64) << 2 | u64::from(!kind), &mut patch);
        if !kind {
            patch.extend_from_slice(&target[at..end]);
        }
        actions += 1;
        at = end;
    }
    patch.extend_from_slice(&crc32(source).to_le_bytes());
    patch.extend_from_slice(&crc32(target).to_le_bytes());
    let crc = crc32(&patch);
    patch.extend_from_slice(&crc.to_le_bytes());
    (patch, actions)
}

/// A UPS patch between two files of one size: `UPS1`, the sizes, then hunks (bytes to skip
/// since the last hunk, the XOR bytes, a 0x00 that takes a position of its own), then the
/// CRC32s of input, output and the patch so far. Returns it with its number of hunks.
pub(crate) fn ups(source: &[u8], target: &[u8]) -> (Vec<u8>, u64) {
    assert_eq!(source.len(), target.len());
    let mut patch = b"UPS1".to_vec();
    beat_number(source.len() as u64, &mut patch);
    beat_number(target.len() as u64, &mut patch);
    let (mut at, mut last, mut hunks) = (0, 0, 0);
    while at < source.len() {
        if source[at] == target[at] {
            at += 1;
            continue;
        }
        beat_number((at - last) as u64, &mut patch);
        while at < source.len() && source[at] != target[at] {
            patch.push(source[at] ^ target[at]);
            at += 1;
        }
        patch.push(0);
        at += 1;
        last = at;
        hunks += 1;
    }
    patch.extend_from_slice(&crc32(source).to_le_bytes());
    patch.extend_from_slice(&crc32(target).to_le_bytes());
    let crc = crc32(&patch);
    patch.extend_from_slice(&crc.to_le_bytes());
    (patch, hunks)
}

/// The source identity of an N64 APS header.
#[derive(Clone, Copy)]
pub(crate) struct ApsN64 {
    /// The image-format flag: 0 Doctor V64 (byte-swapped), 1 anything else.
    pub(crate) flag: u8,
    pub(crate) cart_id: [u8; 2],
    pub(crate) country: u8,
    pub(crate) check_code: [u8; 8],
}

impl ApsN64 {
    /// The identity of a big-endian ROM: cart ID 0x3C..0x3E, country 0x3E, check code 0x10..0x18.
    pub(crate) fn of(rom_be: &[u8], flag: u8) -> ApsN64 {
        ApsN64 {
            flag,
            cart_id: [rom_be[0x3C], rom_be[0x3D]],
            country: rom_be[0x3E],
            check_code: rom_be[0x10..0x18].try_into().unwrap(),
        }
    }
}

/// An APS record: offset u32 LE, length u8 and the bytes; or length 0, then the fill byte and
/// the count.
pub(crate) enum ApsRecord<'a> {
    Literal(u32, &'a [u8]),
    Rle(u32, u8, u8),
}

/// An APS patch: `APS10`, type (1 N64, 0 simple), encoding 0, a 50-byte description; for the
/// N64 type the flag, cart ID, country, check code and 5 pad bytes; the output size (u32 LE);
/// the records.
pub(crate) fn aps(description: &str, n64: Option<ApsN64>, output_size: u32, records: &[ApsRecord<'_>]) -> Vec<u8> {
    let mut patch = b"APS10".to_vec();
    patch.push(u8::from(n64.is_some()));
    patch.push(0);
    let mut text = [b' '; 50];
    text[..description.len()].copy_from_slice(description.as_bytes());
    patch.extend_from_slice(&text);
    if let Some(n64) = n64 {
        patch.push(n64.flag);
        patch.extend_from_slice(&n64.cart_id);
        patch.push(n64.country);
        patch.extend_from_slice(&n64.check_code);
        patch.extend_from_slice(&[0; 5]);
        assert_eq!(patch.len(), 74);
    }
    patch.extend_from_slice(&output_size.to_le_bytes());
    for record in records {
        match *record {
            ApsRecord::Literal(offset, bytes) => {
                patch.extend_from_slice(&offset.to_le_bytes());
                patch.push(u8::try_from(bytes.len()).unwrap());
                patch.extend_from_slice(bytes);
            }
            ApsRecord::Rle(offset, byte, count) => {
                patch.extend_from_slice(&offset.to_le_bytes());
                patch.extend_from_slice(&[0, byte, count]);
            }
        }
    }
    patch
}

/// An IPS record: offset, then the bytes; or an RLE record (size 0, a 16-bit count, the byte).
pub(crate) enum IpsRecord<'a> {
    Literal(u32, &'a [u8]),
    Rle(u32, u16, u8),
}

/// An IPS patch (`PATCH`, records with 24-bit offsets, `EOF`, an optional 24-bit truncation
/// size), or with `ips32` an IPS32 one (`IPS32`, 32-bit offsets, `EEOF`).
pub(crate) fn ips(records: &[IpsRecord<'_>], truncation: Option<u32>, ips32: bool) -> Vec<u8> {
    let mut patch = if ips32 { b"IPS32".to_vec() } else { b"PATCH".to_vec() };
    let offset = |patch: &mut Vec<u8>, at: u32| {
        let bytes = at.to_be_bytes();
        patch.extend_from_slice(if ips32 { &bytes } else { &bytes[1..] });
    };
    for record in records {
        match *record {
            IpsRecord::Literal(at, bytes) => {
                offset(&mut patch, at);
                patch.extend_from_slice(&u16::try_from(bytes.len()).unwrap().to_be_bytes());
                patch.extend_from_slice(bytes);
            }
            IpsRecord::Rle(at, count, byte) => {
                offset(&mut patch, at);
                patch.extend_from_slice(&[0, 0]);
                patch.extend_from_slice(&count.to_be_bytes());
                patch.push(byte);
            }
        }
    }
    patch.extend_from_slice(if ips32 { b"EEOF" } else { b"EOF" });
    if let Some(size) = truncation {
        patch.extend_from_slice(&size.to_be_bytes()[1..]);
    }
    patch
}

/// An RFC 3284 integer: base 128, most significant digit first, the high bit set on every byte
/// but the last.
fn rfc_number(n: u64, out: &mut Vec<u8>) {
    let mut digits = vec![u8::try_from(n & 0x7F).unwrap()];
    let mut rest = n >> 7;
    while rest > 0 {
        digits.push(0x80 | u8::try_from(rest & 0x7F).unwrap());
        rest >>= 7;
    }
    digits.reverse();
    out.extend_from_slice(&digits);
}

/// Adler-32 (RFC 1950), as xdelta3 stores it per window.
fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// A VCDIFF patch (RFC 3284, default code table) that changes byte `at` of `source` to `byte`:
/// the application header `new.z64//old.z64/` as xdelta3 writes it, then one window over the
/// whole source (VCD_SOURCE) with xdelta3's Adler-32 of the target (window indicator bit 0x04):
/// COPY `at` bytes from 0, ADD the byte, COPY the rest from `at + 1` (code 19 is COPY of mode 0
/// with its size in the instruction section; code 2 is ADD of size 1). Returns it with the
/// target.
pub(crate) fn vcdiff(source: &[u8], at: usize, byte: u8) -> (Vec<u8>, Vec<u8>) {
    let mut target = source.to_vec();
    target[at] = byte;
    let len = source.len() as u64;
    let data = vec![byte];
    let mut instructions = vec![19];
    rfc_number(at as u64, &mut instructions);
    instructions.push(2);
    instructions.push(19);
    rfc_number(len - at as u64 - 1, &mut instructions);
    let mut addresses = Vec::new();
    rfc_number(0, &mut addresses);
    rfc_number(at as u64 + 1, &mut addresses);

    let mut delta = Vec::new();
    rfc_number(len, &mut delta); // target window length
    delta.push(0); // delta indicator: nothing compressed
    for section in [&data, &instructions, &addresses] {
        rfc_number(section.len() as u64, &mut delta);
    }
    delta.extend_from_slice(&adler32(&target).to_be_bytes());
    for section in [&data, &instructions, &addresses] {
        delta.extend_from_slice(section);
    }

    let app_header = b"new.z64//old.z64/";
    let mut patch = vec![0xD6, 0xC3, 0xC4, 0x00, 0x04];
    rfc_number(app_header.len() as u64, &mut patch);
    patch.extend_from_slice(app_header);
    patch.push(0x05); // window indicator: VCD_SOURCE | xdelta3's VCD_ADLER32
    rfc_number(len, &mut patch); // source segment length
    rfc_number(0, &mut patch); // source segment position
    rfc_number(delta.len() as u64, &mut patch);
    patch.extend_from_slice(&delta);
    (patch, target)
}

/// The ROM the scene's patches are made for: big-endian, 16 KiB, cart ID "TS", country 'E',
/// check code 0123456789ABCDEF.
pub(crate) fn base_rom() -> Vec<u8> {
    RomBuilder::new(0x4000)
        .seed(11)
        .title("PATCH BASE")
        .game_code(b"NTSE")
        .stored(Stored::Raw(0x0123_4567_89AB_CDEF))
        .build()
}

/// `rom` with a few bytes changed.
fn edited(rom: &[u8]) -> Vec<u8> {
    let mut target = rom.to_vec();
    for (at, byte) in [(0x20, b'H'), (0x1234, 0xAA), (0x1235, 0xBB), (0x3FF0, 0x00)] {
        target[at] = byte;
    }
    target
}

/// The files of the snapshots, in `dir`: `base_rom` stored as `base.v64`; one patch per format
/// (and both APS types) made for it; a BPS made for another ROM; one whose patch CRC32 is wrong;
/// broken inputs.
pub(crate) fn write_scene(dir: &Path) {
    let rom = base_rom();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    write("base.v64", &Order::V64.store(&rom));
    let v64 = Order::V64.store(&rom);
    let metadata = concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<patch>\n  <title>Patch Base: the hack</title>\n  <author>n64-tools tests</author>\n</patch>\n"
    )
    .as_bytes();
    write("hack.bps", &bps(&v64, &edited(&v64), metadata).0);
    write("hack.ups", &ups(&rom, &edited(&rom)).0);
    let identity = ApsN64::of(&rom, 1);
    let records = [ApsRecord::Literal(0x20, b"HACKED"), ApsRecord::Rle(0x2000, 0xFF, 0x10)];
    write("hack.aps", &aps("Patch Base: the APS hack", Some(identity), 0x4000, &records));
    write("simple.aps", &aps("A simple APS patch", None, 0x4000, &records[..1]));
    let records = [IpsRecord::Literal(0x20, b"HACKED"), IpsRecord::Rle(0x3000, 0x100, 0xEE)];
    write("hack.ips", &ips(&records, Some(0x4000), false));
    write("hack.ips32", &ips(&records, None, true));
    write("hack.xdelta", &vcdiff(&rom, 0x1000, 0x42).0);
    let other = RomBuilder::new(0x4000).seed(12).build();
    write("other.bps", &bps(&other, &edited(&other), b"").0);
    let mut damaged = bps(&rom, &edited(&rom), b"").0;
    let last = damaged.len() - 1;
    damaged[last] ^= 0x01;
    write("damaged.bps", &damaged);
    // Broken inputs: a truncated patch, an empty file, a directory, a file that is no patch.
    let truncated = ips(&[IpsRecord::Literal(0x20, b"HACKED")], None, false);
    write("truncated.ips", &truncated[..truncated.len() - 5]);
    write("empty.bps", b"");
    std::fs::create_dir(dir.join("folder.bps")).unwrap();
    write("notes.txt", b"these are not the patches you are looking for\n");
}

/// The scene's patches, one of each kind, all good.
pub(crate) const SCENE_PATCHES: [&str; 7] =
    ["hack.aps", "hack.bps", "hack.ips", "hack.ips32", "hack.ups", "hack.xdelta", "simple.aps"];

/// Runs `patch-info --json ARGS` on one file and returns its record and the exit code.
fn record_of(dir: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["patch-info", "--json"];
    all.extend_from_slice(args);
    let run = n64_in(dir, &all);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2, "a record and the summary: {}\n{}", run.stdout, run.stderr);
    assert_eq!(lines[1]["type"], "summary");
    (lines[0].clone(), run.code)
}

fn hex(crc: u32) -> String {
    format!("{crc:08x}")
}

/// The text line `  KEY:    VALUE` of a block.
fn line_of<'a>(stdout: &'a str, key: &str) -> Option<&'a str> {
    stdout.lines().find_map(|l| l.strip_prefix(&format!("  {key}:")).map(str::trim_start))
}

#[test]
fn bps_carries_sizes_crcs_actions_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let source = base_rom();
    let mut target = edited(&source);
    target.extend_from_slice(b"grown");
    let (patch, actions) = bps(&source, &target, b"<patch>metadata</patch>");
    std::fs::write(dir.path().join("a.bps"), &patch).unwrap();
    let (record, code) = record_of(dir.path(), &["a.bps"]);
    assert_eq!(code, 0);
    let patch_crc = u32::from_le_bytes(patch[patch.len() - 4..].try_into().unwrap());
    assert_eq!(
        record,
        json!({
            "type": "patch", "path": "a.bps", "format": "bps", "patch_size": patch.len(),
            "source_size": source.len(), "target_size": target.len(),
            "source_crc32": hex(crc32(&source)), "target_crc32": hex(crc32(&target)),
            "patch_crc32": hex(patch_crc), "patch_crc32_ok": true,
            "records": actions, "metadata": "<patch>metadata</patch>",
            "aps": null, "vcdiff": null, "ips": null,
        })
    );
    let run = n64_in(dir.path(), ["patch-info", "a.bps"]);
    assert_eq!(run.stdout.lines().next(), Some("a.bps: bps"));
    assert_eq!(line_of(&run.stdout, "source crc32"), Some(hex(crc32(&source)).as_str()));
    assert_eq!(line_of(&run.stdout, "patch crc32"), Some(format!("{} (correct)", hex(patch_crc)).as_str()));
    assert_eq!(line_of(&run.stdout, "actions"), Some(actions.to_string().as_str()));
    assert_eq!(line_of(&run.stdout, "target size"), Some("16389 bytes (16.00 KiB)"));
}

#[test]
fn ups_carries_sizes_crcs_and_hunks() {
    let dir = tempfile::tempdir().unwrap();
    let source = base_rom();
    let target = edited(&source);
    let (patch, hunks) = ups(&source, &target);
    assert_eq!(hunks, 3);
    std::fs::write(dir.path().join("a.ups"), &patch).unwrap();
    let (record, code) = record_of(dir.path(), &["a.ups"]);
    assert_eq!(code, 0);
    assert_eq!(record["format"], "ups");
    assert_eq!((record["source_size"].as_u64(), record["target_size"].as_u64()), (Some(0x4000), Some(0x4000)));
    assert_eq!(record["source_crc32"], hex(crc32(&source)));
    assert_eq!(record["target_crc32"], hex(crc32(&target)));
    assert_eq!(record["patch_crc32"], hex(crc32(&patch[..patch.len() - 4])));
    assert_eq!(record["patch_crc32_ok"], true);
    assert_eq!(record["records"], hunks);
    assert_eq!(record["metadata"], Value::Null);
    let run = n64_in(dir.path(), ["patch-info", "a.ups"]);
    assert_eq!(line_of(&run.stdout, "hunks"), Some("3"));
}

#[test]
fn aps_carries_its_description_and_source_identity() {
    let dir = tempfile::tempdir().unwrap();
    let rom = base_rom();
    let records = [ApsRecord::Literal(0x20, b"HACKED"), ApsRecord::Rle(0x2000, 0xFF, 0x10)];
    let n64 = ApsN64 { flag: 0, cart_id: *b"ZL", country: b'P', check_code: [0xEC, 0x70, 0x11, 0xB7, 0, 1, 2, 0xFF] };
    std::fs::write(dir.path().join("v64.aps"), aps("Zelda: a hack", Some(n64), 0x4000, &records)).unwrap();
    std::fs::write(dir.path().join("z64.aps"), aps("Base", Some(ApsN64::of(&rom, 1)), 0x5000, &records)).unwrap();
    std::fs::write(dir.path().join("simple.aps"), aps("Simple", None, 0x4000, &records[..1])).unwrap();

    let (record, code) = record_of(dir.path(), &["v64.aps"]);
    assert_eq!(code, 0);
    assert_eq!(
        record["aps"],
        json!({"description": "Zelda: a hack", "cart_id": "ZL", "country": "P",
               "check_code": "EC7011B7000102FF", "order": "v64"})
    );
    assert_eq!((record["format"].as_str(), record["records"].as_u64()), (Some("aps"), Some(2)));
    assert_eq!((record["source_size"].clone(), record["target_size"].as_u64()), (Value::Null, Some(0x4000)));
    assert_eq!(record["source_crc32"], Value::Null);
    assert_eq!(record["patch_crc32_ok"], Value::Null);

    let (record, _) = record_of(dir.path(), &["z64.aps"]);
    assert_eq!(record["aps"]["order"], "z64");
    assert_eq!(record["aps"]["cart_id"], "TS");
    assert_eq!(record["aps"]["check_code"], "0123456789ABCDEF");
    assert_eq!(record["target_size"], 0x5000);

    let (record, _) = record_of(dir.path(), &["simple.aps"]);
    assert_eq!(
        record["aps"],
        json!({"description": "Simple", "cart_id": null, "country": null, "check_code": null, "order": null})
    );

    let run = n64_in(dir.path(), ["patch-info", "v64.aps"]);
    assert_eq!(line_of(&run.stdout, "description"), Some("\"Zelda: a hack\""));
    assert_eq!(line_of(&run.stdout, "cart id"), Some("\"ZL\""));
    assert_eq!(line_of(&run.stdout, "country"), Some("P (0x50)"));
    assert_eq!(line_of(&run.stdout, "check code"), Some("EC7011B7000102FF"));
    assert!(line_of(&run.stdout, "order").is_some_and(|o| o.starts_with("v64 (image format flag 0")), "{}", run.stdout);
}

#[test]
fn ips_and_ips32_carry_records_highest_offset_and_truncation() {
    let dir = tempfile::tempdir().unwrap();
    let records = [IpsRecord::Literal(0x20, b"HACKED"), IpsRecord::Rle(0x3000, 0x100, 0xEE)];
    std::fs::write(dir.path().join("a.ips"), ips(&records, Some(0x4000), false)).unwrap();
    std::fs::write(dir.path().join("b.ips32"), ips(&records[..1], None, true)).unwrap();
    std::fs::write(dir.path().join("c.ips"), ips(&[], None, false)).unwrap();
    let (record, _) = record_of(dir.path(), &["a.ips"]);
    assert_eq!(record["format"], "ips");
    assert_eq!(record["records"], 2);
    assert_eq!(record["ips"], json!({"highest_offset": 0x30FF, "truncation": 0x4000}));
    assert_eq!(record["target_size"], Value::Null);
    let (record, _) = record_of(dir.path(), &["b.ips32"]);
    assert_eq!(record["format"], "ips32");
    assert_eq!(record["ips"], json!({"highest_offset": 0x25, "truncation": null}));
    let (record, _) = record_of(dir.path(), &["c.ips"]);
    assert_eq!(record["ips"], json!({"highest_offset": null, "truncation": null}));
    let run = n64_in(dir.path(), ["patch-info", "a.ips"]);
    assert_eq!(line_of(&run.stdout, "highest offset"), Some("0x30ff"));
    assert_eq!(line_of(&run.stdout, "truncation"), Some("16384 bytes (16.00 KiB)"));
}

#[test]
fn vcdiff_carries_windows_span_and_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let rom = base_rom();
    let (patch, target) = vcdiff(&rom, 0x1000, 0x42);
    std::fs::write(dir.path().join("a.xdelta"), &patch).unwrap();
    let (record, code) = record_of(dir.path(), &["a.xdelta"]);
    assert_eq!(code, 0);
    assert_eq!(record["format"], "vcdiff");
    assert_eq!(record["target_size"], target.len());
    assert_eq!(record["records"], 1);
    assert_eq!(
        record["vcdiff"],
        json!({"windows": 1, "source_span": 0x4000, "secondary": null,
               "file_names": {"target": "new.z64", "source": "old.z64"}, "adler32": true})
    );
}

/// xdelta3 as the oracle: its file names, its target size, LZMA, several windows; and applied
/// to the right ROM its Adler-32s are verified, to another they are not.
#[test]
fn vcdiff_from_xdelta3() {
    let Some(xdelta3) = n64_testkit::tools::xdelta3() else { return };
    let dir = tempfile::tempdir().unwrap();
    let source = RomBuilder::new(0x20_0000).seed(5).body(n64_testkit::Body::Blocks).build();
    let mut target = edited(&source);
    target.extend_from_slice(&[0x5A; 0x1000]);
    std::fs::write(dir.path().join("old.z64"), &source).unwrap();
    std::fs::write(dir.path().join("new.z64"), &target).unwrap();
    let status = std::process::Command::new(xdelta3)
        .current_dir(dir.path())
        .args(["-e", "-f", "-B", "524288", "-W", "65536", "-s", "old.z64", "new.z64", "hack.xdelta"])
        .status()
        .unwrap();
    assert!(status.success());
    // The ROM to check against: the source, stored n64 (converted back to big-endian).
    std::fs::write(dir.path().join("base.n64"), Order::N64.store(&source)).unwrap();
    std::fs::write(dir.path().join("other.z64"), RomBuilder::new(0x20_0000).seed(6).build()).unwrap();

    let (record, code) = record_of(dir.path(), &["--rom", "base.n64", "hack.xdelta"]);
    assert_eq!(code, 0, "{record}");
    assert_eq!(record["target_size"], target.len());
    assert_eq!(record["vcdiff"]["file_names"], json!({"target": "new.z64", "source": "old.z64"}));
    assert_eq!(record["vcdiff"]["secondary"], "lzma");
    assert_eq!(record["vcdiff"]["adler32"], true);
    assert!(record["vcdiff"]["windows"].as_u64() > Some(1), "{record}");
    assert!(record["vcdiff"]["source_span"].as_u64() <= Some(0x20_0000), "{record}");
    assert_eq!(record["records"], record["vcdiff"]["windows"]);
    assert_eq!(
        (&record["source_match"], &record["source_order"], &record["applies"], &record["detail"]),
        (&json!("not_recorded"), &json!("z64"), &json!(true), &json!("applies, adler32 verified"))
    );

    let (record, code) = record_of(dir.path(), &["--rom", "other.z64", "hack.xdelta"]);
    assert_eq!(code, 1);
    assert_eq!(record["applies"], false);
    assert!(record["detail"].as_str().unwrap().contains("adler-32 mismatch"), "{record}");
    let run = n64_in(dir.path(), ["patch-info", "--rom", "other.z64", "hack.xdelta"]);
    assert!(line_of(&run.stdout, "result").unwrap().starts_with("does not apply: "), "{}", run.stdout);
}

/// A BPS patch made against the ROM in each byte order matches the ROM stored in any order, in
/// the order the patch was made against.
#[test]
fn a_bps_made_against_each_order_matches_in_that_order() {
    let dir = tempfile::tempdir().unwrap();
    let rom = base_rom();
    for order in Order::ALL {
        let stored = order.store(&rom);
        let made = bps(&stored, &edited(&stored), b"").0;
        std::fs::write(dir.path().join(format!("made-{}.bps", order.name())), made).unwrap();
        std::fs::write(dir.path().join(format!("rom.{}", order.name())), &stored).unwrap();
    }
    for rom_order in Order::ALL {
        let rom_name = format!("rom.{}", rom_order.name());
        let args = ["patch-info", "--json", "--rom", &rom_name, "made-n64.bps", "made-v64.bps", "made-z64.bps"];
        let run = unchanged(dir.path(), || n64_in(dir.path(), args));
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        let lines = run.json_lines();
        for (record, patch_order) in lines.iter().zip(["n64", "v64", "z64"]) {
            assert_eq!(record["path"], format!("made-{patch_order}.bps"));
            assert_eq!(record["rom"], rom_name.as_str());
            assert_eq!(record["source_match"], "matches", "{record}");
            assert_eq!(record["source_order"], patch_order, "{rom_name}: {record}");
            assert_eq!((&record["reverse"], &record["applies"]), (&json!(false), &Value::Null));
            assert_eq!(record["detail"], "crc32");
        }
        assert_eq!(
            lines[3],
            json!({"type": "summary", "patches": 3, "bad_patch_crc32": 0, "source_matches": 3, "source_no_match": 0,
                   "source_not_recorded": 0, "applies": 0, "does_not_apply": 0, "errors": 0, "other_files": 0})
        );
        let run = n64_in(dir.path(), ["patch-info", "--rom", &rom_name, "made-v64.bps"]);
        assert_eq!(line_of(&run.stdout, "rom"), Some(format!("{rom_name} ({})", rom_order.name()).as_str()));
        assert_eq!(line_of(&run.stdout, "source"), Some("matches in v64 order (crc32)"));
    }
}

/// The ROM is not the source of a BPS patch made for another ROM: exit 1, and both sides
/// named. Patches that record no source still apply (exit 0 for them alone).
#[test]
fn a_wrong_rom_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    write_scene(dir.path());
    let (record, code) = record_of(dir.path(), &["--rom", "base.v64", "other.bps"]);
    assert_eq!(code, 1);
    assert_eq!((&record["source_match"], &record["source_order"]), (&json!("no_match"), &Value::Null));
    let other = RomBuilder::new(0x4000).seed(12).build();
    let detail = record["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(&format!(
            "patch expects 16384 bytes with crc32 {}; rom has 16384 bytes with crc32 ",
            hex(crc32(&other))
        )),
        "{detail}"
    );
    for order in Order::ALL {
        let crc = hex(crc32(&order.store(&base_rom())));
        assert!(detail.contains(&format!("{crc} ({})", order.name())), "{detail}");
    }
    let run = n64_in(dir.path(), ["patch-info", "--rom", "base.v64", "other.bps"]);
    assert_eq!(run.code, 1);
    assert!(
        line_of(&run.stdout, "source").unwrap().starts_with("does not match (patch expects 16384 bytes"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(
            "rom: 0 matched, 1 did not match, 0 applied without a source record, 0 did not apply; 0 errors\n"
        ),
        "{}",
        run.stdout
    );

    let run = n64_in(dir.path(), ["patch-info", "--rom", "base.v64", "hack.ips", "simple.aps", "hack.xdelta"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // The wrong ROM for the VCDIFF: its Adler-32 says so.
    std::fs::write(dir.path().join("other.z64"), &other).unwrap();
    let run = n64_in(dir.path(), ["patch-info", "--rom", "other.z64", "hack.xdelta", "hack.ips"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.stdout.matches("  source:         not recorded by the patch\n").count(), 2, "{}", run.stdout);
    assert!(run.stdout.contains("  result:         applies cleanly\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  result:         does not apply: window 0: adler-32 mismatch"), "{}", run.stdout);
}

/// A UPS patch applies both ways: a ROM that is its output matches too, in reverse.
#[test]
fn the_output_of_a_ups_patch_matches_in_reverse() {
    let dir = tempfile::tempdir().unwrap();
    let rom = base_rom();
    std::fs::write(dir.path().join("a.ups"), ups(&rom, &edited(&rom)).0).unwrap();
    std::fs::write(dir.path().join("hacked.z64"), edited(&rom)).unwrap();
    let (record, code) = record_of(dir.path(), &["--rom", "hacked.z64", "a.ups"]);
    assert_eq!(code, 0);
    assert_eq!((&record["source_match"], &record["reverse"]), (&json!("matches"), &json!(true)));
    let run = n64_in(dir.path(), ["patch-info", "--rom", "hacked.z64", "a.ups"]);
    assert_eq!(
        line_of(&run.stdout, "source"),
        Some("matches in z64 order (crc32), as the patch's output: applying the patch undoes it")
    );
}

/// An N64 APS patch matches by cart ID and check code, in the order its flag says.
#[test]
fn aps_matches_by_cart_id_and_check_code() {
    let dir = tempfile::tempdir().unwrap();
    let rom = base_rom();
    std::fs::write(dir.path().join("base.n64"), Order::N64.store(&rom)).unwrap();
    let records = [ApsRecord::Literal(0x20, b"HACKED")];
    std::fs::write(dir.path().join("v64.aps"), aps("", Some(ApsN64::of(&rom, 0)), 0x4000, &records)).unwrap();
    let mut wrong = ApsN64::of(&rom, 1);
    wrong.check_code[7] ^= 1;
    std::fs::write(dir.path().join("wrong.aps"), aps("", Some(wrong), 0x4000, &records)).unwrap();
    let (record, code) = record_of(dir.path(), &["--rom", "base.n64", "v64.aps"]);
    assert_eq!(code, 0);
    assert_eq!(
        (&record["source_match"], &record["source_order"], &record["detail"]),
        (&json!("matches"), &json!("v64"), &json!("cart id and check code"))
    );
    let (record, code) = record_of(dir.path(), &["--rom", "base.n64", "wrong.aps"]);
    assert_eq!(code, 1);
    assert_eq!(
        record["detail"],
        concat!(
            "patch expects cart id \"TS\" and check code 0123456789abcdee; ",
            "rom has cart id \"TS\" and check code 0123456789abcdef"
        )
    );
}

/// Each broken input is one line on stderr naming it (exit 2), and the good patch beside it is
/// still reported.
#[test]
fn broken_inputs_are_one_line_each_and_the_others_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write_scene(dir.path());
    let cases = [
        ("truncated.ips", "patch", "truncated.ips: truncated patch: it ends at patch offset 0xe inside record 0"),
        ("empty.bps", "empty", "empty.bps: empty file"),
        ("folder.bps", "is_directory", "folder.bps: is a directory"),
        ("missing.bps", "not_found", "missing.bps: no such file or directory"),
        ("notes.txt", "patch", "notes.txt: not a patch: it starts with none of the"),
    ];
    for (name, kind, message) in cases {
        let run = n64_in(dir.path(), ["patch-info", name, "hack.bps"]);
        assert_eq!(run.code, 2, "{name}");
        assert_eq!(run.stderr.lines().count(), 1, "{name}: {}", run.stderr);
        assert!(run.stderr.starts_with(&format!("n64: {message}")), "{name}: {}", run.stderr);
        assert!(run.stdout.starts_with("hack.bps: bps\n"), "{name}: {}", run.stdout);
        assert!(run.stdout.ends_with("1 patch read; 1 error\n"), "{name}: {}", run.stdout);

        let run = n64_in(dir.path(), ["patch-info", "--json", "--rom", "base.v64", name, "hack.bps"]);
        assert_eq!(run.code, 2, "{name}");
        let lines = run.json_lines();
        let error = lines.iter().find(|l| l["type"] == "error").unwrap();
        assert_eq!((&error["path"], &error["kind"]), (&json!(name), &json!(kind)), "{name}");
        assert!(lines.iter().any(|l| l["type"] == "patch" && l["path"] == "hack.bps"), "{name}");
    }
}

/// The ROM given with --rom must be a readable N64 ROM of at most 256 MiB: one line otherwise,
/// and no patch is read.
#[test]
fn a_rom_that_cannot_be_used_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    write_scene(dir.path());
    // Sparse: only its size is ever looked at.
    std::fs::File::create(dir.path().join("huge.z64")).unwrap().set_len((256 << 20) + 1).unwrap();
    std::fs::write(dir.path().join("odd.v64"), [Order::V64.store(&base_rom()), vec![0]].concat()).unwrap();
    let cases = [
        ("huge.z64", "huge.z64: 268435457 bytes, larger than the 256 MiB this operation reads"),
        ("odd.v64", "odd.v64: size 0x4001 is not a whole number of 2-byte words, as the v64 byte order needs"),
        ("hack.bps", "hack.bps: not an N64 ROM"),
        ("nowhere.z64", "nowhere.z64: no such file or directory"),
    ];
    for (rom, message) in cases {
        let run = n64_in(dir.path(), ["patch-info", "--rom", rom, "hack.bps"]);
        assert_eq!(run.code, 2, "{rom}");
        assert_eq!(run.stdout, "", "{rom}");
        assert_eq!(run.stderr.lines().count(), 1, "{rom}: {}", run.stderr);
        assert!(run.stderr.starts_with(&format!("n64: {message}")), "{rom}: {}", run.stderr);
    }
}

#[test]
fn a_wrong_patch_crc32_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    write_scene(dir.path());
    let (record, code) = record_of(dir.path(), &["damaged.bps"]);
    assert_eq!(code, 1);
    assert_eq!(record["patch_crc32_ok"], false);
    let run = n64_in(dir.path(), ["patch-info", "damaged.bps", "hack.bps"]);
    assert_eq!(run.code, 1);
    assert!(line_of(&run.stdout, "patch crc32").unwrap().ends_with(" WRONG (the patch is damaged or truncated)"));
    assert!(run.stdout.ends_with("2 patches read (1 with a wrong patch crc32); 0 errors\n"), "{}", run.stdout);
    // Quiet: only the problem.
    let run = n64_in(dir.path(), ["-q", "patch-info", "damaged.bps", "hack.bps"]);
    assert!(run.stdout.starts_with("damaged.bps: bps\n") && !run.stdout.contains("hack.bps"), "{}", run.stdout);
    let run = n64_in(dir.path(), ["-q", "patch-info", "hack.bps"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

#[test]
fn long_metadata_is_one_line_in_text_and_whole_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let rom = base_rom();
    let metadata = format!("<patch>\n  <notes>{}</notes>\n</patch>", "word ".repeat(40));
    std::fs::write(dir.path().join("a.bps"), bps(&rom, &edited(&rom), metadata.as_bytes()).0).unwrap();
    let (record, _) = record_of(dir.path(), &["a.bps"]);
    assert_eq!(record["metadata"], metadata.as_str());
    let run = n64_in(dir.path(), ["patch-info", "a.bps"]);
    let shown = line_of(&run.stdout, "metadata").unwrap();
    assert_eq!(
        shown,
        format!(
            "<patch> <notes>word word word word word word word word word… ({} bytes; --json shows all of it)",
            metadata.len()
        )
    );
}

/// Neither the patches nor the ROM are written to: same bytes, same modification time.
#[test]
fn no_file_is_modified() {
    let dir = tempfile::tempdir().unwrap();
    write_scene(dir.path());
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            n64_testkit::files::age(&path);
        }
    }
    let mut args = vec!["patch-info", "--rom", "base.v64", "damaged.bps", "other.bps"];
    args.extend(SCENE_PATCHES);
    let run = unchanged(dir.path(), || n64_in(dir.path(), &args));
    assert_eq!(run.code, 1, "{}", run.stderr);
    args.insert(1, "--json");
    let run = unchanged(dir.path(), || n64_in(dir.path(), &args));
    assert_eq!(run.code, 1, "{}", run.stderr);
}

/// Bash completes the command and its options.
#[test]
fn bash_completes_patch_info() {
    let script = crate::support::n64(["completions", "bash"]).stdout;
    // `_n64 COMMAND CURRENT PREVIOUS`, as bash calls it.
    let complete = |words: &str, cword: usize, call: &str| {
        let program = format!(
            "{script}\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\n_n64 {call}\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
        );
        let out = std::process::Command::new("bash").arg("-c").arg(program).output().expect("bash runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let words = complete("n64 pat", 1, "n64 pat n64");
    assert!(words.lines().any(|w| w == "patch-info"), "{words}");
    let words = complete("n64 patch-info --", 2, "n64 -- patch-info");
    assert!(words.lines().any(|w| w == "--rom") && words.lines().any(|w| w == "--json"), "{words}");
}
