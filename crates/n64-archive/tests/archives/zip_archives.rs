//! zip archives made by Info-ZIP's `zip` and Python's `zipfile`.

use std::io::{self, Cursor, Read};
use std::panic::{self, AssertUnwindSafe};

use n64_archive::{ArchiveError, ArchiveKind, for_each_member, for_each_member_in, list, list_in};
use n64_testkit::tools;

use crate::common::{
    Fixture, Listed, assert_contents, assert_member_fails, assert_truncations_fail, python_make_zip,
    python_zip_listing, read_all, write_flipped,
};

/// Builds `name` from the sample tree with `zip -r ARGS`, checks `list` against Python's
/// zipfile and the bytes against the files.
fn check_zip_tool(args: &[&str], name: &str) {
    let (Some(zip), Some(python)) = (tools::zip(), tools::python()) else { return };
    let fixture = Fixture::new();
    let archive = fixture.path(name);
    let mut full = vec!["-q", "-r"];
    full.extend_from_slice(args);
    full.extend([archive.to_str().unwrap(), "."]);
    fixture.run(&zip, &full);

    let listed = list(&archive).unwrap();
    assert_eq!(listed.iter().map(Listed::of).collect::<Vec<_>>(), python_zip_listing(&python, &archive));
    assert_eq!(listed.iter().filter(|m| m.is_dir).count(), 2, "sub/ and sub/deeper/: {listed:?}");

    let members = read_all(&archive).unwrap();
    assert_eq!(members.iter().map(|(info, _)| info.clone()).collect::<Vec<_>>(), listed);
    assert_eq!(assert_contents(&fixture, &members), 6);
}

#[test]
fn stored_zip_lists_as_python_reads_it_and_reads_back_the_files() {
    check_zip_tool(&["-0"], "stored.zip");
}

#[test]
fn deflated_zip_lists_as_python_reads_it_and_reads_back_the_files() {
    check_zip_tool(&[], "deflated.zip");
}

#[test]
fn zip64_archive_reads_back_the_files() {
    // -fz forces zip64 records for every entry.
    check_zip_tool(&["-fz"], "zip64.zip");
}

#[test]
fn an_archive_inside_an_archive_is_just_a_member() {
    let Some(zip) = tools::zip() else { return };
    let fixture = Fixture::new();
    fixture.run(&zip, &["-q", "inner.zip", "a.txt"]);
    fixture.run(&zip, &["-q", "-0", "../outer.zip", "inner.zip"]);
    let inner = std::fs::read(fixture.src().join("inner.zip")).unwrap();
    let members = read_all(&fixture.path("outer.zip")).unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].0.name, "inner.zip");
    assert_eq!(members[0].1, inner);
    assert_eq!(ArchiveKind::sniff(&members[0].1), Some(ArchiveKind::Zip));
}

#[test]
fn names_with_parent_and_absolute_paths_are_only_reported() {
    let Some(python) = tools::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("names.zip");
    python_make_zip(
        &python,
        &archive,
        &[("../escape.z64", b"up", true), ("/abs/root.z64", b"root", false), ("C:\\win.z64", b"w", false)],
    );
    let members = read_all(&archive).unwrap();
    let names: Vec<&str> = members.iter().map(|(info, _)| info.name.as_str()).collect();
    assert_eq!(names, ["../escape.z64", "/abs/root.z64", "C:\\win.z64"]);
    assert_eq!(members[0].1, b"up");
    assert_eq!(members[1].1, b"root");
    // Nothing was written anywhere.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    assert_eq!(
        list(&archive).unwrap().iter().map(Listed::of).collect::<Vec<_>>(),
        python_zip_listing(&python, &archive)
    );
}

#[test]
fn an_empty_zip_has_no_members() {
    let Some(python) = tools::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("empty.zip");
    python_make_zip(&python, &archive, &[]);
    assert_eq!(std::fs::read(&archive).unwrap().len(), 22, "zipfile writes the end record alone");
    assert!(list(&archive).unwrap().is_empty());
    assert!(read_all(&archive).unwrap().is_empty());
}

/// The offset of the first data byte of the member whose local header is at `header`.
fn data_offset(bytes: &[u8], header: usize) -> usize {
    assert_eq!(&bytes[header..header + 4], b"PK\x03\x04");
    let name_len = usize::from(u16::from_le_bytes([bytes[header + 26], bytes[header + 27]]));
    let extra_len = usize::from(u16::from_le_bytes([bytes[header + 28], bytes[header + 29]]));
    header + 30 + name_len + extra_len
}

/// The offset of the local header of the member called `name`.
fn local_header(bytes: &[u8], name: &str) -> usize {
    (0..bytes.len() - 30)
        .find(|&at| {
            bytes[at..].starts_with(b"PK\x03\x04") && {
                let name_len = usize::from(u16::from_le_bytes([bytes[at + 26], bytes[at + 27]]));
                bytes.get(at + 30..at + 30 + name_len) == Some(name.as_bytes())
            }
        })
        .unwrap_or_else(|| panic!("no local header for {name}"))
}

