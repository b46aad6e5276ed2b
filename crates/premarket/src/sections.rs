//! The thirteen sections, one function each, in the order of the guidance (`regulatory.md` §4).
//!
//! Each function decides its section's provenance from what it actually had: a section is
//! tagged "verified by an approved lab" only when its content came from an ETR whose signature
//! verified, so the tag can never be earned by the ST alone.

use dtsec_eval::vulns::{Outcome, assess};
use dtsec_model::Document;
use dtsec_regulatory::coverage::Status;
use dtsec_regulatory::report::CoverageReport;
use dtsec_regulatory::target::{MappingChoice, coverage_report};

use crate::package::{Block, Missing, Package, Provenance, Section};
use crate::trace::{lab_results, matrix};
use crate::{Inputs, LabEvidence, MAX_ROWS, PremarketError};

/// The ETR, when its signature verified (the only way to earn the lab tag).
fn verified<'a>(inputs: &'a Inputs<'a>) -> Option<&'a LabEvidence<'a>> {
    inputs.lab.filter(|l| l.signature_verified)
}

fn table(headers: &[&str], rows: Vec<Vec<String>>) -> Block {
    Block::Table {
        headers: headers.iter().map(|h| (*h).to_string()).collect(),
        rows,
    }
}

fn todo(text: &str) -> Block {
    Block::Todo(text.to_string())
}

/// The claimed PP, when the library has it.
fn claimed_pp<'a>(inputs: &'a Inputs<'a>) -> Option<&'a Document> {
    let claim = inputs.st.conformance.pps.first()?;
    inputs
        .library
        .find(&claim.id.value, &claim.version.value)
        .map(|d| &d.document)
}

