//! Device forms, functional roles and required choices (cdd 2.0 and later PPs).
//!
//! Why its own module: a PP that keys its requirements on what a TOE part is (its form) and
//! does (its roles) must show those declarations, the role conditions on its SFRs and the
//! choices each role must make, or a reader cannot tell what a pump ST owes that a CGM ST does
//! not. An ST shows its parts with the forms and roles it claims. Titles of forms and roles
//! come from the document itself or, for an ST, from the claimed PPs.

use dtsec_model::{Document, LoadedDocument, Operation, PackageRequirement, RoleDefinition};

use crate::html::Html;
use crate::markdown;
use crate::view::View;

/// The definition of form or role `id`: the document's own, else a claimed document's.
fn definition<'a>(
    doc: &'a Document,
    claimed: &'a [&'a LoadedDocument],
    pick: fn(&Document) -> &[RoleDefinition],
    id: &str,
) -> Option<&'a RoleDefinition> {
    std::iter::once(doc)
        .chain(claimed.iter().map(|ld| &ld.document))
        .flat_map(pick)
        .find(|d| d.id.value == id)
}

fn forms(d: &Document) -> &[RoleDefinition] {
    &d.forms
}

fn roles(d: &Document) -> &[RoleDefinition] {
    &d.roles
}

/// Writes `id` as code, followed by its title when known.
fn named(h: &mut Html, def: Option<&RoleDefinition>, id: &str) {
    h.raw("<code>");
    h.text(id);
    h.raw("</code>");
    if let Some(d) = def {
        h.raw(" (");
        h.text(&d.title);
        h.raw(")");
    }
}

/// Role ids as code with their titles, comma-separated.
pub(crate) fn role_list<'s>(h: &mut Html, v: &View<'_>, ids: impl IntoIterator<Item = &'s str>) {
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        named(h, definition(v.doc, v.claimed, roles, id), id);
    }
}

/// True when a PP-side document declares forms or roles.
pub(crate) fn declares(doc: &Document) -> bool {
    !doc.forms.is_empty() || !doc.roles.is_empty()
}

/// PP, PP-Module: one table of the device forms and roles the document declares.
pub(crate) fn declarations(h: &mut Html, v: &View<'_>) {
    let doc = v.doc;
    h.raw("<table><caption>Device forms and functional roles</caption><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Identifier</th><th scope=\"col\">Title</th><th scope=\"col\">Description</th><th scope=\"col\">Requirements keyed on it</th></tr></thead><tbody>");
    let rows = doc
        .forms
        .iter()
        .map(|d| ("device form", d))
        .chain(doc.roles.iter().map(|d| ("role", d)));
    for (kind, d) in rows {
        h.raw("<tr><td>");
        h.text(kind);
        h.raw("</td><th scope=\"row\"><code>");
        h.text(&d.id.value);
        h.raw("</code></th><td>");
        h.text(&d.title);
        h.raw("</td><td>");
        if let Some(desc) = &d.description {
            markdown::blocks(h, desc);
        }
        h.raw("</td><td>");
        let keyed = keyed_on(doc, &d.id.value);
        if keyed.is_empty() {
            h.raw("—");
        }
        for (i, s) in keyed.iter().enumerate() {
            if i > 0 {
                h.raw(", ");
            }
            v.link(h, crate::view::SFR, s);
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>\n");
}

/// The SFRs whose status or required choices depend on role `id`, in document order.
fn keyed_on<'a>(doc: &'a Document, id: &str) -> Vec<&'a str> {
    doc.sfrs
        .iter()
        .filter(|s| {
            s.roles.iter().any(|r| r.value == id)
                || s.elements.iter().any(|e| {
                    e.operations
                        .values()
                        .any(|op| requires_role(&op.value, id, 0))
                })
        })
        .map(|s| s.id.value.as_str())
        .collect()
}

fn requires_role(op: &Operation, id: &str, depth: usize) -> bool {
    depth < 12
        && (op
            .required_choices
            .iter()
            .any(|rc| rc.roles.iter().any(|r| r.value == id))
            || op.nested().any(|(_, n)| requires_role(n, id, depth + 1)))
}

