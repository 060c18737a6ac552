//! Hashing one walked file: a plain file in one streaming pass, or every member of an archive,
//! each in all the views the DATs need, through the cache.

use std::io::{self, Read};
use std::path::Path;

use n64_archive::ArchiveKind;
use n64_core::{ByteOrder, Header, detect_order};
use n64_hashcache::Identity;
use n64_io::{Algorithms, CHUNK_LEN, Change, Digests, ErrorKind, Operation, fill, open_regular};

use crate::cached::RunCache;
use crate::lanes::{Lanes, View};
use crate::{Error, Source};

/// How many leading bytes identify a stream: the byte order (from the magic, or from the boot
/// code at 0x40..0x1000 when the magic is unusual), the game code, an archive signature.
const PREFIX_LEN: usize = 0x1000;

/// What every file is hashed for.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a> {
    /// The views some DAT's hashes are over.
    pub views: &'a [View],
    /// The digests to compute (CRC32 always; SHA-1 and MD5 as the DATs need).
    pub algorithms: Algorithms,
}

/// One file or archive member, hashed.
#[derive(Debug, Clone)]
pub struct Hashed {
    /// Where the bytes are.
    pub source: Source,
    /// Its size in bytes.
    pub size: u64,
    /// The byte order it is stored in, when it is an N64 image.
    pub order: Option<ByteOrder>,
    /// The game code in its header (header bytes 0x3B..0x3F), when it is an N64 image.
    pub game_code: Option<[u8; 4]>,
    /// The digests of each view of the plan.
    pub digests: Vec<(View, Digests)>,
    /// Whether the digests came from the cache.
    pub cached: bool,
}

impl Hashed {
    /// The digests over `view`.
    pub fn digests_of(&self, view: View) -> Option<&Digests> {
        self.digests.iter().find(|(v, _)| *v == view).map(|(_, d)| d)
    }
}

/// What one walked path holds.
#[derive(Debug)]
pub enum Found {
    /// A file or member, hashed.
    Hashed(Hashed),
    /// An archive inside an archive: reported, not opened.
    NestedArchive {
        /// The member.
        source: Source,
        /// What kind of archive it is.
        kind: ArchiveKind,
    },
}

/// Everything found in one walked path: what was hashed, and the error that stopped it (an
/// archive can fail after some members were hashed).
#[derive(Debug, Default)]
pub struct Walked {
    /// The files and members hashed.
    pub found: Vec<Found>,
    /// What went wrong, if anything.
    pub error: Option<Error>,
}

/// Hashes `path`: a plain file, or, when its content is a zip or 7z archive, every member.
/// `buffer` is a scratch buffer reused from file to file.
pub fn hash_path(path: &Path, plan: Plan<'_>, cache: &RunCache, buffer: &mut Vec<u8>) -> Walked {
    match hash_path_inner(path, plan, cache, buffer) {
        Ok(walked) => walked,
        Err(error) => Walked { found: Vec::new(), error: Some(error) },
    }
}

fn hash_path_inner(path: &Path, plan: Plan<'_>, cache: &RunCache, buffer: &mut Vec<u8>) -> Result<Walked, Error> {
    let mut open = open_regular(path)?;
    let size = open.size();
    let identity = Identity::of(&open.meta);
    buffer.resize(CHUNK_LEN, 0);
    let want = usize::try_from(size).map_or(PREFIX_LEN, |s| s.min(PREFIX_LEN));
    let got = fill(&mut open.file, &mut buffer[..want]).map_err(|e| n64_io::Error::io(path, Operation::Read, e))?;
    if got < want {
        return Err(changed(path, Change::Shorter { expected: size, found: got as u64 }).into());
    }
    if ArchiveKind::sniff(&buffer[..got]).is_some() {
        drop(open);
        return Ok(hash_archive(path, plan, cache, buffer));
    }
    let source = Source::File(path.to_path_buf());
    let (order, game_code) = identify(&buffer[..got]);
    let key = cache_name(path, None);
    if let Some(digests) = cache.get_all(identity, &key, plan.views, plan.algorithms) {
        let hashed = Hashed { source, size, order, game_code, digests, cached: true };
        return Ok(Walked { found: vec![Found::Hashed(hashed)], error: None });
    }
    let mut lanes = Lanes::new(plan.views, order, size, plan.algorithms);
    let mut read = got as u64;
    lanes.update_mut(&mut buffer[..got]);
    loop {
        let n = fill(&mut open.file, buffer).map_err(|e| n64_io::Error::io(path, Operation::Read, e))?;
        if n == 0 {
            break;
        }
        read += n as u64;
        if read > size {
            return Err(changed(path, Change::Longer { expected: size }).into());
        }
        lanes.update_mut(&mut buffer[..n]);
    }
    if read < size {
        return Err(changed(path, Change::Shorter { expected: size, found: read }).into());
    }
    // A file rewritten while it was read (same size) is caught by its modification time.
    let after = open.file.metadata().map_err(|e| n64_io::Error::io(path, Operation::Read, e))?;
    if Identity::of(&after) != identity {
        return Err(changed(path, Change::Content).into());
    }
    let digests = lanes.finish();
    cache.put_all(identity, &key, &digests);
    let hashed = Hashed { source, size, order, game_code, digests, cached: false };
    Ok(Walked { found: vec![Found::Hashed(hashed)], error: None })
}

