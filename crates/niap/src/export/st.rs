//! The model → NIAP Security Target XML mapping (`<st>`), the inverse of [`crate::read_st`] and
//! [`crate::NiapSt::to_document`].
//!
//! A NIAP ST is a copy of the claimed documents' requirements with the unchosen `selectable`s
//! deleted (see `docs/notes/niap-st-files.md`). The model of one keeps exactly what the checker
//! judges: the claims (`conformance.pps` / `packages`, with `conformance.niap.claims` saying
//! which PP entry is the base PP and which a module, and the git branch and commit), and per SFR
//! the claimed document it sits under (`base_pp`), its anchors, and per element the kept choices
//! of each selection. That is what is written back: one `<base-pp>`, `<module>` or `<package>`
//! per claim with its `<git>` block and its `f-component`s, each `f-element` title holding its
//! selections' kept `selectable`s in slot order. Reading the result gives the same model.
//!
//! Not written, because the model does not keep them: the requirement prose around the
//! selections, nesting of selections (kept flat, in the order the reader numbers them, so the
//! slots come back the same), `@status`, `@name`, the module groups (`modified-sfrs`, …),
//! `consistency-rationale`, `rule`s and `section`s. No RELAX NG schema describes `<st>` (NIAP's
//! `SecurityTarget.rng` is an evaluation-report format), so the shape follows the corpus files.

use dtsec_model::{Choice, Completion, DocRef, Document, Operation, Sfr, Spanned};

use super::error::ExportError;
use super::writer::Xml;
use crate::ns::{NIAP_NS, XHTML_NS};
use crate::st::id_of_url;

/// One claim to write.
struct Claim<'d> {
    tag: &'static str,
    id: &'d str,
    url: Option<&'d str>,
    branch: Option<String>,
    commit: Option<&'d str>,
}

/// Writes a NIAP-format ST (`conformance.niap.st`) as `<st>` XML.
pub(super) fn export_st(doc: &Document) -> Result<String, ExportError> {
    let fail = |message: String| ExportError::St {
        id: doc.id.value.clone(),
        message,
    };
    let claims = claims(doc).map_err(fail)?;
    // Every SFR goes under the first claim of its document.
    let mut per_claim: Vec<Vec<&Sfr>> = vec![Vec::new(); claims.len()];
    for sfr in &doc.sfrs {
        let Some(base) = &sfr.base_pp else {
            return Err(fail(format!(
                "SFR {} names no claimed document (`base_pp`); a NIAP ST holds each SFR under the claim it comes from",
                sfr.id.value
            )));
        };
        let Some(i) = claims.iter().position(|c| c.id == base.value) else {
            return Err(fail(format!(
                "SFR {} sits under `{}`, which the ST does not claim; add the claim or correct `base_pp`",
                sfr.id.value, base.value
            )));
        };
        per_claim[i].push(sfr);
    }
    let mut x = Xml::default();
    x.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- Written by dtsec export. -->\n");
    x.open("st", &[("xmlns", NIAP_NS), ("xmlns:h", XHTML_NS)]);
    x.nl();
    for (claim, sfrs) in claims.iter().zip(&per_claim) {
        x.raw("  ");
        x.open(claim.tag, &[]);
        x.nl();
        if claim.url.is_some() || claim.branch.is_some() || claim.commit.is_some() {
            x.raw("    <git>");
            if let Some(u) = claim.url {
                x.leaf("url", &[], u);
            }
            if let Some(b) = &claim.branch {
                x.leaf("branch", &[], b);
            }
            if let Some(c) = claim.commit {
                x.leaf("commit", &[], c);
            }
            x.raw("</git>\n");
        }
        for sfr in sfrs {
            component(&mut x, sfr).map_err(fail)?;
        }
        x.raw("  ");
        x.close(claim.tag);
        x.nl();
    }
    x.close("st");
    x.nl();
    Ok(x.out)
}

/// The claims in the order to write them: `conformance.niap.claims` as recorded, then any
/// reference it does not cover (a document written in YAML): PPs as the base PP (the first) or
/// modules, packages as packages.
fn claims(doc: &Document) -> Result<Vec<Claim<'_>>, String> {
    let recorded = doc
        .conformance
        .niap
        .as_ref()
        .map(|n| n.claims.as_slice())
        .unwrap_or_default();
    let mut pps: Vec<Option<&DocRef>> = doc.conformance.pps.iter().map(Some).collect();
    let mut packages: Vec<Option<&DocRef>> = doc.conformance.packages.iter().map(Some).collect();
    // The first reference to `id` not yet claimed, taken out of the list.
    fn take<'d>(list: &mut [Option<&'d DocRef>], id: &str) -> Option<&'d DocRef> {
        list.iter_mut()
            .find(|r| r.is_some_and(|r| r.id.value == id))
            .and_then(Option::take)
    }
    let mut out = Vec::new();
    for c in recorded {
        let (tag, list) = match c.kind.as_str() {
            "base-pp" => ("base-pp", &mut pps),
            "module" => ("module", &mut pps),
            "package" => ("package", &mut packages),
            other => {
                return Err(format!(
                    "claim `{}` is of kind `{other}`; a NIAP ST claims with `base-pp`, `module` or `package`",
                    c.doc.value
                ));
            }
        };
        let Some(r) = take(list, &c.doc.value) else {
            return Err(format!(
                "`conformance.niap.claims` names `{}` as a {tag}, but `conformance.{}` has no such reference",
                c.doc.value,
                if tag == "package" { "packages" } else { "pps" }
            ));
        };
        out.push(claim(tag, r, c.branch.clone(), c.commit.as_deref())?);
    }
    let mut has_base = out.iter().any(|c| c.tag == "base-pp");
    for r in pps.into_iter().flatten() {
        let tag = if has_base { "module" } else { "base-pp" };
        has_base = true;
        out.push(claim(tag, r, branch_of(&r.version.value), None)?);
    }
    for r in packages.into_iter().flatten() {
        out.push(claim("package", r, branch_of(&r.version.value), None)?);
    }
    Ok(out)
}

