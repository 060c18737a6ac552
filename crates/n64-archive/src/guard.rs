//! Panics inside the format crates become errors.
//!
//! zip and sevenz-rust2 are hardened against malformed input, but a parser for two complex
//! formats may still panic on input nobody tried. Every call into them goes through
//! [`guarded`], which catches the unwind and reports it as [`ArchiveError::Corrupt`]. The
//! process's panic hook still runs first, so the default hook prints its "thread panicked" line
//! on stderr: that is deliberate (a hook is process-wide, and silencing it from a library would
//! hide other threads' panics); a binary that wants a quiet stderr installs its own hook.
//! A panic raised by the caller's visitor is never caught here: it unwinds to the caller.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use crate::{ArchiveError, ArchiveKind};

/// Runs `f`, turning a panic into `Corrupt { detail: "the <kind> reader failed: <message>" }`.
pub(crate) fn guarded<T>(kind: ArchiveKind, f: impl FnOnce() -> T) -> Result<T, ArchiveError> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| reader_failed(kind, &panic_message(&*payload)))
}

/// The error for a panic inside the `kind` reader.
pub(crate) fn reader_failed(kind: ArchiveKind, message: &str) -> ArchiveError {
    ArchiveError::corrupt(format!("the {kind} reader failed: {message}"))
}

/// The text of a panic payload (`panic!` with a literal or a format string), or a placeholder.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// `text` with its first letter in lower case, as this crate's messages are (the format crates
/// start theirs with a capital).
pub(crate) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        // Keep acronyms such as "EOCD" or "CRC" as they are.
        Some(first) if !chars.next().is_some_and(char::is_uppercase) => {
            first.to_lowercase().chain(text[first.len_utf8()..].chars()).collect()
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{guarded, lower_first};
    use crate::{ArchiveError, ArchiveKind};

    #[test]
    fn a_panic_becomes_corrupt() {
        let err = guarded(ArchiveKind::Zip, || -> u8 { panic!("index out of bounds: {}", 3) }).unwrap_err();
        match err {
            ArchiveError::Corrupt { detail } => assert_eq!(detail, "the zip reader failed: index out of bounds: 3"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(guarded(ArchiveKind::SevenZip, || 7).unwrap(), 7);
    }

    #[test]
    fn lowers_words_but_not_acronyms() {
        assert_eq!(lower_first("Could not find EOCD"), "could not find EOCD");
        assert_eq!(lower_first("CRC mismatch"), "CRC mismatch");
        assert_eq!(lower_first(""), "");
    }
}