/// Hashes every member of an archive; members hashed before an error are kept.
fn hash_archive(path: &Path, plan: Plan<'_>, cache: &RunCache, buffer: &mut Vec<u8>) -> Walked {
    let mut walked = Walked::default();
    buffer.resize(CHUNK_LEN, 0);
    let identity = match std::fs::metadata(path) {
        Ok(meta) => Identity::of(&meta),
        Err(e) => {
            walked.error = Some(n64_io::Error::io(path, Operation::Open, e).into());
            return walked;
        }
    };
    if let Some(found) = archive_from_cache(path, identity, plan, cache) {
        walked.found = found;
        return walked;
    }
    let mut visit = |info: &n64_archive::MemberInfo, reader: &mut dyn Read| -> io::Result<()> {
        if info.is_dir {
            return Ok(());
        }
        let source = Source::Member { archive: path.to_path_buf(), index: info.index, name: info.name.clone() };
        let want = usize::try_from(info.size).map_or(PREFIX_LEN, |s| s.min(PREFIX_LEN));
        let got = fill(reader, &mut buffer[..want])?;
        if got < want {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, format!("member {} is truncated", info.name)));
        }
        let key = cache_name(path, Some(&info.name));
        if let Some(nested) = ArchiveKind::sniff(&buffer[..got]) {
            cache.put_note(identity, &key, &Note::Archive(nested).to_text());
            walked.found.push(Found::NestedArchive { source, kind: nested });
            return Ok(());
        }
        let (order, game_code) = identify(&buffer[..got]);
        cache.put_note(identity, &key, &Note::Stream { order, game_code }.to_text());
        if let Some(digests) = cache.get_all(identity, &key, plan.views, plan.algorithms) {
            walked.found.push(Found::Hashed(Hashed {
                source,
                size: info.size,
                order,
                game_code,
                digests,
                cached: true,
            }));
            return Ok(());
        }
        let mut lanes = Lanes::new(plan.views, order, info.size, plan.algorithms);
        lanes.update_mut(&mut buffer[..got]);
        let mut read = got as u64;
        loop {
            let n = fill(reader, buffer)?;
            if n == 0 {
                break;
            }
            read += n as u64;
            lanes.update_mut(&mut buffer[..n]);
        }
        if read != info.size {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("member {} has {read} bytes, its directory says {}", info.name, info.size),
            ));
        }
        let digests = lanes.finish();
        cache.put_all(identity, &key, &digests);
        walked.found.push(Found::Hashed(Hashed { source, size: info.size, order, game_code, digests, cached: false }));
        Ok(())
    };
    match n64_archive::for_each_member(path, &mut visit) {
        // The whole archive was read: the cache may answer for it next time.
        Ok(()) => cache.put_note(identity, &cache_name(path, None), "archive"),
        Err(source) => walked.error = Some(Error::Archive { path: path.to_path_buf(), source }),
    }
    walked
}

