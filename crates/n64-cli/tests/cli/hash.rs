use std::process::Command;

use crate::support::{n64, testdata, to_order, unchanged};

fn tool(name: &str, path: &std::path::Path) -> String {
    let out = Command::new(name).arg(path).output().expect("coreutils present");
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

/// `n64 hash` agrees with sha1sum/md5sum of a z64 copy, whatever order the input is in.
#[test]
fn hashes_match_coreutils_of_a_big_endian_copy() {
    let data = testdata();
    let be = std::fs::read(data.join("6102-large.z64")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference.z64");
    std::fs::write(&reference, &be).unwrap();
    let (sha1, md5) = (tool("sha1sum", &reference), tool("md5sum", &reference));
    let crc32 = format!("{:08x}", crc32fast_free(&be));
    for order in ["z64", "v64", "n64"] {
        let path = dir.path().join(format!("input.{order}"));
        std::fs::write(&path, to_order(&be, order)).unwrap();
        let run = unchanged(dir.path(), || {
            n64(["hash".as_ref(), "--json".as_ref(), "--as-stored".as_ref(), path.as_os_str()])
        });
        assert_eq!(run.code, 0, "{}", run.stderr);
        let got = &run.json_lines()[0];
        assert_eq!(got["sha1"], sha1.as_str(), "{order}");
        assert_eq!(got["md5"], md5.as_str(), "{order}");
        assert_eq!(got["crc32"], crc32.as_str(), "{order}");
        assert_eq!(got["as_stored"]["sha1"], tool("sha1sum", &path).as_str(), "{order}");
    }
}

/// A bitwise CRC32 (IEEE) from the test kit, so the expectation does not come from the code
/// under test.
fn crc32fast_free(bytes: &[u8]) -> u32 {
    n64_testkit::cic::crc32_reference(bytes)
}

#[test]
fn unaligned_and_non_rom_inputs_are_errors() {
    let data = testdata();
    let run = n64([
        "hash".as_ref(),
        data.join("odd-length.v64").as_os_str(),
        data.join("not-a-rom.txt").as_os_str(),
        data.join("6103.z64").as_os_str(),
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "odd-length.v64: size 0x8001 is not a whole number of 2-byte words, as the v64 byte order needs (pass --pad"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("6103.z64"), "the good file is still hashed");
}

/// B17: with --pad, a partial word is completed with zeros and hashed; the record says so.
#[test]
fn pad_hashes_a_partial_word_as_zero_padded() {
    let data = testdata();
    let stored = std::fs::read(data.join("unaligned.n64")).unwrap();
    let mut padded = stored.clone();
    padded.extend_from_slice(&[0, 0]);
    let be = n64_testkit::Order::N64.load(&padded);
    let run = n64(["hash".as_ref(), "--pad".as_ref(), "--json".as_ref(), data.join("unaligned.n64").as_os_str()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let record = &run.json_lines()[0];
    assert_eq!(record["padded_to"], 0x8004);
    assert_eq!(record["crc32"], format!("{:08x}", crc32fast_free(&be)));
}

/// B16: a file too short for a boot code is no ROM to hash, whatever its first word.
#[test]
fn a_magic_alone_is_not_a_rom() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("magic.z64");
    std::fs::write(&path, [0x80, 0x37, 0x12, 0x40]).unwrap();
    let run = n64(["hash".as_ref(), path.as_os_str()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("magic.z64: header needs 0x40 bytes, input has 0x4"), "{}", run.stderr);
    let info = n64(["info".as_ref(), path.as_os_str()]);
    assert_eq!(info.stderr, run.stderr, "hash and info agree");
}

#[test]
fn human_output_names_the_order_and_each_digest() {
    let data = testdata();
    let path = data.join("6105.v64");
    let run = unchanged(&data, || n64(["hash".as_ref(), "--as-stored".as_ref(), path.as_os_str()]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("{}  (v64, hashed as z64)", path.display()));
    assert!(
        lines[1].starts_with("  crc32  ") && lines[2].starts_with("  md5    ") && lines[3].starts_with("  sha1   ")
    );
    assert_eq!(lines[4], "  as stored:");
    assert_eq!(lines.len(), 9, "{}", run.stdout);
    assert_eq!(lines[8], "1 ROM hashed, 0 errors; 0 other files left alone");
    // The stored bytes of a v64 file hash differently from its big-endian form.
    assert_ne!(lines[3], lines[7]);
}
