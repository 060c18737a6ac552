//! The fixtures in `testdata/`: up to date, their manifest right by ipl3checksum, and n64-core
//! agreeing with the manifest.

use std::fs;
use std::path::PathBuf;

use n64_core::{InspectOptions, inspect};
use serde_json::Value;

fn testdata() -> PathBuf {
    xtask::testdata_dir()
}

/// The manifest's `files` map, sorted by name.
fn entries() -> Vec<(String, Value)> {
    let text = fs::read_to_string(testdata().join(xtask::fixtures::MANIFEST)).expect("testdata/MANIFEST.json reads");
    let manifest: Value = serde_json::from_str(&text).expect("the manifest is JSON");
    let files = manifest["files"].as_object().expect("the manifest has a files map");
    assert!(!files.is_empty());
    files.iter().map(|(name, entry)| (name.clone(), entry.clone())).collect()
}

fn read(name: &str) -> Vec<u8> {
    fs::read(testdata().join(name)).unwrap_or_else(|e| panic!("reading testdata/{name}: {e}"))
}

/// Big-endian copy of stored bytes, by a definition independent of both the generator and
/// n64-core; a trailing partial word stays as stored (z64 only).
fn to_big_endian(stored: &[u8], format: &str) -> Vec<u8> {
    let mut be = stored.to_vec();
    match format {
        "z64" => {}
        "v64" => be.chunks_exact_mut(2).for_each(|pair| pair.swap(0, 1)),
        "n64" => be.chunks_exact_mut(4).for_each(<[u8]>::reverse),
        other => panic!("unknown format {other}"),
    }
    be
}

fn str_field<'a>(entry: &'a Value, key: &str) -> Option<&'a str> {
    entry.get(key).and_then(Value::as_str)
}

#[test]
fn testdata_is_up_to_date() {
    if let Err(error) = xtask::fixtures::check(&testdata()) {
        panic!("{error:#}");
    }
}

#[test]
fn manifest_agrees_with_ipl3checksum() {
    let mut checked = 0;
    for (name, entry) in entries() {
        let stored = read(&name);
        assert_eq!(entry["size"].as_u64(), Some(stored.len() as u64), "{name}: size");
        if entry.get("error").is_some() {
            continue;
        }
        let format = str_field(&entry, "format").expect("a ROM entry has a format");
        // The trailing partial word (a problem n64 reports) is outside the check code.
        let trailing = usize::try_from(entry["trailing_bytes"].as_u64().expect("trailing_bytes")).unwrap();
        let mut be = to_big_endian(&stored[..stored.len() - trailing], format);
        let code = &entry["check_code"];
        let header_code = format!("{:016X}", u64::from_be_bytes(be[0x10..0x18].try_into().expect("8 bytes")));
        assert_eq!(code["stored"].as_str(), Some(header_code.as_str()), "{name}: stored check code");

        let Some(cic) = str_field(&entry, "cic") else {
            assert!(code["computed"].is_null() && code["valid"].is_null(), "{name}: no CIC, nothing computed");
            continue;
        };
        let kind = n64_testkit::Cic::from_name(cic).unwrap_or_else(|| panic!("{name}: CIC {cic}"));
        let padded = be.len() < 0x10_1000;
        be.resize(be.len().max(0x10_1000), 0);
        let (crc1, crc2) = ipl3checksum::calculate_checksum(&be, kind.oracle_kind()).expect("ipl3checksum computes");
        let computed = format!("{crc1:08X}{crc2:08X}");
        assert_eq!(code["computed"].as_str(), Some(computed.as_str()), "{name}: computed check code");
        assert_eq!(code["padded"].as_bool(), Some(padded), "{name}: padded");
        match str_field(&entry, "boot_code") {
            Some("nintendo") => {
                assert_eq!(code["valid"].as_bool(), Some(computed == header_code), "{name}: valid");
            }
            _ => assert!(code["valid"].is_null(), "{name}: validity does not apply"),
        }
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} ROMs had a check code");
}

/// What n64-core says about a file, in the manifest's terms, or the differences found.
fn core_disagreements(name: &str, entry: &Value) -> Vec<String> {
    let bytes = read(name);
    let result = inspect(&bytes, bytes.len() as u64, InspectOptions::default());
    let mut problems = Vec::new();
    let mut expect = |what: &str, want: Value, got: Value| {
        if want != got {
            problems.push(format!("{name}: {what}: manifest {want}, n64-core {got}"));
        }
    };

    if let Some(error) = str_field(entry, "error") {
        if let Ok(info) = result {
            expect("error", error.into(), format!("Ok({} ROM)", info.order.name()).into());
        }
        return problems;
    }

    let info = match result {
        Ok(info) => info,
        Err(error) => {
            problems.push(format!("{name}: n64-core refuses it: {error}"));
            return problems;
        }
    };
    expect("format", entry["format"].clone(), info.order.name().into());
    expect("order_source", entry["order_source"].clone(), info.order_source.name().into());
    expect("size", entry["size"].clone(), info.size.into());
    expect("trailing_bytes", entry["trailing_bytes"].clone(), info.trailing_bytes.into());
    expect("title", entry["title"].clone(), info.header.title().text().into());
    expect("game_code", entry["game_code"].clone(), info.header.game_code().text().into());
    expect("cic", entry["cic"].clone(), info.cic.map(n64_core::CicKind::name).into());
    expect("boot_code", entry["boot_code"].clone(), info.family().map(n64_core::BootCodeFamily::name).into());

    let code = &entry["check_code"];
    let computed = info.check.computed();
    expect("check_code.stored", code["stored"].clone(), info.header.check_code().to_string().into());
    expect("check_code.computed", code["computed"].clone(), computed.map(|c| c.code.to_string()).into());
    expect("check_code.valid", code["valid"].clone(), info.check.is_valid().into());
    expect("check_code.padded", code["padded"].clone(), computed.is_some_and(|c| c.padded).into());

    let homebrew = info.header.homebrew().map(|hb| {
        serde_json::json!({
            "controllers": hb.controllers.map(n64_core::Controller::name),
            "save_type": hb.save_type.name(),
            "rtc": hb.rtc,
            "region_free": hb.region_free,
        })
    });
    expect("homebrew", entry["homebrew"].clone(), homebrew.unwrap_or(Value::Null));
    problems
}

#[test]
fn n64_core_agrees_with_the_manifest() {
    let entries = entries();
    let problems: Vec<String> = entries.iter().flat_map(|(name, entry)| core_disagreements(name, entry)).collect();
    assert!(problems.is_empty(), "n64-core disagrees with testdata/MANIFEST.json:\n{}", problems.join("\n"));
    // Every kind with a header check code, in every byte order, valid and invalid, is covered.
    for cic in n64_testkit::Cic::ALL {
        assert!(
            entries.iter().any(|(_, e)| str_field(e, "cic") == Some(cic.name()) && e["check_code"]["valid"] == true),
            "no valid fixture for CIC {}",
            cic.name()
        );
    }
    for format in ["z64", "v64", "n64"] {
        for valid in [true, false] {
            assert!(
                entries
                    .iter()
                    .any(|(_, e)| str_field(e, "format") == Some(format) && e["check_code"]["valid"] == valid),
                "no {format} fixture with valid = {valid}"
            );
        }
    }
}
