//! Command-line definitions (also the source of completions and the man pages).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use n64_assets::scan::AssetKind;
use n64_assets::texture::{Format, PaletteFormat};
use n64_common::args::{byte_order_parser, parse_check_code_cic, parse_cic, parse_offset};
use n64_common::{DocCommand, Verbosity};
use n64_core::{ByteOrder, CicKind};

/// Inspect Nintendo 64 ROM images and whole collections; never writes to its inputs.
///
/// ROMs are recognised by content, never by extension, in any byte order (z64 big-endian, v64
/// byte-swapped, n64 little-endian).
///
/// Exit codes: 0 all good; 1 a problem was found (an invalid check code, trailing bytes, a
/// check code that could not be verified, a patch that is damaged or does not fit the ROM given
/// with --rom); 2 an error occurred (missing, unreadable, empty, damaged or non-ROM input, a
/// file that is no patch, bad usage).
#[derive(Debug, Parser)]
#[command(name = "n64", version)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) verbosity: Verbosity,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print every header field, the CIC and the check code status of ROM files.
    Info(InfoArgs),
    /// Verify the check code of ROM files, and of directories recursively.
    Check(CheckArgs),
    /// List the ROMs found under directories, recognised by content.
    Scan(ScanArgs),
    /// CRC32, MD5 and SHA-1 of ROMs as big-endian (z64) bytes, as DAT files list them.
    Hash(HashArgs),
    /// Verify files, and zip and 7z archive members, against DAT files (Logiqx XML or
    /// clrmamepro) in the DAT's byte order, whatever the file's.
    Verify(VerifyArgs),
    /// Describe patch files (IPS, IPS32, UPS, BPS, APS, VCDIFF): sizes, CRC32s, metadata; with
    /// --rom, whether a ROM is each patch's source.
    ///
    /// Patches are recognised by content: IPS and IPS32 (records, highest offset written,
    /// truncation size), UPS and BPS (source and target sizes and CRC32s, the patch CRC32 and
    /// whether it is right, BPS metadata), APS for the N64 and simple APS (description, cart ID,
    /// country, check code, byte order), VCDIFF as xdelta3 writes it (target size, windows,
    /// source span, secondary compressor, file names).
    ///
    /// With --rom, says whether that ROM (any byte order) is each patch's source: BPS and UPS by
    /// size and CRC32 in each byte order, N64 APS by cart ID and check code. A patch that records
    /// no source (IPS, VCDIFF, simple APS) is applied to the ROM in memory to see whether it
    /// applies. Nothing is written.
    ///
    /// Exit codes: 0 every patch was read (and, with --rom, the ROM is each patch's source, or
    /// the patch records none and applies); 1 a patch CRC32 is wrong, the ROM is not a patch's
    /// source, or a patch does not apply; 2 a file is missing, unreadable, empty, damaged or no
    /// patch, or the ROM cannot be read.
    PatchInfo(PatchInfoArgs),
    /// List what is inside ROMs: Yaz0, Yay0 and MIO0 blocks, libdragon's rompak TOC and
    /// DragonFS files, the Zelda 64 file table.
    ///
    /// Each ROM is read whole (at most 256 MiB, any byte order) and scanned as big-endian bytes.
    /// A compressed block counts only when its whole stream decodes; a block at the start of a
    /// container's file is listed once, as that file, with its codec. Tables that look like
    /// containers but do not read whole are warnings on stderr.
    ///
    /// Exit codes: 0 every ROM was scanned (warnings included); 2 a file is missing, unreadable
    /// or not a ROM.
    Assets(AssetsArgs),
    /// Write what `n64 assets` finds in a ROM into a directory, decompressed, with an index.
    ///
    /// DragonFS files go under DIR/dragonfs/ at their paths (DIR/dragonfs-OFFSET/ when a ROM
    /// holds several images), rompak TOC files under DIR/toc/ by name, Zelda files as
    /// DIR/dmadata/NNNN_VROMSTART.bin, loose blocks as DIR/blocks/OFFSET.KIND.bin (offsets and
    /// VROM starts in hex); DIR/index.json lists every file written with its offset, sizes and
    /// SHA-1. Compressed data is written decompressed; what cannot be decoded (DCA levels other
    /// than LZ4, unknown Zelda codecs) is written as stored, with a warning. Files are created
    /// atomically with the ROM's permissions. The ROM is never written.
    ///
    /// A non-empty DIR is refused unless --force; even then, symbolic links inside DIR are never
    /// followed and the ROM itself is never replaced.
    ///
    /// Exit codes: 0 everything was written; 2 the ROM cannot be read, DIR is refused, or a file
    /// could not be written (the others are).
    Extract(ExtractArgs),
    /// Decode one texture of a ROM to a PNG, or draw a contact sheet of the bytes at an offset
    /// in every format.
    ///
    /// Formats: rgba16 rgba32 ia4 ia8 ia16 i4 i8 ci4 ci8; CI textures need --palette. Texels
    /// are packed continuously, 4-bit ones two per byte; narrow fields are widened by bit
    /// replication as the RDP does. With --sheet (and no --format), the bytes at --offset are
    /// drawn in every format at widths 16, 32 and 64 (or --width), --height rows each, labelled,
    /// to spot textures by eye.
    ///
    /// Exit codes: 0 the PNG was written; 2 the texture runs past the end of the ROM, OUT exists
    /// (without --force) or cannot be written, or the ROM cannot be read.
    Texture(TextureArgs),
    #[command(flatten)]
    Docs(DocCommand),
}

