//! `n64-fix pad`: grow ROMs to a size (bytes with units, the next power of two, or a multiple),
//! with a fill byte, never shrinking; the check code is recomputed when the padding changes
//! what it covers (ROMs shorter than the checked range), or always with `--fix-crc`.

use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use n64_common::batch::{self, Outcome, Settings, Tally};
use n64_common::output::{Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, Verbosity, count};
use n64_core::{CheckCode, CheckCodeAction, CheckCodeFix, FinalizeOptions, InspectOptions, Padding};
use n64_io::ImageReader;
use serde::Serialize;

use crate::cli::PadArgs;
use crate::own_files::{left_alone, replace_with_image};

/// How far the padded image may reach into the check code's range: 0x101000 bytes, or 0x3FF000
/// for a 5101 ROM in its long mode; the planned prefix is built up to this many bytes.
const CHECKED_REACH: u64 = 0x40_0000;

/// The size a ROM is padded to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PadSize {
    /// Exactly this many bytes.
    Bytes(u64),
    /// The next power of two (the size itself when it is one).
    PowerOfTwo,
    /// The next multiple of this many bytes.
    MultipleOf(u64),
}

impl PadSize {
    /// The target size for a ROM of `size` bytes (never below `size`).
    pub(crate) fn target(self, size: u64) -> Option<u64> {
        let target = match self {
            PadSize::Bytes(bytes) => bytes,
            PadSize::PowerOfTwo => size.checked_next_power_of_two()?,
            PadSize::MultipleOf(unit) => size.checked_next_multiple_of(unit)?,
        };
        Some(target.max(size))
    }
}

/// A byte count: decimal or `0x` hexadecimal, with an optional unit `K`, `M` or `G` (binary:
/// 1024, 1024², 1024³; `KiB`, `MiB`, `GiB` too).
fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim();
    // A hexadecimal number takes no unit (its letters are digits).
    let is_hex = text.starts_with("0x") || text.starts_with("0X");
    let split = if is_hex { text.len() } else { text.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(text.len()) };
    let (number, unit) = text.split_at(split);
    let value = match number.strip_prefix("0x").or_else(|| number.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => number.parse(),
    }
    .map_err(|_| format!("{text:?} is not a size (e.g. 32M, 0x2000000, 8388608)"))?;
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        other => return Err(format!("unknown unit {other:?} in {text:?} (use K, M or G)")),
    };
    value.checked_mul(scale).ok_or_else(|| format!("{text:?} is too large"))
}

impl FromStr for PadSize {
    type Err = String;

    /// `32M`, `0x2000000`, `8388608`, `pow2`, `multiple:4M`.
    fn from_str(text: &str) -> Result<PadSize, String> {
        if text.eq_ignore_ascii_case("pow2") {
            return Ok(PadSize::PowerOfTwo);
        }
        if let Some(unit) = text.strip_prefix("multiple:") {
            let unit = parse_bytes(unit)?;
            return if unit == 0 { Err("multiple:0 is not a size".to_owned()) } else { Ok(PadSize::MultipleOf(unit)) };
        }
        parse_bytes(text).map(PadSize::Bytes)
    }
}

/// A fill byte: 0..=255, decimal or `0x` hexadecimal.
pub(crate) fn parse_fill(text: &str) -> Result<u8, String> {
    let value = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u8::from_str_radix(hex, 16),
        None => text.parse(),
    };
    value.map_err(|_| format!("{text:?} is not a byte (0..255 or 0x00..0xFF)"))
}

/// What happens to one ROM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Padded,
    WouldPad,
    Ok,
}

/// `"type": "rom"` of `n64-fix pad --json`.
#[derive(Debug, Serialize)]
struct PadRecord<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    path: String,
    action: Action,
    from: u64,
    to: u64,
    fill: u8,
    old: Option<String>,
    new: Option<String>,
    check_code_note: Option<&'a str>,
}

