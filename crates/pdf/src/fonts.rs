//! The bundled fonts, and the mapping of text to their glyphs with per-character fallback.
//!
//! Why embedded fonts: the 14 standard PDF fonts only cover WinAnsi, so a product called
//! "Łódź 血糖" printed as "?ód? ??". A certificate must show the names it certifies exactly, so
//! the crate carries real TrueType fonts in the binary (`include_bytes!`, no files at run time)
//! and embeds, per document, only the glyphs it used (`embed.rs`). DejaVu Sans covers Latin,
//! Greek, Cyrillic and many symbols; Droid Sans Fallback covers CJK. Each character takes the
//! first font of its style's chain that has it; a character no font has becomes a visible
//! replacement glyph (U+FFFD) and is counted, never a silent `?`.
//!
//! What it does not: shaping (ligatures, kerning, Arabic joining, Indic reordering) or
//! right-to-left ordering. One character is one glyph, which is right for the Latin, Greek,
//! Cyrillic and CJK text a certificate or ETR carries.

use ttf_parser::{Face as TtfFace, GlyphId};

/// The styles text is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Font {
    /// DejaVu Sans, for body text.
    Regular,
    /// DejaVu Sans Bold, for headings and table headers.
    Bold,
    /// DejaVu Sans slanted by the text matrix, for notes (no separate italic file is shipped).
    Italic,
    /// DejaVu Sans Mono, for identifiers and digests.
    Mono,
}

impl Font {
    const ALL: [Font; 4] = [Font::Regular, Font::Bold, Font::Italic, Font::Mono];

    fn index(self) -> usize {
        match self {
            Font::Regular => 0,
            Font::Bold => 1,
            Font::Italic => 2,
            Font::Mono => 3,
        }
    }

    /// The faces tried for a character, in order.
    fn chain(self) -> &'static [FaceId] {
        match self {
            Font::Regular | Font::Italic => &[FaceId::Sans, FaceId::Cjk],
            Font::Bold => &[FaceId::SansBold, FaceId::Sans, FaceId::Cjk],
            Font::Mono => &[FaceId::Mono, FaceId::Sans, FaceId::Cjk],
        }
    }
}

/// One bundled font file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FaceId {
    Sans,
    SansBold,
    Mono,
    Cjk,
}

impl FaceId {
    /// Every bundled face, in resource order.
    pub(crate) const ALL: [FaceId; 4] = [FaceId::Sans, FaceId::SansBold, FaceId::Mono, FaceId::Cjk];

    /// The font file's bytes.
    pub(crate) fn data(self) -> &'static [u8] {
        match self {
            FaceId::Sans => include_bytes!("../fonts/DejaVuSans.ttf"),
            FaceId::SansBold => include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
            FaceId::Mono => include_bytes!("../fonts/DejaVuSansMono.ttf"),
            FaceId::Cjk => include_bytes!("../fonts/DroidSansFallbackFull.ttf"),
        }
    }

    /// The PostScript name, used (with a subset tag) as the PDF `BaseFont`.
    pub(crate) fn ps_name(self) -> &'static str {
        match self {
            FaceId::Sans => "DejaVuSans",
            FaceId::SansBold => "DejaVuSans-Bold",
            FaceId::Mono => "DejaVuSansMono",
            FaceId::Cjk => "DroidSansFallbackFull",
        }
    }

    /// The resource name used in content streams.
    pub(crate) fn resource_name(self) -> &'static [u8] {
        match self {
            FaceId::Sans => b"F1",
            FaceId::SansBold => b"F2",
            FaceId::Mono => b"F3",
            FaceId::Cjk => b"F4",
        }
    }

    /// Position in [`FaceId::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            FaceId::Sans => 0,
            FaceId::SansBold => 1,
            FaceId::Mono => 2,
            FaceId::Cjk => 3,
        }
    }
}

/// One glyph to draw: which face, which glyph, the character it stands for (for the PDF's
/// `ToUnicode` map, so copied text is the text), and its advance in thousandths of the size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Glyph {
    pub(crate) face: FaceId,
    pub(crate) gid: u16,
    pub(crate) ch: char,
    pub(crate) advance: f32,
    /// True when no bundled font has `ch` and this is the replacement glyph.
    pub(crate) replaced: bool,
}

/// The replacement character drawn for a character no bundled font has.
pub(crate) const REPLACEMENT: char = '\u{FFFD}';

