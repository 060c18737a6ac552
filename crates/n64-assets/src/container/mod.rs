//! The tables that say where files are: libdragon's rompak TOC and DragonFS, the Zelda 64 file table.
