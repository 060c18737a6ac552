//! zip archives, through the `zip` crate: the central directory for the listing, each member's
//! local header and data for the walk.

use std::io::{self, Read, Seek};

use zip::ZipArchive;
use zip::result::ZipError;

use crate::checked::{CheckedReader, conclude};
use crate::guard::{guarded, lower_first};
use crate::{ArchiveError, ArchiveKind, MemberInfo, Visitor};

const KIND: ArchiveKind = ArchiveKind::Zip;

/// A member as the central directory describes it, with the reason it cannot be read, if any.
struct Member {
    info: MemberInfo,
    unsupported: Option<String>,
}

/// The central directory's entries.
pub(crate) fn list<R: Read + Seek>(input: R) -> Result<Vec<MemberInfo>, ArchiveError> {
    let archive = open(input)?;
    Ok(members(&archive)?.into_iter().map(|member| member.info).collect())
}

/// Visits every member in central directory order.
pub(crate) fn walk<R: Read + Seek>(input: R, visit: Visitor<'_>) -> Result<(), ArchiveError> {
    let mut archive = open(input)?;
    for Member { info, unsupported } in members(&archive)? {
        if let Some(what) = unsupported {
            return Err(ArchiveError::Unsupported { name: info.name, what });
        }
        let (archive, index) = (&mut archive, info.index);
        let mut file = guarded(KIND, move || archive.by_index(index))?.map_err(|e| local_error(&info, e))?;
        let mut reader = CheckedReader::new(&mut file, KIND, &info);
        let visited = visit(&info, &mut reader);
        let failure = reader.into_failure();
        // Dropping the member's reader runs the decompressor's clean-up: crate code too.
        guarded(KIND, move || drop(file))?;
        conclude(KIND, &info, visited, failure)?;
    }
    Ok(())
}

/// Reads the central directory. Duplicate names are refused: the zip crate keeps one member per
/// name, so a second member of the same name could not be reached (and would go unchecked).
fn open<R: Read + Seek>(input: R) -> Result<ZipArchive<R>, ArchiveError> {
    let archive = guarded(KIND, || ZipArchive::new(input))?.map_err(directory_error)?;
    if archive.has_duplicate_names() {
        return Err(ArchiveError::corrupt("two members of the central directory have the same name"));
    }
    Ok(archive)
}

fn members<R: Read + Seek>(archive: &ZipArchive<R>) -> Result<Vec<Member>, ArchiveError> {
    guarded(KIND, || (0..archive.len()).map(|index| member(archive, index)).collect())?
}

fn member<R: Read + Seek>(archive: &ZipArchive<R>, index: usize) -> Result<Member, ArchiveError> {
    let entry = archive.by_index_data(index).map_err(directory_error)?;
    let name = match entry.name() {
        Ok(name) => name.into_owned(),
        Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
    };
    let method = entry.compression();
    let unsupported = if entry.encrypted() {
        Some("encryption".to_owned())
    } else if !zip::SUPPORTED_COMPRESSION_METHODS.contains(&method) {
        Some(format!("compression method {method}"))
    } else {
        None
    };
    let info = MemberInfo { index, name, size: entry.size(), crc32: Some(entry.crc32()), is_dir: entry.is_dir() };
    Ok(Member { info, unsupported })
}

/// An error reading the central directory.
fn directory_error(error: ZipError) -> ArchiveError {
    match error {
        ZipError::Io(error) if error.raw_os_error().is_some() => ArchiveError::Io(error),
        ZipError::Io(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
            ArchiveError::corrupt("the central directory runs past the end of the file")
        }
        ZipError::UnsupportedArchive(what) => {
            ArchiveError::Unsupported { name: String::new(), what: lower_first(what) }
        }
        other => ArchiveError::corrupt(lower_first(&other.to_string())),
    }
}

/// An error opening one member (its local header, its decompressor).
fn local_error(info: &MemberInfo, error: ZipError) -> ArchiveError {
    match error {
        ZipError::Io(error) if error.raw_os_error().is_some() => ArchiveError::Io(error),
        ZipError::UnsupportedArchive(what) => {
            ArchiveError::Unsupported { name: info.name.clone(), what: lower_first(what) }
        }
        ZipError::CompressionMethodNotSupported(method) => {
            ArchiveError::Unsupported { name: info.name.clone(), what: format!("compression method {method}") }
        }
        other => ArchiveError::corrupt(format!("member {:?}: {}", info.name, lower_first(&other.to_string()))),
    }
}
