//! `n64-fix convert`: rewrite ROMs in another byte order, in place (renaming a .z64, .v64 or
//! .n64 name to the new order's extension) or to a new file.

use std::path::{Path, PathBuf};

use n64_common::batch::{self, Outcome, Settings, Tally};
use n64_common::output::{Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, FailureKind, Verbosity, count};
use n64_core::{ByteOrder, InspectOptions};
use n64_io::{ImageReader, Walked};
use serde::Serialize;

use crate::cli::ConvertArgs;
use crate::own_files::{replace_with_image, same_file};

/// What happens to one ROM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Rewritten in the new order.
    Converted,
    /// Already in the order: only renamed to the order's extension.
    Renamed,
    /// Already in the order: copied to the output file.
    Copied,
    /// Already in the order: nothing to do.
    Ok,
}

/// `"type": "rom"` of `n64-fix convert --json`.
#[derive(Debug, Serialize)]
struct ConvertRecord {
    #[serde(rename = "type")]
    record: &'static str,
    path: String,
    action: String,
    from: &'static str,
    to: &'static str,
    output: Option<String>,
    padded_to: Option<u64>,
}

/// What was (or would be) done to one ROM.
struct Converted {
    action: Action,
    dry_run: bool,
    from: ByteOrder,
    to: ByteOrder,
    /// The file written when it is not the input itself (renamed, or the output file).
    output: Option<PathBuf>,
    renamed: bool,
    padded_to: Option<u64>,
}

impl Converted {
    fn action_word(&self) -> String {
        let word = match self.action {
            Action::Converted => "convert",
            Action::Renamed => "rename",
            Action::Copied => "copy",
            Action::Ok => return "ok".to_owned(),
        };
        if self.dry_run {
            format!("would_{word}")
        } else {
            match self.action {
                Action::Converted => "converted",
                Action::Renamed => "renamed",
                _ => "copied",
            }
            .to_owned()
        }
    }

    fn line(&self) -> String {
        let (from, to) = (self.from, self.to);
        let target = self.output.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
        let name = self.output.as_deref().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
        let padded = self.padded_to.map_or_else(String::new, |size| format!(", padded to {size:#x} bytes"));
        match (self.action, self.dry_run) {
            (Action::Converted, false) => match (self.renamed, name) {
                (true, Some(name)) => format!("converted {from} → {to}, renamed to {name}{padded}"),
                _ if self.output.is_some() => format!("converted {from} → {to} into {target}{padded}"),
                _ => format!("converted {from} → {to}{padded}"),
            },
            (Action::Converted, true) => match (self.renamed, name) {
                (true, Some(name)) => format!("would convert {from} → {to} and rename it to {name}{padded}"),
                _ if self.output.is_some() => format!("would convert {from} → {to} into {target}{padded}"),
                _ => format!("would convert {from} → {to}{padded}"),
            },
            (Action::Renamed, false) => format!("already {to}; renamed to {}", name.unwrap_or_default()),
            (Action::Renamed, true) => format!("already {to}; would rename it to {}", name.unwrap_or_default()),
            (Action::Copied, false) => format!("already {to}; copied to {target}{padded}"),
            (Action::Copied, true) => format!("already {to}; would copy it to {target}{padded}"),
            (Action::Ok, _) => format!("already {to}"),
        }
    }
}

impl Outcome for Converted {
    fn tally(&self) -> (&'static str, Exit) {
        let exit = if self.dry_run && self.action != Action::Ok { Exit::Problems } else { Exit::Ok };
        let key = match self.action {
            Action::Converted => "converted",
            Action::Renamed => "renamed",
            Action::Copied => "copied",
            Action::Ok => "ok",
        };
        (key, exit)
    }

    fn print(&self, path: &Path, printer: &mut Printer, quiet: bool) -> Result<(), Stop> {
        printer.record(&ConvertRecord {
            record: "rom",
            path: path_text(path),
            action: self.action_word(),
            from: self.from.name(),
            to: self.to.name(),
            output: self.output.as_deref().map(path_text),
            padded_to: self.padded_to,
        })?;
        if quiet && self.action == Action::Ok {
            return Ok(());
        }
        printer.line(format_args!("{}: {}", path.display(), self.line()))
    }
}

/// The name a converted file gets in place: its `.z64`/`.v64`/`.n64` extension replaced by the
/// new order's (in the same case), or `None` when it keeps its name.
fn renamed_for(path: &Path, to: ByteOrder) -> Option<PathBuf> {
    let named = n64_io::order_of_extension(path)?;
    if named == to {
        return None;
    }
    let ext = path.extension()?.to_string_lossy();
    let new_ext =
        if ext.chars().all(|c| !c.is_ascii_lowercase()) { to.name().to_uppercase() } else { to.name().to_owned() };
    Some(path.with_extension(new_ext))
}

