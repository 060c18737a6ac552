//! Fuzz targets for n64-archive (replayed by `crates/n64-archive/tests/fuzz_corpus.rs`).

use std::io::{self, Cursor, Read};
use std::panic::{self, AssertUnwindSafe};

use n64_archive::{ArchiveError, ArchiveKind, MemberInfo, for_each_member_in, list_in};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 1] = [("archive", archive)];

/// How many uncompressed bytes one input may make the walk produce, all members together.
const BUDGET: u64 = 64 << 20;

/// Members up to this size are kept and their CRC32 recomputed independently.
const RECHECK_LEN: u64 = 1 << 20;

/// Lists and walks the bytes as an archive (the sniffed kind, or both kinds when neither
/// signature is there), reading every member to its end into a sink, up to 64 MiB in all.
///
/// Invariants: no panic escapes n64-archive (one inside a format crate comes back as
/// `Corrupt`); the walk visits a prefix of the listing, in order, and all of it when it
/// succeeds; a member read to its end without error has its declared size and, when stored, its
/// CRC32.
pub fn archive(data: &[u8]) {
    let kinds = match ArchiveKind::sniff(data) {
        Some(kind) => vec![kind],
        None => vec![ArchiveKind::Zip, ArchiveKind::SevenZip],
    };
    for kind in kinds {
        let listed = panic::catch_unwind(|| list_in(Cursor::new(data), kind));
        let listed = listed.unwrap_or_else(|_| panic!("a panic escaped list_in ({kind})"));
        let mut visited: Vec<MemberInfo> = Vec::new();
        let walked = panic::catch_unwind(AssertUnwindSafe(|| {
            let mut budget = BUDGET;
            for_each_member_in(Cursor::new(data), kind, &mut |info, reader| {
                visited.push(info.clone());
                let complete = read_member(info, reader, budget)?;
                budget -= complete;
                Ok(())
            })
        }));
        let walked = walked.unwrap_or_else(|_| panic!("a panic escaped for_each_member_in ({kind})"));
        if let Ok(listed) = &listed {
            assert!(visited.len() <= listed.len(), "{kind}: visited more members than listed");
            assert_eq!(&listed[..visited.len()], visited.as_slice(), "{kind}: the walk strays from the listing");
        }
        match walked {
            Ok(()) => {
                let listed = listed.unwrap_or_else(|e| panic!("{kind}: walked, but the listing failed: {e}"));
                assert_eq!(listed, visited, "{kind}: the walk missed members");
            }
            Err(ArchiveError::NotAnArchive) => assert!(ArchiveKind::sniff(data) != Some(kind)),
            Err(_) => {}
        }
    }
}

/// Reads a member to its end (or until `budget` bytes), returning how many bytes it produced.
/// Checks, for a member read to its end, the size and (for small members) the CRC32.
fn read_member(info: &MemberInfo, reader: &mut dyn Read, budget: u64) -> io::Result<u64> {
    let mut kept = Vec::new();
    let mut total = 0u64;
    let mut buffer = [0u8; 64 << 10];
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > budget {
            return Err(io::Error::other("over the fuzzing budget"));
        }
        if total <= RECHECK_LEN {
            kept.extend_from_slice(&buffer[..n]);
        }
    }
    assert_eq!(total, info.size, "{info:?}: a member read to its end has its declared size");
    if let Some(crc) = info.crc32
        && total <= RECHECK_LEN
    {
        assert_eq!(n64_testkit::cic::crc32_reference(&kept), crc, "{info:?}: the CRC32 was not checked");
    }
    Ok(total)
}
