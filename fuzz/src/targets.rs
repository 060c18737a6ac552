//! Fuzz targets for n64-core: each takes arbitrary bytes and checks invariants, panicking (a
//! crash for the fuzzer) when one fails. The same functions replay the saved corpus as an
//! ordinary test (`crates/n64-core/tests/fuzz_corpus.rs` includes this file).

use n64_core::{
    BOOT_CODE_LEN, BootCode, ByteOrder, CheckCodeAction, CheckCodeFix, CicKind, Controller, FinalizeOptions, GameCode,
    Header, HomebrewHeader, InspectOptions, Padding, SaveType, Title, check_code, convert, detect_order, finalize,
    inspect, write_check_code,
};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name, as the fuzz binary and the corpus replay select them.
pub const TARGETS: [(&str, Target); 8] = [
    ("byte_order", byte_order),
    ("header", header),
    ("title", title),
    ("cic", cic),
    ("check_code", check_code_target),
    ("homebrew", homebrew),
    ("inspect", inspect_target),
    ("finalize", finalize_target),
];

/// Detection never panics; conversion between any two orders round-trips or refuses untouched.
pub fn byte_order(data: &[u8]) {
    let _ = detect_order(data);
    for from in ByteOrder::ALL {
        for to in ByteOrder::ALL {
            let mut buf = data.to_vec();
            match convert(&mut buf, from, to) {
                Ok(()) => {
                    convert(&mut buf, to, from).expect("the way back has the same length");
                    assert_eq!(buf, data, "{from} -> {to} -> {from}");
                }
                Err(_) => assert_eq!(buf, data, "a refused conversion changes nothing"),
            }
        }
    }
}

/// Every getter works on any header; every setter either refuses (changing nothing) or writes a
/// value that reads back, touching only its own bytes.
pub fn header(data: &[u8]) {
    let Some(raw) = data.get(..64) else { return };
    let raw: [u8; 64] = raw.try_into().expect("64 bytes");
    let rest = &data[64..];
    let original = Header::from_be_bytes(raw);
    let _ = format!("{original:?} {} {}", original.pi_config(), original.game_code());
    let _ = original.libultra_version().version();
    let _ = original.effective_clock_rate();
    let _ = original.game_code().serial();

    let text = String::from_utf8_lossy(rest);
    let mut h = original;
    match h.set_title(&text) {
        Ok(()) => {
            assert_eq!(h.title().text(), text.trim_end_matches(' '));
            assert_eq!(h.as_be_bytes()[..0x20], raw[..0x20]);
            assert_eq!(h.as_be_bytes()[0x34..], raw[0x34..]);
        }
        Err(_) => assert_eq!(h, original),
    }

    let mut h = original;
    if let Ok(code) = text.get(..4).unwrap_or("").parse::<GameCode>() {
        match h.set_game_code(code) {
            Ok(()) => assert_eq!(h.game_code(), code),
            Err(_) => assert_eq!(h, original),
        }
    }
    let mut h = original;
    if let Some(&v) = rest.first() {
        match h.set_rom_version(v) {
            Ok(()) => assert_eq!(h.rom_version(), Some(v)),
            Err(_) => assert_eq!(h, original),
        }
    }
    for order in ByteOrder::ALL {
        let mut stored = [0u8; 64];
        original.write(&mut stored, order).expect("64 bytes");
        assert_eq!(Header::read(&stored, order).expect("64 bytes"), original);
    }
}

/// Decoding never panics, the escaped form is lossless, and a clean title re-encodes to itself.
pub fn title(data: &[u8]) {
    let mut raw = [b' '; 20];
    let n = data.len().min(20);
    raw[..n].copy_from_slice(&data[..n]);
    let t = Title::from_raw(raw);
    let text = t.text();
    assert_eq!(unescape(&t.escaped()), t.trimmed());
    if t.is_clean() {
        let again = Title::encode(&text).expect("a clean title encodes");
        assert_eq!(again.trimmed(), t.trimmed());
    }
    if let Ok(s) = std::str::from_utf8(data)
        && let Ok(encoded) = Title::encode(s)
    {
        assert_eq!(encoded.text(), s.trim_end_matches(' '));
    }
}

fn unescape(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\\') => out.push(b'\\'),
                Some('x') => {
                    let hex: String = chars.by_ref().take(2).collect();
                    out.push(u8::from_str_radix(&hex, 16).expect("two hex digits"));
                }
                other => panic!("bad escape {other:?}"),
            }
        } else {
            let mut encoded = [0u8; 20];
            let title = Title::encode(c.encode_utf8(&mut [0; 4])).expect("escaped text encodes");
            encoded.copy_from_slice(title.raw());
            out.push(encoded[0]);
        }
    }
    out
}

/// Boot code identification is total and self-consistent.
pub fn cic(data: &[u8]) {
    let mut boot = [0u8; BOOT_CODE_LEN];
    let n = data.len().min(BOOT_CODE_LEN);
    boot[..n].copy_from_slice(&data[..n]);
    let id = BootCode::identify(&boot);
    assert_eq!(id.cic.is_some(), id.detected_by.is_some());
    assert_eq!(id.crc32, n64_testkit::cic::crc32_reference(&boot));
}

