//! `n64 extract`: writes what `n64 assets` finds in one ROM into a directory, decompressed, with
//! `index.json` listing every file written. The one place `n64` writes, and never to the ROM.
//!
//! Where things go (relative to DIR): DragonFS files at their paths under `dragonfs/` (or
//! `dragonfs-OFFSET/` for each image when there are several), rompak TOC files as `toc/NAME`
//! (`toc-OFFSET/NAME` for several TOCs), Zelda files as `dmadata/NNNN_VROMSTART.bin`, loose
//! blocks as `blocks/OFFSET.KIND.bin`; offsets and VROM starts are 8 hex digits. Every component
//! is checked to be a plain name (never `..`, never absolute) before anything is written, every
//! directory on the way is created here or must be a real directory (a symbolic link inside DIR
//! is refused), and every file is created atomically (`n64_io::atomic::create_new`).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs::{self, Metadata};
use std::io;
use std::path::{Component, Path, PathBuf};

use n64_assets::codec::{self, Limits};
use n64_assets::container::dca;
use n64_assets::scan::{Asset, AssetKind, ContainerKind, Encoding, Scan, ScanOptions};
use n64_common::output::{Format, Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, FailureKind, Verbosity, count};
use n64_io::{Algorithms, Hasher, Operation};
use serde::Serialize;

use crate::assets::stored_as;
use crate::cli::ExtractArgs;
use crate::whole_rom::{self, MAX_ROM, WholeRom};

/// The index's file name in DIR.
const INDEX: &str = "index.json";

/// One file of `index.json`.
#[derive(Debug, Serialize)]
struct IndexEntry {
    /// Where it was written, relative to DIR, with `/`.
    file: String,
    kind: &'static str,
    offset: usize,
    size: usize,
    decompressed_size: Option<u64>,
    path: Option<String>,
    stored_as: &'static str,
    /// Whether the file holds the decoded bytes (false: as stored in the ROM).
    decompressed: bool,
    /// Bytes written.
    bytes: usize,
    sha1: String,
}

/// `index.json`.
#[derive(Debug, Serialize)]
struct Index {
    rom: String,
    format: &'static str,
    size: usize,
    sha1: String,
    files: Vec<IndexEntry>,
}

/// Where one asset goes.
struct Planned<'a> {
    asset: &'a Asset,
    /// Components relative to DIR, each a plain name.
    components: Vec<String>,
}

pub(crate) fn run(args: &ExtractArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let mut printer = Printer::new("n64", Format::Text);
    let exit = match extract(args, &mut printer) {
        Ok((exit, summary)) => {
            if !verbosity.is_quiet() || exit != Exit::Ok {
                printer.line(summary)?;
            }
            exit
        }
        Err(failure) => {
            printer.failure(&failure)?;
            Exit::Error
        }
    };
    printer.finish()?;
    Ok(exit)
}

/// The whole extraction; `Err` for what stops it before any asset is written.
fn extract(args: &ExtractArgs, printer: &mut Printer) -> Result<(Exit, String), Failure> {
    let rom = whole_rom::load(&args.rom, MAX_ROM)?;
    let rom_meta = fs::metadata(&args.rom).map_err(|e| n64_io::Error::io(&args.rom, Operation::Read, e))?;
    let dir = &args.output;
    prepare_dir(dir, args.force)?;
    let scan = n64_assets::scan::scan(&rom.image, &ScanOptions::default());
    for warning in &scan.warnings {
        let _ = printer.warning(format_args!("{}: {warning}", rom.path.display()));
    }
    let wanted = |kind: AssetKind| args.only.is_empty() || args.only.contains(&kind);
    let (plan, left_out) = plan(&scan, &wanted);
    for note in &left_out {
        let _ = printer.warning(format_args!("{}: {note}", rom.path.display()));
    }

    let mut written = Vec::new();
    let mut exit = Exit::Ok;
    let mut as_stored = 0;
    for planned in &plan {
        match write_asset(&rom, planned, dir, &rom_meta, args.force) {
            Ok(entry) => {
                if !entry.decompressed && planned.asset.encoding != Encoding::Plain {
                    as_stored += 1;
                    let _ = printer.warning(format_args!(
                        "{}: {} at {:#x} written as stored: {}",
                        rom.path.display(),
                        planned.asset.kind,
                        planned.asset.offset,
                        why_stored(planned.asset)
                    ));
                }
                written.push(entry);
            }
            Err(failure) => {
                exit = Exit::Error;
                let _ = printer.failure(&failure);
            }
        }
    }
    let index = Index {
        rom: path_text(&rom.path),
        format: rom.order.name(),
        size: rom.image.len(),
        sha1: sha1_hex(&rom.image),
        files: written,
    };
    let mut json = serde_json::to_vec_pretty(&index).map_err(|e| io_failure(&dir.join(INDEX), e.into()))?;
    json.push(b'\n');
    write_file(dir, &[INDEX.to_owned()], &json, &rom_meta, args.force)?;
    let files = index.files.len();
    let mut summary = format!("{}: {} written to {}", rom.path.display(), count(files, "file"), dir.display());
    if as_stored > 0 {
        let _ = write!(summary, " ({as_stored} as stored)");
    }
    let _ = write!(summary, ", listed in {}", dir.join(INDEX).display());
    Ok((exit, summary))
}

