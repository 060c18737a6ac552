//! `n64 verify`: files and archive members against DAT files, in the DAT's byte order whatever
//! the file's, matched by hash (never by name); a report per file, per incomplete game, a
//! summary, and optionally a fixdat of what is missing.

mod dats;
mod fixdat;
mod records;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use n64_collection::{
    FileStatus, FileVerdict, Found, GameStatus, Hashed, Plan, RunCache, Source, Verdicts, hash_path, judge, rom_of,
};
use n64_common::batch;
use n64_common::output::{Format, Printer, Stop};
use n64_common::records::OtherRecord;
use n64_common::{Exit, Failure, FailureKind, Verbosity, count};
use n64_dat::{Dat, Index};
use n64_io::{Algorithms, SkipReason};

use self::dats::LoadedDat;
use self::records::{FileRecord, GameRecord, SummaryRecord};
use crate::cli::VerifyArgs;

/// The columns of the human table and of the CSV output.
const COLUMNS: [&str; 9] =
    ["status", "path", "dat", "game", "rom", "name_ok", "byte_order", "byte_order_ok", "matched_by"];
/// The columns of the human table of problems.
const TEXT_COLUMNS: [&str; 4] = ["status", "path", "game", "note"];

pub(crate) fn run(args: &VerifyArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let format = if args.json {
        Format::Json
    } else if args.csv {
        Format::Csv
    } else {
        Format::Text
    };
    let mut printer = Printer::new("n64", format);

    // The DATs first: an unreadable or malformed DAT stops the run before any file is read.
    let mut loaded = Vec::with_capacity(args.dats.len());
    for path in &args.dats {
        match dats::load(path) {
            Ok(dat) => loaded.push(dat),
            Err(failure) => {
                printer.failure(&failure)?;
                printer.finish()?;
                return Ok(Exit::Error);
            }
        }
    }
    for dat in &loaded {
        for warning in &dat.warnings {
            printer.warning(warning)?;
        }
    }
    let dat_list: Vec<Dat> = loaded.iter().map(|l| l.dat.clone()).collect();
    let index = Index::new(&dat_list, args.dat_order);
    let needs = index.needs();
    let mut algorithms = Algorithms::default();
    algorithms.crc32 = true;
    algorithms.sha1 = needs.sha1;
    algorithms.md5 = needs.md5;
    let plan = Plan { views: index.views(), algorithms };

    let cache = if args.no_cache { RunCache::none() } else { RunCache::open_default() };

    // Walk, leaving out the DATs themselves and the fixdat being written.
    let own: Vec<PathBuf> =
        args.dats.iter().chain(args.fixdat.iter()).filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    let walked = n64_io::walk_filtered(&args.paths, &|path| {
        let canonical = std::fs::canonicalize(path).ok()?;
        own.contains(&canonical).then_some("a DAT file of this run")
    });
    let results = batch::map(&walked.files, verbosity.allows_progress(), Vec::new, |buffer, entry| {
        hash_path(&entry.path, plan, &cache, buffer)
    });
    if let Some(reason) = cache.bypassed() {
        printer.warning(format_args!("hash cache bypassed: {reason}"))?;
    }

    let mut hashed: Vec<Hashed> = Vec::new();
    let mut nested: Vec<Source> = Vec::new();
    let mut failures: Vec<Failure> = walked.failures.into_iter().map(Failure::from).collect();
    let mut others: Vec<(String, String)> = Vec::new();
    for skipped in walked.skipped {
        if let SkipReason::NotRegular(_) = skipped.reason {
            others.push((skipped.path.display().to_string(), skipped.reason.to_string()));
        }
    }
    for walked_path in results {
        for found in walked_path.found {
            match found {
                Found::Hashed(file) => hashed.push(file),
                Found::NestedArchive { source, .. } => {
                    others.push((source.display(), "an archive inside an archive: not opened".to_owned()));
                    nested.push(source);
                }
            }
        }
        if let Some(error) = walked_path.error {
            failures.push(failure_of(error));
        }
    }
    hashed.sort_by(|a, b| a.source.cmp(&b.source));
    nested.sort();
    others.sort();
    failures.sort_by(|a, b| a.path.cmp(&b.path));

    let verdicts = judge(&dat_list, &index, args.dat_order, &hashed);
    let report = Report { loaded: &loaded, dats: &dat_list, hashed: &hashed, verdicts: &verdicts };
    let exit = report.print(&mut printer, args, verbosity.is_quiet(), nested.len(), &others, &failures)?;

    if let Some(out) = &args.fixdat {
        let wanted: Vec<(usize, usize)> =
            verdicts.games.iter().filter(|g| g.status != GameStatus::Complete).map(|g| (g.dat, g.game)).collect();
        if wanted.is_empty() {
            printer.line(format_args!("nothing is missing: no fixdat written to {}", out.display()))?;
        } else {
            match fixdat::write(out, &dat_list, &wanted) {
                Ok(()) => printer.line(format_args!(
                    "fixdat: {} written to {}",
                    count(wanted.len(), "game"),
                    out.display()
                ))?,
                Err(failure) => {
                    printer.failure(&failure)?;
                    printer.finish()?;
                    return Ok(Exit::Error);
                }
            }
        }
    }
    printer.finish()?;
    Ok(exit)
}

