//! Every reference vector of RedHatProductSecurity/cvss (the library behind FIRST's v4.0
//! calculator) reproduces, read from `../shared` (LGPL data, kept out of the repository), and
//! malformed vectors are refused for the rule they break.

use dtsec_vex::cvss::{self, CvssError};

/// Parses `VECTOR - (a, b, c)` or `VECTOR - a` into the vector and its scores.
fn lines(file: &str) -> Option<Vec<(String, Vec<f64>)>> {
    let path = dtsec_testkit::shared(&format!("data/cvss/redhat-vectors/{file}"))?;
    let text = std::fs::read_to_string(path).expect("readable vector file");
    let rows = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (v, s) = l.split_once(" - ").expect("`vector - scores` line");
            let nums = s
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .split(',')
                .filter(|x| !x.trim().is_empty())
                .map(|x| x.trim().parse::<f64>().expect("a number"))
                .collect();
            (v.trim().to_string(), nums)
        })
        .collect();
    Some(rows)
}

fn check_file(file: &str, expected_count: usize, pick: impl Fn(&cvss::Scores) -> Vec<f64>) {
    let Some(rows) = lines(file) else { return };
    assert_eq!(rows.len(), expected_count, "{file}: vector count");
    let mut wrong = Vec::new();
    for (vector, want) in &rows {
        match cvss::score(vector) {
            Ok(s) => {
                let got = pick(&s);
                if got[..want.len()] != want[..] {
                    wrong.push(format!("{vector}: want {want:?}, got {got:?}"));
                }
            }
            Err(e) => wrong.push(format!("{vector}: refused: {e}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{file}: {} of {} wrong, first: {:?}",
        wrong.len(),
        rows.len(),
        &wrong[..wrong.len().min(5)]
    );
}

fn v3_triple(s: &cvss::Scores) -> Vec<f64> {
    vec![
        s.base,
        s.temporal.unwrap_or(s.base),
        s.environmental.unwrap_or(s.base),
    ]
}

#[test]
fn simple3_all_reproduce() {
    check_file("vectors_simple3", 2592, v3_triple);
}

#[test]
fn simple31_all_reproduce() {
    check_file("vectors_simple31", 2592, v3_triple);
}

#[test]
fn v3_temporal_and_environmental_reproduce() {
    check_file("vectors_cvsslib3", 29, v3_triple);
    check_file("vectors_calculator3", 2, v3_triple);
}

#[test]
fn simple4_all_reproduce() {
    check_file("vectors_simple4", 1058, |s| vec![s.overall]);
}

#[test]
fn supplemental4_all_reproduce() {
    check_file("vectors_supplemental4", 576, |s| vec![s.overall]);
}

#[test]
fn security4_all_reproduce() {
    check_file("vectors_security4", 54, |s| vec![s.overall]);
}

#[test]
fn threat4_all_reproduce() {
    check_file("vectors_threat4", 6, |s| vec![s.overall]);
}

#[test]
fn duplicate_metric_is_refused() {
    let e = cvss::score("CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
    assert!(
        matches!(e, CvssError::Duplicate { ref metric, position: 2 } if metric == "AV"),
        "{e}"
    );
}

#[test]
fn missing_base_metric_is_refused() {
    let e = cvss::score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H").unwrap_err();
    assert_eq!(e, CvssError::MissingBase("A".into()));
    let e = cvss::score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N").unwrap_err();
    assert_eq!(e, CvssError::MissingBase("SA".into()));
}

#[test]
fn wrong_v4_order_is_refused() {
    let e =
        cvss::score("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").unwrap_err();
    assert!(
        matches!(e, CvssError::Order { ref metric, .. } if metric == "AV"),
        "{e}"
    );
}

#[test]
fn bare_vector_unknown_metric_and_bad_value_are_refused() {
    assert_eq!(
        cvss::score("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err(),
        CvssError::NoPrefix
    );
    assert!(matches!(
        cvss::score("CVSS:2.0/AV:N").unwrap_err(),
        CvssError::Version(_)
    ));
    assert!(matches!(
        cvss::score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1").unwrap_err(),
        CvssError::UnknownMetric { .. }
    ));
    assert!(matches!(
        cvss::score("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err(),
        CvssError::BadValue { .. }
    ));
    assert!(matches!(
        cvss::score(&"CVSS:3.1/".repeat(100)).unwrap_err(),
        CvssError::TooLong(_)
    ));
}

#[test]
fn v4_safety_and_exploited_are_surfaced() {
    let s = cvss::score(
        "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:H/SC:N/SI:H/SA:H/E:A/MSI:S/S:P",
    )
    .unwrap();
    assert_eq!(s.safety, vec!["S:P".to_string(), "MSI:S".to_string()]);
    assert!(s.exploit_attacked);
    assert_eq!(s.nomenclature.as_deref(), Some("CVSS-BTE"));
    assert!(s.environmental.is_some());
    // The base-only score is kept beside the full one.
    let base =
        cvss::score("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:H/SC:N/SI:H/SA:H").unwrap();
    assert_eq!(s.base, base.overall);
}
