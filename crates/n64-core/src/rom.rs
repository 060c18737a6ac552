//! Putting it together: recognise a ROM image's byte order, header and boot code from its first
//! bytes ([`identify`]), and where its check code stands ([`inspect`]).

use crate::check_code::{self, Computed};
use crate::{
    BOOT_CODE_LEN, BOOT_CODE_OFFSET, BootCode, BootCodeFamily, ByteOrder, CheckCode, CicKind, DetectedBy, Error,
    Header, Result, Structure, convert,
};

/// How the byte order was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrderSource {
    /// The first word is a known magic in this order.
    Magic,
    /// Inferred: the boot code is recognised only in this order. `magic` is the order the first
    /// word claimed, if it was a known magic at all (a disagreement worth reporting).
    BootCode {
        /// The order the first word's magic pointed to, if any.
        magic: Option<ByteOrder>,
    },
    /// Given by the caller.
    Given,
}

impl OrderSource {
    /// `"magic"`, `"boot_code"` or `"given"`.
    pub const fn name(self) -> &'static str {
        match self {
            OrderSource::Magic => "magic",
            OrderSource::BootCode { .. } => "boot_code",
            OrderSource::Given => "given",
        }
    }

    /// Whether the order was inferred from content rather than read from the first word.
    pub const fn is_inferred(self) -> bool {
        matches!(self, OrderSource::BootCode { .. })
    }
}

/// Options for [`identify`] and [`inspect`]: what to take as given instead of detecting it.
///
/// ```
/// use n64_core::{ByteOrder, CicKind, InspectOptions};
/// let options = InspectOptions::default().with_cic(Some(CicKind::Cic6102)).with_order(Some(ByteOrder::V64));
/// assert_eq!(options.cic, Some(CicKind::Cic6102));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InspectOptions {
    /// Use this byte order instead of detecting it.
    pub order: Option<ByteOrder>,
    /// Use this CIC kind for the check code instead of the one the boot code is made for.
    pub cic: Option<CicKind>,
}

impl InspectOptions {
    /// These options with the byte order given (or detected, for `None`).
    #[must_use]
    pub const fn with_order(mut self, order: Option<ByteOrder>) -> Self {
        self.order = order;
        self
    }

    /// These options with the CIC kind given (or detected, for `None`).
    #[must_use]
    pub const fn with_cic(mut self, cic: Option<CicKind>) -> Self {
        self.cic = cic;
        self
    }
}

/// What [`identify`] found: byte order, header and boot code. No check code is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Identified {
    /// The byte order the image is stored in.
    pub order: ByteOrder,
    /// How [`Identified::order`] was decided.
    pub order_source: OrderSource,
    /// The total size of the image in bytes.
    pub size: u64,
    /// Bytes after the last whole unit of the byte order (0 to 3; always 0 for z64): a stored
    /// image should have none, but some tools leave a partial word at the end.
    pub trailing_bytes: usize,
    /// The header, in big-endian order.
    pub header: Header,
    /// What the boot code is (always identified, also when a CIC is given).
    pub boot_code: BootCode,
}

/// Where a ROM's check code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckStatus {
    /// The stored check code matches.
    Valid(Computed),
    /// The stored check code differs from the computed one.
    Invalid(Computed),
    /// The boot code verifies no check code (libdragon's); what a Nintendo boot code for the CIC
    /// would expect is given for information.
    NotRequired(Computed),
    /// The CIC is not known, so there is nothing to compare with.
    UnknownCic,
    /// The CIC keeps its check code outside the header (64DD).
    NotApplicable,
}

impl CheckStatus {
    /// The computed check code, when there is one.
    pub fn computed(&self) -> Option<Computed> {
        match *self {
            CheckStatus::Valid(c) | CheckStatus::Invalid(c) | CheckStatus::NotRequired(c) => Some(c),
            CheckStatus::UnknownCic | CheckStatus::NotApplicable => None,
        }
    }

    /// `Some(true)` when valid, `Some(false)` when invalid, `None` when not applicable.
    pub fn is_valid(&self) -> Option<bool> {
        match self {
            CheckStatus::Valid(_) => Some(true),
            CheckStatus::Invalid(_) => Some(false),
            _ => None,
        }
    }