/// ST: the TOE's parts with their forms and roles (the compact single-part form included).
pub(crate) fn parts(h: &mut Html, v: &View<'_>) {
    let parts = v.doc.toe.all_parts();
    if parts.is_empty() {
        return;
    }
    h.raw("<table><caption>TOE parts: device forms and roles</caption><thead><tr><th scope=\"col\">Part</th><th scope=\"col\">Device form</th><th scope=\"col\">Roles</th><th scope=\"col\">Description</th></tr></thead><tbody>");
    for p in &parts {
        h.raw("<tr><th scope=\"row\">");
        h.text(&p.name.value);
        h.raw("</th><td>");
        if p.form.value.is_empty() {
            h.raw("<span class=\"problem\">no form given</span>");
        } else {
            named(
                h,
                definition(v.doc, v.claimed, forms, &p.form.value),
                &p.form.value,
            );
        }
        h.raw("</td><td>");
        if p.roles.is_empty() {
            h.raw("—");
        }
        role_list(h, v, p.roles.iter().map(|r| r.value.as_str()));
        h.raw("</td><td>");
        if let Some(d) = &p.description {
            markdown::blocks(h, d);
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>\n");
}

/// PP side: the required choices of an element's selections, listed under the element with
/// the roles and features that make them required.
pub(crate) fn required_choices(
    h: &mut Html,
    v: &View<'_>,
    operations: &std::collections::BTreeMap<String, dtsec_model::Spanned<Operation>>,
) {
    let mut rows: Vec<(&str, &Operation)> = Vec::new();
    for (name, op) in operations {
        collect(name, &op.value, &mut rows, 0);
    }
    if rows.iter().all(|(_, op)| op.required_choices.is_empty()) {
        return;
    }
    h.raw("<div class=\"required-choices\"><p class=\"label\">Required choices</p><ul>");
    for (name, op) in rows {
        let choices = op.selection.as_deref().unwrap_or_default();
        for rc in &op.required_choices {
            h.raw("<li>In <code>");
            h.text(name);
            h.raw("</code> select ");
            for (i, c) in rc.choices.iter().enumerate() {
                if i > 0 {
                    h.raw(" and ");
                }
                h.raw("<span class=\"required\">“");
                let text = choices
                    .iter()
                    .find(|x| x.matches(&c.value))
                    .map_or(c.value.as_str(), |x| x.text());
                h.text(text);
                h.raw("”</span>");
            }
            if rc.roles.is_empty() && rc.features.is_empty() {
                h.raw(" — for every TOE");
            }
            if !rc.roles.is_empty() {
                h.raw(" — when a part of the TOE plays ");
                role_list(h, v, rc.roles.iter().map(|r| r.value.as_str()));
            }
            if !rc.features.is_empty() {
                h.raw(if rc.roles.is_empty() {
                    " — when the TOE has feature "
                } else {
                    ", or when the TOE has feature "
                });
                for (i, f) in rc.features.iter().enumerate() {
                    if i > 0 {
                        h.raw(", ");
                    }
                    h.raw("<code>");
                    h.text(&f.value);
                    h.raw("</code>");
                }
            }
            if let Some(n) = &rc.note {
                h.raw(". ");
                markdown::inline(h, n);
            }
            h.raw("</li>");
        }
    }
    h.raw("</ul></div>\n");
}

fn collect<'a>(
    name: &'a str,
    op: &'a Operation,
    out: &mut Vec<(&'a str, &'a Operation)>,
    depth: usize,
) {
    if depth >= 12 {
        return;
    }
    out.push((name, op));
    for (n, inner) in op.nested() {
        collect(n, inner, out, depth + 1);
    }
}

/// PP, PP-Module: the packages an ST must claim when it makes a selection.
pub(crate) fn required_packages(h: &mut Html, v: &View<'_>, reqs: &[PackageRequirement]) {
    h.raw("<table><caption>Packages required by a selection</caption><thead><tr><th scope=\"col\">Package</th><th scope=\"col\">Required when the ST selects</th><th scope=\"col\">Only for</th><th scope=\"col\">Why, and where to get it</th></tr></thead><tbody>");
    for r in reqs {
        h.raw("<tr><th scope=\"row\"><code>");
        h.text(&r.package.id.value);
        h.raw("</code> version ");
        h.text(&r.package.version.value);
        h.raw("</th><td>");
        for (i, t) in r.when.iter().enumerate() {
            if i > 0 {
                h.raw("; or ");
            }
            h.raw("“");
            h.text(&t.choice.value);
            h.raw("” in ");
            v.link(h, crate::view::SFR, &t.sfr.value);
            h.raw(" <code>");
            h.text(&t.operation.value);
            h.raw("</code>");
        }
        h.raw("</td><td>");
        if r.roles.is_empty() && r.features.is_empty() {
            h.raw("every TOE");
        }
        if !r.roles.is_empty() {
            h.raw("parts playing ");
            role_list(h, v, r.roles.iter().map(|x| x.value.as_str()));
        }
        for (i, f) in r.features.iter().enumerate() {
            h.raw(if i == 0 {
                if r.roles.is_empty() {
                    "TOEs with feature "
                } else {
                    "; or TOEs with feature "
                }
            } else {
                ", "
            });
            h.raw("<code>");
            h.text(&f.value);
            h.raw("</code>");
        }
        h.raw("</td><td>");
        if let Some(n) = &r.note {
            markdown::inline(h, n);
        }
        if let Some(url) = &r.package.url {
            h.raw(" <span class=\"note\">(");
            h.text(url);
            h.raw(")</span>");
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>\n");
}
