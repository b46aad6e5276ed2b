//! Section 7 (rationale matrices) and section 8 (TOE summary specification).
//!
//! Why matrices: reviewers check coverage at a glance — every threat, OSP and assumption met by
//! an objective, every TOE objective met by an SFR, and (CC:2022 direct rationale) threats met
//! by SFRs. Rows and columns come from the definitions in the document (ids referenced but not
//! defined get a column too, flagged), cells hold a ✓ with text for screen readers, and the
//! uncovered rows are listed under each matrix.

use dtsec_model::{Definition, Id};

use crate::html::Html;
use crate::markdown;
use crate::view::{OBJ, SFR, SPD, View, empty, section, sub};

/// One row or column header: the id, its anchor prefix, and whether the page defines it.
struct Axis<'a> {
    id: &'a str,
    prefix: &'static str,
    defined: bool,
}

fn defined<'a>(defs: &[&'a Definition], prefix: &'static str) -> Vec<Axis<'a>> {
    defs.iter()
        .map(|d| Axis {
            id: &d.id.value,
            prefix,
            defined: true,
        })
        .collect()
}

/// Appends ids referenced in `refs` that are not yet on the axis (flagged as undefined).
fn add_referenced<'a>(
    axis: &mut Vec<Axis<'a>>,
    refs: impl Iterator<Item = &'a Id>,
    prefix: &'static str,
) {
    for r in refs {
        if !axis.iter().any(|a| a.id == r.value) {
            axis.push(Axis {
                id: &r.value,
                prefix,
                defined: false,
            });
        }
    }
}

