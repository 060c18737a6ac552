//! The scanner: everything [`codec`] and [`container`](crate::container) can find
//! in a whole ROM image, in one call.
//!
//! [`scan`] looks at the big-endian (z64-order) image for:
//!
//! - **compressed blocks**: every offset where `Yaz0`, `Yay0` or `MIO0` starts (one pass over
//!   the bytes for the three magics), whose header checks out ([`codec::header`]) and whose whole
//!   stream then decodes ([`codec::decode`]): four letters that happen to sit in code or data are
//!   not reported. Blocks do not overlap: a candidate that starts inside a block already decoded
//!   is not tried;
//! - **libdragon's rompak TOCs** ([`rompak`]): each entry is a [`AssetKind::TocEntry`] spanning
//!   the bytes up to the next file ([`rompak::Toc::extent`]);
//! - **DragonFS images** ([`dragonfs`]): where a TOC's `.dfs` entry points and wherever the
//!   identity sector is found; each file of an image that walks is a [`AssetKind::DfsFile`] with
//!   its path, compressed assets (`DCA`) with their header and, for LZ4, their decompressed size;
//! - **the Zelda 64 file table** ([`dmadata`]): each file stored in the ROM is an
//!   [`AssetKind::DmadataFile`] with its VROM range and whether it is compressed.
//!
//! A block at the very start of a container's file is reported once, as that file, with the
//! block's codec in [`Asset::encoding`] and its decoded size: a Yaz0 file of the Zelda table is
//! one `DmadataFile`, not also a loose `Yaz0` block. A block that starts anywhere else, inside a
//! file or not, is a loose block of its own kind.
//!
//! None of these containers marks Deflate streams (Rare's and some iQue games' formats have no
//! table a scanner can trust), so none are looked for.
//!
//! Memory and time are bounded whatever the input: each candidate is decoded once, one at a time,
//! and only the sizes of the blocks found are kept (failed candidates leave nothing behind);
//! trial decodes in each MiB of the image may declare at most [`ScanOptions::work_per_mib`] bytes
//! between them (32 MiB by default, far above what real ROMs need), after which that MiB's
//! remaining candidates are skipped with a [`Warning::WorkLimit`]; at most one loose block per
//! [`ASSET_SPACING`] (256) bytes of image plus [`EXTRA_ASSETS`] (4096) is listed, and as many
//! containers' files ([`Warning::TooManyAssets`] beyond that). Real ROMs are far from these
//! limits; a hostile image cannot make the scan's memory much larger than the image itself.
//!
//! ```
//! use n64_assets::codec::Codec;
//! use n64_assets::scan::{AssetKind, Encoding, ScanOptions, scan};
//!
//! // A MIO0 block (from the codec docs) at 0x123 in bytes that hold nothing else, and the
//! // magic alone at 0x200.
//! let block = b"MIO0\0\0\0\x05\0\0\0\x14\0\0\0\x16\xC0\0\0\0\0\0xy";
//! let mut image = vec![0x5Au8; 0x400];
//! image[0x123..0x123 + block.len()].copy_from_slice(block);
//! image[0x200..0x204].copy_from_slice(b"Yaz0");
//!
//! let found = scan(&image, &ScanOptions::default());
//! assert_eq!(found.assets.len(), 1);
//! let asset = &found.assets[0];
//! assert_eq!((asset.kind, asset.offset, asset.size), (AssetKind::Mio0, 0x123, block.len()));
//! assert_eq!(asset.decompressed_size, Some(5));
//! assert_eq!(asset.encoding, Encoding::Block(Codec::Mio0));
//! assert!(found.warnings.is_empty());
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use memchr::memmem;

use crate::codec::{self, Codec, Limits};
use crate::container::dragonfs::{self, Dfs, Located};
use crate::container::{dca, dmadata, rompak};

/// One MiB: the unit of the work bound.
const MIB: usize = 1 << 20;

/// The default of [`ScanOptions::work_per_mib`]: 32 MiB of decoded bytes per MiB of image.
pub const DEFAULT_WORK_PER_MIB: u64 = 32 << 20;

/// At most one asset per this many bytes of image (plus [`EXTRA_ASSETS`]): the scan's memory
/// stays a fraction of the image's whatever the image holds.
pub const ASSET_SPACING: usize = 256;
/// The assets allowed beyond one per [`ASSET_SPACING`] bytes.
pub const EXTRA_ASSETS: usize = 4096;