/// Why an asset was written as stored.
fn why_stored(asset: &Asset) -> String {
    match asset.encoding {
        Encoding::Dca(h) if h.algorithm != dca::Algorithm::Lz4 => {
            format!("compressed asset level {} ({}) is not decoded here", h.level, h.algorithm)
        }
        Encoding::Dca(_) => "the compressed asset does not decompress".to_owned(),
        _ => "compressed in a form not decoded here".to_owned(),
    }
}

/// DIR exists as a directory (created with its parents when missing), empty unless `force`.
fn prepare_dir(dir: &Path, force: bool) -> Result<(), Failure> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            let mut entries = fs::read_dir(dir).map_err(|e| io_failure(dir, e))?;
            if entries.next().is_some() && !force {
                return Err(Failure::refused(dir, "the output directory is not empty (pass --force to write into it)"));
            }
            Ok(())
        }
        Ok(_) => Err(Failure::new(dir, FailureKind::NotRegular, "the output is not a directory")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir_all(dir).map_err(|e| io_failure(dir, e)),
        Err(e) => Err(io_failure(dir, e)),
    }
}

/// An I/O error while preparing or writing the output.
fn io_failure(path: &Path, error: io::Error) -> Failure {
    n64_io::Error::io(path, Operation::Write, error).into()
}

/// Where each wanted asset goes, and what was left out and why: an asset whose path is not made
/// of plain names (the containers refuse such names; this is a second line of defence), or
/// whose place another already took (only a hostile table names two files alike).
fn plan<'a>(scan: &'a Scan, wanted: &dyn Fn(AssetKind) -> bool) -> (Vec<Planned<'a>>, Vec<String>) {
    let several = |kind| scan.containers.iter().filter(|c| c.kind == kind).count() > 1;
    let (several_dfs, several_tocs) = (several(ContainerKind::DragonFs), several(ContainerKind::Toc));
    let mut taken = HashSet::new();
    let mut plan = Vec::new();
    let mut left_out = Vec::new();
    for asset in scan.assets.iter().filter(|a| wanted(a.kind)) {
        let components = match asset.kind {
            AssetKind::DfsFile => {
                let image = asset.container.unwrap_or(0);
                let top = if several_dfs { format!("dragonfs-{image:08x}") } else { "dragonfs".to_owned() };
                let path = asset.path.as_deref().unwrap_or_default();
                std::iter::once(top).chain(path.split('/').map(str::to_owned)).collect()
            }
            AssetKind::TocEntry => {
                let toc = asset.container.unwrap_or(0);
                let top = if several_tocs { format!("toc-{toc:08x}") } else { "toc".to_owned() };
                vec![top, asset.path.clone().unwrap_or_default()]
            }
            AssetKind::DmadataFile => {
                let (index, vrom) = asset.dma.map_or((0, 0), |d| (d.index, d.vrom_start));
                vec!["dmadata".to_owned(), format!("{index:04}_{vrom:08x}.bin")]
            }
            kind => vec!["blocks".to_owned(), format!("{:08x}.{kind}.bin", asset.offset)],
        };
        let path = components.join("/");
        if !components.iter().all(|c| is_plain_name(c)) {
            left_out
                .push(format!("{} at {:#x} left out: {path:?} is not a plain relative path", asset.kind, asset.offset));
            continue;
        }
        if !taken.insert(path.clone()) {
            left_out
                .push(format!("{} at {:#x} left out: another asset is written as {path}", asset.kind, asset.offset));
            continue;
        }
        plan.push(Planned { asset, components });
    }
    (plan, left_out)
}

