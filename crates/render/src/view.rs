//! What every section of the page renders from: the [`View`] (the document with its claimed
//! PPs' gaps filled, anchors for cross-links, the catalogue) and the small building blocks all
//! sections share (numbered headings, empty notes, key/value tables).
//!
//! Why a module of its own: the page skeleton (`page`) calls the requirement and rationale
//! sections (`reqs`, `rationale`), and those need the view and the building blocks; keeping them
//! here lets every section module depend on this one and none on the page, so the modules form
//! a one-way graph.

use std::collections::{BTreeMap, BTreeSet};

use dtsec_model::{Document, DocumentKind, ExtendedComponent, Id, LoadedDocument};

use crate::catalog::Cat;
use crate::html::{Html, slug};
use crate::ops::Mode;
use crate::resolve::{self, Defs, EffSfr};

/// Unique HTML ids for the things the page links to.
#[derive(Debug, Default)]
pub(crate) struct Anchors {
    used: BTreeSet<String>,
    first: BTreeMap<(String, String), String>,
}

impl Anchors {
    /// A fresh anchor for `id` under `prefix` (suffixed when the id repeats).
    pub(crate) fn assign(&mut self, prefix: &str, id: &str) -> String {
        let base = slug(prefix, id);
        let mut anchor = base.clone();
        let mut n = 2;
        while self.used.contains(&anchor) {
            anchor = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(anchor.clone());
        self.first
            .entry((prefix.to_owned(), id.to_owned()))
            .or_insert_with(|| anchor.clone());
        anchor
    }

    /// The anchor of the first definition of `id` under `prefix`.
    pub(crate) fn get(&self, prefix: &str, id: &str) -> Option<&str> {
        self.first
            .get(&(prefix.to_owned(), id.to_owned()))
            .map(String::as_str)
    }
}

/// Everything the sections render from.
#[derive(Debug)]
pub(crate) struct View<'a> {
    pub(crate) doc: &'a Document,
    pub(crate) source_name: &'a str,
    pub(crate) claimed: &'a [&'a LoadedDocument],
    pub(crate) cat: Cat,
    pub(crate) mode: Mode,
    pub(crate) sfrs: Vec<EffSfr<'a>>,
    pub(crate) threats: Defs<'a>,
    pub(crate) assumptions: Defs<'a>,
    pub(crate) osps: Defs<'a>,
    pub(crate) obj_toe: Defs<'a>,
    pub(crate) obj_env: Defs<'a>,
    /// Extended components visible to the document (own, then claimed documents').
    pub(crate) ecds: Vec<&'a ExtendedComponent>,
    pub(crate) anchors: Anchors,
    /// Anchors of, in order: threats, assumptions, OSPs, TOE objectives, environment
    /// objectives, SFRs, own extended components, TSS entries.
    pub(crate) a_threats: Vec<String>,
    pub(crate) a_assumptions: Vec<String>,
    pub(crate) a_osps: Vec<String>,
    pub(crate) a_obj_toe: Vec<String>,
    pub(crate) a_obj_env: Vec<String>,
    pub(crate) a_sfrs: Vec<String>,
    pub(crate) a_ecds: Vec<String>,
    pub(crate) a_tss: Vec<String>,
}

fn assign_all(anchors: &mut Anchors, prefix: &str, ids: Vec<&str>) -> Vec<String> {
    ids.into_iter()
        .map(|id| anchors.assign(prefix, id))
        .collect()
}

/// Anchors the page itself uses, reserved before any document id is given one.
const SECTION_ANCHORS: &[&str] = &[
    "main",
    "toc",
    "sec-intro",
    "sec-conformance",
    "sec-spd",
    "sec-objectives",
    "sec-ecd",
    "sec-requirements",
    "sec-rationale",
    "sec-tss",
    "sec-notes",
];

/// Link prefixes.
pub(crate) const SPD: &str = "spd";
pub(crate) const OBJ: &str = "obj";
pub(crate) const SFR: &str = "sfr";

