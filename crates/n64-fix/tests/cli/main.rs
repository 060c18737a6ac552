//! Integration tests of `n64-fix`: the binary run on ROMs built by `n64-testkit`, checked byte
//! by byte and against an independent check code implementation (`ipl3checksum`).

mod convert;
mod crc;
mod defects;
mod disk;
mod docs;
mod header;
mod hostile;
mod interrupt;
mod kill;
mod normalize;
mod normalize_dat;
mod pad;
mod patch;
mod real_roms;
mod snapshots;
mod support;
