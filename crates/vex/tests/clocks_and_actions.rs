//! FDA clocks (design §10.9, the clock part), 806 non-enforcement, 524B tracks, the CC judgement
//! and the certificate actions of §7, and the append-only history.

use dtsec_eval::vulns::{AttackPotential, Factors, Rating};
use dtsec_vex::actions::{ActionKind, CertStatus, Policy, UnassessedMatch, propose};
use dtsec_vex::assessment::*;
use dtsec_vex::clocks::{DeadlineStatus, Report806Status, clocks};
use dtsec_vex::history::History;
use jiff::civil::date;

fn uncontrolled() -> Assessment {
    Assessment {
        vuln: VulnRef {
            id: "CVE-2026-0001".into(),
            aliases: vec![],
        },
        product: ProductRef {
            name: "Example Pump".into(),
            version: "2.1.0".into(),
            sbom_serial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into(),
            sbom_version: 1,
        },
        components: vec![ComponentRef {
            bom_ref: "ble-stack".into(),
            purl: None,
        }],
        status: State::Affected {
            action: "Disable pairing until 2.1.1.".into(),
            responses: vec![Response::Update],
        },
        impact_statement: None,
        scores: vec![],
        clinical: Some(Clinical {
            essential_performance_affected: true,
            severity_of_harm: Harm::Critical,
            exploitability: Exploitability::High,
            risk: Risk::Uncontrolled,
            rationale: "Bolus commands can be forged over BLE.".into(),
        }),
        cc: None,
        dates: Dates {
            aware: Some(date(2026, 1, 1)),
            ..Dates::default()
        },
        regulatory: Regulatory {
            isao_member: true,
            ..Regulatory::default()
        },
    }
}

#[test]
fn t0_2026_01_01_gives_due_dates_2026_01_31_and_2026_03_02() {
    let c = clocks(&uncontrolled(), date(2026, 1, 2));
    assert_eq!(c.due_customer_communication, Some(date(2026, 1, 31)));
    assert_eq!(c.due_fix_distributed, Some(date(2026, 3, 2)));
    assert_eq!(c.track_524b, Track524b::OutOfCycle);
    assert_eq!(c.report_806, Report806Status::Pending);
}

#[test]
fn on_2026_03_03_without_a_fix_the_fix_is_overdue_and_806_is_expected() {
    let mut a = uncontrolled();
    a.dates.customers_notified = Some(date(2026, 1, 20));
    let c = clocks(&a, date(2026, 3, 2));
    assert_eq!(
        c.fix,
        Some(DeadlineStatus::Open),
        "due today is not overdue"
    );
    let c = clocks(&a, date(2026, 3, 3));
    assert_eq!(c.communication, Some(DeadlineStatus::Met));
    assert_eq!(c.fix, Some(DeadlineStatus::Overdue));
    assert_eq!(c.report_806, Report806Status::ReportExpected);
    assert!(c.failed_conditions.iter().any(|f| f.contains("60 days")));
}

#[test]
fn all_conditions_met_is_806_non_enforcement() {
    let mut a = uncontrolled();
    a.dates.customers_notified = Some(date(2026, 1, 31));
    a.dates.fix_validated = Some(date(2026, 2, 20));
    a.dates.fix_distributed = Some(date(2026, 3, 2));
    assert_eq!(
        clocks(&a, date(2026, 6, 1)).report_806,
        Report806Status::NonEnforcementEligible
    );
    // Not in an ISAO: the same dates no longer qualify.
    a.regulatory.isao_member = false;
    assert_eq!(
        clocks(&a, date(2026, 6, 1)).report_806,
        Report806Status::ReportExpected
    );
    a.regulatory.fda_806 = Some(Report806 {
        filed_on: date(2026, 3, 10),
        number: "Z-1234-2026".into(),
    });
    assert_eq!(
        clocks(&a, date(2026, 6, 1)).report_806,
        Report806Status::Filed
    );
}

#[test]
fn serious_adverse_events_rule_out_non_enforcement() {
    let mut a = uncontrolled();
    a.regulatory.serious_adverse_events_known = true;
    let c = clocks(&a, date(2026, 1, 2));
    assert_eq!(c.report_806, Report806Status::ReportExpected);
}

#[test]
fn controlled_risk_is_regular_cycle_with_no_fda_clock() {
    let mut a = uncontrolled();
    a.clinical.as_mut().unwrap().risk = Risk::Controlled;
    let c = clocks(&a, date(2027, 1, 1));
    assert_eq!(c.track_524b, Track524b::RegularCycle);
    assert_eq!(c.due_fix_distributed, None);
    assert_eq!(c.report_806, Report806Status::NotRequired);
}

#[test]
fn leap_year_t0_counts_calendar_days() {
    let mut a = uncontrolled();
    a.dates.aware = Some(date(2028, 2, 1));
    let c = clocks(&a, date(2028, 2, 2));
    assert_eq!(c.due_customer_communication, Some(date(2028, 3, 2)));
    assert_eq!(c.due_fix_distributed, Some(date(2028, 4, 1)));
}