/// A claim of `r`; its id must be what the reader derives from the url (its last segment).
fn claim<'d>(
    tag: &'static str,
    r: &'d DocRef,
    branch: Option<String>,
    commit: Option<&'d str>,
) -> Result<Claim<'d>, String> {
    let id = r.id.value.as_str();
    match r.url.as_deref() {
        None if !id.is_empty() => {
            return Err(format!(
                "the claim of `{id}` has no url; a NIAP ST names claimed documents by git url (add `url:`, e.g. https://github.com/commoncriteria/{id})"
            ));
        }
        Some(u) if id_of_url(u) != id => {
            return Err(format!(
                "the claim of `{id}` has url {u}, which names `{}`; a NIAP ST's claimed document is the url's last segment",
                id_of_url(u)
            ));
        }
        _ => {}
    }
    Ok(Claim {
        tag,
        id,
        url: r.url.as_deref(),
        branch,
        commit,
    })
}

/// The branch to write for a version without a recorded branch: `release-4.3` for `4.3` (NIAP's
/// release branches), the version itself otherwise (`master`); none for an empty one.
fn branch_of(version: &str) -> Option<String> {
    if version.is_empty() {
        None
    } else if version.starts_with(|c: char| c.is_ascii_digit()) {
        Some(format!("release-{version}"))
    } else {
        Some(version.to_string())
    }
}

fn component(x: &mut Xml, sfr: &Sfr) -> Result<(), String> {
    let (cc, iteration) = match sfr.id.value.split_once('/') {
        Some((c, i)) => (c, Some(i)),
        None => (sfr.id.value.as_str(), None),
    };
    let cc_lower = cc.to_ascii_lowercase();
    let mut attrs: Vec<(&str, &str)> = vec![("cc-id", &cc_lower)];
    if let Some(i) = iteration {
        attrs.push(("iteration", i));
    }
    if let Some(a) = &sfr.anchor {
        attrs.push(("id", a.as_str()));
    }
    x.raw("    ");
    x.open("f-component", &attrs);
    x.nl();
    for el in &sfr.elements {
        if let Some((slot, _)) = el
            .completed
            .iter()
            .find(|(slot, _)| !el.operations.contains_key(*slot))
        {
            return Err(format!(
                "element {} of SFR {} completes `{slot}` without an operation holding the kept choices; a NIAP ST records a selection by its kept `selectable`s",
                el.id.value, sfr.id.value
            ));
        }
        let mut attrs: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &el.anchor {
            attrs.push(("id", a.as_str()));
        }
        x.raw("      ");
        x.open("f-element", &attrs);
        x.open("title", &[]);
        let mut ops: Vec<(&String, &Spanned<Operation>)> = el.operations.iter().collect();
        ops.sort_by_key(|(slot, _)| slot_order(slot));
        for (i, (slot, op)) in ops.into_iter().enumerate() {
            let Some(choices) = &op.value.selection else {
                return Err(format!(
                    "`{slot}` of element {} is not a selection; a NIAP ST completes only selections (by keeping `selectable`s)",
                    el.id.value
                ));
            };
            if let Some(done) = el.completed.get(slot.as_str()) {
                check_completion(&done.value, choices).map_err(|v| {
                    format!(
                        "`{slot}` of element {} completes `{v}`, which is none of its kept choices",
                        el.id.value
                    )
                })?;
            }
            if i > 0 {
                x.raw(" ");
            }
            selection(x, choices);
        }
        x.close("title");
        x.close("f-element");
        x.nl();
    }
    x.raw("    ");
    x.close("f-component");
    x.nl();
    Ok(())
}

/// `sel2` before `sel10`: the reader numbers selections in document order as `selN`.
fn slot_order(slot: &str) -> (u64, String) {
    let n = slot
        .strip_prefix("sel")
        .and_then(|d| d.parse().ok())
        .unwrap_or(u64::MAX);
    (n, slot.to_string())
}

/// The completion the reader would make from these choices must be the one in the model, or
/// a re-import would silently change it.
fn check_completion(done: &Completion, choices: &[Choice]) -> Result<(), String> {
    for v in done.values() {
        if !choices.iter().any(|c| c.id() == v) {
            return Err(v.to_string());
        }
    }
    Ok(())
}

/// One `selectables` with the kept choices; nested operations inside a choice are written
/// inside it, as NIAP nests them.
fn selection(x: &mut Xml, choices: &[Choice]) {
    x.open("selectables", &[]);
    for c in choices {
        match c {
            Choice::Text(t) => x.leaf("selectable", &[], t),
            Choice::Detailed(d) => {
                let mut attrs: Vec<(&str, &str)> = Vec::new();
                if let Some(id) = &d.id {
                    attrs.push(("id", id));
                }
                if d.exclusive {
                    attrs.push(("exclusive", "yes"));
                }
                x.open("selectable", &attrs);
                x.text(&d.text);
                for op in d.operations.values() {
                    if let Some(nested) = &op.selection {
                        x.raw(" ");
                        selection(x, nested);
                    }
                }
                x.close("selectable");
            }
        }
    }
    x.close("selectables");
}