/// Every member of an unchanged archive from the cache, without decompressing anything: `None`
/// unless the cache knows what each member is and has its digests in every view.
fn archive_from_cache(path: &Path, identity: Identity, plan: Plan<'_>, cache: &RunCache) -> Option<Vec<Found>> {
    cache.get_note(identity, &cache_name(path, None))?;
    let members = n64_archive::list(path).ok()?;
    let mut found = Vec::with_capacity(members.len());
    for info in members.iter().filter(|m| !m.is_dir) {
        let key = cache_name(path, Some(&info.name));
        let source = Source::Member { archive: path.to_path_buf(), index: info.index, name: info.name.clone() };
        match Note::parse(&cache.get_note(identity, &key)?)? {
            Note::Archive(kind) => found.push(Found::NestedArchive { source, kind }),
            Note::Stream { order, game_code } => {
                let digests = cache.get_all(identity, &key, plan.views, plan.algorithms)?;
                found.push(Found::Hashed(Hashed { source, size: info.size, order, game_code, digests, cached: true }));
            }
        }
    }
    Some(found)
}

/// What the cache remembers of a stream besides its digests: what its first bytes said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Note {
    /// An N64 image (or not: no order) with its game code.
    Stream { order: Option<ByteOrder>, game_code: Option<[u8; 4]> },
    /// An archive inside the archive.
    Archive(ArchiveKind),
}

impl Note {
    /// `stream z64 NSME`, `stream - -`, `archive zip`.
    fn to_text(self) -> String {
        match self {
            Note::Stream { order, game_code } => {
                let code = game_code.and_then(|c| String::from_utf8(c.to_vec()).ok()).unwrap_or_else(|| "-".into());
                format!("stream {} {code}", order.map_or("-", ByteOrder::name))
            }
            Note::Archive(kind) => format!("archive {}", kind.name()),
        }
    }

    fn parse(text: &str) -> Option<Note> {
        let words: Vec<&str> = text.split(' ').collect();
        match words.as_slice() {
            ["stream", order, code] => {
                let order = match *order {
                    "-" => None,
                    name => Some(ByteOrder::ALL.into_iter().find(|o| o.name() == name)?),
                };
                let game_code = match code.as_bytes() {
                    b"-" => None,
                    bytes => Some(<[u8; 4]>::try_from(bytes).ok()?),
                };
                Some(Note::Stream { order, game_code })
            }
            ["archive", "zip"] => Some(Note::Archive(ArchiveKind::Zip)),
            ["archive", "7z"] => Some(Note::Archive(ArchiveKind::SevenZip)),
            _ => None,
        }
    }
}

/// The byte order and game code of a stream from its first bytes, when it is an N64 image.
fn identify(prefix: &[u8]) -> (Option<ByteOrder>, Option<[u8; 4]>) {
    let Ok((order, _)) = detect_order(prefix) else { return (None, None) };
    let code = Header::read(prefix, order)
        .ok()
        .map(|h| h.game_code())
        .filter(n64_core::GameCode::is_alphanumeric)
        .map(|c| c.raw());
    (Some(order), code)
}

/// The name a file or member is cached under, beside its identity: the file's canonical path
/// (and the member's name). Device and inode alone are not enough: on FAT (flashcart SD cards)
/// inode numbers are handed out afresh at each mount, and files unpacked from one TorrentZip
/// share one modification time, so another file of the same size could take an old identity.
fn cache_name(path: &Path, member: Option<&str>) -> String {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match member {
        None => canonical.to_string_lossy().into_owned(),
        Some(name) => format!("{}\0{name}", canonical.to_string_lossy()),
    }
}

fn changed(path: &Path, change: Change) -> n64_io::Error {
    n64_io::Error::new(path, ErrorKind::Changed(change))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_read_back() {
        let notes = [
            Note::Stream { order: Some(ByteOrder::V64), game_code: Some(*b"NSME") },
            Note::Stream { order: None, game_code: None },
            Note::Stream { order: Some(ByteOrder::N64), game_code: None },
            Note::Archive(ArchiveKind::Zip),
            Note::Archive(ArchiveKind::SevenZip),
        ];
        for note in notes {
            assert_eq!(Note::parse(&note.to_text()), Some(note), "{}", note.to_text());
        }
        for junk in ["", "stream", "stream z64", "stream x64 NSME", "stream z64 NSMEX", "archive rar", "archive"] {
            assert_eq!(Note::parse(junk), None, "{junk:?}");
        }
    }
}
