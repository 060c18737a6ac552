//! Command-line definitions (also the source of completions and the man pages).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use n64_common::args::{byte_order_parser, parse_arg, parse_check_code_cic};
use n64_common::{DocCommand, Verbosity};
use n64_core::{ByteOrder, CicKind, Controller, Destination, GameCode, SaveType};

/// Repair and normalise Nintendo 64 ROM images: check code, header fields, byte order.
///
/// Every change is written to a temporary file next to the original, synced, and renamed over
/// it: an interrupted run never leaves a half-written ROM. Files that need no change are not
/// touched. A rewritten file is a new file (a new inode): hard links to the old one keep the
/// old content. Permissions are kept, and owner and group where the user may set them.
///
/// Exit codes: 0 every file is as it should be; 1 something was skipped (or, with --dry-run,
/// would change); 2 an error occurred; 130 interrupted (Ctrl-C; what was done is reported).
#[derive(Debug, Parser)]
#[command(name = "n64-fix", version)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) verbosity: Verbosity,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Fix the check code (CRC1/CRC2 at 0x10..0x18) of ROM files, and of directories recursively.
    ///
    /// Only the 8 check code bytes change, in the file's own byte order, for the CIC the boot
    /// code is made for. Boot code that verifies no check code (libdragon's) and unknown boot
    /// code are left alone unless told otherwise.
    Crc(CrcArgs),
    /// Change header fields of one ROM, including the Advanced Homebrew header.
    ///
    /// The check code covers ROM 0x1000..0x101000, not the header, so header changes never
    /// require a new check code.
    Header(HeaderArgs),
    /// Convert ROMs to another byte order (z64 big-endian, v64 byte-swapped, n64 little-endian).
    ///
    /// In place, a .z64, .v64 or .n64 name gets the extension of the new order (unless
    /// --keep-name); an existing file of that name is never replaced.
    Convert(ConvertArgs),
    /// Bring whole collections to one byte order, matching extensions and, optionally, names
    /// built from the header. Duplicates are reported, never deleted; no file is overwritten.
    ///
    /// Each directory worked on is locked for the run (nothing is left in it): a second run on
    /// the same tree, a directory inside it or one around it is refused while one is under way
    /// (--dry-run takes no lock). Ctrl-C stops it after the changes under way; what was done is
    /// reported.
    Normalize(NormalizeArgs),
    /// Grow ROMs to a size with a fill byte (never shrinking); the check code is recomputed
    /// when the padding changes what it covers (ROMs shorter than 0x101000 bytes), or always
    /// with --fix-crc.
    Pad(PadArgs),
    /// Apply patches (BPS, UPS, IPS, IPS32, APS, xdelta/VCDIFF) to a ROM in any byte order, and
    /// fix the check code of the result.
    ///
    /// Each patch applies in the byte order it was made against: BPS and UPS by their source
    /// CRC32 (the ROM is tried in each order), APS by its byte-order flag, IPS and VCDIFF by
    /// convention big-endian (z64). The result keeps the ROM's byte order unless --to says
    /// otherwise. The ROM itself is never changed unless --in-place.
    #[command(after_long_help = PATCH_HELP)]
    Patch(PatchArgs),
    /// Make a BPS or IPS patch from an original and a modified ROM, both read in any byte order
    /// and compared big-endian (or in --order), as patches are expected to be made.
    MakePatch(MakePatchArgs),
    #[command(flatten)]
    Docs(DocCommand),
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct PatchArgs {
    /// The ROM to patch (z64, v64 or n64).
    #[arg(value_name = "ROM")]
    pub(crate) rom: PathBuf,
    /// The patches, applied in the order given.
    #[arg(required = true, value_name = "PATCH")]
    pub(crate) patches: Vec<PathBuf>,
    /// Write the result here (default: beside the ROM, "ROM-STEM (PATCH-STEM).EXT", EXT the
    /// result's byte order).
    #[arg(short, long, value_name = "OUT")]
    pub(crate) output: Option<PathBuf>,
    /// Replace the ROM itself with the result, atomically.
    #[arg(long, conflicts_with = "output")]
    pub(crate) in_place: bool,
    /// The byte order of the result (default: the ROM's).
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser())]
    pub(crate) to: Option<ByteOrder>,
    /// Apply every patch in this byte order instead of the one it says (or the z64
    /// convention for IPS and VCDIFF).
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser())]
    pub(crate) patch_order: Option<ByteOrder>,
    /// Leave the check code as the patches leave it (it is reported, not fixed).
    #[arg(long)]
    pub(crate) no_fix_crc: bool,
    /// Apply a patch to a ROM that is not its source, and overwrite an existing output file.
    #[arg(long)]
    pub(crate) force: bool,
    /// Check everything (patches, sources, results, the output path); write nothing.
    #[arg(short = 'n', long)]
    pub(crate) dry_run: bool,
    /// One JSON record.
    #[arg(long)]
    pub(crate) json: bool,
}