pub fn package(inputs: &Inputs<'_>) -> Result<Package, PremarketError> {
    let st = inputs.st;
    let lab = verified(inputs);
    let fda = coverage_report(st, inputs.library, "fda", None, MappingChoice::Builtin)?;
    // dtsec maps §524B for the CDD PP 2.0 only; an ST of an older PP (the registry's CDD 1.0
    // certificates) gets the statement without the clause table rather than no package.
    let b524 = match coverage_report(st, inputs.library, "fda-524b", None, MappingChoice::Builtin) {
        Ok(r) => Some(r),
        Err(dtsec_regulatory::RegulatoryError::NoMapping { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(s) = inputs.sbom
        && s.doc.components.len() > MAX_ROWS
    {
        return Err(PremarketError::Limit {
            what: format!("components of {}", s.name),
            found: s.doc.components.len(),
            limit: MAX_ROWS,
        });
    }
    let sections = vec![
        risk_management(inputs, lab)?,
        threat_model(st),
        risk_assessment(lab),
        interoperability(st),
        sbom(inputs),
        anomalies(lab),
        metrics(),
        controls(&fda),
        architecture(st),
        testing(lab),
        labeling(st, inputs),
        management_plan(st),
        statement_524b(b524.as_ref(), inputs),
    ];
    let mut missing = Vec::new();
    if lab.is_none() {
        missing.push(Missing {
            input: "a sealed ETR whose signature verifies (--etr with --key)".to_string(),
            gives: "lab-verified verdicts in the traceability matrix, the risk assessment, the unresolved anomalies and the testing summary".to_string(),
        });
    }
    if inputs.sbom.is_none() {
        missing.push(Missing {
            input: "an SBOM (--sbom, CycloneDX or SPDX JSON)".to_string(),
            gives: "the SBOM and known-vulnerability section, §524B(b)(3)".to_string(),
        });
    }
    for s in &sections {
        if s.provenance == Provenance::ToBeAuthored {
            missing.push(Missing {
                input: format!("authored: {}", s.title),
                gives: format!("section {} ({})", s.id, s.guidance),
            });
        }
    }
    let toe = st.toe.name.clone().unwrap_or_else(|| st.title.clone());
    let date = match lab {
        Some(l) => l.etr.sealed_at.clone(),
        None => st
            .identification
            .date
            .clone()
            .unwrap_or_else(|| "undated".to_string()),
    };
    let mut cover = vec![
        ("TOE".to_string(), toe.clone()),
        (
            "Security Target".to_string(),
            format!("{} {} — {}", st.id.value, st.version.value, st.title),
        ),
        ("Protection Profile".to_string(), fda.pp.clone()),
    ];
    if let Some(m) = &st.toe.manufacturer {
        cover.push(("Manufacturer".to_string(), m.clone()));
    }
    match inputs.lab {
        Some(l) => {
            let e = &l.etr.state.evaluation;
            cover.push(("Evaluation laboratory".to_string(), e.lab.clone()));
            cover.push((
                "ETR".to_string(),
                format!(
                    "sealed {}, overall verdict {}, signature {}",
                    l.etr.sealed_at,
                    l.etr.overall.as_str(),
                    if l.signature_verified {
                        "verified"
                    } else {
                        "not verified"
                    }
                ),
            ));
        }
        None => cover.push(("ETR".to_string(), "none given".to_string())),
    }
    cover.push(("Date".to_string(), date.clone()));
    Ok(Package {
        title: format!("FDA premarket cybersecurity documentation: {toe}"),
        date,
        cover,
        missing,
        sections,
    })
}

fn risk_management(
    inputs: &Inputs<'_>,
    lab: Option<&LabEvidence<'_>>,
) -> Result<Section, PremarketError> {
    let rows = matrix(inputs.st, claimed_pp(inputs), lab)?;
    let mut blocks = vec![Block::Paragraph(format!(
        "Traceability from each threat of the Security Target to the objectives that counter it, the SFRs that uphold them, the evaluation activities (EA work units) that test them and their verdict{}.",
        if lab.is_some() {
            " from the sealed ETR"
        } else {
            "; verdicts need a sealed ETR"
        }
    ))];
    let rendered: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            let tests = match r.tests.len() {
                0 if lab.is_some() => "(no EA work unit)".to_string(),
                0 => "—".to_string(),
                1..=3 => r.tests.join(", "),
                n => format!("{} … ({n} work units)", r.tests[..2].join(", ")),
            };
            vec![
                r.threat,
                r.objective,
                r.sfr,
                tests,
                r.verdict
                    .map_or("not evaluated".to_string(), |v| v.as_str().to_string()),
            ]
        })
        .collect();
    blocks.push(table(
        &[
            "Threat",
            "Objective",
            "SFR",
            "Test (EA work units)",
            "Verdict",
        ],
        rendered,
    ));
    blocks.push(todo(
        "Link each threat to the ISO 14971 hazard analysis and the clinical harm matrix.",
    ));
    Ok(Section {
        id: "risk-management",
        title: "Security risk management report",
        guidance: "V.A, App. 4",
        provenance: if lab.is_some() {
            Provenance::LabVerified
        } else {
            Provenance::Manufacturer
        },
        blocks,
    })
}

fn threat_model(st: &Document) -> Section {
    let threats = st
        .spd
        .threats
        .iter()
        .map(|t| vec![t.id.value.clone(), t.description.clone()])
        .collect();
    let mut blocks = vec![
        Block::Paragraph(
            "The security problem definition of the Security Target: its threats, assumptions and organisational security policies."
                .to_string(),
        ),
        table(&["Threat", "Description"], threats),
    ];
    if !st.spd.assumptions.is_empty() {
        blocks.push(table(
            &["Assumption", "Description"],
            st.spd
                .assumptions
                .iter()
                .map(|a| vec![a.id.value.clone(), a.description.clone()])
                .collect(),
        ));
    }
    if !st.spd.osps.is_empty() {
        blocks.push(table(
            &["Policy", "Description"],
            st.spd
                .osps
                .iter()
                .map(|a| vec![a.id.value.clone(), a.description.clone()])
                .collect(),
        ));
    }
    if !st.toe.interfaces.is_empty() {
        blocks.push(Block::Paragraph(
            "External interfaces of the TOE (attack surface):".to_string(),
        ));
        blocks.push(Block::List(st.toe.interfaces.clone()));
    }
    blocks.push(todo(
        "Data-flow diagrams and a per-interface STRIDE analysis.",
    ));
    Section {
        id: "threat-model",
        title: "Threat model",
        guidance: "V.A.1",
        provenance: Provenance::Manufacturer,
        blocks,
    }
}

fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Exploitable => "exploitable",
        Outcome::Mitigated => "mitigated",
        Outcome::Residual => "residual",
        Outcome::NotExploitable => "not exploitable",
        Outcome::NotAssessed => "not assessed",
    }
}

