//! Operations: in PPs, that every `{slot}` in element text has an operation and the reverse
//! (DT-OP-006) and that each operation is well formed (DT-OP-008); in STs, that every operation
//! is completed (DT-OP-001) with an allowed choice (DT-OP-002), one choice where the selection
//! is exclusive (DT-OP-003), and assignments inside their range (DT-OP-004) and pattern
//! (DT-OP-005); completions of operations that do not exist are flagged (DT-OP-007).

use std::collections::{BTreeMap, HashSet};

use dtsec_model::operation::slots_in;
use dtsec_model::{Completion, Element, Operation, Span, Spanned, ValueType};

use crate::context::Ctx;
use crate::diagnostic::Related;

type Ops = BTreeMap<String, Spanned<Operation>>;
type Completions = BTreeMap<String, Spanned<Completion>>;

pub fn check(ctx: &mut Ctx<'_>) {
    // A NIAP-format ST authors no requirement text and completes no assignment: its kept
    // choices are judged by `niap::selections`.
    if ctx.niap_st {
        return;
    }
    authoring(ctx);
    if ctx.is_st() {
        completions(ctx);
    }
}

/// Element definitions written in this document (PP SFRs, extended components, and ST SFRs
/// that carry their own text).
fn authoring(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    // An extended component's element restated word for word by an SFR of this document (NIAP
    // defines a component on its first f-component) is one definition: judged once, so the
    // imported YAML and the XML it came from give the same findings.
    let same_as_sfr = |x: &dtsec_model::Element| {
        doc.sfrs.iter().flat_map(|s| s.elements.iter()).any(|e| {
            e.id.value == x.id.value
                && e.text.as_ref().map(|t| &t.value) == x.text.as_ref().map(|t| &t.value)
        })
    };
    let elements = doc.sfrs.iter().flat_map(|s| s.elements.iter()).chain(
        doc.extended_components
            .iter()
            .flat_map(|x| x.elements.iter())
            .filter(|x| !same_as_sfr(x)),
    );
    for e in elements {
        if e.text.is_none() && e.operations.is_empty() {
            continue;
        }
        let text = e.text.as_ref().map_or("", |t| t.value.as_str());
        let at = e.text.as_ref().map_or(e.id.span, |t| t.span);
        slot_consistency(
            ctx,
            &e.id.value,
            text,
            at,
            e.operations.iter().map(|(n, o)| (n, o.span)),
        );
        for (name, op) in &e.operations {
            well_formed(ctx, &e.id.value, name, &op.value, op.span);
        }
    }
}

fn slot_consistency<'n>(
    ctx: &mut Ctx<'_>,
    element: &str,
    text: &str,
    at: Span,
    ops: impl Iterator<Item = (&'n String, Span)>,
) {
    let slots = slots_in(text);
    let ops: Vec<(&String, Span)> = ops.collect();
    for slot in &slots {
        if !ops.iter().any(|(n, _)| n.as_str() == *slot) {
            ctx.push(
                "DT-OP-006",
                format!("the text of {element} has a slot `{{{slot}}}` with no operation"),
                at,
                Some(format!(
                    "define `{slot}` under the element's `operations`, or remove the braces"
                )),
            );
        }
    }
    for (name, span) in ops {
        if !slots.contains(&name.as_str()) {
            ctx.push(
                "DT-OP-006",
                format!("operation `{name}` of {element} does not appear in its text"),
                span,
                Some(format!(
                    "write `{{{name}}}` in the text where the value goes"
                )),
            );
        }
    }
}