/// The parsed bundled faces. Parsing only reads the table directory, so it is cheap to do once
/// per document; nothing is kept between documents.
pub(crate) struct Fonts {
    faces: [Option<TtfFace<'static>>; 4],
    /// The glyphs of the characters below [`TABLE_END`] per style, looked up once: most text is
    /// Latin, and a `cmap` search per character made layout of a long ETR slow.
    table: [Vec<Glyph>; 4],
}

/// Characters below this (Basic Latin, Latin-1, Latin Extended-A) are looked up in advance.
const TABLE_END: u32 = 0x180;

impl Fonts {
    /// Parses the bundled fonts. A face that does not parse (a corrupt build) is treated as one
    /// with no glyphs, so layout degrades to replacements rather than failing; a unit test
    /// keeps every bundled face parseable.
    pub(crate) fn bundled() -> Fonts {
        let mut fonts = Fonts {
            faces: FaceId::ALL.map(|f| TtfFace::parse(f.data(), 0).ok()),
            table: Default::default(),
        };
        for font in Font::ALL {
            let glyphs = (0..TABLE_END)
                .map(|c| fonts.resolve(font, char::from_u32(c).unwrap_or(REPLACEMENT)))
                .collect();
            fonts.table[font.index()] = glyphs;
        }
        fonts
    }

    pub(crate) fn face(&self, id: FaceId) -> Option<&TtfFace<'static>> {
        self.faces[id.index()].as_ref()
    }

    /// The glyph of `ch` in one face, if that face has it.
    fn lookup(&self, id: FaceId, ch: char) -> Option<Glyph> {
        let face = self.face(id)?;
        let gid = face.glyph_index(ch)?;
        if gid.0 == 0 {
            return None;
        }
        Some(Glyph {
            face: id,
            gid: gid.0,
            ch,
            advance: self.advance(id, gid.0),
            replaced: false,
        })
    }

    /// Advance of a glyph in thousandths of the font size.
    pub(crate) fn advance(&self, id: FaceId, gid: u16) -> f32 {
        let Some(face) = self.face(id) else {
            return 0.0;
        };
        let upem = f32::from(face.units_per_em().max(1));
        let adv = face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0);
        f32::from(adv) * 1000.0 / upem
    }

    /// The glyph for `ch` in `font`: the first face of the style's chain that has it, else the
    /// replacement glyph.
    pub(crate) fn glyph(&self, font: Font, ch: char) -> Glyph {
        match self.table[font.index()].get(ch as usize) {
            Some(g) => *g,
            None => self.resolve(font, ch),
        }
    }

    /// [`Fonts::glyph`] without the table: searches the faces' `cmap`s.
    fn resolve(&self, font: Font, ch: char) -> Glyph {
        if let Some(g) = font.chain().iter().find_map(|&f| self.lookup(f, ch)) {
            return g;
        }
        let replacement = self
            .lookup(FaceId::Sans, REPLACEMENT)
            .or_else(|| self.lookup(FaceId::Sans, '?'));
        match replacement {
            Some(g) => Glyph {
                ch: REPLACEMENT,
                replaced: true,
                ..g
            },
            None => Glyph {
                face: FaceId::Sans,
                gid: 0,
                ch: REPLACEMENT,
                advance: 0.0,
                replaced: true,
            },
        }
    }

    /// The glyphs of `text`: a tab is a space, other control characters are dropped.
    pub(crate) fn shape(&self, font: Font, text: &str) -> Vec<Glyph> {
        text.chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .map(|c| self.glyph(font, c))
            .collect()
    }

    /// Width of text in points at `size`.
    pub(crate) fn text_width(&self, font: Font, size: f32, text: &str) -> f32 {
        width(&self.shape(font, text), size)
    }
}

/// Width of glyphs in points at `size`.
pub(crate) fn width(glyphs: &[Glyph], size: f32) -> f32 {
    glyphs.iter().map(|g| g.advance).sum::<f32>() * size / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_face_parses() {
        let fonts = Fonts::bundled();
        for f in FaceId::ALL {
            assert!(fonts.face(f).is_some(), "{f:?} does not parse");
        }
    }

    #[test]
    fn characters_fall_back_from_face_to_face() {
        let fonts = Fonts::bundled();
        let g = fonts.shape(Font::Regular, "Łó血Ω");
        let faces: Vec<FaceId> = g.iter().map(|g| g.face).collect();
        assert_eq!(
            faces,
            [FaceId::Sans, FaceId::Sans, FaceId::Cjk, FaceId::Sans]
        );
        assert!(g.iter().all(|g| !g.replaced && g.advance > 0.0));
        let m = fonts.shape(Font::Mono, "ab");
        assert_eq!(m[0].advance, m[1].advance, "mono is monospaced");
    }

    #[test]
    fn a_character_no_font_has_is_a_counted_replacement() {
        let fonts = Fonts::bundled();
        // U+10FFFD is a private-use code point no bundled font draws.
        let g = fonts.shape(Font::Bold, "a\u{10FFFD}\tb\u{7}");
        assert_eq!(g.len(), 4);
        assert!(g[1].replaced);
        assert_eq!(g[1].ch, REPLACEMENT);
        assert!(g[1].advance > 0.0, "the replacement is visible");
        assert_eq!(g[2].ch, ' ');
    }
}