#[derive(Debug, Args)]
pub(crate) struct InfoArgs {
    /// One JSON record per ROM per line (see the README for the keys).
    #[arg(long)]
    pub(crate) json: bool,
    /// Use this CIC instead of the one the boot code is made for: 6101 6102 7101 7102 6103 7103
    /// 6105 7105 6106 7106 5101, or a 64DD kind (8303 8401 5167 8501).
    #[arg(long, value_name = "KIND", value_parser = parse_cic)]
    pub(crate) cic: Option<CicKind>,
    /// Use this byte order instead of detecting it.
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser())]
    pub(crate) byte_order: Option<ByteOrder>,
    /// ROM files.
    #[arg(required = true, value_name = "ROM")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// One JSON record per file per line, then a summary record.
    #[arg(long)]
    pub(crate) json: bool,
    /// Check against this CIC's check code where the boot code is unknown: 6101 6102 7101 7102
    /// 6103 7103 6105 7105 6106 7106 5101. A ROM whose boot code is made for another CIC is
    /// skipped.
    #[arg(long, value_name = "KIND", value_parser = parse_check_code_cic)]
    pub(crate) cic: Option<CicKind>,
    /// Use this byte order instead of detecting it.
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser())]
    pub(crate) byte_order: Option<ByteOrder>,
    /// Files or directories (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// One JSON record per ROM per line, then a summary record.
    #[arg(long, conflicts_with = "csv")]
    pub(crate) json: bool,
    /// Comma-separated values with a header row.
    #[arg(long)]
    pub(crate) csv: bool,
    /// Also list files that are not ROMs, with the reason.
    #[arg(long)]
    pub(crate) all: bool,
    /// Print another format instead of the table: `everdrive-savedb` prints EverDrive 64
    /// `save_db.txt` records (`ID=SC` or `0xCRCHI=SC`) for the ROMs whose save type is known.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with_all = ["json", "csv", "all"])]
    pub(crate) format: Option<ScanFormat>,
    /// Directories (or files) to scan.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
}

/// `n64 scan --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ScanFormat {
    /// EverDrive 64 `save_db.txt` records.
    EverdriveSavedb,
}

