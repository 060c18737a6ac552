//! `n64 hash`: CRC32, MD5 and SHA-1 of ROMs in big-endian order, streamed with a fixed buffer.

use std::io::Read;
use std::path::Path;

use md5::Digest as _;
use n64_common::{Exit, Failure, open_regular};
use n64_core::{ByteOrder, convert, detect_order};
use rayon::prelude::*;
use serde_json::json;

use crate::cli::HashArgs;
use n64_common::output::{self, Stop};

/// Streaming buffer: a multiple of 4 so every chunk converts on word boundaries.
const BUFFER_LEN: usize = 1 << 20;

/// The three digests, as lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Digests {
    pub(crate) crc32: String,
    pub(crate) md5: String,
    pub(crate) sha1: String,
}

#[derive(Default)]
struct Hashers {
    crc32: crc32fast::Hasher,
    md5: md5::Md5,
    sha1: sha1::Sha1,
}

impl Hashers {
    fn update(&mut self, bytes: &[u8]) {
        self.crc32.update(bytes);
        self.md5.update(bytes);
        self.sha1.update(bytes);
    }

    fn finish(self) -> Digests {
        Digests {
            crc32: format!("{:08x}", self.crc32.finalize()),
            md5: hex(&self.md5.finalize()),
            sha1: hex(&self.sha1.finalize()),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Hashes one file: as big-endian bytes, and as stored when asked.
pub(crate) fn hash_file(
    path: &Path,
    order: Option<ByteOrder>,
    as_stored: bool,
) -> Result<(ByteOrder, Digests, Option<Digests>), Failure> {
    let (mut file, meta) = open_regular(path)?;
    if meta.len() == 0 {
        return Err(Failure::not_a_rom(path, "empty file"));
    }
    let mut buffer = vec![0u8; BUFFER_LEN];
    let mut big_endian = Hashers::default();
    let mut stored = as_stored.then(Hashers::default);
    let mut order = order;
    let mut total = 0u64;
    loop {
        let filled = fill(&mut file, &mut buffer).map_err(|e| Failure::io(path, "cannot read", &e))?;
        if filled == 0 {
            break;
        }
        let chunk = &mut buffer[..filled];
        let order = if let Some(o) = order {
            o
        } else {
            let (detected, _) = detect_order(chunk).map_err(|e| Failure::core(path, &e))?;
            *order.insert(detected)
        };
        if let Some(stored) = stored.as_mut() {
            stored.update(chunk);
        }
        // Only the last chunk can be short; an unaligned tail is an error for v64/n64.
        convert(chunk, order, ByteOrder::Z64).map_err(|_| {
            Failure::core(
                path,
                &n64_core::Error::UnalignedLength {
                    order,
                    unit: order.unit(),
                    len: usize::try_from(meta.len()).unwrap_or(usize::MAX),
                },
            )
        })?;
        big_endian.update(chunk);
        total += filled as u64;
        if filled < buffer.len() {
            break;
        }
    }
    if total != meta.len() {
        return Err(Failure::new(
            path,
            format!("file changed while being read: size {} but read {total} bytes", meta.len()),
        ));
    }
    Ok((order.unwrap_or(ByteOrder::Z64), big_endian.finish(), stored.map(Hashers::finish)))
}

/// Reads until `buffer` is full or the file ends.
fn fill(file: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

pub(crate) fn run(args: &HashArgs) -> Result<Exit, Stop> {
    let results: Vec<_> = args.paths.par_iter().map(|p| (p, hash_file(p, args.byte_order, args.as_stored))).collect();
    let mut exit = Exit::Ok;
    output::with_stdout(|out| {
        for (path, result) in &results {
            match result {
                Ok((order, be, stored)) => {
                    if args.json {
                        let mut record = json!({
                            "path": path.display().to_string(), "format": order.name(),
                            "crc32": be.crc32, "md5": be.md5, "sha1": be.sha1,
                        });
                        if let Some(s) = stored {
                            record["as_stored"] = json!({"crc32": s.crc32, "md5": s.md5, "sha1": s.sha1});
                        }
                        writeln!(out, "{record}")?;
                    } else {
                        writeln!(out, "{}  ({order}, hashed as z64)", path.display())?;
                        writeln!(out, "  crc32  {}\n  md5    {}\n  sha1   {}", be.crc32, be.md5, be.sha1)?;
                        if let Some(s) = stored {
                            writeln!(
                                out,
                                "  as stored:\n  crc32  {}\n  md5    {}\n  sha1   {}",
                                s.crc32, s.md5, s.sha1
                            )?;
                        }
                    }
                }
                Err(failure) => {
                    exit = Exit::Error;
                    out.flush()?;
                    output::error_line(&format!("n64: {failure}"));
                }
            }
        }
        Ok(())
    })?;
    Ok(exit)
}
