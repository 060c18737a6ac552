//! Finishing a ROM: header fields, padding, and last the check code for the CIC its boot code
//! is made for (or a chosen one). What a build pipeline runs as its last step, and what
//! `n64-fix header` and `n64-fix crc` do to a file.
//!
//! [`finalize`] works on the first bytes of an image (what [`crate::inspect`] needs) and returns
//! a [`Finalized`] plan: the header to write and the size to pad to. [`Finalized::apply`] applies
//! it to a whole image in memory; a caller streaming a large file writes the header over the
//! first 64 bytes and appends the padding itself. Header fields lie outside the range the check
//! code covers, and zero padding is what the check code of a short ROM already assumes, so the
//! plan's check code stays right for the finished image.

use crate::rom::compute_for;
use crate::{
    BootCodeFamily, ByteOrder, CheckCode, CicKind, Controller, Destination, Error, GameCode, Header, Identified,
    InspectOptions, Result, SaveType, check_code, identify, required_len,
};

/// Header fields to change; `None` leaves a field as it is.
///
/// Any of the save type, controllers, RTC and region-free fields writes an Advanced Homebrew
/// header (starting from the one the ROM has, if any), which puts `"ED"` in the middle of the
/// game code: a game code given with it must keep `"ED"` there.
///
/// ```
/// use n64_core::{Header, HeaderEdit, SaveType};
/// let mut edit = HeaderEdit::default();
/// edit.title = Some("MY GAME".to_owned());
/// edit.save_type = Some(SaveType::Eeprom4k);
/// let mut header = Header::from_be_bytes([0; 64]);
/// edit.apply(&mut header)?;
/// assert_eq!(header.title().text(), "MY GAME");
/// assert_eq!(header.homebrew().unwrap().save_type, SaveType::Eeprom4k);
/// # Ok::<(), n64_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeaderEdit {
    /// The title (ASCII or half-width katakana, at most 20 characters).
    pub title: Option<String>,
    /// The game code.
    pub game_code: Option<GameCode>,
    /// Only the destination byte of the game code.
    pub destination: Option<Destination>,
    /// The ROM version (not with an Advanced Homebrew header, which uses that byte).
    pub rom_version: Option<u8>,
    /// Advanced Homebrew header: the save type.
    pub save_type: Option<SaveType>,
    /// Advanced Homebrew header: the controller on ports 1 to 4.
    pub controllers: [Option<Controller>; 4],
    /// Advanced Homebrew header: whether the game uses the real-time clock.
    pub rtc: Option<bool>,
    /// Advanced Homebrew header: whether the game is region-free.
    pub region_free: Option<bool>,
}

impl HeaderEdit {
    /// Whether the edit changes no field.
    pub fn is_empty(&self) -> bool {
        *self == HeaderEdit::default()
    }

    /// Whether the edit writes an Advanced Homebrew header.
    pub fn touches_homebrew(&self) -> bool {
        self.save_type.is_some()
            || self.controllers.iter().any(Option::is_some)
            || self.rtc.is_some()
            || self.region_free.is_some()
    }

    /// Applies the edit to `header`. On an error `header` is left as it was.
    pub fn apply(&self, header: &mut Header) -> Result<()> {
        let mut edited = *header;
        if let Some(title) = &self.title {
            edited.set_title(title)?;
        }
        // The homebrew header first: it writes "ED" into the game code, which a game code given
        // alongside must then keep.
        if self.touches_homebrew() {
            let mut homebrew = edited.homebrew().unwrap_or_default();
            if let Some(save_type) = self.save_type {
                homebrew.save_type = save_type;
            }
            for (slot, given) in homebrew.controllers.iter_mut().zip(self.controllers) {
                if let Some(controller) = given {
                    *slot = controller;
                }
            }
            if let Some(rtc) = self.rtc {
                homebrew.rtc = rtc;
            }
            if let Some(region_free) = self.region_free {
                homebrew.region_free = region_free;
            }
            edited.set_homebrew(&homebrew)?;
        }
        if let Some(code) = self.game_code {
            edited.set_game_code(code)?;
        }
        if let Some(destination) = self.destination {
            edited.set_destination(destination);
        }
        if let Some(version) = self.rom_version {
            edited.set_rom_version(version)?;
        }
        *header = edited;
        Ok(())
    }
}