fn risk_assessment(lab: Option<&LabEvidence<'_>>) -> Section {
    let Some(lab) = lab else {
        return Section {
            id: "risk-assessment",
            title: "Cybersecurity risk assessment",
            guidance: "V.A.2",
            provenance: Provenance::ToBeAuthored,
            blocks: vec![todo(
                "Rate each vulnerability's exploitability (a sealed ETR gives the lab's CEM attack-potential ratings) and the severity of harm.",
            )],
        };
    };
    let state = &lab.etr.state;
    let ava_van = state.evaluation.assurance.ava_van.as_deref();
    let rows: Vec<Vec<String>> = state
        .vulns
        .iter()
        .map(|v| {
            let a = assess(v, ava_van);
            vec![
                v.id.clone(),
                v.title.clone(),
                a.total.map_or("—".to_string(), |t| t.to_string()),
                outcome_label(a.outcome).to_string(),
                a.reasoning,
            ]
        })
        .collect();
    let mut blocks = vec![Block::Paragraph(format!(
        "{} potential vulnerabilities rated by the laboratory with the CEM attack-potential table (AVA_VAN {}).",
        rows.len(),
        ava_van.unwrap_or("not claimed")
    ))];
    if !rows.is_empty() {
        blocks.push(table(
            &[
                "Id",
                "Vulnerability",
                "Attack potential",
                "Outcome",
                "Reasoning",
            ],
            rows,
        ));
    }
    blocks.push(todo(
        "Severity of harm per vulnerability (clinical assessment).",
    ));
    Section {
        id: "risk-assessment",
        title: "Cybersecurity risk assessment",
        guidance: "V.A.2",
        provenance: Provenance::LabVerified,
        blocks,
    }
}

fn interoperability(st: &Document) -> Section {
    let channels: Vec<String> = st
        .sfrs
        .iter()
        .filter(|s| s.id.value.starts_with("FTP_ITC") || s.id.value.starts_with("FTP_TRP"))
        .map(|s| s.id.value.clone())
        .collect();
    let mut blocks = Vec::new();
    let provenance = if channels.is_empty() {
        Provenance::ToBeAuthored
    } else {
        blocks.push(Block::Paragraph(
            "Trusted channels and paths the ST claims for its links to other devices:".to_string(),
        ));
        blocks.push(Block::List(channels));
        Provenance::Manufacturer
    };
    blocks.push(todo(
        "The interoperable interfaces (iCGM, ACE pump, iAGC) and their security expectations.",
    ));
    Section {
        id: "interoperability",
        title: "Interoperability considerations",
        guidance: "V.A.3",
        provenance,
        blocks,
    }
}