/// The check code is the same in every byte order, and writing it makes the ROM valid.
pub fn check_code_target(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else { return };
    let kind = CicKind::ALL[usize::from(selector) % CicKind::ALL.len()];
    let be = &body[..body.len() & !3];
    let Ok(reference) = check_code::compute(be, ByteOrder::Z64, kind) else {
        assert!(kind.is_64dd());
        return;
    };
    for order in [ByteOrder::V64, ByteOrder::N64] {
        let mut stored = be.to_vec();
        convert(&mut stored, ByteOrder::Z64, order).expect("aligned");
        assert_eq!(check_code::compute(&stored, order, kind).expect("computes"), reference, "{order}");
    }
    if be.len() >= 0x18 {
        let mut fixed = be.to_vec();
        write_check_code(&mut fixed, ByteOrder::Z64, reference.code).expect("has a header");
        // The check code covers 0x1000.., so writing it leaves the value unchanged.
        assert_eq!(check_code::compute(&fixed, ByteOrder::Z64, kind).expect("computes"), reference);
    }
}

/// Decoding and encoding the homebrew header round-trip exactly.
pub fn homebrew(data: &[u8]) {
    let mut raw = [0u8; 64];
    let n = data.len().min(64);
    raw[..n].copy_from_slice(&data[..n]);
    raw[0x3C..0x3E].copy_from_slice(b"ED");
    let hb = HomebrewHeader::decode(&raw).expect("marker present");
    let mut again = raw;
    hb.encode(&mut again).expect("decoded values encode");
    assert_eq!(again, raw);
    for c in hb.controllers {
        if let Some(name) = c.name() {
            assert_eq!(name.parse::<Controller>().expect("names parse"), c);
        }
    }
    if let Some(name) = hb.save_type.name() {
        assert_eq!(name.parse::<SaveType>().expect("names parse"), hb.save_type);
    }
}

/// The whole pipeline never panics, and a planned fix makes the ROM valid.
pub fn inspect_target(data: &[u8]) {
    let Ok(info) = inspect(data, data.len() as u64, InspectOptions::default()) else { return };
    let _ = info.entry_point();
    assert_eq!(info.cic_contradiction(), None, "nothing given, nothing contradicted");
    let mut options = FinalizeOptions::default();
    options.order = Some(info.order);
    let mut fix = CheckCodeFix::default();
    fix.when_not_verified = true;
    options.check_code = Some(fix);
    let Ok(plan) = finalize(data, data.len() as u64, &options) else { return };
    if let CheckCodeAction::Written { new, .. } = plan.check_code {
        let mut fixed = data.to_vec();
        write_check_code(&mut fixed, info.order, new).expect("has a header");
        let given = InspectOptions::default().with_order(Some(info.order)).with_cic(info.cic);
        let after = inspect(&fixed, fixed.len() as u64, given).expect("still a ROM");
        assert_eq!(after.header.check_code(), new);
        let again = finalize(&fixed, fixed.len() as u64, &options).expect("plannable");
        assert!(!again.changes(), "fixing twice changes nothing");
    }
}

/// Finalizing never panics; an applied plan has the planned size and header, and its check
/// code, when one was computed, is what inspecting the result computes.
pub fn finalize_target(data: &[u8]) {
    let Some((&selector, image)) = data.split_first() else { return };
    let mut options = FinalizeOptions::default();
    options.padding = match selector & 3 {
        0 => Padding::None,
        1 => Padding::CheckedRange,
        2 => Padding::To(image.len() as u64 + 4),
        _ => Padding::To(image.len() as u64 / 2),
    };
    if selector & 4 != 0 {
        options.edit.title = Some(String::from_utf8_lossy(image.get(0x1000..0x1018).unwrap_or(b"T")).into_owned());
    }
    if selector & 8 != 0 {
        let mut fix = CheckCodeFix::default();
        fix.cic = (selector & 16 != 0).then(|| CicKind::ALL[usize::from(selector >> 5) % CicKind::ALL.len()]);
        fix.when_not_verified = true;
        fix.allow_contradiction = selector & 32 != 0;
        options.check_code = Some(fix);
    }
    let Ok(plan) = finalize(image, image.len() as u64, &options) else { return };
    let mut finished = image.to_vec();
    plan.apply(&mut finished).expect("the image planned for");
    assert_eq!(finished.len() as u64, plan.size);
    let order = plan.before.order;
    assert_eq!(Header::read(&finished, order).expect("has a header"), plan.header);
    let cic = match plan.check_code {
        CheckCodeAction::Written { cic, .. } | CheckCodeAction::AlreadyValid { cic } => cic,
        _ => return,
    };
    let given = InspectOptions::default().with_order(Some(order)).with_cic(Some(cic));
    let after = inspect(&finished, finished.len() as u64, given).expect("still a ROM");
    let computed = after.check.computed().map(|c| c.code);
    assert_eq!(computed, Some(plan.header.check_code()), "the header holds the computed code");
}
