//! What the document says once its claimed PPs fill the gaps.
//!
//! Why: an ST that claims a PP usually lists an SFR only by id with its completions; the text,
//! operations, title and objectives stay in the PP. To show the reader the whole requirement,
//! the renderer merges the ST's SFR with the PP's SFR of the same instance id (first claimed
//! document that has it), the ST's own fields winning. Likewise an ST that does not restate
//! the security problem or the objectives shows the claimed PPs' ones, marked as such. Only
//! gaps are filled: nothing the document itself says is replaced.

use std::collections::BTreeMap;

use dtsec_model::{
    Completion, Definition, Document, ExtendedComponent, Id, LoadedDocument, Operation, Sfr,
    SfrStatus, Spanned, UnmetDependency,
};

/// An SFR instance as shown: the document's own, completed by the claimed PP's.
#[derive(Debug)]
pub(crate) struct EffSfr<'a> {
    /// The document's own entry.
    pub(crate) own: &'a Sfr,
    /// The claimed document's entry of the same id, and that document.
    pub(crate) base: Option<(&'a Sfr, &'a LoadedDocument)>,
    /// Elements, own first (in own order), then the base's that the document does not list.
    pub(crate) elements: Vec<EffElement<'a>>,
}

/// One element as shown.
#[derive(Debug)]
pub(crate) struct EffElement<'a> {
    /// Element id, e.g. `FCS_COP.1.1`.
    pub(crate) id: &'a str,
    /// Requirement text (own, else the base's).
    pub(crate) text: Option<&'a str>,
    /// Operation slots (own when any, else the base's).
    pub(crate) operations: &'a BTreeMap<String, Spanned<Operation>>,
    /// Completions: own, then the base's for names the document does not complete.
    pub(crate) completed: BTreeMap<&'a str, &'a Completion>,
    /// Refinements: the base's, then the document's own.
    pub(crate) refinements: Vec<&'a str>,
    /// True when the text came from the claimed document.
    pub(crate) text_inherited: bool,
}

impl<'a> EffSfr<'a> {
    /// Instance id, e.g. `FCS_COP.1/Hash`.
    pub(crate) fn id(&self) -> &'a str {
        &self.own.id.value
    }

    /// Title: own, else the base's.
    pub(crate) fn title(&self) -> Option<&'a str> {
        self.own
            .title
            .as_deref()
            .or_else(|| self.base.and_then(|(b, _)| b.title.as_deref()))
    }

    /// Status: own, else the base's.
    pub(crate) fn status(&self) -> Option<SfrStatus> {
        self.own
            .status
            .as_ref()
            .or_else(|| self.base.and_then(|(b, _)| b.status.as_ref()))
            .map(|s| s.value)
    }

    /// Objectives: own when any, else the base's.
    pub(crate) fn objectives(&self) -> &'a [Id] {
        pick(&self.own.objectives, self.base.map(|(b, _)| &b.objectives))
    }

    /// Directly addressed threats/OSPs: own when any, else the base's.
    pub(crate) fn addresses(&self) -> &'a [Id] {
        pick(&self.own.addresses, self.base.map(|(b, _)| &b.addresses))
    }

    /// Justified unmet dependencies: own, then the base's.
    pub(crate) fn unmet(&self) -> Vec<&'a UnmetDependency> {
        let mut v: Vec<&UnmetDependency> = self.own.unmet_dependencies.iter().collect();
        if let Some((b, _)) = self.base {
            v.extend(b.unmet_dependencies.iter());
        }
        v
    }

    /// Application note: own, else the base's.
    pub(crate) fn application_note(&self) -> Option<&'a str> {
        self.own
            .application_note
            .as_deref()
            .or_else(|| self.base.and_then(|(b, _)| b.application_note.as_deref()))
    }
}

fn pick<'a, T>(own: &'a [T], base: Option<&'a Vec<T>>) -> &'a [T] {
    match base {
        Some(b) if own.is_empty() => b,
        _ => own,
    }
}

