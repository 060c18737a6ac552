//! Walks archives and prints what `for_each_member` sees: one line per member (index, declared
//! size, stored CRC32, name, then `ok` or the read error) and the outcome of each archive. A
//! directory argument walks every file in it (not recursively); handy to replay a fuzzer queue.
//!
//!     cargo run -p n64-archive --example walk -- archive.7z fuzz/out/archive/default/queue

use std::io::{self, Read};
use std::path::{Path, PathBuf};

#[allow(clippy::print_stdout, reason = "an example's output")]
fn walk(path: &Path) {
    let result = n64_archive::for_each_member(path, &mut |info, data| {
        let crc = info.crc32.map_or_else(|| "--------".to_owned(), |crc| format!("{crc:08X}"));
        let read = io::copy(&mut data.take(64 << 20), &mut io::sink());
        let status = match &read {
            Ok(n) => format!("ok {n}"),
            Err(e) => format!("error: {e}"),
        };
        println!("  {:>4} {:>12} {crc} {:?} {status}", info.index, info.size, info.name);
        Ok(())
    });
    match result {
        Ok(()) => println!("{}: ok", path.display()),
        Err(e) => println!("{}: {e}", path.display()),
    }
}

fn main() -> io::Result<()> {
    for arg in std::env::args_os().skip(1) {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            let mut entries: Vec<PathBuf> =
                std::fs::read_dir(&path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
            entries.sort();
            entries.iter().filter(|p| p.is_file()).for_each(|p| walk(p));
        } else {
            walk(&path);
        }
    }
    Ok(())
}
