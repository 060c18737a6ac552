//! Deciding what each hashed file is (a match, a duplicate, a bad dump, probably a modified
//! game, unknown) and what each game of each DAT has.
//!
//! A rom is provided by at most one file, its "owner": of all the files whose hashes match it,
//! the one already right (name and byte order), else the one in the right order, else the one
//! with the right name, a plain file before an archive member, the first path last. Every other
//! matching file is a duplicate. The choice never depends on the order files were hashed in.

use std::collections::HashMap;

use n64_core::ByteOrder;
use n64_dat::{Dat, DumpStatus, Index, MatchedBy, RomRef, rom_order};

use crate::hashing::Hashed;

/// What a file is, as `verify` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileStatus {
    /// Its hash matches a rom it provides.
    Match,
    /// Its hash matches a rom the DAT marks as a bad dump (the best dump known).
    BadDump,
    /// Its hash matches only roms another file already provides.
    Duplicate,
    /// No hash matches, but its game code or its name points at a DAT game: probably modified,
    /// or a bad dump the DAT does not know.
    Mismatch,
    /// Nothing in any DAT.
    Unknown,
}

impl FileStatus {
    /// Every status, in report order.
    pub const ALL: [FileStatus; 5] =
        [FileStatus::Match, FileStatus::BadDump, FileStatus::Duplicate, FileStatus::Mismatch, FileStatus::Unknown];

    /// The name reports use: `match`, `bad_dump`, `duplicate`, `mismatch`, `unknown`.
    pub const fn name(self) -> &'static str {
        match self {
            FileStatus::Match => "match",
            FileStatus::BadDump => "bad_dump",
            FileStatus::Duplicate => "duplicate",
            FileStatus::Mismatch => "mismatch",
            FileStatus::Unknown => "unknown",
        }
    }
}

/// One rom a file's hashes match, and how right the file already is for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The rom.
    pub rom: RomRef,
    /// The hash that matched.
    pub matched_by: MatchedBy,
    /// The file's name equals the rom's name.
    pub name_ok: bool,
    /// The file is stored in the order the rom's hashes are over.
    pub order_ok: bool,
    /// The order the rom's hashes are over (`None`: raw bytes).
    pub rom_order: Option<ByteOrder>,
}

impl Candidate {
    /// Higher is better: right name and order, right order, right name.
    fn fitness(&self) -> (bool, bool, bool) {
        (self.name_ok && self.order_ok, self.order_ok, self.name_ok)
    }
}

/// The verdict on one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileVerdict {
    /// What the file is.
    pub status: FileStatus,
    /// The rom reported for it: the best one it provides, or for a duplicate the best one it
    /// matches.
    pub best: Option<Candidate>,
    /// For a mismatch: the game (`(dat, game)`) its game code or name points at.
    pub suspected: Option<(usize, usize)>,
    /// For a mismatch found by name: the rom of that name.
    pub suspected_rom: Option<RomRef>,
    /// Every rom the file provides (empty unless a match or bad dump).
    pub provides: Vec<Candidate>,
}

/// How complete a game is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GameStatus {
    /// Every rom that can be had is there (also a game whose roms are all `nodump`).
    Complete,
    /// Some roms are there, not all.
    Incomplete,
    /// None of its roms is there.
    Missing,
}

impl GameStatus {
    /// `complete`, `incomplete`, `missing`.
    pub const fn name(self) -> &'static str {
        match self {
            GameStatus::Complete => "complete",
            GameStatus::Incomplete => "incomplete",
            GameStatus::Missing => "missing",
        }
    }
}

/// The verdict on one game of one DAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GameVerdict {
    /// The DAT (its position in the list given).
    pub dat: usize,
    /// The game (its position in the DAT).
    pub game: usize,
    /// How complete it is.
    pub status: GameStatus,
    /// Roms present.
    pub have: usize,
    /// Roms that can be had (not `nodump`).
    pub need: usize,
}

/// The verdicts of a run: one per file (in the order given) and one per game.
#[derive(Debug, Clone)]
pub struct Verdicts {
    /// One per hashed file, in the order the files were given.
    pub files: Vec<FileVerdict>,
    /// One per game of every DAT, DAT by DAT, in DAT order.
    pub games: Vec<GameVerdict>,
}

