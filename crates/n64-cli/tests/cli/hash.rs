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

/// A bitwise CRC32 (IEEE), written here so the expectation does not come from the code under test.
fn crc32fast_free(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
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
    assert!(run.stdout.contains("6103.z64"), "the good file is still hashed");
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
    assert_eq!(lines.len(), 8, "{}", run.stdout);
    // The stored bytes of a v64 file hash differently from its big-endian form.
    assert_ne!(lines[3], lines[7]);
}
