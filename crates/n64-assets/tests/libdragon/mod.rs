//! Test builders for libdragon's layouts, written from libdragon's tools (not from the code under
//! test): `mkdfs` (DragonFS images, `tools/mkdfs/mkdfs.c` of the trunk and preview branches),
//! `n64tool --toc` (the rompak TOC, `tools/n64tool.c`) and `mkasset` (the `DCA3` header,
//! `tools/common/assetcomp.c`). Each builder records where it put things, so tests compare the
//! parser's answers with the builder's.

#![allow(dead_code, unreachable_pub)]
#![allow(clippy::cast_possible_truncation, reason = "test images are far below 4 GiB")]

/// A file or directory for [`mkdfs`].
#[derive(Debug, Clone)]
pub enum Node {
    File(&'static str, Vec<u8>),
    Dir(&'static str, Vec<Node>),
}

/// What [`mkdfs`] wrote for one node: its path, its entry sector, and for a file the data's
/// offset and size (offsets from the start of the image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: String,
    pub entry: usize,
    pub file: Option<(usize, usize)>,
}

/// A DragonFS image as `mkdfs` lays it out: the identity sector, then for each directory's
/// children in order an entry sector, followed by the file's data rounded up to 256 bytes, or by
/// the subdirectory's own sectors. `preview` follows the preview branch: children sorted by
/// name, and a path lookup table at the end whose size and offset go in the identity sector.
pub fn mkdfs(root: &[Node], preview: bool) -> (Vec<u8>, Vec<Written>) {
    let mut image = vec![0u8; 256];
    put32(&mut image, 4, 0xFFFF_FFFF);
    put32(&mut image, 0, 0xDEAD_BEEF);
    image[8..20].copy_from_slice(b"DragonFS 2.0");
    let mut written = Vec::new();
    let first = add_directory(&mut image, root, "", preview, &mut written);
    assert_eq!(first, 256, "the root's first entry is sector 1");
    if preview {
        write_lookup(&mut image, &written);
    }
    (image, written)
}

fn sectors(image: &mut Vec<u8>, size: usize) -> usize {
    let at = image.len();
    image.resize(at + size.div_ceil(256) * 256, 0);
    at
}

fn add_directory(image: &mut Vec<u8>, nodes: &[Node], prefix: &str, preview: bool, out: &mut Vec<Written>) -> usize {
    let mut nodes = nodes.to_vec();
    if preview {
        nodes.sort_by(|a, b| name(a).as_bytes().cmp(name(b).as_bytes()));
    }
    let (mut first, mut current) = (0, 0);
    for node in &nodes {
        let path = if prefix.is_empty() { name(node).to_owned() } else { format!("{prefix}/{}", name(node)) };
        let entry = sectors(image, 256);
        let bytes = name(node).as_bytes();
        image[entry + 8..entry + 8 + bytes.len()].copy_from_slice(bytes);
        match node {
            Node::File(_, data) => {
                let blob = sectors(image, data.len());
                image[blob..blob + data.len()].copy_from_slice(data);
                put32(image, entry + 4, data.len() as u32);
                put32(image, entry + 252, blob as u32);
                out.push(Written { path, entry, file: Some((blob, data.len())) });
            }
            Node::Dir(_, children) => {
                put32(image, entry + 4, 1 << 28);
                let index = out.len();
                out.push(Written { path: path.clone(), entry, file: None });
                let sub = add_directory(image, children, &path, preview, out);
                if sub == 0 {
                    out.remove(index); // mkdfs skips an empty directory (its sector stays, unused)
                    continue;
                }
                put32(image, entry + 252, sub as u32);
            }
        }
        if current != 0 {
            put32(image, current, entry as u32);
        }
        current = entry;
        if first == 0 {
            first = entry;
        }
    }
    first
}

fn name(node: &Node) -> &'static str {
    match node {
        Node::File(n, _) | Node::Dir(n, _) => n,
    }
}

