//! Cross-checks of n64-core against implementations and values from outside it: the
//! `ipl3checksum` crate, published test vectors, and real ROMs from public repositories.

use n64_core::{
    BootCodeFamily, ByteOrder, CheckCodeFix, CheckStatus, CicKind, FinalizeOptions, InspectOptions, Padding,
    check_code, convert, finalize, inspect,
};
use proptest::prelude::*;

/// Our kinds with a header check code, each with ipl3checksum's name for it.
const KINDS: [(CicKind, ipl3checksum::CICKind); 7] = [
    (CicKind::Cic6101, ipl3checksum::CICKind::CIC_6101),
    (CicKind::Cic6102, ipl3checksum::CICKind::CIC_6102_7101),
    (CicKind::Cic7102, ipl3checksum::CICKind::CIC_7102),
    (CicKind::Cic6103, ipl3checksum::CICKind::CIC_X103),
    (CicKind::Cic6105, ipl3checksum::CICKind::CIC_X105),
    (CicKind::Cic6106, ipl3checksum::CICKind::CIC_X106),
    (CicKind::Cic5101, ipl3checksum::CICKind::CIC_5101),
];

fn oracle(rom_be: &[u8], kind: ipl3checksum::CICKind) -> String {
    let (crc1, crc2) = ipl3checksum::calculate_checksum(rom_be, kind).expect("ipl3checksum computes");
    format!("{crc1:08X}{crc2:08X}")
}

fn ours(rom: &[u8], order: ByteOrder, kind: CicKind) -> String {
    check_code::compute(rom, order, kind).expect("n64-core computes").code.to_string()
}

/// Builds a big-endian image from a seed: random header, boot code (which 6105 mixes in) and
/// body (the test kit's generator). `boot_address` lets 5101 take its long mode.
fn image(seed: u64, len: usize, boot_address: u32) -> Vec<u8> {
    let mut rom = n64_testkit::Rng(seed).bytes(len);
    if let Some(field) = rom.get_mut(8..12) {
        field.copy_from_slice(&boot_address.to_be_bytes());
    }
    rom
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every kind, every byte order: convert, compute, compare with ipl3checksum on big-endian bytes.
    #[test]
    fn check_code_matches_ipl3checksum(seed in any::<u64>(), kind_index in 0usize..KINDS.len()) {
        let (ours_kind, their_kind) = KINDS[kind_index];
        let rom = image(seed, check_code::CHECK_PREFIX_LEN, 0x8000_0400);
        let expected = oracle(&rom, their_kind);
        for order in ByteOrder::ALL {
            let mut stored = rom.clone();
            convert(&mut stored, ByteOrder::Z64, order).unwrap();
            prop_assert_eq!(&ours(&stored, order, ours_kind), &expected, "{:?} in {}", ours_kind, order);
        }
    }

    /// Bodies with many equal and boundary words exercise the comparisons in the loop.
    #[test]
    fn check_code_matches_on_low_entropy_bodies(words in proptest::collection::vec(prop_oneof![Just(0u32), Just(u32::MAX), Just(0x8000_0000), any::<u32>()], 64), kind_index in 0usize..KINDS.len()) {
        let (ours_kind, their_kind) = KINDS[kind_index];
        let mut rom = vec![0u8; check_code::CHECK_PREFIX_LEN];
        for (i, chunk) in rom[0x1000..].chunks_exact_mut(4).enumerate() {
            chunk.copy_from_slice(&words[i % words.len()].to_be_bytes());
        }
        prop_assert_eq!(ours(&rom, ByteOrder::Z64, ours_kind), oracle(&rom, their_kind));
    }

    /// Short images count as zero-padded: the same as ipl3checksum on the padded copy.
    #[test]
    fn short_images_are_zero_padded(seed in any::<u64>(), len in 0x40usize..0x2_0000, kind_index in 0usize..KINDS.len()) {
        let (ours_kind, their_kind) = KINDS[kind_index];
        let len = len & !3;
        let rom = image(seed, len, 0x8000_0400);
        let mut padded = rom.clone();
        padded.resize(check_code::CHECK_PREFIX_LEN, 0);
        for order in ByteOrder::ALL {
            let mut stored = rom.clone();
            convert(&mut stored, ByteOrder::Z64, order).unwrap();
            let computed = check_code::compute(&stored, order, ours_kind).unwrap();
            prop_assert!(computed.padded);
            prop_assert_eq!(computed.code.to_string(), oracle(&padded, their_kind));
        }
    }

    /// Byte-order conversion is a bijection: any order to any other and back is the identity.
    #[test]
    fn conversion_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let len = bytes.len() & !3;
        for from in ByteOrder::ALL {
            for to in ByteOrder::ALL {
                let mut buf = bytes[..len].to_vec();
                convert(&mut buf, from, to).unwrap();
                convert(&mut buf, to, from).unwrap();
                prop_assert_eq!(&buf[..], &bytes[..len]);
            }
        }
    }

    /// `finalize` writes the check code ipl3checksum computes for the finished image, in every
    /// byte order, with and without padding.
    #[test]
    fn finalize_writes_what_ipl3checksum_computes(seed in any::<u64>(), kind_index in 0usize..KINDS.len(), len in 0x1000usize..0x4_0000, pad in any::<bool>()) {
        let (ours_kind, their_kind) = KINDS[kind_index];
        let be = image(seed, len & !3, 0x8000_0400);
        for order in ByteOrder::ALL {
            let mut stored = be.clone();
            convert(&mut stored, ByteOrder::Z64, order).unwrap();
            let mut options = FinalizeOptions::default();
            options.order = Some(order);
            options.padding = if pad { Padding::NextMebibyte } else { Padding::None };
            let mut fix = CheckCodeFix::default();
            fix.cic = Some(ours_kind);
            fix.allow_contradiction = true; // random boot code may happen to look like a known one
            options.check_code = Some(fix);
            let plan = finalize(&stored, stored.len() as u64, &options).unwrap();
            plan.apply(&mut stored).unwrap();
            prop_assert_eq!(stored.len() as u64, if pad { 0x20_0000 } else { be.len() as u64 });
            let mut finished = stored.clone();
            convert(&mut finished, order, ByteOrder::Z64).unwrap();
            let mut padded = finished.clone();
            padded.resize(padded.len().max(check_code::CHECK_PREFIX_LEN), 0);
            let stored_code = format!("{:016X}", u64::from_be_bytes(finished[0x10..0x18].try_into().unwrap()));
            prop_assert_eq!(stored_code, oracle(&padded, their_kind), "{:?} in {}", ours_kind, order);
        }
    }

    /// Inspection never panics, whatever the bytes.
    #[test]
    fn inspect_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..0x1100)) {
        let _ = inspect(&bytes, bytes.len() as u64, InspectOptions::default());
        let _ = inspect(&bytes, bytes.len() as u64, InspectOptions::default().with_cic(Some(CicKind::Cic6105)).with_order(Some(ByteOrder::V64)));
    }
}

