//! The reader a visitor gets: the member's bytes, checked against what the directory declares.
//!
//! Both format crates check the CRC32 themselves (zip at the end of the data, sevenz-rust2 for
//! every member with a stored CRC), but each in its own way and with its own error kinds. This
//! reader checks again, the same way for both formats, so the contract does not depend on either
//! crate's version: at the end of the data, the byte count must equal the declared size and the
//! CRC32 (when stored) must match, or `read` fails with `InvalidData`. Reading more bytes than
//! declared fails at once. Any other error of the format's reader becomes `InvalidData` too,
//! except an operating-system error (reading the archive file itself), which keeps its kind. A
//! panic inside the format's reader is caught and becomes an error. After the first failure every
//! further `read` fails the same way.

use std::io::{self, Read};
use std::panic::{self, AssertUnwindSafe};

use crate::guard::{lower_first, panic_message, reader_failed};
use crate::{ArchiveError, ArchiveKind, MemberInfo};

/// Why a member's reader stopped for good.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The member's data is bad (CRC32, size, decoder error); the message says which.
    Data(String),
    /// Reading the archive file failed with this operating-system error code.
    Os(i32),
    /// The format's reader panicked with this message.
    Panic(String),
}

impl Failure {
    /// The error `read` returns for this failure.
    fn to_io(&self, kind: ArchiveKind) -> io::Error {
        match self {
            Failure::Data(message) => io::Error::new(io::ErrorKind::InvalidData, message.clone()),
            Failure::Os(code) => io::Error::from_raw_os_error(*code),
            Failure::Panic(message) => {
                io::Error::new(io::ErrorKind::InvalidData, format!("the {kind} reader failed: {message}"))
            }
        }
    }
}

/// A member's uncompressed bytes with the declared size and CRC32 checked at the end.
pub(crate) struct CheckedReader<'a> {
    inner: &'a mut dyn Read,
    kind: ArchiveKind,
    declared: u64,
    crc32: Option<u32>,
    hasher: crc32fast::Hasher,
    seen: u64,
    finished: bool,
    failure: Option<Failure>,
}

impl<'a> CheckedReader<'a> {
    /// Checks `inner`, the `kind` reader's stream of the member `info`.
    pub(crate) fn new(inner: &'a mut dyn Read, kind: ArchiveKind, info: &MemberInfo) -> Self {
        CheckedReader {
            inner,
            kind,
            declared: info.size,
            crc32: info.crc32,
            hasher: crc32fast::Hasher::new(),
            seen: 0,
            finished: false,
            failure: None,
        }
    }

    /// Whether the data was read to its end and passed the checks.
    pub(crate) fn finished(&self) -> bool {
        self.finished
    }

    /// Whether the reader has failed.
    pub(crate) fn failed(&self) -> bool {
        self.failure.is_some()
    }

    /// Reads the rest of the data into nothing, so the checks run (and the stream moves on).
    pub(crate) fn drain(&mut self) {
        // A failure is recorded in `self`; the caller looks there.
        let _ = io::copy(self, &mut io::sink());
    }

    /// The failure, if the reader failed.
    pub(crate) fn into_failure(self) -> Option<Failure> {
        self.failure
    }

    fn fail(&mut self, failure: Failure) -> io::Error {
        let error = failure.to_io(self.kind);
        self.failure = Some(failure);
        error
    }

    /// The checks at the end of the data.
    fn end(&mut self) -> io::Result<usize> {
        if self.seen != self.declared {
            let message = format!("the data ends after {} bytes, the archive declares {}", self.seen, self.declared);
            return Err(self.fail(Failure::Data(message)));
        }
        let actual = std::mem::take(&mut self.hasher).finalize();
        if let Some(expected) = self.crc32
            && actual != expected
        {
            let message = format!("CRC32 mismatch: the data has {actual:08X}, the archive stores {expected:08X}");
            return Err(self.fail(Failure::Data(message)));
        }
        self.finished = true;
        Ok(0)
    }
}

impl Read for CheckedReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(failure) = &self.failure {
            return Err(failure.to_io(self.kind));
        }
        if self.finished || buf.is_empty() {
            return Ok(0);
        }
        let inner = &mut self.inner;
        let result = match panic::catch_unwind(AssertUnwindSafe(|| inner.read(buf))) {
            Ok(result) => result,
            Err(payload) => return Err(self.fail(Failure::Panic(panic_message(&*payload)))),
        };
        match result {
            Ok(0) => self.end(),
            Ok(n) => {
                let Some(data) = buf.get(..n) else {
                    let message =
                        format!("the {} reader returned {n} bytes into a {}-byte buffer", self.kind, buf.len());
                    return Err(self.fail(Failure::Data(message)));
                };
                self.seen = self.seen.saturating_add(n as u64);
                if self.seen > self.declared {
                    let message = format!("the data runs past the {} bytes the archive declares", self.declared);
                    return Err(self.fail(Failure::Data(message)));
                }
                self.hasher.update(data);
                Ok(n)
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => Err(error),
            Err(error) => Err(self.fail(match error.raw_os_error() {
                Some(code) => Failure::Os(code),
                None => Failure::Data(format!("the {} decoder failed: {}", self.kind, describe(&error))),
            })),
        }
    }
}