#[test]
fn cc_judgement_uses_the_workbench_calculator() {
    // one week (1) + proficient (3) + public (0) + easy (1) + specialised (4) = 9: Basic.
    let cc = CcJudgement {
        rating: Rating::AnnexB(
            Factors::from_names("one-week", "proficient", "public", "easy", "specialised").unwrap(),
        ),
        claimed_ava_van: "AVA_VAN.3".into(),
        mitigated: false,
    };
    assert_eq!(cc.required_attack_potential(), Some(AttackPotential::Basic));
    assert!(cc.exploitable_at_claimed_level());
    // Four months (13) + expert (6) + restricted (3) + moderate (4) + bespoke (7) = 33: beyond High.
    let hard = CcJudgement {
        rating: Rating::AnnexB(
            Factors::from_names("four-months", "expert", "restricted", "moderate", "bespoke")
                .unwrap(),
        ),
        ..cc
    };
    assert_eq!(
        hard.required_attack_potential(),
        Some(AttackPotential::BeyondHigh)
    );
    assert!(!hard.exploitable_at_claimed_level());
}

fn entry(a: Assessment) -> dtsec_vex::history::Entry {
    let mut h = History::default();
    h.append(a, "2026-01-05T00:00:00Z".parse().unwrap())
        .unwrap()
        .clone()
}

#[test]
fn uncontrolled_affected_proposes_open_review_then_suspend_when_overdue() {
    let e = entry(uncontrolled());
    let p = propose(
        std::slice::from_ref(&e),
        &[],
        CertStatus::Active,
        Policy::default(),
        date(2026, 1, 10),
    );
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].kind, ActionKind::OpenReview);
    assert_eq!(p[0].assessment_hash.as_deref(), Some(e.hash.as_str()));
    let p = propose(
        std::slice::from_ref(&e),
        &[],
        CertStatus::UnderReview,
        Policy::default(),
        date(2026, 3, 3),
    );
    assert_eq!(
        p.iter().map(|x| x.kind).collect::<Vec<_>>(),
        vec![ActionKind::Suspend]
    );
    assert!(p[0].reason.contains("2026-03-02"));
    // Suspended on 2026-03-05; 90 days later with still no fix: revoke.
    let s = CertStatus::Suspended {
        since: date(2026, 3, 5),
    };
    assert!(
        propose(
            std::slice::from_ref(&e),
            &[],
            s,
            Policy::default(),
            date(2026, 6, 3)
        )
        .is_empty()
    );
    let p = propose(
        std::slice::from_ref(&e),
        &[],
        s,
        Policy::default(),
        date(2026, 6, 4),
    );
    assert_eq!(
        p.iter().map(|x| x.kind).collect::<Vec<_>>(),
        vec![ActionKind::Revoke]
    );
}

#[test]
fn exploitable_at_claimed_level_opens_a_review_even_when_controlled() {
    let mut a = uncontrolled();
    a.clinical.as_mut().unwrap().risk = Risk::Controlled;
    assert!(
        propose(
            &[entry(a.clone())],
            &[],
            CertStatus::Active,
            Policy::default(),
            date(2026, 1, 10)
        )
        .is_empty()
    );
    a.cc = Some(CcJudgement {
        rating: Rating::AnnexB(
            Factors::from_names("one-day", "layman", "public", "unnecessary", "standard").unwrap(),
        ),
        claimed_ava_van: "AVA_VAN.3".into(),
        mitigated: false,
    });
    let p = propose(
        &[entry(a.clone())],
        &[],
        CertStatus::Active,
        Policy::default(),
        date(2026, 1, 10),
    );
    assert_eq!(p[0].kind, ActionKind::OpenReview);
    assert!(p[0].reason.contains("AVA_VAN.3"));
    a.cc.as_mut().unwrap().mitigated = true;
    assert!(
        propose(
            &[entry(a)],
            &[],
            CertStatus::Active,
            Policy::default(),
            date(2026, 1, 10)
        )
        .is_empty()
    );
}