fn sbom(inputs: &Inputs<'_>) -> Section {
    let Some(s) = inputs.sbom else {
        return Section {
            id: "sbom",
            title: "SBOM and known-vulnerability assessment",
            guidance: "V.A.4, 524B(b)(3)",
            provenance: Provenance::ToBeAuthored,
            blocks: vec![todo(
                "Give the SBOM (CycloneDX or SPDX JSON) with support level and end-of-support per component, and assess known vulnerabilities against it.",
            )],
        };
    };
    let c = &s.report.coverage;
    let rows = s
        .doc
        .components
        .iter()
        .map(|comp| {
            vec![
                comp.name.clone(),
                comp.version.clone().unwrap_or_else(|| "—".to_string()),
                comp.supplier.clone().unwrap_or_else(|| "—".to_string()),
                comp.purls
                    .first()
                    .map_or("—".to_string(), |p| p.original.clone()),
            ]
        })
        .collect();
    Section {
        id: "sbom",
        title: "SBOM and known-vulnerability assessment",
        guidance: "V.A.4, 524B(b)(3)",
        provenance: Provenance::Manufacturer,
        blocks: vec![
            Block::Paragraph(format!(
                "{}: {:?} {}, {} components; {} without a version, {} without a package identifier, {} without support data; declared complete: {}.",
                s.name,
                s.doc.format,
                s.doc.spec_version,
                c.components,
                c.no_version.len(),
                c.unidentifiable.len(),
                c.no_support_data.len(),
                if c.declared_complete { "yes" } else { "no" }
            )),
            table(&["Component", "Version", "Supplier", "Package URL"], rows),
            todo(
                "Known-vulnerability assessment: match the components against an advisory snapshot (`dtsec postmarket`) and justify each finding.",
            ),
        ],
    }
}

fn anomalies(lab: Option<&LabEvidence<'_>>) -> Section {
    let Some(lab) = lab else {
        return Section {
            id: "anomalies",
            title: "Unresolved anomalies",
            guidance: "V.A.5",
            provenance: Provenance::ToBeAuthored,
            blocks: vec![todo(
                "List the unresolved anomalies with their CWE and impact.",
            )],
        };
    };
    let ava_van = lab.etr.state.evaluation.assurance.ava_van.as_deref();
    let open: Vec<String> = lab
        .etr
        .state
        .vulns
        .iter()
        .filter_map(|v| {
            let a = assess(v, ava_van);
            matches!(
                a.outcome,
                Outcome::Residual | Outcome::Exploitable | Outcome::NotAssessed
            )
            .then(|| format!("{} {} ({})", v.id, v.title, outcome_label(a.outcome)))
        })
        .collect();
    let mut blocks = vec![Block::Paragraph(format!(
        "Residual and open vulnerabilities in the sealed ETR: {}.",
        open.len()
    ))];
    if !open.is_empty() {
        blocks.push(Block::List(open));
    }
    blocks.push(todo(
        "Software anomalies outside the evaluation, with their CWE.",
    ));
    Section {
        id: "anomalies",
        title: "Unresolved anomalies",
        guidance: "V.A.5",
        provenance: Provenance::LabVerified,
        blocks,
    }
}

fn metrics() -> Section {
    Section {
        id: "metrics",
        title: "TPLC security risk management metrics",
        guidance: "V.A.6",
        provenance: Provenance::ToBeAuthored,
        blocks: vec![todo(
            "Vulnerability counts, time to patch and time to deploy over the total product life cycle.",
        )],
    }
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Covered => "covered by TOE SFRs",
        Status::Environment => "environment only",
        Status::NotCovered => "not covered",
    }
}

fn paths_of(item: &dtsec_regulatory::coverage::ItemCoverage) -> String {
    let mut sfrs: Vec<&str> = item
        .paths
        .iter()
        .filter_map(|p| p.steps.iter().rev().nth(1).map(String::as_str))
        .collect();
    sfrs.sort_unstable();
    sfrs.dedup();
    match sfrs.len() {
        0 => "—".to_string(),
        1..=6 => sfrs.join(", "),
        n => format!("{} … ({n})", sfrs[..5].join(", ")),
    }
}

