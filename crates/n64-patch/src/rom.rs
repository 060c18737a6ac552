//! Patching N64 ROMs whatever their byte order: the image is kept big-endian (z64), each patch
//! is applied in the byte order it was made against, and the result comes back big-endian.
//!
//! Which order a patch was made against: BPS and UPS say it through their source CRC32 (the ROM
//! is tried in each order); an N64 APS patch through its image-format flag; IPS and VCDIFF carry
//! nothing that tells, and by convention are made against big-endian ROMs. A caller may give the
//! order instead ([`RomOptions::order`]).
//!
//! ```
//! use n64_core::ByteOrder;
//! use n64_patch::rom::{RomOptions, SourceCheck, apply_to_rom};
//! // A big-endian image, and a BPS patch made against its byte-swapped (v64) form.
//! let z64: Vec<u8> = (0..64u8).collect();
//! let mut v64 = z64.clone();
//! n64_core::convert(&mut v64, ByteOrder::Z64, ByteOrder::V64)?;
//! let mut v64_target = v64.clone();
//! v64_target[10] = 0xFF;
//! let patch = n64_patch::bps::create(&v64, &v64_target, b"");
//!
//! let (patched, step) = apply_to_rom(&z64, &patch, &RomOptions::default())?;
//! assert_eq!(step.order, ByteOrder::V64);
//! assert_eq!(step.source, SourceCheck::Matched { by: "crc32" });
//! assert_eq!(patched[11], 0xFF); // byte 10 of the v64 image is byte 11 big-endian
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use n64_core::ByteOrder;

use crate::{Error, Format, Options, Warning, aps, bps, ups, vcdiff};

/// How the byte order a patch applies in was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderFrom {
    /// The ROM's CRC32 in that order is the patch's source CRC32 (BPS, UPS).
    SourceCrc32,
    /// The patch's image-format flag (N64 APS).
    ApsFlag,
    /// The patch carries nothing that tells: big-endian, the community's convention (IPS,
    /// VCDIFF, simple APS, or a source that matches in no order, forced).
    Convention,
    /// The caller said so ([`RomOptions::order`]).
    Given,
}

impl OrderFrom {
    /// A short phrase for reports: `source crc32`, `aps flag`, `convention`, `given`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            OrderFrom::SourceCrc32 => "source crc32",
            OrderFrom::ApsFlag => "aps flag",
            OrderFrom::Convention => "convention",
            OrderFrom::Given => "given",
        }
    }
}

/// Whether the ROM was checked to be the patch's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceCheck {
    /// It is: the patch's record of its source (`by`: `crc32`, `cart id and check code`)
    /// matches the ROM.
    Matched {
        /// What was compared.
        by: &'static str,
    },
    /// The patch carries no record of its source (IPS, VCDIFF, simple APS).
    NotCarried,
    /// It is not, and the caller applied the patch anyway ([`RomOptions::force`]).
    Forced,
}

/// Whether the patched result was checked against what the patch says it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetCheck {
    /// It was, and matches (`by`: `crc32`, `adler32`).
    Matched {
        /// What was compared.
        by: &'static str,
    },
    /// The patch carries no checksum of its result (IPS, APS, VCDIFF without checksums).
    NotCarried,
}

/// What [`source_match`] finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceMatch {
    /// The ROM, in `order`, is the patch's source (or, for UPS, its output: `reverse`).
    Matches {
        /// The order the patch applies in.
        order: ByteOrder,
        /// How that order was found.
        from: OrderFrom,
        /// What was compared.
        by: &'static str,
        /// A UPS patch that undoes itself: the ROM is its output.
        reverse: bool,
    },
    /// The ROM is not the patch's source in any order tried.
    NoMatch {
        /// What the patch expects, e.g. `8388608 bytes with crc32 1a2b3c4d`.
        expected: String,
        /// What the ROM has, e.g. `8388608 bytes with crc32 … (z64), … (v64), … (n64)`.
        found: String,
    },
    /// The patch carries no record of its source; it applies by convention in `order`.
    NotCarried {
        /// The order the patch applies in.
        order: ByteOrder,
        /// How that order was found.
        from: OrderFrom,
    },
}

/// How [`apply_to_rom`] works.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RomOptions {
    /// Apply in this byte order instead of the one the patch says or the convention.
    pub order: Option<ByteOrder>,
    /// Apply even when the ROM is not the patch's source (a target checksum the patch carries
    /// still decides).
    pub force: bool,
}

