//! `n64-fix convert`: rewrite ROMs in another byte order, in place or to a new file.

use std::io::Write;
use std::path::{Path, PathBuf};

use n64_common::{Exit, Failure, open_regular, progress_bar, read_prefix};
use n64_core::{BOOT_CODE_LEN, BOOT_CODE_OFFSET, ByteOrder, detect_order};
use rayon::prelude::*;

use crate::cli::ConvertArgs;
use crate::{atomic, stream};
use n64_common::output::{self, Stop};

/// What happened to one file.
enum Outcome {
    /// Converted (in place, or to the output file).
    Converted { from: ByteOrder, pad_to: Option<u64>, output: Option<PathBuf> },
    /// `--dry-run`: would be converted.
    WouldConvert { from: ByteOrder, pad_to: Option<u64> },
    /// Already in the target order.
    Ok,
    /// An error; nothing was changed.
    Failed(Failure),
}

/// A ROM's stored byte order, size and first bytes.
pub(crate) struct Source {
    pub(crate) order: ByteOrder,
    pub(crate) size: u64,
    pub(crate) prefix: Vec<u8>,
}

/// Reads the first bytes of `path` and detects its byte order.
///
/// Like `n64-fix crc` and `n64`, refuses an empty file and one that ends inside the boot code
/// (0x40..0x1000): it is no ROM to convert or edit.
pub(crate) fn source(path: &Path) -> Result<Source, Failure> {
    let (file, meta) = open_regular(path)?;
    let size = meta.len();
    if size == 0 {
        return Err(Failure::not_a_rom(path, "empty file"));
    }
    let boot_end = BOOT_CODE_OFFSET + BOOT_CODE_LEN;
    let prefix = read_prefix(file, boot_end, size).map_err(|e| Failure::io(path, "cannot read", &e))?;
    let (order, _) = detect_order(&prefix).map_err(|e| Failure::core(path, &e))?;
    if prefix.len() < boot_end {
        let error =
            n64_core::Error::TooShort { what: "boot code (0x40..0x1000)", expected: boot_end, found: prefix.len() };
        return Err(Failure::core(path, &error));
    }
    Ok(Source { order, size, prefix })
}

/// The size to pad to, when the size is not a whole number of words of both orders: `None`
/// when no padding is needed, an error unless `pad`.
fn padding(size: u64, from: ByteOrder, to: ByteOrder, pad: bool) -> Result<Option<u64>, String> {
    let unit = from.unit().max(to.unit()) as u64;
    if size.is_multiple_of(unit) {
        return Ok(None);
    }
    if pad {
        return Ok(Some(size.next_multiple_of(unit)));
    }
    Err(format!(
        "size {size:#x} is not a whole number of {unit}-byte words, as {} needs (pass --pad to pad with zeros)",
        if to.unit() >= from.unit() { to } else { from }
    ))
}