/// An engine error as the one-line failure the binaries print.
fn failure_of(error: n64_collection::Error) -> Failure {
    match error {
        n64_collection::Error::File(io) => Failure::from(io),
        other => Failure::new(other.path(), FailureKind::Archive, archive_message(&other)),
    }
}

/// The message of an archive error, without the path its Display starts with.
fn archive_message(error: &n64_collection::Error) -> String {
    let text = error.to_string();
    let prefix = format!("{}: ", error.path().display());
    text.strip_prefix(&prefix).map_or(text.clone(), str::to_owned)
}

/// Everything a run found, ready to print.
struct Report<'a> {
    loaded: &'a [LoadedDat],
    dats: &'a [Dat],
    hashed: &'a [Hashed],
    verdicts: &'a Verdicts,
}

impl Report<'_> {
    fn dat_name(&self, dat: usize) -> String {
        self.dats.get(dat).map_or_else(String::new, |d| {
            if d.header.name.is_empty() { self.loaded[dat].path.display().to_string() } else { d.header.name.clone() }
        })
    }

    fn file_record(&self, file: &Hashed, verdict: &FileVerdict) -> FileRecord {
        let (dat, game, rom) = match (verdict.best, verdict.suspected, verdict.suspected_rom) {
            (Some(best), _, _) => {
                let rom = rom_of(self.dats, best.rom).map(|r| r.name.clone());
                (Some(self.dat_name(best.rom.dat)), Some(self.game_name(best.rom.dat, best.rom.game)), rom)
            }
            (None, Some((d, g)), by_name) => {
                let rom = by_name.and_then(|r| rom_of(self.dats, r)).map(|r| r.name.clone());
                (Some(self.dat_name(d)), Some(self.game_name(d, g)), rom)
            }
            _ => (None, None, None),
        };
        FileRecord {
            record: "file",
            path: file.source.display(),
            status: verdict.status.name(),
            dat,
            game,
            rom,
            name_ok: verdict.best.map(|c| c.name_ok),
            byte_order: file.order.map(n64_core::ByteOrder::name),
            byte_order_ok: verdict.best.map(|c| c.order_ok),
            matched_by: verdict.best.map(|c| c.matched_by.name()),
        }
    }

    fn game_name(&self, dat: usize, game: usize) -> String {
        self.dats.get(dat).and_then(|d| d.games.get(game)).map_or_else(String::new, |g| g.name.clone())
    }

    /// Whether a file is exactly right: a match (or the best dump known) with the DAT's name
    /// and byte order.
    fn is_right(verdict: &FileVerdict) -> bool {
        matches!(verdict.status, FileStatus::Match | FileStatus::BadDump)
            && verdict.best.is_some_and(|c| c.name_ok && c.order_ok)
    }

    /// What to tell a person about a file that is not right.
    fn note(&self, file: &Hashed, verdict: &FileVerdict) -> String {
        let mut notes = Vec::new();
        if let Some(best) = verdict.best {
            if !best.order_ok {
                let want = best.rom_order.map_or("raw", n64_core::ByteOrder::name);
                let have = file.order.map_or("unknown", n64_core::ByteOrder::name);
                notes.push(format!("byte order {have}, the DAT's is {want}"));
            }
            if !best.name_ok
                && let Some(rom) = rom_of(self.dats, best.rom)
            {
                notes.push(format!("DAT name {}", rom.name));
            }
            if verdict.status == FileStatus::Duplicate {
                notes.push("another file already provides this rom".to_owned());
            }
            if verdict.status == FileStatus::BadDump {
                notes.push("the DAT marks this dump bad".to_owned());
            }
        }
        match verdict.status {
            FileStatus::Mismatch => notes.push("no hash matches: modified, or a bad dump".to_owned()),
            FileStatus::Unknown => notes.push("in no DAT".to_owned()),
            _ => {}
        }
        notes.join("; ")
    }

    fn print(
        &self,
        printer: &mut Printer,
        args: &VerifyArgs,
        quiet: bool,
        nested: usize,
        others: &[(String, String)],
        failures: &[Failure],
    ) -> Result<Exit, Stop> {
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        for status in FileStatus::ALL {
            counts.insert(status.name(), 0);
        }
        for key in ["wrong_name", "wrong_byte_order", "errors", "cached"] {
            counts.insert(key, 0);
        }
        counts.insert("nested_archives", nested);
        let mut exit = if nested > 0 { Exit::Problems } else { Exit::Ok };
        exit = exit.max(self.print_files(printer, others, &mut counts)?);
        let (tally, missing_lines) = self.print_games(printer)?;
        if args.missing && !missing_lines.is_empty() {
            exit = exit.max(Exit::Problems);
        }
        for failure in failures {
            *counts.entry("errors").or_default() += 1;
            exit = exit.max(Exit::Error);
            printer.failure(failure)?;
        }
        if args.missing {
            for line in &missing_lines {
                printer.line(line)?;
            }
        }
        // -q: the summary only when something is wrong.
        if !quiet || exit != Exit::Ok {
            self.print_summary(printer, &counts, tally)?;
        } else {
            printer.record(&self.summary_record(&counts, tally))?;
        }
        Ok(exit)
    }

    /// The file records (and table rows, CSV rows), counting as it goes.
    fn print_files(
        &self,
        printer: &mut Printer,
        others: &[(String, String)],
        counts: &mut BTreeMap<&'static str, usize>,
    ) -> Result<Exit, Stop> {
        let mut exit = Exit::Ok;
        if printer.format() == Format::Csv {
            printer.columns(&COLUMNS)?;
        }
        // The human table has a header only when it has rows.
        let mut table_started = false;
        let mut text_row = |printer: &mut Printer, cells: Vec<String>| -> Result<(), Stop> {
            if !table_started {
                printer.columns(&TEXT_COLUMNS)?;
                table_started = true;
            }
            printer.row(cells)
        };
        for (file, verdict) in self.hashed.iter().zip(&self.verdicts.files) {
            *counts.entry(verdict.status.name()).or_default() += 1;
            if file.cached {
                *counts.entry("cached").or_default() += 1;
            }
            if let Some(best) = verdict.best
                && matches!(verdict.status, FileStatus::Match | FileStatus::BadDump)
            {
                if !best.name_ok {
                    *counts.entry("wrong_name").or_default() += 1;
                }
                if !best.order_ok {
                    *counts.entry("wrong_byte_order").or_default() += 1;
                }
            }
            if !Self::is_right(verdict) {
                exit = exit.max(Exit::Problems);
            }
            let record = self.file_record(file, verdict);
            printer.record(&record)?;
            match printer.format() {
                Format::Csv => printer.row(csv_row(&record))?,
                Format::Text if !Self::is_right(verdict) => {
                    let note = self.note(file, verdict);
                    text_row(
                        printer,
                        vec![record.status.to_owned(), record.path, record.game.unwrap_or_default(), note],
                    )?;
                }
                _ => {}
            }
        }
        for (path, reason) in others {
            printer.record(&OtherRecord::new(Path::new(path), reason.clone()))?;
            if printer.format() == Format::Text {
                text_row(printer, vec!["other".to_owned(), path.clone(), String::new(), reason.clone()])?;
            }
        }
        Ok(exit)
    }

    /// The game records; returns the counts (complete, incomplete, missing) and the human lines
    /// of the games not complete.
    fn print_games(&self, printer: &mut Printer) -> Result<([usize; 3], Vec<String>), Stop> {
        let mut tally = [0; 3];
        let mut lines = Vec::new();
        for game in &self.verdicts.games {
            match game.status {
                GameStatus::Complete => tally[0] += 1,
                GameStatus::Incomplete => tally[1] += 1,
                GameStatus::Missing => tally[2] += 1,
            }
            if game.status == GameStatus::Complete {
                continue;
            }
            let name = self.game_name(game.dat, game.game);
            printer.record(&GameRecord {
                record: "game",
                dat: self.dat_name(game.dat),
                game: name.clone(),
                status: game.status.name(),
                have: game.have,
                need: game.need,
            })?;
            lines.push(format!("{}: {name} ({} of {} roms)", game.status.name(), game.have, game.need));
        }
        Ok((tally, lines))
    }

    /// The summary record.
    fn summary_record(
        &self,
        counts: &BTreeMap<&'static str, usize>,
        [complete, incomplete, missing]: [usize; 3],
    ) -> SummaryRecord {
        SummaryRecord {
            record: "summary",
            games: self.verdicts.games.len(),
            complete,
            incomplete,
            missing,
            files: self.hashed.len(),
            counts: counts.clone(),
        }
    }

    /// The summary record and the two summary lines.
    fn print_summary(
        &self,
        printer: &mut Printer,
        counts: &BTreeMap<&'static str, usize>,
        [complete, incomplete, missing]: [usize; 3],
    ) -> Result<(), Stop> {
        let games = self.verdicts.games.len();
        printer.record(&self.summary_record(counts, [complete, incomplete, missing]))?;
        let get = |key: &str| counts.get(key).copied().unwrap_or(0);
        printer.line(format_args!(
            "{}: {} matched, {}, {}, {} mismatched, {} unknown; {} with the wrong name, {} in the wrong byte order; {}",
            count(self.hashed.len(), "file"),
            get("match"),
            count(get("bad_dump"), "bad dump"),
            count(get("duplicate"), "duplicate"),
            get("mismatch"),
            get("unknown"),
            get("wrong_name"),
            get("wrong_byte_order"),
            count(get("errors"), "error"),
        ))?;
        printer.line(format_args!(
            "{}: {complete} complete, {incomplete} incomplete, {missing} missing",
            count(games, "game")
        ))
    }
}

/// A file record as a CSV row, in [`COLUMNS`] order.
fn csv_row(record: &FileRecord) -> Vec<String> {
    let flag = |b: Option<bool>| b.map_or_else(String::new, |b| b.to_string());
    vec![
        record.status.to_owned(),
        record.path.clone(),
        record.dat.clone().unwrap_or_default(),
        record.game.clone().unwrap_or_default(),
        record.rom.clone().unwrap_or_default(),
        flag(record.name_ok),
        record.byte_order.unwrap_or_default().to_owned(),
        flag(record.byte_order_ok),
        record.matched_by.unwrap_or_default().to_owned(),
    ]
}