/// What every trial decode costs on top of the bytes it declares: the allocation, the header
/// checks. It bounds the number of tiny trials as the declared sizes bound the big ones.
const TRIAL_COST: u64 = 256;

/// How a scan goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScanOptions {
    /// The limits of each block decode (the largest decoded size accepted; default 8 MiB).
    pub limits: Limits,
    /// The most bytes the trial decodes of the candidates starting in one MiB of the image may
    /// declare between them (each trial also counts 256 bytes), successful or not. Default
    /// [`DEFAULT_WORK_PER_MIB`]: real ROMs, whose blocks decode to a few times their size, never
    /// reach it; a hostile image of nested or overlapping candidates stops there.
    pub work_per_mib: u64,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { limits: Limits::default(), work_per_mib: DEFAULT_WORK_PER_MIB }
    }
}

/// What an asset is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AssetKind {
    /// A file named by a rompak TOC.
    TocEntry,
    /// A file of a DragonFS image.
    DfsFile,
    /// A file of the Zelda 64 file table.
    DmadataFile,
    /// A loose Yaz0 block.
    Yaz0,
    /// A loose Yay0 block.
    Yay0,
    /// A loose MIO0 block.
    Mio0,
}

impl AssetKind {
    /// Every kind, in the order [`scan`] sorts assets at one offset.
    pub const ALL: [AssetKind; 6] = [
        AssetKind::TocEntry,
        AssetKind::DfsFile,
        AssetKind::DmadataFile,
        AssetKind::Yaz0,
        AssetKind::Yay0,
        AssetKind::Mio0,
    ];

    /// The name the commands and JSON use: `toc_entry`, `dfs_file`, `dmadata_file`, `yaz0`,
    /// `yay0`, `mio0`.
    pub const fn name(self) -> &'static str {
        match self {
            AssetKind::TocEntry => "toc_entry",
            AssetKind::DfsFile => "dfs_file",
            AssetKind::DmadataFile => "dmadata_file",
            AssetKind::Yaz0 => "yaz0",
            AssetKind::Yay0 => "yay0",
            AssetKind::Mio0 => "mio0",
        }
    }

    /// The kind of a loose block of `codec`.
    pub const fn of_block(codec: Codec) -> AssetKind {
        match codec {
            Codec::Yaz0 => AssetKind::Yaz0,
            Codec::Yay0 => AssetKind::Yay0,
            Codec::Mio0 => AssetKind::Mio0,
        }
    }

    /// Whether this is a loose compressed block (not a container's file).
    pub const fn is_block(self) -> bool {
        matches!(self, AssetKind::Yaz0 | AssetKind::Yay0 | AssetKind::Mio0)
    }
}

impl fmt::Display for AssetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A kind name that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown asset kind {0:?}: expected yaz0, yay0, mio0, dfs_file, dmadata_file or toc_entry")]
pub struct ParseKindError(pub String);

impl FromStr for AssetKind {
    type Err = ParseKindError;

    /// Parses an [`AssetKind::name`], in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AssetKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseKindError(s.to_owned()))
    }
}

/// How an asset's bytes are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// As they are (a plain file).
    Plain,
    /// A Yaz0, Yay0 or MIO0 block that decodes to [`Asset::decompressed_size`] bytes.
    Block(Codec),
    /// A libdragon compressed asset; [`Asset::decompressed_size`] is set when its level is LZ4
    /// and it decompressed (other levels are not decoded).
    Dca(dca::Header),
    /// Compressed, as the Zelda table says, but not in a form decoded here (or damaged; a
    /// [`Warning`] says why).
    Unknown,
}

/// What the Zelda 64 file table says about one of its files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DmaFile {
    /// The entry's index in the table.
    pub index: usize,
    /// Start in the game's virtual ROM.
    pub vrom_start: u32,
    /// End in the virtual ROM (the file's size once decompressed is `vrom_end - vrom_start`).
    pub vrom_end: u32,
    /// Whether the table says the file is compressed.
    pub compressed: bool,
}

