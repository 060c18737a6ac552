//! libdragon compressed assets: LZ4 blocks from lz4_flex and from the reference liblz4 (PyPI
//! `lz4` in the oracle venv, and the `lz4` command's frames), wrapped in headers laid out as
//! libdragon's `mkasset` writes them; unsupported levels; hostile payloads.

#![allow(clippy::cast_possible_truncation, reason = "test images are far below 4 GiB")]

mod libdragon;

use std::io::Write;
use std::process::{Command, Stdio};

use libdragon::dca3_lz4;
use n64_assets::container::dca::{self, Algorithm, Error, MAX_OUTPUT};
use n64_testkit::{Rng, tools};
use proptest::prelude::*;

/// Inputs of several kinds and sizes (text, zeros, random, mixed), all under 64 KiB except one.
fn samples() -> Vec<Vec<u8>> {
    let mut rng = Rng(0xDCA);
    let text = b"It's dangerous to go alone! Take this. ".repeat(300);
    let mut mixed = rng.bytes(3000);
    mixed.extend_from_slice(&[0x55; 5000]);
    mixed.extend_from_slice(&text[..2000]);
    vec![vec![], b"a".to_vec(), text, vec![0; 60_000], rng.bytes(1000), mixed, rng.bytes(1 << 20)]
}

/// A `DCA2` asset (16-byte header, no margin) around a block.
fn dca2(block: &[u8], original: usize) -> Vec<u8> {
    let mut asset = b"DCA2\x00\x01\x00\x00".to_vec();
    asset.extend_from_slice(&(block.len() as u32).to_be_bytes());
    asset.extend_from_slice(&(original as u32).to_be_bytes());
    asset.extend_from_slice(block);
    asset
}

#[test]
fn lz4_flex_blocks_round_trip_in_both_header_versions() {
    for data in samples() {
        let block = lz4_flex::block::compress(&data);
        for asset in [dca3_lz4(&block, data.len()), dca2(&block, data.len())] {
            let header = dca::parse(&asset).unwrap();
            assert_eq!((header.algorithm, header.original_size as usize), (Algorithm::Lz4, data.len()));
            assert_eq!(header.payload().end, asset.len());
            assert_eq!(dca::decompress(&asset).unwrap(), data);
            // Padding after the payload (as in a ROM) changes nothing.
            let mut padded = asset.clone();
            padded.extend_from_slice(&[0xFF; 13]);
            assert_eq!(dca::decompress(&padded).unwrap(), data);
        }
    }
}

/// The raw LZ4 blocks of the reference library through PyPI's `lz4` (liblz4), in its default and
/// its high-compression mode (mkasset uses LZ4HC at the highest level).
#[test]
fn reference_liblz4_blocks_decode() {
    let Some(python) = tools::oracle("python") else { return };
    let script = "import sys, lz4.block\n\
        data = sys.stdin.buffer.read()\n\
        mode = sys.argv[1]\n\
        if mode == 'hc':\n    out = lz4.block.compress(data, mode='high_compression', compression=12, store_size=False)\n\
        else:\n    out = lz4.block.compress(data, store_size=False)\n\
        sys.stdout.buffer.write(out)";
    let mut checked = 0;
    for data in samples() {
        for mode in ["default", "hc"] {
            let block = run(&python, &["-c", script, mode], &data);
            let asset = dca3_lz4(&block, data.len());
            assert_eq!(dca::decompress(&asset).unwrap(), data, "{mode}, {} bytes", data.len());
            checked += 1;
        }
    }
    assert_eq!(checked, 14);
}

/// The `lz4` command writes frames; a frame of one compressed block holds a raw block, which is
/// taken out and decoded.
#[test]
fn blocks_from_the_lz4_command_decode() {
    let Some(lz4) = tools::require(&["lz4"], "Debian package lz4") else { return };
    let mut checked = 0;
    for data in samples().into_iter().filter(|d| (100..60_001).contains(&d.len())) {
        let frame = run(&lz4, &["-9", "-B4", "--no-frame-crc", "-c"], &data);
        // Frame: magic, FLG, BD, (content size, dictionary id), header checksum; then blocks.
        assert_eq!(frame[..4], [0x04, 0x22, 0x4D, 0x18]);
        let flg = frame[4];
        let mut at = 6 + if flg & 0x08 != 0 { 8 } else { 0 } + if flg & 0x01 != 0 { 4 } else { 0 } + 1;
        let size = u32::from_le_bytes(frame[at..at + 4].try_into().unwrap());
        at += 4;
        if size & 0x8000_0000 != 0 {
            continue; // stored uncompressed: no LZ4 block to test
        }
        let block = &frame[at..at + size as usize];
        assert_eq!(frame[at + size as usize..at + size as usize + 4], [0; 4], "one block, then the end mark");
        assert_eq!(dca::decompress(&dca3_lz4(block, data.len())).unwrap(), data);
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} compressed frames");
}

