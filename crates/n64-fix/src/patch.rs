//! `n64-fix patch`: apply patches to a ROM in whatever byte order each was made against, fix the
//! check code of the result, and write it (beside the ROM, to `-o`, or in place) atomically.
//!
//! The whole ROM is read into memory (a patch may read any of it), kept big-endian while the
//! patches apply (each converted to and from its own order by `n64_patch::rom`), and converted
//! once to the output order. Nothing is written until every patch has applied.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use n64_common::output::{Format, Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, FailureKind, read_whole, read_whole_rom};
use n64_core::{ByteOrder, CheckCode, CheckCodeAction, CheckCodeFix, FinalizeOptions, Padding};
use n64_patch::rom::{RomError, RomOptions, SourceCheck, Step, TargetCheck};
use serde::Serialize;

use crate::cli::PatchArgs;
use crate::own_files::same_file;

/// What was (or would be) written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Written,
    WouldWrite,
}

/// One patch as applied, in the JSON record.
#[derive(Debug, Serialize)]
struct PatchRecord {
    path: String,
    format: &'static str,
    order: &'static str,
    order_from: &'static str,
    source_check: &'static str,
    target_check: &'static str,
    reverse: bool,
    size_from: u64,
    size_to: u64,
    warnings: Vec<String>,
}

/// What happened to the check code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum CodeAction {
    /// A new check code was written.
    Fixed,
    /// The patched ROM's check code was already right.
    Ok,
    /// The boot code verifies none (libdragon's).
    NotRequired,
    /// Left alone: unknown boot code, a 64DD boot code, or not an N64 image.
    LeftAlone,
    /// `--no-fix-crc`: wrong, and left so.
    Invalid,
}

/// The check code part of the record.
#[derive(Debug, Serialize)]
struct CodeRecord {
    action: CodeAction,
    cic: Option<&'static str>,
    old: Option<String>,
    new: Option<String>,
    note: Option<String>,
}

/// `"type": "patch"` of `n64-fix patch --json`.
#[derive(Debug, Serialize)]
struct PatchedRecord {
    #[serde(rename = "type")]
    record: &'static str,
    rom: String,
    output: String,
    action: Action,
    in_place: bool,
    input_order: &'static str,
    output_order: &'static str,
    size_from: u64,
    size_to: u64,
    patches: Vec<PatchRecord>,
    check_code: CodeRecord,
}

/// The path the result is written to when no `-o` is given: beside the ROM, the ROM's stem, each
/// patch's stem in parentheses, and the extension of the output order.
fn default_output(rom: &Path, patches: &[PathBuf], order: ByteOrder) -> PathBuf {
    let mut name: OsString = rom.file_stem().map_or_else(|| OsString::from("patched"), OsString::from);
    for patch in patches {
        name.push(" (");
        name.push(patch.file_stem().unwrap_or(patch.as_os_str()));
        name.push(")");
    }
    name.push(".");
    name.push(order.name());
    rom.with_file_name(name)
}

/// A patch failure, on one line naming the patch (and the ROM where it is about the ROM).
fn patch_failure(patch: &Path, rom: &Path, error: RomError) -> Failure {
    let rom_name = rom.display();
    match error {
        RomError::WrongSource { expected, found } => Failure::new(
            patch,
            FailureKind::Patch,
            format!(
                "{rom_name} is not this patch's source in any byte order: the patch expects {expected}; the rom has {found}; nothing written (--force applies it anyway)"
            ),
        ),
        RomError::Unaligned { order, unit, len } => Failure::new(
            patch,
            FailureKind::Patch,
            format!(
                "applied in {order} order to {rom_name}, the image is {len:#x} bytes, not a whole number of {unit}-byte words; nothing written (--patch-order z64 applies it big-endian)"
            ),
        ),
        RomError::Patch(error) => {
            Failure::new(patch, FailureKind::Patch, format!("{error}; nothing written (applied to {rom_name})"))
        }
        other => Failure::new(patch, FailureKind::Patch, format!("{other}; nothing written")),
    }
}