/// One thing found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Asset {
    /// What it is.
    pub kind: AssetKind,
    /// Where its bytes start in the big-endian image.
    pub offset: usize,
    /// How many bytes it takes there: a block's stream as far as it was read, a file's size (a
    /// TOC entry's: up to the next file, an upper bound).
    pub size: usize,
    /// The size once decoded, when the bytes are compressed and were decoded here.
    pub decompressed_size: Option<u64>,
    /// The path in its container: a DragonFS path (`dir/file`) or a TOC name; `None` for loose
    /// blocks and Zelda files (which have none).
    pub path: Option<String>,
    /// How the bytes are stored.
    pub encoding: Encoding,
    /// Offset of the table the asset comes from (TOC header, DragonFS identity sector, file
    /// table); `None` for loose blocks.
    pub container: Option<usize>,
    /// A Zelda file's entry.
    pub dma: Option<DmaFile>,
}

impl Asset {
    /// The bytes of the image the asset takes.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.size
    }
}

/// What kind of table a [`Container`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContainerKind {
    /// A rompak TOC.
    Toc,
    /// A DragonFS image.
    DragonFs,
    /// The Zelda 64 file table.
    Dmadata,
}

impl ContainerKind {
    /// The name JSON uses: `toc`, `dragonfs`, `dmadata`.
    pub const fn name(self) -> &'static str {
        match self {
            ContainerKind::Toc => "toc",
            ContainerKind::DragonFs => "dragonfs",
            ContainerKind::Dmadata => "dmadata",
        }
    }
}

/// A table that was found and read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Container {
    /// What kind of table.
    pub kind: ContainerKind,
    /// Its offset: the TOC header, the DragonFS identity sector, the file table's entry 0.
    pub offset: usize,
    /// How many assets it lists (files; for the Zelda table, the files stored in this ROM).
    pub files: usize,
    /// DragonFS: every directory's path, in walk order (empty directories included).
    pub directories: Vec<String>,
    /// DragonFS: the TOC entry that names the image, when one does. Zelda table: the build
    /// string before it (`zelda@srd44 00-07-31 17:04:16`), when there is one.
    pub label: Option<String>,
}

/// Something that looked like a container or a block but did not read whole; the scan goes on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Warning {
    /// A `TOC0` magic whose table does not validate.
    #[error("{0}")]
    Toc(rompak::Error),
    /// A DragonFS identity sector (or a TOC's `.dfs` file) whose image does not read whole.
    #[error("{0}")]
    DragonFs(dragonfs::Error),
    /// A candidate of the Zelda file table that does not validate (reported only when no table
    /// does).
    #[error("{0}")]
    Dmadata(dmadata::Error),
    /// A file the Zelda table says is Yaz0 does not decode.
    #[error("file table entry {index}: the Yaz0 block at {offset:#x} does not decode: {error}")]
    DmaBlock {
        /// The entry's index.
        index: usize,
        /// The block's offset in the image.
        offset: usize,
        /// Why (offsets from the block's start).
        error: codec::Error,
    },
    /// A Yaz0 block at the start of a Zelda file reads past the file's end.
    #[error(
        "file table entry {index}: the Yaz0 block at {offset:#x} reads {consumed:#x} bytes, past the file's {len:#x}"
    )]
    DmaPastEnd {
        /// The entry's index.
        index: usize,
        /// The block's offset in the image.
        offset: usize,
        /// The bytes the block reads.
        consumed: usize,
        /// The file's size in the ROM.
        len: usize,
    },
    /// A Zelda file decodes to another size than its VROM range.
    #[error(
        "file table entry {index}: the block at {offset:#x} decodes to {decoded:#x} bytes, the table says {expected:#x}"
    )]
    DmaSize {
        /// The entry's index.
        index: usize,
        /// The block's offset in the image.
        offset: usize,
        /// The decoded size.
        decoded: u64,
        /// `vrom_end - vrom_start`.
        expected: u64,
    },
    /// A DragonFS file that is an LZ4 compressed asset does not decompress.
    #[error("DragonFS file {path} at {offset:#x}: {error}")]
    Dca {
        /// The file's path.
        path: String,
        /// The file's offset in the image.
        offset: usize,
        /// Why.
        error: dca::Error,
    },
    /// More assets than one per [`ASSET_SPACING`] bytes of image plus [`EXTRA_ASSETS`]: the
    /// loose blocks from `offset` on, or a container's files beyond the limit, are not listed.
    #[error("more than {limit} assets (one per 256 bytes of image, plus 4096): not listed from {offset:#x} on")]
    TooManyAssets {
        /// Where listing stopped (a block's offset, or the container's).
        offset: usize,
        /// The limit.
        limit: usize,
    },
    /// The trial decodes of one MiB reached [`ScanOptions::work_per_mib`]; its later candidates
    /// were not tried.
    #[error(
        "the block candidates in {start:#x}..{end:#x} reached the work limit ({limit:#x} decoded bytes) at {offset:#x}; {skipped} later candidates there were not tried"
    )]
    WorkLimit {
        /// Start of the MiB.
        start: usize,
        /// Its end.
        end: usize,
        /// The first candidate not tried.
        offset: usize,
        /// How many were not tried.
        skipped: usize,
        /// The limit.
        limit: u64,
    },
}

