//! Hashing one stream in several byte orders at once ("views"), in one pass.
//!
//! A DAT's hashes are over the bytes in one order (No-Intro's "BigEndian" DAT: z64; its
//! "ByteSwapped" DAT: v64) or over the raw bytes. A file stored in another order is converted on
//! the fly, chunk by chunk, so it is read once whatever the number of views.

use n64_core::{ByteOrder, convert};
use n64_io::{Algorithms, Digests, Hasher};

/// The bytes a DAT's hashes are over: a byte order, or `None` for the raw bytes as stored.
pub type View = Option<ByteOrder>;

/// The name of a view, as the cache keys it: `z64`, `v64`, `n64` or `raw`.
///
/// ```
/// use n64_collection::view_name;
/// use n64_core::ByteOrder;
/// assert_eq!(view_name(Some(ByteOrder::V64)), "v64");
/// assert_eq!(view_name(None), "raw");
/// ```
pub const fn view_name(view: View) -> &'static str {
    match view {
        Some(order) => order.name(),
        None => "raw",
    }
}

/// The conversion (`(from, to)`) that turns a stream stored in `stored` order of `len` bytes
/// into a view's bytes: `None` when the view is the bytes as stored (a raw view, an unknown
/// stored order, the same order, or a length the conversion cannot take, which is then hashed
/// raw only). A writer that must produce the bytes a view was hashed over converts the same way.
///
/// ```
/// use n64_collection::conversion;
/// use n64_core::ByteOrder::{N64, V64, Z64};
/// assert_eq!(conversion(Some(Z64), Some(V64), 8), Some((V64, Z64)));
/// assert_eq!(conversion(Some(Z64), Some(Z64), 8), None);
/// assert_eq!(conversion(None, Some(V64), 8), None, "a raw view");
/// assert_eq!(conversion(Some(N64), Some(V64), 6), None, "6 bytes are not whole n64 words");
/// ```
pub fn conversion(view: View, stored: Option<ByteOrder>, len: u64) -> Option<(ByteOrder, ByteOrder)> {
    let (to, from) = (view?, stored?);
    let unit = from.unit().max(to.unit()) as u64;
    (from != to && len.is_multiple_of(unit)).then_some((from, to))
}

/// One way of turning the stored bytes into hashed bytes, and its hasher.
#[derive(Debug)]
struct Lane {
    conversion: Option<(ByteOrder, ByteOrder)>,
    hasher: Hasher,
}

/// Hashes a stream in every requested view, converting chunks as they come; views that come
/// down to the same bytes share one hasher.
///
/// ```
/// use n64_collection::Lanes;
/// use n64_core::ByteOrder;
/// use n64_io::Algorithms;
/// let stored = [0x37, 0x80, 0x40, 0x12]; // v64
/// let views = [Some(ByteOrder::Z64), None];
/// let mut lanes = Lanes::new(&views, Some(ByteOrder::V64), 4, Algorithms::ALL);
/// lanes.update(&stored);
/// let digests = lanes.finish();
/// assert_eq!(digests[0].1.crc32, Some(crc32fast::hash(&[0x80, 0x37, 0x12, 0x40])));
/// assert_eq!(digests[1].1.crc32, Some(crc32fast::hash(&stored)));
/// ```
#[derive(Debug)]
pub struct Lanes {
    hashers: Vec<Lane>,
    /// For each requested view, the index of its lane.
    views: Vec<(View, usize)>,
    scratch: Vec<u8>,
}

impl Lanes {
    /// Lanes for `views` of a stream stored in `stored` order (`None`: not an N64 image, every
    /// view is the raw bytes) that will be `len` bytes long.
    pub fn new(views: &[View], stored: Option<ByteOrder>, len: u64, algorithms: Algorithms) -> Lanes {
        let mut lanes: Vec<Lane> = Vec::new();
        let mut mapped = Vec::with_capacity(views.len());
        for &view in views {
            let wanted = conversion(view, stored, len);
            let index = lanes.iter().position(|lane| lane.conversion == wanted).unwrap_or_else(|| {
                lanes.push(Lane { conversion: wanted, hasher: Hasher::new(algorithms) });
                lanes.len() - 1
            });
            mapped.push((view, index));
        }
        Lanes { hashers: lanes, views: mapped, scratch: Vec::new() }
    }

