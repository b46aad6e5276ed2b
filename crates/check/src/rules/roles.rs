//! Device forms, functional roles and required choices: what a PP says a TOE must do because of
//! the roles its parts play.
//!
//! A PP declares the forms (pump, CGM, app, …) and roles (therapy delivery, AID host, …) it
//! covers; an ST describes its TOE as parts, each with a form and roles. This module checks that
//! the declarations are consistent (DT-DOC-002, DT-DOC-003, DT-OP-008), that an ST's parts use
//! forms and roles of the claimed PP (DT-CONF-010), and that an ST makes every choice the PP
//! requires of its roles and features (DT-CONF-013). Status conditions on roles are applied
//! once, in `context.rs`.

use std::collections::{HashMap, HashSet};

use dtsec_model::{Document, Id, Operation, RequiredChoice, Span, Spanned};

use crate::context::{Ctx, PpSfr};
use crate::diagnostic::Related;

pub fn check(ctx: &mut Ctx<'_>) {
    declarations(ctx);
    required_choice_definitions(ctx);
    if ctx.is_st() && !ctx.pps.is_empty() && !ctx.claims_unresolved && !ctx.niap_st {
        parts(ctx);
        required_choices(ctx);
    }
}

/// Every operation of an element's operation map, nested ones included, with the span of the
/// top-level operation that holds it and whether it is nested.
pub(crate) fn all_operations(
    ops: &std::collections::BTreeMap<String, Spanned<Operation>>,
) -> Vec<(&str, &Operation, Span, bool)> {
    fn walk<'a>(
        name: &'a str,
        op: &'a Operation,
        span: Span,
        nested: bool,
        out: &mut Vec<(&'a str, &'a Operation, Span, bool)>,
    ) {
        out.push((name, op, span, nested));
        for (n, inner) in op.nested() {
            walk(n, inner, span, true, out);
        }
    }
    let mut out = Vec::new();
    for (name, op) in ops {
        walk(name, &op.value, op.span, false, &mut out);
    }
    out
}

/// The forms, roles and features a document may refer to: its own and its base PPs'.
fn known<'a>(
    ctx: &Ctx<'a>,
    pick: fn(&Document) -> Vec<&str>,
    doc: &'a Document,
) -> HashSet<&'a str> {
    let mut out: HashSet<&'a str> = pick(doc).into_iter().collect();
    for pp in &ctx.pps {
        out.extend(pick(&pp.document));
    }
    out
}

fn form_ids(d: &Document) -> Vec<&str> {
    d.forms.iter().map(|f| f.id.as_str()).collect()
}

fn role_ids(d: &Document) -> Vec<&str> {
    d.roles.iter().map(|r| r.id.as_str()).collect()
}

fn feature_ids(d: &Document) -> Vec<&str> {
    d.features.iter().map(|f| f.id.as_str()).collect()
}

/// Forms and roles are declared once each; SFR role conditions name declared roles.
fn declarations(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for id in doc.forms.iter().chain(&doc.roles).map(|d| &d.id) {
        if let Some(first) = seen.get(id.as_str()).copied() {
            ctx.push(
                "DT-DOC-002",
                format!(
                    "form or role `{}` is defined twice (first at line {})",
                    id.value, first.line
                ),
                id.span,
                Some("give each form and role its own id".into()),
            );
        } else {
            seen.insert(id.as_str(), id.span);
        }
    }
    let roles = known(ctx, role_ids, doc);
    for sfr in &doc.sfrs {
        for r in &sfr.roles {
            if !roles.contains(r.as_str()) {
                unknown(ctx, r, "role", &format!("SFR {}", sfr.id.value));
            }
        }
    }
}

