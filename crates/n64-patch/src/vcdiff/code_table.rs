//! RFC 3284's default instruction code table (section 5.6) and address cache (section 5.1).

/// One half of a code table entry.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Op {
    Noop,
    Add,
    Run,
    /// A copy with its address mode (0 self, 1 here, 2.. near, then same).
    Copy(u8),
}

/// One half instruction: its op and size (0: the size follows in the instruction section).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Half {
    pub(crate) op: Op,
    pub(crate) size: u8,
}

const NOOP: Half = Half { op: Op::Noop, size: 0 };

/// The near cache size and same cache size of the default table.
const NEAR: usize = 4;
const SAME: usize = 3;

/// The 256 entries of the default code table, built as RFC 3284 section 5.6 lays them out.
pub(crate) fn default_table() -> [[Half; 2]; 256] {
    let mut table = [[NOOP; 2]; 256];
    let mut index = 0;
    let mut push = |first: Half, second: Half| {
        table[index] = [first, second];
        index += 1;
    };
    push(Half { op: Op::Run, size: 0 }, NOOP);
    for size in 0..=17 {
        push(Half { op: Op::Add, size }, NOOP);
    }
    #[allow(clippy::cast_possible_truncation, reason = "modes are 0..9")]
    let modes = (NEAR + SAME + 2) as u8;
    for mode in 0..modes {
        push(Half { op: Op::Copy(mode), size: 0 }, NOOP);
        for size in 4..=18 {
            push(Half { op: Op::Copy(mode), size }, NOOP);
        }
    }
    for mode in 0..modes {
        let copy_sizes = if mode < 6 { 4..=6 } else { 4..=4 };
        for add in 1..=4 {
            for size in copy_sizes.clone() {
                push(Half { op: Op::Add, size: add }, Half { op: Op::Copy(mode), size });
            }
        }
    }
    for mode in 0..modes {
        push(Half { op: Op::Copy(mode), size: 4 }, Half { op: Op::Add, size: 1 });
    }
    debug_assert_eq!(index, 256);
    table
}

/// The address cache, reset at the start of each window.
pub(crate) struct AddressCache {
    near: [u64; NEAR],
    next_slot: usize,
    same: [u64; SAME * 256],
}

/// Why an address could not be decoded.
pub(crate) enum AddressError {
    /// The address section ran out (or held a bad varint).
    Section(super::Error),
    /// The decoded address is not below `here`.
    Invalid(u64),
}

impl AddressCache {
    pub(crate) const fn new() -> Self {
        Self { near: [0; NEAR], next_slot: 0, same: [0; SAME * 256] }
    }

    /// Decodes the address of a copy in `mode`, at `here` (the segment length plus the target
    /// bytes decoded so far), reading from the address section.
    pub(crate) fn decode(
        &mut self,
        mode: u8,
        here: u64,
        addr: &mut super::cursor::Cursor<'_>,
    ) -> Result<u64, AddressError> {
        let mode = usize::from(mode);
        let address = if mode == 0 {
            addr.varint("copy address").map_err(AddressError::Section)?
        } else if mode == 1 {
            let back = addr.varint("copy address").map_err(AddressError::Section)?;
            here.checked_sub(back).ok_or(AddressError::Invalid(back))?
        } else if mode < 2 + NEAR {
            let delta = addr.varint("copy address").map_err(AddressError::Section)?;
            self.near[mode - 2].checked_add(delta).ok_or(AddressError::Invalid(u64::MAX))?
        } else {
            let byte = addr.byte("copy address").map_err(AddressError::Section)?;
            self.same[(mode - 2 - NEAR) * 256 + usize::from(byte)]
        };
        if address >= here {
            return Err(AddressError::Invalid(address));
        }
        self.near[self.next_slot] = address;
        self.next_slot = (self.next_slot + 1) % NEAR;
        #[allow(clippy::cast_possible_truncation, reason = "the remainder is below 768")]
        let slot = (address % (SAME as u64 * 256)) as usize;
        self.same[slot] = address;
        Ok(address)
    }
}
