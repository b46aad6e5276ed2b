//! An ST as a profile: dtsec's resolution of it equals the checker's effective SFR set, and
//! it validates; every example ST's component-definition validates and carries its completions.

use std::collections::BTreeSet;

use dtsec_check::CheckInput;
use dtsec_check::context::Ctx;
use dtsec_model::{Library, SfrStatus};
use dtsec_oscal::{ComponentOptions, component_definition, profile, resolve, validate};

use crate::common::{EXAMPLES, claimed_catalogs, example};

#[test]
fn pump_profile_resolves_to_the_checkers_effective_set() {
    let library = Library::with_builtins();
    let (source, st) = example("pump-st.yaml");
    let p = profile(&st, &source, &library).unwrap();
    let (catalogs, _) = claimed_catalogs(&st, &source, &library);
    let resolved: BTreeSet<String> = resolve(&p, &catalogs)
        .unwrap()
        .into_iter()
        .map(|c| c.label)
        .collect();

    // The checker's own view: mandatory after deltas and roles, plus what the ST includes.
    let ctx = Ctx::new(CheckInput {
        source: &source,
        document: &st,
        library: &library,
    });
    let st_sfrs: BTreeSet<&str> = st.sfrs.iter().map(|s| s.id.value.as_str()).collect();
    let expected: BTreeSet<String> = ctx
        .pp_sfrs
        .iter()
        .filter(|(id, pp)| pp.status == SfrStatus::Mandatory || st_sfrs.contains(**id))
        .map(|(id, _)| id.to_string())
        .collect();
    assert_eq!(resolved, expected);
    // The pump ST is clean, so its SFRs are exactly that set (none missing, none foreign).
    let st_set: BTreeSet<String> = st_sfrs.iter().map(|s| s.to_string()).collect();
    assert_eq!(resolved, st_set);
    assert!(resolved.len() > 30, "{}", resolved.len());
}

#[test]
fn profile_with_an_unknown_control_does_not_resolve() {
    let library = Library::with_builtins();
    let (source, st) = example("pump-st.yaml");
    let mut p = profile(&st, &source, &library).unwrap();
    p["profile"]["imports"][0]["include-controls"][0]["with-ids"][0] = "fxx_none.1".into();
    let (catalogs, list) = claimed_catalogs(&st, &source, &library);
    assert!(resolve(&p, &catalogs).is_err());
    let refs: Vec<&serde_json::Value> = list.iter().collect();
    let report = validate(&p, &refs).unwrap();
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    assert_eq!(report.problems[0].rule, "control-resolves");
}

#[test]
fn every_example_profile_and_component_definition_validates() {
    let library = Library::with_builtins();
    for name in EXAMPLES {
        let (source, st) = example(name);
        let (_, list) = claimed_catalogs(&st, &source, &library);
        let refs: Vec<&serde_json::Value> = list.iter().collect();
        let p = profile(&st, &source, &library).unwrap();
        let report = validate(&p, &refs).unwrap();
        assert!(
            report.problems.is_empty(),
            "{name} profile: {:#?}",
            report.problems
        );
        let c = component_definition(&st, &source, &library, &ComponentOptions::default()).unwrap();
        let report = validate(&c, &refs).unwrap();
        assert!(
            report.problems.is_empty(),
            "{name} component: {:#?}",
            &report.problems[..report.problems.len().min(8)]
        );
    }
}

#[test]
fn set_parameters_equal_the_st_completions() {
    let library = Library::with_builtins();
    let (source, st) = example("pump-st.yaml");
    let c = component_definition(&st, &source, &library, &ComponentOptions::default()).unwrap();
    let reqs = c["component-definition"]["components"][0]["control-implementations"][0]["implemented-requirements"]
        .as_array()
        .unwrap();
    let mut compared = 0;
    for sfr in &st.sfrs {
        let cid = dtsec_oscal::ids::token(&sfr.id.value);
        let req = reqs
            .iter()
            .find(|r| r["control-id"] == cid.as_str())
            .expect("every ST SFR is implemented");
        for e in &sfr.elements {
            for (op, completion) in &e.completed {
                let pid = dtsec_oscal::catalog::param_id(&cid, op);
                let Some(sp) = req["set-parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|s| s["param-id"] == pid.as_str())
                else {
                    continue;
                };
                let values: Vec<String> = sp["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect();
                let expected: Vec<String> = completion
                    .value
                    .values()
                    .iter()
                    .map(|v| dtsec_oscal::ids::one_line(v))
                    .collect();
                assert_eq!(values, expected, "{} {op}", sfr.id.value);
                compared += 1;
            }
        }
    }
    assert!(compared > 20, "only {compared} completions compared");
}

#[test]
fn profile_and_component_are_byte_identical_on_rerun() {
    let library = Library::with_builtins();
    let (source, st) = example("pump-st.yaml");
    let a = serde_json::to_string(&profile(&st, &source, &library).unwrap()).unwrap();
    let b = serde_json::to_string(&profile(&st, &source, &library).unwrap()).unwrap();
    assert_eq!(a, b);
    let opts = ComponentOptions::default();
    let a = serde_json::to_string(&component_definition(&st, &source, &library, &opts).unwrap())
        .unwrap();
    let b = serde_json::to_string(&component_definition(&st, &source, &library, &opts).unwrap())
        .unwrap();
    assert_eq!(a, b);
}