#[derive(Debug, Args)]
pub(crate) struct HashArgs {
    /// One JSON record per ROM per line, then a summary record.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also hash the file as stored (not converted to big-endian).
    #[arg(long)]
    pub(crate) as_stored: bool,
    /// Use this byte order instead of detecting it.
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser())]
    pub(crate) byte_order: Option<ByteOrder>,
    /// Hash a ROM whose size is not a whole number of its byte order's words as if padded with
    /// zeros to the next whole word (without it, such a ROM is refused).
    #[arg(long)]
    pub(crate) pad: bool,
    /// ROM files, or directories (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct VerifyArgs {
    /// A DAT file (Logiqx XML or clrmamepro, recognised by content); repeat for several.
    #[arg(long = "dat", required = true, value_name = "FILE")]
    pub(crate) dats: Vec<PathBuf>,
    /// The byte order every DAT's hashes are over, instead of what its name ("(BigEndian)",
    /// "(ByteSwapped)") or each rom's extension says.
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser())]
    pub(crate) dat_order: Option<ByteOrder>,
    /// One JSON record per file, per incomplete game, then a summary (see the README).
    #[arg(long, conflicts_with = "csv")]
    pub(crate) json: bool,
    /// Comma-separated values: one row per file, with a header row.
    #[arg(long)]
    pub(crate) csv: bool,
    /// List the games that are missing or incomplete, and count them as a problem (exit 1).
    #[arg(long)]
    pub(crate) missing: bool,
    /// Write a Logiqx DAT of the missing and incomplete games to OUT (nothing is written when
    /// nothing is missing).
    #[arg(long, value_name = "OUT")]
    pub(crate) fixdat: Option<PathBuf>,
    /// Hash every file again, without reading or writing the hash cache (N64_CACHE sets its
    /// directory).
    #[arg(long)]
    pub(crate) no_cache: bool,
    /// Files or directories (walked recursively; zip and 7z archives are read member by
    /// member).
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PatchInfoArgs {
    /// One JSON record per patch per line, then a summary record.
    #[arg(long)]
    pub(crate) json: bool,
    /// Check each patch against this ROM (z64, v64 or n64, detected by content): is it the
    /// patch's source, and does a patch that records none apply to it.
    #[arg(long, value_name = "ROM")]
    pub(crate) rom: Option<PathBuf>,
    /// Patch files: IPS, IPS32, UPS, BPS, APS or VCDIFF (xdelta3), recognised by content.
    #[arg(required = true, value_name = "PATCH")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct AssetsArgs {
    /// One JSON record per asset, a record per ROM, then a summary record.
    #[arg(long)]
    pub(crate) json: bool,
    /// ROM files (any byte order, at most 256 MiB).
    #[arg(required = true, value_name = "ROM")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
    /// The ROM (any byte order, at most 256 MiB).
    #[arg(value_name = "ROM")]
    pub(crate) rom: PathBuf,
    /// The directory to write into (created if missing).
    #[arg(short, long = "output", value_name = "DIR")]
    pub(crate) output: PathBuf,
    /// Only these kinds: yaz0 yay0 mio0 dfs_file dmadata_file toc_entry (comma-separated or
    /// repeated).
    #[arg(long, value_name = "KIND", value_delimiter = ',', value_parser = parse_kind)]
    pub(crate) only: Vec<AssetKind>,
    /// Write into a non-empty DIR, replacing files of the same names (never the ROM, never
    /// through a symbolic link).
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_field_names)]
pub(crate) struct TextureArgs {
    /// The ROM (any byte order, at most 256 MiB).
    #[arg(value_name = "ROM")]
    pub(crate) rom: PathBuf,
    /// Where the texture starts in the big-endian ROM (decimal, or hex with 0x).
    #[arg(long, value_name = "OFF", value_parser = parse_offset)]
    pub(crate) offset: usize,
    /// The texture format: rgba16 rgba32 ia4 ia8 ia16 i4 i8 ci4 ci8.
    #[arg(long, value_name = "FMT", required_unless_present = "sheet", conflicts_with = "sheet")]
    pub(crate) format: Option<Format>,
    /// Width in texels (with --sheet: the one width to show instead of 16, 32 and 64).
    #[arg(long, value_name = "W", required_unless_present = "sheet")]
    pub(crate) width: Option<u32>,
    /// Height in texels (with --sheet: rows per tile, default 64).
    #[arg(long, value_name = "H", required_unless_present = "sheet")]
    pub(crate) height: Option<u32>,
    /// Where the palette (TLUT) of a CI texture starts (decimal, or hex with 0x).
    #[arg(long, value_name = "OFF", value_parser = parse_offset)]
    pub(crate) palette: Option<usize>,
    /// The palette entries' format.
    #[arg(long, value_name = "FMT", default_value = "rgba16", requires = "palette")]
    pub(crate) palette_format: PaletteFormat,
    /// Draw a labelled contact sheet of the bytes at --offset in every format.
    #[arg(long)]
    pub(crate) sheet: bool,
    /// The PNG file to write.
    #[arg(short, long = "output", value_name = "OUT")]
    pub(crate) output: PathBuf,
    /// Replace OUT if it exists (never the ROM).
    #[arg(long)]
    pub(crate) force: bool,
}

fn parse_kind(s: &str) -> Result<AssetKind, String> {
    s.parse().map_err(|e: n64_assets::scan::ParseKindError| e.to_string())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        super::Cli::command().debug_assert();
    }
}
