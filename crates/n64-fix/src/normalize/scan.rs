//! The matching half of `normalize --dat`: the DATs loaded, every walked file and archive
//! member hashed by the engine (`n64_collection`) in the views the DATs need, and judged. What
//! the engine decides (which file provides which rom, in which byte order) is what the in-place
//! run ([`super::dat`]) and the rebuild ([`super::rebuild`]) act on.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use n64_collection::{
    Candidate, FileStatus, FileVerdict, Found, Hashed, LoadedDat, Plan, RunCache, Source, hash_path, judge, rom_of,
};
use n64_common::batch::{self, OTHER_FILES};
use n64_common::{Exit, Failure, FailureKind};
use n64_core::ByteOrder;
use n64_dat::{Dat, Game, Index, Rom, RomRef};
use n64_io::{Algorithms, Walked};

use super::plan::Left;
use crate::own_files::is_temporary;

/// The DATs of a run, indexed.
#[derive(Debug)]
pub(crate) struct Dats {
    loaded: Vec<LoadedDat>,
    list: Vec<Dat>,
    index: Index,
    forced: Option<ByteOrder>,
}

impl Dats {
    /// Loads every DAT (the first that cannot be read or parsed is the error); `forced` is
    /// `--dat-order`.
    pub(crate) fn load(paths: &[PathBuf], forced: Option<ByteOrder>) -> Result<Dats, Failure> {
        let mut loaded = Vec::with_capacity(paths.len());
        for path in paths {
            loaded.push(n64_collection::load_dat(path).map_err(|error| match error {
                n64_collection::Error::File(io) => Failure::from(io),
                n64_collection::Error::Dat { path, message } => Failure::new(&path, FailureKind::Dat, message),
                other => Failure::new(other.path(), FailureKind::Dat, other.to_string()),
            })?);
        }
        let list: Vec<Dat> = loaded.iter().map(|l| l.dat.clone()).collect();
        let index = Index::new(&list, forced);
        Ok(Dats { loaded, list, index, forced })
    }

    /// The parse warnings, `FILE: line L, column C: ...`.
    pub(crate) fn warnings(&self) -> impl Iterator<Item = &String> {
        self.loaded.iter().flat_map(|l| &l.warnings)
    }

    /// The DAT files, as given.
    pub(crate) fn paths(&self) -> Vec<String> {
        self.loaded.iter().map(|l| l.path.display().to_string()).collect()
    }

    /// A DAT's name: its header's, else its path.
    pub(crate) fn name(&self, dat: usize) -> String {
        match self.list.get(dat) {
            Some(d) if !d.header.name.is_empty() => d.header.name.clone(),
            _ => self.loaded.get(dat).map_or_else(String::new, |l| l.path.display().to_string()),
        }
    }

    /// The rom at `at`.
    pub(crate) fn rom(&self, at: RomRef) -> Option<&Rom> {
        rom_of(&self.list, at)
    }

    /// The game of the rom at `at`.
    pub(crate) fn game(&self, at: RomRef) -> Option<&Game> {
        self.list.get(at.dat)?.games.get(at.game)
    }

    /// The game's name (empty when there is none).
    pub(crate) fn game_name(&self, at: RomRef) -> String {
        self.game(at).map_or_else(String::new, |g| g.name.clone())
    }

    /// The rom's name (empty when there is none).
    pub(crate) fn rom_name(&self, at: RomRef) -> String {
        self.rom(at).map_or_else(String::new, |r| r.name.clone())
    }
}

/// What the walk and the engine found.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Every file and member hashed, sorted by source, with the engine's verdict.
    pub(crate) files: Vec<(Hashed, FileVerdict)>,
    /// Archives inside archives (not opened), listed as left alone.
    pub(crate) nested: Vec<Source>,
    /// Files and archives that could not be read.
    pub(crate) failures: Vec<Failure>,
    /// Files the walk left alone (hidden, special, excluded), with why.
    pub(crate) others: Vec<(PathBuf, String)>,
    /// Ctrl-C came while hashing: nothing was judged.
    pub(crate) interrupted: bool,
}

