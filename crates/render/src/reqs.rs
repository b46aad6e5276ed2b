//! Sections 5 and 6: extended components definition and security requirements.
//!
//! Why together: both show requirement elements with their operation slots (open in a PP and
//! in component definitions, completed in an ST), and the dependency table needs the SFRs,
//! SARs and extended components side by side.

use dtsec_model::sfr_id::SfrId;
use dtsec_model::{Element, ExtendedComponent, Id};

use crate::deps::{self, How, Known, Req};
use crate::html::Html;
use crate::markdown;
use crate::ops::{self, Mode, Slots};
use crate::resolve::{EffElement, EffSfr};
use crate::roles;
use crate::view::{OBJ, SFR, SPD, View, empty, kv_table, section, sub};

/// Section 5.
pub(crate) fn extended(h: &mut Html, v: &View<'_>) {
    section(h, "sec-ecd", 5, "Extended components definition");
    if v.doc.extended_components.is_empty() {
        empty(h, "This document defines no extended components.");
    }
    borrowed_ecds(h, v);
    for (i, (ec, anchor)) in v.doc.extended_components.iter().zip(&v.a_ecds).enumerate() {
        let title = format!("{} {}", ec.id.value, ec.name);
        sub(h, (5, i + 1), &title, Some(anchor));
        let hier = join_ids(&ec.hierarchical_to);
        let deps = dep_groups(ec);
        kv_table(
            h,
            &format!("Definition of {}", ec.id.value),
            &[
                ("Component", Some(&ec.id.value)),
                ("Name", Some(&ec.name)),
                ("Family name", ec.family_name.as_deref()),
                (
                    "Hierarchical to",
                    Some(if hier.is_empty() {
                        "no other components"
                    } else {
                        &hier
                    }),
                ),
                (
                    "Dependencies",
                    Some(if deps.is_empty() {
                        "no dependencies"
                    } else {
                        &deps
                    }),
                ),
            ],
        );
        if let Some(r) = &ec.rationale {
            h.raw("<p class=\"label\">Rationale</p>\n");
            markdown::blocks(h, r);
        }
        for el in &ec.elements {
            plain_element(h, el, Mode::Template);
        }
    }
    h.raw("</section>\n");
}

