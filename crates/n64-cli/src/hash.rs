//! `n64 hash`: CRC32, MD5 and SHA-1 of ROMs in big-endian order, streamed with one chunk of
//! memory whatever the ROM size.

use std::fmt::Write as _;
use std::path::Path;

use n64_common::batch::{self, Outcome, Settings, Tally};
use n64_common::output::{Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, FailureKind, Verbosity, count};
use n64_core::{ByteOrder, InspectOptions};
use n64_io::{Algorithms, Digests, Hasher, ImageReader};
use serde::Serialize;

use crate::cli::HashArgs;

/// The three digests as lower-case hex.
#[derive(Debug, Serialize)]
struct DigestsRecord {
    crc32: String,
    md5: String,
    sha1: String,
}

impl DigestsRecord {
    fn new(digests: &Digests) -> DigestsRecord {
        DigestsRecord {
            crc32: digests.crc32_hex().unwrap_or_default(),
            md5: digests.md5_hex().unwrap_or_default(),
            sha1: digests.sha1_hex().unwrap_or_default(),
        }
    }
}

/// `"type": "rom"` of `n64 hash --json`.
#[derive(Debug, Serialize)]
struct HashRecord {
    #[serde(rename = "type")]
    record: &'static str,
    path: String,
    format: &'static str,
    #[serde(flatten)]
    big_endian: DigestsRecord,
    #[serde(skip_serializing_if = "Option::is_none")]
    padded_to: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_stored: Option<DigestsRecord>,
}

/// One ROM hashed.
struct Hashed {
    order: ByteOrder,
    big_endian: Digests,
    as_stored: Option<Digests>,
    padded_to: Option<u64>,
}

impl Outcome for Hashed {
    fn tally(&self) -> (&'static str, Exit) {
        ("hashed", Exit::Ok)
    }

    fn print(&self, path: &Path, printer: &mut Printer, _quiet: bool) -> Result<(), Stop> {
        let be = DigestsRecord::new(&self.big_endian);
        let stored = self.as_stored.as_ref().map(DigestsRecord::new);
        let padded = self.padded_to.map_or_else(String::new, |size| format!(", padded to {size:#x} bytes"));
        let mut text = format!(
            "{}  ({}, hashed as z64{padded})\n  crc32  {}\n  md5    {}\n  sha1   {}\n",
            path.display(),
            self.order,
            be.crc32,
            be.md5,
            be.sha1
        );
        if let Some(s) = &stored {
            let _ = write!(text, "  as stored:\n  crc32  {}\n  md5    {}\n  sha1   {}\n", s.crc32, s.md5, s.sha1);
        }
        printer.text(&text)?;
        printer.record(&HashRecord {
            record: "rom",
            path: path_text(path),
            format: self.order.name(),
            big_endian: be,
            padded_to: self.padded_to,
            as_stored: stored,
        })
    }
}

fn hash_file(path: &Path, args: &HashArgs) -> Result<Hashed, Failure> {
    let options = InspectOptions::default().with_order(args.byte_order);
    let (size, found) = n64_io::identify_file(path, options)?;
    let order = found.order;
    let padded_to = if found.trailing_bytes == 0 {
        None
    } else if args.pad {
        Some(size.next_multiple_of(order.unit() as u64))
    } else {
        return Err(Failure::new(
            path,
            FailureKind::TrailingBytes,
            format!(
                "size {size:#x} is not a whole number of {}-byte words, as the {order} byte order needs (pass --pad to hash it as if padded with zeros)",
                order.unit()
            ),
        ));
    };
    let mut image = ImageReader::open(path, size, order)?.convert_to(ByteOrder::Z64).pad_to(padded_to.unwrap_or(0));
    let mut big_endian = Hasher::new(Algorithms::ALL);
    let mut stored = args.as_stored.then(|| Hasher::new(Algorithms::ALL));
    while let Some(chunk) = image.next_chunk_with(&mut |bytes| {
        if let Some(stored) = stored.as_mut() {
            stored.update(bytes);
        }
    })? {
        big_endian.update(chunk);
    }
    Ok(Hashed { order, big_endian: big_endian.finish(), as_stored: stored.map(Hasher::finish), padded_to })
}

pub(crate) fn run(args: &HashArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let settings = Settings::lines(args.json, verbosity);
    let walked = n64_io::walk(&args.paths);
    batch::run("n64", settings, walked, &["hashed"], |_, entry| hash_file(&entry.path, args), summary_line)
}

fn summary_line(tally: &Tally) -> String {
    format!("{} hashed, {}", count(tally.get("hashed"), "ROM"), batch::errors_and_others(tally, "left alone"))
}
