//! ROM patch formats, pure: bytes in, bytes out. Each format is a module of its own.