/// Counts of the search, for logs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Offsets where a magic was found.
    pub candidates: usize,
    /// Of those, how many were decoded (the header checked out).
    pub decoded: usize,
    /// Of those, how many decoded whole.
    pub blocks: usize,
}

/// The result of [`scan`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Scan {
    /// Everything found, by offset (then kind, then path).
    pub assets: Vec<Asset>,
    /// The tables read, by offset.
    pub containers: Vec<Container>,
    /// What did not read, in the order found.
    pub warnings: Vec<Warning>,
    /// Counts of the block search.
    pub stats: Stats,
}

/// Scans a whole big-endian ROM image (see the [module docs](self)). Never panics; memory is the
/// image's, the assets' and one decoded block at a time.
pub fn scan(image: &[u8], options: &ScanOptions) -> Scan {
    let mut trials = Trials::new(image, options);
    trials.find_blocks();
    let mut found = Found { max_assets: trials.max_assets, ..Found::default() };
    tocs(image, &mut trials, &mut found);
    dragonfs_images(image, &mut trials, &mut found);
    dmadata_table(image, &mut trials, &mut found);
    for (&offset, block) in trials.blocks.iter().filter(|(_, b)| !b.claimed) {
        let codec = block.codec;
        found.assets.push(Asset {
            kind: AssetKind::of_block(codec),
            offset,
            size: block.consumed,
            decompressed_size: Some(block.size),
            path: None,
            encoding: Encoding::Block(codec),
            container: None,
            dma: None,
        });
    }
    found.assets.sort_by(|a, b| (a.offset, a.kind, &a.path).cmp(&(b.offset, b.kind, &b.path)));
    found.containers.sort_by_key(|c| c.offset);
    let mut warnings = trials.warnings;
    warnings.append(&mut found.warnings);
    Scan { assets: found.assets, containers: found.containers, warnings, stats: trials.stats }
}

/// What the containers gave.
#[derive(Default)]
struct Found {
    assets: Vec<Asset>,
    containers: Vec<Container>,
    warnings: Vec<Warning>,
    /// How many containers' files may be listed (as many as loose blocks may be).
    max_assets: usize,
    /// Whether a file was left out for the limit (warned once).
    full: bool,
}

impl Found {
    /// Whether another file of the container at `container` may be listed; when not, a warning
    /// (once) says where listing stopped.
    fn room(&mut self, container: usize) -> bool {
        if self.assets.len() < self.max_assets {
            return true;
        }
        if !self.full {
            self.full = true;
            self.warnings.push(Warning::TooManyAssets { offset: container, limit: self.max_assets });
        }
        false
    }
}

/// A block the loose pass decoded whole.
#[derive(Clone, Copy, Debug)]
struct Block {
    codec: Codec,
    /// The bytes its stream used.
    consumed: usize,
    /// Its decoded size.
    size: u64,
    /// Whether a container's file starts with it (then it is reported as that file).
    claimed: bool,
}

/// What decoding at an offset gave.
#[derive(Clone, Debug)]
enum Outcome {
    /// A block of `consumed` bytes decoding to `size`.
    Block { codec: Codec, consumed: usize, size: u64 },
    /// No block (with the whole rest of the image as input, so with any shorter input too).
    Failed(codec::Error),
}

