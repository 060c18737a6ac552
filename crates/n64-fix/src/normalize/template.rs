//! File names built from header fields: `--rename "{title} ({region})"`.

use n64_core::RomInfo;

/// The placeholders a template may use.
/// `{save}` is the save type (`eeprom4k`, …, `none`) from the Advanced Homebrew header or the game
/// database, `unknown` when neither knows the game.
pub(crate) const PLACEHOLDERS: [&str; 6] = ["title", "game_code", "region", "version", "cic", "save"];

/// Longest stem kept, in bytes (file systems allow 255 with the extension).
const MAX_STEM: usize = 200;

/// A parsed template: literal text and placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(usize),
}

impl Template {
    /// Parses a template. Unknown placeholders, unbalanced braces, and a template without any
    /// placeholder (which would give every file the same name) are errors.
    pub(crate) fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err(format!("--rename: unmatched '}}' in {text:?}"));
            }
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let close = rest[open..].find('}').ok_or_else(|| format!("--rename: unmatched '{{' in {text:?}"))? + open;
            let name = &rest[open + 1..close];
            let index = PLACEHOLDERS.iter().position(|p| *p == name).ok_or_else(|| {
                format!("--rename: unknown placeholder {{{name}}}; valid: {{{}}}", PLACEHOLDERS.join("} {"))
            })?;
            parts.push(Part::Field(index));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        if !parts.iter().any(|p| matches!(p, Part::Field(_))) {
            return Err(format!(
                "--rename: {text:?} has no placeholder, so every file would get the same name; use fields such as {{title}} or {{game_code}} (valid: {{{}}})",
                PLACEHOLDERS.join("} {")
            ));
        }
        Ok(Template { parts })
    }

    /// The file name stem for a ROM (without extension), made safe for any file system. A field
    /// with nothing printable to show (a game code of zero bytes) is left out.
    pub(crate) fn render(&self, info: &RomInfo) -> String {
        let header = &info.header;
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Field(0) => {
                    let title = sanitize(&header.title().text().replace('\u{FFFD}', ""));
                    out.push_str(if title.is_empty() { "untitled" } else { &title });
                }
                Part::Field(1) => out.push_str(header.game_code().text().unwrap_or_default()),
                Part::Field(2) => out.push_str(header.game_code().destination().description()),
                Part::Field(3) => out.push_str(&header.rom_version().unwrap_or(0).to_string()),
                Part::Field(4) => out.push_str(info.cic.map_or("unknown", n64_core::CicKind::name)),
                Part::Field(_) => out.push_str(
                    n64_core::game_db::resolve(header).and_then(|save| save.save_type.name()).unwrap_or("unknown"),
                ),
            }
        }
        safe_stem(&out)
    }
}

/// Replaces path separators, control characters and `<>:"|?*` with `_`.
pub(crate) fn sanitize(text: &str) -> String {
    let replaced: String =
        text.chars().map(|c| if c.is_control() || "/\\<>:\"|?*".contains(c) { '_' } else { c }).collect();
    replaced.trim().to_owned()
}

/// A stem that is safe and not hidden: sanitised, trimmed of spaces and dots, at most
/// [`MAX_STEM`] bytes, `"untitled"` when nothing is left.
pub(crate) fn safe_stem(text: &str) -> String {
    let clean = sanitize(text);
    let mut stem = clean.trim_matches(|c: char| c == '.' || c.is_whitespace()).to_owned();
    if stem.len() > MAX_STEM {
        let mut end = MAX_STEM;
        while !stem.is_char_boundary(end) {
            end -= 1;
        }
        stem.truncate(end);
        stem.truncate(stem.trim_end().len());
    }
    if stem.is_empty() { "untitled".to_owned() } else { stem }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_and_refuse_unknown_fields() {
        assert!(Template::parse("{title} ({region})").is_ok());
        assert!(Template::parse("{name}").unwrap_err().contains("unknown placeholder {name}"));
        assert!(Template::parse("{title").unwrap_err().contains("unmatched"));
        assert!(Template::parse("title}").unwrap_err().contains("unmatched"));
    }

    /// B9: a template without a placeholder would give every file the same name.
    #[test]
    fn constant_templates_are_refused() {
        for text in ["", "   ", "game", "[no fields]"] {
            let err = Template::parse(text).unwrap_err();
            assert!(err.contains("has no placeholder"), "{text:?}: {err}");
        }
    }

    proptest::proptest! {
        /// Any text parses or is refused, never panics; a parsed template renders a safe stem.
        #[test]
        fn any_template_parses_or_is_refused(text in "\\PC{0,40}", title in proptest::collection::vec(proptest::prelude::any::<u8>(), 20)) {
            if let Ok(template) = Template::parse(&text) {
                let mut rom = vec![0u8; 0x1000];
                rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
                rom[0x20..0x34].copy_from_slice(&title);
                let info = n64_core::inspect(&rom, 0x1000, n64_core::InspectOptions::default()).unwrap();
                let stem = template.render(&info);
                proptest::prop_assert!(!stem.is_empty() && !stem.contains('/') && !stem.starts_with('.'));
                proptest::prop_assert!(stem.len() <= MAX_STEM);
            }
        }
    }

    /// `{save}`: ares gives Ocarina of Time (NZL) SRAM 32 KiB; an unknown game is "unknown";
    /// a homebrew header's nibble 5 is FlashRAM.
    #[test]
    fn save_placeholder_uses_the_homebrew_header_then_the_database() {
        let template = Template::parse("{title} [{save}]").unwrap();
        let render = |code: &[u8; 4], flags: u8| {
            let mut rom = vec![0u8; 0x1000];
            rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
            rom[0x20..0x24].copy_from_slice(b"GAME");
            rom[0x3B..0x3F].copy_from_slice(code);
            rom[0x3F] = flags;
            template.render(&n64_core::inspect(&rom, 0x1000, n64_core::InspectOptions::default()).unwrap())
        };
        assert_eq!(render(b"NZLE", 0), "GAME [sram256k]");
        assert_eq!(render(b"NQQE", 0), "GAME [unknown]");
        assert_eq!(render(b"NEDE", 0x50), "GAME [flashram]");
    }

    #[test]
    fn stems_are_safe() {
        assert_eq!(safe_stem("a/b\\c<d>e:f\"g|h?i*j\u{1}"), "a_b_c_d_e_f_g_h_i_j_");
        assert_eq!(safe_stem("  ..hidden  "), "hidden");
        assert_eq!(safe_stem(" . "), "untitled");
        assert_eq!(safe_stem(&"é".repeat(150)).len(), 200);
    }
}