#[test]
fn the_5101_long_mode_matches_ipl3checksum() {
    // Entry point 0x80000400 after the 5101 adjustment: the boot code checks 0x3FE000 bytes.
    let rom = image(7, 0x1000 + check_code::DATA_LEN_5101_LONG, 0x8010_0400);
    let expected = oracle(&rom, ipl3checksum::CICKind::CIC_5101);
    for order in ByteOrder::ALL {
        let mut stored = rom.clone();
        convert(&mut stored, ByteOrder::Z64, order).unwrap();
        let computed = check_code::compute(&stored, order, CicKind::Cic5101).unwrap();
        assert_eq!(computed.data_len, check_code::DATA_LEN_5101_LONG);
        assert_eq!(computed.code.to_string(), expected);
    }
}

/// Published vectors (anchors §2.3): header and boot code zero; "zeros" body, and "ramp" body
/// with word i = i·0x01010101 + 0x12345678.
#[test]
fn published_vectors() {
    let table: [(CicKind, &str, &str); 5] = [
        (CicKind::Cic6102, "F8CA4DDC303A4DDC", "50AE4C62AE933717"),
        (CicKind::Cic6103, "A388675940EC6759", "FC7469E0A74583F3"),
        (CicKind::Cic6105, "DF26F436DF26F436", "370AF2BC3724F428"),
        (CicKind::Cic6106, "04100F9E89F80F9E", "6F27C00066F2AFBA"),
        (CicKind::Cic5101, "95104FDDD4844FDD", "0F0C519C381699C6"),
    ];
    let zeros = vec![0u8; check_code::CHECK_PREFIX_LEN];
    let mut ramp = zeros.clone();
    for (i, chunk) in ramp[0x1000..].chunks_exact_mut(4).enumerate() {
        let word = u32::try_from(i).unwrap().wrapping_mul(0x0101_0101).wrapping_add(0x1234_5678);
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    for (kind, zero_value, ramp_value) in table {
        assert_eq!(ours(&zeros, ByteOrder::Z64, kind), zero_value, "{kind:?} zeros");
        assert_eq!(ours(&ramp, ByteOrder::Z64, kind), ramp_value, "{kind:?} ramp");
    }
    // 6101 and 7102 share the 6102 algorithm and seed.
    assert_eq!(ours(&zeros, ByteOrder::Z64, CicKind::Cic6101), "F8CA4DDC303A4DDC");
    assert_eq!(ours(&ramp, ByteOrder::Z64, CicKind::Cic7102), "50AE4C62AE933717");
}

/// The spec's table gives 6106's initial value as seed × 0x5D588B65 + 1, which is wrong: the
/// 6103/6106 boot code multiplies by 0x6C078965 (ipl3checksum, Project64, uCON64 agree).
#[test]
fn the_spec_multiplier_for_6106_is_wrong() {
    assert_eq!(0x85u32.wrapping_mul(0x6C07_8965).wrapping_add(1), 0x1FEA_617A);
    assert_ne!(0x85u32.wrapping_mul(0x5D58_8B65).wrapping_add(1), 0x1FEA_617A);
}

/// The folder of real ROMs named by `N64_ROM_DIR`, if set.
fn rom_dir() -> Option<std::path::PathBuf> {
    n64_testkit::paths::real_rom_dir()
}

/// Real ROMs from public repositories, described in `EXPECTED.json` by independent tools.
/// Runs when `N64_ROM_DIR` is set.
#[test]
fn real_roms_agree_with_expected_json() {
    let Some(dir) = rom_dir() else { return };
    let Ok(expected) = std::fs::read_to_string(dir.join("EXPECTED.json")) else {
        eprintln!("skipped: no EXPECTED.json in {}", dir.display());
        return;
    };
    let expected: serde_json::Value = serde_json::from_str(&expected).unwrap();
    let mut seen = 0;
    for (name, facts) in expected.as_object().unwrap() {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let info = inspect(&bytes, bytes.len() as u64, InspectOptions::default()).unwrap();
        assert_eq!(info.order.name(), facts["format"], "{name}");
        assert_eq!(info.cic.map(CicKind::name), facts["cic"].as_str(), "{name}");
        assert_eq!(info.family().map(BootCodeFamily::name), facts["boot_code"].as_str(), "{name}");
        assert_eq!(info.header.check_code().to_string(), facts["stored_check_code"], "{name}");
        assert_eq!(info.check.is_valid(), facts["check_code_valid"].as_bool(), "{name}");
        if facts["boot_code"] == "libdragon" {
            assert!(matches!(info.check, CheckStatus::NotRequired(_)), "{name}");
        }
        // The IPL2 checksum, not a hash table, recognised them.
        assert_eq!(info.cic_source, Some(n64_core::DetectedBy::Ipl2Checksum), "{name}");
        // And ipl3checksum agrees on every Nintendo-booted one.
        if bytes.len() >= check_code::CHECK_PREFIX_LEN {
            let oracle = oracle(&bytes, ipl3checksum::CICKind::CIC_6102_7101);
            assert_eq!(info.check.computed().unwrap().code.to_string(), oracle, "{name}");
        }
        // Conversions round-trip, and detection finds the order from the magic in each.
        let even = bytes.len() & !3;
        for order in ByteOrder::ALL {
            let mut stored = bytes[..even].to_vec();
            convert(&mut stored, ByteOrder::Z64, order).unwrap();
            let again = inspect(&stored, stored.len() as u64, InspectOptions::default()).unwrap();
            assert_eq!((again.order, again.cic, again.check.is_valid()), (order, info.cic, info.check.is_valid()));
            convert(&mut stored, order, ByteOrder::Z64).unwrap();
            assert_eq!(stored, bytes[..even]);
        }
        seen += 1;
    }
    assert!(seen > 0);
}

/// With the first word overwritten (homebrew PI timings), the order is inferred from the boot code.
#[test]
fn order_is_inferred_when_the_magic_is_missing() {
    let Some(dir) = rom_dir() else { return };
    let Ok(bytes) = std::fs::read(dir.join("libdragon_ipl3_prod.z64")) else {
        eprintln!("skipped: no libdragon_ipl3_prod.z64 in {}", dir.display());
        return;
    };
    let mut bytes = bytes[..bytes.len() & !3].to_vec();
    bytes[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x44]);
    for order in ByteOrder::ALL {
        let mut stored = bytes.clone();
        convert(&mut stored, ByteOrder::Z64, order).unwrap();
        let info = inspect(&stored, stored.len() as u64, InspectOptions::default()).unwrap();
        assert_eq!(info.order, order);
        assert!(info.order_source.is_inferred());
        assert_eq!(info.cic, Some(CicKind::Cic6102));
    }
}