    /// A stable word for the status: `valid`, `invalid`, `not_required`, `unknown_cic` or
    /// `not_applicable`.
    pub const fn name(&self) -> &'static str {
        match self {
            CheckStatus::Valid(_) => "valid",
            CheckStatus::Invalid(_) => "invalid",
            CheckStatus::NotRequired(_) => "not_required",
            CheckStatus::UnknownCic => "unknown_cic",
            CheckStatus::NotApplicable => "not_applicable",
        }
    }
}

/// Everything [`inspect`] found out about a ROM image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RomInfo {
    /// The byte order the image is stored in.
    pub order: ByteOrder,
    /// How [`RomInfo::order`] was decided.
    pub order_source: OrderSource,
    /// The total size of the image in bytes.
    pub size: u64,
    /// Bytes after the last whole unit of the byte order; see [`Identified::trailing_bytes`].
    /// The check code is computed over the whole units only.
    pub trailing_bytes: usize,
    /// The header, in big-endian order.
    pub header: Header,
    /// What the boot code is.
    pub boot_code: BootCode,
    /// The CIC used for the check code (given, or detected from the boot code).
    pub cic: Option<CicKind>,
    /// How [`RomInfo::cic`] was found.
    pub cic_source: Option<DetectedBy>,
    /// The check code status.
    pub check: CheckStatus,
}

impl RomInfo {
    /// The entry point the boot code really jumps to, when the CIC is known.
    pub fn entry_point(&self) -> Option<u32> {
        self.cic.map(|kind| kind.entry_point(self.header.boot_address()))
    }

    /// The boot code family, when known.
    pub fn family(&self) -> Option<BootCodeFamily> {
        self.boot_code.family
    }

    /// When a CIC was given that is not the one the boot code is recognised as: `(given,
    /// detected)`. The check code computed for the given kind is then one the console would
    /// reject.
    ///
    /// ```
    /// use n64_core::{inspect, CicKind, InspectOptions};
    /// let mut rom = vec![0u8; 0x1000];
    /// rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
    /// let options = InspectOptions::default().with_cic(Some(CicKind::Cic6105));
    /// // Unknown boot code: nothing to contradict.
    /// assert_eq!(inspect(&rom, 0x1000, options)?.cic_contradiction(), None);
    /// # Ok::<(), n64_core::Error>(())
    /// ```
    pub fn cic_contradiction(&self) -> Option<(CicKind, CicKind)> {
        match (self.cic_source, self.cic, self.boot_code.cic) {
            (Some(DetectedBy::Given), Some(given), Some(detected)) if given != detected => Some((given, detected)),
            _ => None,
        }
    }
}

/// Reads the big-endian boot code from a ROM stored in `order`, if the ROM is long enough.
fn boot_code_be(rom: &[u8], order: ByteOrder) -> Option<[u8; BOOT_CODE_LEN]> {
    let stored = rom.get(BOOT_CODE_OFFSET..BOOT_CODE_OFFSET + BOOT_CODE_LEN)?;
    let mut boot: [u8; BOOT_CODE_LEN] = stored.try_into().ok()?;
    convert(&mut boot, order, ByteOrder::Z64).ok()?;
    Some(boot)
}

/// Decides the byte order of a ROM image from its first bytes.
///
/// The first word decides when it is a known magic and the boot code is recognised in that
/// order (or is unrecognised in every order). Otherwise the order under which the boot code is
/// recognised wins, and the result says it was inferred. With neither, the input is not
/// recognisably an N64 ROM.
///
/// ```
/// use n64_core::{detect_order, ByteOrder, OrderSource};
/// let mut rom = vec![0u8; 0x1000];
/// rom[..4].copy_from_slice(&[0x40, 0x12, 0x37, 0x80]);
/// assert_eq!(detect_order(&rom)?, (ByteOrder::N64, OrderSource::Magic));
/// assert!(detect_order(b"hello, world").is_err());
/// # Ok::<(), n64_core::Error>(())
/// ```
pub fn detect_order(rom: &[u8]) -> Result<(ByteOrder, OrderSource)> {
    detect(rom).map(|(order, source, _)| (order, source))
}

