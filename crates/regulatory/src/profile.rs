//! What a TOE has, as far as coverage is concerned: its roles, its SFRs and its selections.
//!
//! Why one shape for a PP role and an ST: coverage must follow what a product *actually* claims.
//! For an ST that is its SFRs and the choices its completions make; for a PP and one role it is
//! what the PP makes mandatory for that role, with the choices the PP requires of the role (and
//! the selection-based SFRs those choices trigger). Both become a [`Profile`], and coverage is
//! derived the same way from either.

use std::collections::BTreeSet;

use dtsec_model::{Document, SfrStatus};

/// The roles, SFR instances and selection choices of one TOE (or one PP role).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// Role ids the TOE plays.
    pub roles: BTreeSet<String>,
    /// SFR instance ids the TOE includes.
    pub sfrs: BTreeSet<String>,
    /// Selection choices made, as `SFR#operation=choice`.
    pub choices: BTreeSet<String>,
}

/// Formats a choice reference the way mapping files write it.
pub fn choice_key(sfr: &str, operation: &str, choice: &str) -> String {
    format!("{sfr}#{operation}={choice}")
}

impl Profile {
    /// What the PP requires of every TOE that plays `role` (and no other): the SFRs mandatory
    /// for it, the choices it must make, and the selection-based SFRs those choices trigger.
    /// Feature-based, optional and form-conditioned SFRs are not assumed.
    ///
    /// For a PP without roles (CDD 1.0 conditions SFRs on TOE types), `role` may be a TOE type
    /// id: the two kinds of ids are distinct, so an SFR conditioned on the other kind does not
    /// hold, as for a TOE that is that type and plays no role.
    pub fn for_pp_role(pp: &Document, role: &str) -> Profile {
        let mut p = Profile {
            roles: BTreeSet::from([role.to_string()]),
            ..Profile::default()
        };
        for sfr in &pp.sfrs {
            let role_holds = sfr.roles.is_empty() || sfr.roles.iter().any(|r| r.value == role);
            let type_holds =
                sfr.toe_types.is_empty() || sfr.toe_types.iter().any(|t| t.value == role);
            let mandatory = sfr
                .status
                .as_ref()
                .is_some_and(|s| s.value == SfrStatus::Mandatory);
            if mandatory && role_holds && type_holds {
                p.sfrs.insert(sfr.id.value.clone());
            }
        }
        for sfr in pp.sfrs.iter().filter(|s| p.sfrs.contains(&s.id.value)) {
            for element in &sfr.elements {
                for (name, op) in &element.operations {
                    for rc in &op.value.required_choices {
                        let applies = rc.roles.iter().any(|r| r.value == role);
                        if applies {
                            for c in &rc.choices {
                                p.choices.insert(choice_key(&sfr.id.value, name, &c.value));
                            }
                        }
                    }
                }
            }
        }
        // One round of triggers is enough for the CDD PPs (a triggered SFR's own choices are
        // not required of any role); a fixed bound keeps hand-written PPs from looping.
        for _ in 0..4 {
            let mut added = false;
            for sfr in &pp.sfrs {
                let selection_based = sfr
                    .status
                    .as_ref()
                    .is_some_and(|s| s.value == SfrStatus::SelectionBased);
                let triggered = sfr.selected_by.iter().any(|t| {
                    p.choices.contains(&choice_key(
                        &t.sfr.value,
                        &t.operation.value,
                        &t.choice.value,
                    ))
                });
                if selection_based && triggered && p.sfrs.insert(sfr.id.value.clone()) {
                    added = true;
                }
            }
            if !added {
                break;
            }
        }
        p
    }

    /// What an ST claims: its TOE's roles, its SFR instances and the choices its completions
    /// make. A completion may name a choice by id or by its text; `pp` gives the choices' ids.
    pub fn for_st(st: &Document, pp: &Document) -> Profile {
        let mut p = Profile::default();
        for part in st.toe.all_parts() {
            p.roles.extend(part.roles.iter().map(|r| r.value.clone()));
        }
        p.roles.extend(st.toe.roles.iter().map(|r| r.value.clone()));
        for sfr in &st.sfrs {
            p.sfrs.insert(sfr.id.value.clone());
            for element in &sfr.elements {
                for (name, done) in &element.completed {
                    for v in done.value.values() {
                        let id = choice_id(pp, &sfr.id.value, name, v).unwrap_or(v);
                        p.choices.insert(choice_key(&sfr.id.value, name, id));
                    }
                }
            }
        }
        p
    }
}

/// The id of the choice of `sfr`'s selection `operation` (nested ones included) that `value`
/// names by id or text.
fn choice_id<'p>(pp: &'p Document, sfr: &str, operation: &str, value: &str) -> Option<&'p str> {
    let sfr = pp.sfrs.iter().find(|s| s.id.value == sfr)?;
    sfr.elements.iter().find_map(|e| {
        e.operations.iter().find_map(|(name, op)| {
            let own = (name == operation).then_some(&op.value);
            let nested = op
                .value
                .nested()
                .find(|(n, _)| n.as_str() == operation)
                .map(|(_, o)| o);
            own.or(nested)?
                .selection
                .iter()
                .flatten()
                .find(|c| c.matches(value))
                .map(|c| c.id())
        })
    })
}

/// The scopes a PP's coverage is given for: its roles, or its TOE types when it has no roles
/// (CDD 1.0), each with where it is defined.
pub fn pp_scopes(pp: &Document) -> Vec<&dtsec_model::Id> {
    if pp.roles.is_empty() {
        pp.toe.types.iter().map(|t| &t.id).collect()
    } else {
        pp.roles.iter().map(|r| &r.id).collect()
    }
}