/// Fixes (or, with `--no-fix-crc`, only checks) the check code of the big-endian `image`.
fn fix_check_code(image: &mut Vec<u8>, fix: bool) -> Result<CodeRecord, n64_core::Error> {
    let mut options = FinalizeOptions::default();
    options.order = Some(ByteOrder::Z64);
    options.padding = Padding::None;
    options.check_code = Some(CheckCodeFix::default());
    let left_alone =
        |note: String| CodeRecord { action: CodeAction::LeftAlone, cic: None, old: None, new: None, note: Some(note) };
    let plan = match n64_core::finalize(image, image.len() as u64, &options) {
        Ok(plan) => plan,
        Err(n64_core::Error::UnknownCic { crc32 }) => {
            return Ok(left_alone(format!(
                "unknown boot code, CRC32 {crc32:08x}: check code left alone (n64-fix crc --cic KIND fixes it)"
            )));
        }
        Err(n64_core::Error::CheckCodeInBootCode { .. }) => {
            return Ok(left_alone("64DD boot code: the check code is kept inside the boot code".to_owned()));
        }
        Err(error) => return Err(error),
    };
    Ok(match plan.check_code {
        CheckCodeAction::Written { old, new, cic } => {
            let (action, note) = if fix {
                plan.apply(image)?;
                (CodeAction::Fixed, None)
            } else {
                (CodeAction::Invalid, Some(format!("--no-fix-crc: left wrong; CIC {} needs {new}", cic.name())))
            };
            CodeRecord { action, cic: Some(cic.name()), old: Some(old.to_string()), new: Some(new.to_string()), note }
        }
        CheckCodeAction::AlreadyValid { cic } => {
            let code =
                CheckCode::from_u64(u64::from_be_bytes(image[0x10..0x18].try_into().expect("8 bytes"))).to_string();
            CodeRecord {
                action: CodeAction::Ok,
                cic: Some(cic.name()),
                old: Some(code.clone()),
                new: Some(code),
                note: None,
            }
        }
        CheckCodeAction::NotRequired { family } => CodeRecord {
            action: CodeAction::NotRequired,
            cic: None,
            old: None,
            new: None,
            note: Some(format!("{family} verifies no check code")),
        },
        _ => left_alone("check code left as it is".to_owned()),
    })
}

/// The words of a report for a source or target check.
fn source_word(check: SourceCheck) -> &'static str {
    match check {
        SourceCheck::Matched { by } => by,
        SourceCheck::NotCarried => "not_recorded",
        SourceCheck::Forced => "forced",
    }
}

fn target_word(check: TargetCheck) -> &'static str {
    match check {
        TargetCheck::Matched { by } => by,
        TargetCheck::NotCarried => "not_recorded",
    }
}

fn patch_record(path: &Path, step: &Step) -> PatchRecord {
    PatchRecord {
        path: path_text(path),
        format: step.format.name(),
        order: step.order.name(),
        order_from: step.order_from.name(),
        source_check: source_word(step.source),
        target_check: target_word(step.target),
        reverse: step.reverse,
        size_from: step.source_size,
        size_to: step.target_size,
        warnings: step.warnings.iter().map(ToString::to_string).collect(),
    }
}