/// The trial decodes, within each MiB's work budget: the loose blocks found, and the decodes
/// made for containers' files (each offset once).
struct Trials<'a> {
    image: &'a [u8],
    options: &'a ScanOptions,
    /// How many assets the scan may report: one per 256 bytes of image, plus 4096.
    max_assets: usize,
    /// The loose pass's blocks, by offset (at most `max_assets`).
    blocks: BTreeMap<usize, Block>,
    /// Decodes made for containers' files where the loose pass has no block (at most one per
    /// file reported).
    lookups: HashMap<usize, Outcome>,
    /// Work spent per MiB of the image, how many candidates were refused there, and the first.
    work: HashMap<usize, (u64, usize, usize)>,
    warnings: Vec<Warning>,
    stats: Stats,
}

impl<'a> Trials<'a> {
    fn new(image: &'a [u8], options: &'a ScanOptions) -> Trials<'a> {
        Trials {
            image,
            options,
            max_assets: image.len() / ASSET_SPACING + EXTRA_ASSETS,
            blocks: BTreeMap::new(),
            lookups: HashMap::new(),
            work: HashMap::new(),
            warnings: Vec::new(),
            stats: Stats::default(),
        }
    }

    /// The loose-block pass: every magic, in offset order, skipping those inside a block
    /// already decoded; it stops when it has `max_assets` blocks.
    fn find_blocks(&mut self) {
        let image = self.image;
        let mut inside_until = 0;
        for at in memchr::memchr2_iter(b'Y', b'M', image) {
            let Some(codec) = Codec::from_magic(&image[at..]) else { continue };
            self.stats.candidates += 1;
            if at < inside_until {
                continue;
            }
            if let Some(Outcome::Block { codec, consumed, size }) = self.decode(codec, at) {
                if self.blocks.len() == self.max_assets {
                    self.warnings.push(Warning::TooManyAssets { offset: at, limit: self.max_assets });
                    break;
                }
                self.blocks.insert(at, Block { codec, consumed, size, claimed: false });
                inside_until = at + consumed;
            }
        }
        self.finish_windows();
    }

    /// Decodes the block of `codec` at `at` with the whole rest of the image as its input;
    /// `None` when the work limit of its MiB is reached. Nothing is kept.
    fn decode(&mut self, codec: Codec, at: usize) -> Option<Outcome> {
        let input = &self.image[at..];
        let header = match codec::header(codec, input, &self.options.limits) {
            Ok(header) => header,
            Err(error) => return Some(Outcome::Failed(error)),
        };
        let window = self.work.entry(at / MIB).or_insert((0, 0, at));
        let cost = header.decoded_size as u64 + TRIAL_COST;
        if window.0 + cost > self.options.work_per_mib {
            if window.1 == 0 {
                window.2 = at;
            }
            window.1 += 1;
            return None;
        }
        window.0 += cost;
        self.stats.decoded += 1;
        Some(match codec::decode(codec, input, &self.options.limits) {
            Ok(decoded) => {
                self.stats.blocks += 1;
                Outcome::Block { codec, consumed: decoded.consumed, size: decoded.data.len() as u64 }
            }
            Err(error) => Outcome::Failed(error),
        })
    }

    /// One warning per MiB whose work limit refused candidates (called after each pass).
    fn finish_windows(&mut self) {
        let mut windows: Vec<_> = self.work.iter_mut().filter(|(_, w)| w.1 > 0).collect();
        windows.sort_by_key(|(window, _)| **window);
        for (&window, counts) in windows {
            self.warnings.push(Warning::WorkLimit {
                start: window * MIB,
                end: (window * MIB).saturating_add(MIB).min(self.image.len()),
                offset: counts.2,
                skipped: counts.1,
                limit: self.options.work_per_mib,
            });
            counts.1 = 0;
        }
    }

    /// The block a container's file at `offset..end` starts with, when it starts with a magic:
    /// the loose pass's block there (claimed when it lies within the file: it is then not
    /// reported loose), else a decode made for the file (remembered, never reported loose).
    fn block_at(&mut self, offset: usize, end: usize) -> FileBlock {
        let Some(codec) = self.image.get(offset..end).and_then(Codec::from_magic) else { return FileBlock::NoMagic };
        if let Some(block) = self.blocks.get_mut(&offset) {
            if block.consumed > end - offset {
                return FileBlock::PastEnd { consumed: block.consumed };
            }
            block.claimed = true;
            return FileBlock::Block { codec: block.codec, size: block.size };
        }
        let outcome = if let Some(outcome) = self.lookups.get(&offset) {
            outcome.clone()
        } else {
            let Some(outcome) = self.decode(codec, offset) else { return FileBlock::NotTried };
            self.lookups.insert(offset, outcome.clone());
            outcome
        };
        match outcome {
            Outcome::Failed(error) => FileBlock::Failed(error),
            Outcome::Block { consumed, .. } if consumed > end - offset => FileBlock::PastEnd { consumed },
            Outcome::Block { codec, size, .. } => FileBlock::Block { codec, size },
        }
    }

    /// How a container's file at `offset..end` is stored: a block it starts with, else plain.
    fn file_encoding(&mut self, offset: usize, end: usize) -> (Encoding, Option<u64>) {
        match self.block_at(offset, end) {
            FileBlock::Block { codec, size } => (Encoding::Block(codec), Some(size)),
            _ => (Encoding::Plain, None),
        }
    }
}

