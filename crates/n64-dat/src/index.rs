//! The match index over several DATs: roms by their strongest hash, games by game code, roms by
//! name.

use std::collections::HashMap;

use n64_core::ByteOrder;

use crate::model::{Dat, DumpStatus, Rom};
use crate::order::rom_order;
use crate::serial::game_codes;

/// Where a rom is: `dats[dat].games[game].roms[rom]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RomRef {
    /// The DAT's position in the list given to [`Index::new`].
    pub dat: usize,
    /// The game's position in its DAT.
    pub game: usize,
    /// The rom's position in its game.
    pub rom: usize,
}

/// Which hash a match was made on: a rom's strongest one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchedBy {
    /// SHA-1 (and the size, when the rom has one).
    Sha1,
    /// MD5 (and the size, when the rom has one).
    Md5,
    /// CRC32 and size.
    Crc32Size,
}

impl MatchedBy {
    /// `sha1`, `md5` or `crc32+size`.
    pub const fn name(self) -> &'static str {
        match self {
            MatchedBy::Sha1 => "sha1",
            MatchedBy::Md5 => "md5",
            MatchedBy::Crc32Size => "crc32+size",
        }
    }
}

impl std::fmt::Display for MatchedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Rom {
    /// The key a rom is matched by: its strongest hash (SHA-1, else MD5, else CRC32 with a
    /// size). `None` for a rom that cannot match anything: a [`DumpStatus::NoDump`] one, or one
    /// with no hash but a CRC32 without a size (or a SHA-256 alone).
    pub fn matched_by(&self) -> Option<MatchedBy> {
        if self.status == DumpStatus::NoDump {
            None
        } else if self.sha1.is_some() {
            Some(MatchedBy::Sha1)
        } else if self.md5.is_some() {
            Some(MatchedBy::Md5)
        } else if self.crc32.is_some() && self.size.is_some() {
            Some(MatchedBy::Crc32Size)
        } else {
            None
        }
    }
}

/// Which digests a file must be given so [`Index::lookup`] can find every rom it might be. CRC32
/// and size are always needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Needs {
    /// Some indexed rom is matched by MD5.
    pub md5: bool,
    /// Some indexed rom is matched by SHA-1.
    pub sha1: bool,
}

/// What a rom is looked up by, with the view its hashes are over.
type Sha1Key = (Option<ByteOrder>, [u8; 20]);
type Md5Key = (Option<ByteOrder>, [u8; 16]);
type CrcKey = (Option<ByteOrder>, u32, u64);

/// Roms of several DATs by hash, games by game code and roms by name.
///
/// ```
/// use n64_core::ByteOrder;
/// use n64_dat::{parse, Index, MatchedBy, RomRef};
///
/// let dat = parse(br#"<datafile><header><name>N64 (BigEndian)</name></header>
///   <game name="Demo"><rom name="Demo.z64" size="4" crc="b63cfbcd"/></game></datafile>"#)?.dat;
/// let index = Index::new(&[dat], None);
/// assert_eq!(index.views(), [Some(ByteOrder::Z64)]);
/// let found = index.lookup(Some(ByteOrder::Z64), 4, 0xB63C_FBCD, None, None);
/// assert_eq!(found, [(RomRef { dat: 0, game: 0, rom: 0 }, MatchedBy::Crc32Size)]);
/// # Ok::<(), n64_dat::ParseError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Index {
    sizes: Vec<Vec<Vec<Option<u64>>>>,
    by_sha1: HashMap<Sha1Key, Vec<RomRef>>,
    by_md5: HashMap<Md5Key, Vec<RomRef>>,
    by_crc: HashMap<CrcKey, Vec<RomRef>>,
    by_code: HashMap<[u8; 4], Vec<(usize, usize)>>,
    by_name: HashMap<String, Vec<RomRef>>,
    views: Vec<Option<ByteOrder>>,
    needs: Needs,
}

impl Index {
    /// Indexes `dats`; `dats[i]` is DAT number `i` in every [`RomRef`]. `forced`, when given, is
    /// the byte order of every DAT's hashes (see [`rom_order`]).
    ///
    /// Each rom is indexed under exactly one key, its strongest hash ([`Rom::matched_by`]);
    /// nodump roms and roms with no usable hash are not indexed by hash (they still are by name
    /// and serial).
    pub fn new(dats: &[Dat], forced: Option<ByteOrder>) -> Index {
        let mut index = Index::default();
        for (d, dat) in dats.iter().enumerate() {
            let mut dat_sizes = Vec::with_capacity(dat.games.len());
            for (g, game) in dat.games.iter().enumerate() {
                let serials =
                    game.serials.iter().map(String::as_str).chain(game.roms.iter().filter_map(|r| r.serial.as_deref()));
                for code in serials.flat_map(game_codes) {
                    let games = index.by_code.entry(code).or_default();
                    // Games come in order, so a repeat can only be the last one.
                    if games.last() != Some(&(d, g)) {
                        games.push((d, g));
                    }
                }
                for (r, rom) in game.roms.iter().enumerate() {
                    let at = RomRef { dat: d, game: g, rom: r };
                    index.by_name.entry(name_key(&rom.name)).or_default().push(at);
                    index.add(at, rom, rom_order(dat, rom, forced));
                }
                dat_sizes.push(game.roms.iter().map(|rom| rom.size).collect());
            }
            index.sizes.push(dat_sizes);
        }
        index.views.sort_unstable();
        index
    }