/// Required choices name declared roles and features and choices of their own selection.
fn required_choice_definitions(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let roles = known(ctx, role_ids, doc);
    let features = known(ctx, feature_ids, doc);
    for sfr in &doc.sfrs {
        for e in &sfr.elements {
            for (name, op, span, _) in all_operations(&e.operations) {
                for rc in &op.required_choices {
                    let place = format!("a required choice of `{name}` in {}", e.id.value);
                    for r in &rc.roles {
                        if !roles.contains(r.as_str()) {
                            unknown(ctx, r, "role", &place);
                        }
                    }
                    for f in &rc.features {
                        if !features.contains(f.as_str()) {
                            unknown(ctx, f, "feature", &place);
                        }
                    }
                    let at = rc.choices.first().map_or(span, |c| c.span);
                    match &op.selection {
                        None => ctx.push(
                            "DT-OP-008",
                            format!(
                                "operation `{name}` of {}: required choices on an assignment",
                                e.id.value
                            ),
                            at,
                            Some("`required_choices` applies to selections; write a fixed value into the text instead".into()),
                        ),
                        Some(choices) => {
                            if rc.choices.is_empty() {
                                ctx.push(
                                    "DT-OP-008",
                                    format!("operation `{name}` of {}: a required choice lists no choices", e.id.value),
                                    at,
                                    Some("list the choices an ST must select under `choices`".into()),
                                );
                            }
                            for c in &rc.choices {
                                if !choices.iter().any(|x| x.matches(&c.value)) {
                                    ctx.push(
                                        "DT-OP-008",
                                        format!(
                                            "operation `{name}` of {}: required choice `{}` is not one of its choices",
                                            e.id.value, c.value
                                        ),
                                        c.span,
                                        Some(format!(
                                            "use one of: {}",
                                            choices.iter().map(|x| x.id()).collect::<Vec<_>>().join(", ")
                                        )),
                                    );
                                }
                            }
                            if op.exclusive && rc.choices.len() > 1 {
                                ctx.push(
                                    "DT-OP-008",
                                    format!("operation `{name}` of {}: an exclusive selection cannot require several choices", e.id.value),
                                    at,
                                    Some("require one choice, or make the selection non-exclusive".into()),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

fn unknown(ctx: &mut Ctx<'_>, id: &Id, what: &str, place: &str) {
    ctx.push(
        "DT-DOC-003",
        format!("{place} refers to `{}`, which is not a {what}", id.value),
        id.span,
        Some(format!("define `{}` or correct the reference", id.value)),
    );
}

/// An ST's TOE parts use the forms and roles of the PPs it claims; when those declare forms or
/// roles, the ST describes at least one part.
fn parts(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let pp_forms: Vec<&str> = ctx.pps.iter().flat_map(|p| form_ids(&p.document)).collect();
    let pp_roles: Vec<&str> = ctx.pps.iter().flat_map(|p| role_ids(&p.document)).collect();
    if pp_forms.is_empty() && pp_roles.is_empty() {
        return;
    }
    let toe = &doc.toe;
    let parts = toe.all_parts();
    // A PP with TOE types as well (CDD 1.0 style) is satisfied by `toe.type`.
    let has_type = toe.toe_type.is_some();
    if parts.is_empty() && !has_type {
        ctx.push(
            "DT-CONF-010",
            "the ST describes no TOE part (form and roles), and the claimed PP's requirements depend on them".into(),
            doc.kind.span,
            Some(format!(
                "set `toe.form` (one of: {}) and `toe.roles`, or list `toe.parts`",
                pp_forms.join(", ")
            )),
        );
        return;
    }
    let mut names: HashMap<String, Span> = HashMap::new();
    for part in &toe.parts {
        if let Some(first) = names.insert(part.name.value.clone(), part.name.span) {
            ctx.push(
                "DT-DOC-002",
                format!(
                    "TOE part `{}` is listed twice (first at line {})",
                    part.name.value, first.line
                ),
                part.name.span,
                Some("give each part of the TOE its own name".into()),
            );
        }
    }
    if toe.form.is_some() && !toe.parts.is_empty() {
        let at = toe.form.as_ref().map_or(doc.kind.span, |f| f.span);
        ctx.push(
            "DT-CONF-010",
            "the ST gives both a compact TOE (`toe.form`) and `toe.parts`".into(),
            at,
            Some("describe a single-part TOE with `toe.form` and `toe.roles`, or list every part under `toe.parts`".into()),
        );
    }
    for part in &parts {
        let form = &part.form;
        if pp_forms.is_empty() {
            // A PP with roles but no forms: any form will do.
        } else if form.value.is_empty() {
            ctx.push(
                "DT-CONF-010",
                format!("TOE part `{}` has roles but no form", part.name.value),
                part.name.span,
                Some(format!("set its form to one of: {}", pp_forms.join(", "))),
            );
        } else if !pp_forms.contains(&form.as_str()) {
            ctx.push(
                "DT-CONF-010",
                format!(
                    "device form `{}` is not one the claimed PP covers",
                    form.value
                ),
                form.span,
                Some(format!("use one of: {}", pp_forms.join(", "))),
            );
        }
        for r in &part.roles {
            if !pp_roles.contains(&r.as_str()) {
                ctx.push(
                    "DT-CONF-010",
                    format!("role `{}` is not one the claimed PP defines", r.value),
                    r.span,
                    Some(format!("use one of: {}", pp_roles.join(", "))),
                );
            }
        }
    }
}

/// Why a required choice applies to this TOE, or `None` when its condition does not hold.
fn condition_holds(rc: &RequiredChoice, ctx: &Ctx<'_>) -> Option<String> {
    if rc.roles.is_empty() && rc.features.is_empty() {
        return Some("every TOE".into());
    }
    if let Some(r) = rc.roles.iter().find(|r| ctx.doc.toe.has_role(&r.value)) {
        return Some(format!("a TOE with role `{}`", r.value));
    }
    rc.features
        .iter()
        .find(|f| ctx.doc.features.iter().any(|x| x.id.value == f.value))
        .map(|f| format!("a TOE with feature `{}`", f.value))
}

/// DT-CONF-013: every required choice whose condition holds is selected in the ST.
fn required_choices(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let pp_sfrs: Vec<(&str, PpSfr<'_>)> = ctx.pp_sfrs.iter().map(|(k, v)| (*k, *v)).collect();
    for (id, pp) in pp_sfrs {
        let Some(st_sfr) = doc.sfrs.iter().find(|s| s.id.value == id) else {
            continue;
        };
        for def in &pp.sfr.elements {
            let st_element = st_sfr.elements.iter().find(|e| e.id.value == def.id.value);
            for (name, op, _, nested) in all_operations(&def.operations) {
                if op.required_choices.is_empty() {
                    continue;
                }
                let completion = st_element.and_then(|e| e.completed.get(name));
                // A nested operation applies only when its choice is selected; an ST that
                // leaves it out has not selected that choice (DT-OP-001 covers the rest).
                if nested && completion.is_none() {
                    continue;
                }
                let at = match (completion, st_element) {
                    (Some(c), _) if c.span.is_known() => c.span,
                    (_, Some(e)) => e.id.span,
                    _ => st_sfr.id.span,
                };
                let values: Vec<&str> = completion.map(|c| c.value.values()).unwrap_or_default();
                let place = ChoicePlace {
                    sfr: id,
                    element: &def.id.value,
                    name,
                    op,
                    values: &values,
                    at,
                };
                let by = RequiredBy {
                    what: "the claimed PP".into(),
                    file: pp.file,
                    fallback: pp.status_span,
                };
                missing_required_choices(ctx, &place, &op.required_choices, &by);
            }
        }
    }
}

/// Where an ST completes one selection of a claimed PP's SFR, for findings about its choices.
pub(crate) struct ChoicePlace<'p> {
    /// The SFR instance id.
    pub sfr: &'p str,
    /// The element id.
    pub element: &'p str,
    /// The operation's name.
    pub name: &'p str,
    /// The PP's definition of the selection.
    pub op: &'p Operation,
    /// What the ST selects.
    pub values: &'p [&'p str],
    /// Where the finding goes (the completion, or the element or SFR when it is missing).
    pub at: Span,
}

/// The document whose `required_choices` are checked: a PP, or a package that narrows it.
pub(crate) struct RequiredBy<'f> {
    /// How findings name it ("the claimed PP", "the claimed package `x` 1.0").
    pub what: String,
    /// Its file, for the related note.
    pub file: &'f str,
    /// Where the related note points when a required choice lists no choice.
    pub fallback: Span,
}

/// DT-CONF-013 for each of `rcs` whose condition holds and whose choices the ST does not make
/// at `place`. Shared by the PP's own required choices and a package's `restrict`.
pub(crate) fn missing_required_choices(
    ctx: &mut Ctx<'_>,
    place: &ChoicePlace<'_>,
    rcs: &[RequiredChoice],
    by: &RequiredBy<'_>,
) {
    let choices = place.op.selection.as_deref().unwrap_or_default();
    for rc in rcs {
        let Some(why) = condition_holds(rc, ctx) else {
            continue;
        };
        let missing: Vec<&str> = rc
            .choices
            .iter()
            .map(|c| c.as_str())
            .filter(|c| {
                let def_choice = choices.iter().find(|x| x.matches(c));
                !place.values.iter().any(|v| match def_choice {
                    Some(x) => x.matches(v),
                    None => v == c,
                })
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let name = place.name;
        let pp_at = rc.choices.first().map_or(by.fallback, |c| c.span);
        ctx.push_related(
            "DT-CONF-013",
            format!(
                "{} ({}): {} requires {why} to select {list} in `{name}`",
                place.element, place.sfr, by.what
            ),
            place.at,
            Some(format!(
                "add {list} to the completion of `{name}`{}",
                rc.note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            )),
            Related {
                file: by.file.to_string(),
                span: pp_at,
                message: format!("required for {why} here"),
            },
        );
    }
}
