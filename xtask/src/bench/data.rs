//! The generated data of `cargo xtask bench`: the ROMs, the directory `n64 verify` is timed on
//! and its DAT, the stamp that says whether they are current, warming the page cache, and
//! removing them afterwards.

use std::fs::{self, File};
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};

use super::verify::{self, DatEntry};
use super::{BIG_MIB, Layout, Options};
use n64_testkit::{Boot, Cic, RomBuilder, Stored};

/// What the data directory's stamp file says; a different stamp means regenerate.
/// v3: the `verify/` directory (half of the ROMs stored v64) and its BigEndian DAT; old mtimes.
const STAMP_VERSION: &str = "n64-tools bench data v3";

/// The modification time every generated file gets: 2001-09-09, fixed so that the data is the
/// same from run to run, and long past, because the hash cache of `n64 verify` only stores files
/// whose modification time is at least 2 seconds old (a file that new may still be being
/// written), and the warm-cache row needs every file stored.
const GENERATED_MTIME: Duration = Duration::from_secs(1_000_000_000);

/// A big-endian ROM of `size` bytes: z64 magic, a plausible header with a correct 6102 check
/// code (from `ipl3checksum`), synthetic boot code n64-core takes for 6102 by its CRC32 (not
/// Nintendo's code, so `ipl3checksum` is told the kind) and a pseudo-random body seeded by `index`.
pub(super) fn make_rom(size: usize, index: u64) -> Vec<u8> {
    RomBuilder::new(size)
        .boot(Boot::Synthetic(Cic::C6102))
        .title(&format!("BENCH ROM {index:04}"))
        .game_code(b"NBNE")
        .seed(0x5EED_0000_0000 ^ index)
        .stored(Stored::Valid)
        .build()
}

/// The text of the stamp file for these options.
fn stamp_text(options: &Options) -> String {
    format!("{STAMP_VERSION} roms={} size_mib={} big_mib={BIG_MIB}\n", options.roms, options.size_mib)
}

/// Whether the data directory holds what this run would generate.
fn data_is_current(layout: &Layout, options: &Options) -> bool {
    let size_of = |path: &Path| fs::metadata(path).map(|m| m.len()).ok();
    let rom_bytes = (options.size_mib as u64) << 20;
    fs::read_to_string(&layout.stamp).is_ok_and(|s| s == stamp_text(options))
        && layout.roms.iter().all(|p| size_of(p) == Some(rom_bytes))
        && fs::read_dir(&layout.roms_dir).is_ok_and(|d| d.count() == layout.roms.len())
        && layout.verify_files.iter().all(|p| size_of(p) == Some(rom_bytes))
        && fs::read_dir(&layout.verify_dir).is_ok_and(|d| d.count() == layout.verify_files.len())
        && layout.dat.is_file()
        && size_of(&layout.big) == Some((BIG_MIB as u64) << 20)
}

/// Sets `path`'s modification time to [`GENERATED_MTIME`].
fn age(path: &Path) -> Result<()> {
    File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::UNIX_EPOCH + GENERATED_MTIME))
        .with_context(|| format!("setting the modification time of {}", path.display()))
}

/// Writes ROM `index` (big-endian bytes `rom`) into the verified directory: a hard link to its
/// file in `roms/` (a copy where links are not possible) when it is kept z64, else its bytes in
/// v64 order. Returns the ROM's DAT entry; `rom` is left in the stored order.
fn write_verify_file(layout: &Layout, index: usize, rom: &mut [u8]) -> Result<DatEntry> {
    let entry = DatEntry::of(index, rom);
    let path = &layout.verify_files[index];
    if verify::is_v64(index) {
        swap_halves(rom);
        fs::write(path, &*rom).with_context(|| format!("writing {}", path.display()))?;
    } else if fs::hard_link(&layout.roms[index], path).is_err() {
        fs::copy(&layout.roms[index], path).with_context(|| format!("writing {}", path.display()))?;
    }
    age(path)?;
    Ok(entry)
}

/// Converts big-endian bytes to v64 order in place: the two bytes of every 16-bit half swapped
/// (a trailing odd byte is left). Eight bytes at a time, because the xtask runs unoptimised
/// and a byte-pair loop takes a second per 8 MiB there.
pub(super) fn swap_halves(bytes: &mut [u8]) {
    const LOW: u64 = 0x00FF_00FF_00FF_00FF;
    let mut words = bytes.chunks_exact_mut(8);
    for word in &mut words {
        let w = u64::from_ne_bytes(word.try_into().unwrap_or_default());
        word.copy_from_slice(&(((w & LOW) << 8) | ((w >> 8) & LOW)).to_ne_bytes());
    }
    words.into_remainder().chunks_exact_mut(2).for_each(|pair| pair.swap(0, 1));
}