/// What one patch did to a ROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The patch's format.
    pub format: Format,
    /// The byte order it was applied in.
    pub order: ByteOrder,
    /// How that order was chosen.
    pub order_from: OrderFrom,
    /// Whether the ROM was the patch's source.
    pub source: SourceCheck,
    /// Whether the result was checked.
    pub target: TargetCheck,
    /// A UPS patch applied backwards (the ROM was its output).
    pub reverse: bool,
    /// The ROM's size before.
    pub source_size: u64,
    /// The ROM's size after.
    pub target_size: u64,
    /// What did not match but did not stop the patch.
    pub warnings: Vec<Warning>,
}

/// Why a patch could not be applied to a ROM.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RomError {
    /// The patch is malformed, or its result does not match its checksum.
    #[error(transparent)]
    Patch(#[from] Error),
    /// The ROM is not the patch's source in any byte order.
    #[error("the rom is not this patch's source in any byte order: the patch expects {expected}; the rom has {found}")]
    WrongSource {
        /// What the patch expects.
        expected: String,
        /// What the ROM has.
        found: String,
    },
    /// The image (before or after the patch) is not a whole number of the order's words.
    #[error("{len} bytes are not a whole number of {unit}-byte words, as the {order} byte order needs")]
    Unaligned {
        /// The order.
        order: ByteOrder,
        /// Its word size.
        unit: usize,
        /// The image's size.
        len: usize,
    },
}

/// The CRC32 of `image` (big-endian) as it reads in `order`, or `None` when its size is not a
/// whole number of the order's words. Converts in small chunks: no copy of the image.
#[must_use]
pub fn crc32_in_order(image: &[u8], order: ByteOrder) -> Option<u32> {
    if !image.len().is_multiple_of(order.unit()) {
        return None;
    }
    if order == ByteOrder::Z64 {
        return Some(crc32fast::hash(image));
    }
    let mut hasher = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 64 << 10];
    for chunk in image.chunks(buffer.len()) {
        let converted = &mut buffer[..chunk.len()];
        converted.copy_from_slice(chunk);
        n64_core::convert(converted, ByteOrder::Z64, order).ok()?;
        hasher.update(converted);
    }
    Some(hasher.finalize())
}

/// The orders to try: the given one, or all (big-endian first).
fn candidates(given: Option<ByteOrder>) -> Vec<ByteOrder> {
    given.map_or_else(|| ByteOrder::ALL.to_vec(), |order| vec![order])
}

/// The ROM's CRC32 in each candidate order, for a report: `1a2b3c4d (z64), … (v64)`.
fn crc_list(image: &[u8], orders: &[ByteOrder]) -> String {
    let crcs: Vec<String> = orders
        .iter()
        .map(|&order| match crc32_in_order(image, order) {
            Some(crc) => format!("{crc:08x} ({order})"),
            None => format!("none ({order}: not a whole number of words)"),
        })
        .collect();
    crcs.join(", ")
}

