//! What a cached digest is keyed on: the identity of a file, the member, the byte order.

use std::fs::Metadata;

/// What identifies one version of a file without reading it: device, inode, size and
/// modification time.
///
/// A file rewritten in place changes its size or its modification time (to the nanosecond on
/// modern file systems), so its old digests no longer match. Two limits, both documented on
/// [`Cache::put`](crate::Cache::put): a write within the same timestamp tick is invisible (hence
/// the freshness rule), and a tool that sets the old modification time back on a same-size
/// rewrite defeats any cache keyed this way.
///
/// On platforms other than Unix there is no device or inode number: both are 0 and the identity
/// is size and time only, so two files of one size and time in different places share entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Identity {
    /// The device (file system) holding the file (`st_dev`).
    pub device: u64,
    /// The inode number (`st_ino`).
    pub inode: u64,
    /// The length in bytes.
    pub size: u64,
    /// The modification time in nanoseconds since the Unix epoch (negative before it).
    pub mtime_ns: i64,
}

impl Identity {
    /// The identity of a file from its metadata (follow symbolic links first: use
    /// `std::fs::metadata` or `File::metadata`, not `symlink_metadata`).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("game.z64");
    /// std::fs::write(&path, [0x80, 0x37, 0x12, 0x40])?;
    /// let identity = n64_hashcache::Identity::of(&std::fs::metadata(&path)?);
    /// assert_eq!(identity.size, 4);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(unix)]
    #[must_use]
    pub fn of(metadata: &Metadata) -> Identity {
        use std::os::unix::fs::MetadataExt;
        Identity {
            device: metadata.dev(),
            inode: metadata.ino(),
            size: metadata.len(),
            mtime_ns: metadata.mtime().saturating_mul(1_000_000_000).saturating_add(metadata.mtime_nsec()),
        }
    }

    /// The identity of a file from its metadata: size and modification time; device and inode
    /// are 0 on this platform.
    #[cfg(not(unix))]
    #[must_use]
    pub fn of(metadata: &Metadata) -> Identity {
        use std::time::UNIX_EPOCH;
        let mtime_ns = match metadata.modified() {
            Ok(time) => match time.duration_since(UNIX_EPOCH) {
                Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
                Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |ns| -ns),
            },
            Err(_) => 0,
        };
        Identity { device: 0, inode: 0, size: metadata.len(), mtime_ns }
    }
}

/// Which digests are looked up or stored: a file's identity, which member of it, in which byte
/// order.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    /// The file (a plain file, or the archive holding the member).
    pub identity: Identity,
    /// `""` for a plain file; the member's name for a member of an archive.
    pub member: &'a str,
    /// The byte order the digests are over: `"z64"`, `"v64"`, `"n64"` or `"raw"`.
    pub view: &'a str,
}
