//! What a file name says about a ROM.

use std::path::Path;

use n64_core::ByteOrder;

/// The byte order a file's extension names (`.z64`, `.v64`, `.n64`, any case), if any.
///
/// ```
/// use n64_core::ByteOrder;
/// use n64_io::order_of_extension;
/// assert_eq!(order_of_extension("Game.V64".as_ref()), Some(ByteOrder::V64));
/// assert_eq!(order_of_extension("game.bin".as_ref()), None);
/// ```
pub fn order_of_extension(path: &Path) -> Option<ByteOrder> {
    let ext = path.extension()?.to_str()?;
    ByteOrder::ALL.into_iter().find(|order| ext.eq_ignore_ascii_case(order.name()))
}