fn matrix(
    h: &mut Html,
    v: &View<'_>,
    caption: &str,
    corner: &'static str,
    rows: &[Axis<'_>],
    cols: &[Axis<'_>],
    hit: impl Fn(&str, &str) -> bool,
) -> Vec<usize> {
    let mut uncovered = Vec::new();
    h.open(
        "div",
        &[
            ("class", "scroll"),
            ("role", "region"),
            ("aria-label", caption),
            ("tabindex", "0"),
        ],
    );
    h.raw("<table class=\"matrix\">");
    h.el("caption", &[], caption);
    h.raw("<thead><tr><th scope=\"col\">");
    h.raw(corner);
    h.raw("</th>");
    for c in cols {
        h.raw("<th scope=\"col\">");
        axis_label(h, v, c);
        h.raw("</th>");
    }
    h.raw("</tr></thead><tbody>");
    for (ri, r) in rows.iter().enumerate() {
        h.raw("<tr><th scope=\"row\">");
        axis_label(h, v, r);
        h.raw("</th>");
        let mut any = false;
        for c in cols {
            if hit(r.id, c.id) {
                any = true;
                h.raw("<td class=\"hit\"><span aria-hidden=\"true\">✓</span><span class=\"vh\">yes</span></td>");
            } else {
                h.raw("<td></td>");
            }
        }
        h.raw("</tr>");
        if !any {
            uncovered.push(ri);
        }
    }
    h.raw("</tbody></table></div>\n");
    uncovered
}

fn axis_label(h: &mut Html, v: &View<'_>, a: &Axis<'_>) {
    v.link(h, a.prefix, a.id);
    if !a.defined {
        h.raw(" <span class=\"problem\">(not defined)</span>");
    }
}

fn uncovered_list(
    h: &mut Html,
    v: &View<'_>,
    lead: &'static str,
    rows: &[Axis<'_>],
    idx: &[usize],
) {
    if idx.is_empty() {
        return;
    }
    h.raw("<p>");
    h.raw(lead);
    h.raw(" ");
    for (i, ri) in idx.iter().enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        v.link(h, rows[*ri].prefix, rows[*ri].id);
    }
    h.raw(".</p>\n");
}

/// Section 7.
pub(crate) fn matrices(h: &mut Html, v: &View<'_>) {
    section(h, "sec-rationale", 7, "Rationale");
    let objectives = v.all_objectives();

    // 7.1: threats, OSPs, assumptions × objectives.
    sub(
        h,
        (7, 1),
        "Security problem definition and security objectives",
        None,
    );
    let mut rows = defined(&v.threats.items, SPD);
    rows.extend(defined(&v.osps.items, SPD));
    rows.extend(defined(&v.assumptions.items, SPD));
    add_referenced(&mut rows, objectives.iter().flat_map(|o| &o.addresses), SPD);
    let cols = defined(&objectives, OBJ);
    if rows.is_empty() || cols.is_empty() {
        empty(
            h,
            "No security problem definition or no objectives to trace.",
        );
    } else {
        let unc = matrix(
            h,
            v,
            "Threats, OSPs and assumptions (rows) addressed by security objectives (columns)",
            "SPD item",
            &rows,
            &cols,
            |r, c| {
                objectives
                    .iter()
                    .any(|o| o.id.value == c && o.addresses.iter().any(|a| a.value == r))
            },
        );
        uncovered_list(h, v, "Not addressed by any objective:", &rows, &unc);
    }

    // 7.2: SFRs × TOE objectives.
    sub(h, (7, 2), "Security objectives and SFRs", None);
    let sfr_rows: Vec<Axis<'_>> = v
        .sfrs
        .iter()
        .map(|s| Axis {
            id: s.id(),
            prefix: SFR,
            defined: true,
        })
        .collect();
    let mut obj_cols = defined(&v.obj_toe.items, OBJ);
    add_referenced(
        &mut obj_cols,
        v.sfrs.iter().flat_map(|s| s.objectives()),
        OBJ,
    );
    if sfr_rows.is_empty() || obj_cols.is_empty() {
        empty(h, "No SFRs or no TOE objectives to trace.");
    } else {
        let unc = matrix(
            h,
            v,
            "SFRs (rows) meeting security objectives for the TOE (columns)",
            "SFR",
            &sfr_rows,
            &obj_cols,
            |r, c| {
                v.sfrs
                    .iter()
                    .any(|s| s.id() == r && s.objectives().iter().any(|o| o.value == c))
            },
        );
        uncovered_list(h, v, "SFRs tracing to no objective:", &sfr_rows, &unc);
        let unmet: Vec<&Axis<'_>> = obj_cols
            .iter()
            .filter(|c| {
                c.defined
                    && !v
                        .sfrs
                        .iter()
                        .any(|s| s.objectives().iter().any(|o| o.value == c.id))
            })
            .collect();
        if !unmet.is_empty() {
            h.raw("<p>TOE objectives met by no SFR: ");
            for (i, c) in unmet.iter().enumerate() {
                if i > 0 {
                    h.raw(", ");
                }
                v.link(h, OBJ, c.id);
            }
            h.raw(".</p>\n");
        }
    }

    // 7.3: direct rationale, when the document uses it.
    if v.sfrs.iter().any(|s| !s.addresses().is_empty()) {
        sub(h, (7, 3), "Direct rationale: SFRs and threats", None);
        let mut cols = defined(&v.threats.items, SPD);
        cols.extend(defined(&v.osps.items, SPD));
        add_referenced(&mut cols, v.sfrs.iter().flat_map(|s| s.addresses()), SPD);
        matrix(
            h,
            v,
            "SFRs (rows) directly countering threats and enforcing OSPs (columns)",
            "SFR",
            &sfr_rows,
            &cols,
            |r, c| {
                v.sfrs
                    .iter()
                    .any(|s| s.id() == r && s.addresses().iter().any(|a| a.value == c))
            },
        );
    }
    h.raw("</section>\n");
}

/// Section 8 (numbered `number`).
pub(crate) fn tss(h: &mut Html, v: &View<'_>, number: usize) {
    crate::view::section(h, "sec-tss", number, "TOE summary specification");
    if v.doc.tss.is_empty() {
        empty(h, "No TOE summary specification is given.");
    }
    for (i, (entry, anchor)) in v.doc.tss.iter().zip(&v.a_tss).enumerate() {
        let ids: Vec<&str> = entry.sfrs.iter().map(|s| s.value.as_str()).collect();
        let title = if ids.is_empty() {
            "(no SFRs named)".to_owned()
        } else {
            ids.join(", ")
        };
        h.raw("<section class=\"tss\">\n");
        sub(h, (number, i + 1), &title, Some(anchor));
        h.raw("<p class=\"meta\">Covers: ");
        v.links(h, SFR, &entry.sfrs);
        h.raw("</p>\n");
        markdown::blocks(h, &entry.description.value);
        h.raw("</section>\n");
    }
    if !v.sfrs.is_empty() {
        sub(
            h,
            (number, v.doc.tss.len() + 1),
            "TSS coverage of the SFRs",
            None,
        );
        h.raw("<table><caption>Where the TSS explains each SFR</caption><thead><tr><th scope=\"col\">SFR</th><th scope=\"col\">TSS entries</th></tr></thead><tbody>");
        for s in &v.sfrs {
            h.raw("<tr><th scope=\"row\">");
            v.link(h, SFR, s.id());
            h.raw("</th><td>");
            let mut any = false;
            for (i, (entry, anchor)) in v.doc.tss.iter().zip(&v.a_tss).enumerate() {
                if entry.sfrs.iter().any(|x| x.value == s.id()) {
                    if any {
                        h.raw(", ");
                    }
                    any = true;
                    let href = format!("#{anchor}");
                    h.open("a", &[("href", &href)]);
                    h.num(number);
                    h.raw(".");
                    h.num(i + 1);
                    h.close("a");
                }
            }
            if !any {
                h.raw("<span class=\"problem\">not covered</span>");
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>\n");
    }
    h.raw("</section>\n");
}
