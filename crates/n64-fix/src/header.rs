//! `n64-fix header`: change header fields of one ROM, including the Advanced Homebrew header.
//!
//! The check code covers ROM 0x1000..0x101000 and not the header, so it stays valid.

use std::path::Path;

use n64_common::output::{Format, Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure};
use n64_core::{FinalizeOptions, Header, HeaderEdit, HomebrewHeader, InspectOptions};
use n64_io::ImageReader;
use serde::Serialize;

use crate::cli::HeaderArgs;
use crate::own_files::replace_with_image;

/// What happens to the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Changed,
    WouldChange,
    Unchanged,
}

/// One field that changes.
#[derive(Debug, Serialize)]
struct FieldChange {
    field: String,
    old: String,
    new: String,
}

/// `"type": "rom"` of `n64-fix header --json`.
#[derive(Debug, Serialize)]
struct HeaderRecord {
    #[serde(rename = "type")]
    record: &'static str,
    path: String,
    action: Action,
    changes: Vec<FieldChange>,
}

/// The edit the options ask for.
fn edit(args: &HeaderArgs) -> HeaderEdit {
    let mut edit = HeaderEdit::default();
    edit.title.clone_from(&args.title);
    edit.game_code = args.game_code;
    edit.destination = args.region;
    edit.rom_version = args.rom_version;
    edit.save_type = args.savetype;
    for &(port, kind) in &args.controller {
        edit.controllers[port - 1] = Some(kind);
    }
    edit.rtc = (args.rtc || args.no_rtc).then_some(args.rtc);
    edit.region_free = (args.region_free || args.no_region_free).then_some(args.region_free);
    edit
}

/// The message for an edit n64-core refused, naming the option.
fn refusal(error: &n64_core::Error) -> String {
    match error {
        n64_core::Error::TitleTooLong { .. } | n64_core::Error::TitleCharacter { .. } => format!("--title: {error}"),
        n64_core::Error::HomebrewMarkerNeeded { .. } => format!(
            "--game-code: {error} (--savetype, --controller, --rtc and --region-free write that header; see n64-fix header --help)"
        ),
        n64_core::Error::RomVersionInHomebrewHeader => format!("--rom-version: {error}"),
        n64_core::Error::SaveTypeOutOfRange { .. } => format!("--savetype: {error}"),
        other => other.to_string(),
    }
}

/// A title as shown: quoted, undecodable bytes as `\xNN` (never Rust's `\u{…}` escapes).
fn quoted_title(header: &Header) -> String {
    format!("\"{}\"", header.title().escaped())
}

/// The fields shown when they change, as (name, value) pairs.
fn fields(header: &Header) -> Vec<(String, String)> {
    let code = header.game_code();
    let mut out = vec![
        ("title".to_owned(), quoted_title(header)),
        ("game code".to_owned(), code.text().map_or_else(|| "none".to_owned(), str::to_owned)),
        ("region".to_owned(), code.destination().to_string()),
        ("rom version".to_owned(), header.rom_version().map_or_else(|| "-".to_owned(), |v| v.to_string())),
    ];
    let homebrew = header.homebrew();
    let show = |f: &dyn Fn(&HomebrewHeader) -> String| homebrew.as_ref().map_or_else(|| "-".to_owned(), f);
    out.push(("homebrew header".to_owned(), if homebrew.is_some() { "yes" } else { "no" }.to_owned()));
    out.push(("save type".to_owned(), show(&|hb| hb.save_type.to_string())));
    for port in 0..4 {
        out.push((format!("controller {}", port + 1), show(&|hb| hb.controllers[port].to_string())));
    }
    out.push(("rtc".to_owned(), show(&|hb| if hb.rtc { "yes" } else { "no" }.to_owned())));
    out.push(("region-free".to_owned(), show(&|hb| if hb.region_free { "yes" } else { "no" }.to_owned())));
    out
}

fn changes(before: &Header, after: &Header) -> Vec<FieldChange> {
    let mut changes: Vec<FieldChange> = fields(before)
        .into_iter()
        .zip(fields(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, old), (_, new))| FieldChange { field, old, new })
        .collect();
    if changes.is_empty() && before != after {
        changes.push(FieldChange {
            field: "header bytes".to_owned(),
            old: "padding or unused bits".to_owned(),
            new: "changed".to_owned(),
        });
    }
    changes
}

/// Plans and (unless a dry run) writes the new header.
fn process(args: &HeaderArgs) -> Result<HeaderRecord, Failure> {
    let path: &Path = &args.path;
    let rom = n64_io::inspect_file(path, InspectOptions::default())?;
    let mut options = FinalizeOptions::default();
    options.order = Some(rom.info.order);
    options.edit = edit(args);
    let plan = n64_core::finalize(&rom.prefix, rom.size, &options).map_err(|e| Failure::refused(path, refusal(&e)))?;
    let changes = changes(&plan.before.header, &plan.header);
    let action = match (plan.changes(), args.dry_run) {
        (false, _) => Action::Unchanged,
        (true, true) => Action::WouldChange,
        (true, false) => {
            let image = ImageReader::open(path, rom.size, rom.info.order)?
                .with_header(plan.header)
                .expect_prefix(&rom.prefix[..rom.prefix.len().min(0x1000)]);
            replace_with_image(path, image)?;
            Action::Changed
        }
    };
    Ok(HeaderRecord { record: "rom", path: path_text(path), action, changes })
}

/// Runs `n64-fix header`.
pub(crate) fn run(args: &HeaderArgs) -> Result<Exit, Stop> {
    let mut printer = Printer::new("n64-fix", if args.json { Format::Json } else { Format::Text });
    let exit = match process(args) {
        Ok(record) => {
            printer.record(&record)?;
            let verb = match record.action {
                Action::Changed => "changed",
                Action::WouldChange => "would change",
                Action::Unchanged => "no change",
            };
            printer.line(format_args!("{}: {verb}", args.path.display()))?;
            for change in &record.changes {
                printer.line(format_args!("  {}: {} → {}", change.field, change.old, change.new))?;
            }
            if record.action == Action::WouldChange { Exit::Problems } else { Exit::Ok }
        }
        Err(failure) => {
            printer.failure(&failure)?;
            Exit::Error
        }
    };
    printer.finish()?;
    Ok(exit)
}