fn process(path: &Path, args: &ConvertArgs) -> Result<Converted, Failure> {
    let (size, found) = n64_io::identify_file(path, InspectOptions::default())?;
    let (from, to) = (found.order, args.to);
    let unit = from.unit().max(to.unit()) as u64;
    let padded_to = match (size.is_multiple_of(unit), args.pad) {
        (true, _) => None,
        (false, true) => Some(size.next_multiple_of(unit)),
        (false, false) => {
            let needs = if to.unit() >= from.unit() { to } else { from };
            return Err(Failure::new(
                path,
                FailureKind::TrailingBytes,
                format!(
                    "size {size:#x} is not a whole number of {unit}-byte words, as {needs} needs (pass --pad to pad with zeros)"
                ),
            ));
        }
    };
    let unchanged = from == to && padded_to.is_none();
    let renamed = if args.output.is_none() && !args.keep_name { renamed_for(path, to) } else { None };
    let output = args.output.clone().or_else(|| renamed.clone());
    let action = match (&args.output, &renamed, unchanged) {
        (None, None, true) => Action::Ok,
        (None, Some(_), true) => Action::Renamed,
        (Some(_), _, true) => Action::Copied,
        _ => Action::Converted,
    };
    let converted = Converted {
        action,
        dry_run: args.dry_run,
        from,
        to,
        output: output.clone(),
        renamed: renamed.is_some(),
        padded_to,
    };
    if let Some(target) = &output
        && target.exists()
        && !(args.force && args.output.is_some())
    {
        let advice = if args.output.is_some() {
            "pass --force to overwrite it"
        } else {
            "pass --keep-name to convert under the old name"
        };
        return Err(Failure::new(
            path,
            FailureKind::AlreadyExists,
            format!("{} already exists; nothing changed ({advice})", target.display()),
        ));
    }
    if args.dry_run || action == Action::Ok {
        return Ok(converted);
    }
    if args.output.is_none() && std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        // A new name would need no write permission on the file itself, but a read-only file
        // is one its owner wants left as it is: the same answer as for a change in place.
        return Err(n64_io::Error::new(path, n64_io::ErrorKind::ReadOnly).into());
    }
    let image = ImageReader::open(path, size, from)?.convert_to(to).pad_to(padded_to.unwrap_or(0));
    match &output {
        None => replace_with_image(path, image)?,
        Some(target) if target.exists() => replace_with_image_to(target, image)?,
        Some(target) => {
            let meta = std::fs::metadata(path).ok();
            let mut image = image;
            n64_io::atomic::create_new(target, meta.as_ref(), |out| image.copy_to(out, target).map(drop))
                .map_err(|error| named_after_input(path, target, error))?;
            if renamed.is_some() {
                n64_io::atomic::remove_durably(path)?;
            }
        }
    }
    Ok(converted)
}

/// A failure to write `target` (the renamed file), told about the input the user named.
fn named_after_input(input: &Path, target: &Path, error: n64_io::Error) -> Failure {
    if error.path != target {
        return error.into();
    }
    let failure = Failure::from(error);
    let name = target.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let message = failure.message.replacen("cannot write", &format!("cannot write {name}"), 1);
    Failure::new(input, failure.kind, message)
}

/// Replaces the (existing) output file with what `image` yields.
fn replace_with_image_to(target: &Path, mut image: ImageReader) -> Result<(), Failure> {
    n64_io::atomic::replace(target, |out| image.copy_to(out, target).map(drop)).map_err(Failure::from)
}

/// Runs `n64-fix convert`.
pub(crate) fn run(args: &ConvertArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    if args.output.is_some() && args.paths.len() != 1 {
        return Ok(batch::usage_error("n64-fix", "--output needs exactly one ROM"));
    }
    if let (Some(out), [input]) = (&args.output, args.paths.as_slice())
        && same_file(out, input)
    {
        // Writing the output would replace the input while it is read; in place is its own mode.
        return Ok(batch::usage_error(
            "n64-fix",
            format_args!("{}: output is the input file; omit -o to convert in place", out.display()),
        ));
    }
    let settings = Settings::lines(args.json, verbosity);
    batch::run(
        "n64-fix",
        settings,
        Walked::named(&args.paths),
        &["converted", "renamed", "copied", "ok"],
        |_, entry| process(&entry.path, args),
        |tally: &Tally| {
            let roms = tally.sum(&["converted", "renamed", "copied", "ok", batch::ERRORS]);
            let would = if args.dry_run { "would be " } else { "" };
            format!(
                "{}: {} {would}converted, {} {would}renamed, {} {would}copied, {} ok, {}",
                count(roms, "ROM"),
                tally.get("converted"),
                tally.get("renamed"),
                tally.get("copied"),
                tally.get("ok"),
                count(tally.get(batch::ERRORS), "error")
            )
        },
    )
}