/// Whether `a` and `b` name the same file: the same path after resolving symlinks, or (on
/// Unix) the same device and inode, which also catches hard links. A missing file is no match.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b))
            && (a.dev(), a.ino()) == (b.dev(), b.ino())
        {
            return true;
        }
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn process(path: &Path, args: &ConvertArgs) -> Outcome {
    let source = match source(path) {
        Ok(source) => source,
        Err(failure) => return Outcome::Failed(failure),
    };
    let output = args.output.as_deref();
    // Checked first: an odd-sized v64 file is no valid v64 ROM, even when converting to v64.
    let pad_to = match padding(source.size, source.order, args.to, args.pad) {
        Ok(pad_to) => pad_to,
        Err(message) => return Outcome::Failed(Failure::new(path, message)),
    };
    if source.order == args.to && output.is_none() && pad_to.is_none() {
        return Outcome::Ok;
    }
    if args.dry_run {
        return Outcome::WouldConvert { from: source.order, pad_to };
    }
    let transform = stream::Transform {
        from: source.order,
        to: args.to,
        size: source.size,
        pad_to: pad_to.unwrap_or(0),
        header: None,
        expect_prefix: &source.prefix,
    };
    let result = (|| {
        let (mut file, meta) = open_regular(path)?;
        if meta.len() != source.size {
            return Err(Failure::new(path, "file changed since it was inspected"));
        }
        let mut produce = |out: &mut dyn Write| stream::run(&mut file, &transform, out, None).map(drop);
        match output {
            None => atomic::replace(path, produce).map_err(|e| Failure::io(path, "cannot write", &e)),
            Some(out) if out.exists() => {
                if !args.force {
                    return Err(Failure::new(out, "already exists (pass --force to overwrite)"));
                }
                atomic::replace(out, &mut produce).map_err(|e| Failure::io(out, "cannot write", &e))
            }
            Some(out) => atomic::create_new(out, Some(meta.permissions()), &mut produce)
                .map_err(|e| Failure::io(out, "cannot write", &e)),
        }
    })();
    match result {
        Ok(()) => Outcome::Converted { from: source.order, pad_to, output: output.map(Path::to_path_buf) },
        Err(failure) => Outcome::Failed(failure),
    }
}

fn padded(pad_to: Option<u64>) -> String {
    pad_to.map_or_else(String::new, |size| format!(", padded to {size:#x} bytes"))
}

/// Runs `n64-fix convert`.
pub(crate) fn run(args: &ConvertArgs, quiet: bool, show_bar: bool) -> Result<Exit, Stop> {
    if args.output.is_some() && args.paths.len() != 1 {
        output::error_line("n64-fix: --output needs exactly one ROM");
        return Ok(Exit::Error);
    }
    if let (Some(out), [input]) = (&args.output, args.paths.as_slice())
        && same_file(out, input)
    {
        // Writing the output would replace the input while it is read; in place is its own mode.
        output::error_line(&format!(
            "n64-fix: {}: output is the input file; omit -o to convert in place",
            out.display()
        ));
        return Ok(Exit::Error);
    }
    let mut paths = args.paths.clone();
    paths.sort();
    paths.dedup();
    let bar = progress_bar(paths.len(), show_bar);
    let outcomes: Vec<(PathBuf, Outcome)> = paths
        .par_iter()
        .map(|path| {
            let outcome = process(path, args);
            bar.inc(1);
            (path.clone(), outcome)
        })
        .collect();
    bar.finish_and_clear();

    let to = args.to;
    let (mut converted, mut ok, mut errors) = (0usize, 0usize, 0usize);
    let mut exit = Exit::Ok;
    output::with_stdout(|out| {
        for (path, outcome) in &outcomes {
            match outcome {
                Outcome::Converted { from, pad_to, output } => {
                    converted += 1;
                    let target = output.as_ref().map_or_else(String::new, |o| format!(" into {}", o.display()));
                    writeln!(out, "{}: converted {from} → {to}{target}{}", path.display(), padded(*pad_to))?;
                }
                Outcome::WouldConvert { from, pad_to } => {
                    converted += 1;
                    exit = exit.and(Exit::Problems);
                    writeln!(out, "{}: would convert {from} → {to}{}", path.display(), padded(*pad_to))?;
                }
                Outcome::Ok => {
                    ok += 1;
                    if !quiet {
                        writeln!(out, "{}: ok (already {to})", path.display())?;
                    }
                }
                Outcome::Failed(failure) => {
                    errors += 1;
                    exit = exit.and(Exit::Error);
                    out.flush()?;
                    output::error_line(&format!("n64-fix: {failure}"));
                }
            }
        }
        let verb = if args.dry_run { "would convert" } else { "converted" };
        writeln!(out, "{} ROM(s): {converted} {verb}, {ok} ok, {errors} errors", converted + ok + errors)?;
        Ok(())
    })?;
    Ok(exit)
}
