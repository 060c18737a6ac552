//! `n64 assets`: what is inside ROMs (compressed blocks, libdragon's TOC and DragonFS, the Zelda
//! 64 file table), listed with offsets, sizes, formats and container paths. Each ROM is read
//! whole and scanned by `n64_assets::scan`; nothing is written.

use std::fmt::Write as _;
use std::path::Path;

use n64_assets::container::dca;
use n64_assets::scan::{Asset, AssetKind, Container, ContainerKind, Encoding, Scan, ScanOptions};
use n64_common::batch::{self, Outcome, Settings, Tally};
use n64_common::output::{Printer, Stop, align};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, Verbosity, count};
use n64_core::ByteOrder;
use n64_io::Walked;
use serde::Serialize;

use crate::cli::AssetsArgs;
use crate::whole_rom::{self, MAX_ROM};

/// The summary keys: ROMs scanned, assets listed, warnings.
const KEYS: &[&str] = &["roms", "assets", "warnings"];

/// How an asset's bytes are stored, as text and JSON say it: `plain`, `yaz0`, `yay0`, `mio0`,
/// `dca` or `unknown`.
pub(crate) fn stored_as(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Block(codec) => AssetKind::of_block(codec).name(),
        Encoding::Dca(_) => "dca",
        Encoding::Unknown => "unknown",
        _ => "plain",
    }
}

/// The stored-as column: the codec, or `dca3 lz4`, `dca3 aplib`.
fn stored_as_text(encoding: Encoding) -> String {
    match encoding {
        Encoding::Dca(header) => format!("dca{} {}", header.version, header.algorithm.to_string().to_lowercase()),
        other => stored_as(other).to_owned(),
    }
}

/// The name column: a DragonFS path, a TOC name, or a Zelda file's index and VROM range.
fn name_text(asset: &Asset) -> String {
    match (&asset.path, asset.dma) {
        (Some(path), _) => path.clone(),
        (None, Some(dma)) => format!("#{} vrom {:#010x}-{:#010x}", dma.index, dma.vrom_start, dma.vrom_end),
        (None, None) => "-".to_owned(),
    }
}

/// A container's line: `rompak TOC at 0x1040: 2 files`.
fn container_text(container: &Container) -> String {
    let what = match container.kind {
        ContainerKind::Toc => "rompak TOC",
        ContainerKind::DragonFs => "DragonFS",
        ContainerKind::Dmadata => "Zelda file table",
        _ => "container",
    };
    let label = match (&container.label, container.kind) {
        (Some(name), ContainerKind::DragonFs) => format!(" (TOC entry {name})"),
        (Some(build), _) => format!(" ({build})"),
        (None, _) => String::new(),
    };
    let mut text = format!("{what} at {:#x}{label}: {}", container.offset, count(container.files, "file"));
    if container.kind == ContainerKind::DragonFs {
        let n = container.directories.len();
        let _ = write!(text, ", {n} {}", if n == 1 { "directory" } else { "directories" });
    }
    text
}

/// `"dca"` of an asset record.
#[derive(Debug, Serialize)]
struct DcaRecord {
    version: u8,
    level: u16,
    algorithm: String,
    /// The size the header declares (also for levels not decoded here).
    original_size: u32,
}

/// `"dma"` of an asset record.
#[derive(Debug, Serialize)]
struct DmaRecord {
    index: usize,
    vrom_start: u32,
    vrom_end: u32,
    compressed: bool,
}

/// `"type": "asset"`.
#[derive(Debug, Serialize)]
struct AssetRecord<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    rom: String,
    kind: &'static str,
    offset: usize,
    size: usize,
    decompressed_size: Option<u64>,
    path: Option<&'a str>,
    stored_as: &'static str,
    container: Option<usize>,
    dca: Option<DcaRecord>,
    dma: Option<DmaRecord>,
}

impl<'a> AssetRecord<'a> {
    fn new(rom: &Path, asset: &'a Asset) -> AssetRecord<'a> {
        AssetRecord {
            record: "asset",
            rom: path_text(rom),
            kind: asset.kind.name(),
            offset: asset.offset,
            size: asset.size,
            decompressed_size: asset.decompressed_size,
            path: asset.path.as_deref(),
            stored_as: stored_as(asset.encoding),
            container: asset.container,
            dca: match asset.encoding {
                Encoding::Dca(h) => Some(dca_record(&h)),
                _ => None,
            },
            dma: asset.dma.map(|d| DmaRecord {
                index: d.index,
                vrom_start: d.vrom_start,
                vrom_end: d.vrom_end,
                compressed: d.compressed,
            }),
        }
    }
}

fn dca_record(header: &dca::Header) -> DcaRecord {
    DcaRecord {
        version: header.version,
        level: header.level,
        algorithm: header.algorithm.to_string().to_lowercase(),
        original_size: header.original_size,
    }
}

/// A container in the `"type": "rom"` record.
#[derive(Debug, Serialize)]
struct ContainerRecord<'a> {
    kind: &'static str,
    offset: usize,
    files: usize,
    directories: &'a [String],
    label: Option<&'a str>,
}

