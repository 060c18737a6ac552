//! ROM-manager DAT files for N64 collections.
