//! The planning step of `normalize`: it owns the walk, the recovery of interrupted runs and
//! the inspection of every file, and hands the naming policy ([`super::naming`]) what it found.
//! Nothing here writes but the recovery (which finishes what an earlier run started).

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use n64_common::batch::{self, is_other_file};
use n64_common::{Exit, Failure, FailureKind};
use n64_core::{ByteOrder, CheckCode, CheckCodeAction, CheckCodeFix, FinalizeOptions, Header, InspectOptions};
use n64_io::{Algorithms, Entry, Hasher, ImageReader, Walked};

use super::journal::{self, Recovery};
use super::naming::{self, Action};
use super::template::{Template, safe_stem};
use crate::own_files::{is_temporary, left_alone};

/// Why the check code of a ROM is left as it is, with `--fix-crc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CrcNote {
    /// The boot code verifies none (libdragon's): nothing wrong.
    NotRequired(String),
    /// It could not be fixed (unknown boot code, 64DD): a problem.
    LeftAlone(String),
}

/// A ROM as found, with what its content will be.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) path: PathBuf,
    pub(crate) size: u64,
    /// The first stored bytes (header and boot code), which must still be there when it is
    /// rewritten.
    pub(crate) prefix: Vec<u8>,
    pub(crate) from: ByteOrder,
    /// The byte order it will be in (`from` when it is copied as it is).
    pub(crate) to: ByteOrder,
    /// The header to write, when the check code is fixed.
    pub(crate) header: Option<Header>,
    /// The check code change, when fixed.
    pub(crate) code: Option<(CheckCode, CheckCode)>,
    /// Why the check code is left as it is, with `--fix-crc`.
    pub(crate) crc: Option<CrcNote>,
    /// The size to pad to (a partial word completed), with `--pad`.
    pub(crate) pad_to: Option<u64>,
    /// SHA-1 of the file as stored.
    pub(crate) stored_sha1: [u8; 20],
    /// SHA-1 of what the file will hold (in the target order).
    pub(crate) final_sha1: [u8; 20],
    /// The wanted file name stem.
    pub(crate) stem: OsString,
}

impl Found {
    /// The image the file will hold.
    pub(crate) fn image(&self) -> Result<ImageReader, n64_io::Error> {
        let image = ImageReader::open(&self.path, self.size, self.from)?
            .convert_to(self.to)
            .pad_to(self.pad_to.unwrap_or(0))
            .expect_prefix(&self.prefix);
        Ok(match self.header {
            Some(header) => image.with_header(header),
            None => image,
        })
    }

    /// A found ROM for naming tests: z64, nothing to change.
    #[cfg(test)]
    pub(crate) fn for_test(path: &str, stem: &str, final_sha1: [u8; 20]) -> Found {
        Found {
            path: PathBuf::from(path),
            size: 0x1000,
            prefix: Vec::new(),
            from: ByteOrder::Z64,
            to: ByteOrder::Z64,
            header: None,
            code: None,
            crc: None,
            pad_to: None,
            stored_sha1: final_sha1,
            final_sha1,
            stem: OsString::from(stem),
        }
    }
}

/// What the planning step was asked to do.
#[derive(Debug)]
#[allow(clippy::struct_excessive_bools, reason = "the command's flags, passed on")]
pub(crate) struct Settings<'a> {
    pub(crate) to: ByteOrder,
    pub(crate) template: Option<&'a Template>,
    pub(crate) fix_crc: bool,
    pub(crate) pad: bool,
    pub(crate) dry_run: bool,
    pub(crate) progress: bool,
    /// A temporary file of this run's own (the reserved report), not to be cleaned up.
    pub(crate) keep: Option<&'a Path>,
    pub(crate) interrupted: &'a AtomicBool,
}

/// What the planning step found and decided.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// One per ROM, in path order.
    pub(crate) actions: Vec<Action>,
    /// What recovery did (or would do), by path.
    pub(crate) recovered: Vec<(PathBuf, String)>,
    /// Files that could not be processed.
    pub(crate) failures: Vec<Failure>,
    /// Files left alone, with why.
    pub(crate) others: Vec<(PathBuf, String)>,
    /// With `--dat`: files left alone or refused, listed with the engine's verdict.
    pub(crate) left: Vec<Left>,
    /// Ctrl-C came during planning: nothing was decided for the files not yet inspected.
    pub(crate) interrupted: bool,
}