/// How far to pad an image with zero bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Padding {
    /// Keep the size.
    #[default]
    None,
    /// Up to the end of the range the check code covers (0x101000 bytes), when shorter.
    CheckedRange,
    /// Up to the smallest multiple of 1 MiB that holds the image and the checked range.
    NextMebibyte,
    /// Up to exactly this many bytes (never less than the image).
    To(u64),
}

impl Padding {
    /// The size an image of `size` bytes is padded to.
    ///
    /// ```
    /// use n64_core::Padding;
    /// assert_eq!(Padding::NextMebibyte.target(0x1000), 0x20_0000);
    /// assert_eq!(Padding::CheckedRange.target(0x8000), 0x10_1000);
    /// assert_eq!(Padding::CheckedRange.target(0x20_0000), 0x20_0000);
    /// ```
    pub fn target(self, size: u64) -> u64 {
        const MIB: u64 = 0x10_0000;
        let checked = check_code::CHECK_PREFIX_LEN as u64;
        match self {
            Padding::None => size,
            Padding::CheckedRange => size.max(checked),
            Padding::NextMebibyte => size.max(checked).div_ceil(MIB).saturating_mul(MIB),
            Padding::To(target) => target,
        }
    }
}

/// How to treat the check code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckCodeFix {
    /// Compute it for this CIC instead of the one the boot code is made for.
    pub cic: Option<CicKind>,
    /// Also write one when the boot code verifies none (libdragon's), which is otherwise left
    /// alone: libdragon's compat build reads the field as a load size.
    pub when_not_verified: bool,
    /// Accept a [`CheckCodeFix::cic`] that contradicts the boot code (the console would refuse
    /// the result); otherwise that is [`Error::CicContradicted`].
    pub allow_contradiction: bool,
}

/// What [`finalize`] is asked to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FinalizeOptions {
    /// The image's byte order, when it is not to be detected.
    pub order: Option<ByteOrder>,
    /// Header fields to change.
    pub edit: HeaderEdit,
    /// How far to pad.
    pub padding: Padding,
    /// Whether (and how) to write the check code; `None` leaves it as it is.
    pub check_code: Option<CheckCodeFix>,
}

/// What happened to the check code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckCodeAction {
    /// Not asked for: the field is left as it is.
    Kept,
    /// The stored check code is already right for this CIC.
    AlreadyValid {
        /// The CIC it was computed for.
        cic: CicKind,
    },
    /// A new check code is written.
    Written {
        /// The stored value before.
        old: CheckCode,
        /// The value written.
        new: CheckCode,
        /// The CIC it was computed for.
        cic: CicKind,
    },
    /// Left alone: the boot code verifies no check code.
    NotRequired {
        /// The boot code.
        family: BootCodeFamily,
    },
}

/// The plan [`finalize`] makes: the header to write, the size to pad to, the check code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finalized {
    /// The image as it was found.
    pub before: Identified,
    /// The header to write (big-endian), check code included.
    pub header: Header,
    /// The size of the finished image.
    pub size: u64,
    /// What happens to the check code.
    pub check_code: CheckCodeAction,
}

impl Finalized {
    /// Whether the header changes.
    pub fn header_changed(&self) -> bool {
        self.header != self.before.header
    }

    /// Whether the image grows.
    pub fn pads(&self) -> bool {
        self.size > self.before.size
    }

    /// Whether the finished image differs from the one found.
    pub fn changes(&self) -> bool {
        self.header_changed() || self.pads()
    }

