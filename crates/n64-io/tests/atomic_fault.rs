//! Fault injection: a write that fails midway leaves the original intact and no temporary file;
//! owners and sparse files survive a rewrite.

use std::fs::{self, File};
use std::io::{self, Write};

use n64_io::{Error, ErrorKind, Operation, atomic};

/// A writer that accepts `left` bytes, then fails as a full disk would.
struct FailsAfter<'a> {
    inner: &'a mut File,
    left: usize,
}

impl Write for FailsAfter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::from(io::ErrorKind::StorageFull));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        self.inner.write(&buf[..n])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The injected writer factory.
fn failing_after(limit: usize) -> impl for<'a> FnMut(&'a mut File) -> Box<dyn Write + 'a> {
    move |file| Box::new(FailsAfter { inner: file, left: limit })
}

#[test]
fn a_failing_write_keeps_the_original_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rom.z64");
    let original: Vec<u8> = (0..0x30_0000u32).map(|i| (i % 251) as u8).collect();
    fs::write(&path, &original).unwrap();
    for limit in [0usize, 1, 4096, 0x10_0000, 0x2F_FFFF] {
        let mut wrap = failing_after(limit);
        let err = atomic::replace_with(&path, &mut wrap, |out| {
            // Stream the new content in 1 MiB chunks, like the commands do.
            let chunk = vec![0xAAu8; 1 << 20];
            for _ in 0..3 {
                out.write_all(&chunk).map_err(|e| Error::io(&path, Operation::Write, e))?;
            }
            Ok(())
        })
        .unwrap_err();
        assert!(
            matches!(&err.kind, ErrorKind::Io { source, .. } if source.kind() == io::ErrorKind::StorageFull),
            "limit {limit}: {err}"
        );
        assert_eq!(err.to_string(), format!("{}: cannot write: no space left on device", path.display()));
        assert_eq!(fs::read(&path).unwrap(), original, "limit {limit}");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("rom.z64")], "limit {limit}");
    }

    let new = dir.path().join("new.z64");
    let mut wrap = failing_after(10);
    let produce = |out: &mut dyn Write| out.write_all(&[1; 100]).map_err(|e| Error::io(&new, Operation::Write, e));
    assert!(atomic::create_new_with(&new, None, &mut wrap, produce).is_err());
    assert!(!new.exists());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_failing_producer_keeps_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rom.z64");
    fs::write(&path, b"original").unwrap();
    let err = atomic::replace(&path, |out| {
        out.write_all(b"half").map_err(|e| Error::io(&path, Operation::Write, e))?;
        Err(Error::io("source.z64", Operation::Read, io::Error::other("source vanished")))
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "source.z64: cannot read: source vanished");
    assert_eq!(fs::read(&path).unwrap(), b"original");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn a_symlink_target_is_replaced_and_the_link_kept() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.z64");
    let link = dir.path().join("link.z64");
    fs::write(&target, b"old").unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    atomic::replace(&link, |out| out.write_all(b"new").map_err(|e| Error::io(&link, Operation::Write, e))).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(fs::read(&target).unwrap(), b"new");
}

/// B7: a rewrite keeps the owner and group (as root, which may set them) and makes a new inode.
#[cfg(unix)]
#[test]
fn owner_and_group_are_kept() {
    use std::os::unix::fs::MetadataExt;
    if !n64_testkit::system::may_change_owners() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("owned.z64");
    fs::write(&path, b"old").unwrap();
    std::os::unix::fs::chown(&path, Some(1000), Some(1000)).unwrap();
    let before = fs::metadata(&path).unwrap();
    atomic::replace(&path, |out| out.write_all(b"new").map_err(|e| Error::io(&path, Operation::Write, e))).unwrap();
    let after = fs::metadata(&path).unwrap();
    assert_eq!((after.uid(), after.gid()), (1000, 1000));
    assert_ne!(after.ino(), before.ino(), "a rewrite is a new file");
    assert_eq!(fs::read(&path).unwrap(), b"new");
}