/// Merges every SFR of `doc` with its counterpart in the claimed documents.
pub(crate) fn sfrs<'a>(doc: &'a Document, claimed: &'a [&'a LoadedDocument]) -> Vec<EffSfr<'a>> {
    doc.sfrs
        .iter()
        .map(|own| {
            let base = claimed.iter().find_map(|ld| {
                ld.document
                    .sfrs
                    .iter()
                    .find(|s| s.id.value == own.id.value)
                    .map(|s| (s, *ld))
            });
            let mut elements: Vec<EffElement<'a>> = own
                .elements
                .iter()
                .map(|e| {
                    let b = base.and_then(|(b, _)| b.elements.iter().find(|be| be.id == e.id));
                    merge_element(e, b)
                })
                .collect();
            if let Some((b, _)) = base {
                for be in &b.elements {
                    if !own.elements.iter().any(|e| e.id == be.id) {
                        let mut eff = merge_element(be, None);
                        eff.text_inherited = be.text.is_some();
                        elements.push(eff);
                    }
                }
            }
            EffSfr {
                own,
                base,
                elements,
            }
        })
        .collect()
}

fn merge_element<'a>(
    own: &'a dtsec_model::Element,
    base: Option<&'a dtsec_model::Element>,
) -> EffElement<'a> {
    let own_text = own.text.as_ref().map(|t| t.value.as_str());
    let base_text = base.and_then(|b| b.text.as_ref()).map(|t| t.value.as_str());
    let operations = match base {
        Some(b) if own.operations.is_empty() => &b.operations,
        _ => &own.operations,
    };
    let mut completed: BTreeMap<&str, &Completion> = own
        .completed
        .iter()
        .map(|(k, v)| (k.as_str(), &v.value))
        .collect();
    let mut refinements = Vec::new();
    if let Some(b) = base {
        for (k, v) in &b.completed {
            completed.entry(k.as_str()).or_insert(&v.value);
        }
        refinements.extend(b.refinement.as_deref());
    }
    refinements.extend(own.refinement.as_deref());
    EffElement {
        id: &own.id.value,
        text: own_text.or(base_text),
        operations,
        completed,
        refinements,
        text_inherited: own_text.is_none() && base_text.is_some(),
    }
}

/// A list of definitions, with the claimed documents it was taken from (empty: the document's own).
#[derive(Debug, Default)]
pub(crate) struct Defs<'a> {
    pub(crate) items: Vec<&'a Definition>,
    pub(crate) from: Vec<&'a LoadedDocument>,
}

/// The document's own definitions, or — when it has none — the union of the claimed
/// documents' ones (first definition of an id wins).
pub(crate) fn defs<'a>(
    own: &'a [Definition],
    claimed: &'a [&'a LoadedDocument],
    inherit: bool,
    get: impl Fn(&'a Document) -> &'a [Definition],
) -> Defs<'a> {
    if !own.is_empty() || !inherit {
        return Defs {
            items: own.iter().collect(),
            from: Vec::new(),
        };
    }
    let mut out = Defs::default();
    for ld in claimed {
        let mut used = false;
        for d in get(&ld.document) {
            if !out.items.iter().any(|x| x.id == d.id) {
                out.items.push(d);
                used = true;
            }
        }
        if used {
            out.from.push(ld);
        }
    }
    out
}

/// Extended component definitions visible to the document: its own, then the claimed documents'.
pub(crate) fn extended<'a>(
    doc: &'a Document,
    claimed: &'a [&'a LoadedDocument],
) -> Vec<&'a ExtendedComponent> {
    let mut out: Vec<&ExtendedComponent> = doc.extended_components.iter().collect();
    for ld in claimed {
        for ec in &ld.document.extended_components {
            if !out
                .iter()
                .any(|x| x.id.value.eq_ignore_ascii_case(&ec.id.value))
            {
                out.push(ec);
            }
        }
    }
    out
}