/// Hashes every walked file (and member) in the views the DATs need and judges them. With
/// `raw`, the bytes as stored are hashed too (the SHA-1 a move marker records).
pub(crate) fn scan(dats: &Dats, walked: Walked, raw: bool, progress: bool, interrupted: &AtomicBool) -> Scan {
    let mut scan = Scan { failures: walked.failures.into_iter().map(Failure::from).collect(), ..Scan::default() };
    for skipped in walked.skipped {
        if !is_temporary(&skipped.path) {
            scan.others.push((skipped.path, skipped.reason.to_string()));
        }
    }
    let mut views = dats.index.views().to_vec();
    if raw && !views.contains(&None) {
        views.push(None);
    }
    // SHA-1 always: what is written is checked against it, even when the DATs have only CRC32.
    let mut algorithms = Algorithms::SHA1;
    algorithms.crc32 = true;
    algorithms.md5 = dats.index.needs().md5;
    let plan = Plan { views: &views, algorithms };
    let cache = RunCache::none();
    let results = batch::map(&walked.files, progress, Vec::new, |buffer, entry| {
        if interrupted.load(Ordering::Relaxed) {
            return None;
        }
        Some(hash_path(&entry.path, plan, &cache, buffer))
    });
    let mut hashed = Vec::new();
    for result in results {
        let Some(walked_path) = result else {
            scan.interrupted = true;
            continue;
        };
        for found in walked_path.found {
            match found {
                Found::Hashed(file) => hashed.push(file),
                Found::NestedArchive { source, .. } => scan.nested.push(source),
            }
        }
        if let Some(error) = walked_path.error {
            scan.failures.push(failure_of(error));
        }
    }
    if scan.interrupted {
        // Which file provides a rom depends on all of them: judge nothing from a part.
        return scan;
    }
    hashed.sort_by(|a, b| a.source.cmp(&b.source));
    let verdicts = judge(&dats.list, &dats.index, dats.forced, &hashed);
    scan.files = hashed.into_iter().zip(verdicts.files).collect();
    scan
}

/// An engine error as the one-line failure n64-fix prints.
fn failure_of(error: n64_collection::Error) -> Failure {
    match error {
        n64_collection::Error::File(io) => Failure::from(io),
        other => {
            let text = other.to_string();
            let prefix = format!("{}: ", other.path().display());
            let message = text.strip_prefix(&prefix).map_or(text.clone(), str::to_owned);
            Failure::new(other.path(), FailureKind::Archive, message)
        }
    }
}

impl Scan {
    /// Which file (its position in [`Scan::files`]) provides each rom.
    pub(crate) fn owners(&self) -> HashMap<RomRef, usize> {
        let mut owners = HashMap::new();
        for (i, (_, verdict)) in self.files.iter().enumerate() {
            for candidate in &verdict.provides {
                owners.insert(candidate.rom, i);
            }
        }
        owners
    }

    /// The left-alone entry of a file that provides nothing (a duplicate, a mismatch, an
    /// unknown file); `None` for a file that provides a rom.
    pub(crate) fn left_alone(&self, dats: &Dats, owners: &HashMap<RomRef, usize>, i: usize) -> Option<Left> {
        let (file, verdict) = self.files.get(i)?;
        let path = PathBuf::from(file.source.display());
        let left = |status: FileStatus, key, exit, reason, at: Option<RomRef>| Left {
            path: path.clone(),
            status: status.name(),
            key,
            exit,
            reason,
            game: at.map(|r| dats.game_name(r)),
            rom: at.map(|r| dats.rom_name(r)),
        };
        match verdict.status {
            FileStatus::Match | FileStatus::BadDump => None,
            FileStatus::Duplicate => {
                let rom = verdict.best.map(|c| c.rom);
                let owner = rom.and_then(|r| owners.get(&r)).and_then(|&o| self.files.get(o));
                let reason = match (rom, owner) {
                    (Some(r), Some((owner, _))) => {
                        format!("duplicate: {} provides rom \"{}\"", owner.source.display(), dats.rom_name(r))
                    }
                    _ => "duplicate: another file provides its rom".to_owned(),
                };
                Some(left(verdict.status, "duplicates", Exit::Ok, reason, rom))
            }
            FileStatus::Mismatch => {
                let game = verdict
                    .suspected
                    .and_then(|(d, g)| dats.list.get(d)?.games.get(g))
                    .map_or_else(String::new, |g| g.name.clone());
                let reason =
                    format!("mismatch: no hash matches, but it looks like \"{game}\" (modified, or a bad dump)");
                let mut record = left(verdict.status, "mismatch", Exit::Problems, reason, verdict.suspected_rom);
                record.game = Some(game);
                Some(record)
            }
            FileStatus::Unknown => {
                Some(left(verdict.status, "unknown", Exit::Problems, "unknown: in no DAT".to_owned(), None))
            }
        }
    }

