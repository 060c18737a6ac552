//! What every format shares: how to tell them apart, the options and result of applying one,
//! and one error type over all of them.

use crate::{aps, bps, ips, ups, vcdiff};

/// A patch format, as recognised by its magic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// IPS (`PATCH` ... `EOF`), 24-bit offsets.
    Ips,
    /// IPS32 (`IPS32` ... `EEOF`), 32-bit offsets.
    Ips32,
    /// UPS (`UPS1`).
    Ups,
    /// BPS (`BPS1`).
    Bps,
    /// APS for the N64 (`APS10`).
    Aps,
    /// VCDIFF (RFC 3284), as xdelta3 writes it.
    Vcdiff,
}

impl Format {
    /// Every format, in the order [`Format::detect`] tries them.
    pub const ALL: [Format; 6] = [Format::Ips32, Format::Ips, Format::Ups, Format::Bps, Format::Aps, Format::Vcdiff];

    /// The format whose magic `patch` starts with, if any.
    ///
    /// ```
    /// use n64_patch::Format;
    /// assert_eq!(Format::detect(b"PATCHEOF"), Some(Format::Ips));
    /// assert_eq!(Format::detect(b"IPS32EEOF"), Some(Format::Ips32));
    /// assert_eq!(Format::detect(&[0xD6, 0xC3, 0xC4, 0x00]), Some(Format::Vcdiff));
    /// assert_eq!(Format::detect(b"\x80\x37\x12\x40"), None);
    /// ```
    #[must_use]
    pub fn detect(patch: &[u8]) -> Option<Format> {
        Format::ALL.into_iter().find(|format| patch.starts_with(format.magic()))
    }

    /// The bytes a patch of this format starts with.
    #[must_use]
    pub const fn magic(self) -> &'static [u8] {
        match self {
            Format::Ips => b"PATCH",
            Format::Ips32 => b"IPS32",
            Format::Ups => b"UPS1",
            Format::Bps => b"BPS1",
            Format::Aps => b"APS10",
            // "VCD" with the high bits set, then version 0.
            Format::Vcdiff => &[0xD6, 0xC3, 0xC4, 0x00],
        }
    }

    /// The name shown to users, lower case: `ips`, `ips32`, `ups`, `bps`, `aps`, `vcdiff`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Format::Ips => "ips",
            Format::Ips32 => "ips32",
            Format::Ups => "ups",
            Format::Bps => "bps",
            Format::Aps => "aps",
            Format::Vcdiff => "vcdiff",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How to apply a patch (every format takes the same options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Refuse a source that is not the one the patch was made for, where the format says which
    /// that is (the default): BPS by size and CRC32; UPS by size and CRC32 of its input, or of
    /// its output, which is then patched back into the input; APS (N64 type) by cart ID and
    /// check code. Without it any source is patched forwards, as long as every read stays
    /// inside it; a target checksum the format carries still decides. IPS and VCDIFF carry no
    /// source check and ignore it.
    pub verify_source: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { verify_source: true }
    }
}

/// Something worth saying that does not stop a patch from applying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// APS: the source's country code (ROM 0x3E) is not the patch's.
    CountryMismatch {
        /// The patch's country code.
        expected: u8,
        /// The source's.
        found: u8,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::CountryMismatch { expected, found } => {
                write!(f, "country code at source offset 0x3e is {found:#04x}, the patch was made for {expected:#04x}")
            }
        }
    }
}

/// A patch applied: the output and any warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The patched bytes, in the byte order the patch applies in.
    pub output: Vec<u8>,
    /// What did not match but did not stop the patch (an APS patch for another country).
    pub warnings: Vec<Warning>,
}

/// Why a patch could not be read or applied, whatever its format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The patch starts with none of the magics of [`Format::ALL`].
    #[error("not a patch: it starts with none of the ips, ips32, ups, bps, aps (n64) or vcdiff magics")]
    UnknownFormat,
    /// An IPS or IPS32 patch.
    #[error(transparent)]
    Ips(#[from] ips::Error),
    /// A UPS patch.
    #[error(transparent)]
    Ups(#[from] ups::Error),
    /// A BPS patch.
    #[error(transparent)]
    Bps(#[from] bps::Error),
    /// An APS patch.
    #[error(transparent)]
    Aps(#[from] aps::Error),
    /// A VCDIFF patch.
    #[error(transparent)]
    Vcdiff(#[from] vcdiff::Error),
}

impl Error {
    /// Whether the error says the source is not the one the patch was made for (as opposed to
    /// a malformed patch): a BPS or UPS source of another size or CRC32, an APS source with
    /// another cart ID or check code.
    #[must_use]
    pub fn is_wrong_source(&self) -> bool {
        matches!(
            self,
            Error::Bps(bps::Error::SourceSize { .. } | bps::Error::SourceCrc { .. })
                | Error::Ups(ups::Error::WrongSource { .. })
                | Error::Aps(
                    aps::Error::CartIdMismatch { .. }
                        | aps::Error::CheckCodeMismatch { .. }
                        | aps::Error::SourceTooShort { .. }
                )
        )
    }
}

/// Applies `patch`, of `format`, to `source`.
///
/// ```
/// use n64_patch::{Format, Options, apply};
/// let patch = n64_patch::ips::create(b"abcd", b"abXd")?;
/// let applied = apply(Format::Ips, b"abcd", &patch, &Options::default()).unwrap();
/// assert_eq!(applied.output, b"abXd");
/// assert!(apply(Format::Bps, b"abcd", &patch, &Options::default()).is_err());
/// # Ok::<(), n64_patch::ips::Error>(())
/// ```
///
/// # Errors
/// Those of the format's module, and [`Error::UnknownFormat`] when `patch` does not start with
/// the format's magic.
pub fn apply(format: Format, source: &[u8], patch: &[u8], options: &Options) -> Result<Applied, Error> {
    if !patch.starts_with(format.magic()) {
        return Err(Error::UnknownFormat);
    }
    let plain = |output| Applied { output, warnings: Vec::new() };
    Ok(match format {
        Format::Ips | Format::Ips32 => plain(ips::apply(source, patch)?),
        Format::Ups => plain(ups::apply_with(source, patch, options)?),
        Format::Bps => plain(bps::apply_with(source, patch, options)?),
        Format::Aps => aps::apply_with(source, patch, options)?,
        Format::Vcdiff => plain(vcdiff::apply(source, patch)?),
    })
}
