//! 7z archives made by 7-Zip (`7zz`, `7z` or `7za`).

use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use n64_archive::{ArchiveError, MemberInfo, for_each_member, list};
use n64_testkit::tools;

use crate::common::{
    Fixture, Listed, assert_contents, assert_member_fails, assert_truncations_fail, read_all, seven_zip_listing,
    write_flipped,
};

/// Builds `name` from the sample tree with `7zz a ARGS`.
fn build(fixture: &Fixture, seven_zip: &Path, args: &[&str], name: &str) -> PathBuf {
    let archive = fixture.path(name);
    let mut full = vec!["a", "-bd", "-bso0"];
    full.extend_from_slice(args);
    full.extend([archive.to_str().unwrap(), "."]);
    fixture.run(seven_zip, &full);
    archive
}

/// Checks `list` against `7zz l -slt` and the bytes against the files.
fn check_method(args: &[&str], name: &str) {
    let Some(seven_zip) = tools::seven_zip() else { return };
    let fixture = Fixture::new();
    let archive = build(&fixture, &seven_zip, args, name);

    let listed = list(&archive).unwrap();
    assert_eq!(listed.iter().map(Listed::of).collect::<Vec<_>>(), seven_zip_listing(&seven_zip, &archive));
    assert_eq!(listed.iter().filter(|m| m.is_dir).count(), 2, "sub and sub/deeper: {listed:?}");

    let members = read_all(&archive).unwrap();
    assert_eq!(members.iter().map(|(info, _)| info.clone()).collect::<Vec<_>>(), listed, "directory order");
    assert_eq!(assert_contents(&fixture, &members), 6);
}

#[test]
fn lzma2_non_solid() {
    check_method(&["-m0=lzma2", "-ms=off"], "lzma2.7z");
}

#[test]
fn lzma2_solid() {
    check_method(&["-m0=lzma2", "-ms=on"], "solid.7z");
}

#[test]
fn lzma_solid_with_bcj2_and_uncompressed_header() {
    check_method(
        &["-m0=BCJ2", "-m1=LZMA", "-m2=LZMA", "-m3=LZMA", "-mb0:1", "-mb0s1:2", "-mb0s2:3", "-mhc=off"],
        "bcj2.7z",
    );
}

#[test]
fn bzip2() {
    check_method(&["-m0=bzip2"], "bzip2.7z");
}

#[test]
fn copy() {
    check_method(&["-m0=copy"], "copy.7z");
}

#[test]
fn deflate() {
    check_method(&["-m0=deflate"], "deflate.7z");
}

#[test]
fn ppmd() {
    check_method(&["-m0=PPMd"], "ppmd.7z");
}

#[test]
fn an_empty_7z_has_no_members() {
    let Some(seven_zip) = tools::seven_zip() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("nothing")).unwrap();
    let archive = dir.path().join("empty.7z");
    tools::run_in(&dir.path().join("nothing"), &seven_zip, &["a", "-bso0", archive.to_str().unwrap(), "."]);
    assert!(list(&archive).unwrap().is_empty());
    assert!(read_all(&archive).unwrap().is_empty());
}