/// A reader error in words: sevenz-rust2 wraps its own errors, whose `Display` is their `Debug`.
fn describe(error: &io::Error) -> String {
    match error.get_ref().and_then(|inner| inner.downcast_ref::<sevenz_rust2::Error>()) {
        Some(inner) => crate::sevenz_format::describe(inner),
        None => lower_first(&error.to_string()),
    }
}

/// What a visit of `info` comes to, from the visitor's result and the failure (if any) of the
/// member's reader. A failed member ends the walk whether or not the visitor passed the reader's
/// error on: a corrupt member must never go unnoticed.
pub(crate) fn conclude(
    kind: ArchiveKind,
    info: &MemberInfo,
    visited: io::Result<()>,
    failure: Option<Failure>,
) -> Result<(), ArchiveError> {
    match (failure, visited) {
        (Some(Failure::Panic(message)), _) => Err(reader_failed(kind, &message)),
        (Some(Failure::Os(code)), _) => Err(ArchiveError::Io(io::Error::from_raw_os_error(code))),
        (Some(failure @ Failure::Data(_)), _) => {
            Err(ArchiveError::Member { name: info.name.clone(), source: failure.to_io(kind) })
        }
        (None, Err(error)) => Err(ArchiveError::Visitor(error)),
        (None, Ok(())) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{self, Read};

    use super::{CheckedReader, conclude};
    use crate::{ArchiveError, ArchiveKind, MemberInfo};

    fn info(size: u64, crc32: Option<u32>) -> MemberInfo {
        MemberInfo { index: 0, name: "a.bin".into(), size, crc32, is_dir: false }
    }

    // CRC32 of "hello" (IEEE), from Python: zlib.crc32(b"hello") == 0x3610A686.
    const HELLO_CRC: u32 = 0x3610_A686;

    #[test]
    fn good_data_passes() {
        let mut inner: &[u8] = b"hello";
        let mut reader = CheckedReader::new(&mut inner, ArchiveKind::Zip, &info(5, Some(HELLO_CRC)));
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"hello");
        assert!(reader.finished());
        assert_eq!(reader.read(&mut [0; 4]).unwrap(), 0);
    }

    #[test]
    fn wrong_crc_short_and_long_data_fail_with_invalid_data() {
        for (data, size, crc) in [
            (&b"hellp"[..], 5, Some(HELLO_CRC)),
            (&b"hell"[..], 5, None),
            (&b"hello!"[..], 5, None),
            (&b""[..], 1, None),
        ] {
            let mut inner = data;
            let mut reader = CheckedReader::new(&mut inner, ArchiveKind::SevenZip, &info(size, crc));
            let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{data:?}: {err}");
            // Every later read fails the same way.
            assert_eq!(reader.read(&mut [0; 8]).unwrap_err().kind(), io::ErrorKind::InvalidData);
            assert!(reader.failed() && !reader.finished());
            let failure = reader.into_failure();
            let err = conclude(ArchiveKind::SevenZip, &info(size, crc), Ok(()), failure).unwrap_err();
            assert!(matches!(err, ArchiveError::Member { .. }), "{err:?}");
        }
    }

    struct Panicking;
    impl Read for Panicking {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            panic!("boom")
        }
    }

    #[test]
    fn a_panicking_reader_becomes_corrupt() {
        let mut inner = Panicking;
        let mut reader = CheckedReader::new(&mut inner, ArchiveKind::Zip, &info(5, None));
        let err = reader.read(&mut [0; 8]).unwrap_err();
        assert_eq!(err.to_string(), "the zip reader failed: boom");
        let visited = Err(err);
        match conclude(ArchiveKind::Zip, &info(5, None), visited, reader.into_failure()) {
            Err(ArchiveError::Corrupt { detail }) => assert_eq!(detail, "the zip reader failed: boom"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn os_errors_keep_their_kind_and_visitor_errors_are_the_visitors() {
        struct Eio;
        impl Read for Eio {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::from_raw_os_error(5))
            }
        }
        let mut inner = Eio;
        let mut reader = CheckedReader::new(&mut inner, ArchiveKind::Zip, &info(5, None));
        assert_eq!(reader.read(&mut [0; 8]).unwrap_err().raw_os_error(), Some(5));
        let err = conclude(ArchiveKind::Zip, &info(5, None), Ok(()), reader.into_failure()).unwrap_err();
        assert!(matches!(err, ArchiveError::Io(_)), "{err:?}");
        let err = conclude(ArchiveKind::Zip, &info(5, None), Err(io::Error::other("mine")), None).unwrap_err();
        assert!(matches!(err, ArchiveError::Visitor(_)), "{err:?}");
    }
}