/// Reads, patches, fixes and (unless a dry run) writes.
fn process(args: &PatchArgs) -> Result<PatchedRecord, Failure> {
    let rom_path: &Path = &args.rom;
    let rom_meta = std::fs::metadata(rom_path).ok();
    let (mut image, found) = read_whole_rom(rom_path, n64_patch::MAX_OUTPUT)?;
    let size_from = image.len() as u64;
    let input_order = found.order;
    n64_core::convert(&mut image, input_order, ByteOrder::Z64)
        .map_err(|e| Failure::from(n64_io::Error::rom(rom_path, e)))?;
    let output_order = args.to.unwrap_or(input_order);
    let output = match (&args.output, args.in_place) {
        (Some(out), _) => out.clone(),
        (None, true) => rom_path.to_path_buf(),
        (None, false) => default_output(rom_path, &args.patches, output_order),
    };
    if args.in_place
        && let Some(named) = n64_io::order_of_extension(rom_path)
        && named != output_order
    {
        return Err(Failure::refused(
            rom_path,
            format!(
                "--in-place keeps the name, whose extension says {named}, but the result would be {output_order}; nothing written (use -o, or convert it afterwards)"
            ),
        ));
    }
    if !args.in_place && same_file(&output, rom_path) {
        return Err(Failure::refused(
            rom_path,
            format!(
                "the output {} is the rom itself; nothing written (use --in-place to replace it)",
                output.display()
            ),
        ));
    }
    let output_dir = n64_io::atomic::parent_dir(&output);
    if !output_dir.is_dir() {
        return Err(Failure::new(
            &output,
            FailureKind::NotFound,
            format!("cannot write: the directory {} does not exist; nothing written", output_dir.display()),
        ));
    }
    if !args.in_place && !args.force && std::fs::symlink_metadata(&output).is_ok() {
        return Err(Failure::new(
            rom_path,
            FailureKind::AlreadyExists,
            format!("{} already exists; nothing written (pass --force to overwrite it)", output.display()),
        ));
    }

    let options = RomOptions { order: args.patch_order, force: args.force };
    let mut patches = Vec::with_capacity(args.patches.len());
    for patch_path in &args.patches {
        let patch = read_whole(patch_path, n64_patch::MAX_PATCH)?;
        let (result, step) = n64_patch::rom::apply_to_rom(&image, &patch, &options)
            .map_err(|e| patch_failure(patch_path, rom_path, e))?;
        image = result;
        patches.push(patch_record(patch_path, &step));
    }

    let check_code = fix_check_code(&mut image, !args.no_fix_crc).unwrap_or_else(|error| CodeRecord {
        action: CodeAction::LeftAlone,
        cic: None,
        old: None,
        new: None,
        note: Some(format!("the patched image is not a ROM the check code can be computed for: {error}")),
    });
    let size_to = image.len() as u64;
    n64_core::convert(&mut image, ByteOrder::Z64, output_order).map_err(|_| {
        Failure::new(
            rom_path,
            FailureKind::TrailingBytes,
            format!(
                "the patched rom is {size_to:#x} bytes, not a whole number of {}-byte words as {output_order} needs; nothing written (--to z64 writes it big-endian)",
                output_order.unit()
            ),
        )
    })?;

    let action = if args.dry_run { Action::WouldWrite } else { Action::Written };
    if !args.dry_run {
        write_output(&output, rom_path, rom_meta.as_ref(), &image, args)?;
    }
    Ok(PatchedRecord {
        record: "patch",
        rom: path_text(rom_path),
        output: path_text(&output),
        action,
        in_place: args.in_place,
        input_order: input_order.name(),
        output_order: output_order.name(),
        size_from,
        size_to,
        patches,
        check_code,
    })
}

/// Writes the result atomically: in place over the ROM (refused if the ROM changed since it was
/// read), over an existing output (`--force`), or as a new file with the ROM's permissions.
fn write_output(
    output: &Path,
    rom: &Path,
    rom_meta: Option<&std::fs::Metadata>,
    image: &[u8],
    args: &PatchArgs,
) -> Result<(), Failure> {
    let write = |out: &mut dyn std::io::Write| {
        out.write_all(image).map_err(|e| n64_io::Error::io(output, n64_io::Operation::Write, e))
    };
    if args.in_place {
        let now = std::fs::metadata(rom).ok();
        let stamp = |m: Option<&std::fs::Metadata>| m.map(|m| (m.len(), m.modified().ok()));
        if stamp(now.as_ref()) != stamp(rom_meta) {
            return Err(Failure::new(rom, FailureKind::Changed, "file changed while being patched; nothing written"));
        }
        return n64_io::atomic::replace(output, write).map_err(Failure::from);
    }
    if std::fs::symlink_metadata(output).is_ok() {
        // --force (checked before patching).
        return n64_io::atomic::replace(output, write).map_err(Failure::from);
    }
    n64_io::atomic::create_new(output, rom_meta, write).map_err(Failure::from)
}

