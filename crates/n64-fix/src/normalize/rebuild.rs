//! `normalize --dat --out DIR`: a clean set built beside the input, which is only read. Each
//! rom a file or archive member provides becomes `DIR/<rom name>` in the DAT's byte order
//! (or, with `--zip`, an entry of `DIR/<game name>.zip`: [`super::zip_out`]), streamed chunk by
//! chunk, written to a temporary file in DIR and renamed into place only once its SHA-1 is the
//! DAT's. An existing file of the same name is never replaced.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use n64_collection::{FileStatus, Source};
use n64_common::batch::{self, ERRORS, Tally};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, FailureKind};
use n64_core::ByteOrder;
use n64_dat::RomRef;
use n64_io::{ErrorKind, ImageReader};

use super::apply::write_checked;
use super::journal::sha1_stored;
use super::report::{Line, OUT_KEYS, OutputRom, Record, Report};
use super::scan::{self, Dats, Target, unsafe_name};
use super::zip_out;

/// What the rebuild was asked to do.
#[derive(Debug)]
#[allow(clippy::struct_excessive_bools, reason = "the command's flags, passed on")]
pub(crate) struct Settings<'a> {
    /// The output directory (created, and locked, unless a dry run).
    pub(crate) out: &'a Path,
    /// One zip per game.
    pub(crate) zip: bool,
    pub(crate) dry_run: bool,
    pub(crate) progress: bool,
    pub(crate) quiet: bool,
    /// Files of this run (the DATs, the report), canonical: not walked.
    pub(crate) own: &'a [PathBuf],
    pub(crate) interrupted: &'a AtomicBool,
}

/// One rom to write: where its bytes are and what they must become.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub(crate) rom: RomRef,
    /// The DAT's rom name.
    pub(crate) name: String,
    pub(crate) game: String,
    pub(crate) source: Source,
    pub(crate) size: u64,
    /// The order it is stored in, when it is an N64 image.
    pub(crate) stored: Option<ByteOrder>,
    pub(crate) target: Target,
}

impl Piece {
    /// How an output record lists it.
    pub(crate) fn record(&self) -> OutputRom {
        OutputRom {
            name: self.name.clone(),
            game: self.game.clone(),
            source: self.source.display(),
            converted: self.target.converted(),
        }
    }

    /// `NAME from SOURCE (converted v64 → z64)`.
    fn describe(&self) -> String {
        let converted = self.target.converted().map_or_else(String::new, |c| format!(", converted {c}"));
        format!("{} from {}{converted}", self.name, self.source.display())
    }
}

/// One file to make in the output directory.
#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) path: PathBuf,
    pub(crate) game: String,
    /// What it holds: one rom for a plain file, the entries (sorted) of a zip.
    pub(crate) pieces: Vec<Piece>,
    /// Other roms it serves: the same name and content (a rom listed by two DATs).
    pub(crate) also: Vec<Piece>,
    /// Why it is not made, when that is known before looking at DIR.
    pub(crate) refused: Option<String>,
}

/// What became of one output.
#[derive(Debug)]
pub(crate) enum Outcome {
    Written,
    WouldWrite,
    AlreadyThere,
    Refused(String),
    NotDone,
    Failed(Failure),
}