/// What `patch` checks, for `n64-fix patch --help`.
const PATCH_HELP: &str = "\
Every check a patch format carries is made: BPS and UPS source, target and patch CRC32s; the APS \
cart ID and check code (another country only warns); xdelta3's Adler-32 of each window. A ROM that \
is not a patch's source is refused (exit 2) unless --force. The check code is then fixed for the \
CIC the patched boot code is made for, as `n64-fix crc` does: libdragon's boot code verifies none \
and is left alone; unknown boot code is left alone with a warning (exit 1). --dry-run exits 1 when \
the output would be written, as every dry run that would change something. Nothing is written \
until every patch has applied; the output is written to a temporary file beside it and renamed.";

#[derive(Debug, Args)]
pub(crate) struct MakePatchArgs {
    /// The original ROM (any byte order).
    #[arg(value_name = "ORIGINAL")]
    pub(crate) original: PathBuf,
    /// The modified ROM (any byte order).
    #[arg(value_name = "MODIFIED")]
    pub(crate) modified: PathBuf,
    /// The patch to write: OUT.bps or OUT.ips (the extension chooses the format).
    #[arg(short, long, value_name = "OUT")]
    pub(crate) output: PathBuf,
    /// The byte order both ROMs are compared in (the patch applies to ROMs in that order).
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser(), default_value = "z64")]
    pub(crate) order: ByteOrder,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub(crate) force: bool,
    /// One JSON record.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PadArgs {
    /// The size: bytes with an optional unit (32M, 0x2000000, 8388608; K, M, G are binary),
    /// pow2 (the next power of two), or multiple:UNIT (the next multiple, e.g. multiple:4M).
    #[arg(long, value_name = "SIZE")]
    pub(crate) size: crate::pad::PadSize,
    /// The byte to pad with: 0..255 or 0x00..0xFF.
    #[arg(long, value_name = "BYTE", default_value = "0", value_parser = crate::pad::parse_fill)]
    pub(crate) fill: u8,
    /// Also write the right check code for the CIC the boot code is made for, even where the
    /// padding does not change what it covers.
    #[arg(long)]
    pub(crate) fix_crc: bool,
    /// Show what would change; write nothing.
    #[arg(short = 'n', long)]
    pub(crate) dry_run: bool,
    /// One JSON record per file per line, then a summary record.
    #[arg(long)]
    pub(crate) json: bool,
    /// ROM files, or directories (walked recursively).
    #[arg(required = true, value_name = "ROM")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct CrcArgs {
    /// Compute the check code for this CIC where the boot code is unknown: 6101 6102 7101 7102
    /// 6103 7103 6105 7105 6106 7106 5101. A CIC the boot code is not made for is refused
    /// (the console would reject the result) unless --force.
    #[arg(long, value_name = "KIND", value_parser = parse_check_code_cic)]
    pub(crate) cic: Option<CicKind>,
    /// Write a check code for boot code that verifies none (libdragon's), and for a --cic the
    /// boot code is not made for.
    #[arg(long)]
    pub(crate) force: bool,
    /// Show what would change; write nothing.
    #[arg(short = 'n', long)]
    pub(crate) dry_run: bool,
    /// Copy each file to NAME.bak before changing it (refused when NAME.bak exists).
    #[arg(long)]
    pub(crate) backup: bool,
    /// Pad ROMs shorter than 0x101000 bytes with zeros to that size.
    #[arg(long)]
    pub(crate) pad: bool,
    /// One JSON record per file per line, then a summary record.
    #[arg(long)]
    pub(crate) json: bool,
    /// ROM files, or directories (walked recursively; non-ROM files and NAME.bak backups in
    /// them are left alone).
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
#[command(after_long_help = HOMEBREW_HELP)]
pub(crate) struct HeaderArgs {
    /// The title (at most 20 characters, ASCII or half-width katakana).
    #[arg(long, value_name = "T")]
    pub(crate) title: Option<String>,
    /// The 4-character game code, e.g. NSME (with the Advanced Homebrew header: ?ED?, e.g. NEDE).
    #[arg(long, value_name = "XXXX", value_parser = parse_arg::<GameCode>)]
    pub(crate) game_code: Option<GameCode>,
    /// The region (destination) letter or name, e.g. E, J, P, usa, japan, europe.
    #[arg(long, value_name = "R", value_parser = parse_arg::<Destination>)]
    pub(crate) region: Option<Destination>,
    /// The ROM version (0..255); not with the Advanced Homebrew header, which uses that byte.
    #[arg(long, value_name = "N", conflicts_with_all = ["savetype", "controller", "rtc", "no_rtc", "region_free", "no_region_free"])]
    pub(crate) rom_version: Option<u8>,
    /// Save type (Advanced Homebrew header; see below): none eeprom4k eeprom16k sram256k
    /// sram768k flashram sram1m.
    #[arg(long, value_name = "S", value_parser = parse_arg::<SaveType>)]
    pub(crate) savetype: Option<SaveType>,
    /// Controller on a port (Advanced Homebrew header), e.g. 1=rumble. Kinds: n64 rumble cpak
    /// tpak none mouse vru gamecube keyboard gamecube-keyboard.
    #[arg(long, value_name = "PORT=KIND", value_parser = parse_controller)]
    pub(crate) controller: Vec<(usize, Controller)>,
    /// The game uses the real-time clock (Advanced Homebrew header).
    #[arg(long, conflicts_with = "no_rtc")]
    pub(crate) rtc: bool,
    /// The game does not use the real-time clock.
    #[arg(long)]
    pub(crate) no_rtc: bool,
    /// The game is region-free (Advanced Homebrew header).
    #[arg(long, conflicts_with = "no_region_free")]
    pub(crate) region_free: bool,
    /// The game is not region-free.
    #[arg(long)]
    pub(crate) no_region_free: bool,
    /// Show what would change; write nothing.
    #[arg(short = 'n', long)]
    pub(crate) dry_run: bool,
    /// One JSON record.
    #[arg(long)]
    pub(crate) json: bool,
    /// The ROM file.
    #[arg(value_name = "ROM")]
    pub(crate) path: PathBuf,
}