fn well_formed(ctx: &mut Ctx<'_>, element: &str, name: &str, op: &Operation, span: Span) {
    let problem = |ctx: &mut Ctx<'_>, what: String, help: &str| {
        ctx.push(
            "DT-OP-008",
            format!("operation `{name}` of {element}: {what}"),
            span,
            Some(help.to_string()),
        );
    };
    match (&op.assignment, &op.selection) {
        (Some(_), Some(_)) => problem(
            ctx,
            "is both an assignment and a selection".into(),
            "keep one of `assignment` and `selection`",
        ),
        (None, None) => problem(
            ctx,
            "is neither an assignment nor a selection".into(),
            "give `assignment: <what the value is>` or `selection: [choices]`",
        ),
        (None, Some(choices)) => {
            if choices.is_empty() {
                problem(
                    ctx,
                    "is a selection with no choices".into(),
                    "list at least two choices, or make it an assignment",
                );
            }
            let mut seen = HashSet::new();
            for c in choices {
                if !seen.insert(c.id()) {
                    problem(
                        ctx,
                        format!("has the choice `{}` twice", c.id()),
                        "give every choice its own id",
                    );
                }
                if let dtsec_model::Choice::Detailed(d) = c {
                    let slots = slots_in(&d.text);
                    for s in &slots {
                        if !d.operations.contains_key(*s) {
                            problem(
                                ctx,
                                format!(
                                    "choice `{}` has a slot `{{{s}}}` with no operation",
                                    c.id()
                                ),
                                "define the nested operation under the choice's `operations`",
                            );
                        }
                    }
                    for (n, inner) in &d.operations {
                        if !slots.contains(&n.as_str()) {
                            problem(
                                ctx,
                                format!(
                                    "nested operation `{n}` does not appear in the text of choice `{}`",
                                    c.id()
                                ),
                                "write `{name}` in the choice text",
                            );
                        }
                        well_formed(ctx, element, n, inner, span);
                    }
                }
            }
            if op.min.is_some()
                || op.max.is_some()
                || op.pattern.is_some()
                || op.value_type.is_some()
            {
                problem(
                    ctx,
                    "is a selection with value constraints".into(),
                    "`value_type`, `min`, `max` and `pattern` apply to assignments",
                );
            }
        }
        (Some(_), None) => {
            if op.exclusive {
                problem(
                    ctx,
                    "is an assignment marked exclusive".into(),
                    "`exclusive` applies to selections",
                );
            }
            if (op.min.is_some() || op.max.is_some()) && op.value_type.is_none() {
                problem(
                    ctx,
                    "has a range but no `value_type`".into(),
                    "add `value_type: integer` or `value_type: real` so values can be compared",
                );
            }
            if let (Some(min), Some(max)) = (op.min, op.max)
                && min > max
            {
                problem(
                    ctx,
                    format!("has min {min} above max {max}"),
                    "swap or correct the bounds",
                );
            }
            if let Some(p) = &op.pattern
                && let Err(e) = regex::Regex::new(p)
            {
                problem(
                    ctx,
                    format!("has an invalid pattern: {e}"),
                    "write a valid regular expression (Rust regex syntax)",
                );
            }
        }
    }
}

