//! The DAT model: a header and a list of games, each with its roms. Plain data that callers read
//! and build (a fixdat is a `Dat` put together by hand).

use std::fmt;

/// A parsed DAT file: its header and its games, in file order.
///
/// Games are entries, not names: two games with the same name (a `.z64` entry and a `.v64` entry,
/// say) are two entries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dat {
    /// The header (`<header>` in Logiqx, the `clrmamepro ( … )` block in clrmamepro).
    pub header: DatHeader,
    /// The games (`<game>`/`<machine>`, `game ( … )`/`machine ( … )`), in file order.
    pub games: Vec<Game>,
}

/// The header of a DAT: who made it and which set it describes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DatHeader {
    /// The DAT's name, such as `Nintendo - Nintendo 64 (BigEndian)`; empty when the file has none.
    pub name: String,
    /// A longer description.
    pub description: Option<String>,
    /// The version, often a date such as `20261101-000000`.
    pub version: Option<String>,
    /// The date the DAT was made.
    pub date: Option<String>,
    /// The author.
    pub author: Option<String>,
    /// The home page's name (No-Intro writes `No-Intro`).
    pub homepage: Option<String>,
    /// The web address.
    pub url: Option<String>,
    /// A free-form comment.
    pub comment: Option<String>,
}

/// One game entry: a name and the roms that make it up.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Game {
    /// The game's name, also the set's folder or archive name.
    pub name: String,
    /// A longer description (usually the same as the name).
    pub description: Option<String>,
    /// No-Intro's entry number, such as `0001`.
    pub id: Option<String>,
    /// The name of the parent game, for a clone.
    pub cloneof: Option<String>,
    /// The id of the parent game, for a clone (No-Intro).
    pub cloneofid: Option<String>,
    /// Serials given on the game itself, as written (see [`game_codes`](crate::game_codes)).
    pub serials: Vec<String>,
    /// The roms (files) of the game, in file order.
    pub roms: Vec<Rom>,
}

/// One rom (file) of a game, with the hashes the DAT gives for it.
///
/// For N64 DATs, which byte order the hashes are over is a property of the DAT, not of the rom:
/// see [`rom_order`](crate::rom_order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rom {
    /// The file name, such as `Some Game (USA).z64`.
    pub name: String,
    /// The size in bytes.
    pub size: Option<u64>,
    /// The CRC32.
    pub crc32: Option<u32>,
    /// The MD5 digest.
    pub md5: Option<[u8; 16]>,
    /// The SHA-1 digest.
    pub sha1: Option<[u8; 20]>,
    /// The SHA-256 digest (No-Intro).
    pub sha256: Option<[u8; 32]>,
    /// The dump status; [`DumpStatus::Good`] when the DAT says nothing.
    pub status: DumpStatus,
    /// The serial given on the rom (No-Intro), as written.
    pub serial: Option<String>,
    /// The name of the header skipper the hashes assume (No-Intro's `header` attribute).
    pub header: Option<String>,
    /// Whether the rom is known to be missing in action (No-Intro's `mia="yes"`).
    pub mia: bool,
}

/// What a DAT says about the quality of a rom's dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DumpStatus {
    /// A good dump (the default).
    #[default]
    Good,
    /// A good dump, verified by several dumps.
    Verified,
    /// A known bad dump: it matches, but is reported as bad.
    BadDump,
    /// No dump exists: the rom has no usable hash and never matches a file.
    NoDump,
}

impl DumpStatus {
    /// The name DAT files use: `good`, `verified`, `baddump` or `nodump`.
    pub const fn name(self) -> &'static str {
        match self {
            DumpStatus::Good => "good",
            DumpStatus::Verified => "verified",
            DumpStatus::BadDump => "baddump",
            DumpStatus::NoDump => "nodump",
        }
    }

    /// The status a DAT's word names, ignoring ASCII case; `None` for any other word.
    ///
    /// ```
    /// use n64_dat::DumpStatus;
    /// assert_eq!(DumpStatus::from_name("BadDump"), Some(DumpStatus::BadDump));
    /// assert_eq!(DumpStatus::from_name("fine"), None);
    /// ```
    pub fn from_name(word: &str) -> Option<DumpStatus> {
        [DumpStatus::Good, DumpStatus::Verified, DumpStatus::BadDump, DumpStatus::NoDump]
            .into_iter()
            .find(|status| status.name().eq_ignore_ascii_case(word))
    }
}

impl fmt::Display for DumpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The two DAT file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Logiqx XML (`<datafile>`), as No-Intro, Redump and most tools write it.
    Logiqx,
    /// clrmamepro text (`clrmamepro ( … ) game ( … )`), as libretro's databases use.
    ClrMamePro,
}

impl Dialect {
    /// A short name: `logiqx` or `clrmamepro`.
    pub const fn name(self) -> &'static str {
        match self {
            Dialect::Logiqx => "logiqx",
            Dialect::ClrMamePro => "clrmamepro",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