/// [`detect_order`], also returning the boot code identified in the chosen order when that
/// took an identification, so that it is not identified twice.
fn detect(rom: &[u8]) -> Result<(ByteOrder, OrderSource, Option<BootCode>)> {
    let first: [u8; 4] = rom.get(..4).and_then(|bytes| bytes.try_into().ok()).ok_or(Error::TooShort {
        what: Structure::FirstWord,
        expected: 4,
        found: rom.len(),
    })?;
    let magic = ByteOrder::from_magic(first);
    let identify = |order: ByteOrder| boot_code_be(rom, order).map(|b| BootCode::identify(&b));

    let mut magic_boot_code = None;
    if let Some(order) = magic {
        magic_boot_code = identify(order);
        if magic_boot_code.is_none_or(|b| b.is_recognised()) {
            return Ok((order, OrderSource::Magic, magic_boot_code));
        }
    }
    for order in ByteOrder::ALL.into_iter().filter(|&o| Some(o) != magic) {
        if let Some(boot_code) = identify(order).filter(BootCode::is_recognised) {
            return Ok((order, OrderSource::BootCode { magic }, Some(boot_code)));
        }
    }
    match magic {
        Some(order) => Ok((order, OrderSource::Magic, magic_boot_code)),
        None => Err(Error::UnknownByteOrder { found: u32::from_be_bytes(first) }),
    }
}

/// How many bytes of a ROM [`inspect`] needs to compute the check code for `kind`: 0x101000,
/// or 0x3FF000 for the 5101 boot code's long mode.
pub fn required_len(kind: CicKind, header: &Header) -> usize {
    check_code::DATA_OFFSET + check_code::data_len(kind, header.boot_address())
}

/// Identifies a ROM image: byte order, header and boot code, from its first 0x1000 bytes. No
/// check code is computed (see [`inspect`]).
///
/// `rom` holds the first bytes of the image as stored (at least 0x1000 of them: a shorter
/// image has no complete boot code and is an error); `size` is the full image size.
///
/// ```
/// use n64_core::{identify, ByteOrder, InspectOptions};
/// let mut rom = vec![0u8; 0x1000];
/// rom[..4].copy_from_slice(&[0x40, 0x12, 0x37, 0x80]);
/// let found = identify(&rom, 0x8002, InspectOptions::default())?;
/// assert_eq!((found.order, found.trailing_bytes), (ByteOrder::N64, 2));
/// assert!(identify(&rom[..0x800], 0x800, InspectOptions::default()).is_err());
/// # Ok::<(), n64_core::Error>(())
/// ```
pub fn identify(rom: &[u8], size: u64, options: InspectOptions) -> Result<Identified> {
    let (order, order_source, detected_boot_code) = match options.order {
        Some(order) => (order, OrderSource::Given, None),
        None => detect(rom)?,
    };
    let header = Header::read(rom, order)?;
    let boot = boot_code_be(rom, order).ok_or(Error::TooShort {
        what: Structure::BootCode,
        expected: BOOT_CODE_OFFSET + BOOT_CODE_LEN,
        found: rom.len(),
    })?;
    let boot_code = detected_boot_code.unwrap_or_else(|| BootCode::identify(&boot));
    let unit = order.unit() as u64;
    let trailing_bytes = usize::try_from(size % unit).unwrap_or(0);
    Ok(Identified { order, order_source, size, trailing_bytes, header, boot_code })
}