/// Judges `files` against `dats` (indexed as `index`, built with the same `forced` order).
pub fn judge(dats: &[Dat], index: &Index, forced: Option<ByteOrder>, files: &[Hashed]) -> Verdicts {
    let candidates: Vec<Vec<Candidate>> = files.iter().map(|file| candidates(dats, index, forced, file)).collect();

    // The owner of each rom: the best-fitting file, ties to the plain file, then the first.
    let mut owners: HashMap<RomRef, usize> = HashMap::new();
    for (i, list) in candidates.iter().enumerate() {
        for candidate in list {
            let rank = |file: usize, c: &Candidate| (c.fitness(), !files[file].source.is_member());
            match owners.get(&candidate.rom) {
                Some(&other) => {
                    let theirs = candidates[other].iter().find(|c| c.rom == candidate.rom).copied();
                    let better = theirs.is_none_or(|t| rank(i, candidate) > rank(other, &t));
                    let tie_first = theirs.is_some_and(|t| rank(i, candidate) == rank(other, &t))
                        && files[i].source < files[other].source;
                    if better || tie_first {
                        owners.insert(candidate.rom, i);
                    }
                }
                None => {
                    owners.insert(candidate.rom, i);
                }
            }
        }
    }

    let file_verdicts = files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let list = &candidates[i];
            let provides: Vec<Candidate> = list.iter().filter(|c| owners.get(&c.rom) == Some(&i)).copied().collect();
            let good_first = |c: &Candidate| {
                let bad = rom_of(dats, c.rom).is_some_and(|r| r.status == DumpStatus::BadDump);
                (!bad, c.fitness(), std::cmp::Reverse(c.rom))
            };
            if let Some(best) = provides.iter().max_by_key(|c| good_first(c)).copied() {
                let bad = rom_of(dats, best.rom).is_some_and(|r| r.status == DumpStatus::BadDump);
                let status = if bad { FileStatus::BadDump } else { FileStatus::Match };
                return FileVerdict { status, best: Some(best), suspected: None, suspected_rom: None, provides };
            }
            if let Some(best) = list.iter().max_by_key(|c| good_first(c)).copied() {
                return FileVerdict {
                    status: FileStatus::Duplicate,
                    best: Some(best),
                    suspected: None,
                    suspected_rom: None,
                    provides,
                };
            }
            let by_code = file.game_code.and_then(|code| index.games_with_code(code).into_iter().min());
            let by_name = index.roms_named(&file.source.file_name()).into_iter().min();
            let suspected = by_code.or(by_name.map(|r| (r.dat, r.game)));
            let status = if suspected.is_some() { FileStatus::Mismatch } else { FileStatus::Unknown };
            FileVerdict { status, best: None, suspected, suspected_rom: by_name, provides }
        })
        .collect();

    let mut games = Vec::new();
    for (d, dat) in dats.iter().enumerate() {
        for (g, game) in dat.games.iter().enumerate() {
            let mut need = 0;
            let mut have = 0;
            for (r, rom) in game.roms.iter().enumerate() {
                if rom.status == DumpStatus::NoDump {
                    continue;
                }
                need += 1;
                if owners.contains_key(&RomRef { dat: d, game: g, rom: r }) {
                    have += 1;
                }
            }
            let status = match (have, need) {
                (h, n) if h == n => GameStatus::Complete,
                (0, _) => GameStatus::Missing,
                _ => GameStatus::Incomplete,
            };
            games.push(GameVerdict { dat: d, game: g, status, have, need });
        }
    }
    Verdicts { files: file_verdicts, games }
}

/// Every rom whose hashes the file's digests match, in the view that rom is over.
fn candidates(dats: &[Dat], index: &Index, forced: Option<ByteOrder>, file: &Hashed) -> Vec<Candidate> {
    let file_name = file.source.file_name();
    let mut found: Vec<Candidate> = Vec::new();
    for (view, digests) in &file.digests {
        let Some(crc32) = digests.crc32 else { continue };
        for (rom_ref, matched_by) in index.lookup(*view, file.size, crc32, digests.md5, digests.sha1) {
            let Some(dat) = dats.get(rom_ref.dat) else { continue };
            let Some(rom) = rom_of(dats, rom_ref) else { continue };
            let rom_order = rom_order(dat, rom, forced);
            if rom_order != *view || found.iter().any(|c| c.rom == rom_ref) {
                continue;
            }
            let rom_file_name = rom.name.rsplit(['/', '\\']).next().unwrap_or(&rom.name);
            found.push(Candidate {
                rom: rom_ref,
                matched_by,
                name_ok: rom_file_name == file_name,
                order_ok: rom_order.is_none_or(|o| file.order == Some(o)),
                rom_order,
            });
        }
    }
    found.sort_by_key(|c| c.rom);
    found
}

/// The rom a reference points at.
pub fn rom_of(dats: &[Dat], rom: RomRef) -> Option<&n64_dat::Rom> {
    dats.get(rom.dat)?.games.get(rom.game)?.roms.get(rom.rom)
}
