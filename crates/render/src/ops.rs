//! Requirement text with its operation slots filled in.
//!
//! Why: element text carries `{name}` slots. In a PP (or package, or extended component
//! definition) a slot shows the open operation the ST author must perform —
//! `[selection: a, b]`, `[selection, choose one of: a, b]`, `[assignment: label]` — with nested
//! operations inside choices shown recursively. In an ST a slot shows the completed value,
//! marked as such (`<span class="completed" title="selection">SHA-256</span>`); a slot the ST
//! leaves open is flagged visibly as `[open: …]`. Recursion is bounded, so a choice whose text
//! refers to its own operation cannot loop.

use std::collections::BTreeMap;

use dtsec_model::{Completion, Operation, Spanned, ValueType};

use crate::html::Html;

/// How deep nested operations are followed.
const MAX_NESTING: usize = 12;

/// Whether open operations are expected (a PP) or are gaps (an ST).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// PPs, PP-Modules, packages, extended component definitions: slots are open operations.
    Template,
    /// STs: slots should be completed; open ones are flagged.
    Instance,
}

/// The operations and completions one element's text can refer to.
#[derive(Debug)]
pub(crate) struct Slots<'a> {
    ops: BTreeMap<&'a str, &'a Operation>,
    completed: BTreeMap<&'a str, &'a Completion>,
    mode: Mode,
}

impl<'a> Slots<'a> {
    /// Operations (nested ones found by walking choices) and completions of one element.
    pub(crate) fn new(
        operations: &'a BTreeMap<String, Spanned<Operation>>,
        completed: BTreeMap<&'a str, &'a Completion>,
        mode: Mode,
    ) -> Slots<'a> {
        let mut ops = BTreeMap::new();
        for (name, op) in operations {
            ops.entry(name.as_str()).or_insert(&op.value);
            collect_nested(&op.value, &mut ops, 0);
        }
        Slots {
            ops,
            completed,
            mode,
        }
    }
}

fn collect_nested<'a>(op: &'a Operation, ops: &mut BTreeMap<&'a str, &'a Operation>, depth: usize) {
    if depth >= MAX_NESTING {
        return;
    }
    for choice in op.selection.iter().flatten() {
        for (name, nested) in choice.operations() {
            ops.entry(name.as_str()).or_insert(nested);
            collect_nested(nested, ops, depth + 1);
        }
    }
}

/// A piece of element text: literal text or a `{name}` slot.
#[derive(Debug, PartialEq, Eq)]
enum Seg<'t> {
    Lit(&'t str),
    Slot(&'t str),
}

/// Splits text into literals and slots, by the same rule as `dtsec_model::operation::slots_in`.
fn segments(text: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if valid {
            if open > 0 {
                out.push(Seg::Lit(&rest[..open]));
            }
            out.push(Seg::Slot(name));
        } else {
            out.push(Seg::Lit(&rest[..open + close + 2]));
        }
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Seg::Lit(rest));
    }
    out
}

/// Renders element (or choice) text with every slot filled in.
pub(crate) fn render_text<'a>(h: &mut Html, text: &'a str, slots: &Slots<'a>) {
    let mut stack = Vec::new();
    text_inner(h, text, slots, &mut stack);
}

fn text_inner<'a>(h: &mut Html, text: &'a str, slots: &Slots<'a>, stack: &mut Vec<&'a str>) {
    for seg in segments(text) {
        match seg {
            Seg::Lit(s) => h.text(s),
            Seg::Slot(name) => slot(h, name, slots, stack),
        }
    }
}

fn slot<'a>(h: &mut Html, name: &'a str, slots: &Slots<'a>, stack: &mut Vec<&'a str>) {
    if stack.len() >= MAX_NESTING || stack.contains(&name) {
        h.open("span", &[("class", "op problem")]);
        h.raw("[recursive operation: ");
        h.text(name);
        h.raw("]");
        h.close("span");
        return;
    }
    stack.push(name);
    match (slots.completed.get(name), slots.ops.get(name)) {
        (Some(c), op) => completed(h, c, op.copied(), slots, stack),
        (None, Some(op)) => open(h, name, op, slots, stack),
        (None, None) => {
            h.open("span", &[("class", "op problem")]);
            h.raw("[undefined operation: ");
            h.text(name);
            h.raw("]");
            h.close("span");
        }
    }
    stack.pop();
}