/// The rule behind the Advanced Homebrew header options, for `n64-fix header --help`.
const HOMEBREW_HELP: &str = "\
The Advanced Homebrew header (--savetype, --controller, --rtc, --region-free) is marked by \
\"ED\" in the middle of the game code (header 0x3C..0x3D), so writing it turns a game code \
NSME into NEDE, and a --game-code given with it, or on a ROM that has it, must keep \"ED\" \
there (e.g. NEDE, NEDJ). It keeps its save type and flags in byte 0x3F, so --rom-version is \
refused on such a ROM.";

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct ConvertArgs {
    /// The byte order to write: z64 (big-endian), v64 (byte-swapped) or n64 (little-endian).
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser())]
    pub(crate) to: ByteOrder,
    /// Write to this file instead of converting in place (one ROM only; not the input itself).
    #[arg(short, long, value_name = "OUT")]
    pub(crate) output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long, requires = "output")]
    pub(crate) force: bool,
    /// In place, keep the file name (by default a .z64, .v64 or .n64 name gets the extension of
    /// the new order).
    #[arg(long, conflicts_with = "output")]
    pub(crate) keep_name: bool,
    /// Pad with zeros to a whole number of words (2 bytes v64, 4 bytes n64) when the size is not
    /// one (without it, such a ROM is refused).
    #[arg(long)]
    pub(crate) pad: bool,
    /// Show what would change; write nothing.
    #[arg(short = 'n', long)]
    pub(crate) dry_run: bool,
    /// One JSON record per file per line, then a summary record.
    #[arg(long)]
    pub(crate) json: bool,
    /// ROM files.
    #[arg(required = true, value_name = "ROM")]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