/// ST completions against the element definitions they complete.
fn completions(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    for sfr in &doc.sfrs {
        let pp = ctx.pp_sfrs.get(sfr.id.as_str()).copied();
        let definition: Vec<(&Element, &str)> = match pp {
            Some(pp) => pp.sfr.elements.iter().map(|e| (e, pp.file)).collect(),
            None => sfr
                .elements
                .iter()
                .map(|e| (e, ctx.source.name.as_str()))
                .collect(),
        };
        for (def, def_file) in definition {
            let st_element = sfr.elements.iter().find(|e| e.id.value == def.id.value);
            let anchor = st_element.map_or(sfr.id.span, |e| e.id.span);
            // What the PP already completed, overlaid with what the ST completes.
            let mut done: Completions = def.completed.clone();
            if let Some(st) = st_element
                && !std::ptr::eq(st, def)
            {
                done.extend(st.completed.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            let mut used = HashSet::new();
            let label = format!("{} ({})", def.id.value, sfr.id.value);
            for (name, op) in &def.operations {
                complete_one(
                    ctx, &label, name, &op.value, op.span, def_file, &done, anchor, &mut used,
                );
            }
            if let Some(st) = st_element {
                for (name, value) in &st.completed {
                    if used.contains(name.as_str()) {
                        continue;
                    }
                    let exists =
                        crate::rules::structure::find_operation(&def.operations, name).is_some();
                    let message = if exists {
                        format!(
                            "`{name}` of {label} is completed, but the choice that holds it is not selected"
                        )
                    } else {
                        format!("{label} has no operation `{name}`")
                    };
                    ctx.push(
                        "DT-OP-007",
                        message,
                        value.span,
                        Some(format!(
                            "operations of {}: {}",
                            def.id.value,
                            all_names(&def.operations).join(", ")
                        )),
                    );
                }
            }
        }
    }
}

fn all_names(ops: &Ops) -> Vec<String> {
    fn walk(name: &str, op: &Operation, out: &mut Vec<String>) {
        out.push(name.to_string());
        for (n, inner) in op.nested() {
            walk(n, inner, out);
        }
    }
    let mut out = Vec::new();
    for (n, op) in ops {
        walk(n, &op.value, &mut out);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn complete_one(
    ctx: &mut Ctx<'_>,
    label: &str,
    name: &str,
    op: &Operation,
    def_span: Span,
    def_file: &str,
    done: &Completions,
    anchor: Span,
    used: &mut HashSet<String>,
) {
    let related = || Related {
        file: def_file.to_string(),
        span: def_span,
        message: format!("`{name}` is defined here"),
    };
    let Some(value) = done.get(name) else {
        ctx.push_related(
            "DT-OP-001",
            format!(
                "the {} `{name}` of {label} is not completed",
                op.kind_label()
            ),
            anchor,
            Some(format!(
                "complete it under `completed: {{{name}: …}}` of the element"
            )),
            related(),
        );
        return;
    };
    used.insert(name.to_string());
    let values = value.value.values();
    if values.iter().all(|v| v.trim().is_empty()) {
        ctx.push_related(
            "DT-OP-001",
            format!(
                "the {} `{name}` of {label} is completed with nothing",
                op.kind_label()
            ),
            value.span,
            Some("give a value".into()),
            related(),
        );
        return;
    }
    if let Some(choices) = &op.selection {
        if op.exclusive && values.len() > 1 {
            ctx.push_related(
                "DT-OP-003",
                format!(
                    "`{name}` of {label} allows one choice, but {} are selected",
                    values.len()
                ),
                value.span,
                Some("select exactly one".into()),
                related(),
            );
        }
        for v in &values {
            match choices.iter().find(|c| c.matches(v)) {
                None => {
                    let allowed: Vec<&str> = choices.iter().map(|c| c.id()).collect();
                    ctx.push_related(
                        "DT-OP-002",
                        format!("`{v}` is not a choice of `{name}` in {label}"),
                        value.span,
                        Some(format!("choices are: {}", allowed.join(", "))),
                        related(),
                    );
                }
                Some(choice) => {
                    for (n, inner) in choice.operations() {
                        complete_one(
                            ctx, label, n, inner, def_span, def_file, done, value.span, used,
                        );
                    }
                }
            }
        }
        return;
    }
    for v in &values {
        let v = v.trim();
        // A range implies a number, even where the PP forgot `value_type` (DT-OP-008 says so).
        let numeric = op
            .value_type
            .or_else(|| (op.min.is_some() || op.max.is_some()).then_some(ValueType::Real));
        if let Some(t) = numeric {
            let parsed = match t {
                ValueType::Integer => v.parse::<i64>().ok().map(|n| n as f64),
                ValueType::Real => v.parse::<f64>().ok().filter(|f| f.is_finite()),
            };
            match parsed {
                None => ctx.push_related(
                    "DT-OP-004",
                    format!(
                        "`{v}` is not {} for `{name}` of {label}",
                        if t == ValueType::Integer {
                            "a whole number"
                        } else {
                            "a number"
                        }
                    ),
                    value.span,
                    Some("give a number".into()),
                    related(),
                ),
                Some(n) => {
                    let low = op.min.is_some_and(|m| n < m);
                    let high = op.max.is_some_and(|m| n > m);
                    if low || high {
                        ctx.push_related(
                            "DT-OP-004",
                            format!(
                                "`{v}` is outside the range {} for `{name}` of {label}",
                                range_text(op)
                            ),
                            value.span,
                            Some("give a value inside the range the PP allows".into()),
                            related(),
                        );
                    }
                }
            }
        }
        if let Some(p) = &op.pattern
            && let Ok(re) = regex::Regex::new(&format!("^(?:{p})$"))
            && !re.is_match(v)
        {
            ctx.push_related(
                "DT-OP-005",
                format!("`{v}` does not match the pattern `{p}` of `{name}` in {label}"),
                value.span,
                Some("give a value of the form the PP requires".into()),
                related(),
            );
        }
    }
}

fn range_text(op: &Operation) -> String {
    match (op.min, op.max) {
        (Some(a), Some(b)) => format!("{a}..={b}"),
        (Some(a), None) => format!("≥ {a}"),
        (None, Some(b)) => format!("≤ {b}"),
        (None, None) => "given".into(),
    }
}
