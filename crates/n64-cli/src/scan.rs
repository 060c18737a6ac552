//! `n64 scan`: list the ROMs under directories, recognised by content.

use std::path::{Path, PathBuf};

use n64_common::{Exit, Failure, RomFile, inspect_file_reusing, json, progress_bar, walk};
use n64_core::{ByteOrder, InspectOptions};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::cli::ScanArgs;
use n64_common::output::{self, Stop};

const COLUMNS: [&str; 11] = [
    "path",
    "format",
    "extension",
    "size",
    "title",
    "game_code",
    "region",
    "version",
    "cic",
    "check_code",
    "save_type",
];

/// Whether the file extension names the byte order found inside: `None` when the extension is
/// not one of z64/v64/n64.
pub(crate) fn extension_matches(path: &Path, order: ByteOrder) -> Option<bool> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    ByteOrder::ALL.iter().any(|o| o.name() == ext).then(|| ext == order.name())
}

fn row(rom: &RomFile) -> [String; 11] {
    let info = &rom.info;
    let header = &info.header;
    let code = header.game_code();
    let ext = match extension_matches(&rom.path, info.order) {
        Some(true) => "ok".to_owned(),
        Some(false) => "MISMATCH".to_owned(),
        None => "-".to_owned(),
    };
    [
        rom.path.display().to_string(),
        info.order.to_string(),
        ext,
        rom.size.to_string(),
        header.title().text(),
        code.to_string(),
        code.destination().description().to_owned(),
        header.rom_version().map_or_else(|| "-".to_owned(), |v| v.to_string()),
        info.cic.map_or_else(|| "unknown".to_owned(), |k| k.name().to_owned()),
        json::status_word(&info.check).to_owned(),
        header.homebrew().map_or_else(|| "-".to_owned(), |hb| hb.save_type.name().unwrap_or("unknown").to_owned()),
    ]
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

fn table(rows: &[[String; 11]]) -> String {
    let header = COLUMNS.map(str::to_uppercase);
    let mut widths = header.each_ref().map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = row.iter().zip(widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

pub(crate) fn run(args: &ScanArgs, quiet: bool) -> Result<Exit, Stop> {
    let walked = walk(&args.paths);
    let bar = progress_bar(walked.files.len(), !quiet && !args.json && !args.csv);
    let results: Vec<(PathBuf, Result<RomFile, Failure>)> =
        walked
            .files
            .par_iter()
            .map_init(Vec::new, |buffer, path| {
                // Only the decoded facts are kept, and one read buffer serves every file of a
                // thread: a collection of thousands of ROMs must not hold a megabyte of each.
                let result = inspect_file_reusing(path, InspectOptions::default(), buffer)
                    .map(|(size, info)| RomFile { path: path.clone(), size, prefix: Vec::new(), info });
                bar.inc(1);
                (path.clone(), result)
            })
            .collect();
    bar.finish_and_clear();

    let mut roms = Vec::new();
    let mut not_roms = walked.skipped.clone();
    let mut errors = walked.failures.clone();
    for (_, result) in results {
        match result {
            Ok(rom) => roms.push(rom),
            Err(failure) if failure.not_a_rom => not_roms.push(failure),
            Err(failure) => errors.push(failure),
        }
    }
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    not_roms.sort_by(|a, b| a.path.cmp(&b.path));
    for failure in &errors {
        output::error_line(&format!("n64: {failure}"));
    }
    let mismatched = roms.iter().filter(|r| extension_matches(&r.path, r.info.order) == Some(false)).count();
    let invalid = roms.iter().filter(|r| r.info.check.is_valid() == Some(false)).count();

    output::with_stdout(|out| {
        if args.json {
            for rom in &roms {
                let mut record = json::rom_json(&rom.path, &rom.info);
                record["extension_matches"] = json!(extension_matches(&rom.path, rom.info.order));
                writeln!(out, "{record}")?;
            }
            if args.all {
                for failure in &not_roms {
                    writeln!(out, "{}", json::failure_json(failure))?;
                }
            }
            let summary: Value = json!({"summary": {
                "roms": roms.len(), "not_roms": not_roms.len(), "errors": errors.len(),
                "invalid_check_codes": invalid, "extension_mismatches": mismatched,
            }});
            writeln!(out, "{summary}")?;
        } else if args.csv {
            writeln!(out, "{}", COLUMNS.join(","))?;
            for rom in &roms {
                writeln!(out, "{}", row(rom).map(|f| csv_field(&f)).join(","))?;
            }
            if args.all {
                for failure in &not_roms {
                    let mut fields: [String; 11] = Default::default();
                    fields[0] = failure.path.display().to_string();
                    fields[9] = format!("not a ROM: {}", failure.message);
                    writeln!(out, "{}", fields.map(|f| csv_field(&f)).join(","))?;
                }
            }
        } else {
            let cells: Vec<[String; 11]> = roms.iter().map(row).collect();
            out.write_all(table(&cells).as_bytes())?;
            if args.all {
                for failure in &not_roms {
                    writeln!(out, "{}: not a ROM: {}", failure.path.display(), failure.message)?;
                }
            }
            writeln!(
                out,
                "{} ROMs ({invalid} with an invalid check code, {mismatched} with a misleading extension), {} other files, {} errors",
                roms.len(),
                not_roms.len(),
                errors.len()
            )?;
        }
        Ok(())
    })?;
    Ok(if errors.is_empty() { Exit::Ok } else { Exit::Error })
}