/// Runs the rebuild over `roots`; returns the report's lines, tally and whether Ctrl-C stopped it.
pub(crate) fn run(roots: &[PathBuf], dats: &Dats, settings: &Settings<'_>) -> (Vec<Line>, Tally, bool) {
    let verb = if settings.dry_run { "would_write" } else { "written" };
    let mut tally = Tally::new(&[&[verb][..], &OUT_KEYS].concat());
    let out_canonical = std::fs::canonicalize(settings.out).ok();
    let filter = |path: &Path| {
        let canonical = std::fs::canonicalize(path).ok()?;
        if settings.own.contains(&canonical) {
            Some("a DAT or report of this run, left alone")
        } else if out_canonical.as_ref().is_some_and(|out| canonical.starts_with(out)) {
            Some("in the output directory, left alone")
        } else {
            None
        }
    };
    // A path inside the output directory is not an input (the output would feed itself).
    let mut lines: Vec<Line> = Vec::new();
    let mut inputs = Vec::new();
    for root in roots {
        let inside =
            std::fs::canonicalize(root).ok().zip(out_canonical.as_ref()).is_some_and(|(r, o)| r.starts_with(o));
        if inside {
            tally.add(ERRORS, Exit::Error);
            lines.push(Line::failure(Failure::refused(
                root,
                "it is inside the output directory: not read (give the set to rebuild, and another --out DIR)",
            )));
        } else {
            inputs.push(root.clone());
        }
    }
    let walked = n64_io::walk_filtered(&inputs, &filter);
    let scan = scan::scan(dats, walked, false, settings.progress, settings.interrupted);
    for failure in &scan.failures {
        tally.add(ERRORS, Exit::Error);
        lines.push(Line::failure(failure.clone()));
    }
    lines.extend(Report::unlisted(scan.others.clone(), &mut tally));
    if scan.interrupted {
        tally.raise(Exit::Interrupted);
        return (lines, tally, true);
    }
    for left in scan.nested_left() {
        tally.add(left.key, left.exit);
        lines.push(Line::left(left, settings.quiet));
    }
    let owners = scan.owners();
    let mut pieces = Vec::new();
    for (i, (file, verdict)) in scan.files.iter().enumerate() {
        if let Some(left) = scan.left_alone(dats, &owners, i) {
            tally.add(left.key, left.exit);
            lines.push(Line::left(left, settings.quiet));
            continue;
        }
        if !matches!(verdict.status, FileStatus::Match | FileStatus::BadDump) {
            continue;
        }
        for candidate in &verdict.provides {
            let Some(target) = Target::of(dats, file, candidate) else { continue };
            pieces.push(Piece {
                rom: candidate.rom,
                name: dats.rom_name(candidate.rom),
                game: dats.game_name(candidate.rom),
                source: file.source.clone(),
                size: file.size,
                stored: file.order,
                target,
            });
        }
    }
    pieces.sort_by_key(|p| p.rom);
    let outputs = if settings.zip { zip_outputs(settings.out, pieces) } else { plain_outputs(settings.out, pieces) };
    let outcomes = make_all(&outputs, settings);
    let mut interrupted = false;
    for (output, outcome) in outputs.iter().zip(outcomes) {
        interrupted |= matches!(outcome, Outcome::NotDone);
        lines.push(output_line(output, outcome, settings, &mut tally));
    }
    if interrupted {
        tally.raise(Exit::Interrupted);
    }
    (lines, tally, interrupted)
}

/// The outputs of a plain rebuild: one file per rom name. Roms of the same name and content
/// share it; a rom of the same name with other content is refused.
fn plain_outputs(out: &Path, pieces: Vec<Piece>) -> Vec<Output> {
    let mut by_name: BTreeMap<String, Vec<Piece>> = BTreeMap::new();
    for piece in pieces {
        by_name.entry(piece.name.clone()).or_default().push(piece);
    }
    let mut outputs = Vec::new();
    for (name, mut pieces) in by_name {
        let first = pieces.remove(0);
        let refused = unsafe_name(&name)
            .map(|why| format!("the DAT's rom name {name:?} cannot be a file name ({why}); nothing written"));
        // A name refused is never joined to a path, even to show it.
        let path = if refused.is_some() { out.to_path_buf() } else { out.join(&name) };
        let (also, other): (Vec<Piece>, Vec<Piece>) =
            pieces.into_iter().partition(|p| p.target.sha1 == first.target.sha1);
        for piece in other {
            let reason = refused.clone().unwrap_or_else(|| {
                format!(
                    "rom {:?} of game {:?} has the same name as rom {:?} of game {:?} but other content; nothing written",
                    piece.name, piece.game, first.name, first.game
                )
            });
            outputs.push(Output {
                path: path.clone(),
                game: piece.game.clone(),
                pieces: vec![piece],
                also: Vec::new(),
                refused: Some(reason),
            });
        }
        outputs.push(Output { path, game: first.game.clone(), pieces: vec![first], also, refused });
    }
    outputs
}