/// Writes ROM `index` to `roms/` and to `verify/`, and returns its DAT entry.
fn write_rom(layout: &Layout, options: &Options, index: usize) -> Result<DatEntry> {
    let path = &layout.roms[index];
    let mut rom = make_rom(options.size_mib << 20, index as u64);
    fs::write(path, &rom).with_context(|| format!("writing {}", path.display()))?;
    age(path)?;
    write_verify_file(layout, index, &mut rom)
}

/// Writes every ROM (see [`write_rom`]) on as many threads as there are cores, because the
/// xtask's hashing and swapping are unoptimised code; returns the DAT entries in ROM order.
fn write_roms(layout: &Layout, options: &Options) -> Result<Vec<DatEntry>> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let n = layout.roms.len();
    let mut entries: Vec<(usize, DatEntry)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|first| {
                scope.spawn(move || -> Result<Vec<(usize, DatEntry)>> {
                    (first..n).step_by(threads).map(|i| Ok((i, write_rom(layout, options, i)?))).collect()
                })
            })
            .collect();
        let mut entries = Vec::with_capacity(n);
        for worker in workers {
            entries.extend(worker.join().map_err(|_| anyhow::anyhow!("a thread writing ROMs panicked"))??);
        }
        Ok::<_, anyhow::Error>(entries)
    })?;
    entries.sort_by_key(|(index, _)| *index);
    Ok(entries.into_iter().map(|(_, entry)| entry).collect())
}

/// Generates the ROMs, unless the directory already holds them.
pub(super) fn prepare_data(layout: &Layout, options: &Options) -> Result<()> {
    if data_is_current(layout, options) {
        eprintln!("bench: reusing the data in {}", layout.dir.display());
        return Ok(());
    }
    let started = Instant::now();
    eprintln!(
        "bench: generating {} ROMs of {} MiB and one of {BIG_MIB} MiB in {}",
        options.roms,
        options.size_mib,
        layout.dir.display()
    );
    let _ = fs::remove_file(&layout.stamp);
    remove_dir(&layout.roms_dir)?;
    remove_dir(&layout.verify_dir)?;
    fs::create_dir_all(&layout.roms_dir).with_context(|| format!("creating {}", layout.roms_dir.display()))?;
    fs::create_dir_all(&layout.verify_dir).with_context(|| format!("creating {}", layout.verify_dir.display()))?;
    let entries = write_roms(layout, options)?;
    fs::write(&layout.dat, verify::dat_text(&entries)).with_context(|| format!("writing {}", layout.dat.display()))?;
    let big = make_rom(BIG_MIB << 20, 1_000_000);
    fs::write(&layout.big, big).with_context(|| format!("writing {}", layout.big.display()))?;
    age(&layout.big)?;
    fs::write(&layout.stamp, stamp_text(options)).with_context(|| format!("writing {}", layout.stamp.display()))?;
    eprintln!("bench: generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Removes `dir` and everything in it, when it exists.
pub(super) fn remove_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    Ok(())
}

/// Reads every data file once, so that all rows run from the page cache.
pub(super) fn warm_page_cache(layout: &Layout) -> Result<()> {
    let mut buffer = vec![0u8; 1 << 20];
    // The z64 half of `verify/` is the same files as `roms/` (hard links): read once.
    let v64 = layout.verify_files.iter().enumerate().filter(|(i, _)| verify::is_v64(*i)).map(|(_, p)| p);
    for path in layout.roms.iter().chain(v64).chain([&layout.big]) {
        let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        while file.read(&mut buffer).with_context(|| format!("reading {}", path.display()))? > 0 {}
    }
    Ok(())
}

/// Deletes the data [`prepare_data`] generates (and the files made from it), not the patching
/// or asset rows' data (each in its own directory, removed with [`remove_dir`]).
pub(super) fn remove_data(layout: &Layout) -> Result<()> {
    for dir in [&layout.roms_dir, &layout.verify_dir, &layout.cache] {
        remove_dir(dir)?;
    }
    for path in [&layout.big, &layout.out, &layout.stamp, &layout.driver, &layout.dat] {
        if path.exists() {
            fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_rom_has_a_correct_6102_check_code() {
        let rom = make_rom(2 << 20, 7);
        assert_eq!(crc32fast::hash(&rom[0x40..0x1000]), 0x90BB_6CB5, "keyed to 6102's boot code");
        assert_eq!(&rom[..4], &[0x80, 0x37, 0x12, 0x40]);
        let stored = u64::from_be_bytes(rom[0x10..0x18].try_into().unwrap());
        assert_eq!(stored, n64_testkit::oracle_check_code(&rom, Cic::C6102));
        assert_eq!(make_rom(2 << 20, 7), rom);
    }

    #[test]
    fn swapping_halves_is_v64_order() {
        for len in [0, 1, 2, 7, 8, 9, 30, 4096] {
            let be: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            let mut swapped = be.clone();
            swap_halves(&mut swapped);
            let mut reference = be.clone();
            n64_testkit::Order::V64.swap(&mut reference);
            assert_eq!(swapped, reference, "{len} bytes");
        }
    }
}