/// Finds the order in which the big-endian `image` is the source of `patch`, or says that the
/// patch carries no record of its source. `given` restricts the search to one order.
///
/// ```
/// use n64_core::ByteOrder;
/// use n64_patch::rom::{SourceMatch, source_match};
/// let patch = n64_patch::bps::create(b"abcd", b"abce", b"");
/// assert!(matches!(source_match(&patch, b"abcd", None)?, SourceMatch::Matches { order: ByteOrder::Z64, .. }));
/// assert!(matches!(source_match(&patch, b"badc", None)?, SourceMatch::Matches { order: ByteOrder::V64, .. }));
/// assert!(matches!(source_match(&patch, b"dcba", None)?, SourceMatch::Matches { order: ByteOrder::N64, .. }));
/// assert!(matches!(source_match(&patch, b"wxyz", None)?, SourceMatch::NoMatch { .. }));
/// # Ok::<(), n64_patch::Error>(())
/// ```
///
/// # Errors
/// A patch that is malformed or of no known format.
pub fn source_match(patch: &[u8], image: &[u8], given: Option<ByteOrder>) -> Result<SourceMatch, Error> {
    let format = Format::detect(patch).ok_or(Error::UnknownFormat)?;
    let orders = candidates(given);
    let size = image.len() as u64;
    let crc_from = if given.is_some() { OrderFrom::Given } else { OrderFrom::SourceCrc32 };
    let in_order = |wanted_size: u64, wanted_crc: u32| {
        orders.iter().copied().find(|&order| size == wanted_size && crc32_in_order(image, order) == Some(wanted_crc))
    };
    let found_crcs = || format!("{size} bytes with crc32 {}", crc_list(image, &orders));
    match format {
        Format::Bps => {
            if let Some((expected, actual)) = footer_crc_mismatch(patch, BPS_SMALLEST) {
                return Err(bps::Error::PatchCrc { expected, actual }.into());
            }
            let info = bps::info(patch)?;
            Ok(match in_order(info.source_size, info.source_crc32) {
                Some(order) => SourceMatch::Matches { order, from: crc_from, by: "crc32", reverse: false },
                None => SourceMatch::NoMatch {
                    expected: format!("{} bytes with crc32 {:08x}", info.source_size, info.source_crc32),
                    found: match in_order(info.target_size, info.target_crc32) {
                        Some(order) => {
                            format!("{}: the patch's target in {order} order (already patched)", found_crcs())
                        }
                        None => found_crcs(),
                    },
                },
            })
        }
        Format::Ups => {
            if let Some((expected, actual)) = footer_crc_mismatch(patch, UPS_SMALLEST) {
                return Err(ups::Error::PatchCrc { expected, actual }.into());
            }
            let info = ups::info(patch)?;
            if let Some(order) = in_order(info.input_size, info.input_crc32) {
                return Ok(SourceMatch::Matches { order, from: crc_from, by: "crc32", reverse: false });
            }
            if let Some(order) = in_order(info.output_size, info.output_crc32) {
                return Ok(SourceMatch::Matches { order, from: crc_from, by: "crc32", reverse: true });
            }
            Ok(SourceMatch::NoMatch {
                expected: format!(
                    "{} bytes with crc32 {:08x} (or its output, {} bytes with crc32 {:08x})",
                    info.input_size, info.input_crc32, info.output_size, info.output_crc32
                ),
                found: found_crcs(),
            })
        }
        Format::Aps => {
            let info = aps::info(patch)?;
            let Some(n64) = info.n64 else {
                return Ok(not_carried(given));
            };
            let flagged = if n64.byte_swapped { ByteOrder::V64 } else { ByteOrder::Z64 };
            let (order, from) = given.map_or((flagged, OrderFrom::ApsFlag), |order| (order, OrderFrom::Given));
            let (cart_id, check_code) = rom_identity(image);
            if cart_id == Some(n64.cart_id) && check_code == Some(n64.check_code) {
                Ok(SourceMatch::Matches { order, from, by: "cart id and check code", reverse: false })
            } else {
                Ok(SourceMatch::NoMatch {
                    expected: format!("cart id {} and check code {}", quoted(&n64.cart_id), hex(&n64.check_code)),
                    found: match (cart_id, check_code) {
                        (Some(id), Some(code)) => format!("cart id {} and check code {}", quoted(&id), hex(&code)),
                        _ => format!("{size} bytes, too short for a header"),
                    },
                })
            }
        }
        Format::Ips | Format::Ips32 | Format::Vcdiff => Ok(not_carried(given)),
    }
}

/// The smallest BPS and UPS patches (magic, numbers, footer): anything shorter is left to the
/// format's own error.
const BPS_SMALLEST: usize = 19;
const UPS_SMALLEST: usize = 18;

/// The CRC32 a BPS or UPS patch ends with (of everything before it), as `(footer, actual)` when
/// they differ. Checked before the patch is read any further, so that a damaged or cut patch is
/// reported as one, not as a ROM that is not its source (a damaged source CRC32) or as a bad
/// action (a cut one).
fn footer_crc_mismatch(patch: &[u8], smallest: usize) -> Option<(u32, u32)> {
    if patch.len() < smallest {
        return None;
    }
    let (body, footer) = patch.split_at(patch.len() - 4);
    let expected = u32::from_le_bytes(footer.try_into().expect("4 bytes"));
    let actual = crc32fast::hash(body);
    (expected != actual).then_some((expected, actual))
}

fn not_carried(given: Option<ByteOrder>) -> SourceMatch {
    match given {
        Some(order) => SourceMatch::NotCarried { order, from: OrderFrom::Given },
        None => SourceMatch::NotCarried { order: ByteOrder::Z64, from: OrderFrom::Convention },
    }
}

/// The cart ID (ROM 0x3C..0x3E) and check code (0x10..0x18) of a big-endian image.
fn rom_identity(image: &[u8]) -> (Option<[u8; 2]>, Option<[u8; 8]>) {
    let cart_id = image.get(0x3C..0x3E).map(|b| [b[0], b[1]]);
    let check_code = image.get(0x10..0x18).and_then(|b| b.try_into().ok());
    (cart_id, check_code)
}

