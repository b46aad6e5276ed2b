//! The page: skeleton, table of contents, and sections 1–4 (introduction, conformance claims,
//! security problem definition, objectives) plus notes.
//!
//! Why here: these sections are plain prose and tables over the document. The page is the top of
//! the renderer: it calls the requirement and rationale sections (`reqs`, `rationale`), and
//! everything they share with it (the [`View`], headings, tables) lives below all three in
//! `view`, so no section module reaches back up into the page.

use dtsec_model::{ConformanceType, DocRef, Document, LoadedDocument};

use crate::extra::ExtraSection;
use crate::html::Html;
use crate::markdown;
use crate::resolve::Defs;
use crate::view::{OBJ, SPD, View, empty, kind_title, kv_table, section, sub, taken_from};
use crate::{rationale, reqs, roles};

/// Renders the whole page.
pub(crate) fn render(
    doc: &Document,
    source_name: &str,
    claimed: &[&LoadedDocument],
    extra: &[ExtraSection],
) -> String {
    let v = View::new(doc, source_name, claimed);
    let mut h = Html::with_capacity(64 * 1024);
    let kind = kind_title(doc.kind.value);

    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.raw("<meta name=\"generator\" content=\"dtsec-render\">\n<title>");
    h.text(&doc.title);
    h.raw(" — ");
    h.text(kind);
    h.raw("</title>\n<style>\n");
    h.raw(include_str!("style.css"));
    h.raw("</style>\n</head>\n<body>\n");
    h.raw("<a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n<header>\n");
    h.el("p", &[("class", "doc-kind")], kind);
    h.el("h1", &[], &doc.title);
    h.raw("<p class=\"subtitle\"><code>");
    h.text(&doc.id.value);
    h.raw("</code>, version ");
    h.text(&doc.version.value);
    h.raw("</p>\n</header>\n");

    let has_tss = v.is_st() || !doc.tss.is_empty();
    let has_notes = !doc.notes.is_empty();
    let mut toc: Vec<(&str, &str)> = vec![
        ("sec-intro", "Introduction"),
        ("sec-conformance", "Conformance claims"),
        ("sec-spd", "Security problem definition"),
        ("sec-objectives", "Security objectives"),
        ("sec-ecd", "Extended components definition"),
        ("sec-requirements", "Security requirements"),
        ("sec-rationale", "Rationale"),
    ];
    if has_tss {
        toc.push(("sec-tss", "TOE summary specification"));
    }
    if has_notes {
        toc.push(("sec-notes", "Notes"));
    }
    let extra = &extra[..extra.len().min(crate::extra::MAX_SECTIONS)];
    let extra_ids: Vec<String> = extra.iter().map(ExtraSection::id).collect();
    for (s, id) in extra.iter().zip(&extra_ids) {
        toc.push((id.as_str(), s.title.as_str()));
    }
    h.raw("<nav aria-labelledby=\"toc\">\n<h2 id=\"toc\">Contents</h2>\n<ol>");
    for (anchor, title) in &toc {
        let href = format!("#{anchor}");
        h.raw("<li>");
        h.el("a", &[("href", &href)], title);
        h.raw("</li>");
    }
    h.raw("</ol>\n</nav>\n<main id=\"main\" tabindex=\"-1\">\n");

    intro(&mut h, &v);
    conformance(&mut h, &v);
    spd(&mut h, &v);
    objectives(&mut h, &v);
    reqs::extended(&mut h, &v);
    reqs::requirements(&mut h, &v);
    rationale::matrices(&mut h, &v);
    let mut next = 8;
    if has_tss {
        rationale::tss(&mut h, &v, next);
        next += 1;
    }
    if has_notes {
        notes(&mut h, &v, next);
        next += 1;
    }
    crate::extra::write(&mut h, extra, next);

    h.raw("</main>\n<footer>\n<p>Rendered by dtsec from <code>");
    h.text(v.source_name);
    h.raw("</code>. Requirements catalogue: ");
    h.text(v.cat.label());
    h.raw(".</p>\n</footer>\n</body>\n</html>\n");
    h.finish()
}

