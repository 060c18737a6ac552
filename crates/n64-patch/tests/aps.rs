//! APS (N64): patches written here from the published layout (not by any encoder of ours),
//! applied to a z64 and a v64 source; source checks; every malformed kind.

use n64_patch::aps::{self, Applied, Error, N64Source, Options, Warning};
use n64_testkit::{Order, RomBuilder, Stored};

const CHECK_CODE: u64 = 0x1122_3344_5566_7788;

/// A 1 MiB big-endian ROM: game code `NXXE` (cart ID "XX", country 'E'), check code
/// 0x1122334455667788.
fn rom_z64() -> Vec<u8> {
    RomBuilder::new(0x10_0000).seed(3).stored(Stored::Raw(CHECK_CODE)).build()
}

/// The records a patch carries, and how the test applies them by hand.
enum Rec<'a> {
    Literal(u32, &'a [u8]),
    Rle(u32, u8, u8),
}

fn records() -> Vec<Rec<'static>> {
    vec![
        Rec::Literal(0x20, b"APS TEST TITLE"),
        Rec::Rle(0x1000, 0xEE, 200),
        Rec::Literal(0xF_FFF0, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
        Rec::Literal(0x10_0100, b"past the source end"),
        Rec::Rle(0x10_0200, 0x5A, 255),
    ]
}

