//! Streams the members of zip and 7z archives.