fn controls(fda: &CoverageReport) -> Section {
    let items = fda.scopes.iter().flat_map(|s| s.items.iter());
    let rows: Vec<Vec<String>> = items
        .filter(|i| i.kind == "category")
        .map(|i| {
            vec![
                i.id.clone(),
                i.title.clone(),
                status_label(i.status).to_string(),
                paths_of(i),
            ]
        })
        .collect();
    let gaps = rows
        .iter()
        .filter(|r| r[2] != status_label(Status::Covered))
        .count();
    Section {
        id: "controls",
        title: "Security controls (Appendix 1 categories A–H)",
        guidance: "V.B.1, App. 1",
        provenance: Provenance::Manufacturer,
        blocks: vec![
            Block::Paragraph(format!(
                "Coverage of {} {} derived for this ST through the mapping {} ({} unreviewed edges); {gaps} categories not covered by TOE SFRs.",
                fda.framework_title, fda.framework_version, fda.mapping, fda.unreviewed_edges
            )),
            table(&["Category", "Title", "Status", "Through SFRs"], rows),
        ],
    }
}

fn architecture(st: &Document) -> Section {
    let parts: Vec<Vec<String>> = st
        .toe
        .all_parts()
        .iter()
        .map(|p| {
            vec![
                p.name.value.clone(),
                p.form.value.clone(),
                p.roles
                    .iter()
                    .map(|r| r.value.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    let mut blocks = Vec::new();
    if let Some(d) = st.toe.description.as_ref().or(st.toe.overview.as_ref()) {
        blocks.push(Block::Paragraph(d.clone()));
    }
    blocks.push(table(&["TOE part", "Form", "Roles"], parts));
    if !st.toe.interfaces.is_empty() {
        blocks.push(Block::Paragraph("Interfaces:".to_string()));
        blocks.push(Block::List(st.toe.interfaces.clone()));
    }
    let updates: Vec<String> = st
        .sfrs
        .iter()
        .filter(|s| s.id.value.starts_with("FPT_TUD"))
        .map(|s| s.id.value.clone())
        .collect();
    if !updates.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Updatability/patchability view: the update path is specified by {}.",
            updates.join(", ")
        )));
    }
    blocks.push(todo(
        "Diagrams: global system, multi-patient harm, updatability/patchability and security use-case views.",
    ));
    Section {
        id: "architecture",
        title: "Architecture views",
        guidance: "V.B.2, App. 2",
        provenance: Provenance::Manufacturer,
        blocks,
    }
}

fn testing(lab: Option<&LabEvidence<'_>>) -> Section {
    let Some(lab) = lab else {
        return Section {
            id: "testing",
            title: "Cybersecurity testing",
            guidance: "V.C",
            provenance: Provenance::ToBeAuthored,
            blocks: vec![todo(
                "Security requirements, threat mitigation, vulnerability and penetration testing with the tester's independence (a sealed ETR gives the lab's).",
            )],
        };
    };
    let state = &lab.etr.state;
    let rollup = dtsec_eval::rollup::roll_up(&state.plan, &state.records);
    let rows = rollup
        .classes
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.verdict.as_str().to_string(),
                c.counts.total.to_string(),
                c.counts.pass.to_string(),
                c.counts.fail.to_string(),
                c.counts.inconclusive.to_string(),
                c.counts.pending.to_string(),
            ]
        })
        .collect();
    let (units, _) = lab_results(lab);
    let e = &state.evaluation;
    Section {
        id: "testing",
        title: "Cybersecurity testing",
        guidance: "V.C",
        provenance: Provenance::LabVerified,
        blocks: vec![
            Block::Paragraph(format!(
                "Independent evaluation by {} (evaluators: {}) for {}, started {} and sealed {}; overall verdict {}. {} SFRs were tested through {} EA work units; {} test cases and {} verdict records.",
                e.lab,
                e.evaluators.join(", "),
                e.sponsor,
                e.created_at,
                lab.etr.sealed_at,
                lab.etr.overall.as_str(),
                units.len(),
                units.values().map(Vec::len).sum::<usize>(),
                state.tests.len(),
                state.records.len()
            )),
            table(
                &[
                    "Class",
                    "Verdict",
                    "Units",
                    "Pass",
                    "Fail",
                    "Inconclusive",
                    "Pending",
                ],
                rows,
            ),
            todo("Manufacturer's SAST, fuzzing and software composition analysis reports."),
        ],
    }
}

