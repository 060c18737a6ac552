//! Fault injection: a write that fails midway leaves the original intact and no temporary file.

use std::fs::{self, File};
use std::io::{self, Write};

use n64_fix::atomic;

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
                out.write_all(&chunk)?;
            }
            Ok(())
        })
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull, "limit {limit}");
        assert_eq!(fs::read(&path).unwrap(), original, "limit {limit}");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("rom.z64")], "limit {limit}");
    }

    let new = dir.path().join("new.z64");
    let mut wrap = failing_after(10);
    assert!(atomic::create_new_with(&new, None, &mut wrap, |out| out.write_all(&[1; 100])).is_err());
    assert!(!new.exists());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_failing_producer_keeps_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rom.z64");
    fs::write(&path, b"original").unwrap();
    let err = atomic::replace(&path, |out| {
        out.write_all(b"half")?;
        Err(io::Error::other("source vanished"))
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "source vanished");
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
    atomic::replace(&link, |out| out.write_all(b"new")).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(fs::read(&target).unwrap(), b"new");
}
