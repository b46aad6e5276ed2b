//! The device page's certificate status timeline: a picture and the same facts as a list.
//!
//! Why both: the picture shows at a glance whether a certificate was ever suspended or is
//! revoked; the list beside it is what a screen reader, a text browser or a search engine reads
//! (the SVG also carries a `title` and a `desc`). Events are spaced evenly, not by date: a
//! certificate's changes may be years or minutes apart, and each must stay readable.

use dtsec_registry::StatusChange;

use crate::html::{Markup, html};

/// Horizontal distance between two events, in SVG user units.
const STEP: usize = 150;
/// The picture never grows past this many events; the list below it always has them all.
const MAX_DRAWN: usize = 40;

/// The colour of a status's dot: green while valid, red when withdrawn, grey when archived.
/// Every colour has 4.5:1 contrast or more on white (the text beside it is the label).
fn colour(status: &str) -> &'static str {
    match status {
        "active" | "maintained" => "#0a5d00",
        "suspended" | "revoked" => "#a00000",
        "under-review" => "#8a4b00",
        _ => "#595959",
    }
}

/// The timeline of `history` (oldest first), or nothing if it is empty.
pub fn timeline(certificate_id: &str, history: &[StatusChange]) -> Markup {
    if history.is_empty() {
        return html! {};
    }
    let drawn = &history[history.len().saturating_sub(MAX_DRAWN)..];
    let width = drawn.len() * STEP + 40;
    let summary: Vec<String> = history
        .iter()
        .map(|h| format!("{} on {}", h.status, date(&h.at)))
        .collect();
    html! {
        h2 id="timeline" { "Status timeline" }
        figure class="timeline" {
            svg role="img" aria-labelledby="tl-title tl-desc" viewBox={ "0 0 " (width) " 80" }
                width=(width) height="80" style="max-width:100%;height:auto" {
                title id="tl-title" { "Status timeline of certificate " (certificate_id) }
                desc id="tl-desc" { (summary.join("; ")) }
                line x1="20" y1="30" x2=(width - 20) y2="30" stroke="#767676" stroke-width="2" {}
                @for (i, h) in drawn.iter().enumerate() {
                    @let x = 20 + STEP / 2 + i * STEP;
                    circle cx=(x) cy="30" r="9" fill=(colour(&h.status)) {}
                    text x=(x) y="60" text-anchor="middle" font-size="14" fill="#1a1a1a" { (h.status) }
                    text x=(x) y="76" text-anchor="middle" font-size="12" fill="#444" { (date(&h.at)) }
                }
            }
            figcaption {
                ol class="timeline-list" {
                    @for h in history {
                        li {
                            strong { (h.status) } " on " (date(&h.at))
                            @if let Some(r) = h.reason.as_deref().filter(|r| !r.trim().is_empty()) {
                                " — " (r)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The day of an RFC 3339 time (`2026-03-01T…` → `2026-03-01`); other text as it is.
fn date(at: &str) -> &str {
    at.get(..10)
        .filter(|d| d.as_bytes().get(4) == Some(&b'-'))
        .unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(status: &str, at: &str, reason: Option<&str>) -> StatusChange {
        StatusChange {
            revision: 1,
            status: status.into(),
            reason: reason.map(str::to_string),
            at: at.into(),
        }
    }

    #[test]
    fn the_picture_is_named_and_the_list_has_every_event() {
        let h = [
            change("active", "2026-01-02T10:00:00Z", None),
            change("suspended", "2026-02-03T10:00:00Z", Some("<b>CVE</b>")),
        ];
        let m = timeline("DTSEC-2026-0001", &h).into_string();
        assert!(m.contains("aria-labelledby=\"tl-title tl-desc\""));
        assert!(
            m.contains("<desc id=\"tl-desc\">active on 2026-01-02; suspended on 2026-02-03</desc>")
        );
        assert_eq!(m.matches("<circle").count(), 2);
        assert!(m.contains(
            "<li><strong>suspended</strong> on 2026-02-03 — &lt;b&gt;CVE&lt;/b&gt;</li>"
        ));
    }

    #[test]
    fn no_history_no_timeline_and_long_ones_are_capped() {
        assert!(timeline("X", &[]).into_string().is_empty());
        let many: Vec<_> = (0..100)
            .map(|_| change("active", "2026-01-02", None))
            .collect();
        let m = timeline("X", &many).into_string();
        assert_eq!(m.matches("<circle").count(), MAX_DRAWN);
        assert_eq!(m.matches("<li>").count(), 100);
    }
}