#[test]
fn overdue_triage_fixed_extend_and_known_exploited_controlled() {
    let m = UnassessedMatch {
        vuln: "CVE-2026-9999".into(),
        first_seen: date(2026, 1, 1),
    };
    assert!(
        propose(
            &[],
            std::slice::from_ref(&m),
            CertStatus::Active,
            Policy::default(),
            date(2026, 1, 16)
        )
        .is_empty()
    );
    let p = propose(
        &[],
        &[m],
        CertStatus::Active,
        Policy::default(),
        date(2026, 1, 17),
    );
    assert_eq!(p[0].kind, ActionKind::OverdueTriage);
    assert_eq!(p[0].assessment_hash, None);

    let mut fixed = uncontrolled();
    fixed.status = State::Fixed { backport: false };
    fixed.dates.fix_validated = Some(date(2026, 2, 1));
    fixed.dates.fix_distributed = Some(date(2026, 2, 2));
    let p = propose(
        &[entry(fixed)],
        &[],
        CertStatus::UnderReview,
        Policy::default(),
        date(2026, 2, 3),
    );
    assert_eq!(
        p.iter().map(|x| x.kind).collect::<Vec<_>>(),
        vec![ActionKind::Extend]
    );

    let mut kev = uncontrolled();
    kev.clinical.as_mut().unwrap().risk = Risk::Controlled;
    kev.scores = vec![
        ScoreRecord::new(
            ScoreSource::Advisory,
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A",
            false,
        )
        .unwrap(),
    ];
    let p = propose(
        &[entry(kev)],
        &[],
        CertStatus::Active,
        Policy::default(),
        date(2026, 1, 10),
    );
    assert_eq!(
        p.iter().map(|x| x.kind).collect::<Vec<_>>(),
        vec![ActionKind::ReviewControlledExploited]
    );
}

#[test]
fn history_is_append_only_and_hash_chained() {
    let mut h = History::default();
    let a = uncontrolled();
    let first = h
        .append(a.clone(), "2026-01-05T00:00:00Z".parse().unwrap())
        .unwrap()
        .hash
        .clone();
    let mut b = a.clone();
    b.dates.customers_notified = Some(date(2026, 1, 20));
    let second = h
        .append(b, "2026-01-20T00:00:00Z".parse().unwrap())
        .unwrap()
        .clone();
    assert_eq!(second.replaces.as_deref(), Some(first.as_str()));
    assert_ne!(second.hash, first);
    h.verify().unwrap();
    // Editing a recorded entry breaks its hash.
    let mut tampered = h.clone();
    tampered.entries[0].assessment.regulatory.isao_member = false;
    assert!(
        tampered
            .verify()
            .unwrap_err()
            .to_string()
            .contains("entry 0")
    );
    // Going back in time, or appending another assessment, is refused.
    assert!(
        h.append(a.clone(), "2026-01-01T00:00:00Z".parse().unwrap())
            .is_err()
    );
    // An advisory score, once recorded, is never dropped or replaced.
    let mut scored = h.latest().unwrap().assessment.clone();
    scored.scores = vec![
        ScoreRecord::new(
            ScoreSource::Advisory,
            "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            false,
        )
        .unwrap(),
    ];
    h.append(scored.clone(), "2026-01-21T00:00:00Z".parse().unwrap())
        .unwrap();
    let mut over = scored.clone();
    over.scores = vec![
        ScoreRecord::new(
            ScoreSource::Advisory,
            "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
            false,
        )
        .unwrap(),
    ];
    let e = h
        .append(over, "2026-01-22T00:00:00Z".parse().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("advisory's score"), "{e}");
    let mut beside = scored;
    beside.scores.push(
        ScoreRecord::new(
            ScoreSource::Manufacturer,
            "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L",
            true,
        )
        .unwrap(),
    );
    h.append(beside, "2026-01-22T00:00:00Z".parse().unwrap())
        .unwrap();
    h.verify().unwrap();
    let mut other = a;
    other.vuln.id = "CVE-2026-0002".into();
    assert!(
        h.append(other, "2026-02-01T00:00:00Z".parse().unwrap())
            .unwrap_err()
            .to_string()
            .contains("history")
    );
}

#[test]
fn validation_names_the_field() {
    let mut a = uncontrolled();
    a.status = State::Affected {
        action: " ".into(),
        responses: vec![Response::Update],
    };
    assert!(a.validate().unwrap_err().to_string().starts_with("/action"));
    let mut a = uncontrolled();
    a.dates.customers_notified = Some(date(2025, 12, 1));
    assert!(
        a.validate()
            .unwrap_err()
            .to_string()
            .starts_with("/dates/customers_notified")
    );
    let mut a = uncontrolled();
    a.scores = vec![ScoreRecord {
        source: ScoreSource::Advisory,
        vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
        score: 5.0,
        device_context: false,
    }];
    assert!(a.validate().unwrap_err().to_string().contains("scores 9.8"));
    let mut a = uncontrolled();
    a.status = State::NotAffected {
        justification: Justification::CodeNotPresent,
    };
    assert!(
        a.validate()
            .unwrap_err()
            .to_string()
            .starts_with("/impact_statement")
    );
    let mut a = uncontrolled();
    a.dates.aware = None;
    assert!(
        a.validate()
            .unwrap_err()
            .to_string()
            .starts_with("/dates/aware")
    );
    let mut a = uncontrolled();
    a.product.sbom_serial = "urn:uuid:NOT-A-UUID".into();
    assert!(
        a.validate()
            .unwrap_err()
            .to_string()
            .starts_with("/product/sbom_serial")
    );
}
