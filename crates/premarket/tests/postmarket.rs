//! The postmarket POA&M: open assessments (under investigation, affected) become risks with
//! their FDA clock milestones, CVSS by source and controlled/uncontrolled risk; closed ones are
//! left out; the document validates against the NIST schema and the semantic checks with zero
//! problems and is byte-identical on re-run.

use dtsec_oscal::postmarket::{PostmarketPlan, postmarket_poam};
use dtsec_oscal::validate::Model;
use dtsec_oscal::{OscalError, validate};
use dtsec_premarket::postmarket::{latest_date, open_items};
use dtsec_vex::Assessment;
use dtsec_vex::assessment::{Justification, Response, ScoreRecord, ScoreSource, State};
use jiff::civil::date;

fn example() -> Assessment {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/postmarket/assessment.json"
    );
    let a: Assessment = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    a.validate().unwrap();
    a
}

/// The example (under investigation, uncontrolled, T0 2026-11-20), an affected one with its
/// customers told, a controlled affected one, and two closed ones.
fn assessments() -> Vec<Assessment> {
    let open = example();
    let mut affected = example();
    affected.vuln.id = "CVE-2026-0002".to_string();
    affected.status = State::Affected {
        action: "Update to firmware 2.0.1".to_string(),
        responses: vec![Response::Update],
    };
    affected.dates.customers_notified = Some(date(2026, 12, 1));
    affected.scores.push(
        ScoreRecord::new(
            ScoreSource::Manufacturer,
            "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:L/I:H/A:L",
            true,
        )
        .unwrap(),
    );
    let mut controlled = affected.clone();
    controlled.vuln.id = "CVE-2026-0003".to_string();
    controlled.clinical.as_mut().unwrap().risk = dtsec_vex::assessment::Risk::Controlled;
    let mut fixed = example();
    fixed.vuln.id = "CVE-2026-0004".to_string();
    fixed.status = State::Fixed { backport: false };
    let mut not_affected = example();
    not_affected.vuln.id = "CVE-2026-0005".to_string();
    not_affected.status = State::NotAffected {
        justification: Justification::CodeNotReachable,
    };
    // Stored order must not matter.
    vec![not_affected, controlled, fixed, affected, open]
}

fn plan(list: &[Assessment], as_of: jiff::civil::Date) -> PostmarketPlan {
    PostmarketPlan {
        product: "Acme Nimbus Pump firmware".to_string(),
        version: "2.0.0".to_string(),
        manufacturer: "Acme Medical Devices (fictional)".to_string(),
        certificate: Some("DTSEC-2026-0001".to_string()),
        as_of: as_of.to_string(),
        items: open_items(list, as_of),
    }
}