/// The outputs of a zip rebuild: one zip per game name (games listed twice, as a `.z64` and a
/// `.v64` entry, share it), entries sorted by ASCII lower-case name as TorrentZip sorts them.
fn zip_outputs(out: &Path, pieces: Vec<Piece>) -> Vec<Output> {
    let mut by_game: BTreeMap<String, Vec<Piece>> = BTreeMap::new();
    for piece in pieces {
        by_game.entry(piece.game.clone()).or_default().push(piece);
    }
    let mut outputs = Vec::new();
    for (game, mut pieces) in by_game {
        pieces.sort_by(|a, b| zip_out::entry_order(&a.name, &b.name).then(a.rom.cmp(&b.rom)));
        let mut refused = unsafe_name(&game)
            .map(|why| format!("the DAT's game name {game:?} cannot be a file name ({why}); nothing written"));
        let mut entries: Vec<Piece> = Vec::new();
        let mut also = Vec::new();
        for piece in pieces {
            if refused.is_none()
                && let Some(why) = unsafe_name(&piece.name)
            {
                refused = Some(format!(
                    "the DAT's rom name {:?} cannot be an entry name ({why}); nothing written",
                    piece.name
                ));
            }
            match entries.last() {
                Some(last) if last.name == piece.name && last.target.sha1 == piece.target.sha1 => also.push(piece),
                Some(last) if last.name == piece.name => {
                    refused.get_or_insert_with(|| {
                        format!("two roms of the game are named {:?} and differ; nothing written", piece.name)
                    });
                    also.push(piece);
                }
                _ => entries.push(piece),
            }
        }
        let path = if unsafe_name(&game).is_some() { out.to_path_buf() } else { out.join(format!("{game}.zip")) };
        outputs.push(Output { path, game, pieces: entries, also, refused });
    }
    outputs
}

/// Makes every output, in parallel: one job per zip or per plain file read, one per archive
/// whose members are read (each archive is read once for all its members).
fn make_all(outputs: &[Output], settings: &Settings<'_>) -> Vec<Outcome> {
    let mut jobs: Vec<Vec<usize>> = Vec::new();
    let mut by_archive: BTreeMap<&Path, Vec<usize>> = BTreeMap::new();
    for (i, output) in outputs.iter().enumerate() {
        match output.pieces.first().map(|p| &p.source) {
            Some(Source::Member { archive, .. }) if !settings.zip => by_archive.entry(archive).or_default().push(i),
            _ => jobs.push(vec![i]),
        }
    }
    jobs.extend(by_archive.into_values());
    let done = batch::map(&jobs, settings.progress, || (), |(), job| make_job(outputs, job, settings));
    let mut outcomes: Vec<Option<Outcome>> = outputs.iter().map(|_| None).collect();
    for (i, outcome) in done.into_iter().flatten() {
        if let Some(slot) = outcomes.get_mut(i) {
            *slot = Some(outcome);
        }
    }
    outcomes.into_iter().map(|o| o.unwrap_or(Outcome::NotDone)).collect()
}

/// Makes the outputs of one job.
fn make_job(outputs: &[Output], job: &[usize], settings: &Settings<'_>) -> Vec<(usize, Outcome)> {
    let mut results = Vec::new();
    let mut to_write = Vec::new();
    for &i in job {
        let Some(output) = outputs.get(i) else { continue };
        match settle(output, settings) {
            Some(outcome) => results.push((i, outcome)),
            None => to_write.push(i),
        }
    }
    if to_write.is_empty() {
        return results;
    }
    if settings.zip {
        for i in to_write {
            if let Some(output) = outputs.get(i) {
                results.push((i, zip_out::write(output)));
            }
        }
        return results;
    }
    let first = to_write.first().and_then(|&i| outputs.get(i)).and_then(|o| o.pieces.first());
    match first.map(|p| &p.source) {
        Some(Source::Member { archive, .. }) => {
            let wanted: Vec<(usize, &Output)> = to_write.iter().filter_map(|&i| Some((i, outputs.get(i)?))).collect();
            results.extend(write_members(archive, &wanted, settings.interrupted));
        }
        _ => {
            for i in to_write {
                if let Some(output) = outputs.get(i) {
                    results.push((i, write_plain(output)));
                }
            }
        }
    }
    results
}