fn completed<'a>(
    h: &mut Html,
    c: &'a Completion,
    op: Option<&'a Operation>,
    slots: &Slots<'a>,
    stack: &mut Vec<&'a str>,
) {
    let kind = match op {
        Some(op) if op.selection.is_some() => "selection",
        Some(_) => "assignment",
        None => "operation",
    };
    h.open("span", &[("class", "completed"), ("title", kind)]);
    let values = c.values();
    if values.is_empty() {
        h.raw("(nothing selected)");
    }
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        let choice = op
            .and_then(|op| op.selection.as_ref())
            .and_then(|choices| choices.iter().find(|ch| ch.matches(v)));
        match choice {
            Some(ch) => text_inner(h, ch.text(), slots, stack),
            None => h.text(v),
        }
    }
    h.close("span");
}

fn open<'a>(
    h: &mut Html,
    name: &str,
    op: &'a Operation,
    slots: &Slots<'a>,
    stack: &mut Vec<&'a str>,
) {
    let flagged = slots.mode == Mode::Instance;
    let class = match (op.selection.is_some(), flagged) {
        (true, false) => "op selection",
        (true, true) => "op selection open",
        (false, false) => "op assignment",
        (false, true) => "op assignment open",
    };
    let title = if flagged {
        "open operation: not completed"
    } else {
        op.kind_label()
    };
    h.open("span", &[("class", class), ("title", title)]);
    h.raw("[");
    if flagged {
        h.raw("open: ");
    }
    match &op.selection {
        Some(choices) => {
            h.raw("<span class=\"op-kind\">selection</span>");
            if op.exclusive {
                h.raw(", choose one of");
            }
            h.raw(": ");
            for (i, ch) in choices.iter().enumerate() {
                if i > 0 {
                    h.raw(", ");
                }
                let required = op
                    .required_choices
                    .iter()
                    .any(|rc| rc.choices.iter().any(|c| ch.matches(&c.value)));
                if required {
                    // Listed with its roles under the element; marked here so the text shows it.
                    h.raw("<span class=\"choice required\" title=\"required for some roles or features (see Required choices)\">");
                } else {
                    h.raw("<span class=\"choice\">");
                }
                text_inner(h, ch.text(), slots, stack);
                if required {
                    h.raw("<sup class=\"req-mark\" aria-label=\"required choice\">R</sup>");
                }
                h.raw("</span>");
            }
        }
        None => {
            h.raw("<span class=\"op-kind\">assignment</span>: ");
            h.text(op.assignment.as_deref().unwrap_or(name));
            constraints(h, op);
        }
    }
    h.raw("]");
    h.close("span");
}

fn constraints(h: &mut Html, op: &Operation) {
    let mut parts: Vec<String> = Vec::new();
    match op.value_type {
        Some(ValueType::Integer) => parts.push("integer".into()),
        Some(ValueType::Real) => parts.push("number".into()),
        None => {}
    }
    if let Some(min) = op.min {
        parts.push(format!("at least {min}"));
    }
    if let Some(max) = op.max {
        parts.push(format!("at most {max}"));
    }
    if let Some(p) = &op.pattern {
        parts.push(format!("matching {p}"));
    }
    if !parts.is_empty() {
        h.raw(" <span class=\"constraint\">(");
        h.text(&parts.join(", "));
        h.raw(")</span>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_follow_slot_rules() {
        assert_eq!(
            segments("a {x} b { y } {z}"),
            vec![
                Seg::Lit("a "),
                Seg::Slot("x"),
                Seg::Lit(" b { y }"),
                Seg::Lit(" "),
                Seg::Slot("z")
            ]
        );
        assert_eq!(segments("open {"), vec![Seg::Lit("open {")]);
    }

    #[test]
    fn self_referencing_choice_terminates() {
        let op: Operation = Operation {
            selection: Some(vec![dtsec_model::Choice::Detailed(
                dtsec_model::operation::DetailedChoice {
                    id: None,
                    text: "again {a}".into(),
                    operations: BTreeMap::new(),
                    exclusive: false,
                },
            )]),
            ..Operation::default()
        };
        let mut ops = BTreeMap::new();
        ops.insert("a".to_owned(), Spanned::unspanned(op));
        let slots = Slots::new(&ops, BTreeMap::new(), Mode::Template);
        let mut h = Html::default();
        render_text(&mut h, "{a}", &slots);
        assert!(h.finish().contains("recursive operation"));
    }
}