/// What a container's file starts with.
enum FileBlock {
    /// No magic: a plain file.
    NoMagic,
    /// A block that decodes within the file.
    Block { codec: Codec, size: u64 },
    /// A magic, but no block.
    Failed(codec::Error),
    /// A block that reads `consumed` bytes, past the file's end.
    PastEnd { consumed: usize },
    /// Not decoded: the work limit.
    NotTried,
}

/// Every offset where `needle` starts (overlapping matches too).
fn find_all<'h>(haystack: &'h [u8], needle: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
    let finder = memmem::Finder::new(needle);
    let mut from = 0;
    std::iter::from_fn(move || {
        let hit = from + finder.find(haystack.get(from..)?)?;
        from = hit + 1;
        Some(hit)
    })
}

/// The rompak TOCs and their entries.
fn tocs(image: &[u8], trials: &mut Trials<'_>, found: &mut Found) {
    for at in find_all(image, &rompak::MAGIC) {
        let toc = match rompak::Toc::parse(image, at) {
            Ok(toc) => toc,
            Err(error) => {
                found.warnings.push(Warning::Toc(error));
                continue;
            }
        };
        for (index, entry) in toc.entries.iter().enumerate() {
            if !found.room(toc.offset) {
                break;
            }
            let Some(extent) = toc.extent(index, image) else { continue };
            let (encoding, decompressed_size) = trials.file_encoding(extent.start, extent.end);
            found.assets.push(Asset {
                kind: AssetKind::TocEntry,
                offset: extent.start,
                size: extent.len(),
                decompressed_size,
                path: Some(entry.name.clone()),
                encoding,
                container: Some(toc.offset),
                dma: None,
            });
        }
        found.containers.push(Container {
            kind: ContainerKind::Toc,
            offset: toc.offset,
            files: toc.entries.len(),
            directories: Vec::new(),
            label: None,
        });
    }
    trials.finish_windows();
}

/// The DragonFS images: where TOCs' `.dfs` entries point, and every identity sector.
fn dragonfs_images(image: &[u8], trials: &mut Trials<'_>, found: &mut Found) {
    let mut candidates: Vec<(usize, Located)> = Vec::new();
    for asset in found.assets.iter().filter(|a| a.kind == AssetKind::TocEntry) {
        #[allow(clippy::case_sensitive_file_extension_comparisons, reason = "the runtime's match is case-sensitive")]
        if let (Some(name), Some(toc)) = (&asset.path, asset.container)
            && name.ends_with(".dfs")
        {
            candidates.push((asset.offset, Located::Toc { toc, name: name.clone() }));
        }
    }
    let mut identity = Vec::with_capacity(4 + dragonfs::ROOT_PATH.len() + 1);
    identity.extend_from_slice(&dragonfs::ROOT_FLAGS.to_be_bytes());
    identity.extend_from_slice(dragonfs::ROOT_PATH);
    identity.push(0);
    candidates.extend(find_all(image, &identity).filter_map(|at| at.checked_sub(4)).map(|at| (at, Located::Scan)));
    candidates.sort_by_key(|(offset, located)| (*offset, matches!(located, Located::Scan)));
    candidates.dedup_by_key(|(offset, _)| *offset);

    for (offset, located) in candidates {
        let mut dfs = match Dfs::parse(image, offset) {
            Ok(dfs) => dfs,
            Err(error) => {
                found.warnings.push(Warning::DragonFs(error));
                continue;
            }
        };
        dfs.located = located;
        let entries = match dfs.walk() {
            Ok(entries) => entries,
            Err(error) => {
                found.warnings.push(Warning::DragonFs(error));
                continue;
            }
        };
        let mut directories = Vec::new();
        let mut files = 0;
        for entry in entries {
            if !found.room(offset) {
                break;
            }
            let dragonfs::Kind::File { offset: start, size, compressed } = entry.kind else {
                directories.push(entry.path);
                continue;
            };
            files += 1;
            let end = start + size as usize;
            let (encoding, decompressed_size) = match compressed {
                Some(header) => dca_file(image, start..end, header, &entry.path, found),
                None => trials.file_encoding(start, end),
            };
            found.assets.push(Asset {
                kind: AssetKind::DfsFile,
                offset: start,
                size: size as usize,
                decompressed_size,
                path: Some(entry.path),
                encoding,
                container: Some(dfs.offset),
                dma: None,
            });
        }
        let label = match &dfs.located {
            Located::Toc { name, .. } => Some(name.clone()),
            _ => None,
        };
        found.containers.push(Container { kind: ContainerKind::DragonFs, offset, files, directories, label });
    }
    trials.finish_windows();
}