    /// Applies the plan to the whole image as stored (header in its byte order, then padding).
    /// An image that is not the one planned for (another size) is refused, unchanged.
    pub fn apply(&self, image: &mut Vec<u8>) -> Result<()> {
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        if image.len() as u64 != self.before.size {
            return Err(Error::NotThePlannedImage { planned: self.before.size, found: image.len() as u64 });
        }
        self.header.write(image, self.before.order)?;
        image.resize(size, 0);
        Ok(())
    }
}

/// Plans finishing a ROM image: header fields, padding, then the check code.
///
/// `rom` holds the first bytes of the image as stored, as for [`crate::inspect`]: at least
/// `min(size, 0x101000)` of them (more for a 5101 ROM in long mode, see [`required_len`]).
///
/// Errors: those of [`crate::identify`]; a header field that cannot be set; padding to less than
/// the image or to a size that is not a whole number of the byte order's units
/// ([`Error::BadPadding`]); and, when the check code is asked for, a boot code whose CIC is
/// unknown and none given ([`Error::UnknownCic`]), a given CIC the boot code contradicts
/// ([`Error::CicContradicted`], unless allowed), or a 64DD kind
/// ([`Error::CheckCodeInBootCode`]).
///
/// ```
/// use n64_core::{finalize, CheckCodeAction, CheckCodeFix, CicKind, FinalizeOptions, Padding};
/// let mut rom = vec![0u8; 0x4000];
/// rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
/// let mut options = FinalizeOptions::default();
/// options.edit.title = Some("HELLO".to_owned());
/// options.padding = Padding::NextMebibyte;
/// let mut fix = CheckCodeFix::default();
/// fix.cic = Some(CicKind::Cic6102); // the boot code here is unknown, so the CIC is given
/// options.check_code = Some(fix);
/// let plan = finalize(&rom, rom.len() as u64, &options)?;
/// plan.apply(&mut rom)?;
/// assert_eq!(rom.len(), 0x20_0000);
/// assert!(matches!(plan.check_code, CheckCodeAction::Written { cic: CicKind::Cic6102, .. }));
/// let after = n64_core::inspect(&rom, rom.len() as u64, n64_core::InspectOptions::default().with_cic(Some(CicKind::Cic6102)))?;
/// assert_eq!(after.check.is_valid(), Some(true));
/// # Ok::<(), n64_core::Error>(())
/// ```
pub fn finalize(rom: &[u8], size: u64, options: &FinalizeOptions) -> Result<Finalized> {
    let before = identify(rom, size, InspectOptions::default().with_order(options.order))?;
    let mut header = before.header;
    options.edit.apply(&mut header)?;

    let target = options.padding.target(size);
    let unit = before.order.unit() as u64;
    if target < size || (target != size && !target.is_multiple_of(unit)) {
        return Err(Error::BadPadding { size, target });
    }

    let check_code = match options.check_code {
        None => CheckCodeAction::Kept,
        Some(fix) => {
            let action = plan_check_code(rom, &before, &header, target, fix)?;
            if let CheckCodeAction::Written { new, .. } = action {
                header.set_check_code(new);
            }
            action
        }
    };
    Ok(Finalized { before, header, size: target, check_code })
}