/// What was (or would be) done to one ROM.
struct Padded {
    action: Action,
    from: u64,
    to: u64,
    fill: u8,
    code: Option<(CheckCode, CheckCode)>,
    /// Why the check code was left as it is, when it was to be fixed.
    note: Option<String>,
    /// `--fix-crc` was asked and could not be honoured.
    unfixed: bool,
}

impl Outcome for Padded {
    fn tally(&self) -> (&'static str, Exit) {
        let exit = if self.unfixed { Exit::Problems } else { Exit::Ok };
        match self.action {
            Action::Padded => ("padded", exit),
            Action::WouldPad => ("would_pad", Exit::Problems),
            Action::Ok => ("ok", exit),
        }
    }

    fn print(&self, path: &Path, printer: &mut Printer, quiet: bool) -> Result<(), Stop> {
        printer.record(&PadRecord {
            record: "rom",
            path: path_text(path),
            action: self.action,
            from: self.from,
            to: self.to,
            fill: self.fill,
            old: self.code.map(|(old, _)| old.to_string()),
            new: self.code.map(|(_, new)| new.to_string()),
            check_code_note: self.note.as_deref(),
        })?;
        let mut what = format!("{:#x} → {:#x} bytes, fill {:#04x}", self.from, self.to, self.fill);
        if let Some((old, new)) = self.code {
            let _ = write!(what, ", check code {old} → {new}");
        }
        if let Some(note) = &self.note {
            let _ = write!(what, "; check code left alone: {note}");
        }
        let line = match self.action {
            Action::Padded => format!("padded ({what})"),
            Action::WouldPad => format!("would pad ({what})"),
            Action::Ok if quiet && self.note.is_none() => return Ok(()),
            Action::Ok => format!("ok: already {:#x} bytes", self.from),
        };
        printer.line(format_args!("{}: {line}", path.display()))
    }
}

/// Decides and (unless a dry run) pads one file.
fn process(path: &Path, args: &PadArgs) -> Result<Padded, Failure> {
    let rom = n64_io::inspect_file(path, InspectOptions::default())?;
    let order = rom.info.order;
    let from = rom.size;
    let too_large = || Failure::refused(path, "the requested size does not fit in 64 bits; nothing changed");
    let to = args.size.target(from).ok_or_else(too_large)?;
    let unit = order.unit() as u64;
    if !to.is_multiple_of(unit) {
        return Err(Failure::refused(
            path,
            format!(
                "{to:#x} bytes is not a whole number of {unit}-byte words, as the {order} byte order needs; nothing changed"
            ),
        ));
    }
    let ok = Padded { action: Action::Ok, from, to: from, fill: args.fill, code: None, note: None, unfixed: false };
    if to == from && !args.fix_crc {
        return Ok(ok);
    }
    // The bytes the check code covers after padding, in the stored order (a fill byte reads the
    // same in every order).
    let reach = usize::try_from(to.min(CHECKED_REACH)).unwrap_or(usize::MAX);
    let mut planned = rom.prefix.clone();
    if planned.len() < reach {
        planned.resize(reach, args.fill);
    }
    let covered_changes = from < n64_core::check_code::CHECK_PREFIX_LEN as u64 && args.fill != 0 && to > from;
    let mut options = FinalizeOptions::default();
    options.order = Some(order);
    options.padding = Padding::None;
    if args.fix_crc || covered_changes {
        options.check_code = Some(CheckCodeFix::default());
    }
    let (header, code, note) = match n64_core::finalize(&planned, to, &options) {
        Ok(plan) => match plan.check_code {
            CheckCodeAction::Written { old, new, .. } => (Some(plan.header), Some((old, new)), None),
            CheckCodeAction::NotRequired { family } => (None, None, Some(format!("{family} verifies no check code"))),
            _ => (None, None, None),
        },
        Err(n64_core::Error::UnknownCic { crc32 }) => {
            (None, None, Some(format!("unknown boot code, CRC32 {crc32:08x} (n64-fix crc --cic KIND fixes it)")))
        }
        Err(n64_core::Error::CheckCodeInBootCode { .. }) => {
            (None, None, Some("64DD: the check code is kept inside the boot code".to_owned()))
        }
        Err(error) => return Err(n64_io::Error::rom(path, error).into()),
    };
    let unfixed = args.fix_crc && note.as_ref().is_some_and(|n| !n.contains("verifies no check code"));
    if to == from && code.is_none() {
        return Ok(Padded { note, unfixed, ..ok });
    }
    let action = if args.dry_run { Action::WouldPad } else { Action::Padded };
    let done = Padded { action, from, to, fill: args.fill, code, note, unfixed };
    if args.dry_run {
        return Ok(done);
    }
    let mut image = ImageReader::open(path, from, order)?
        .pad_with(to, args.fill)
        .expect_prefix(&rom.prefix[..rom.prefix.len().min(0x1000)]);
    if let Some(header) = header {
        image = image.with_header(header);
    }
    replace_with_image(path, image)?;
    Ok(done)
}

