//! `normalize --dat --out DIR --zip`: one zip per game, deterministic (the same roms give the
//! same bytes on every run): entries sorted by ASCII lower-case name, as TorrentZip sorts them,
//! TorrentZip's fixed date (1996-12-24 23:32:00), deflate, Unix permissions 0644, written in
//! streaming mode (sizes in data descriptors). Not byte-exact TorrentZip.

use std::cmp::Ordering;
use std::io::{self, Write};

use n64_common::{Failure, FailureKind};
use n64_io::{Algorithms, Hasher};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::journal::sha1_stored;
use super::rebuild::{Outcome, Output, Piece, like, not_the_dats, with_image};

/// The order of entries: ASCII lower case first (TorrentZip's), then the bytes.
pub(crate) fn entry_order(a: &str, b: &str) -> Ordering {
    a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()).then_with(|| a.cmp(b))
}

/// Writes the zip of `output` (whose path must not exist), atomically.
pub(crate) fn write(output: &Output) -> Outcome {
    let like = output.pieces.first().and_then(like);
    let mut failure = None;
    let written = n64_io::atomic::create_new(&output.path, like.as_ref(), |out| {
        build(out, output).map_err(|f| {
            let error = n64_io::Error::new(&f.path, n64_io::ErrorKind::Changed(n64_io::Change::Content));
            failure = Some(f);
            error
        })
    });
    match (written, failure) {
        (Ok(()), _) => Outcome::Written,
        (Err(_), Some(failure)) => Outcome::Failed(failure),
        (Err(error), None) => Outcome::Failed(error.into()),
    }
}

/// Whether the zip already at the output's path holds exactly the bytes this run would write
/// (it is built again, into a hasher, to compare).
pub(crate) fn same_as_existing(output: &Output) -> Result<bool, Failure> {
    let existing = sha1_stored(&output.path)?;
    let mut sink = HashingSink { hasher: Hasher::new(Algorithms::SHA1) };
    build(&mut sink, output)?;
    Ok(sink.hasher.finish().sha1 == Some(existing))
}

/// A writer that only hashes.
struct HashingSink {
    hasher: Hasher,
}

impl Write for HashingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The options of every entry: deflate, TorrentZip's date, 0644, made on Unix.
fn options() -> SimpleFileOptions {
    let date = DateTime::from_date_and_time(1996, 12, 24, 23, 32, 0).unwrap_or_default();
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(date)
        .unix_permissions(0o644)
        .system(System::Unix)
}

/// Writes the zip of `output` to `out`: each entry streamed from its source in the DAT's order
/// and checked against the DAT's SHA-1.
fn build(out: &mut dyn Write, output: &Output) -> Result<(), Failure> {
    let zip_error =
        |e: zip::result::ZipError| Failure::new(&output.path, FailureKind::Io, format!("cannot write the zip: {e}"));
    let mut zip = ZipWriter::new_stream(out);
    for piece in &output.pieces {
        zip.start_file(piece.name.as_str(), options()).map_err(zip_error)?;
        with_image(piece, |image| copy_entry(image, &mut zip, piece, &output.path))?;
    }
    zip.finish().map_err(zip_error)?;
    Ok(())
}

/// Copies one entry's bytes into the zip, checking them against the piece's SHA-1.
fn copy_entry(
    image: &mut n64_io::ImageReader<&mut dyn io::Read>,
    zip: &mut dyn Write,
    piece: &Piece,
    zip_path: &std::path::Path,
) -> Result<(), Failure> {
    let mut hasher = Hasher::new(Algorithms::SHA1);
    while let Some(chunk) = image.next_chunk()? {
        zip.write_all(chunk).map_err(|e| Failure::from(n64_io::Error::io(zip_path, n64_io::Operation::Write, e)))?;
        hasher.update(chunk);
    }
    if hasher.finish().sha1 == Some(piece.target.sha1) { Ok(()) } else { Err(not_the_dats(piece)) }
}