    /// Feeds the next stored bytes. Every chunk but the last must be a multiple of 4 bytes, so
    /// that no word straddles two chunks.
    pub fn update(&mut self, stored: &[u8]) {
        for lane in &mut self.hashers {
            match lane.conversion {
                None => lane.hasher.update(stored),
                Some((from, to)) => {
                    self.scratch.clear();
                    self.scratch.extend_from_slice(stored);
                    // The length was checked against both units when the lane was made, and
                    // every chunk but the last is a multiple of 4.
                    if convert(&mut self.scratch, from, to).is_ok() {
                        lane.hasher.update(&self.scratch);
                    }
                }
            }
        }
    }

    /// [`Lanes::update`] that may convert `stored` in place (its content is unspecified
    /// afterwards), sparing one copy when a single lane converts.
    pub fn update_mut(&mut self, stored: &mut [u8]) {
        let converting: Vec<usize> =
            self.hashers.iter().enumerate().filter(|(_, l)| l.conversion.is_some()).map(|(i, _)| i).collect();
        let Some(&last) = converting.last() else {
            self.update(stored);
            return;
        };
        for (index, lane) in self.hashers.iter_mut().enumerate() {
            match lane.conversion {
                None => lane.hasher.update(stored),
                Some(_) if index == last => {}
                Some((from, to)) => {
                    self.scratch.clear();
                    self.scratch.extend_from_slice(stored);
                    if convert(&mut self.scratch, from, to).is_ok() {
                        lane.hasher.update(&self.scratch);
                    }
                }
            }
        }
        let lane = &mut self.hashers[last];
        if let Some((from, to)) = lane.conversion
            && convert(stored, from, to).is_ok()
        {
            lane.hasher.update(stored);
        }
    }

    /// The digests of each requested view, in the order the views were given.
    pub fn finish(self) -> Vec<(View, Digests)> {
        let digests: Vec<Digests> = self.hashers.into_iter().map(|lane| lane.hasher.finish()).collect();
        self.views.into_iter().map(|(view, lane)| (view, digests[lane])).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference conversions, written out independently of n64-core.
    fn swapped(bytes: &[u8], order: ByteOrder) -> Vec<u8> {
        match order {
            ByteOrder::Z64 => bytes.to_vec(),
            ByteOrder::V64 => bytes.chunks(2).flat_map(|c| c.iter().rev().copied().collect::<Vec<_>>()).collect(),
            ByteOrder::N64 => bytes.chunks(4).flat_map(|c| c.iter().rev().copied().collect::<Vec<_>>()).collect(),
            other => panic!("no reference for {other}"),
        }
    }

    #[test]
    fn every_view_of_every_order_in_chunks() {
        let z64: Vec<u8> = (0u32..4096).map(|i| i.wrapping_mul(2_654_435_761).to_be_bytes()[1]).collect();
        for stored_order in ByteOrder::ALL {
            let stored = swapped(&z64, stored_order);
            let views = [Some(ByteOrder::Z64), Some(ByteOrder::V64), Some(ByteOrder::N64), None];
            let mut lanes = Lanes::new(&views, Some(stored_order), stored.len() as u64, Algorithms::ALL);
            let mut copy = stored.clone();
            for (i, chunk) in copy.chunks_mut(1024).enumerate() {
                if i % 2 == 0 { lanes.update(chunk) } else { lanes.update_mut(chunk) }
            }
            for (view, digests) in lanes.finish() {
                let expected = match view {
                    Some(order) => swapped(&z64, order),
                    None => stored.clone(),
                };
                assert_eq!(digests.crc32, Some(crc32fast::hash(&expected)), "{stored_order} as {view:?}");
            }
        }
    }

    #[test]
    fn an_odd_length_or_unknown_order_is_hashed_raw() {
        let stored = [1u8, 2, 3, 4, 5, 6];
        let views = [Some(ByteOrder::Z64), Some(ByteOrder::N64)];
        let lanes = Lanes::new(&views, Some(ByteOrder::V64), 6, Algorithms::ALL);
        assert_eq!(lanes.hashers.len(), 2, "v64 to z64 works on 6 bytes; to n64 does not");
        let mut lanes = Lanes::new(&views, None, 6, Algorithms::ALL);
        assert_eq!(lanes.hashers.len(), 1);
        lanes.update(&stored);
        let digests = lanes.finish();
        assert!(digests.iter().all(|(_, d)| d.crc32 == Some(crc32fast::hash(&stored))));
    }
}