/// A file a run by DAT leaves alone (a duplicate, an archive member, a mismatch, an unknown
/// file, one whose DAT name is refused), listed with why.
#[derive(Debug)]
pub(crate) struct Left {
    /// The file, or `ARCHIVE/MEMBER`.
    pub(crate) path: PathBuf,
    /// The engine's verdict: `match`, `bad_dump`, `duplicate`, `mismatch`, `unknown` (or
    /// `nested_archive`, an archive inside an archive, not opened).
    pub(crate) status: &'static str,
    /// The summary count it goes under.
    pub(crate) key: &'static str,
    /// Whether the user should look at it (exit 1) or not.
    pub(crate) exit: Exit,
    /// Why, in words (the human line, after the path).
    pub(crate) reason: String,
    /// The DAT game and rom it is about, when it is about one.
    pub(crate) game: Option<String>,
    pub(crate) rom: Option<String>,
}

/// One inspected file.
enum Inspected {
    Rom(Box<Found>),
    Other(String),
    Failed(Failure),
    NotRun,
}

/// Plans the run over `roots` (already locked, unless a dry run).
pub(crate) fn plan(roots: &[PathBuf], settings: &Settings<'_>) -> Plan {
    let mut plan = Plan::default();
    let walked = n64_io::walk_filtered(roots, &left_alone);
    recover(&walked, settings.dry_run, settings.keep, &mut plan);
    // Recovery may have removed files: walk again.
    let walked =
        if settings.dry_run || plan.recovered.is_empty() { walked } else { n64_io::walk_filtered(roots, &left_alone) };
    plan.failures.extend(walked.failures.into_iter().map(Failure::from));
    for skipped in walked.skipped {
        if !is_temporary(&skipped.path) {
            plan.others.push((skipped.path, skipped.reason.to_string()));
        }
    }

    let inspected = batch::map(
        &walked.files,
        settings.progress,
        || (),
        |(), entry| {
            if settings.interrupted.load(Ordering::Relaxed) {
                return Inspected::NotRun;
            }
            inspect(entry, settings)
        },
    );
    let mut found = Vec::new();
    for (entry, item) in walked.files.iter().zip(inspected) {
        match item {
            Inspected::Rom(rom) => found.push(*rom),
            Inspected::Other(why) => plan.others.push((entry.path.clone(), why)),
            Inspected::Failed(failure) => plan.failures.push(failure),
            Inspected::NotRun => plan.interrupted = true,
        }
    }
    plan.actions = naming::decide(found, settings.to, &mut list_dir);
    plan
}

/// The names in a directory.
fn list_dir(dir: &Path) -> HashSet<OsString> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default()
}

/// Finishes moves a crash interrupted and removes stale temporary files (or, in a dry run,
/// says it would), but `keep` (a temporary file of this run's own).
pub(crate) fn recover(walked: &Walked, dry_run: bool, keep: Option<&Path>, plan: &mut Plan) {
    let keep = keep.and_then(|p| std::fs::canonicalize(p).ok());
    let temporary: Vec<&Path> = walked
        .skipped
        .iter()
        .map(|s| s.path.as_path())
        .filter(|p| is_temporary(p) && (keep.is_none() || std::fs::canonicalize(p).ok() != keep))
        .collect();
    for marker in temporary.iter().filter(|p| journal::is_marker(p)) {
        match journal::recover(marker, dry_run) {
            Ok(Recovery::RemovedOld { old, new }) => {
                let verb = if dry_run { "would remove" } else { "removed" };
                let message = format!("{verb} leftover of an interrupted move: {} holds its content", new.display());
                plan.recovered.push((old, message));
            }
            Ok(Recovery::Mismatch { old, new }) => plan.recovered.push((
                old,
                format!(
                    "interrupted move to {} does not match what was recorded; both files left alone",
                    new.display()
                ),
            )),
            Ok(Recovery::Nothing) => {}
            Err(error) => plan.failures.push(error.into()),
        }
    }
    for temp in temporary.into_iter().filter(|p| !journal::is_marker(p)) {
        if dry_run {
            plan.recovered.push((temp.to_path_buf(), "would remove stale temporary file".to_owned()));
        } else if let Err(error) = n64_io::atomic::remove_durably(temp) {
            plan.failures.push(error.into());
        } else {
            plan.recovered.push((temp.to_path_buf(), "removed stale temporary file".to_owned()));
        }
    }
}