fn labeling(st: &Document, inputs: &Inputs<'_>) -> Section {
    let agd: Vec<String> = st
        .sars
        .iter()
        .filter(|s| s.id.value.starts_with("AGD"))
        .map(|s| s.id.value.clone())
        .collect();
    let mut items = vec![
        format!(
            "Device: {} {}",
            st.toe.name.as_deref().unwrap_or(&st.title),
            st.toe.version.as_deref().unwrap_or("")
        ),
        format!(
            "Secure configuration and operation guidance: {}",
            if agd.is_empty() {
                "to be authored".to_string()
            } else {
                format!("the guidance documents evaluated under {}", agd.join(", "))
            }
        ),
        format!(
            "SBOM availability: {}",
            if inputs.sbom.is_some() {
                "an SBOM is part of this package"
            } else {
                "to be authored"
            }
        ),
    ];
    items.push("End of support date: to be authored".to_string());
    Section {
        id: "labeling",
        title: "Labeling",
        guidance: "VI.A",
        provenance: Provenance::Manufacturer,
        blocks: vec![
            Block::List(items),
            todo("End-of-support date, the MDS2 form and user-facing cybersecurity instructions."),
        ],
    }
}

fn management_plan(st: &Document) -> Section {
    let related: Vec<String> = st
        .sars
        .iter()
        .map(|s| s.id.value.clone())
        .chain(st.sfrs.iter().map(|s| s.id.value.clone()))
        .filter(|id| {
            id.starts_with("ALC_FLR") || id.starts_with("ALC_TSU") || id.starts_with("FPT_TUD")
        })
        .collect();
    let mut blocks = vec![Block::Paragraph(
        "Scaffold: the plan to monitor, identify and address postmarket vulnerabilities, including coordinated vulnerability disclosure, and the update and patch cadence."
            .to_string(),
    )];
    if !related.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Claimed requirements the plan builds on: {}.",
            related.join(", ")
        )));
    }
    blocks.push(todo(
        "Coordinated vulnerability disclosure URL, monitoring sources, patch timelines and the support window.",
    ));
    Section {
        id: "management-plan",
        title: "Cybersecurity management plan",
        guidance: "VI.B, 524B(b)(1)",
        provenance: Provenance::ToBeAuthored,
        blocks,
    }
}

fn statement_524b(b524: Option<&CoverageReport>, inputs: &Inputs<'_>) -> Section {
    let Some(b524) = b524 else {
        return Section {
            id: "statement-524b",
            title: "Section 524B statement",
            guidance: "VII, 524B",
            provenance: Provenance::ToBeAuthored,
            blocks: vec![
                todo(
                    "dtsec has no §524B mapping for the PP this ST claims: state how the TOE meets §524B(b)(1)–(3) (cybersecurity management plan, processes, SBOM).",
                ),
                todo("The sponsor's determination and signature."),
            ],
        };
    };
    let rows = b524
        .scopes
        .iter()
        .flat_map(|s| s.items.iter())
        .map(|i| {
            let pointer = match i.id.as_str() {
                "(b)(1)" => "section management-plan".to_string(),
                "(b)(3)" if inputs.sbom.is_some() => "section sbom".to_string(),
                "(b)(3)" => "section sbom (SBOM to be given)".to_string(),
                _ => "—".to_string(),
            };
            vec![
                i.id.clone(),
                i.title.clone(),
                status_label(i.status).to_string(),
                paths_of(i),
                pointer,
            ]
        })
        .collect();
    Section {
        id: "statement-524b",
        title: "Section 524B statement",
        guidance: "VII, 524B",
        provenance: Provenance::Manufacturer,
        blocks: vec![
            Block::Paragraph(
                "The TOE includes software and connects to other devices, so it is treated as a cyber device. Coverage of the §524B clauses by this ST:"
                    .to_string(),
            ),
            table(&["Clause", "Summary", "Status", "Through SFRs", "Where"], rows),
            todo("The sponsor's determination and signature."),
        ],
    }
}
