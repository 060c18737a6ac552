//! Times 10,000 puts and 10,000 gets on a new cache in a temporary directory.
//!
//! `cargo run --release -p n64-hashcache --example timing`

use std::time::Instant;

use n64_hashcache::{Cache, Identity, Key};
use n64_io::{Algorithms, Digests};

const COUNT: u64 = 10_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let cache = Cache::open(&dir.path().join("hashes.sqlite3"))?;
    let key = |inode: u64| Key {
        identity: Identity { device: 2049, inode, size: 8 << 20, mtime_ns: 1_600_000_000_000_000_000 },
        member: "",
        view: "z64",
    };
    let mut digests = Digests::default();
    digests.crc32 = Some(0x3524_41c2);
    digests.sha1 = Some([0xa9; 20]);

    let started = Instant::now();
    for inode in 0..COUNT {
        cache.put(&key(inode), &digests)?;
    }
    report("put (new rows)", started);

    let started = Instant::now();
    for inode in 0..COUNT {
        let found = cache.get(&key(inode), Algorithms::SHA1)?;
        assert!(found.is_some(), "a hit");
    }
    report("get (hits)", started);

    let started = Instant::now();
    for inode in COUNT..2 * COUNT {
        assert!(cache.get(&key(inode), Algorithms::SHA1)?.is_none(), "a miss");
    }
    report("get (misses)", started);

    let mut md5 = Digests::default();
    md5.crc32 = digests.crc32;
    md5.md5 = Some([0x90; 16]);
    let started = Instant::now();
    for inode in 0..COUNT {
        cache.put(&key(inode), &md5)?;
    }
    report("put (merged into existing rows)", started);
    Ok(())
}

fn report(what: &str, started: Instant) {
    let elapsed = started.elapsed();
    let per = elapsed / u32::try_from(COUNT).unwrap_or(u32::MAX);
    println!("{COUNT} × {what}: {elapsed:.2?} total, {per:.2?} each");
}