    fn add(&mut self, at: RomRef, rom: &Rom, view: Option<ByteOrder>) {
        let Some(by) = rom.matched_by() else { return };
        match (by, rom.sha1, rom.md5, rom.crc32, rom.size) {
            (MatchedBy::Sha1, Some(sha1), ..) => {
                self.by_sha1.entry((view, sha1)).or_default().push(at);
                self.needs.sha1 = true;
            }
            (MatchedBy::Md5, _, Some(md5), ..) => {
                self.by_md5.entry((view, md5)).or_default().push(at);
                self.needs.md5 = true;
            }
            (MatchedBy::Crc32Size, _, _, Some(crc), Some(size)) => {
                self.by_crc.entry((view, crc, size)).or_default().push(at);
            }
            _ => return,
        }
        if !self.views.contains(&view) {
            self.views.push(view);
        }
    }

    /// The distinct byte orders indexed roms' hashes are over (`None` is the raw bytes), sorted:
    /// raw first, then z64, v64, n64. A file needs digests over each of these views.
    pub fn views(&self) -> &[Option<ByteOrder>] {
        &self.views
    }

    /// Which digests a file must get: SHA-1 when some indexed rom is matched by SHA-1, MD5 when
    /// some is matched by MD5 (a rom with both is matched by SHA-1).
    pub fn needs(&self) -> Needs {
        self.needs
    }

    /// Every indexed rom whose strongest hash equals the file's digest over `view` and whose size,
    /// when the DAT gives one, equals `size`; sorted by [`RomRef`]. Pass `md5`/`sha1` as
    /// [`needs`](Index::needs) asks; a digest not passed matches nothing.
    pub fn lookup(
        &self,
        view: Option<ByteOrder>,
        size: u64,
        crc32: u32,
        md5: Option<[u8; 16]>,
        sha1: Option<[u8; 20]>,
    ) -> Vec<(RomRef, MatchedBy)> {
        let mut found = Vec::new();
        let mut take = |refs: Option<&Vec<RomRef>>, by: MatchedBy| {
            for &at in refs.into_iter().flatten() {
                if self.size_of(at).is_none_or(|s| s == size) {
                    found.push((at, by));
                }
            }
        };
        if let Some(sha1) = sha1 {
            take(self.by_sha1.get(&(view, sha1)), MatchedBy::Sha1);
        }
        if let Some(md5) = md5 {
            take(self.by_md5.get(&(view, md5)), MatchedBy::Md5);
        }
        take(self.by_crc.get(&(view, crc32, size)), MatchedBy::Crc32Size);
        found.sort_unstable();
        found
    }

    fn size_of(&self, at: RomRef) -> Option<u64> {
        *self.sizes.get(at.dat)?.get(at.game)?.get(at.rom)?
    }

    /// The games, as `(dat, game)` and sorted, whose serials (the game's own or its roms', reduced
    /// with [`game_codes`]) include `code`.
    pub fn games_with_code(&self, code: [u8; 4]) -> Vec<(usize, usize)> {
        let mut games = self.by_code.get(&code).cloned().unwrap_or_default();
        games.sort_unstable();
        games
    }

    /// The roms, sorted, whose name equals `file_name` ignoring ASCII case and the extension of
    /// each (the part after the last `.` when it is 1 to 4 ASCII letters or digits). Nodump roms
    /// are included: this answers "which rom is this file probably, modified".
    pub fn roms_named(&self, file_name: &str) -> Vec<RomRef> {
        let mut roms = self.by_name.get(&name_key(file_name)).cloned().unwrap_or_default();
        roms.sort_unstable();
        roms
    }

    /// How many roms are indexed by hash.
    pub fn len(&self) -> usize {
        self.by_sha1.values().chain(self.by_md5.values()).chain(self.by_crc.values()).map(Vec::len).sum()
    }

    /// Whether no rom is indexed by hash.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A name without its extension, in ASCII lower case.
fn name_key(name: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if (1..=4).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()) => stem,
        _ => name,
    };
    stem.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys() {
        assert_eq!(name_key("Game (USA).Z64"), "game (usa)");
        assert_eq!(name_key("Game (USA) (v1.0)"), "game (usa) (v1.0)");
        assert_eq!(name_key("Game.tar.gz"), "game.tar");
        assert_eq!(name_key("Game.extension"), "game.extension");
        assert_eq!(name_key(".z64"), "");
        assert_eq!(name_key("Ünï.n64"), "Ünï".to_ascii_lowercase());
    }
}