/// Many members in one solid block, visited with every kind of read.
#[test]
fn skipped_and_partly_read_members_do_not_break_a_solid_block() {
    let Some(seven_zip) = tools::seven_zip() else { return };
    let mut fixture = Fixture::new();
    for i in 0..24_u64 {
        let data = n64_testkit::Rng(i).bytes(usize::try_from(1000 + i * 3001).unwrap());
        let name = format!("many/{i:02}.bin");
        std::fs::create_dir_all(fixture.src().join("many")).unwrap();
        std::fs::write(fixture.src().join(&name), &data).unwrap();
        fixture.files.push((name, data));
    }
    fixture.files.push(("many/".into(), Vec::new()));
    let archive = build(&fixture, &seven_zip, &["-ms=on", "-m0=lzma2"], "many.7z");
    let listed = list(&archive).unwrap();

    let mut seen: Vec<MemberInfo> = Vec::new();
    for_each_member(&archive, &mut |info, data| {
        seen.push(info.clone());
        match info.index % 3 {
            0 => {} // skipped
            1 => {
                let mut head = [0; 100];
                let _ = data.read(&mut head)?;
            }
            _ => {
                let mut all = Vec::new();
                data.read_to_end(&mut all)?;
                if !info.is_dir {
                    assert_eq!(all.as_slice(), fixture.original(&info.name), "{}", info.name);
                }
            }
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, listed);
}

#[test]
fn a_corrupt_data_byte_fails_with_invalid_data() {
    let Some(seven_zip) = tools::seven_zip() else { return };
    let fixture = Fixture::new();

    // Stored data: change a byte of the random ROM where it lies in the archive.
    let archive = build(&fixture, &seven_zip, &["-m0=copy"], "copy.7z");
    let bytes = std::fs::read(&archive).unwrap();
    let rom = fixture.original("sub/rom.z64");
    let window = &rom[60_000..60_032];
    let at = bytes.windows(window.len()).position(|w| w == window).unwrap();
    let bad = fixture.path("bad-copy.7z");
    write_flipped(&bad, &bytes, at);
    assert_member_fails(&bad);

    // Compressed data: a byte anywhere in the packed streams (from 32 to the header's offset;
    // with the header left uncompressed, none of them is the header's).
    for method in ["-m0=lzma2", "-m0=bzip2", "-m0=deflate", "-m0=PPMd"] {
        for solid in ["-ms=on", "-ms=off"] {
            let archive = build(&fixture, &seven_zip, &[method, solid, "-mhc=off"], "packed.7z");
            let bytes = std::fs::read(&archive).unwrap();
            let packed = usize::try_from(u64::from_le_bytes(bytes[12..20].try_into().unwrap())).unwrap();
            for at in [32 + packed / 4, 32 + packed / 2, 32 + packed - 10] {
                let bad = fixture.path("bad-packed.7z");
                write_flipped(&bad, &bytes, at);
                assert_member_fails(&bad);
            }
            std::fs::remove_file(&archive).unwrap();
        }
    }
}

#[test]
fn sevenz_rust2_checks_the_crc_itself() {
    // What the checked reader relies on besides its own check.
    let Some(seven_zip) = tools::seven_zip() else { return };
    let fixture = Fixture::new();
    let archive = build(&fixture, &seven_zip, &["-m0=copy"], "copy.7z");
    let mut bytes = std::fs::read(&archive).unwrap();
    let rom = fixture.original("sub/rom.z64");
    let at = bytes.windows(32).position(|w| w == &rom[1000..1032]).unwrap();
    bytes[at] ^= 1;
    let mut reader = sevenz_rust2::ArchiveReader::new(io::Cursor::new(bytes), sevenz_rust2::Password::empty()).unwrap();
    assert!(reader.read_file("sub/rom.z64").is_err());
}

#[test]
fn truncated_7z_archives_fail_cleanly() {
    let Some(seven_zip) = tools::seven_zip() else { return };
    let fixture = Fixture::new();
    for (args, name) in [(&["-ms=on"][..], "solid.7z"), (&["-mhc=off", "-m0=copy"][..], "plain.7z")] {
        let archive = build(&fixture, &seven_zip, args, name);
        assert_truncations_fail(fixture.dir.path(), &std::fs::read(&archive).unwrap());
    }
}

#[test]
fn visitor_errors_and_panics() {
    let Some(seven_zip) = tools::seven_zip() else { return };
    let fixture = Fixture::new();
    let archive = build(&fixture, &seven_zip, &["-ms=on"], "v.7z");

    let mut visited = 0;
    let err = for_each_member(&archive, &mut |info, _| {
        visited += 1;
        if info.size > 0 { Err(io::Error::other("enough")) } else { Ok(()) }
    })
    .unwrap_err();
    assert!(matches!(&err, ArchiveError::Visitor(e) if e.to_string() == "enough"), "{err:?}");
    assert!(visited >= 1);

    // A panic in the visitor, called from inside sevenz-rust2, still reaches the caller as is.
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = for_each_member(&archive, &mut |info, _| {
            assert!(info.size == 0, "visitor bug");
            Ok(())
        });
    }))
    .unwrap_err();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"visitor bug"));
}

#[test]
fn encrypted_members_and_headers_are_unsupported() {
    let Some(seven_zip) = tools::seven_zip() else { return };
    let fixture = Fixture::new();
    let archive = build(&fixture, &seven_zip, &["-psecret", "-mhe=off"], "secret.7z");
    assert_eq!(list(&archive).unwrap().len(), seven_zip_listing(&seven_zip, &archive).len());
    match read_all(&archive) {
        Err(ArchiveError::Unsupported { name, what }) => {
            assert!(!name.is_empty());
            assert_eq!(what, "encryption (AES-256)");
        }
        other => panic!("unexpected {other:?}"),
    }
    let archive = build(&fixture, &seven_zip, &["-psecret", "-mhe=on"], "hidden.7z");
    match list(&archive) {
        Err(ArchiveError::Unsupported { name, what }) => {
            assert_eq!((name.as_str(), what.as_str()), ("", "an encrypted header"));
        }
        other => panic!("unexpected {other:?}"),
    }
}
