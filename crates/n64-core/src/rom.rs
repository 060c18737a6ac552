//! Putting it together: recognise a ROM image's byte order, header, boot code and check code
//! status from its first bytes, and decide what a fix would write.

use crate::check_code::{self, Computed};
use crate::{
    BOOT_CODE_LEN, BOOT_CODE_OFFSET, BootCode, BootCodeFamily, ByteOrder, CheckCode, CicKind, DetectedBy, Error,
    Header, Result, convert,
};

/// How the byte order was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Options for [`inspect`].
#[derive(Debug, Clone, Copy, Default)]
pub struct InspectOptions {
    /// Use this byte order instead of detecting it.
    pub order: Option<ByteOrder>,
    /// Use this CIC kind instead of detecting it.
    pub cic: Option<CicKind>,
}

/// Where a ROM's check code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

/// Everything [`inspect`] found out about a ROM image.
#[derive(Debug, Clone)]
pub struct RomInfo {
    /// The byte order the image is stored in.
    pub order: ByteOrder,
    /// How [`RomInfo::order`] was decided.
    pub order_source: OrderSource,
    /// The total size of the image in bytes.
    pub size: u64,
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

    /// Decides what fixing the check code would do.
    ///
    /// `Ok(None)` means the stored code is already right; `Ok(Some(code))` is what to write.
    /// Errors when the CIC is unknown, when the header has no check code (64DD), and, unless
    /// `force`, when the boot code verifies no check code (libdragon: its compat build even reads
    /// 0x10 as a load size, so a "fix" would change how it boots).
    pub fn fix_plan(&self, force: bool) -> Result<Option<CheckCode>> {
        match self.check {
            CheckStatus::Valid(_) => Ok(None),
            CheckStatus::Invalid(c) => Ok(Some(c.code)),
            CheckStatus::NotRequired(c) if force => Ok((c.code != self.header.check_code()).then_some(c.code)),
            CheckStatus::NotRequired(_) => Err(Error::CheckCodeNotApplicable {
                reason: format!(
                    "{} verifies no check code (force to write one anyway)",
                    self.family().map_or_else(|| "this boot code".to_owned(), |f| f.to_string())
                ),
            }),
            CheckStatus::UnknownCic => Err(Error::UnknownCic { crc32: self.boot_code.crc32 }),
            CheckStatus::NotApplicable => Err(Error::CheckCodeNotApplicable {
                reason: format!(
                    "CIC {} (64DD) keeps its check code inside the boot code",
                    self.cic.map_or("?", CicKind::name)
                ),
            }),
        }
    }
}

/// Reads the big-endian boot code from a ROM stored in `order`, if the ROM is long enough.
fn boot_code_be(rom: &[u8], order: ByteOrder) -> Option<[u8; BOOT_CODE_LEN]> {
    let stored = rom.get(BOOT_CODE_OFFSET..BOOT_CODE_OFFSET + BOOT_CODE_LEN)?;
    let mut boot: [u8; BOOT_CODE_LEN] = stored.try_into().expect("slice is BOOT_CODE_LEN bytes");
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
/// took an identification, so that [`inspect`] does not run the IPL2 checksums twice.
fn detect(rom: &[u8]) -> Result<(ByteOrder, OrderSource, Option<BootCode>)> {
    let first: [u8; 4] = rom
        .get(..4)
        .ok_or(Error::TooShort { what: "first word", expected: 4, found: rom.len() })?
        .try_into()
        .expect("4 bytes");
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

/// Inspects a ROM image: byte order, header, boot code, CIC and check code status.
///
/// An image shorter than 0x1000 bytes (no complete boot code) is an error.
///
/// `rom` holds the first bytes of the image as stored: the whole image, or at least
/// `min(size, 0x101000)` bytes of it (`0x3FF000` for a 5101 ROM in long mode, see
/// [`required_len`]). `size` is the full image size, used for the word-size check.
///
/// ```
/// use n64_core::{inspect, ByteOrder, CheckStatus, InspectOptions, CicKind};
/// let mut rom = vec![0u8; 0x10_1000];
/// rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
/// // Unknown boot code: the CIC must be given to compute a check code.
/// let info = inspect(&rom, rom.len() as u64, InspectOptions::default())?;
/// assert_eq!(info.cic, None);
/// assert_eq!(info.check, CheckStatus::UnknownCic);
/// let info = inspect(&rom, rom.len() as u64, InspectOptions { cic: Some(CicKind::Cic6102), ..Default::default() })?;
/// assert_eq!(info.check.is_valid(), Some(false));
/// assert_eq!(info.check.computed().unwrap().code.to_string(), "F8CA4DDC303A4DDC");
/// # Ok::<(), n64_core::Error>(())
/// ```
pub fn inspect(rom: &[u8], size: u64, options: InspectOptions) -> Result<RomInfo> {
    let (order, order_source, detected_boot_code) = match options.order {
        Some(order) => (order, OrderSource::Given, None),
        None => detect(rom)?,
    };
    let size_usize = usize::try_from(size).unwrap_or(usize::MAX);
    if size_usize % order.unit() != 0 {
        return Err(Error::UnalignedLength { order, unit: order.unit(), len: size_usize });
    }
    let header = Header::read(rom, order)?;
    let boot = boot_code_be(rom, order).ok_or(Error::TooShort {
        what: "boot code (0x40..0x1000)",
        expected: BOOT_CODE_OFFSET + BOOT_CODE_LEN,
        found: rom.len(),
    })?;
    let boot_code = match (options.cic, detected_boot_code) {
        (Some(_), _) => BootCode::name_only(&boot),
        (None, Some(known)) => known,
        (None, None) => BootCode::identify(&boot),
    };
    let (cic, cic_source) = match options.cic {
        Some(kind) => (Some(kind), Some(DetectedBy::Given)),
        None => (boot_code.cic, boot_code.detected_by),
    };
    let check = match cic {
        None => CheckStatus::UnknownCic,
        Some(kind) if kind.is_64dd() => CheckStatus::NotApplicable,
        Some(kind) => {
            let available = rom.len().min(required_len(kind, &header));
            let computed = check_code::compute(&rom[..available - available % order.unit()], order, kind)?;
            if boot_code.family.is_some_and(|f| !f.verifies_check_code()) {
                CheckStatus::NotRequired(computed)
            } else if computed.code == header.check_code() {
                CheckStatus::Valid(computed)
            } else {
                CheckStatus::Invalid(computed)
            }
        }
    };
    Ok(RomInfo { order, order_source, size, header, boot_code, cic, cic_source, check })
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
    let field = rom.get_mut(0x10..0x18).ok_or(Error::TooShort { what: "header", expected: 0x18, found })?;
    field[..4].copy_from_slice(&order.write_word(code.crc1));
    field[4..].copy_from_slice(&order.write_word(code.crc2));
    Ok(())
}
