//! CIC kinds as the tests name them, and check codes from the `ipl3checksum` crate: an
//! implementation n64-tools did not write.

/// How many bytes the check code covers, header and boot code included.
pub const CHECKED_LEN: usize = 0x10_1000;

/// The CIC kinds with a header check code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cic {
    /// CIC-NUS-6101.
    C6101,
    /// CIC-NUS-6102 / 7101.
    C6102,
    /// CIC-NUS-7102.
    C7102,
    /// CIC-NUS-6103 / 7103.
    C6103,
    /// CIC-NUS-6105 / 7105.
    C6105,
    /// CIC-NUS-6106 / 7106.
    C6106,
    /// CIC-NUS-5101 (Aleck64).
    C5101,
}

impl Cic {
    /// Every kind.
    pub const ALL: [Cic; 7] = [Cic::C6101, Cic::C6102, Cic::C7102, Cic::C6103, Cic::C6105, Cic::C6106, Cic::C5101];

    /// The short name: `"6102"`, …
    pub const fn name(self) -> &'static str {
        match self {
            Cic::C6101 => "6101",
            Cic::C6102 => "6102",
            Cic::C7102 => "7102",
            Cic::C6103 => "6103",
            Cic::C6105 => "6105",
            Cic::C6106 => "6106",
            Cic::C5101 => "5101",
        }
    }

    /// Parses a name given by [`Cic::name`].
    pub fn from_name(name: &str) -> Option<Cic> {
        Cic::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The same kind as `ipl3checksum` names it.
    pub const fn oracle_kind(self) -> ipl3checksum::CICKind {
        match self {
            Cic::C6101 => ipl3checksum::CICKind::CIC_6101,
            Cic::C6102 => ipl3checksum::CICKind::CIC_6102_7101,
            Cic::C7102 => ipl3checksum::CICKind::CIC_7102,
            Cic::C6103 => ipl3checksum::CICKind::CIC_X103,
            Cic::C6105 => ipl3checksum::CICKind::CIC_X105,
            Cic::C6106 => ipl3checksum::CICKind::CIC_X106,
            Cic::C5101 => ipl3checksum::CICKind::CIC_5101,
        }
    }
}

/// The check code a Nintendo boot code for `cic` expects of big-endian bytes, computed by
/// `ipl3checksum`; an image shorter than 0x101000 bytes counts as zero-padded (a trailing
/// partial word too).
///
/// ```
/// use n64_testkit::{Cic, oracle_check_code};
/// // A published vector: header, boot code and body all zero.
/// assert_eq!(oracle_check_code(&[0; 0x1000], Cic::C6102), 0xF8CA_4DDC_303A_4DDC);
/// ```
pub fn oracle_check_code(rom_be: &[u8], cic: Cic) -> u64 {
    let mut padded;
    let rom = if rom_be.len() < CHECKED_LEN || !rom_be.len().is_multiple_of(4) {
        padded = rom_be.to_vec();
        padded.resize(rom_be.len().max(CHECKED_LEN).next_multiple_of(4), 0);
        &padded[..]
    } else {
        rom_be
    };
    let (crc1, crc2) = ipl3checksum::calculate_checksum(rom, cic.oracle_kind())
        .unwrap_or_else(|e| panic!("ipl3checksum failed for CIC {}: {e:?}", cic.name()));
    (u64::from(crc1) << 32) | u64::from(crc2)
}

/// The check code as the 8 bytes the header stores.
pub fn oracle_check_code_bytes(rom_be: &[u8], cic: Cic) -> [u8; 8] {
    oracle_check_code(rom_be, cic).to_be_bytes()
}

/// CRC32 (IEEE) computed bit by bit from its definition: a reference for the table-driven
/// implementations under test.
///
/// ```
/// assert_eq!(n64_testkit::cic::crc32_reference(b"123456789"), 0xCBF4_3926);
/// ```
pub fn crc32_reference(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