/// A DragonFS file that is a compressed asset: decompressed (LZ4 only) to learn its size.
fn dca_file(
    image: &[u8],
    range: std::ops::Range<usize>,
    header: dca::Header,
    path: &str,
    found: &mut Found,
) -> (Encoding, Option<u64>) {
    if header.algorithm != dca::Algorithm::Lz4 {
        return (Encoding::Dca(header), None);
    }
    let offset = range.start;
    match dca::decompress(&image[range]) {
        Ok(data) => (Encoding::Dca(header), Some(data.len() as u64)),
        Err(error) => {
            found.warnings.push(Warning::Dca { path: path.to_owned(), offset, error });
            (Encoding::Dca(header), None)
        }
    }
}

/// The Zelda 64 file table: candidates are 4-byte-aligned copies of entry 0 followed by an entry
/// 1 starting at VROM 0x1060, those just after a build string first; the first that validates
/// is the table. Failed candidates are warnings only when none validates.
fn dmadata_table(image: &[u8], trials: &mut Trials<'_>, found: &mut Found) {
    let mut needle = [0u8; dmadata::ENTRY_LEN + 4];
    for (i, word) in dmadata::FIRST_ENTRY.iter().chain(&[dmadata::FIRST_ENTRY[1]]).enumerate() {
        needle[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    let mut candidates: Vec<(usize, Option<dmadata::BuildInfo>)> =
        find_all(image, &needle).filter(|at| at % 4 == 0).map(|at| (at, build_before(image, at))).collect();
    candidates.sort_by_key(|(at, build)| (build.is_none(), *at));
    let mut failures = Vec::new();
    let mut table = None;
    for (at, build) in candidates {
        match dmadata::DmaTable::parse(image, at) {
            Ok(mut parsed) => {
                parsed.build = build;
                table = Some(parsed);
                break;
            }
            Err(error) => failures.push(Warning::Dmadata(error)),
        }
    }
    let Some(table) = table else {
        found.warnings.append(&mut failures);
        return;
    };
    let mut files = 0;
    for entry in &table.entries {
        if !found.room(table.offset) {
            break;
        }
        let Some(range) = entry.rom_range() else { continue };
        files += 1;
        let compressed = matches!(entry.kind, dmadata::FileKind::Compressed(_));
        let (encoding, decompressed_size) =
            if compressed { dma_block(entry, range.clone(), trials, found) } else { (Encoding::Plain, None) };
        found.assets.push(Asset {
            kind: AssetKind::DmadataFile,
            offset: range.start,
            size: range.len(),
            decompressed_size,
            path: None,
            encoding,
            container: Some(table.offset),
            dma: Some(DmaFile {
                index: entry.index,
                vrom_start: entry.vrom_start,
                vrom_end: entry.vrom_end,
                compressed,
            }),
        });
    }
    let label = table.build.as_ref().map(|b| match &b.date {
        Some(date) => format!("{} {date}", b.builder),
        None => b.builder.clone(),
    });
    found.containers.push(Container {
        kind: ContainerKind::Dmadata,
        offset: table.offset,
        files,
        directories: Vec::new(),
        label,
    });
    trials.finish_windows();
}

/// A compressed Zelda file: the block it holds, checked against its VROM size.
fn dma_block(
    entry: &dmadata::DmaEntry,
    range: std::ops::Range<usize>,
    trials: &mut Trials<'_>,
    found: &mut Found,
) -> (Encoding, Option<u64>) {
    let index = entry.index;
    let offset = range.start;
    match trials.block_at(range.start, range.end) {
        FileBlock::Block { codec, size } => {
            let expected = u64::from(entry.vrom_size());
            if size != expected {
                found.warnings.push(Warning::DmaSize { index, offset, decoded: size, expected });
            }
            (Encoding::Block(codec), Some(size))
        }
        FileBlock::Failed(error) => {
            found.warnings.push(Warning::DmaBlock { index, offset, error });
            (Encoding::Unknown, None)
        }
        FileBlock::PastEnd { consumed } => {
            found.warnings.push(Warning::DmaPastEnd { index, offset, consumed, len: range.len() });
            (Encoding::Unknown, None)
        }
        FileBlock::NoMagic | FileBlock::NotTried => (Encoding::Unknown, None),
    }
}

/// The build string that ends at most [`dmadata::BUILD_STRING_REACH`] bytes before `at`.
fn build_before(image: &[u8], at: usize) -> Option<dmadata::BuildInfo> {
    let start = at.saturating_sub(dmadata::BUILD_STRING_REACH);
    // The builder and date reach at most 0x30 + 17 bytes past "zelda@…"'s 32.
    let end = at.saturating_add(0x100).min(image.len());
    let window = image.get(start..end)?;
    dmadata::find_build_strings(window)
        .into_iter()
        .map(|mut b| {
            b.offset += start;
            b
        })
        .rfind(|b| b.offset < at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for kind in AssetKind::ALL {
            assert_eq!(kind.name().parse::<AssetKind>(), Ok(kind));
            assert_eq!(kind.to_string().to_uppercase().parse::<AssetKind>(), Ok(kind));
        }
        assert!("yaz".parse::<AssetKind>().is_err());
        assert_eq!(AssetKind::of_block(Codec::Mio0), AssetKind::Mio0);
        assert!(AssetKind::Yay0.is_block() && !AssetKind::DfsFile.is_block());
    }

    #[test]
    fn find_all_reports_overlapping_matches() {
        assert_eq!(find_all(b"aaaa", b"aa").collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(find_all(b"", b"a").count(), 0);
    }

    #[test]
    fn empty_and_tiny_images() {
        for image in [&b""[..], b"Y", b"Yaz0", b"MIO0\0\0\0\x01", b"TOC0"] {
            let found = scan(image, &ScanOptions::default());
            assert!(found.assets.is_empty(), "{image:?}");
        }
    }

    #[test]
    fn the_work_limit_stops_trials_in_its_mib_only() {
        // Yaz0 headers declaring 0x1000 bytes, every 0x20 bytes, in the first MiB; then a real
        // block in the second MiB.
        let mut image = vec![0u8; MIB + 0x100];
        for at in (0..0x8000).step_by(0x20) {
            image[at..at + 8].copy_from_slice(b"Yaz0\0\0\x10\0");
        }
        let block = b"Yaz0\0\0\0\x01\0\0\0\0\0\0\0\0\x80z";
        image[MIB..MIB + block.len()].copy_from_slice(block);
        let options = ScanOptions { work_per_mib: 0x10 * (0x1000 + TRIAL_COST), ..ScanOptions::default() };
        let found = scan(&image, &options);
        assert_eq!(found.stats.candidates, 0x8000 / 0x20 + 1);
        assert_eq!(found.stats.decoded, 0x10 + 1);
        assert_eq!(found.assets.len(), 1);
        assert_eq!((found.assets[0].offset, found.assets[0].decompressed_size), (MIB, Some(1)));
        let [Warning::WorkLimit { start: 0, end, offset: 0x200, skipped, .. }] = found.warnings.as_slice() else {
            panic!("{:?}", found.warnings)
        };
        assert_eq!((*end, *skipped), (MIB, 0x8000 / 0x20 - 0x10));
    }
}
