//! Reading our own output back: the PDF with its compressed streams inflated.
//!
//! Why: content streams, fonts and CMaps are deflated, so a test that checks what a page draws
//! (a QR code's rectangles, marked-content sequences) cannot read the bytes directly. This is
//! for tests and debugging of documents this crate wrote, not a PDF parser: it inflates every
//! `stream … endstream` whose body is zlib data and leaves the rest as it is.

/// The most bytes one stream may inflate to; a larger one is left compressed.
const MAX_INFLATED: usize = 64 << 20;

/// The PDF as text (lossy UTF-8) with every zlib-compressed stream inflated.
pub fn expanded(pdf: &[u8]) -> String {
    let mut out = Vec::with_capacity(pdf.len().saturating_mul(4).min(MAX_INFLATED));
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let body = &rest[start + 7..];
        let Some(end) = find(body, b"\nendstream") else {
            break;
        };
        out.extend_from_slice(&rest[..start + 7]);
        match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&body[..end], MAX_INFLATED) {
            Ok(plain) => out.extend_from_slice(&plain),
            Err(_) => out.extend_from_slice(&body[..end]),
        }
        rest = &body[end..];
    }
    out.extend_from_slice(rest);
    String::from_utf8_lossy(&out).into_owned()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #[test]
    fn compressed_content_reads_back() {
        let pdf = crate::Doc::new("t").paragraph("x").to_pdf();
        assert!(!String::from_utf8_lossy(&pdf).contains(" Tj"));
        assert!(super::expanded(&pdf).contains(" Tj"));
    }
}
