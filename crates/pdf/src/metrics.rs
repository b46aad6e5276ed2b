//! Glyph widths of the standard Helvetica, Helvetica-Bold and Courier fonts, and the mapping of
//! Unicode text to the WinAnsi code page those fonts are used with.
//!
//! Why: word wrap and table layout need to know how wide a line will be without embedding or
//! parsing a font file. The widths are the public Adobe Font Metrics (AFM) facts of the 14
//! standard PDF fonts, in thousandths of the font size; every PDF reader ships the fonts.

/// The fonts this crate writes with (all among the PDF standard 14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Font {
    /// Helvetica, for body text.
    Regular,
    /// Helvetica-Bold, for headings and table headers.
    Bold,
    /// Helvetica-Oblique, for notes (same widths as Helvetica).
    Italic,
    /// Courier, for identifiers and digests (every glyph 600 units wide).
    Mono,
}

impl Font {
    /// The PDF base font name.
    pub fn base_name(self) -> &'static [u8] {
        match self {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
            Font::Italic => b"Helvetica-Oblique",
            Font::Mono => b"Courier",
        }
    }

    /// The resource name used in content streams.
    pub fn resource_name(self) -> &'static [u8] {
        match self {
            Font::Regular => b"F1",
            Font::Bold => b"F2",
            Font::Italic => b"F3",
            Font::Mono => b"F4",
        }
    }

    /// All fonts, in resource order.
    pub const ALL: [Font; 4] = [Font::Regular, Font::Bold, Font::Italic, Font::Mono];
}

/// Helvetica widths for WinAnsi codes 32..=126.
const HELVETICA_ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 32-47
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 48-63
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 64-79
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 80-95
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 96-111
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 112-126
];

/// Helvetica-Bold widths for WinAnsi codes 32..=126.
const HELVETICA_BOLD_ASCII: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 32-47
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 48-63
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 64-79
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 80-95
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 96-111
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // 112-126
];

/// Helvetica widths for WinAnsi codes 128..=255 (0 where the code is unused).
const HELVETICA_HIGH: [u16; 128] = [
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 128-143
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, // 144-159
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 160-175
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 176-191
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278,
    278, // 192-207
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 208-223
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 224-239
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 240-255
];

/// Helvetica-Bold widths for WinAnsi codes 128..=255 (0 where the code is unused).
const HELVETICA_BOLD_HIGH: [u16; 128] = [
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 128-143
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, // 144-159
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 160-175
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 176-191
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278,
    278, // 192-207
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 208-223
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 224-239
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 240-255
];

/// Width of one WinAnsi code in thousandths of the font size.
pub fn code_width(font: Font, code: u8) -> u16 {
    let (ascii, high) = match font {
        Font::Mono => return 600,
        Font::Regular | Font::Italic => (&HELVETICA_ASCII, &HELVETICA_HIGH),
        Font::Bold => (&HELVETICA_BOLD_ASCII, &HELVETICA_BOLD_HIGH),
    };
    match code {
        32..=126 => ascii[usize::from(code - 32)],
        128..=255 => match high[usize::from(code - 128)] {
            0 => ascii[usize::from(b'?' - 32)],
            w => w,
        },
        _ => 0,
    }
}

/// Width of WinAnsi-encoded text in points at `size`.
pub fn text_width(font: Font, size: f32, encoded: &[u8]) -> f32 {
    let units: u32 = encoded
        .iter()
        .map(|&c| u32::from(code_width(font, c)))
        .sum();
    // Widths are small integers; the conversion to f32 is exact for any realistic line.
    units as f32 * size / 1000.0
}

/// Maps one character to its WinAnsi code: ASCII and Latin-1 map to themselves, the typographic
/// characters of codes 128–159 to theirs, tabs to a space, and anything else to `?`.
pub fn winansi(c: char) -> u8 {
    let cp = u32::from(c);
    match cp {
        0x20..=0x7E => cp as u8,
        0xA0..=0xFF => cp as u8,
        0x09 => b' ',
        _ => match c {
            '€' => 128,
            '‚' => 130,
            'ƒ' => 131,
            '„' => 132,
            '…' => 133,
            '†' => 134,
            '‡' => 135,
            'ˆ' => 136,
            '‰' => 137,
            'Š' => 138,
            '‹' => 139,
            'Œ' => 140,
            'Ž' => 142,
            '‘' => 145,
            '’' => 146,
            '“' => 147,
            '”' => 148,
            '•' => 149,
            '–' => 150,
            '—' => 151,
            '˜' => 152,
            '™' => 153,
            'š' => 154,
            '›' => 155,
            'œ' => 156,
            'ž' => 158,
            'Ÿ' => 159,
            _ => b'?',
        },
    }
}

/// Encodes text as WinAnsi, dropping control characters other than tab.
pub fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .map(winansi)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_widths() {
        assert_eq!(code_width(Font::Regular, b'A'), 667);
        assert_eq!(code_width(Font::Regular, b'i'), 222);
        assert_eq!(code_width(Font::Bold, b'i'), 278);
        assert_eq!(code_width(Font::Mono, b'W'), 600);
        assert_eq!(code_width(Font::Regular, b'~'), 584);
        assert_eq!(code_width(Font::Regular, 0xE9), 556); // é
    }

    #[test]
    fn encoding_replaces_what_winansi_lacks() {
        assert_eq!(
            encode("a–b é ✓"),
            vec![b'a', 150, b'b', b' ', 0xE9, b' ', b'?']
        );
        assert_eq!(encode("x\ny"), b"xy".to_vec());
    }

    #[test]
    fn width_of_a_word() {
        let w = text_width(Font::Regular, 10.0, b"Hello");
        assert!((w - (722.0 + 556.0 + 222.0 + 222.0 + 556.0) / 100.0).abs() < 0.001);
    }
}