/// Bytes as a quoted string where printable ASCII, hexadecimal otherwise.
fn quoted(bytes: &[u8]) -> String {
    if bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        format!("\"{}\"", String::from_utf8_lossy(bytes))
    } else {
        hex(bytes)
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// `image` converted from big-endian to `order` (borrowed when that is big-endian).
fn in_order(image: &[u8], order: ByteOrder) -> Result<std::borrow::Cow<'_, [u8]>, RomError> {
    if order == ByteOrder::Z64 {
        return Ok(std::borrow::Cow::Borrowed(image));
    }
    let mut converted = image.to_vec();
    n64_core::convert(&mut converted, ByteOrder::Z64, order).map_err(|_| unaligned(order, image.len()))?;
    Ok(std::borrow::Cow::Owned(converted))
}

fn unaligned(order: ByteOrder, len: usize) -> RomError {
    RomError::Unaligned { order, unit: order.unit(), len }
}

/// Applies `patch` to the big-endian ROM `image` in the byte order the patch was made against
/// (see the module documentation) and returns the result, big-endian, with what was done.
///
/// # Errors
/// A malformed patch or one of no known format, a ROM that is not the patch's source (unless
/// [`RomOptions::force`]), a result whose checksum is not the patch's, or an image that is not
/// a whole number of the chosen order's words.
pub fn apply_to_rom(image: &[u8], patch: &[u8], options: &RomOptions) -> Result<(Vec<u8>, Step), RomError> {
    let format = Format::detect(patch).ok_or(Error::UnknownFormat)?;
    let (order, order_from, source, reverse) = match source_match(patch, image, options.order)? {
        SourceMatch::Matches { order, from, by, reverse } => (order, from, SourceCheck::Matched { by }, reverse),
        SourceMatch::NotCarried { order, from } => (order, from, SourceCheck::NotCarried, false),
        SourceMatch::NoMatch { expected, found } => {
            if !options.force {
                return Err(RomError::WrongSource { expected, found });
            }
            let order = options.order.unwrap_or(ByteOrder::Z64);
            let from = if options.order.is_some() { OrderFrom::Given } else { OrderFrom::Convention };
            (order, from, SourceCheck::Forced, false)
        }
    };
    let mut warnings = Vec::new();
    if let (Format::Aps, SourceCheck::Matched { .. }) = (format, source)
        && let Some(n64) = aps::info(patch).map_err(Error::from)?.n64
        && let Some(&found) = image.get(0x3E)
        && found != n64.country
    {
        warnings.push(Warning::CountryMismatch { expected: n64.country, found });
    }
    let source_bytes = in_order(image, order)?;
    // The source was matched above, in this order; the formats' own checks would repeat it
    // (and an APS check reads its fields as its flag says, which a given order may override).
    // A UPS patch needs it to know which way to apply.
    let verify_source = format == Format::Ups && reverse;
    let applied = crate::apply(format, &source_bytes, patch, &Options { verify_source })?;
    drop(source_bytes);
    let mut output = applied.output;
    n64_core::convert(&mut output, order, ByteOrder::Z64).map_err(|_| unaligned(order, output.len()))?;
    let target = match format {
        Format::Bps | Format::Ups => TargetCheck::Matched { by: "crc32" },
        Format::Vcdiff if vcdiff::info(patch).map_err(Error::from)?.windows.iter().all(|w| w.adler32.is_some()) => {
            TargetCheck::Matched { by: "adler32" }
        }
        _ => TargetCheck::NotCarried,
    };
    let step = Step {
        format,
        order,
        order_from,
        source,
        target,
        reverse,
        source_size: image.len() as u64,
        target_size: output.len() as u64,
        warnings,
    };
    Ok((output, step))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swapped(bytes: &[u8], order: ByteOrder) -> Vec<u8> {
        // Independent of n64-core: the definition of each order.
        match order {
            ByteOrder::V64 => bytes.chunks(2).flat_map(|c| [c[1], c[0]]).collect(),
            ByteOrder::N64 => bytes.chunks(4).flat_map(|c| [c[3], c[2], c[1], c[0]]).collect(),
            _ => bytes.to_vec(),
        }
    }

    #[test]
    fn crc_in_each_order_is_the_crc_of_the_converted_image() {
        let image: Vec<u8> = (0..200_000u32).map(|i| (i * 31 % 251) as u8).collect();
        for order in ByteOrder::ALL {
            assert_eq!(crc32_in_order(&image, order), Some(crc32fast::hash(&swapped(&image, order))));
        }
        assert_eq!(crc32_in_order(&image[..6], ByteOrder::N64), None);
    }

    #[test]
    fn ups_is_matched_in_each_order_both_ways() {
        let source: Vec<u8> = (0..4096u32).map(|i| (i % 253) as u8).collect();
        let mut target = source.clone();
        target[77] ^= 0x5A;
        for order in ByteOrder::ALL {
            let (s, t) = (swapped(&source, order), swapped(&target, order));
            // A UPS patch from the published layout: sizes, one hunk (skip 77 of this order's
            // bytes, xor, end), CRC32s.
            let at = s.iter().zip(&t).position(|(a, b)| a != b).unwrap();
            let mut patch = b"UPS1".to_vec();
            crate::varint::encode(s.len() as u64, &mut patch);
            crate::varint::encode(t.len() as u64, &mut patch);
            crate::varint::encode(at as u64, &mut patch);
            patch.extend_from_slice(&[s[at] ^ t[at], 0]);
            patch.extend_from_slice(&crc32fast::hash(&s).to_le_bytes());
            patch.extend_from_slice(&crc32fast::hash(&t).to_le_bytes());
            let crc = crc32fast::hash(&patch);
            patch.extend_from_slice(&crc.to_le_bytes());

            let (out, step) = apply_to_rom(&source, &patch, &RomOptions::default()).unwrap();
            assert_eq!((out.as_slice(), step.order, step.reverse), (target.as_slice(), order, false));
            let (back, step) = apply_to_rom(&target, &patch, &RomOptions::default()).unwrap();
            assert_eq!((back.as_slice(), step.order, step.reverse), (source.as_slice(), order, true));
        }
    }

    #[test]
    fn a_wrong_source_is_refused_unless_forced() {
        let patch = bps::create(b"0123456789abcdef", b"0123456789abcdeF", b"");
        let other = b"X123456789abcdef";
        let error = apply_to_rom(other, &patch, &RomOptions::default()).unwrap_err();
        assert!(matches!(error, RomError::WrongSource { .. }), "{error}");
        let text = error.to_string();
        assert!(text.contains("(z64)") && text.contains("(v64)") && text.contains("(n64)"), "{text}");
        // The target itself: said to be patched already.
        let text = apply_to_rom(b"0123456789abcdeF", &patch, &RomOptions::default()).unwrap_err().to_string();
        assert!(text.ends_with("the patch's target in z64 order (already patched)"), "{text}");
        // Forced, the target CRC32 still decides.
        let forced = RomOptions { force: true, ..RomOptions::default() };
        assert!(matches!(
            apply_to_rom(other, &patch, &forced),
            Err(RomError::Patch(Error::Bps(bps::Error::TargetCrc { .. })))
        ));
    }

    #[test]
    fn a_damaged_patch_is_reported_as_damaged_not_as_the_wrong_source() {
        let source = b"0123456789abcdef0123456789abcdef";
        let patch = bps::create(source, b"0123456789abcdeF0123456789abcdef", b"");
        // A flipped bit in the source CRC32 of the footer, then the patch cut by one byte.
        let mut flipped = patch.clone();
        let at = flipped.len() - 12;
        flipped[at] ^= 1;
        let cut = &patch[..patch.len() - 1];
        for damaged in [&flipped[..], cut] {
            let error = apply_to_rom(source, damaged, &RomOptions::default()).unwrap_err();
            assert!(matches!(error, RomError::Patch(Error::Bps(bps::Error::PatchCrc { .. }))), "{error}");
        }
        // UPS likewise: a flipped byte of its input CRC32.
        let mut ups = b"UPS1\xa0\xa0\x8f\x0f\x00".to_vec();
        ups.extend_from_slice(&crc32fast::hash(source).wrapping_add(1).to_le_bytes());
        ups.extend_from_slice(&[0; 4]);
        let crc = crc32fast::hash(&ups);
        ups.extend_from_slice(&(crc ^ 1).to_le_bytes());
        let error = apply_to_rom(source, &ups, &RomOptions::default()).unwrap_err();
        assert!(matches!(error, RomError::Patch(Error::Ups(ups::Error::PatchCrc { .. }))), "{error}");
    }

    #[test]
    fn a_result_the_order_cannot_hold_is_an_error() {
        // Made against the v64 form; the result has an odd length.
        let source = swapped(b"abcdefgh", ByteOrder::V64);
        let patch = bps::create(&source, b"badcfehgX", b"");
        let error = apply_to_rom(b"abcdefgh", &patch, &RomOptions::default()).unwrap_err();
        assert_eq!(error, RomError::Unaligned { order: ByteOrder::V64, unit: 2, len: 9 });
    }
}