fn intro(h: &mut Html, v: &View<'_>) {
    let doc = v.doc;
    section(h, "sec-intro", 1, "Introduction");
    let mut n = 0;
    let mut next = || {
        n += 1;
        (1, n)
    };
    sub(h, next(), "Identification", None);
    let edition = doc.cc_edition.as_ref().map(|e| e.value.as_str());
    let keywords = doc.identification.keywords.join(", ");
    let id = &doc.identification;
    kv_table(
        h,
        "Document identification",
        &[
            ("Title", Some(&doc.title)),
            ("Identifier", Some(&doc.id.value)),
            ("Version", Some(&doc.version.value)),
            ("Document type", Some(kind_title(doc.kind.value))),
            (
                "CC edition",
                Some(edition.unwrap_or("not stated (CC:2022 R1 assumed)")),
            ),
            ("Author", id.author.as_deref()),
            ("Date", id.date.as_deref()),
            ("Status", id.status.as_deref()),
            (
                "Keywords",
                (!keywords.is_empty()).then_some(keywords.as_str()),
            ),
            ("Source file", Some(v.source_name)),
        ],
    );
    if let Some(o) = &id.overview {
        markdown::blocks(h, o);
    }

    let toe = &doc.toe;
    if v.is_st() {
        sub(h, next(), "TOE reference", None);
        let type_name = toe.toe_type.as_ref().map(|t| {
            let name = v.claimed.iter().find_map(|ld| {
                ld.document
                    .toe
                    .types
                    .iter()
                    .find(|tt| tt.id == *t)
                    .map(|tt| tt.name.as_str())
            });
            match name {
                Some(name) => format!("{} ({name})", t.value),
                None => t.value.clone(),
            }
        });
        kv_table(
            h,
            "TOE reference",
            &[
                ("TOE name", toe.name.as_deref()),
                ("TOE version", toe.version.as_deref()),
                ("Manufacturer", toe.manufacturer.as_deref()),
                ("TOE type", type_name.as_deref()),
            ],
        );
        if toe.name.is_none() && toe.version.is_none() && toe.manufacturer.is_none() {
            empty(h, "The TOE is not identified.");
        }
        roles::parts(h, v);
    }
    sub(h, next(), "TOE overview", None);
    match &toe.overview {
        Some(o) => markdown::blocks(h, o),
        None => empty(h, "No TOE overview given."),
    }
    if let Some(d) = &toe.description {
        sub(h, next(), "TOE description", None);
        markdown::blocks(h, d);
    }
    if !toe.interfaces.is_empty() {
        h.raw("<p>Interfaces in scope:</p><ul>");
        for i in &toe.interfaces {
            h.el("li", &[], i);
        }
        h.raw("</ul>\n");
    }
    if !v.is_st() && roles::declares(doc) {
        sub(h, next(), "Device forms and roles", None);
        roles::declarations(h, v);
    }
    if !v.is_st() && (!toe.types.is_empty() || !roles::declares(doc)) {
        sub(h, next(), "TOE types", None);
        if toe.types.is_empty() {
            empty(h, "No TOE types listed.");
        } else {
            h.raw("<table><caption>TOE types covered</caption><thead><tr><th scope=\"col\">Identifier</th><th scope=\"col\">Name</th><th scope=\"col\">Description</th></tr></thead><tbody>");
            for t in &toe.types {
                h.raw("<tr><th scope=\"row\"><code>");
                h.text(&t.id.value);
                h.raw("</code></th><td>");
                h.text(&t.name);
                h.raw("</td><td>");
                if let Some(d) = &t.description {
                    markdown::blocks(h, d);
                }
                h.raw("</td></tr>");
            }
            h.raw("</tbody></table>\n");
        }
    }
    if !doc.features.is_empty() {
        sub(
            h,
            next(),
            if v.is_st() {
                "Features of the TOE"
            } else {
                "Optional features"
            },
            None,
        );
        h.raw("<table><caption>Features</caption><thead><tr><th scope=\"col\">Identifier</th><th scope=\"col\">Name</th><th scope=\"col\">Description</th></tr></thead><tbody>");
        for f in &doc.features {
            // An ST names its features by id; their name and meaning are the claimed PP's.
            let def = v
                .claimed
                .iter()
                .flat_map(|c| c.document.features.iter())
                .find(|pf| pf.id.value == f.id.value);
            let name = f.name.as_deref().or(def.and_then(|d| d.name.as_deref()));
            let description = f
                .description
                .as_deref()
                .or(def.and_then(|d| d.description.as_deref()));
            h.raw("<tr><th scope=\"row\"><code>");
            h.text(&f.id.value);
            h.raw("</code></th><td>");
            h.text(name.unwrap_or(""));
            h.raw("</td><td>");
            if let Some(d) = description {
                markdown::blocks(h, d);
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>\n");
    }
    if !doc.base_pps.is_empty() {
        sub(h, next(), "Base Protection Profiles", None);
        doc_refs(
            h,
            v,
            "Base Protection Profiles of this PP-Module",
            &doc.base_pps,
        );
    }
    h.raw("</section>\n");
}

fn doc_refs(h: &mut Html, v: &View<'_>, caption: &str, refs: &[DocRef]) {
    h.raw("<table>");
    h.el("caption", &[], caption);
    h.raw("<thead><tr><th scope=\"col\">Identifier</th><th scope=\"col\">Version</th><th scope=\"col\">Title</th></tr></thead><tbody>");
    for r in refs {
        h.raw("<tr><th scope=\"row\"><code>");
        h.text(&r.id.value);
        h.raw("</code></th><td>");
        h.text(&r.version.value);
        h.raw("</td><td>");
        // A reference without a version names whichever version the caller resolved it to.
        let found = v.claimed.iter().find(|ld| {
            ld.document.id == r.id
                && (ld.document.version == r.version || r.version.value.is_empty())
        });
        match found {
            Some(ld) => h.text(&ld.document.title),
            None => h.raw("<span class=\"note\">not available to the renderer</span>"),
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>\n");
}

fn conformance(h: &mut Html, v: &View<'_>) {
    let c = &v.doc.conformance;
    section(h, "sec-conformance", 2, "Conformance claims");
    sub(h, (2, 1), "CC conformance claim", None);
    let stated = v.doc.cc_edition.as_ref().map(|e| e.value.as_str());
    let catalogue = if v.cat.recognised {
        v.cat.label().to_owned()
    } else {
        format!("{} (edition not recognised; default used)", v.cat.label())
    };
    let ctype = c.conformance_type.as_ref().map(|t| match t.value {
        ConformanceType::Strict => "strict",
        ConformanceType::Demonstrable => "demonstrable",
    });
    kv_table(
        h,
        "CC conformance",
        &[
            ("CC edition", Some(stated.unwrap_or("not stated"))),
            ("Catalogue used", Some(&catalogue)),
            ("Conformance type", Some(ctype.unwrap_or("not stated"))),
        ],
    );
    sub(h, (2, 2), "Protection Profile claims", None);
    if c.pps.is_empty() {
        empty(h, "No Protection Profile is claimed.");
    } else {
        doc_refs(h, v, "Protection Profiles and PP-Modules claimed", &c.pps);
    }
    sub(h, (2, 3), "Package claims", None);
    if c.packages.is_empty() {
        empty(h, "No package is claimed.");
    } else {
        doc_refs(h, v, "Packages claimed", &c.packages);
    }
    if !c.required_packages.is_empty() {
        roles::required_packages(h, v, &c.required_packages);
    }
    sub(h, (2, 4), "Conformance claim rationale", None);
    match &c.rationale {
        Some(r) => markdown::blocks(h, r),
        None => empty(h, "No conformance claim rationale given."),
    }
    h.raw("</section>\n");
}

/// A definition list of threats, assumptions, OSPs or objectives.
fn def_list(h: &mut Html, v: &View<'_>, defs: &Defs<'_>, anchors: &[String], none: &'static str) {
    taken_from(h, &defs.from);
    if defs.items.is_empty() {
        empty(h, none);
        return;
    }
    h.raw("<dl class=\"defs\">\n");
    for (d, anchor) in defs.items.iter().zip(anchors) {
        h.el("dt", &[("id", anchor)], &d.id.value);
        h.raw("<dd>");
        markdown::blocks(h, &d.description);
        if !d.addresses.is_empty() {
            h.raw("<p>Addresses: ");
            v.links(h, SPD, &d.addresses);
            h.raw("</p>");
        }
        h.raw("</dd>\n");
    }
    h.raw("</dl>\n");
}

fn spd(h: &mut Html, v: &View<'_>) {
    section(h, "sec-spd", 3, "Security problem definition");
    sub(h, (3, 1), "Threats", None);
    def_list(h, v, &v.threats, &v.a_threats, "No threats are defined.");
    sub(h, (3, 2), "Assumptions", None);
    def_list(
        h,
        v,
        &v.assumptions,
        &v.a_assumptions,
        "No assumptions are made.",
    );
    sub(h, (3, 3), "Organisational security policies", None);
    def_list(
        h,
        v,
        &v.osps,
        &v.a_osps,
        "No organisational security policies are defined.",
    );
    h.raw("</section>\n");
}

fn objectives(h: &mut Html, v: &View<'_>) {
    section(h, "sec-objectives", 4, "Security objectives");
    sub(h, (4, 1), "Security objectives for the TOE", None);
    def_list(
        h,
        v,
        &v.obj_toe,
        &v.a_obj_toe,
        "No security objectives for the TOE are defined.",
    );
    sub(
        h,
        (4, 2),
        "Security objectives for the operational environment",
        None,
    );
    def_list(
        h,
        v,
        &v.obj_env,
        &v.a_obj_env,
        "No security objectives for the operational environment are defined.",
    );
    sub(h, (4, 3), "Security objectives rationale", None);
    let all = v.all_objectives();
    if all.is_empty() {
        empty(h, "No objectives, so no rationale.");
    } else {
        h.raw("<p>The matrix in <a href=\"#sec-rationale\">section 7.1</a> shows the same tracing at a glance.</p>\n");
        h.raw("<table><caption>How each objective addresses the security problem</caption><thead><tr><th scope=\"col\">Objective</th><th scope=\"col\">Addresses</th><th scope=\"col\">Rationale</th></tr></thead><tbody>");
        for o in all {
            h.raw("<tr><th scope=\"row\">");
            v.link(h, OBJ, &o.id.value);
            h.raw("</th><td>");
            v.links(h, SPD, &o.addresses);
            h.raw("</td><td>");
            match &o.rationale {
                Some(r) => markdown::blocks(h, r),
                None => h.raw("<span class=\"note\">none given</span>"),
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>\n");
    }
    h.raw("</section>\n");
}

fn notes(h: &mut Html, v: &View<'_>, number: usize) {
    section(h, "sec-notes", number, "Notes");
    h.raw("<ol class=\"notes\">");
    for n in &v.doc.notes {
        h.raw("<li>");
        markdown::blocks(h, n);
        h.raw("</li>");
    }
    h.raw("</ol>\n</section>\n");
}