impl<'a> View<'a> {
    /// Every objective, the TOE's first, then the environment's: the rows of the rationale.
    pub(crate) fn all_objectives(&self) -> Vec<&'a dtsec_model::Definition> {
        self.obj_toe
            .items
            .iter()
            .chain(&self.obj_env.items)
            .copied()
            .collect()
    }

    pub(crate) fn new(
        doc: &'a Document,
        source_name: &'a str,
        claimed: &'a [&'a LoadedDocument],
    ) -> Self {
        let st = doc.kind.value == DocumentKind::SecurityTarget;
        let spd_inherit = st
            && doc.spd.threats.is_empty()
            && doc.spd.assumptions.is_empty()
            && doc.spd.osps.is_empty();
        let obj_inherit =
            st && doc.objectives.toe.is_empty() && doc.objectives.environment.is_empty();
        let mut v = View {
            doc,
            source_name,
            claimed,
            cat: Cat::for_document(doc),
            mode: if st { Mode::Instance } else { Mode::Template },
            sfrs: resolve::sfrs(doc, claimed),
            threats: resolve::defs(&doc.spd.threats, claimed, spd_inherit, |d| &d.spd.threats),
            assumptions: resolve::defs(&doc.spd.assumptions, claimed, spd_inherit, |d| {
                &d.spd.assumptions
            }),
            osps: resolve::defs(&doc.spd.osps, claimed, spd_inherit, |d| &d.spd.osps),
            obj_toe: resolve::defs(&doc.objectives.toe, claimed, obj_inherit, |d| {
                &d.objectives.toe
            }),
            obj_env: resolve::defs(&doc.objectives.environment, claimed, obj_inherit, |d| {
                &d.objectives.environment
            }),
            ecds: resolve::extended(doc, claimed),
            anchors: Anchors::default(),
            a_threats: Vec::new(),
            a_assumptions: Vec::new(),
            a_osps: Vec::new(),
            a_obj_toe: Vec::new(),
            a_obj_env: Vec::new(),
            a_sfrs: Vec::new(),
            a_ecds: Vec::new(),
            a_tss: Vec::new(),
        };
        for s in SECTION_ANCHORS {
            v.anchors.used.insert((*s).to_owned());
        }
        let ids = |d: &Defs<'a>| -> Vec<&'a str> {
            d.items.iter().map(|x| x.id.value.as_str()).collect()
        };
        let (t, a, p, ot, oe) = (
            ids(&v.threats),
            ids(&v.assumptions),
            ids(&v.osps),
            ids(&v.obj_toe),
            ids(&v.obj_env),
        );
        let an = &mut v.anchors;
        v.a_threats = assign_all(an, SPD, t);
        v.a_assumptions = assign_all(an, SPD, a);
        v.a_osps = assign_all(an, SPD, p);
        v.a_obj_toe = assign_all(an, OBJ, ot);
        v.a_obj_env = assign_all(an, OBJ, oe);
        v.a_sfrs = assign_all(
            an,
            SFR,
            doc.sfrs.iter().map(|s| s.id.value.as_str()).collect(),
        );
        v.a_ecds = assign_all(
            an,
            "ecd",
            doc.extended_components
                .iter()
                .map(|e| e.id.value.as_str())
                .collect(),
        );
        let tss_ids: Vec<String> = (1..=doc.tss.len()).map(|i| i.to_string()).collect();
        v.a_tss = assign_all(an, "tss", tss_ids.iter().map(String::as_str).collect());
        v
    }

    /// True for Security Targets.
    pub(crate) fn is_st(&self) -> bool {
        self.doc.kind.value == DocumentKind::SecurityTarget
    }

    /// A link to the definition of `id`, or the id as code when the page does not define it.
    pub(crate) fn link(&self, h: &mut Html, prefix: &str, id: &str) {
        match self.anchors.get(prefix, id) {
            Some(anchor) => {
                let href = format!("#{anchor}");
                h.open("a", &[("href", &href)]);
                h.el("code", &[], id);
                h.close("a");
            }
            None => h.el("code", &[], id),
        }
    }

    /// Comma-separated links, or a dash when there are none.
    pub(crate) fn links(&self, h: &mut Html, prefix: &str, ids: &[Id]) {
        if ids.is_empty() {
            h.raw("—");
        }
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                h.raw(", ");
            }
            self.link(h, prefix, &id.value);
        }
    }
}

/// The display name of a document kind.
pub(crate) fn kind_title(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::ProtectionProfile => "Protection Profile",
        DocumentKind::PpModule => "PP-Module",
        DocumentKind::FunctionalPackage => "Functional Package",
        DocumentKind::AssurancePackage => "Assurance Package",
        DocumentKind::SecurityTarget => "Security Target",
    }
}

/// Opens a numbered top-level section.
pub(crate) fn section(h: &mut Html, anchor: &'static str, number: usize, title: &'static str) {
    h.open("section", &[("id", anchor)]);
    h.raw("\n<h2>");
    h.num(number);
    h.raw(" ");
    h.raw(title);
    h.raw("</h2>\n");
}

/// A numbered subsection heading (`h3`).
pub(crate) fn sub(h: &mut Html, number: (usize, usize), title: &str, id: Option<&str>) {
    match id {
        Some(id) => h.open("h3", &[("id", id)]),
        None => h.raw("<h3>"),
    }
    h.num(number.0);
    h.raw(".");
    h.num(number.1);
    h.raw(" ");
    h.text(title);
    h.raw("</h3>\n");
}

/// A paragraph saying there is nothing here.
pub(crate) fn empty(h: &mut Html, msg: &'static str) {
    h.raw("<p class=\"empty\">");
    h.raw(msg);
    h.raw("</p>\n");
}

/// A note naming the claimed documents some content was taken from.
pub(crate) fn taken_from(h: &mut Html, from: &[&LoadedDocument]) {
    if from.is_empty() {
        return;
    }
    h.raw("<p class=\"note\">Taken from the claimed ");
    for (i, ld) in from.iter().enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        h.text(kind_title(ld.document.kind.value));
        h.raw(" <code>");
        h.text(&ld.document.id.value);
        h.raw("</code> version ");
        h.text(&ld.document.version.value);
    }
    h.raw(".</p>\n");
}

/// A two-column key/value table; rows with no value are left out.
pub(crate) fn kv_table(h: &mut Html, caption: &str, rows: &[(&'static str, Option<&str>)]) {
    h.raw("<table class=\"kv\">");
    h.el("caption", &[], caption);
    h.raw("<tbody>");
    for (key, value) in rows {
        if let Some(value) = value {
            h.raw("<tr><th scope=\"row\">");
            h.raw(key);
            h.raw("</th><td>");
            h.text(value);
            h.raw("</td></tr>");
        }
    }
    h.raw("</tbody></table>\n");
}
