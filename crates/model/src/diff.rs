//! What changed between two versions of a PP (or package): the facts behind `dtsec pp diff`.
//!
//! A new PP version is reviewed by what it changes — which threats and SFRs were added or
//! dropped, which statuses were raised, which selections lost or gained choices — not by a
//! line diff of two YAML files whose order and wording drift. [`diff`] compares two documents
//! item by item, keyed by id, and returns the changes in a stable order (sections in a fixed
//! order, items by id), so the output can be read, compared and tested.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::document::{Definition, Document, Element, RoleDefinition, Sfr};
use crate::operation::{Choice, Operation};

/// What happened to one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only in the newer document.
    Added,
    /// Only in the older document.
    Removed,
    /// In both, with differences.
    Changed,
}

/// One changed item: its id and, for changed items, what changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The item's id (e.g. `T.REPLAY`, `FTP_ITC.1`, `cdd-eb 1.0`).
    pub id: String,
    /// For added items a short summary; for changed items one line per difference.
    pub details: Vec<String>,
}

/// The changes of one section (threats, SFRs, …); sections without changes are left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionDiff {
    /// Section title, e.g. `Threats`.
    pub title: &'static str,
    /// Changes, by id.
    pub changes: Vec<Change>,
}

/// Every difference between two documents, section by section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentDiff {
    /// `id version` of the older document.
    pub from: String,
    /// `id version` of the newer document.
    pub to: String,
    /// Sections with changes, in a fixed order.
    pub sections: Vec<SectionDiff>,
}

impl DocumentDiff {
    /// True when the documents differ in nothing the diff compares.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The diff as readable text: one heading per section, `+` added, `-` removed, `~` changed.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{} -> {}", self.from, self.to);
        if self.is_empty() {
            let _ = writeln!(s, "\nno differences");
            return s;
        }
        for section in &self.sections {
            let _ = writeln!(s, "\n{}:", section.title);
            for c in &section.changes {
                let mark = match c.kind {
                    ChangeKind::Added => '+',
                    ChangeKind::Removed => '-',
                    ChangeKind::Changed => '~',
                };
                match (c.kind, c.details.as_slice()) {
                    (ChangeKind::Changed, details) => {
                        let _ = writeln!(s, "  {mark} {}", c.id);
                        for d in details {
                            let _ = writeln!(s, "      {d}");
                        }
                    }
                    (_, []) => {
                        let _ = writeln!(s, "  {mark} {}", c.id);
                    }
                    (_, details) => {
                        let _ = writeln!(s, "  {mark} {} ({})", c.id, details.join("; "));
                    }
                }
            }
        }
        s
    }
}

/// Compares two documents, `old` first.
pub fn diff(old: &Document, new: &Document) -> DocumentDiff {
    let mut sections = Vec::new();
    let mut push = |title: &'static str, changes: Vec<Change>| {
        if !changes.is_empty() {
            sections.push(SectionDiff { title, changes });
        }
    };
    push(
        "TOE types",
        keyed(
            &old.toe.types,
            &new.toe.types,
            |t| t.id.value.clone(),
            |t| t.name.clone(),
            |a, b| text_changes(&[("name", &a.name, &b.name)]),
        ),
    );
    push("Device forms", roles(&old.forms, &new.forms));
    push("Roles", roles(&old.roles, &new.roles));
    push(
        "Features",
        keyed(
            &old.features,
            &new.features,
            |f| f.id.value.clone(),
            |f| f.name.clone().unwrap_or_default(),
            |a, b| {
                text_changes(&[
                    (
                        "name",
                        &a.name.clone().unwrap_or_default(),
                        &b.name.clone().unwrap_or_default(),
                    ),
                    (
                        "description",
                        &a.description.clone().unwrap_or_default(),
                        &b.description.clone().unwrap_or_default(),
                    ),
                ])
            },
        ),
    );
    push("Threats", definitions(&old.spd.threats, &new.spd.threats));
    push(
        "Assumptions",
        definitions(&old.spd.assumptions, &new.spd.assumptions),
    );
    push("OSPs", definitions(&old.spd.osps, &new.spd.osps));
    push(
        "TOE objectives",
        definitions(&old.objectives.toe, &new.objectives.toe),
    );
    push(
        "Environment objectives",
        definitions(&old.objectives.environment, &new.objectives.environment),
    );
    push(
        "Extended components",
        keyed(
            &old.extended_components,
            &new.extended_components,
            |x| x.id.value.clone(),
            |x| x.name.clone(),
            |a, b| {
                let mut out = text_changes(&[("name", &a.name, &b.name)]);
                out.extend(elements(&a.elements, &b.elements));
                out
            },
        ),
    );
    push(
        "SFRs",
        keyed(
            &old.sfrs,
            &new.sfrs,
            |s| s.id.value.clone(),
            sfr_summary,
            sfr,
        ),
    );
    push(
        "SARs",
        keyed(
            &old.sars,
            &new.sars,
            |s| s.id.value.clone(),
            |_| String::new(),
            |_, _| Vec::new(),
        ),
    );
    let refs = |d: &Document| {
        d.conformance
            .packages
            .iter()
            .map(|r| (format!("package {} {}", r.id.value, r.version.value), ()))
            .chain(
                d.modules
                    .iter()
                    .map(|r| (format!("module {} {}", r.id.value, r.version.value), ())),
            )
            .chain(
                d.base_pps
                    .iter()
                    .map(|r| (format!("base PP {} {}", r.id.value, r.version.value), ())),
            )
            .collect::<Vec<_>>()
    };
    push(
        "Packages, modules and base PPs",
        keyed(
            &refs(old),
            &refs(new),
            |r| r.0.clone(),
            |_| String::new(),
            |_, _| Vec::new(),
        ),
    );
    DocumentDiff {
        from: format!("{} {}", old.id.value, old.version.value),
        to: format!("{} {}", new.id.value, new.version.value),
        sections,
    }
}

