//! Archives made by independent tools (Info-ZIP's `zip`, 7-Zip, Python's `zipfile`) read back:
//! listings compared with the tools' own, bytes with the original files, corrupt and truncated
//! archives failing cleanly. A missing tool skips a test with a note, except under `CI=true`
//! (install the Debian packages zip, 7zip and python3).

mod common;
mod hostile;
mod sevenz_archives;
mod zip_archives;
