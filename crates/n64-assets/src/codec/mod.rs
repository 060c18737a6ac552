//! Yaz0, Yay0 and MIO0: the block codecs of Nintendo's N64 games.
