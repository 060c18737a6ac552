//! Serials in any of the forms DATs write them, reduced to the 4-character game code of the ROM
//! header (bytes 0x3B–0x3E).

/// The game codes a serial names: a bare code (`NSME`), a product code (`NUS-NSME-USA`,
/// `NUS-NSME`, any 3-character prefix), or a comma-separated list of these. Letters are taken in
/// upper case; anything else (`!none!`, empty, junk) names no code. Each code appears once.
///
/// ```
/// use n64_dat::game_codes;
///
/// assert_eq!(game_codes("NUS-NSME-USA"), [*b"NSME"]);
/// assert_eq!(game_codes("NSME,NSMJ"), [*b"NSME", *b"NSMJ"]);
/// assert!(game_codes("!none!").is_empty());
/// ```
pub fn game_codes(serial: &str) -> Vec<[u8; 4]> {
    let mut codes = Vec::new();
    for part in serial.split(',') {
        if let Some(code) = code_of(part.trim())
            && !codes.contains(&code)
        {
            codes.push(code);
        }
    }
    codes
}

fn code_of(part: &str) -> Option<[u8; 4]> {
    let mut pieces = part.split('-');
    let first = pieces.next()?;
    let candidate = match (pieces.next(), pieces.next(), pieces.next()) {
        (None, ..) => first,
        (Some(code), _, None) if first.len() == 3 && first.bytes().all(|b| b.is_ascii_alphanumeric()) => code,
        _ => return None,
    };
    let bytes: [u8; 4] = candidate.as_bytes().try_into().ok()?;
    bytes.iter().all(u8::is_ascii_alphanumeric).then(|| bytes.map(|b| b.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(game_codes("NSME"), [*b"NSME"]);
        assert_eq!(game_codes("nsme"), [*b"NSME"]);
        assert_eq!(game_codes("NUS-NSME"), [*b"NSME"]);
        assert_eq!(game_codes("NUS-NSME-USA"), [*b"NSME"]);
        assert_eq!(game_codes("NUD-DMPJ-JPN"), [*b"DMPJ"]);
        assert_eq!(game_codes("NSME, NSMJ ,NSME"), [*b"NSME", *b"NSMJ"]);
        assert_eq!(game_codes("NUS-NSME-USA,NUS-NSMJ-JPN"), [*b"NSME", *b"NSMJ"]);
    }

    #[test]
    fn junk() {
        for junk in [
            "",
            "!none!",
            ",",
            "NSM",
            "NSMEE",
            "NS E",
            "NUS-NSM-USA",
            "NUS-NSME-USA-X",
            "NUSX-NSME",
            "-NSME",
            "NSME-",
            "ÄSME",
            "N-S-M",
        ] {
            assert!(game_codes(junk).is_empty(), "{junk:?}");
        }
        assert_eq!(game_codes("garbage,NSME"), [*b"NSME"]);
    }
}