/// `"type": "rom"`: one ROM's summary, after its assets.
#[derive(Debug, Serialize)]
struct RomRecord<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    path: String,
    format: &'static str,
    size: usize,
    assets: usize,
    kinds: serde_json::Map<String, serde_json::Value>,
    containers: Vec<ContainerRecord<'a>>,
    warnings: Vec<String>,
}

/// One ROM scanned.
struct Scanned {
    order: ByteOrder,
    size: usize,
    scan: Scan,
}

impl Scanned {
    /// How many assets of each kind, in [`AssetKind::ALL`]'s order, leaving out kinds not found.
    fn kinds(&self) -> Vec<(AssetKind, usize)> {
        AssetKind::ALL
            .into_iter()
            .map(|kind| (kind, self.scan.assets.iter().filter(|a| a.kind == kind).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    fn text(&self, path: &Path) -> String {
        let kinds: Vec<String> = self.kinds().iter().map(|(kind, n)| format!("{n} {kind}")).collect();
        let mut text = format!(
            "{}: {}, {} bytes, {}",
            path.display(),
            self.order,
            self.size,
            count(self.scan.assets.len(), "asset")
        );
        if !kinds.is_empty() {
            let _ = write!(text, " ({})", kinds.join(", "));
        }
        text.push('\n');
        if !self.scan.assets.is_empty() {
            let mut rows =
                vec![["OFFSET", "KIND", "SIZE", "DECOMPRESSED", "STORED AS", "PATH"].map(str::to_owned).to_vec()];
            for asset in &self.scan.assets {
                rows.push(vec![
                    format!("{:#08x}", asset.offset),
                    asset.kind.name().to_owned(),
                    asset.size.to_string(),
                    asset.decompressed_size.map_or_else(|| "-".to_owned(), |s| s.to_string()),
                    stored_as_text(asset.encoding),
                    name_text(asset),
                ]);
            }
            for line in align(&rows) {
                let _ = writeln!(text, "  {line}");
            }
        }
        for container in &self.scan.containers {
            let _ = writeln!(text, "  {}", container_text(container));
        }
        text
    }
}

impl Outcome for Scanned {
    fn tally(&self) -> (&'static str, Exit) {
        ("roms", Exit::Ok)
    }

    fn counters(&self) -> Vec<&'static str> {
        let mut counters = vec!["assets"; self.scan.assets.len()];
        counters.extend(std::iter::repeat_n("warnings", self.scan.warnings.len()));
        counters
    }

    fn log(&self, path: &Path) {
        let stats = self.scan.stats;
        tracing::debug!(
            "{}: {} magics, {} decoded, {} blocks",
            path.display(),
            stats.candidates,
            stats.decoded,
            stats.blocks
        );
    }

    fn print(&self, path: &Path, printer: &mut Printer, quiet: bool) -> Result<(), Stop> {
        for warning in &self.scan.warnings {
            printer.warning(format_args!("{}: {warning}", path.display()))?;
        }
        for asset in &self.scan.assets {
            printer.record(&AssetRecord::new(path, asset))?;
        }
        printer.record(&RomRecord {
            record: "rom",
            path: path_text(path),
            format: self.order.name(),
            size: self.size,
            assets: self.scan.assets.len(),
            kinds: self.kinds().into_iter().map(|(kind, n)| (kind.name().to_owned(), n.into())).collect(),
            containers: self
                .scan
                .containers
                .iter()
                .map(|c| ContainerRecord {
                    kind: c.kind.name(),
                    offset: c.offset,
                    files: c.files,
                    directories: &c.directories,
                    label: c.label.as_deref(),
                })
                .collect(),
            warnings: self.scan.warnings.iter().map(ToString::to_string).collect(),
        })?;
        if !quiet {
            printer.text(&self.text(path))?;
            printer.line("")?;
        }
        Ok(())
    }
}

fn scan_file(path: &Path) -> Result<Scanned, Failure> {
    let rom = whole_rom::load(path, MAX_ROM)?;
    let scan = n64_assets::scan::scan(&rom.image, &ScanOptions::default());
    Ok(Scanned { order: rom.order, size: rom.image.len(), scan })
}

pub(crate) fn run(args: &AssetsArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let settings = Settings::lines(args.json, verbosity);
    batch::run("n64", settings, Walked::named(&args.paths), KEYS, |_, entry| scan_file(&entry.path), summary_line)
}

/// `2 ROMs scanned: 31 assets, 1 warning; 0 errors`.
fn summary_line(tally: &Tally) -> String {
    format!(
        "{} scanned: {}, {}; {}",
        count(tally.get("roms"), "ROM"),
        count(tally.get("assets"), "asset"),
        count(tally.get("warnings"), "warning"),
        count(tally.get(batch::ERRORS), "error")
    )
}
