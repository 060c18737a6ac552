//! The three byte orders, by their definition (independent of n64-core).

/// A byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    /// Big-endian.
    Z64,
    /// Bytes of every 16-bit half swapped.
    V64,
    /// Bytes of every 32-bit word reversed.
    N64,
}

impl Order {
    /// Every order, big-endian first.
    pub const ALL: [Order; 3] = [Order::Z64, Order::V64, Order::N64];

    /// `"z64"`, `"v64"` or `"n64"`.
    pub const fn name(self) -> &'static str {
        match self {
            Order::Z64 => "z64",
            Order::V64 => "v64",
            Order::N64 => "n64",
        }
    }

    /// Parses a name given by [`Order::name`].
    pub fn from_name(name: &str) -> Option<Order> {
        Order::ALL.into_iter().find(|o| o.name() == name)
    }

    /// The size of the unit this order permutes.
    pub const fn unit(self) -> usize {
        match self {
            Order::Z64 => 1,
            Order::V64 => 2,
            Order::N64 => 4,
        }
    }

    /// Converts between big-endian and this order, in place (the swap is its own inverse). A
    /// trailing partial unit is left as it is.
    pub fn swap(self, bytes: &mut [u8]) {
        match self {
            Order::Z64 => {}
            Order::V64 => bytes.chunks_exact_mut(2).for_each(<[u8]>::reverse),
            Order::N64 => bytes.chunks_exact_mut(4).for_each(<[u8]>::reverse),
        }
    }

    /// Big-endian bytes stored in this order.
    ///
    /// ```
    /// use n64_testkit::Order;
    /// assert_eq!(Order::N64.store(&[1, 2, 3, 4]), [4, 3, 2, 1]);
    /// assert_eq!(Order::V64.load(&[2, 1, 4, 3]), [1, 2, 3, 4]);
    /// ```
    pub fn store(self, be: &[u8]) -> Vec<u8> {
        let mut out = be.to_vec();
        self.swap(&mut out);
        out
    }

    /// Stored bytes in this order, as big-endian bytes.
    pub fn load(self, stored: &[u8]) -> Vec<u8> {
        self.store(stored)
    }

    /// The order whose magic the first four stored bytes hold, if any.
    pub fn of_magic(stored: &[u8]) -> Option<Order> {
        let first = stored.get(..4)?;
        Order::ALL.into_iter().find(|o| o.load(first) == [0x80, 0x37, 0x12, 0x40])
    }
}