/// Extended components the document's SFRs use but a claimed document defines.
fn borrowed_ecds(h: &mut Html, v: &View<'_>) {
    let mut used: Vec<(&str, &str, &dtsec_model::LoadedDocument)> = Vec::new();
    for s in &v.sfrs {
        let comp = SfrId::parse(s.id()).component;
        if v.doc
            .extended_components
            .iter()
            .any(|e| e.id.value.eq_ignore_ascii_case(comp))
            || used.iter().any(|(c, _, _)| c.eq_ignore_ascii_case(comp))
        {
            continue;
        }
        let found = v.claimed.iter().find_map(|ld| {
            ld.document
                .extended_components
                .iter()
                .find(|e| e.id.value.eq_ignore_ascii_case(comp))
                .map(|e| (e.id.value.as_str(), e.name.as_str(), *ld))
        });
        used.extend(found);
    }
    if used.is_empty() {
        return;
    }
    h.raw("<table><caption>Extended components used from claimed documents</caption><thead><tr><th scope=\"col\">Component</th><th scope=\"col\">Name</th><th scope=\"col\">Defined in</th></tr></thead><tbody>");
    for (id, name, ld) in used {
        h.raw("<tr><th scope=\"row\"><code>");
        h.text(id);
        h.raw("</code></th><td>");
        h.text(name);
        h.raw("</td><td><code>");
        h.text(&ld.document.id.value);
        h.raw("</code> version ");
        h.text(&ld.document.version.value);
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>\n");
}

fn join_ids(ids: &[Id]) -> String {
    ids.iter()
        .map(|i| i.value.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn dep_groups(ec: &ExtendedComponent) -> String {
    ec.dependencies
        .iter()
        .map(|g| {
            g.iter()
                .map(|d| d.value.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// An element as written (no claimed document involved).
fn plain_element(h: &mut Html, el: &Element, mode: Mode) {
    let eff = EffElement {
        id: &el.id.value,
        text: el.text.as_ref().map(|t| t.value.as_str()),
        operations: &el.operations,
        completed: el
            .completed
            .iter()
            .map(|(k, v)| (k.as_str(), &v.value))
            .collect(),
        refinements: el.refinement.as_deref().into_iter().collect(),
        text_inherited: false,
    };
    element(h, &eff, mode);
}

fn element(h: &mut Html, el: &EffElement<'_>, mode: Mode) {
    h.raw("<div class=\"element\"><p>");
    h.el("span", &[("class", "element-id")], el.id);
    h.raw(" ");
    let slots = Slots::new(el.operations, el.completed.clone(), mode);
    match el.text {
        Some(text) => ops::render_text(h, text, &slots),
        None => {
            h.raw("<span class=\"note\">(no element text available)</span>");
        }
    }
    h.raw("</p>");
    if el.text.is_none() && !el.completed.is_empty() {
        h.raw("<ul class=\"completions\">");
        for (name, c) in &el.completed {
            h.raw("<li><code>");
            h.text(name);
            h.raw("</code>: <span class=\"completed\" title=\"operation\">");
            h.text(&c.values().join(", "));
            h.raw("</span></li>");
        }
        h.raw("</ul>");
    }
    for r in &el.refinements {
        h.raw("<p class=\"refinement\"><span class=\"marker\">Refinement</span><strong>");
        markdown::inline(h, r);
        h.raw("</strong></p>");
    }
    h.raw("</div>\n");
}

/// The title shown for an SFR: its own, else the catalogue's or the extended component's name.
fn sfr_title<'a>(v: &View<'a>, s: &EffSfr<'a>) -> Option<&'a str> {
    let comp = SfrId::parse(s.id()).component;
    s.title().or_else(|| v.cat.name(comp)).or_else(|| {
        v.ecds
            .iter()
            .find(|e| e.id.value.eq_ignore_ascii_case(comp))
            .map(|e| e.name.as_str())
    })
}

/// Section 6.
pub(crate) fn requirements(h: &mut Html, v: &View<'_>) {
    section(h, "sec-requirements", 6, "Security requirements");
    sub(h, (6, 1), "Security functional requirements", None);
    if v.sfrs.is_empty() {
        empty(h, "This document has no SFRs.");
    } else {
        sfr_table(h, v);
        legend(h, v.mode);
        for (s, anchor) in v.sfrs.iter().zip(&v.a_sfrs) {
            sfr(h, v, s, anchor);
        }
    }
    sub(h, (6, 2), "Security assurance requirements", None);
    if v.doc.sars.is_empty() {
        empty(h, "This document lists no SARs.");
    } else {
        h.raw("<table><caption>Security assurance requirements</caption><thead><tr><th scope=\"col\">Component</th><th scope=\"col\">Name</th></tr></thead><tbody>");
        for sar in &v.doc.sars {
            h.raw("<tr><th scope=\"row\"><code>");
            h.text(&sar.id.value);
            h.raw("</code></th><td>");
            match v.cat.name(&sar.id.value) {
                Some(n) => h.text(n),
                None => h.raw("<span class=\"problem\">not in the catalogue</span>"),
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>\n");
        sar_activities(h, v);
    }
    sub(h, (6, 3), "Dependency rationale", None);
    dependency_table(h, v);
    h.raw("</section>\n");
}

/// The document's evaluation activities for its SARs (per evaluator action element), after the
/// SAR table: what the evaluator must do beyond the CEM for this PP or package.
fn sar_activities(h: &mut Html, v: &View<'_>) {
    let with_ea: Vec<_> = v
        .doc
        .sars
        .iter()
        .filter(|s| s.elements.iter().any(|e| e.evaluation_activities.is_some()))
        .collect();
    if with_ea.is_empty() {
        return;
    }
    h.raw("<p class=\"label\">Evaluation activities for the SARs</p>\n");
    for sar in with_ea {
        h.raw("<section class=\"sfr\">\n<h4>");
        h.text(&sar.id.value);
        if let Some(n) = v.cat.name(&sar.id.value) {
            h.raw(" — ");
            h.text(n);
        }
        h.raw("</h4>\n");
        for el in &sar.elements {
            let Some(ea) = &el.evaluation_activities else {
                continue;
            };
            h.raw("<div class=\"ea\"><p class=\"label\">");
            h.text(&el.id.value);
            h.raw("</p>");
            activities(h, ea);
            h.raw("</div>\n");
        }
        h.raw("</section>\n");
    }
}

/// The parts of one set of evaluation activities (TSS, guidance, tests, other text).
fn activities(h: &mut Html, ea: &dtsec_model::EvaluationActivities) {
    if let Some(o) = &ea.other {
        markdown::blocks(h, o);
    }
    if let Some(t) = &ea.tss {
        h.raw("<p><strong>TSS:</strong></p>");
        markdown::blocks(h, t);
    }
    if let Some(g) = &ea.guidance {
        h.raw("<p><strong>Guidance:</strong></p>");
        markdown::blocks(h, g);
    }
    if !ea.tests.is_empty() {
        h.raw("<p><strong>Tests:</strong></p><ol>");
        for t in &ea.tests {
            h.raw("<li>");
            markdown::blocks(h, t);
            h.raw("</li>");
        }
        h.raw("</ol>");
    }
}

fn sfr_table(h: &mut Html, v: &View<'_>) {
    h.raw("<table><caption>Security functional requirements of this document</caption><thead><tr><th scope=\"col\">SFR</th><th scope=\"col\">Title</th><th scope=\"col\">Status</th><th scope=\"col\">Objectives</th></tr></thead><tbody>");
    for s in &v.sfrs {
        h.raw("<tr><th scope=\"row\">");
        v.link(h, SFR, s.id());
        h.raw("</th><td>");
        h.text(sfr_title(v, s).unwrap_or(""));
        refined_mark(h, s);
        h.raw("</td><td>");
        h.text(s.status().map_or("—", |st| st.label()));
        h.raw("</td><td>");
        v.links(h, OBJ, s.objectives());
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>\n");
}

/// Marks an SFR with at least one refined element (its elements show what was refined).
fn refined_mark(h: &mut Html, s: &EffSfr<'_>) {
    if s.elements.iter().any(|e| !e.refinements.is_empty()) {
        h.raw(" <span class=\"refined-mark\" title=\"at least one element is refined\">refined</span>");
    }
}

fn legend(h: &mut Html, mode: Mode) {
    h.raw("<div class=\"legend\"><p class=\"label\">How operations are shown</p><ul>");
    match mode {
        Mode::Template => h.raw(
            "<li><span class=\"op selection\">[<span class=\"op-kind\">selection</span>: …]</span> — the ST author selects one or more of the choices (<em>choose one of</em>: exactly one).</li>\
             <li><span class=\"op assignment\">[<span class=\"op-kind\">assignment</span>: …]</span> — the ST author assigns a value of the described kind.</li>\
             <li><span class=\"choice required\">choice<sup class=\"req-mark\">R</sup></span> — a choice an ST must make when its TOE plays certain roles or has certain features (listed under the element as Required choices).</li>",
        ),
        Mode::Instance => h.raw(
            "<li><span class=\"completed\" title=\"example\">completed value</span> — an operation completed by this ST (highlighted and underlined; hover for its kind).</li>\
             <li><span class=\"op assignment open\">[open: <span class=\"op-kind\">assignment</span>: …]</span> — an operation this ST leaves open.</li>",
        ),
    }
    h.raw("<li><span class=\"refinement\"><span class=\"marker\">Refinement</span>bold text</span> — a refinement of the element; an SFR with a refined element is marked <span class=\"refined-mark\">refined</span>.</li></ul></div>\n");
}

fn sfr(h: &mut Html, v: &View<'_>, s: &EffSfr<'_>, anchor: &str) {
    h.raw("<section class=\"sfr\">\n");
    h.open("h4", &[("id", anchor)]);
    h.text(s.id());
    if let Some(t) = sfr_title(v, s) {
        h.raw(" — ");
        h.text(t);
    }
    refined_mark(h, s);
    h.raw("</h4>\n");
    if let Some((_, ld)) = s.base
        && s.elements.iter().any(|e| e.text_inherited)
    {
        h.raw("<p class=\"note\">Element text from the claimed ");
        h.text(crate::view::kind_title(ld.document.kind.value));
        h.raw(" <code>");
        h.text(&ld.document.id.value);
        h.raw("</code> version ");
        h.text(&ld.document.version.value);
        h.raw(", with this document's completions.</p>\n");
    }
    h.raw("<dl class=\"meta\">");
    if let Some(st) = s.status() {
        h.raw("<dt>Status</dt><dd>");
        h.text(st.label());
        h.raw("</dd>");
    }
    let own = s.own;
    if !own.toe_types.is_empty() {
        h.raw("<dt>TOE types</dt><dd>");
        h.text(&join_ids(&own.toe_types));
        h.raw("</dd>");
    }
    let role_ids = if own.roles.is_empty() {
        s.base.map_or(&own.roles, |(b, _)| &b.roles)
    } else {
        &own.roles
    };
    if !role_ids.is_empty() {
        h.raw("<dt>Roles</dt><dd>the status applies when a part of the TOE plays ");
        roles::role_list(h, v, role_ids.iter().map(|r| r.value.as_str()));
        h.raw("; otherwise the SFR is optional</dd>");
    }
    if !own.selected_by.is_empty() {
        h.raw("<dt>Selected by</dt><dd>");
        for (i, t) in own.selected_by.iter().enumerate() {
            if i > 0 {
                h.raw("; ");
            }
            v.link(h, SFR, &t.sfr.value);
            h.raw(", operation <code>");
            h.text(&t.operation.value);
            h.raw("</code> = “");
            h.text(&t.choice.value);
            h.raw("”");
        }
        h.raw("</dd>");
    }
    if let Some(f) = &own.feature {
        h.raw("<dt>Feature</dt><dd><code>");
        h.text(&f.value);
        h.raw("</code></dd>");
    }
    h.raw("<dt>Objectives</dt><dd>");
    v.links(h, OBJ, s.objectives());
    h.raw("</dd>");
    if !s.addresses().is_empty() {
        h.raw("<dt>Addresses</dt><dd>");
        v.links(h, SPD, s.addresses());
        h.raw("</dd>");
    }
    h.raw("</dl>\n");
    if s.elements.is_empty() {
        empty(h, "No elements given.");
    }
    for el in &s.elements {
        element(h, el, v.mode);
        if v.mode == Mode::Template {
            roles::required_choices(h, v, el.operations);
        }
    }
    crate::restrict::restrictions(h, v, &own.restrict, &s.elements);
    if let Some(note) = s.application_note() {
        h.raw("<div class=\"app-note\"><p class=\"label\">Application note</p>");
        markdown::blocks(h, note);
        h.raw("</div>\n");
    }
    let ea = s
        .own
        .evaluation_activities
        .as_ref()
        .or_else(|| s.base.and_then(|(b, _)| b.evaluation_activities.as_ref()));
    if let Some(ea) = ea {
        h.raw("<div class=\"ea\"><p class=\"label\">Evaluation activities</p>");
        activities(h, ea);
        h.raw("</div>\n");
    }
    h.raw("</section>\n");
}

fn dependency_table(h: &mut Html, v: &View<'_>) {
    let mut reqs: Vec<Req<'_>> = Vec::new();
    for s in &v.sfrs {
        let comp = SfrId::parse(s.id()).component;
        match reqs.iter_mut().find(|r| r.component == comp) {
            Some(r) => {
                r.instances.push(s.id());
                r.unmet.extend(s.unmet());
            }
            None => reqs.push(Req {
                component: comp,
                instances: vec![s.id()],
                unmet: s.unmet(),
            }),
        }
    }
    for sar in &v.doc.sars {
        let comp = sar.id.value.trim();
        if !reqs.iter().any(|r| r.component == comp) {
            reqs.push(Req {
                component: comp,
                instances: vec![comp],
                unmet: sar.unmet_dependencies.iter().collect(),
            });
        }
    }
    if reqs.is_empty() {
        empty(h, "No requirements, so no dependencies.");
        return;
    }
    let rows = deps::rows(&reqs, &v.cat, &v.ecds);
    h.raw("<table><caption>Dependencies of the SFRs and SARs and how they are met</caption><thead><tr><th scope=\"col\">Requirement</th><th scope=\"col\">Dependency</th><th scope=\"col\">How met</th></tr></thead><tbody>");
    for row in rows {
        h.raw("<tr><th scope=\"row\"><code>");
        h.text(row.req.component);
        h.raw("</code>");
        let iterations: Vec<&str> = row
            .req
            .instances
            .iter()
            .copied()
            .filter(|i| *i != row.req.component)
            .collect();
        if !iterations.is_empty() {
            h.raw(" <span class=\"note\">(");
            h.text(&iterations.join(", "));
            h.raw(")</span>");
        }
        h.raw("</th><td>");
        if row.group.is_empty() {
            match row.known {
                Known::Unknown => h.raw("<span class=\"problem\">component unknown to the catalogue and not defined as an extended component</span>"),
                _ => h.raw("none"),
            }
        } else {
            h.text(&row.group.join(" or "));
        }
        h.raw("</td><td>");
        match &row.how {
            How::Nothing => h.raw("—"),
            How::Met { by, assumed } => {
                h.raw("met by ");
                for (i, b) in by.iter().enumerate() {
                    if i > 0 {
                        h.raw(", ");
                    }
                    v.link(h, SFR, b);
                }
                if *assumed {
                    h.raw(" <span class=\"note\">(assumed hierarchical: same family, higher number)</span>");
                }
            }
            How::Justified(j) => {
                h.raw("<strong>unmet:</strong> ");
                h.text(j);
            }
            How::NotMet => h.raw("<span class=\"problem\">not met</span>"),
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>\n");
}