/// The stem a file keeps without `--rename`: its own, made safe. A name that is not UTF-8 is
/// kept byte for byte (a lossy version would lose its bytes; it is a valid name where it is).
fn own_stem(path: &Path) -> OsString {
    let stem = path.file_stem().unwrap_or_default();
    match stem.to_str() {
        Some(text) => OsString::from(safe_stem(text)),
        None => stem.to_owned(),
    }
}

/// Inspects one file and hashes what it will hold.
fn inspect(entry: &Entry, settings: &Settings<'_>) -> Inspected {
    let path = &entry.path;
    match std::fs::symlink_metadata(path) {
        // A link is left alone (renaming it or its target would surprise), but a broken one
        // (dangling, a loop) is an error.
        Ok(meta) if meta.file_type().is_symlink() => {
            return match n64_io::open_regular(path) {
                Ok(_) => Inspected::Other("a symbolic link, left alone".to_owned()),
                Err(error) => Inspected::Failed(error.into()),
            };
        }
        Ok(_) => {}
        Err(error) => return Inspected::Failed(n64_io::Error::io(path, n64_io::Operation::Read, error).into()),
    }
    let rom = match n64_io::inspect_file(path, InspectOptions::default()) {
        Ok(rom) => rom,
        Err(error) => {
            let failure = Failure::from(error);
            return if is_other_file(entry, &failure) {
                Inspected::Other(failure.message)
            } else {
                Inspected::Failed(failure)
            };
        }
    };
    let info = &rom.info;
    let unit = info.order.unit().max(settings.to.unit()) as u64;
    let pad_to = match (rom.size.is_multiple_of(unit), settings.pad) {
        (true, _) => None,
        (false, true) => Some(rom.size.next_multiple_of(unit)),
        (false, false) => {
            return Inspected::Failed(Failure::new(
                path,
                FailureKind::TrailingBytes,
                format!(
                    "size {:#x} is not a whole number of {unit}-byte words, as {} needs (pass --pad to pad with zeros)",
                    rom.size,
                    if info.order.unit() >= settings.to.unit() { info.order } else { settings.to }
                ),
            ));
        }
    };
    let (mut header, mut code, mut crc) = (None, None, None);
    if settings.fix_crc {
        let mut options = FinalizeOptions::default();
        options.order = Some(info.order);
        options.check_code = Some(CheckCodeFix::default());
        match n64_core::finalize(&rom.prefix, rom.size, &options) {
            Ok(plan) => match plan.check_code {
                CheckCodeAction::Written { old, new, .. } => {
                    header = Some(plan.header);
                    code = Some((old, new));
                }
                CheckCodeAction::NotRequired { family } => {
                    crc = Some(CrcNote::NotRequired(format!("{family} verifies no check code")));
                }
                _ => {}
            },
            Err(n64_core::Error::UnknownCic { crc32 }) => {
                crc = Some(CrcNote::LeftAlone(format!("unknown boot code, CRC32 {crc32:08x}")));
            }
            Err(n64_core::Error::CheckCodeInBootCode { .. }) => {
                crc = Some(CrcNote::LeftAlone("64DD: the check code is kept inside the boot code".to_owned()));
            }
            Err(error) => return Inspected::Failed(n64_io::Error::rom(path, error).into()),
        }
    }
    let stem = match settings.template {
        Some(template) => OsString::from(template.render(info)),
        None => own_stem(path),
    };
    let mut found = Found {
        path: path.clone(),
        size: rom.size,
        prefix: rom.prefix[..rom.prefix.len().min(0x1000)].to_vec(),
        from: info.order,
        to: settings.to,
        header,
        code,
        crc,
        pad_to,
        stored_sha1: [0; 20],
        final_sha1: [0; 20],
        stem,
    };
    match hash(&found) {
        Ok((stored, final_sha1)) => {
            found.stored_sha1 = stored;
            found.final_sha1 = final_sha1;
            Inspected::Rom(Box::new(found))
        }
        Err(error) => Inspected::Failed(error.into()),
    }
}

/// The SHA-1 of the file as stored and of what it will hold, in one pass.
fn hash(found: &Found) -> Result<([u8; 20], [u8; 20]), n64_io::Error> {
    let mut image = found.image()?;
    let mut stored = Hasher::new(Algorithms::SHA1);
    let mut output = Hasher::new(Algorithms::SHA1);
    while let Some(chunk) = image.next_chunk_with(&mut |bytes| stored.update(bytes))? {
        output.update(chunk);
    }
    Ok((stored.finish().sha1.unwrap_or_default(), output.finish().sha1.unwrap_or_default()))
}