/// Added, removed and changed items of two lists, by key, in key order.
fn keyed<T>(
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> String,
    summary: impl Fn(&T) -> String,
    compare: impl Fn(&T, &T) -> Vec<String>,
) -> Vec<Change> {
    let old: BTreeMap<String, &T> = old.iter().map(|t| (key(t), t)).collect();
    let new: BTreeMap<String, &T> = new.iter().map(|t| (key(t), t)).collect();
    let mut ids: Vec<&String> = old.keys().chain(new.keys()).collect();
    ids.sort();
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        let one = |t: &T| {
            let s = summary(t);
            if s.is_empty() { Vec::new() } else { vec![s] }
        };
        match (old.get(id), new.get(id)) {
            (None, Some(n)) => out.push(Change {
                kind: ChangeKind::Added,
                id: id.clone(),
                details: one(n),
            }),
            (Some(o), None) => out.push(Change {
                kind: ChangeKind::Removed,
                id: id.clone(),
                details: one(o),
            }),
            (Some(o), Some(n)) => {
                let details = compare(o, n);
                if !details.is_empty() {
                    out.push(Change {
                        kind: ChangeKind::Changed,
                        id: id.clone(),
                        details,
                    });
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn roles(old: &[RoleDefinition], new: &[RoleDefinition]) -> Vec<Change> {
    keyed(
        old,
        new,
        |r| r.id.value.clone(),
        |r| r.title.clone(),
        |a, b| {
            text_changes(&[
                ("title", &a.title, &b.title),
                (
                    "description",
                    &a.description.clone().unwrap_or_default(),
                    &b.description.clone().unwrap_or_default(),
                ),
            ])
        },
    )
}

fn definitions(old: &[Definition], new: &[Definition]) -> Vec<Change> {
    keyed(
        old,
        new,
        |d| d.id.value.clone(),
        |_| String::new(),
        |a, b| {
            let mut out = text_changes(&[("description", &a.description, &b.description)]);
            out.extend(list_change(
                "addresses",
                a.addresses.iter().map(|x| x.value.clone()),
                b.addresses.iter().map(|x| x.value.clone()),
            ));
            out
        },
    )
}

/// "`what` changed" for each pair that differs (whitespace differences ignored).
fn text_changes(pairs: &[(&str, &String, &String)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(_, a, b)| normalize(a) != normalize(b))
        .map(|(what, _, _)| format!("{what} changed"))
        .collect()
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "`what`: +x, -y" for the members added and removed between two lists.
fn list_change(
    what: &str,
    old: impl Iterator<Item = String>,
    new: impl Iterator<Item = String>,
) -> Option<String> {
    let old: Vec<String> = old.collect();
    let new: Vec<String> = new.collect();
    let mut parts: Vec<String> = new
        .iter()
        .filter(|x| !old.contains(x))
        .map(|x| format!("+{x}"))
        .collect();
    parts.extend(
        old.iter()
            .filter(|x| !new.contains(x))
            .map(|x| format!("-{x}")),
    );
    (!parts.is_empty()).then(|| format!("{what}: {}", parts.join(", ")))
}

fn status_label(s: &Sfr) -> String {
    s.status.as_ref().map_or_else(
        || "no status".to_string(),
        |st| st.value.label().to_string(),
    )
}

fn sfr_summary(s: &Sfr) -> String {
    let mut out = status_label(s);
    if !s.roles.is_empty() {
        let r: Vec<&str> = s.roles.iter().map(|r| r.as_str()).collect();
        out.push_str(&format!(" for {}", r.join(", ")));
    }
    if !s.toe_types.is_empty() {
        let t: Vec<&str> = s.toe_types.iter().map(|t| t.as_str()).collect();
        out.push_str(&format!(" for {}", t.join(", ")));
    }
    out
}

fn sfr(a: &Sfr, b: &Sfr) -> Vec<String> {
    let mut out = Vec::new();
    let (sa, sb) = (status_label(a), status_label(b));
    if sa != sb {
        out.push(format!("status: {sa} -> {sb}"));
    }
    let ids = |v: &[crate::document::Id]| v.iter().map(|x| x.value.clone()).collect::<Vec<_>>();
    out.extend(list_change(
        "TOE types",
        ids(&a.toe_types).into_iter(),
        ids(&b.toe_types).into_iter(),
    ));
    out.extend(list_change(
        "roles",
        ids(&a.roles).into_iter(),
        ids(&b.roles).into_iter(),
    ));
    let fa = a.feature.as_ref().map(|f| f.value.clone());
    let fb = b.feature.as_ref().map(|f| f.value.clone());
    if fa != fb {
        out.push(format!(
            "feature: {} -> {}",
            fa.as_deref().unwrap_or("none"),
            fb.as_deref().unwrap_or("none")
        ));
    }
    let trig = |s: &Sfr| {
        s.selected_by
            .iter()
            .map(|t| format!("{}/{}={}", t.sfr.value, t.operation.value, t.choice.value))
            .collect::<Vec<_>>()
    };
    out.extend(list_change(
        "triggers",
        trig(a).into_iter(),
        trig(b).into_iter(),
    ));
    out.extend(list_change(
        "objectives",
        ids(&a.objectives).into_iter(),
        ids(&b.objectives).into_iter(),
    ));
    out.extend(elements(&a.elements, &b.elements));
    out
}

fn elements(old: &[Element], new: &[Element]) -> Vec<String> {
    let mut out = Vec::new();
    for c in keyed(old, new, |e| e.id.value.clone(), |_| String::new(), element) {
        match c.kind {
            ChangeKind::Added => out.push(format!("element {} added", c.id)),
            ChangeKind::Removed => out.push(format!("element {} removed", c.id)),
            ChangeKind::Changed => {
                out.extend(c.details.iter().map(|d| format!("{}: {d}", c.id)));
            }
        }
    }
    out
}

fn element(a: &Element, b: &Element) -> Vec<String> {
    let text = |e: &Element| e.text.as_ref().map(|t| t.value.clone()).unwrap_or_default();
    let mut out = text_changes(&[("text", &text(a), &text(b))]);
    match (&a.refinement, &b.refinement) {
        (None, Some(_)) => out.push("marked as a refinement".into()),
        (Some(_), None) => out.push("no longer marked as a refinement".into()),
        _ => {}
    }
    let ops = |e: &Element| {
        e.operations
            .iter()
            .map(|(n, o)| (n.clone(), o.value.clone()))
            .collect::<Vec<_>>()
    };
    for c in keyed(
        &ops(a),
        &ops(b),
        |(n, _)| n.clone(),
        |_| String::new(),
        |(_, x), (_, y)| operation(x, y),
    ) {
        match c.kind {
            ChangeKind::Added => out.push(format!("operation `{}` added", c.id)),
            ChangeKind::Removed => out.push(format!("operation `{}` removed", c.id)),
            ChangeKind::Changed => out.extend(
                c.details
                    .iter()
                    .map(|d| format!("operation `{}`: {d}", c.id)),
            ),
        }
    }
    out
}

fn operation(a: &Operation, b: &Operation) -> Vec<String> {
    let mut out = Vec::new();
    if a.kind_label() != b.kind_label() {
        out.push(format!("{} -> {}", a.kind_label(), b.kind_label()));
    }
    let choices = |o: &Operation| {
        o.selection
            .iter()
            .flatten()
            .map(|c: &Choice| c.id().to_string())
            .collect::<Vec<_>>()
    };
    out.extend(list_change(
        "choices",
        choices(a).into_iter(),
        choices(b).into_iter(),
    ));
    let required = |o: &Operation| {
        o.required_choices
            .iter()
            .map(|r| {
                let when: Vec<&str> = r
                    .roles
                    .iter()
                    .chain(&r.features)
                    .map(|x| x.as_str())
                    .collect();
                let what: Vec<&str> = r.choices.iter().map(|x| x.as_str()).collect();
                format!(
                    "[{}] for {}",
                    what.join(", "),
                    if when.is_empty() {
                        "every TOE".to_string()
                    } else {
                        when.join(", ")
                    }
                )
            })
            .collect::<Vec<_>>()
    };
    out.extend(list_change(
        "required choices",
        required(a).into_iter(),
        required(b).into_iter(),
    ));
    let opt = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |x| x.to_string());
    if a.min != b.min || a.max != b.max {
        out.push(format!(
            "range: {}..{} -> {}..{}",
            opt(a.min),
            opt(a.max),
            opt(b.min),
            opt(b.max)
        ));
    }
    if a.assignment.as_deref().map(normalize) != b.assignment.as_deref().map(normalize)
        && a.assignment.is_some()
        && b.assignment.is_some()
    {
        out.push("assignment text changed".into());
    }
    out
}