/// An N64-type patch, byte by byte from the layout: magic, type 1, encoding 0, a 50-byte
/// description padded with spaces, image format, cart ID + country, check code, 5 pad bytes,
/// output size (u32 LE), records (offset u32 LE, length u8, data | 0, byte, count).
fn n64_patch(flag: u8, cart_country: [u8; 3], check: u64, size: u32, recs: &[Rec<'_>]) -> Vec<u8> {
    let mut p = b"APS10".to_vec();
    p.push(1);
    p.push(0);
    let mut description = b"an aps test patch".to_vec();
    description.resize(50, b' ');
    p.extend_from_slice(&description);
    p.push(flag);
    p.extend_from_slice(&cart_country);
    p.extend_from_slice(&check.to_be_bytes());
    p.extend_from_slice(&[0; 5]);
    assert_eq!(p.len(), 74);
    p.extend_from_slice(&size.to_le_bytes());
    push_records(&mut p, recs);
    p
}

fn push_records(p: &mut Vec<u8>, recs: &[Rec<'_>]) {
    for rec in recs {
        match *rec {
            Rec::Literal(offset, data) => {
                p.extend_from_slice(&offset.to_le_bytes());
                p.push(u8::try_from(data.len()).unwrap());
                p.extend_from_slice(data);
            }
            Rec::Rle(offset, byte, count) => {
                p.extend_from_slice(&offset.to_le_bytes());
                p.extend_from_slice(&[0, byte, count]);
            }
        }
    }
}

/// The expected output: `source` resized to `size` (zeros added), the records written.
fn expected(source: &[u8], size: u32, recs: &[Rec<'_>]) -> Vec<u8> {
    let mut out = source.to_vec();
    out.resize(size as usize, 0);
    for rec in recs {
        match *rec {
            Rec::Literal(offset, data) => out[offset as usize..offset as usize + data.len()].copy_from_slice(data),
            Rec::Rle(offset, byte, count) => out[offset as usize..offset as usize + usize::from(count)].fill(byte),
        }
    }
    out
}

const OUT_SIZE: u32 = 0x10_0400;

#[test]
fn an_n64_patch_applies_to_a_z64_source() {
    let source = rom_z64();
    let patch = n64_patch(1, *b"XXE", CHECK_CODE, OUT_SIZE, &records());
    let applied = aps::apply_with(&source, &patch, &Options { verify_source: true }).unwrap();
    assert_eq!(applied, Applied { output: expected(&source, OUT_SIZE, &records()), warnings: vec![] });
    assert_eq!(aps::apply(&source, &patch).unwrap(), applied.output);
    let info = aps::info(&patch).unwrap();
    assert_eq!(info.description, "an aps test patch");
    assert_eq!(
        info.n64,
        Some(N64Source { byte_swapped: false, cart_id: *b"XX", country: b'E', check_code: CHECK_CODE.to_be_bytes() })
    );
    assert_eq!((info.output_size, info.records), (OUT_SIZE, 5));
}

#[test]
fn a_v64_patch_applies_to_the_byte_swapped_source() {
    let source = Order::V64.store(&rom_z64());
    // Cart ID and check code stay big-endian in the patch; the records are in v64 order.
    let patch = n64_patch(0, *b"XXE", CHECK_CODE, OUT_SIZE, &records());
    let applied = aps::apply_with(&source, &patch, &Options { verify_source: true }).unwrap();
    assert_eq!(applied.output, expected(&source, OUT_SIZE, &records()));
    assert!(applied.warnings.is_empty());
    assert!(aps::info(&patch).unwrap().n64.unwrap().byte_swapped);
    // The same patch on the big-endian ROM reads a different check code: refused.
    assert!(matches!(aps::apply(&rom_z64(), &patch), Err(Error::CheckCodeMismatch { .. })));
    // And a z64 patch on the v64 ROM.
    let z64_patch = n64_patch(1, *b"XXE", CHECK_CODE, OUT_SIZE, &records());
    assert!(matches!(
        aps::apply(&source, &z64_patch),
        Err(Error::CartIdMismatch { .. } | Error::CheckCodeMismatch { .. })
    ));
}

#[test]
fn the_output_size_truncates_too() {
    let source = rom_z64();
    let recs = [Rec::Literal(0x10, b"abc")];
    let patch = n64_patch(1, *b"XXE", CHECK_CODE, 0x800, &recs);
    assert_eq!(aps::apply(&source, &patch).unwrap(), expected(&source[..0x800], 0x800, &recs));
}

#[test]
fn a_wrong_cart_id_or_check_code_is_refused_unless_told_not_to_verify() {
    let source = rom_z64();
    let patch = n64_patch(1, *b"ZLE", CHECK_CODE, OUT_SIZE, &records());
    let error = aps::apply(&source, &patch).unwrap_err();
    assert_eq!(error, Error::CartIdMismatch { expected: *b"ZL", found: *b"XX" });
    assert!(error.to_string().contains("0x3c"), "{error}");
    let patch = n64_patch(1, *b"XXE", CHECK_CODE ^ 1, OUT_SIZE, &records());
    let error = aps::apply(&source, &patch).unwrap_err();
    assert!(matches!(error, Error::CheckCodeMismatch { .. }), "{error:?}");
    assert!(error.to_string().contains("0x10"), "{error}");
    let applied = aps::apply_with(&source, &patch, &Options { verify_source: false }).unwrap();
    assert_eq!(applied.output, expected(&source, OUT_SIZE, &records()));
}

#[test]
fn a_different_country_only_warns() {
    let source = rom_z64();
    let patch = n64_patch(1, *b"XXJ", CHECK_CODE, OUT_SIZE, &records());
    let applied = aps::apply_with(&source, &patch, &Options { verify_source: true }).unwrap();
    assert_eq!(applied.output, expected(&source, OUT_SIZE, &records()));
    assert_eq!(applied.warnings, vec![Warning::CountryMismatch { expected: b'J', found: b'E' }]);
    assert!(applied.warnings[0].to_string().contains("0x3e"));
}

#[test]
fn a_simple_patch_has_no_source_check() {
    let mut patch = b"APS10\x00\x00".to_vec();
    patch.extend_from_slice(b"simple\0\0\0\0");
    patch.resize(57, b' ');
    patch.extend_from_slice(&6u32.to_le_bytes());
    push_records(&mut patch, &[Rec::Literal(1, b"XY"), Rec::Rle(3, b'-', 3)]);
    assert_eq!(aps::apply(b"abcd", &patch).unwrap(), b"aXY---");
    let info = aps::info(&patch).unwrap();
    assert_eq!((info.description.as_str(), info.n64, info.output_size, info.records), ("simple", None, 6, 2));
}

#[test]
fn malformed_headers_are_refused() {
    let good = n64_patch(1, *b"XXE", CHECK_CODE, 0x40, &[]);
    let source = rom_z64();
    assert!(aps::apply(&source, &good).is_ok());
    for patch in [&b""[..], b"APS1", b"APS1\x0A", b"PATCH", b"aps10\x01\x00"] {
        assert_eq!(aps::apply(&source, patch), Err(Error::BadMagic), "{patch:?}");
    }
    for cut in 5..good.len() {
        assert_eq!(
            aps::apply(&source, &good[..cut]),
            Err(Error::TruncatedHeader { len: cut, need: if cut < 7 { 7 } else { 78 } })
        );
        assert!(aps::info(&good[..cut]).is_err());
    }
    let mut bad = good.clone();
    bad[5] = 2;
    assert_eq!(aps::apply(&source, &bad), Err(Error::UnknownType(2)));
    let mut bad = good.clone();
    bad[6] = 1;
    assert_eq!(aps::apply(&source, &bad), Err(Error::UnknownEncoding(1)));
    let mut bad = good.clone();
    bad[57] = 2;
    assert_eq!(aps::apply(&source, &bad), Err(Error::UnknownImageFormat(2)));
    let too_big = n64_patch(1, *b"XXE", CHECK_CODE, 0x1000_0001, &[]);
    assert_eq!(aps::apply(&source, &too_big), Err(Error::OutputTooLarge { size: 0x1000_0001 }));
    assert_eq!(aps::info(&too_big), Err(Error::OutputTooLarge { size: 0x1000_0001 }));
}

#[test]
fn truncated_records_are_refused_with_where() {
    let source = rom_z64();
    let recs = [Rec::Literal(0x10, b"abc"), Rec::Rle(0x20, 1, 2)];
    let good = n64_patch(1, *b"XXE", CHECK_CODE, 0x40, &recs);
    assert!(aps::apply(&source, &good).is_ok());
    // Cut right after record 0 it is a valid one-record patch.
    assert!(aps::apply(&source, &good[..78 + 8]).is_ok());
    for cut in (79..good.len()).filter(|&cut| cut != 78 + 8) {
        let record = usize::from(cut > 78 + 8);
        assert_eq!(aps::apply(&source, &good[..cut]), Err(Error::Truncated { record, offset: cut }), "cut {cut}");
    }
    let error = aps::apply(&source, &good[..80]).unwrap_err();
    assert_eq!(error.to_string(), "truncated patch: it ends at patch offset 0x50 inside record 0");
}

#[test]
fn records_past_the_output_size_are_refused() {
    let source = rom_z64();
    let patch = n64_patch(1, *b"XXE", CHECK_CODE, 0x40, &[Rec::Literal(0x10, b"ok"), Rec::Literal(0x3F, b"ab")]);
    let error = aps::apply(&source, &patch).unwrap_err();
    assert_eq!(error, Error::PastOutput { record: 1, patch_offset: 85, end: 0x41, output_size: 0x40 });
    assert!(error.to_string().starts_with("record 1 at patch offset 0x55"), "{error}");
    let patch = n64_patch(1, *b"XXE", CHECK_CODE, 0x40, &[Rec::Rle(0xFFFF_FFFF, 0, 255)]);
    assert!(matches!(aps::info(&patch), Err(Error::PastOutput { .. })));
}

#[test]
fn a_source_too_short_to_check_is_refused() {
    let patch = n64_patch(1, *b"XXE", CHECK_CODE, 0x40, &[]);
    assert_eq!(aps::apply(&[0; 0x3F], &patch), Err(Error::SourceTooShort { len: 0x3F }));
    assert!(aps::apply_with(&[0; 0x3F], &patch, &Options { verify_source: false }).is_ok());
}