/// The human report.
fn print_text(record: &PatchedRecord, args: &PatchArgs, printer: &mut Printer) -> Result<(), Stop> {
    let verb = match record.action {
        Action::Written if record.in_place => "patched in place".to_owned(),
        Action::Written => format!("patched into {}", record.output),
        Action::WouldWrite if record.in_place => "would patch in place".to_owned(),
        Action::WouldWrite => format!("would patch into {}", record.output),
    };
    printer.line(format_args!("{}: {verb}", args.rom.display()))?;
    for (n, patch) in record.patches.iter().enumerate() {
        let mut line = format!(
            "  {}. {}: {}, applied in {} order ({})",
            n + 1,
            patch.path,
            patch.format,
            patch.order,
            patch.order_from
        );
        if patch.reverse {
            line.push_str(", backwards (the rom was its output)");
        }
        let _ = match patch.source_check {
            "not_recorded" => write!(line, "; source: not recorded"),
            "forced" => write!(line, "; source: does not match (forced)"),
            by => write!(line, "; source {by} matches"),
        };
        let _ = match patch.target_check {
            "not_recorded" => write!(line, "; target: not recorded"),
            by => write!(line, "; target {by} matches"),
        };
        printer.line(line)?;
        for warning in &patch.warnings {
            printer.line(format_args!("     warning: {warning}"))?;
        }
    }
    let code = &record.check_code;
    let cic = code.cic.map_or_else(String::new, |cic| format!(" (CIC {cic})"));
    let code_line = match (code.action, &code.old, &code.new) {
        (CodeAction::Fixed, Some(old), Some(new)) => format!("check code {old} → {new}{cic}"),
        (CodeAction::Ok, _, Some(new)) => format!("check code {new} already right{cic}"),
        _ => format!("check code: {}", code.note.as_deref().unwrap_or("left alone")),
    };
    printer.line(format_args!("  {code_line}"))?;
    let orders = if record.input_order == record.output_order {
        record.output_order.to_owned()
    } else {
        format!("{} → {}", record.input_order, record.output_order)
    };
    printer.line(format_args!("  size {:#x} → {:#x} bytes, {orders}", record.size_from, record.size_to))
}

/// Runs `n64-fix patch`.
pub(crate) fn run(args: &PatchArgs) -> Result<Exit, Stop> {
    let mut printer = Printer::new("n64-fix", if args.json { Format::Json } else { Format::Text });
    let exit = match process(args) {
        Ok(record) => {
            printer.record(&record)?;
            print_text(&record, args, &mut printer)?;
            let unfixed = matches!(record.check_code.action, CodeAction::LeftAlone | CodeAction::Invalid);
            if unfixed {
                let note = record.check_code.note.as_deref().unwrap_or("check code left alone");
                printer.warning(format_args!("{}: {note}", record.output))?;
            }
            // A dry run that would write something exits 1, as every dry run does.
            if unfixed || record.action == Action::WouldWrite { Exit::Problems } else { Exit::Ok }
        }
        Err(failure) => {
            printer.failure(&failure)?;
            Exit::Error
        }
    };
    printer.finish()?;
    Ok(exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_output_names_every_patch_and_the_order() {
        let rom = Path::new("/roms/Game (USA).v64");
        let patches = [PathBuf::from("/dl/Hack v1.2.bps"), PathBuf::from("fix.ips")];
        assert_eq!(default_output(rom, &patches, ByteOrder::V64), Path::new("/roms/Game (USA) (Hack v1.2) (fix).v64"));
        assert_eq!(
            default_output(Path::new("game.rom"), &patches[..1], ByteOrder::Z64),
            Path::new("game (Hack v1.2).z64")
        );
    }
}
