//! The streaming hasher: CRC32, MD5 and SHA-1 of an image, in any byte order, in one pass.

use std::fmt::Write as _;
use std::io::Read;

use md5::Digest as _;

use crate::{Error, ImageReader};

/// Which digests to compute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Algorithms {
    /// CRC32 (IEEE), what DAT files list first.
    pub crc32: bool,
    /// MD5.
    pub md5: bool,
    /// SHA-1.
    pub sha1: bool,
}

impl Algorithms {
    /// CRC32, MD5 and SHA-1.
    pub const ALL: Algorithms = Algorithms { crc32: true, md5: true, sha1: true };
    /// SHA-1 only.
    pub const SHA1: Algorithms = Algorithms { crc32: false, md5: false, sha1: true };
}

/// The digests of one stream; `None` for an algorithm that was not asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Digests {
    /// CRC32 (IEEE).
    pub crc32: Option<u32>,
    /// MD5.
    pub md5: Option<[u8; 16]>,
    /// SHA-1.
    pub sha1: Option<[u8; 20]>,
}

impl Digests {
    /// The CRC32 as 8 lower-case hex digits.
    pub fn crc32_hex(&self) -> Option<String> {
        self.crc32.map(|crc| format!("{crc:08x}"))
    }

    /// The MD5 as lower-case hex.
    pub fn md5_hex(&self) -> Option<String> {
        self.md5.map(|d| hex(&d))
    }

    /// The SHA-1 as lower-case hex.
    pub fn sha1_hex(&self) -> Option<String> {
        self.sha1.map(|d| hex(&d))
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Hashes what it is fed with the chosen algorithms.
///
/// ```
/// use n64_io::{Algorithms, Hasher};
/// let mut hasher = Hasher::new(Algorithms::ALL);
/// hasher.update(b"abc");
/// let digests = hasher.finish();
/// assert_eq!(digests.crc32_hex().as_deref(), Some("352441c2"));
/// assert_eq!(digests.sha1_hex().as_deref(), Some("a9993e364706816aba3e25717850c26c9cd0d89d"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Hasher {
    crc32: Option<crc32fast::Hasher>,
    md5: Option<md5::Md5>,
    sha1: Option<sha1::Sha1>,
}

impl Hasher {
    /// A hasher computing `algorithms`.
    pub fn new(algorithms: Algorithms) -> Hasher {
        Hasher {
            crc32: algorithms.crc32.then(crc32fast::Hasher::new),
            md5: algorithms.md5.then(md5::Md5::new),
            sha1: algorithms.sha1.then(sha1::Sha1::new),
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        if let Some(h) = &mut self.crc32 {
            h.update(bytes);
        }
        if let Some(h) = &mut self.md5 {
            h.update(bytes);
        }
        if let Some(h) = &mut self.sha1 {
            h.update(bytes);
        }
    }

    /// The digests of everything fed.
    pub fn finish(self) -> Digests {
        Digests {
            crc32: self.crc32.map(crc32fast::Hasher::finalize),
            md5: self.md5.map(|h| h.finalize().into()),
            sha1: self.sha1.map(|h| h.finalize().into()),
        }
    }
}

/// Hashes everything `image` yields.
pub fn hash_image<R: Read>(image: &mut ImageReader<R>, algorithms: Algorithms) -> Result<Digests, Error> {
    let mut hasher = Hasher::new(algorithms);
    while let Some(chunk) = image.next_chunk()? {
        hasher.update(chunk);
    }
    Ok(hasher.finish())
}
