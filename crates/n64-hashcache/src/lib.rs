//! A cache of file digests.
