//! Hand-damaged archives that would make the format crates spend memory or time the file
//! cannot justify, or hide members: refused before the crates see them.

use std::io::Cursor;
use std::time::Instant;

use n64_archive::{ArchiveError, ArchiveKind, list, list_in};
use n64_testkit::tools;

use crate::common::{Fixture, python_make_zip, read_all};

/// A 7z signature header: signature, version 0.4, start header CRC, then `rest` (next header
/// offset, size and CRC; 20 bytes).
fn signature_header(rest: [u8; 20]) -> Vec<u8> {
    let mut head = b"7z\xBC\xAF\x27\x1C\x00\x04".to_vec();
    head.extend_from_slice(&crc32fast::hash(&rest).to_le_bytes());
    head.extend_from_slice(&rest);
    head
}

#[test]
fn an_unfinished_7z_is_refused_at_once() {
    // An all-zero start header makes sevenz-rust2 search the last MiB for a header, decoding at
    // every byte that could start one: with a MiB of such bytes that takes hours.
    let mut bytes = b"7z\xBC\xAF\x27\x1C\x00\x04".to_vec();
    bytes.resize(32, 0);
    bytes.resize(1 << 20, 0x01);
    let started = Instant::now();
    match list_in(Cursor::new(&bytes), ArchiveKind::SevenZip) {
        Err(ArchiveError::Corrupt { detail }) => assert!(detail.contains("unfinished"), "{detail}"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn a_7z_header_past_the_end_is_refused() {
    let mut rest = [0u8; 20];
    rest[..8].copy_from_slice(&100u64.to_le_bytes()); // offset
    rest[8..16].copy_from_slice(&(1u64 << 40).to_le_bytes()); // size: a TiB
    let bytes = signature_header(rest);
    match list_in(Cursor::new(&bytes), ArchiveKind::SevenZip) {
        Err(ArchiveError::Corrupt { detail }) => assert!(detail.contains("runs past the end"), "{detail}"),
        other => panic!("unexpected {other:?}"),
    }
    rest[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    rest[8..16].copy_from_slice(&1u64.to_le_bytes());
    let bytes = signature_header(rest);
    assert!(matches!(list_in(Cursor::new(&bytes), ArchiveKind::SevenZip), Err(ArchiveError::Corrupt { .. })));
}

#[test]
fn a_ppmd_model_larger_than_its_data_is_refused() {
    let Some(seven_zip) = tools::seven_zip() else { return };
    let fixture = Fixture::new();
    let archive = fixture.path("ppmd.7z");
    fixture.run(&seven_zip, &["a", "-bso0", "-m0=PPMd", "-mhc=off", archive.to_str().unwrap(), "a.txt"]);
    let mut bytes = std::fs::read(&archive).unwrap();
    // The uncompressed header holds the coder: id 03 04 01, 5 property bytes (order, memory).
    let coder = bytes.windows(4).position(|w| w == [0x03, 0x04, 0x01, 0x05]).expect("a PPMd coder");
    bytes[coder + 5..coder + 9].copy_from_slice(&0x7FFF_0000u32.to_le_bytes());
    // Fix the header's CRC in the start header, then the start header's own CRC.
    let offset = usize::try_from(u64::from_le_bytes(bytes[12..20].try_into().unwrap())).unwrap();
    let header_crc = crc32fast::hash(&bytes[32 + offset..]);
    bytes[28..32].copy_from_slice(&header_crc.to_le_bytes());
    let start_crc = crc32fast::hash(&bytes[12..32]);
    bytes[8..12].copy_from_slice(&start_crc.to_le_bytes());
    std::fs::write(&archive, &bytes).unwrap();

    assert_eq!(list(&archive).unwrap().len(), 1, "the header itself is fine");
    match read_all(&archive) {
        Err(ArchiveError::Unsupported { name, what }) => {
            assert_eq!(name, "a.txt");
            assert!(what.starts_with("PPMd model of 2147418112 bytes for 5 bytes"), "{what}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_zip_with_two_members_of_one_name_is_refused() {
    let Some(python) = tools::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("dup.zip");
    python_make_zip(&python, &archive, &[("game.z64", b"good", false), ("game.z64", b"evil", false)]);
    for result in [list(&archive).map(|_| ()), read_all(&archive).map(|_| ())] {
        match result {
            Err(ArchiveError::Corrupt { detail }) => assert!(detail.contains("same name"), "{detail}"),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn garbage_after_a_signature_is_an_error_not_a_panic() {
    let mut rng = n64_testkit::Rng(7);
    for round in 0..200 {
        let mut bytes = if round % 2 == 0 { b"PK\x03\x04".to_vec() } else { b"7z\xBC\xAF\x27\x1C\x00\x04".to_vec() };
        let len = usize::try_from(rng.below(400)).unwrap();
        bytes.extend(rng.bytes(len));
        let kind = ArchiveKind::sniff(&bytes).unwrap();
        for result in [
            list_in(Cursor::new(&bytes), kind).map(|_| ()),
            n64_archive::for_each_member_in(Cursor::new(&bytes), kind, &mut |_, r| {
                std::io::copy(r, &mut std::io::sink()).map(|_| ())
            }),
        ] {
            if let Err(ArchiveError::Corrupt { detail }) = &result {
                assert!(!detail.contains("reader failed"), "round {round}: {detail}");
            }
        }
    }
}

/// A 7z whose (uncompressed) header is `header`, right after the signature header.
fn seven_zip_with_header(header: &[u8]) -> Vec<u8> {
    let mut rest = [0u8; 20];
    rest[8..16].copy_from_slice(&(header.len() as u64).to_le_bytes());
    rest[16..20].copy_from_slice(&crc32fast::hash(header).to_le_bytes());
    let mut bytes = signature_header(rest);
    bytes.extend_from_slice(header);
    bytes
}

#[test]
fn counts_larger_than_the_header_are_refused_without_allocating() {
    // 7z numbers: 0xFF then 8 little-endian bytes. 2^40 entries of anything would not fit in
    // memory; the header has a dozen bytes.
    let huge = [0xFF, 0, 0, 0, 0, 0, 1, 0, 0];
    let files = [&[0x01, 0x05][..], &huge, &[0x00, 0x00]].concat(); // Header, FilesInfo, count
    let packs = [&[0x01, 0x04, 0x06, 0x00][..], &huge, &[0x09], &[0x00; 4]].concat(); // PackInfo count
    let folders = [&[0x01, 0x04, 0x07, 0x0B][..], &huge, &[0x00; 4]].concat(); // UnpackInfo, Folder count
    for header in [files, packs, folders] {
        let bytes = seven_zip_with_header(&header);
        let started = Instant::now();
        for result in [
            list_in(Cursor::new(&bytes), ArchiveKind::SevenZip).map(|_| ()),
            n64_archive::for_each_member_in(Cursor::new(&bytes), ArchiveKind::SevenZip, &mut |_, _| Ok(())),
        ] {
            assert!(matches!(result, Err(ArchiveError::Corrupt { .. })), "{header:02X?}: {result:?}");
        }
        assert!(started.elapsed().as_secs() < 5);
    }
}
