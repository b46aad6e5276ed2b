//! QR codes for printed certificates: the same matrix as inline SVG (the printable page) and as
//! a grid of cells (the PDF, drawn with `dtsec-pdf` rectangles).
//!
//! Why a QR code: a printed or framed certificate is static, but a certificate's status is not
//! (it can be suspended or revoked). The code takes a reader from the paper to the live public
//! page. Pure Rust (`qrcode`, SVG only), no image library.

use qrcode::QrCode;
use qrcode::render::svg;
use qrcode::types::{Color, QrError};

/// The light margin, in modules, around the code (the QR standard's quiet zone).
pub const QUIET_ZONE: usize = 4;

fn code(data: &str) -> Result<QrCode, QrError> {
    QrCode::new(data.as_bytes())
}

/// The code's modules with the quiet zone around them, row by row; `true` is dark.
pub fn cells(data: &str) -> Result<Vec<Vec<bool>>, QrError> {
    let code = code(data)?;
    let width = code.width();
    let colors = code.to_colors();
    let side = width + 2 * QUIET_ZONE;
    let mut out = vec![vec![false; side]; side];
    for (i, c) in colors.iter().enumerate() {
        out[QUIET_ZONE + i / width][QUIET_ZONE + i % width] = *c == Color::Dark;
    }
    Ok(out)
}

/// The code as an inline SVG element (one module = one user unit, quiet zone included), sized
/// by CSS, with `label` as its accessible name.
pub fn svg(data: &str, label: &str) -> Result<String, QrError> {
    let image = code(data)?
        .render::<svg::Color<'_>>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // Inline SVG in HTML needs no XML declaration; name it for assistive technology.
    let image = match image.find("<svg") {
        Some(i) => &image[i..],
        None => image.as_str(),
    };
    // The label goes into an attribute: escaped by the pages' own escaper (maud's).
    let mut open = String::from("<svg role=\"img\" aria-label=\"");
    let _ = std::fmt::Write::write_str(&mut maud::Escaper::new(&mut open), label);
    open.push_str("\" class=\"qr\" ");
    Ok(image.replacen("<svg ", &open, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_have_a_quiet_zone_and_finder_patterns() {
        let c = cells("https://r.example/devices/DTSEC-2025-0001").unwrap();
        let side = c.len();
        assert!(c.iter().all(|row| row.len() == side));
        // The quiet zone is light.
        assert!(c[..QUIET_ZONE].iter().all(|row| row.iter().all(|d| !d)));
        assert!(c.iter().all(|row| !row[side - 1]));
        // A finder pattern's top row: seven dark modules at the top-left corner.
        assert!(c[QUIET_ZONE][QUIET_ZONE..QUIET_ZONE + 7].iter().all(|d| *d));
    }

    #[test]
    fn svg_is_labelled_and_inline() {
        let s = svg("https://r.example/x", "QR code <to> the page").unwrap();
        assert!(s.starts_with("<svg role=\"img\" aria-label=\"QR code &lt;to&gt; the page\""));
        assert!(!s.contains("<?xml"));
        assert!(s.ends_with("</svg>"));
    }
}