#[command(after_long_help = NORMALIZE_DAT_HELP)]
pub(crate) struct NormalizeArgs {
    /// The byte order (and extension) every ROM gets.
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser(), default_value = "z64")]
    pub(crate) to: ByteOrder,
    /// Name files from header fields: {title} {game_code} {region} {version} {cic} {save}, e.g.
    /// "{title} ({region})". The extension is added. A field that is not printable (a game
    /// code of zeros) is left out.
    #[arg(long, value_name = "TEMPLATE")]
    pub(crate) rename: Option<String>,
    /// Also fix invalid check codes (boot code that verifies none, or unknown boot code, is left
    /// alone).
    #[arg(long)]
    pub(crate) fix_crc: bool,
    /// Pad ROMs whose size is not a whole number of their byte order's words with zeros
    /// (without it, such a ROM is refused).
    #[arg(long)]
    pub(crate) pad: bool,
    /// Rename and convert by DAT instead: every file matching a rom of a DAT (Logiqx XML or
    /// clrmamepro) gets the DAT's name and byte order (see below); repeat for several.
    #[arg(long = "dat", value_name = "FILE", conflicts_with_all = ["to", "rename", "fix_crc", "pad"])]
    pub(crate) dats: Vec<PathBuf>,
    /// With --dat: the byte order every DAT's hashes are over, instead of what its name
    /// ("(BigEndian)", "(ByteSwapped)") or each rom's extension says.
    #[arg(long, value_name = "ORDER", value_parser = byte_order_parser(), requires = "dats")]
    pub(crate) dat_order: Option<ByteOrder>,
    /// With --dat: build a clean set in DIR (created if missing) instead of changing the
    /// input: each matched rom, from files and zip/7z members, as DIR/ROM_NAME (the DAT's name).
    #[arg(long, value_name = "DIR", requires = "dats")]
    pub(crate) out: Option<PathBuf>,
    /// With --out: one zip per game instead, DIR/GAME_NAME.zip (sorted entries, fixed
    /// dates: the same input gives the same bytes).
    #[arg(long, requires = "out")]
    pub(crate) zip: bool,
    /// Show what would change; write nothing (but the --report, which then holds the plan).
    #[arg(short = 'n', long)]
    pub(crate) dry_run: bool,
    /// Write a JSON report of every action, failure and the summary to FILE (checked to be
    /// writable before anything changes).
    #[arg(long, value_name = "FILE")]
    pub(crate) report: Option<PathBuf>,
    /// One JSON record per file per line, then a summary record.
    #[arg(long)]
    pub(crate) json: bool,
    /// Directories (walked recursively) or files; with --dat, zip and 7z archives are read
    /// member by member.
    #[arg(required = true, value_name = "DIR")]
    pub(crate) paths: Vec<PathBuf>,
}

/// What `normalize --dat` does, for `n64-fix normalize --help`.
const NORMALIZE_DAT_HELP: &str = "\
With --dat, files are matched by hash (never by name) in each DAT's byte order, as `n64 verify` \
matches them. In place, every file that provides a rom is converted to the DAT's byte order and \
renamed to the DAT's rom name in its own directory; duplicates, archive members, mismatched and \
unknown files are left alone and listed. A DAT rom name that is not a plain file name (a path, \
`..`, a hidden name) is refused, and an existing file of the DAT's name is never replaced: one \
with the same content makes this file a duplicate, one with other content refuses the rename. \
Every file written is checked against the DAT's SHA-1 before the old one goes. With --out DIR the \
input is only read.";

fn parse_controller(s: &str) -> Result<(usize, Controller), String> {
    let (port, kind) = s.split_once('=').ok_or_else(|| format!("{s:?} is not PORT=KIND, e.g. 1=rumble"))?;
    let port: usize = match port.trim().parse() {
        Ok(n @ 1..=4) => n,
        _ => return Err(format!("port {port:?} is not 1, 2, 3 or 4")),
    };
    let kind = parse_arg(kind)?;
    Ok((port, kind))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn controllers_parse() {
        assert_eq!(super::parse_controller("2=tpak").unwrap(), (2, n64_core::Controller::TransferPak));
        assert!(super::parse_controller("5=n64").unwrap_err().contains("port"));
        assert!(super::parse_controller("1=floppy").unwrap_err().contains("gamecube-keyboard"));
    }
}
