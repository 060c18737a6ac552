//! Integration tests of the `n64` binary, against the committed fixtures (`testdata/`) and
//! generated trees. Every test also asserts that `n64` changed no input file.

mod assets;
mod check;
mod defects;
mod disk;
mod hash;
mod hostile;
mod info;
mod patch_info;
mod save_db;
mod scan;
mod snapshots;
mod support;
mod verify;