/// Inspects a ROM image: byte order, header, boot code, CIC and check code status.
///
/// `rom` holds the first bytes of the image as stored: the whole image, or at least
/// `min(size, 0x101000)` bytes of it (`0x3FF000` for a 5101 ROM in long mode, see
/// [`required_len`]). `size` is the full image size. An image shorter than 0x1000 bytes (no
/// complete boot code) is an error; bytes after the last whole unit of the byte order are
/// counted in [`RomInfo::trailing_bytes`] and left out of the check code.
///
/// With a CIC given, the check code is computed for it; the boot code is still identified, and
/// [`RomInfo::cic_contradiction`] says when the two disagree.
///
/// ```
/// use n64_core::{inspect, ByteOrder, CheckStatus, InspectOptions, CicKind};
/// let mut rom = vec![0u8; 0x10_1000];
/// rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
/// // Unknown boot code: the CIC must be given to compute a check code.
/// let info = inspect(&rom, rom.len() as u64, InspectOptions::default())?;
/// assert_eq!(info.cic, None);
/// assert_eq!(info.check, CheckStatus::UnknownCic);
/// let given = InspectOptions::default().with_cic(Some(CicKind::Cic6102));
/// let info = inspect(&rom, rom.len() as u64, given)?;
/// assert_eq!(info.check.is_valid(), Some(false));
/// assert_eq!(info.check.computed().unwrap().code.to_string(), "F8CA4DDC303A4DDC");
/// # Ok::<(), n64_core::Error>(())
/// ```
pub fn inspect(rom: &[u8], size: u64, options: InspectOptions) -> Result<RomInfo> {
    let found = identify(rom, size, options)?;
    let Identified { order, order_source, size, trailing_bytes, header, boot_code } = found;
    let (cic, cic_source) = match options.cic {
        Some(kind) => (Some(kind), Some(DetectedBy::Given)),
        None => (boot_code.cic, boot_code.detected_by),
    };
    let check = match cic {
        None => CheckStatus::UnknownCic,
        Some(kind) if kind.is_64dd() => CheckStatus::NotApplicable,
        Some(kind) => {
            let computed = compute_for(rom, order, kind, &header)?;
            if boot_code.family.is_some_and(|f| !f.verifies_check_code()) {
                CheckStatus::NotRequired(computed)
            } else if computed.code == header.check_code() {
                CheckStatus::Valid(computed)
            } else {
                CheckStatus::Invalid(computed)
            }
        }
    };
    Ok(RomInfo { order, order_source, size, trailing_bytes, header, boot_code, cic, cic_source, check })
}

/// The check code of the whole units of `rom` (a prefix as stored) for `kind`.
pub(crate) fn compute_for(rom: &[u8], order: ByteOrder, kind: CicKind, header: &Header) -> Result<Computed> {
    let available = rom.len().min(required_len(kind, header));
    let whole = available - available % order.unit();
    check_code::compute(&rom[..whole], order, kind)
}

/// Writes `code` into the header of a ROM stored in `order`, changing only bytes 0x10..0x18.
///
/// ```
/// use n64_core::{write_check_code, ByteOrder, CheckCode};
/// let mut rom = vec![0u8; 0x40];
/// write_check_code(&mut rom, ByteOrder::V64, CheckCode { crc1: 0x1122_3344, crc2: 0x5566_7788 })?;
/// assert_eq!(&rom[0x10..0x18], &[0x22, 0x11, 0x44, 0x33, 0x66, 0x55, 0x88, 0x77]);
/// # Ok::<(), n64_core::Error>(())
/// ```
pub fn write_check_code(rom: &mut [u8], order: ByteOrder, code: CheckCode) -> Result<()> {
    let found = rom.len();
    let field = rom.get_mut(0x10..0x18).ok_or(Error::TooShort { what: Structure::Header, expected: 0x18, found })?;
    field[..4].copy_from_slice(&order.write_word(code.crc1));
    field[4..].copy_from_slice(&order.write_word(code.crc2));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 0x2002-byte n64 image: the trailing 2 bytes are counted and left out of the check code.
    #[test]
    fn trailing_bytes_are_counted_not_refused() {
        let mut rom = vec![0u8; 0x2002];
        rom[..4].copy_from_slice(&[0x40, 0x12, 0x37, 0x80]);
        rom[0x2000..].copy_from_slice(&[0xAB, 0xCD]);
        let options = InspectOptions::default().with_cic(Some(CicKind::Cic6102));
        let info = inspect(&rom, 0x2002, options).unwrap();
        assert_eq!((info.order, info.trailing_bytes), (ByteOrder::N64, 2));
        let without_tail = inspect(&rom[..0x2000], 0x2000, options).unwrap();
        assert_eq!(info.check, without_tail.check);
        assert_eq!(without_tail.trailing_bytes, 0);
    }
}