    /// The left-alone entries of the archives inside archives.
    pub(crate) fn nested_left(&self) -> Vec<Left> {
        self.nested
            .iter()
            .map(|source| Left {
                path: PathBuf::from(source.display()),
                status: "nested_archive",
                key: OTHER_FILES,
                exit: Exit::Problems,
                reason: "an archive inside an archive: not opened".to_owned(),
                game: None,
                rom: None,
            })
            .collect()
    }
}

/// What a rom provided by `file` is made of: the conversion the engine hashed it through and
/// the SHA-1 it must have (the DAT's, else the engine's digest of that view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target {
    /// `(from, to)`, or `None` for the bytes as stored.
    pub(crate) conversion: Option<(ByteOrder, ByteOrder)>,
    pub(crate) sha1: [u8; 20],
}

impl Target {
    /// The target of `candidate` for `file`, `None` when no SHA-1 is known (never: the engine
    /// always hashes SHA-1 here).
    pub(crate) fn of(dats: &Dats, file: &Hashed, candidate: &Candidate) -> Option<Target> {
        let conversion = n64_collection::conversion(candidate.rom_order, file.order, file.size);
        let sha1 =
            dats.rom(candidate.rom).and_then(|r| r.sha1).or_else(|| file.digests_of(candidate.rom_order)?.sha1)?;
        Some(Target { conversion, sha1 })
    }

    /// `(from, to)` for an image reader: the same order twice for a copy as stored.
    pub(crate) fn orders(&self, stored: Option<ByteOrder>) -> (ByteOrder, ByteOrder) {
        self.conversion.unwrap_or_else(|| {
            let order = stored.unwrap_or(ByteOrder::Z64);
            (order, order)
        })
    }

    /// `v64 → z64` when converted.
    pub(crate) fn converted(&self) -> Option<String> {
        self.conversion.map(|(from, to)| format!("{from} → {to}"))
    }
}

/// Why a name from a DAT cannot be a file name, if it cannot: it must be one plain component
/// (no `/`, `\` or NUL, not empty, `.` or `..`), and not hidden (a leading `.`: walks skip hidden
/// files, and n64-tools' temporary files start with `.n64-tmp-`).
pub(crate) fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name == "." || name == ".." {
        Some("it names a directory")
    } else if name.contains(['/', '\\']) {
        Some("it is a path, not a file name")
    } else if name.contains('\0') {
        Some("it holds a NUL byte")
    } else if name.starts_with(n64_io::atomic::TEMP_PREFIX) {
        Some("it is a temporary file name of n64-tools")
    } else if name.starts_with('.') {
        Some("it is a hidden name")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused() {
        for name in
            ["", ".", "..", "../evil.z64", "a/b.z64", "a\\b.z64", "/abs.z64", "nul\0.z64", ".n64-tmp-x", ".hidden"]
        {
            assert!(unsafe_name(name).is_some(), "{name:?}");
        }
        for name in ["Game (USA).z64", "Game (USA) [!].v64", "a..b.z64", "ゲーム.n64", "x"] {
            assert_eq!(unsafe_name(name), None, "{name:?}");
        }
    }
}