/// Decides the check code of the finished image (`header` already edited, `target` its size).
fn plan_check_code(
    rom: &[u8],
    before: &Identified,
    header: &Header,
    target: u64,
    fix: CheckCodeFix,
) -> Result<CheckCodeAction> {
    let detected = before.boot_code.cic;
    let cic = match (fix.cic, detected) {
        (Some(given), Some(detected)) if given != detected && !fix.allow_contradiction => {
            return Err(Error::CicContradicted { given, detected });
        }
        (Some(given), _) => given,
        (None, Some(detected)) => detected,
        (None, None) => return Err(Error::UnknownCic { crc32: before.boot_code.crc32 }),
    };
    if cic.is_64dd() {
        return Err(Error::CheckCodeInBootCode { cic });
    }
    if let Some(family) = before.boot_code.family.filter(|f| !f.verifies_check_code())
        && !fix.when_not_verified
    {
        return Ok(CheckCodeAction::NotRequired { family });
    }
    let computed = if before.trailing_bytes > 0 && target > before.size {
        // Padding completes the trailing partial unit, which then counts.
        let mut completed = rom[..rom.len().min(required_len(cic, header))].to_vec();
        completed.resize(completed.len().next_multiple_of(before.order.unit()), 0);
        compute_for(&completed, before.order, cic, header)?
    } else {
        compute_for(rom, before.order, cic, header)?
    };
    let old = before.header.check_code();
    Ok(if computed.code == old {
        CheckCodeAction::AlreadyValid { cic }
    } else {
        CheckCodeAction::Written { old, new: computed.code, cic }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rom(len: usize) -> Vec<u8> {
        let mut rom: Vec<u8> = (0..len).map(|i| (i % 251).to_le_bytes()[0]).collect();
        rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
        rom
    }

    fn fix(cic: Option<CicKind>) -> CheckCodeFix {
        CheckCodeFix { cic, ..CheckCodeFix::default() }
    }

    #[test]
    fn a_failing_edit_changes_nothing() {
        let mut header = Header::from_be_bytes([0; 64]);
        let edit =
            HeaderEdit { title: Some("OK".to_owned()), game_code: Some("NSME".parse().unwrap()), ..Default::default() };
        let homebrew = HeaderEdit { save_type: Some(SaveType::Sram256k), ..edit };
        assert!(matches!(homebrew.apply(&mut header), Err(Error::HomebrewMarkerNeeded { .. })));
        assert_eq!(header, Header::from_be_bytes([0; 64]));
    }

    #[test]
    fn unknown_boot_code_needs_a_cic() {
        let image = rom(0x2000);
        let options = FinalizeOptions { check_code: Some(fix(None)), ..Default::default() };
        assert!(matches!(finalize(&image, 0x2000, &options), Err(Error::UnknownCic { .. })));
        let options = FinalizeOptions { check_code: Some(fix(Some(CicKind::Cic8303))), ..Default::default() };
        assert_eq!(
            finalize(&image, 0x2000, &options).unwrap_err(),
            Error::CheckCodeInBootCode { cic: CicKind::Cic8303 }
        );
    }

    #[test]
    fn padding_must_grow_by_whole_units() {
        let mut image = rom(0x2000);
        image[..4].copy_from_slice(&[0x37, 0x80, 0x40, 0x12]); // v64
        let options = FinalizeOptions { padding: Padding::To(0x2001), ..Default::default() };
        assert_eq!(finalize(&image, 0x2000, &options).unwrap_err(), Error::BadPadding { size: 0x2000, target: 0x2001 });
        let options = FinalizeOptions { padding: Padding::To(0x1000), ..Default::default() };
        assert!(finalize(&image, 0x2000, &options).is_err());
        let options = FinalizeOptions { padding: Padding::To(0x3000), ..Default::default() };
        let plan = finalize(&image, 0x2000, &options).unwrap();
        assert!(plan.pads() && !plan.header_changed());
        plan.apply(&mut image).unwrap();
        assert_eq!(image.len(), 0x3000);
    }

    #[test]
    fn a_valid_code_is_not_rewritten() {
        let mut image = rom(0x2000);
        let options = FinalizeOptions { check_code: Some(fix(Some(CicKind::Cic6102))), ..Default::default() };
        let plan = finalize(&image, 0x2000, &options).unwrap();
        assert!(matches!(plan.check_code, CheckCodeAction::Written { .. }));
        plan.apply(&mut image).unwrap();
        let again = finalize(&image, 0x2000, &options).unwrap();
        assert_eq!(again.check_code, CheckCodeAction::AlreadyValid { cic: CicKind::Cic6102 });
        assert!(!again.changes());
    }
}