fn run(program: &std::path::Path, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the oracle starts");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "{}: {}", program.display(), String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn other_levels_are_reported_not_decoded() {
    let payload = [0u8; 8];
    let asset = |magic: &[u8; 4], level: u16| {
        let mut a = magic.to_vec();
        a.extend_from_slice(&level.to_be_bytes());
        a.extend_from_slice(&0x0100u16.to_be_bytes());
        a.extend_from_slice(&8u32.to_be_bytes());
        a.extend_from_slice(&100u32.to_be_bytes());
        if magic == b"DCA3" {
            a.extend_from_slice(&40u32.to_be_bytes());
        }
        a.extend_from_slice(&payload);
        a
    };
    for (magic, level, algorithm) in [
        (b"DCA3", 2, Algorithm::Aplib),
        (b"DCA3", 3, Algorithm::Shrinkler),
        (b"DCA3", 7, Algorithm::Unknown),
        (b"DCA2", 2, Algorithm::Lzh5),
        (b"DCA1", 1, Algorithm::Lzh5),
    ] {
        let a = asset(magic, level);
        assert_eq!(dca::parse(&a).unwrap().algorithm, algorithm);
        assert_eq!(dca::decompress(&a), Err(Error::UnsupportedLevel { level, algorithm }));
    }
    assert_eq!(dca::parse(&asset(b"DCA3", 2)).unwrap().inplace_margin, Some(40));
    assert_eq!(dca::parse(&asset(b"DCA4", 1)), Err(Error::UnsupportedVersion { version: b'4' }));
}

#[test]
fn hostile_assets_are_errors() {
    let data = b"It's a secret to everybody. ".repeat(50);
    let block = lz4_flex::block::compress(&data);
    let good = dca3_lz4(&block, data.len());
    // Every truncation.
    for cut in 0..good.len() {
        assert!(dca::decompress(&good[..cut]).is_err(), "cut at {cut}");
    }
    // A huge declared size is refused before any allocation.
    let huge = dca3_lz4(&block, u32::MAX as usize);
    assert!(matches!(dca::decompress(&huge), Err(Error::TooLarge { declared: u32::MAX, .. })));
    let mut big = vec![0u8; 40_000];
    big[0] = 0xF0;
    let capped = dca3_lz4(&big, MAX_OUTPUT + 1);
    assert!(matches!(dca::decompress(&capped), Err(Error::TooLarge { limit, .. }) if limit == MAX_OUTPUT as u64));
    // A declared size one short or one long.
    assert!(dca::decompress(&dca3_lz4(&block, data.len() - 1)).is_err());
    assert_eq!(
        dca::decompress(&dca3_lz4(&block, data.len() + 1)),
        Err(Error::SizeMismatch { expected: data.len() as u32 + 1, found: data.len() })
    );
    // A back-reference before the start: no literals, then a copy from 1 back.
    let before = dca3_lz4(b"\x00\x01\x00\x00", 4);
    assert!(matches!(dca::decompress(&before), Err(Error::Corrupt { offset: 20, .. })));
    // Offset zero.
    let zero = dca3_lz4(b"\x10a\x00\x00\x00", 5);
    assert!(matches!(dca::decompress(&zero), Err(Error::Corrupt { .. })));
    // A literal run longer than the payload.
    let long = dca3_lz4(b"\xF0\xFF\xFF", 600);
    assert!(matches!(dca::decompress(&long), Err(Error::Corrupt { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// Random payloads under a valid header: an error or exactly the declared size, never a
    /// panic.
    #[test]
    fn random_payloads(payload in prop::collection::vec(any::<u8>(), 0..300), original in 0usize..5000) {
        let asset = dca3_lz4(&payload, original);
        if let Ok(out) = dca::decompress(&asset) {
            prop_assert_eq!(out.len(), original);
        }
    }

    /// Any bytes at all.
    #[test]
    fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = dca::parse(&bytes);
        let _ = dca::decompress(&bytes);
    }

    /// Data compressed by lz4_flex always comes back.
    #[test]
    fn round_trip(data in prop::collection::vec(0u8..4, 0..3000)) {
        let asset = dca3_lz4(&lz4_flex::block::compress(&data), data.len());
        prop_assert_eq!(dca::decompress(&asset).unwrap(), data);
    }
}