/// The preview branch's lookup table: count, path-area offset, then per file (sorted by hash)
/// the hash of its path (`h = h * 31 + c`), `len << 20 | offset` of its path string, data
/// offset, data length; the path strings follow in a second blob, each padded to even length.
fn write_lookup(image: &mut Vec<u8>, written: &[Written]) {
    let mut files: Vec<(u32, &str, usize, usize)> = written
        .iter()
        .filter_map(|w| {
            let (ofs, len) = w.file?;
            let hash = w.path.bytes().fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(u32::from(c)));
            Some((hash, w.path.as_str(), ofs, len))
        })
        .collect();
    files.sort_by_key(|f| f.0);
    let size = 8 + 16 * files.len();
    let table = sectors(image, size);
    put32(image, 0, size as u32);
    put32(image, 252, table as u32);
    let path_size: usize = files.iter().map(|f| (f.1.len() + 1).next_multiple_of(2)).sum();
    let paths = sectors(image, path_size);
    put32(image, table, files.len() as u32);
    put32(image, table + 4, paths as u32);
    let mut cursor = 0;
    for (i, (hash, path, ofs, len)) in files.iter().enumerate() {
        let at = table + 8 + 16 * i;
        let with_nul = path.len() + 1;
        put32(image, at, *hash);
        put32(image, at + 4, ((with_nul as u32) << 20) | cursor as u32);
        put32(image, at + 8, *ofs as u32);
        put32(image, at + 12, *len as u32);
        image[paths + cursor..paths + cursor + path.len()].copy_from_slice(path.as_bytes());
        cursor += with_nul.next_multiple_of(2);
    }
}

/// A file for [`n64tool`]: its name (n64tool stores the base name) and the alignment asked for
/// before it (`--align`, 0 for none).
pub struct RomFile<'a> {
    pub name: &'a str,
    pub align: usize,
    pub data: &'a [u8],
}

/// A ROM as `n64tool --toc` lays it out: a 4 KiB header and boot code, the 1 KiB TOC at the next
/// 16-byte boundary, each file at its alignment, then padding to a multiple of 16 KiB. Returns
/// the image, the TOC's offset and each file's offset.
pub fn n64tool<'a>(files: &[RomFile<'a>]) -> (Vec<u8>, usize, Vec<usize>) {
    let mut rom = vec![0u8; 0x1000];
    rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
    let toc = rom.len().next_multiple_of(16);
    rom.resize(toc + 1024, 0);
    let mut offsets = Vec::new();
    for file in files {
        if file.align > 0 {
            rom.resize(rom.len().next_multiple_of(file.align), 0);
        }
        offsets.push(rom.len());
        rom.extend_from_slice(file.data);
    }
    rom.resize(rom.len().next_multiple_of(16 * 1024), 0);
    // n64tool stores the base name: what follows the last `/` or `\`.
    let base = |name: &'a str| name.rsplit(['/', '\\']).next().unwrap_or(name);
    write_toc(&mut rom, toc, files.iter().map(|f| base(f.name)).zip(offsets.iter().copied()));
    (rom, toc, offsets)
}

/// Writes a TOC as n64tool does (toc_size 1024, entry_size 64, names cut to 59 bytes and NUL).
pub fn write_toc<'a>(rom: &mut [u8], toc: usize, entries: impl Iterator<Item = (&'a str, usize)>) {
    rom[toc..toc + 4].copy_from_slice(b"TOC0");
    put32(rom, toc + 4, 1024);
    put32(rom, toc + 8, 64);
    let mut count = 0;
    for (i, (name, offset)) in entries.enumerate() {
        let at = toc + 16 + 64 * i;
        put32(rom, at, offset as u32);
        let name = &name.as_bytes()[..name.len().min(59)];
        rom[at + 4..at + 4 + name.len()].copy_from_slice(name);
        rom[at + 4 + name.len()..at + 64].fill(0);
        count += 1;
    }
    put32(rom, toc + 12, count);
}

/// A `DCA3` asset as `mkasset` writes one for level 1: magic and version, level, flags (window
/// 16 KiB, in place), compressed size, original size, in-place margin, then the raw LZ4 block.
pub fn dca3_lz4(block: &[u8], original_len: usize) -> Vec<u8> {
    let mut asset = b"DCA3".to_vec();
    asset.extend_from_slice(&1u16.to_be_bytes());
    asset.extend_from_slice(&0x0100u16.to_be_bytes());
    asset.extend_from_slice(&(block.len() as u32).to_be_bytes());
    asset.extend_from_slice(&(original_len as u32).to_be_bytes());
    // LZ4_DECOMPRESS_INPLACE_MARGIN(cmp_size) = (cmp_size >> 8) + 32 in libdragon's lz4_dec.
    asset.extend_from_slice(&((block.len() as u32 >> 8) + 32).to_be_bytes());
    asset.extend_from_slice(block);
    asset
}

pub fn put32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_be_bytes());
}

pub fn get32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap())
}
