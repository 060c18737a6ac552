//! The fuzz target of n64-core's 64DD disk module: arbitrary bytes become a disk image's
//! first bytes and size, and the parser must answer without panicking, with values inside
//! the documented ranges. `crates/n64-core/tests/fuzz_corpus_disk.rs` replays the corpus.

use n64_core::disk::{self, DiskFormat, DiskInfo, DiskLayout};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 1] = [("disk", disk_target)];

const BLOCK: usize = 0x4D08;

/// Byte 0 picks the shape. `.d64` (byte 0 % 3 == 2): bytes 1..5 are the file size (little
/// endian), the rest the header. `.ndd` and MAME (0 and 1): the rest is records of one byte
/// (block index, bit 7: spoil one sector) and a 232-byte sector, repeated 85 times into that
/// block of a zeroed system area, so the copies, magics and repeat checks are reached from
/// short inputs.
pub fn disk_target(data: &[u8]) {
    let Some((size, prefix)) = image(data) else { return };
    check(size, &prefix);
}

/// The file size and first bytes the input stands for (see [`disk_target`]).
pub fn image(data: &[u8]) -> Option<(u64, Vec<u8>)> {
    let (&shape, rest) = data.split_first()?;
    Some(match shape % 3 {
        2 => {
            let len = rest.get(..4)?;
            let size = u64::from(u32::from_le_bytes(len.try_into().expect("4 bytes")));
            let mut header = rest[4..].to_vec();
            header.truncate(0x400);
            (size, header)
        }
        kind => {
            let size = if kind == 0 { disk::NDD_LEN } else { disk::MAME_LEN };
            let mut prefix = vec![0u8; 16 * BLOCK];
            for record in rest.chunks_exact(233) {
                let block = usize::from(record[0] & 0x0F);
                let sector = &record[1..];
                for (i, copy) in prefix[block * BLOCK..(block + 1) * BLOCK].chunks_exact_mut(232).enumerate() {
                    copy.copy_from_slice(sector);
                    if record[0] & 0x80 != 0 && i == 84 {
                        copy[0] ^= 1;
                    }
                }
            }
            (size, prefix)
        }
    })
}

fn check(size: u64, prefix: &[u8]) {
    let probed = disk::probe(prefix, size);
    let Some(layout) = DiskLayout::from_len(size) else {
        assert_eq!(probed, Ok(None), "no layout, no disk");
        return;
    };
    for lba in 0..32 {
        if let Some(offset) = layout.block_offset(lba) {
            assert!(offset + BLOCK as u64 <= layout.prefix_len() as u64 || lba >= 16);
        }
    }
    match DiskInfo::parse(layout, prefix) {
        Ok(info) => {
            assert_eq!(probed, Ok(Some(info)));
            assert!(info.system.disk_type < 7);
            assert!((0x8000_0000..0x8080_0000).contains(&info.system.load_address));
            assert_eq!((info.format, info.size), (layout.format(), size));
            assert_eq!(info.system_lba.is_none(), info.format == DiskFormat::D64);
            if let Some(id) = info.disk_id {
                let _ = (id.game_code(), id.company_code(), id.production_time().map(|t| t.to_string()));
            }
        }
        Err(error) => {
            let _ = error.to_string();
            assert_eq!(probed.is_ok(), error.is_not_a_disk(), "{error}");
        }
    }
}
