//! Forcing a CRC32 (IEEE) to a chosen value by rewriting four bytes of the input.
//!
//! CRC32 is affine over GF(2) in the bits of a fixed-length input: flipping a set of input bits
//! XORs the CRC with the XOR of the changes each single bit flip makes. So the 32 bits of a
//! 4-byte window map to the CRC through a 32×32 matrix, and hitting a target value is solving
//! a linear system. The matrix is invertible for any four consecutive bytes (the CRC32
//! polynomial has a non-zero constant term, so no non-zero burst of 32 bits or fewer maps to
//! zero), which is why four bytes always suffice.

/// Rewrites `data[pos..pos + 4]` so that `crc32fast::hash(data) == target`.
///
/// Errors when the window does not fit in `data` (the linear system itself always has a
/// solution; an error there would mean a bug, and is reported rather than panicking).
pub fn force_crc32(data: &mut [u8], pos: usize, target: u32) -> Result<(), String> {
    if pos.checked_add(4).is_none_or(|end| end > data.len()) {
        return Err(format!("CRC32 window {pos:#x}..+4 does not fit in {:#x} bytes", data.len()));
    }
    data[pos..pos + 4].fill(0);
    let base = crc32fast::hash(data);

    // columns[bit] = how flipping that bit of the window changes the CRC.
    let mut columns = [0u32; 32];
    for (bit, column) in columns.iter_mut().enumerate() {
        data[pos + bit / 8] ^= 1 << (bit % 8);
        *column = crc32fast::hash(data) ^ base;
        data[pos + bit / 8] ^= 1 << (bit % 8);
    }

    let Some(solution) = solve(columns, target ^ base) else {
        return Err(format!("the CRC32 system for window {pos:#x} is singular (cannot happen for CRC32)"));
    };
    data[pos..pos + 4].copy_from_slice(&solution.to_le_bytes());
    debug_assert_eq!(crc32fast::hash(data), target);
    Ok(())
}

/// Solves `XOR of columns[i] for every set bit i of x == rhs` for `x` by Gauss-Jordan
/// elimination over GF(2). Returns `None` when the columns are linearly dependent.
///
/// Each row of the augmented system is kept as a `u64`: bits 0..32 are the coefficients of
/// `x`'s bits, bit 32 the right-hand side.
fn solve(columns: [u32; 32], rhs: u32) -> Option<u32> {
    // Row r is output bit r: coefficient i is bit r of columns[i].
    let mut rows = [0u64; 32];
    for (r, row) in rows.iter_mut().enumerate() {
        for (i, column) in columns.iter().enumerate() {
            *row |= u64::from((column >> r) & 1) << i;
        }
        *row |= u64::from((rhs >> r) & 1) << 32;
    }
    for col in 0..32 {
        let pivot = (col..32).find(|&r| (rows[r] >> col) & 1 == 1)?;
        rows.swap(col, pivot);
        let pivot_row = rows[col];
        for (r, row) in rows.iter_mut().enumerate() {
            if r != col && (*row >> col) & 1 == 1 {
                *row ^= pivot_row;
            }
        }
    }
    // Now row i reads x_i = rhs_i.
    Some(rows.iter().enumerate().fold(0u32, |x, (i, row)| x | (u32::from(((row >> 32) & 1) == 1) << i)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_every_target_at_every_kind_of_position() {
        let targets = [0u32, 0xFFFF_FFFF, 0x90BB_6CB5, 0x587B_D543, 0x1234_5678];
        for (len, pos) in [(4usize, 0usize), (0xFC0, 0xFBC), (0xFC0, 0), (0xBC0, 0xBBC), (100, 37)] {
            for (seed, &target) in targets.iter().enumerate() {
                let mut data = crate::Rng(0x9E37_79B9 ^ seed as u64).bytes(len);
                let before = data.clone();
                force_crc32(&mut data, pos, target).unwrap();
                assert_eq!(crc32fast::hash(&data), target, "len {len:#x} pos {pos:#x}");
                // Only the window changed.
                for (i, (a, b)) in data.iter().zip(&before).enumerate() {
                    if !(pos..pos + 4).contains(&i) {
                        assert_eq!(a, b, "byte {i:#x} changed");
                    }
                }
            }
        }
    }

    #[test]
    fn a_window_outside_the_data_is_an_error() {
        assert!(force_crc32(&mut [0u8; 3], 0, 0).is_err());
        assert!(force_crc32(&mut [0u8; 8], 5, 0).is_err());
        assert!(force_crc32(&mut [0u8; 8], usize::MAX, 0).is_err());
    }

    #[test]
    fn singular_systems_are_reported() {
        assert_eq!(solve([0; 32], 1), None);
        let identity: [u32; 32] = std::array::from_fn(|i| 1 << i);
        assert_eq!(solve(identity, 0xDEAD_BEEF), Some(0xDEAD_BEEF));
    }
}