#[test]
fn a_corrupt_data_byte_fails_the_member_with_invalid_data() {
    let Some(zip) = tools::zip() else { return };
    let fixture = Fixture::new();
    for (args, name) in [(&["-q", "-0"][..], "stored.zip"), (&["-q"][..], "deflated.zip")] {
        let archive = fixture.path(name);
        let mut full = args.to_vec();
        full.extend([archive.to_str().unwrap(), "a.txt", "sub/rom.z64", "sub/zeros.bin"]);
        fixture.run(&zip, &full);
        let bytes = std::fs::read(&archive).unwrap();
        for (member, into) in [("sub/rom.z64", 1000), ("sub/zeros.bin", 100), ("a.txt", 2)] {
            let at = data_offset(&bytes, local_header(&bytes, member)) + into;
            let bad = fixture.path(&format!("bad-{name}"));
            write_flipped(&bad, &bytes, at);
            assert_member_fails(&bad);
            // The listing does not read data: it still works.
            assert_eq!(list(&bad).unwrap().len(), 3);
        }
    }
}

#[test]
fn the_zip_crate_checks_the_crc_itself() {
    // What the checked reader relies on besides its own check: zip fails at the end of the data.
    let Some(zip) = tools::zip() else { return };
    let fixture = Fixture::new();
    let archive = fixture.path("stored.zip");
    fixture.run(&zip, &["-q", "-0", archive.to_str().unwrap(), "a.txt"]);
    let mut bytes = std::fs::read(&archive).unwrap();
    let at = data_offset(&bytes, 0);
    assert_eq!(&bytes[at..at + 5], b"hello");
    bytes[at] = b'j';
    let mut reader = ::zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let err = reader.by_index(0).unwrap().read_to_end(&mut Vec::new()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
}

#[test]
fn truncated_zips_fail_cleanly() {
    let Some(zip) = tools::zip() else { return };
    let fixture = Fixture::new();
    let archive = fixture.path("t.zip");
    fixture.run(&zip, &["-q", "-r", archive.to_str().unwrap(), "."]);
    assert_truncations_fail(fixture.dir.path(), &std::fs::read(&archive).unwrap());
}

#[test]
fn partial_reads_skips_and_visitor_errors() {
    let Some(zip) = tools::zip() else { return };
    let fixture = Fixture::new();
    let archive = fixture.path("p.zip");
    fixture.run(&zip, &["-q", "-r", archive.to_str().unwrap(), "."]);
    let total = list(&archive).unwrap().len();

    // Reading a few bytes, or none, of each member is fine.
    let mut visited = 0;
    for_each_member(&archive, &mut |info, data| {
        visited += 1;
        if info.index % 2 == 0 {
            let mut head = [0; 3];
            let n = data.read(&mut head)?;
            assert!(n <= 3);
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(visited, total);

    // A visitor error stops the walk and comes back as such.
    let mut visited = 0;
    let err = for_each_member(&archive, &mut |_, _| {
        visited += 1;
        if visited == 2 { Err(io::Error::other("enough")) } else { Ok(()) }
    })
    .unwrap_err();
    assert!(matches!(&err, ArchiveError::Visitor(e) if e.to_string() == "enough"), "{err:?}");
    assert_eq!(visited, 2);
}

#[test]
fn a_visitor_panic_unwinds_to_the_caller() {
    let Some(zip) = tools::zip() else { return };
    let fixture = Fixture::new();
    let archive = fixture.path("v.zip");
    fixture.run(&zip, &["-q", archive.to_str().unwrap(), "a.txt"]);
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = for_each_member(&archive, &mut |_, _| panic!("visitor bug"));
    }))
    .unwrap_err();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"visitor bug"));
}

#[test]
fn an_encrypted_member_is_unsupported() {
    let Some(zip) = tools::zip() else { return };
    let fixture = Fixture::new();
    let archive = fixture.path("secret.zip");
    fixture.run(&zip, &["-q", "-P", "secret", archive.to_str().unwrap(), "a.txt"]);
    assert_eq!(list(&archive).unwrap()[0].name, "a.txt");
    match read_all(&archive) {
        Err(ArchiveError::Unsupported { name, what }) => {
            assert_eq!((name.as_str(), what.as_str()), ("a.txt", "encryption"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn the_kind_must_match_the_signature() {
    let Some(zip) = tools::zip() else { return };
    let fixture = Fixture::new();
    let archive = fixture.path("k.zip");
    fixture.run(&zip, &["-q", archive.to_str().unwrap(), "a.txt"]);
    let bytes = std::fs::read(&archive).unwrap();
    let err = for_each_member_in(Cursor::new(&bytes), ArchiveKind::SevenZip, &mut |_, _| Ok(())).unwrap_err();
    assert!(matches!(err, ArchiveError::NotAnArchive), "{err:?}");
    assert_eq!(list_in(Cursor::new(&bytes), ArchiveKind::Zip).unwrap().len(), 1);
}
