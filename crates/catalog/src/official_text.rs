//! Runtime extraction of CC prose from the *user's own* official catalogue XML.
//!
//! Why: we may not ship CC/CEM text, but a user who holds the official XML (`--cc-xml FILE`)
//! should still see element and work-unit wording next to our facts. This module reads that
//! file at runtime, on demand, and returns the text of one component.
//!
//! Hostile-input hygiene: input is capped at [`MAX_XML_BYTES`]; roxmltree never fetches
//! external entities or DTDs (the `<!DOCTYPE cc SYSTEM ...>` reference is ignored), bounds
//! internal entity expansion, and we cap the node count.

use thiserror::Error;

/// Largest XML document accepted (the official files are about 3 MB).
pub const MAX_XML_BYTES: usize = 64 * 1024 * 1024;

/// Upper bound on XML nodes (the official files have well under 1 million).
const MAX_NODES: u32 = 8_000_000;

/// Errors of the catalogue crate's fallible operations.
///
/// Why: callers (CLI) need to distinguish "bad file" from "component not in that file".
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The document exceeds [`MAX_XML_BYTES`].
    #[error("catalogue XML is too large ({size} bytes; limit {limit})")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The document is not well-formed XML (or exceeds parser limits).
    #[error("catalogue XML could not be parsed: {0}")]
    Xml(#[from] roxmltree::Error),
    /// The root element is not `<cc>`.
    #[error("not a CC catalogue XML (root element is <{0}>, expected <cc>)")]
    NotCatalogue(String),
    /// No component with that id in the document.
    #[error("component {0} not found in the catalogue XML")]
    ComponentNotFound(String),
}

/// Prose of one component, extracted from the user's official XML (never shipped by us).
///
/// Why: lets `dtsec catalog show --cc-xml FILE` print the real wording.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComponentText {
    /// Upper-case component id.
    pub id: String,
    /// Component name from the XML.
    pub name: String,
    /// Elements in document order.
    pub elements: Vec<ElementText>,
}

/// Prose of one element (and its work units).
///
/// Why: elements are the unit the ST refines; work units are what evaluators report on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElementText {
    /// Upper-case element id ("FCS_COP.1.1", "ADV_FSP.1.2C").
    pub id: String,
    /// Element wording, whitespace-normalised; operations rendered as `[assignment: ...]` /
    /// `[selection: a, b]` / `[selection, choose one of: a, b]`.
    pub text: String,
    /// Work units under this element, in document order.
    pub work_units: Vec<WorkUnitText>,
}

/// Prose of one CEM work unit.
///
/// Why: display of the evaluator's task next to its id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkUnitText {
    /// Upper-case work-unit id, `None` when the XML has none.
    pub id: Option<String>,
    /// Paragraphs of the work unit, whitespace-normalised.
    pub paragraphs: Vec<String>,
}

/// Extracts the prose of `component_id` (case-insensitive) from the contents of an official
/// CC XML file (CC:2022 or CC 3.1 R5 format).
pub fn text_from_cc_xml(xml: &str, component_id: &str) -> Result<ComponentText, CatalogError> {
    if xml.len() > MAX_XML_BYTES {
        return Err(CatalogError::TooLarge {
            size: xml.len(),
            limit: MAX_XML_BYTES,
        });
    }
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_NODES,
    };
    let doc = roxmltree::Document::parse_with_options(xml, opts)?;
    let root = doc.root_element();
    if root.tag_name().name() != "cc" {
        return Err(CatalogError::NotCatalogue(
            root.tag_name().name().to_string(),
        ));
    }
    let want = component_id.trim().to_ascii_lowercase();
    let comp = root
        .descendants()
        .find(|n| {
            (n.has_tag_name("f-component") || n.has_tag_name("a-component"))
                && n.attribute("id")
                    .is_some_and(|id| id.eq_ignore_ascii_case(&want))
        })
        .ok_or_else(|| CatalogError::ComponentNotFound(component_id.trim().to_ascii_uppercase()))?;

    let mut out = ComponentText {
        id: comp.attribute("id").unwrap_or("").to_ascii_uppercase(),
        name: squash(comp.attribute("name").unwrap_or("")),
        elements: Vec::new(),
    };
    for el in comp.children().filter(|c| {
        matches!(
            c.tag_name().name(),
            "f-element" | "ae-developer" | "ae-content" | "ae-evaluator"
        )
    }) {
        let mut text = String::new();
        render(el, &mut text);
        let work_units = el
            .children()
            .filter(|c| c.has_tag_name("m-workunit"))
            .map(|wu| WorkUnitText {
                id: wu.attribute("id").map(str::to_ascii_uppercase),
                paragraphs: paragraphs(wu),
            })
            .collect();
        out.elements.push(ElementText {
            id: el.attribute("id").unwrap_or("").to_ascii_uppercase(),
            text: squash(&text),
            work_units,
        });
    }
    Ok(out)
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn local<'a>(n: roxmltree::Node<'a, '_>) -> &'a str {
    let t = n.tag_name().name();
    t.strip_prefix("fe-").unwrap_or(t)
}

/// Renders element text; operations in CC bracket notation, xrefs as upper-case ids.
fn render(node: roxmltree::Node<'_, '_>, out: &mut String) {
    for child in node.children() {
        if child.is_text() {
            out.push_str(child.text().unwrap_or(""));
            continue;
        }
        if !child.is_element() {
            continue;
        }
        match local(child) {
            "m-workunit" | "footnote" | "assignmentnotes" | "selectionnotes" | "ae-dc-element" => {}
            "assignment" => {
                out.push_str(" [assignment: ");
                let items: Vec<_> = child
                    .children()
                    .filter(|c| local(*c) == "assignmentitem")
                    .collect();
                if items.is_empty() {
                    render(child, out);
                } else {
                    for i in items {
                        render(i, out);
                    }
                }
                out.push_str("] ");
            }
            "selection" => {
                let exclusive = child.attribute("exclusive") == Some("YES");
                out.push_str(if exclusive {
                    " [selection, choose one of: "
                } else {
                    " [selection: "
                });
                let items: Vec<String> = child
                    .children()
                    .filter(|c| local(*c) == "selectionitem")
                    .map(|i| {
                        let mut s = String::new();
                        render(i, &mut s);
                        squash(&s)
                    })
                    .collect();
                if items.is_empty() {
                    render(child, out);
                } else {
                    out.push_str(&items.join(", "));
                }
                out.push_str("] ");
            }
            "xref" => {
                if let Some(id) = child.attribute("id") {
                    out.push_str(&id.to_ascii_uppercase());
                }
            }
            "item" => {
                out.push_str("\n- ");
                render(child, out);
            }
            _ => render(child, out),
        }
    }
}

fn paragraphs(wu: roxmltree::Node<'_, '_>) -> Vec<String> {
    let mut out = Vec::new();
    for child in wu.children().filter(|c| c.is_element()) {
        if child.has_tag_name("ae-dc-element") {
            continue;
        }
        let mut s = String::new();
        render(child, &mut s);
        let s = squash(&s);
        if !s.is_empty() {
            out.push(s);
        }
    }
    out
}