/// The outcome of an output that needs no writing: refused, already there, a dry run, or
/// interrupted. `None`: it is to be written.
fn settle(output: &Output, settings: &Settings<'_>) -> Option<Outcome> {
    if let Some(reason) = &output.refused {
        return Some(Outcome::Refused(reason.clone()));
    }
    match std::fs::symlink_metadata(&output.path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Some(Outcome::Failed(n64_io::Error::io(&output.path, n64_io::Operation::Read, e).into())),
        Ok(meta) if !meta.is_file() => {
            return Some(Outcome::Refused("it exists and is not a regular file; nothing written".to_owned()));
        }
        Ok(_) => {
            let same = if settings.zip {
                zip_out::same_as_existing(output)
            } else {
                let sha1 = output.pieces.first().map(|p| p.target.sha1);
                sha1_stored(&output.path).map(|have| Some(have) == sha1).map_err(Failure::from)
            };
            return Some(match same {
                Ok(true) => Outcome::AlreadyThere,
                Ok(false) => Outcome::Refused("it exists and holds other content; left as it is".to_owned()),
                Err(failure) => Outcome::Failed(failure),
            });
        }
    }
    if settings.dry_run {
        return Some(Outcome::WouldWrite);
    }
    if settings.interrupted.load(Ordering::Relaxed) {
        return Some(Outcome::NotDone);
    }
    None
}

/// The metadata an output takes its permissions from: its source's (the file, or the archive).
pub(crate) fn like(piece: &Piece) -> Option<std::fs::Metadata> {
    std::fs::metadata(piece.source.file()).ok()
}

/// Writes a plain output from a plain file.
fn write_plain(output: &Output) -> Outcome {
    let Some(piece) = output.pieces.first() else { return Outcome::NotDone };
    let like = like(piece);
    let written = with_image(piece, |image| create_checked(&output.path, like.as_ref(), image, piece));
    match written {
        Ok(()) => Outcome::Written,
        Err(failure) => Outcome::Failed(failure),
    }
}

/// Writes plain outputs from the members of one archive, reading it once (again only for a
/// member that provides several roms of different names).
fn write_members(archive: &Path, wanted: &[(usize, &Output)], interrupted: &AtomicBool) -> Vec<(usize, Outcome)> {
    let like = std::fs::metadata(archive).ok();
    let mut results = Vec::new();
    let mut pending: Vec<(usize, &Output)> = wanted.to_vec();
    while !pending.is_empty() {
        // One output per member in each pass.
        let mut round: HashMap<usize, (usize, &Output)> = HashMap::new();
        let mut later = Vec::new();
        for (i, output) in pending {
            let Some(Source::Member { index, .. }) = output.pieces.first().map(|p| &p.source) else { continue };
            if round.contains_key(index) {
                later.push((i, output));
            } else {
                round.insert(*index, (i, output));
            }
        }
        pending = later;
        let mut done: Vec<(usize, Outcome)> = Vec::new();
        let walk = n64_archive::for_each_member(archive, &mut |info, reader| {
            let Some(&(i, output)) = round.get(&info.index) else { return Ok(()) };
            let outcome = if interrupted.load(Ordering::Relaxed) {
                Outcome::NotDone
            } else if let Some(piece) = output.pieces.first() {
                let (from, to) = piece.target.orders(piece.stored);
                let shown = PathBuf::from(piece.source.display());
                let mut image = ImageReader::new(&shown, reader, piece.size, from).convert_to(to);
                match create_checked(&output.path, like.as_ref(), &mut image, piece) {
                    Ok(()) => Outcome::Written,
                    Err(failure) => Outcome::Failed(failure),
                }
            } else {
                Outcome::NotDone
            };
            done.push((i, outcome));
            if done.len() == round.len() { Err(io::Error::other(STOP)) } else { Ok(()) }
        });
        let archive_failure = match walk {
            Ok(()) | Err(n64_archive::ArchiveError::Visitor(_)) => None,
            Err(error) => Some(archive_failure(archive, &error)),
        };
        for (_, (i, _)) in round {
            let outcome = done.iter().position(|(j, _)| *j == i).map(|at| done.swap_remove(at).1);
            results.push((
                i,
                match (outcome, &archive_failure) {
                    // The archive's own error says what was wrong with the member's data.
                    (Some(Outcome::Failed(_)) | None, Some(failure)) => Outcome::Failed(failure.clone()),
                    (Some(outcome), _) => outcome,
                    (None, None) => Outcome::Failed(Failure::new(
                        archive,
                        FailureKind::Changed,
                        "the archive changed since it was read: a member is gone; nothing written",
                    )),
                },
            ));
        }
    }
    results
}

/// The message of the error that stops an archive walk early.
const STOP: &str = "n64-fix: stop";

