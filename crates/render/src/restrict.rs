//! Package side: how a package narrows the selections of its base PP (`restrict` on an SFR
//! delta). Shown under the SFR so that a reader of the package sees what an ST claiming it may
//! no longer choose, not only which SFRs became mandatory.

use std::collections::BTreeMap;

use dtsec_model::{Choice, ChoiceRestriction, Operation, Spanned};

use crate::html::Html;
use crate::markdown;
use crate::resolve::EffElement;
use crate::roles::role_list;
use crate::view::View;

/// The choices of the selection named `name` among `elements` (nested ones included).
fn choices_of<'a>(elements: &'a [EffElement<'a>], name: &str) -> &'a [Choice] {
    fn find<'o>(
        ops: &'o BTreeMap<String, Operation>,
        name: &str,
        depth: usize,
    ) -> Option<&'o Operation> {
        if depth > 12 {
            return None;
        }
        ops.iter().find_map(|(n, op)| {
            if n == name {
                Some(op)
            } else {
                op.selection
                    .iter()
                    .flatten()
                    .find_map(|c| find(c.operations(), name, depth + 1))
            }
        })
    }
    elements
        .iter()
        .find_map(|e| {
            e.operations
                .iter()
                .find_map(|(n, op): (&String, &Spanned<Operation>)| {
                    if n == name {
                        Some(&op.value)
                    } else {
                        op.value
                            .selection
                            .iter()
                            .flatten()
                            .find_map(|c| find(c.operations(), name, 1))
                    }
                })
        })
        .and_then(|op| op.selection.as_deref())
        .unwrap_or_default()
}

/// Writes the choices `ids` as quoted texts, joined by `and`/`or`.
fn choice_list(h: &mut Html, choices: &[Choice], ids: &[Spanned<String>], join: &'static str) {
    for (i, c) in ids.iter().enumerate() {
        if i > 0 {
            h.raw(join);
        }
        h.raw("<span class=\"required\">“");
        let text = choices
            .iter()
            .find(|x| x.matches(&c.value))
            .map_or(c.value.as_str(), |x| x.text());
        h.text(text);
        h.raw("”</span>");
    }
}

/// Lists the package's restrictions of an SFR's selections, if any.
pub(crate) fn restrictions(
    h: &mut Html,
    v: &View<'_>,
    restrict: &BTreeMap<String, ChoiceRestriction>,
    elements: &[EffElement<'_>],
) {
    if restrict.is_empty() {
        return;
    }
    h.raw("<div class=\"required-choices\"><p class=\"label\">Narrowed by this package</p><ul>");
    for (name, r) in restrict {
        let choices = choices_of(elements, name);
        if !r.allowed.is_empty() {
            h.raw("<li>In <code>");
            h.text(name);
            h.raw("</code> an ST claiming this package may select only ");
            choice_list(h, choices, &r.allowed, " or ");
            if let Some(n) = &r.note {
                h.raw(". ");
                markdown::inline(h, n);
            }
            h.raw("</li>");
        }
        for rc in &r.required_choices {
            h.raw("<li>In <code>");
            h.text(name);
            h.raw("</code> an ST claiming this package must select ");
            choice_list(h, choices, &rc.choices, " and ");
            if !rc.roles.is_empty() {
                h.raw(" when a part of the TOE plays ");
                role_list(h, v, rc.roles.iter().map(|r| r.value.as_str()));
            }
            if !rc.features.is_empty() {
                h.raw(if rc.roles.is_empty() {
                    " when the TOE has feature "
                } else {
                    ", or when the TOE has feature "
                });
                let f: Vec<&str> = rc.features.iter().map(|f| f.value.as_str()).collect();
                h.raw("<code>");
                h.text(&f.join(", "));
                h.raw("</code>");
            }
            if let Some(n) = rc.note.as_ref().or(r.note.as_ref()) {
                h.raw(". ");
                markdown::inline(h, n);
            }
            h.raw("</li>");
        }
    }
    h.raw("</ul></div>\n");
}