/// A single normal path component: not empty, not `.` or `..`, no separator, no NUL.
fn is_plain_name(name: &str) -> bool {
    let mut components = Path::new(name).components();
    matches!(components.next(), Some(Component::Normal(n)) if n == name)
        && components.next().is_none()
        && !name.contains(['/', '\\', '\0'])
}

/// The bytes an asset is written as, and whether they are decoded.
fn contents<'a>(image: &'a [u8], asset: &Asset) -> Result<(std::borrow::Cow<'a, [u8]>, bool), String> {
    let stored = &image[asset.range()];
    match asset.encoding {
        Encoding::Block(codec) => codec::decode(codec, stored, &Limits::default())
            .map(|d| (d.data.into(), true))
            .map_err(|e| format!("{} at {:#x}: {e}", asset.kind, asset.offset)),
        Encoding::Dca(_) if asset.decompressed_size.is_some() => dca::decompress(stored)
            .map(|d| (d.into(), true))
            .map_err(|e| format!("{} at {:#x}: {e}", asset.kind, asset.offset)),
        _ => Ok((stored.into(), false)),
    }
}

/// Writes one asset; its index entry.
fn write_asset(
    rom: &WholeRom,
    planned: &Planned<'_>,
    dir: &Path,
    rom_meta: &Metadata,
    force: bool,
) -> Result<IndexEntry, Failure> {
    let asset = planned.asset;
    let target = planned.components.iter().fold(dir.to_path_buf(), |p, c| p.join(c));
    let (data, decompressed) =
        contents(&rom.image, asset).map_err(|message| Failure::new(&target, FailureKind::Rom, message))?;
    write_file(dir, &planned.components, &data, rom_meta, force)?;
    Ok(IndexEntry {
        file: planned.components.join("/"),
        kind: asset.kind.name(),
        offset: asset.offset,
        size: asset.size,
        decompressed_size: asset.decompressed_size,
        path: asset.path.clone(),
        stored_as: stored_as(asset.encoding),
        decompressed,
        bytes: data.len(),
        sha1: sha1_hex(&data),
    })
}

fn sha1_hex(bytes: &[u8]) -> String {
    let mut hasher = Hasher::new(Algorithms::SHA1);
    hasher.update(bytes);
    hasher.finish().sha1_hex().unwrap_or_default()
}

/// Writes `data` at DIR/`components`, creating the directories on the way (each must be a real
/// directory, never a symbolic link), atomically, with the ROM's permissions. An existing file
/// there is replaced only with `force`, and never when it is the ROM itself.
fn write_file(dir: &Path, components: &[String], data: &[u8], rom_meta: &Metadata, force: bool) -> Result<(), Failure> {
    let Some((name, parents)) = components.split_last() else {
        return Err(Failure::new(dir, FailureKind::Io, "an empty output path"));
    };
    let mut at = dir.to_path_buf();
    for parent in parents {
        at.push(parent);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Failure::refused(&at, "a symbolic link inside the output directory is not followed"));
            }
            Ok(_) => return Err(Failure::new(&at, FailureKind::NotRegular, "not a directory")),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir(&at).map_err(|e| io_failure(&at, e))?;
            }
            Err(e) => return Err(io_failure(&at, e)),
        }
    }
    let target: PathBuf = at.join(name);
    match fs::symlink_metadata(&target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_failure(&target, e)),
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Failure::refused(&target, "a symbolic link inside the output directory is not replaced"));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(Failure::new(&target, FailureKind::NotRegular, "exists and is not a regular file"));
        }
        Ok(meta) => {
            if is_same(&meta, rom_meta) {
                return Err(Failure::refused(&target, "this is the ROM being extracted: it is never replaced"));
            }
            if !force {
                return Err(Failure::new(&target, FailureKind::AlreadyExists, "exists (pass --force to replace it)"));
            }
            fs::remove_file(&target).map_err(|e| io_failure(&target, e))?;
        }
    }
    n64_io::atomic::create_new(&target, Some(rom_meta), |out| {
        out.write_all(data).map_err(|e| n64_io::Error::io(&target, Operation::Write, e))
    })
    .map_err(Failure::from)
}

/// Whether two files are the same (device and inode).
#[cfg(unix)]
fn is_same(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn is_same(a: &Metadata, b: &Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names() {
        for good in ["a", "a.b", "...", ".hidden", "é", "a b"] {
            assert!(is_plain_name(good), "{good}");
        }
        for bad in ["", ".", "..", "a/b", "/a", "a\\b", "a\0", "./a"] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
    }
}