/// An archive error as a failure of the archive.
fn archive_failure(archive: &Path, error: &n64_archive::ArchiveError) -> Failure {
    Failure::new(archive, FailureKind::Archive, error)
}

/// Calls `use_image` with a reader of the piece's bytes in the DAT's order: the file, or the
/// archive member (the archive read up to that member only).
pub(crate) fn with_image<T, F>(piece: &Piece, mut use_image: F) -> Result<T, Failure>
where
    F: FnMut(&mut ImageReader<&mut dyn Read>) -> Result<T, Failure>,
{
    let (from, to) = piece.target.orders(piece.stored);
    match &piece.source {
        Source::File(path) => {
            let mut open = n64_io::open_regular(path)?;
            if open.size() != piece.size {
                let change = n64_io::Change::Size { was: piece.size, now: open.size() };
                return Err(n64_io::Error::new(path, ErrorKind::Changed(change)).into());
            }
            let file: &mut dyn Read = &mut open.file;
            let mut image = ImageReader::new(path, file, piece.size, from).convert_to(to);
            use_image(&mut image)
        }
        Source::Member { archive, index, .. } => {
            let shown = PathBuf::from(piece.source.display());
            let mut result = None;
            let walk = n64_archive::for_each_member(archive, &mut |info, reader| {
                if info.index != *index {
                    return Ok(());
                }
                let mut image = ImageReader::new(&shown, reader, piece.size, from).convert_to(to);
                result = Some(use_image(&mut image));
                Err(io::Error::other(STOP))
            });
            match (result, walk) {
                (_, Err(error)) if !matches!(error, n64_archive::ArchiveError::Visitor(_)) => {
                    Err(archive_failure(archive, &error))
                }
                (Some(result), _) => result,
                (None, _) => Err(Failure::new(
                    archive,
                    FailureKind::Changed,
                    "the archive changed since it was read: a member is gone; nothing written",
                )),
            }
        }
    }
}

/// Creates `path` (which must not exist) with the image's bytes, renamed into place only when
/// they hash to the piece's SHA-1.
fn create_checked(
    path: &Path,
    like: Option<&std::fs::Metadata>,
    image: &mut ImageReader<&mut dyn Read>,
    piece: &Piece,
) -> Result<(), Failure> {
    let mut mismatch = false;
    n64_io::atomic::create_new(path, like, |out| write_checked(image, out, path, &piece.target.sha1, &mut mismatch))
        .map_err(|error| if mismatch { not_the_dats(piece) } else { Failure::from(error) })
}

/// The failure of a source whose bytes did not hash to the DAT's SHA-1 when written.
pub(crate) fn not_the_dats(piece: &Piece) -> Failure {
    Failure::new(
        &PathBuf::from(piece.source.display()),
        FailureKind::Changed,
        "its content changed since it was hashed: what was read does not have the DAT's SHA-1; nothing written",
    )
}

/// The report line of one output.
fn output_line(output: &Output, outcome: Outcome, settings: &Settings<'_>, tally: &mut Tally) -> Line {
    let roms: Vec<OutputRom> = output.pieces.iter().chain(&output.also).map(Piece::record).collect();
    let what = output.pieces.iter().map(Piece::describe).collect::<Vec<_>>().join("; ");
    let (action, text, reason) = match outcome {
        Outcome::Failed(failure) => {
            tally.add(ERRORS, Exit::Error);
            return Line::failure(failure);
        }
        Outcome::Written => {
            tally.add("written", Exit::Ok);
            ("written", Some(format!("written: {what}")), None)
        }
        Outcome::WouldWrite => {
            tally.add("would_write", Exit::Problems);
            ("would_write", Some(format!("would be written: {what}")), None)
        }
        Outcome::AlreadyThere => {
            tally.add("already_there", Exit::Ok);
            ("already_there", (!settings.quiet).then(|| "already there".to_owned()), None)
        }
        Outcome::Refused(reason) => {
            tally.add("refused", Exit::Problems);
            ("refused", Some(format!("refused: {reason}")), Some(reason))
        }
        Outcome::NotDone => {
            tally.add("not_done", Exit::Interrupted);
            ("not_done", Some(format!("not done (interrupted): {what}")), None)
        }
    };
    let record = Record::Output { path: path_text(&output.path), action, game: output.game.clone(), roms, reason };
    Line::new(output.path.clone(), record, text)
}
