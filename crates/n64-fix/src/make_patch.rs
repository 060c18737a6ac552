//! `n64-fix make-patch`: a BPS or IPS patch from an original and a modified ROM, both read in
//! any byte order and compared in one (big-endian unless `--order`), so the patch applies to
//! ROMs in that order, as the community expects.

use std::path::Path;

use n64_common::output::{Format, Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, FailureKind, read_whole_rom};
use n64_core::ByteOrder;
use serde::Serialize;

use crate::cli::MakePatchArgs;

/// The patch formats `make-patch` writes, chosen by the output's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatchFormat {
    Bps,
    Ips,
}

/// `"type": "make_patch"` of `n64-fix make-patch --json`.
#[derive(Debug, Serialize)]
struct MadeRecord {
    #[serde(rename = "type")]
    record: &'static str,
    original: String,
    modified: String,
    output: String,
    format: &'static str,
    order: &'static str,
    original_order: &'static str,
    modified_order: &'static str,
    source_size: u64,
    target_size: u64,
    source_crc32: String,
    target_crc32: String,
    patch_size: u64,
}

fn format_of(path: &Path) -> Option<PatchFormat> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match ext.as_str() {
        "bps" => Some(PatchFormat::Bps),
        "ips" => Some(PatchFormat::Ips),
        _ => None,
    }
}

/// Reads a ROM whole, in `order`; returns it with the order it was stored in.
fn read_rom(path: &Path, order: ByteOrder) -> Result<(Vec<u8>, ByteOrder), Failure> {
    let (mut bytes, found) = read_whole_rom(path, n64_patch::MAX_OUTPUT)?;
    n64_core::convert(&mut bytes, found.order, order).map_err(|e| Failure::from(n64_io::Error::rom(path, e)))?;
    Ok((bytes, found.order))
}

fn process(args: &MakePatchArgs) -> Result<MadeRecord, Failure> {
    let format = format_of(&args.output).ok_or_else(|| {
        Failure::refused(&args.output, "the patch name must end in .bps or .ips (the extension chooses the format)")
    })?;
    if !args.force && std::fs::symlink_metadata(&args.output).is_ok() {
        return Err(Failure::new(
            &args.output,
            FailureKind::AlreadyExists,
            "already exists; nothing written (pass --force to overwrite it)",
        ));
    }
    let (source, original_order) = read_rom(&args.original, args.order)?;
    let (target, modified_order) = read_rom(&args.modified, args.order)?;
    let patch = match format {
        PatchFormat::Bps => n64_patch::bps::create(&source, &target, b""),
        PatchFormat::Ips => n64_patch::ips::create(&source, &target)
            .map_err(|e| Failure::refused(&args.output, format!("{e}; nothing written")))?,
    };
    let write = |out: &mut dyn std::io::Write| {
        out.write_all(&patch).map_err(|e| n64_io::Error::io(&args.output, n64_io::Operation::Write, e))
    };
    if std::fs::symlink_metadata(&args.output).is_ok() {
        n64_io::atomic::replace(&args.output, write)?;
    } else {
        n64_io::atomic::create_new(&args.output, None, write)?;
    }
    Ok(MadeRecord {
        record: "make_patch",
        original: path_text(&args.original),
        modified: path_text(&args.modified),
        output: path_text(&args.output),
        format: if format == PatchFormat::Bps { "bps" } else { "ips" },
        order: args.order.name(),
        original_order: original_order.name(),
        modified_order: modified_order.name(),
        source_size: source.len() as u64,
        target_size: target.len() as u64,
        source_crc32: format!("{:08x}", crc32fast::hash(&source)),
        target_crc32: format!("{:08x}", crc32fast::hash(&target)),
        patch_size: patch.len() as u64,
    })
}

/// Runs `n64-fix make-patch`.
pub(crate) fn run(args: &MakePatchArgs) -> Result<Exit, Stop> {
    let mut printer = Printer::new("n64-fix", if args.json { Format::Json } else { Format::Text });
    let exit = match process(args) {
        Ok(record) => {
            printer.record(&record)?;
            printer.line(format_args!(
                "{}: {} patch of {} bytes, {} ({:#x} bytes, crc32 {}) → {} ({:#x} bytes, crc32 {}), compared in {} order",
                record.output,
                record.format,
                record.patch_size,
                record.original,
                record.source_size,
                record.source_crc32,
                record.modified,
                record.target_size,
                record.target_crc32,
                record.order
            ))?;
            Exit::Ok
        }
        Err(failure) => {
            printer.failure(&failure)?;
            Exit::Error
        }
    };
    printer.finish()?;
    Ok(exit)
}
