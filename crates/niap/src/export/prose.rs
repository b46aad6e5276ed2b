//! Prose and requirement text written back as XML: kept XHTML prose put back into its
//! namespaces, and requirement text with `{slot}` markers turned back into NIAP `selectables` and
//! `assignable` elements.
//!
//! Kept prose (see [`crate::html`]) names XHTML elements plainly (`<p>`), NIAP elements with a
//! `niap:` prefix and section elements with `sec:`. It is re-parsed here inside a wrapper that
//! binds those prefixes, then written with NIAP as the default namespace, `h:` for XHTML and
//! `sec:` for sections, so a re-import gives back the same strings.

use std::collections::{BTreeMap, HashMap};

use dtsec_model::{Choice, Operation, ValueType};

use super::error::ExportError;
use super::writer::{Xml, name_part};
use crate::error::ImportError;
use crate::ns::{NIAP_NS, NIAP_SECTION_NS, XHTML_NS};
use crate::xml::{Limits, parse_hardened};

/// Where the operations of a piece of requirement text come from, and how their XML ids are made.
pub(super) struct OpCtx<'a> {
    /// Prefix of generated ids (`OWNER` in `OWNER--SLOT`), an XML name.
    pub(super) owner: String,
    /// True when every `selectable` gets an id (documents first written in YAML); otherwise
    /// only choices that have an id keep it (documents imported from NIAP XML).
    pub(super) id_all_choices: bool,
    /// Selectable ids already given, by (slot, choice id) — filled when `id_all_choices`.
    pub(super) choice_ids: &'a mut HashMap<(String, String), String>,
}

/// Writes `html` (kept prose, or requirement text with `{slot}` markers) as NIAP XML content.
/// `{name}` markers naming an entry of `ops` become operations.
pub(super) fn write_html(
    x: &mut Xml,
    html: &str,
    ops: &BTreeMap<String, &Operation>,
    ctx: &mut Option<OpCtx<'_>>,
) -> Result<(), ExportError> {
    if !html.contains('<') && !html.contains('&') {
        write_slotted(x, html, ops, ctx);
        return Ok(());
    }
    let wrapped = format!(
        "<r xmlns=\"{XHTML_NS}\" xmlns:niap=\"{NIAP_NS}\" xmlns:sec=\"{NIAP_SECTION_NS}\">{html}</r>"
    );
    // Prose may come from a hand-edited YAML document: read with the importer's hardening.
    let parsed =
        parse_hardened(&wrapped, "prose", &Limits::NIAP).map_err(|e| ExportError::Html {
            message: match e {
                ImportError::Xml { message, .. } => message,
                other => other.to_string(),
            },
            excerpt: html.chars().take(80).collect(),
        })?;
    let doc = &parsed.doc;
    // Iterative walk: (node, entering?).
    let root = doc.root_element();
    let mut stack: Vec<(roxmltree::Node<'_, '_>, bool)> =
        root.children().rev().map(|c| (c, true)).collect();
    while let Some((n, entering)) = stack.pop() {
        if n.is_text() {
            write_slotted(x, n.text().unwrap_or(""), ops, ctx);
            continue;
        }
        if !n.is_element() {
            continue;
        }
        let name = xml_name(n);
        if !entering {
            x.close(&name);
            continue;
        }
        let attrs: Vec<(&str, &str)> = n.attributes().map(|a| (a.name(), a.value())).collect();
        if n.has_children() {
            x.open(&name, &attrs);
            stack.push((n, false));
            stack.extend(n.children().rev().map(|c| (c, true)));
        } else {
            x.empty(&name, &attrs);
        }
    }
    Ok(())
}

/// The element's name in the exported document.
fn xml_name(n: roxmltree::Node<'_, '_>) -> String {
    let local = n.tag_name().name();
    match n.tag_name().namespace() {
        Some(NIAP_NS) => local.to_string(),
        Some(NIAP_SECTION_NS) => format!("sec:{local}"),
        _ => format!("h:{local}"),
    }
}

/// Writes plain text, turning `{name}` markers of known operations into XML.
fn write_slotted(
    x: &mut Xml,
    text: &str,
    ops: &BTreeMap<String, &Operation>,
    ctx: &mut Option<OpCtx<'_>>,
) {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        match (ops.get(name), ctx.as_mut()) {
            (Some(op), Some(c)) => {
                x.text(&rest[..open]);
                write_operation(x, name, op, c);
            }
            _ => x.text(&rest[..open + 1 + close + 1]),
        }
        rest = &after[close + 1..];
    }
    x.text(rest);
}

