//! The validator itself: NIST's own examples pass (proving the schemas and the regex engine),
//! and each kind of defect is found, at the right pointer, under the right rule.

use dtsec_model::Library;
use dtsec_oscal::{CatalogOptions, Model, catalog, validate};
use serde_json::{Value, json};

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn nist_examples_validate_and_removing_a_required_field_gives_one_error() {
    let Some(dir) = dtsec_testkit::shared("data/oscal-schemas/examples") else {
        return;
    };
    let mut seen = 0;
    for name in [
        "basic-catalog.json",
        "example-component-definition.json",
        "ifa_assessment-plan-example.json",
        "ifa_assessment-results-example.json",
        "ssp-example.json",
    ] {
        let doc = read(&dir.join(name));
        let report =
            dtsec_oscal::validate::schema_problems(Model::of(&doc).unwrap(), &doc).unwrap();
        assert!(report.is_empty(), "{name}: {report:#?}");
        seen += 1;
    }
    assert_eq!(seen, 5);
    let mut ar = read(&dir.join("ifa_assessment-results-example.json"));
    ar["assessment-results"]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("start");
    let problems = dtsec_oscal::validate::schema_problems(Model::AssessmentResults, &ar).unwrap();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].pointer, "/assessment-results/results/0");
}

fn cdd_catalog() -> Value {
    let lib = Library::with_builtins();
    catalog(
        &lib.find("cdd", "2.0").unwrap().document,
        &CatalogOptions::default(),
    )
    .unwrap()
}

#[test]
fn a_control_id_with_a_slash_breaks_the_token_pattern() {
    let mut c = cdd_catalog();
    c["catalog"]["groups"][1]["groups"][0]["controls"][0]["id"] = json!("FCS_COP.1/Hash");
    let report = validate(&c, &[]).unwrap();
    assert!(
        report.problems.iter().any(|p| p.rule == "schema"
            && p.pointer.starts_with("/catalog/groups/1")
            && p.message.len() < 400),
        "{:#?}",
        report.problems
    );
}

#[test]
fn semantic_defects_are_found() {
    let mut c = cdd_catalog();
    let first_uuid = c["catalog"]["uuid"].clone();
    c["catalog"]["back-matter"]["resources"][0]["uuid"] = first_uuid;
    let report = validate(&c, &[]).unwrap();
    let rules: Vec<&str> = report.problems.iter().map(|p| p.rule).collect();
    assert!(rules.contains(&"unique-uuid"), "{rules:?}");
    // The metadata link to the old resource no longer resolves.
    assert!(rules.contains(&"href-resolves"), "{rules:?}");
    assert!(report.problems.iter().all(|p| p.rule != "schema"));

    let mut c = cdd_catalog();
    let text = serde_json::to_string(&c).unwrap().replacen(
        "{{ insert: param, ",
        "{{ insert: param, nowhere",
        1,
    );
    c = serde_json::from_str(&text).unwrap();
    let report = validate(&c, &[]).unwrap();
    assert_eq!(
        report
            .problems
            .iter()
            .filter(|p| p.rule == "param-resolves")
            .count(),
        1,
        "{:#?}",
        report.problems
    );
}

#[test]
fn a_document_of_no_model_is_refused() {
    assert!(validate(&json!({"thing": {}}), &[]).is_err());
}

/// The first selection choice that inserts a nested operation's param.
fn choice_with_insert(v: &mut Value) -> Option<&mut Value> {
    match v {
        Value::Object(o) => {
            let hit = o
                .get("choice")
                .and_then(Value::as_array)
                .and_then(|choices| {
                    choices
                        .iter()
                        .position(|c| c.as_str().is_some_and(|t| t.contains("{{ insert: param, ")))
                });
            match hit {
                Some(i) => o.get_mut("choice").and_then(|c| c.get_mut(i)),
                None => o.values_mut().find_map(choice_with_insert),
            }
        }
        Value::Array(a) => a.iter_mut().find_map(choice_with_insert),
        _ => None,
    }
}

#[test]
fn an_insert_in_a_selection_choice_must_resolve_too() {
    let mut c = cdd_catalog();
    let choice = choice_with_insert(&mut c).expect("a nested operation in some choice");
    let text =
        choice
            .as_str()
            .unwrap()
            .replacen("{{ insert: param, ", "{{ insert: param, nowhere", 1);
    *choice = json!(text);
    let report = validate(&c, &[]).unwrap();
    let p: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.rule == "param-resolves")
        .collect();
    assert_eq!(p.len(), 1, "{:#?}", report.problems);
    assert!(p[0].pointer.contains("/select/choice/"), "{}", p[0].pointer);
}