#[test]
fn open_assessments_become_a_valid_poam_with_fda_milestones() {
    let list = assessments();
    let as_of = latest_date(&list).unwrap();
    assert_eq!(as_of, date(2026, 12, 1));
    let doc = postmarket_poam(&plan(&list, as_of)).unwrap();
    let report = validate(&doc, &[]).unwrap();
    assert_eq!(report.model, Model::Poam);
    assert!(report.problems.is_empty(), "{:#?}", report.problems);

    let p = &doc["plan-of-action-and-milestones"];
    assert_eq!(p["metadata"]["last-modified"], "2026-12-01T00:00:00Z");
    let risks = p["risks"].as_array().unwrap();
    let titles: Vec<&str> = risks.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "CVE-2026-0002 in Acme Nimbus Pump firmware 2.0.0",
            "CVE-2026-0003 in Acme Nimbus Pump firmware 2.0.0",
            "x_DTSEC-EX-2026-0001 in Acme Nimbus Pump firmware 2.0.0",
        ]
    );
    assert_eq!(p["poam-items"].as_array().unwrap().len(), 3);
    let prop = |r: &serde_json::Value, name: &str| -> Vec<String> {
        r["props"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["name"] == name)
            .map(|p| p["value"].as_str().unwrap().to_string())
            .collect()
    };

    // Affected, uncontrolled: the action is the remediation; 30 days met, 60 days open.
    let affected = &risks[0];
    assert_eq!(affected["status"], "open");
    assert_eq!(prop(affected, "clinical-risk"), ["uncontrolled"]);
    assert_eq!(prop(affected, "track-524b"), ["out-of-cycle"]);
    let remediation = &affected["remediations"][0];
    assert_eq!(remediation["lifecycle"], "planned");
    assert_eq!(remediation["description"], "Update to firmware 2.0.1");
    let tasks = remediation["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(
        tasks[0]["timing"]["on-date"]["date"],
        "2026-12-20T00:00:00Z"
    );
    assert_eq!(prop(&tasks[0], "status"), ["met"]);
    assert_eq!(prop(&tasks[0], "done"), ["2026-12-01"]);
    assert_eq!(
        tasks[1]["timing"]["on-date"]["date"],
        "2027-01-19T00:00:00Z"
    );
    assert_eq!(prop(&tasks[1], "status"), ["open"]);
    // The deadline is the earliest milestone not yet met.
    assert_eq!(affected["deadline"], "2027-01-19T00:00:00Z");
    assert_eq!(
        affected["threat-ids"][0]["id"],
        "https://www.cve.org/CVERecord?id=CVE-2026-0002"
    );
    // CVSS by source: the advisory's base score and the manufacturer's device context, each
    // from its own party.
    let ch = affected["characterizations"].as_array().unwrap();
    assert_eq!(ch.len(), 2);
    assert_eq!(ch[0]["facets"][1]["name"], "base-score");
    assert_eq!(ch[0]["facets"][1]["value"], "8.8");
    assert_eq!(ch[1]["facets"][1]["name"], "environmental-score");
    assert_ne!(
        ch[0]["origin"]["actors"][0]["actor-uuid"],
        ch[1]["origin"]["actors"][0]["actor-uuid"]
    );
    // The manufacturer and the advisory's publisher.
    assert_eq!(p["metadata"]["parties"].as_array().unwrap().len(), 2);

    // Controlled risk: the regular cycle, no FDA clock, no deadline.
    let controlled = &risks[1];
    assert_eq!(prop(controlled, "clinical-risk"), ["controlled"]);
    assert!(controlled["remediations"][0].get("tasks").is_none());
    assert!(controlled.get("deadline").is_none());

    // Under investigation: the recommendation is to finish the assessment.
    let open = &risks[2];
    assert_eq!(open["status"], "investigating");
    assert_eq!(open["remediations"][0]["lifecycle"], "recommendation");
    assert_eq!(open["deadline"], "2026-12-20T00:00:00Z");
    assert!(open.get("threat-ids").is_none());

    // Byte-identical on re-run, whatever the stored order.
    let mut reversed = list.clone();
    reversed.reverse();
    assert_eq!(
        serde_json::to_string(&doc).unwrap(),
        serde_json::to_string(&postmarket_poam(&plan(&reversed, as_of)).unwrap()).unwrap()
    );
    // Judged later, the missed clock shows.
    let late = postmarket_poam(&plan(&list, date(2027, 2, 1))).unwrap();
    let tasks = &late["plan-of-action-and-milestones"]["risks"][0]["remediations"][0]["tasks"];
    assert_eq!(prop(&tasks[1], "status"), ["overdue"]);
}

#[test]
fn broken_references_and_missing_fields_are_caught() {
    let list = assessments();
    let doc = postmarket_poam(&plan(&list, date(2026, 12, 1))).unwrap();
    let mut broken = doc.clone();
    broken["plan-of-action-and-milestones"]["poam-items"][0]["related-risks"][0]["risk-uuid"] =
        serde_json::json!(dtsec_oscal::ids::uuid(&["no such risk"]));
    let problems = validate(&broken, &[]).unwrap().problems;
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].rule, "uuid-resolves");
    let mut broken = doc.clone();
    broken["plan-of-action-and-milestones"]["risks"][0]
        .as_object_mut()
        .unwrap()
        .remove("statement");
    let problems = validate(&broken, &[]).unwrap().problems;
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].rule, "schema");
}

#[test]
fn nothing_open_is_refused() {
    let closed: Vec<Assessment> = assessments()
        .into_iter()
        .filter(|a| {
            matches!(
                a.status,
                State::Fixed { .. } | State::NotAffected { .. } | State::FalsePositive
            )
        })
        .collect();
    assert_eq!(closed.len(), 2);
    let e = postmarket_poam(&plan(&closed, date(2026, 12, 1))).unwrap_err();
    assert!(matches!(e, OscalError::NothingOpen { .. }), "{e}");
    assert!(e.to_string().contains("Acme Nimbus Pump firmware 2.0.0"));
}