/// Writes one operation: an `assignable` (with its constraint) or a `selectables`.
pub(super) fn write_operation(x: &mut Xml, slot: &str, op: &Operation, ctx: &mut OpCtx<'_>) {
    match &op.selection {
        Some(choices) => {
            let mut attrs = Vec::new();
            if op.exclusive {
                attrs.push(("onlyone", "yes"));
            }
            x.open("selectables", &attrs);
            // NIAP's classic form needs two choices; one choice is written as a one-row table.
            let single = choices.len() == 1;
            if single {
                x.raw("<tabularize><textcol/></tabularize>");
            }
            let ids = choice_ids(slot, choices, ctx);
            for (choice, id) in choices.iter().zip(ids) {
                let mut attrs: Vec<(&str, &str)> = Vec::new();
                let exclusive = matches!(choice, Choice::Detailed(d) if d.exclusive);
                if exclusive {
                    attrs.push(("exclusive", "yes"));
                }
                if let Some(id) = &id {
                    attrs.push(("id", id));
                }
                x.open("selectable", &attrs);
                if single {
                    x.open("col", &[]);
                }
                let nested: BTreeMap<String, &Operation> = choice
                    .operations()
                    .iter()
                    .map(|(k, v)| (k.clone(), v))
                    .collect();
                write_slotted(x, choice.text(), &nested, &mut Some(reborrow(ctx)));
                if single {
                    x.close("col");
                }
                x.close("selectable");
            }
            x.close("selectables");
        }
        None => {
            let id = format!("{}--{}", ctx.owner, name_part(slot));
            x.open("assignable", &[("id", &id)]);
            x.text(op.assignment.as_deref().unwrap_or(""));
            let num = |v: f64, integer: bool| {
                if integer && v.fract() == 0.0 && v.abs() < 1e15 {
                    format!("{}", v as i64)
                } else {
                    format!("{v}")
                }
            };
            match op.value_type {
                Some(ValueType::Integer) => {
                    let min = op.min.map(|v| num(v, true));
                    let max = op.max.map(|v| num(v, true));
                    let mut a = Vec::new();
                    if let Some(m) = &min {
                        a.push(("gte", m.as_str()));
                    }
                    if let Some(m) = &max {
                        a.push(("lte", m.as_str()));
                    }
                    x.empty("int", &a);
                }
                Some(ValueType::Real) => {
                    let min = op.min.map(|v| num(v, false));
                    let max = op.max.map(|v| num(v, false));
                    let mut a = Vec::new();
                    if let Some(m) = &min {
                        a.push(("gte", m.as_str()));
                    }
                    if let Some(m) = &max {
                        a.push(("lte", m.as_str()));
                    }
                    x.empty("real", &a);
                }
                None => {
                    if let Some(p) = &op.pattern {
                        x.empty("regex", &[("expr", p)]);
                    }
                }
            }
            x.close("assignable");
        }
    }
}

pub(super) fn reborrow<'b>(ctx: &'b mut OpCtx<'_>) -> OpCtx<'b> {
    OpCtx {
        owner: ctx.owner.clone(),
        id_all_choices: ctx.id_all_choices,
        choice_ids: ctx.choice_ids,
    }
}

/// The XML ids of a selection's choices: the choice's own id, or (when every choice gets one)
/// `OWNER--SLOT--CHOICE`, unique within the selection.
fn choice_ids(slot: &str, choices: &[Choice], ctx: &mut OpCtx<'_>) -> Vec<Option<String>> {
    if !ctx.id_all_choices {
        return choices
            .iter()
            .map(|c| match c {
                Choice::Detailed(d) => d.id.clone(),
                Choice::Text(_) => None,
            })
            .collect();
    }
    let mut used = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (i, c) in choices.iter().enumerate() {
        let mut part = name_part(c.id());
        if part.is_empty() {
            part = format!("c{}", i + 1);
        }
        let mut id = format!("{}--{}--{part}", ctx.owner, name_part(slot));
        let mut n = 2;
        while !used.insert(id.clone()) {
            id = format!("{}--{}--{part}-{n}", ctx.owner, name_part(slot));
            n += 1;
        }
        ctx.choice_ids
            .insert((slot.to_string(), c.id().to_string()), id.clone());
        ctx.choice_ids
            .insert((slot.to_string(), c.text().to_string()), id.clone());
        out.push(Some(id));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_prose_returns_to_its_namespaces() {
        let mut x = Xml::default();
        let ops = BTreeMap::new();
        write_html(
            &mut x,
            "<p>a &amp; <niap:xref to=\"t\"/> <sec:s>b</sec:s></p>",
            &ops,
            &mut None,
        )
        .unwrap();
        assert_eq!(
            x.out,
            "<h:p>a &amp; <xref to=\"t\"/> <sec:s>b</sec:s></h:p>"
        );
    }
}