/// Runs `n64-fix pad`.
pub(crate) fn run(args: &PadArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let settings = Settings::lines(args.json, verbosity);
    let walked = n64_io::walk_filtered(&args.paths, &left_alone);
    let verb = if args.dry_run { "would_pad" } else { "padded" };
    batch::run(
        "n64-fix",
        settings,
        walked,
        &[verb, "ok"],
        |_, entry| process(&entry.path, args),
        |tally: &Tally| {
            let roms = tally.sum(&["padded", "would_pad", "ok", batch::ERRORS]);
            let verb_text = if args.dry_run { "would pad" } else { "padded" };
            format!(
                "{}: {} {verb_text}, {} already the size; {}",
                count(roms, "ROM"),
                tally.get(verb),
                tally.get("ok"),
                batch::errors_and_others(tally, "left alone")
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!("32M".parse(), Ok(PadSize::Bytes(32 << 20)));
        assert_eq!("32MiB".parse(), Ok(PadSize::Bytes(32 << 20)));
        assert_eq!("0x2000000".parse(), Ok(PadSize::Bytes(0x200_0000)));
        assert_eq!("8388608".parse(), Ok(PadSize::Bytes(8_388_608)));
        assert_eq!("1g".parse(), Ok(PadSize::Bytes(1 << 30)));
        assert_eq!("512K".parse(), Ok(PadSize::Bytes(512 << 10)));
        assert_eq!("pow2".parse(), Ok(PadSize::PowerOfTwo));
        assert_eq!("multiple:4M".parse(), Ok(PadSize::MultipleOf(4 << 20)));
        assert_eq!("multiple:0x200".parse(), Ok(PadSize::MultipleOf(0x200)));
        for bad in ["", "M", "32Q", "0x", "-1", "multiple:0", "multiple:", "99999999999999999999", "20000000000G"] {
            assert!(bad.parse::<PadSize>().is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_never_shrink() {
        assert_eq!(PadSize::Bytes(0x100).target(0x200), Some(0x200));
        assert_eq!(PadSize::PowerOfTwo.target(0x60_0000), Some(0x80_0000));
        assert_eq!(PadSize::PowerOfTwo.target(0x80_0000), Some(0x80_0000));
        assert_eq!(PadSize::MultipleOf(4 << 20).target(0x60_0001), Some(0x80_0000));
        assert_eq!(PadSize::MultipleOf(4 << 20).target(0x80_0000), Some(0x80_0000));
        assert_eq!(PadSize::PowerOfTwo.target(u64::MAX), None);
    }

    #[test]
    fn fill_bytes_parse() {
        assert_eq!(parse_fill("0xFF"), Ok(0xFF));
        assert_eq!(parse_fill("255"), Ok(255));
        assert_eq!(parse_fill("0"), Ok(0));
        assert!(parse_fill("256").is_err());
        assert!(parse_fill("0x100").is_err());
    }
}
