//! Embedding the used glyphs of each bundled face as a PDF Type 0 font.
//!
//! Why Type 0 / CIDFontType2 with Identity-H: two-byte codes address any of a face's 65,535
//! glyphs, where a simple font has 256 codes. The face is cut down to the glyphs the document
//! draws (`subsetter`, from the typst project), so a certificate carries a few kilobytes of
//! font, not megabytes. The subset renumbers glyphs; the new glyph id is the CID. Widths come
//! from the face's `hmtx` table, the same numbers layout wrapped with, so what is drawn is what
//! was measured. A `ToUnicode` CMap maps each CID back to its character, so text can be
//! searched and copied (and `pdftotext` reads it).

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;

use crate::fonts::{FaceId, Fonts, Glyph};

/// The glyphs a document uses, per face: original glyph id → the character it was drawn for.
#[derive(Default)]
pub(crate) struct Used {
    per_face: [BTreeMap<u16, char>; 4],
}

impl Used {
    pub(crate) fn add(&mut self, g: &Glyph) {
        self.per_face[g.face.index()].entry(g.gid).or_insert(g.ch);
    }

    pub(crate) fn is_used(&self, face: FaceId) -> bool {
        !self.per_face[face.index()].is_empty()
    }
}

/// How the glyph ids of one face are written in content streams.
pub(crate) enum Cids {
    /// A subset was embedded; CIDs are the subset's glyph ids.
    Subset(GlyphRemapper),
    /// Subsetting failed, so the whole face was embedded; CIDs are the original glyph ids.
    Whole,
}

impl Cids {
    pub(crate) fn cid(&self, gid: u16) -> u16 {
        match self {
            Cids::Subset(r) => r.get(gid).unwrap_or(0),
            Cids::Whole => gid,
        }
    }
}

/// Decides the CIDs of every used face (subsetting it) and returns them with the font bytes.
pub(crate) fn prepare(used: &Used) -> [Option<(Cids, Vec<u8>)>; 4] {
    FaceId::ALL.map(|face| {
        let glyphs = &used.per_face[face.index()];
        if glyphs.is_empty() {
            return None;
        }
        let gids: Vec<u16> = glyphs.keys().copied().collect();
        let remapper = GlyphRemapper::new_from_glyphs_sorted(&gids);
        Some(match subsetter::subset(face.data(), 0, &remapper) {
            Ok(bytes) => (Cids::Subset(remapper), bytes),
            // Still a correct document, only a larger one.
            Err(_) => (Cids::Whole, face.data().to_vec()),
        })
    })
}

/// A six-letter subset tag (PDF 32000-1 §9.6.4) derived from the glyph set, so the same
/// document always gets the same name and different subsets get different ones.
fn subset_tag(face: FaceId, gids: impl Iterator<Item = u16>) -> String {
    // FNV-1a: tiny, stable across platforms and Rust versions.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in face
        .ps_name()
        .bytes()
        .chain(gids.flat_map(u16::to_be_bytes))
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8))
        .collect()
}

/// Writes one face as a Type 0 font at `type0`, using refs from `next` for its other objects.
pub(crate) fn write_face(
    pdf: &mut Pdf,
    fonts: &Fonts,
    face: FaceId,
    used: &Used,
    (cids, bytes): &(Cids, Vec<u8>),
    type0: Ref,
    next: &mut impl FnMut() -> Ref,
) {
    let glyphs = &used.per_face[face.index()];
    let base = format!(
        "{}+{}",
        subset_tag(face, glyphs.keys().copied()),
        face.ps_name()
    );
    let cid_id = next();
    let descriptor_id = next();
    let file_id = next();
    let cmap_id = next();

    pdf.type0_font(type0)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    // Widths of every used CID, in thousandths of the font size.
    let mut widths: BTreeMap<u16, f32> = BTreeMap::new();
    for &gid in glyphs.keys() {
        widths.insert(cids.cid(gid), fonts.advance(face, gid));
    }
    {
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(base.as_bytes()))
            .system_info(SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"Identity"),
                supplement: 0,
            })
            .font_descriptor(descriptor_id)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut w = cid.widths();
        for (c, width) in &widths {
            w.consecutive(*c, [*width]);
        }
    }

    let (bbox, ascent, descent, cap) = match fonts.face(face) {
        Some(f) => {
            let s = 1000.0 / f32::from(f.units_per_em().max(1));
            let b = f.global_bounding_box();
            (
                Rect::new(
                    f32::from(b.x_min) * s,
                    f32::from(b.y_min) * s,
                    f32::from(b.x_max) * s,
                    f32::from(b.y_max) * s,
                ),
                f32::from(f.ascender()) * s,
                f32::from(f.descender()) * s,
                f32::from(f.capital_height().unwrap_or(f.ascender())) * s,
            )
        }
        None => (Rect::new(0.0, -250.0, 1000.0, 1000.0), 800.0, -200.0, 700.0),
    };
    let mut flags = FontFlags::NON_SYMBOLIC;
    if face == FaceId::Mono {
        flags |= FontFlags::FIXED_PITCH;
    }
    pdf.font_descriptor(descriptor_id)
        .name(Name(base.as_bytes()))
        .flags(flags)
        .bbox(bbox)
        .italic_angle(0.0)
        .ascent(ascent)
        .descent(descent)
        .cap_height(cap)
        .stem_v(if face == FaceId::SansBold {
            140.0
        } else {
            80.0
        })
        .font_file2(file_id);
    pdf.stream(file_id, bytes).pair(
        Name(b"Length1"),
        i32::try_from(bytes.len()).unwrap_or(i32::MAX),
    );

    let mut cmap = UnicodeCmap::new(
        Name(b"Custom"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    );
    for (&gid, &ch) in glyphs {
        cmap.pair(cids.cid(gid), ch);
    }
    pdf.cmap(cmap_id, &crate::write::deflate(&cmap.finish()))
        .filter(Filter::FlateDecode);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::Font;

    #[test]
    fn a_subset_is_small_and_keeps_the_used_glyphs() {
        let fonts = Fonts::bundled();
        let mut used = Used::default();
        for g in fonts.shape(Font::Regular, "Łódź 血糖") {
            used.add(&g);
        }
        let prepared = prepare(&used);
        let (cids, cjk) = prepared[FaceId::Cjk.index()].as_ref().expect("CJK used");
        assert!(matches!(cids, Cids::Subset(_)));
        assert!(cjk.len() < 20_000, "CJK subset is {} bytes", cjk.len());
        let parsed = ttf_parser::Face::parse(cjk, 0).expect("subset parses");
        // .notdef, the two ideographs, and the components they are composed of.
        let n = parsed.number_of_glyphs();
        assert!((3..10).contains(&n), "{n} glyphs");
        assert!(prepared[FaceId::Mono.index()].is_none());
    }

    #[test]
    fn subset_tags_are_six_capitals_and_depend_on_the_glyphs() {
        let a = subset_tag(FaceId::Sans, [1, 2, 3].into_iter());
        let b = subset_tag(FaceId::Sans, [1, 2, 4].into_iter());
        assert_eq!(a.len(), 6);
        assert!(a.bytes().all(|c| c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
