//! The Evaluation Technical Report (ETR), as one HTML page or a paginated PDF.
//!
//! Why one model, two outputs: the ETR's content is built once as a list of blocks (headings,
//! paragraphs, tables) from the workspace state; HTML and PDF only differ in how they draw
//! them, so the two can never disagree. Sections: 1 TOE and ST identification, 2 evaluation
//! summary and overall verdict, 3 verdicts per class, component and work unit, 4 observation
//! reports, 5 test summary, 6 vulnerability analysis, 7 evidence manifest, 8 record history.
//! Everything taken from the workspace is escaped in HTML.
//!
//! A pass verdict with no evidence recorded is a claim nobody can check, so the report says so
//! where a reader cannot miss it: a warning before section 1 (on the PDF's cover page) and one
//! under each component table that has such units, whose rows say it too. The PDF also has a
//! table of contents with page numbers and an outline.

use std::fmt::Write as _;

use dtsec_render::escape;

use crate::observations::ObservationStatus;
use crate::records::Verdict;
use crate::rollup::{Rollup, roll_up};
use crate::status::findings;
use crate::vulns::{Outcome, assess};
use crate::workspace::State;

/// One block of the report.
#[derive(Clone, Debug)]
enum Block {
    Heading(u8, String),
    Paragraph(String),
    /// Headers, relative column widths, rows.
    Table(Vec<&'static str>, Vec<f32>, Vec<Vec<String>>),
    /// A title and a text the reader must not miss.
    Warning(String, String),
}

/// What a row says about a unit that passed with no evidence recorded.
const NO_EVIDENCE: &str = "WARNING: passed with no evidence recorded";

/// The units whose verdict is pass but whose deciding record cites no evidence, in plan order.
fn passed_without_evidence(state: &State, rollup: &Rollup) -> Vec<String> {
    let mut out = Vec::new();
    for (k, pk) in rollup.classes.iter().zip(&state.plan.classes) {
        for (comp, pc) in k.children.iter().zip(&pk.components) {
            for (el, pe) in comp.children.iter().zip(&pc.elements) {
                for (u, pu) in el.units.iter().zip(&pe.units) {
                    if u.verdict == Some(Verdict::Pass) && !has_evidence(state, u.record) {
                        out.push(pu.id.clone());
                    }
                }
            }
        }
    }
    out
}

fn has_evidence(state: &State, record: Option<u64>) -> bool {
    record
        .and_then(|n| state.records.iter().find(|r| r.seq == n))
        .is_some_and(|r| !r.evidence.is_empty())
}

/// "A, B, C" for up to `max` ids, then how many more.
fn id_list(ids: &[String], max: usize) -> String {
    let shown = ids.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > max {
        format!("{shown} and {} more", ids.len() - max)
    } else {
        shown
    }
}

fn units_word(n: usize) -> &'static str {
    if n == 1 { "work unit" } else { "work units" }
}

fn short(d: &str) -> String {
    let hex = d.strip_prefix("sha256:").unwrap_or(d);
    format!("sha256:{}", hex.get(..16).unwrap_or(hex))
}

fn verdict_word(v: Option<Verdict>) -> String {
    v.map_or_else(|| "—".to_string(), |v| v.as_str().to_string())
}

/// The report's blocks.
fn blocks(state: &State) -> (String, Vec<Block>, Rollup) {
    let rollup = roll_up(&state.plan, &state.records);
    let e = &state.evaluation;
    let mut b = Vec::new();
    let title = format!(
        "Evaluation Technical Report: {} {}",
        e.toe.name, e.toe.version
    );

    let unevidenced = passed_without_evidence(state, &rollup);
    if !unevidenced.is_empty() {
        let n = unevidenced.len();
        b.push(Block::Warning(
            format!("Warning: {n} {} passed with no evidence recorded", units_word(n)),
            format!(
                "A pass verdict should cite the evidence it rests on; these cite none, so nobody can check them: {}. Section 3 marks each of them. Record the evidence (dtsec eval record --evidence) or justify the verdict before the report is relied on.",
                id_list(&unevidenced, 40)
            ),
        ));
    }

    b.push(Block::Heading(1, "1 TOE and ST identification".into()));
    let mut ident = vec![
        vec!["TOE".into(), format!("{} {}", e.toe.name, e.toe.version)],
        vec!["Manufacturer".into(), e.toe.manufacturer.clone()],
        vec!["TOE type".into(), e.toe.toe_type.clone()],
        vec![
            "Security Target".into(),
            format!("{} — {} version {}", e.st.title, e.st.id, e.st.version),
        ],
        vec!["ST digest".into(), format!("sha256:{}", e.st.sha256)],
        vec!["CC edition".into(), e.st.edition.clone()],
        vec!["Sponsor".into(), e.sponsor.clone()],
        vec!["Evaluation facility".into(), e.lab.clone()],
        vec!["Evaluators".into(), e.evaluators.join(", ")],
        vec![
            "Assurance packages".into(),
            if e.assurance.packages.is_empty() {
                "none".into()
            } else {
                e.assurance.packages.join(", ")
            },
        ],
        vec!["SARs".into(), e.assurance.sars.join(", ")],
        vec!["Evaluation started".into(), e.created_at.clone()],
    ];
    for c in &e.claims {
        ident.push(vec![
            format!("Claimed {}", if c.kind == "pp" { "PP" } else { "package" }),
            format!("{} {} ({}; sha256:{})", c.id, c.version, c.origin, c.sha256),
        ]);
    }
    b.push(Block::Table(vec!["Item", "Value"], vec![1.0, 3.0], ident));

    b.push(Block::Heading(1, "2 Evaluation summary".into()));
    let c = &rollup.counts;
    b.push(Block::Paragraph(format!(
        "Overall verdict: {}. Of {} work units and evaluation activities, {} pass, {} fail, {} are inconclusive and {} have no verdict yet. Verdicts roll up from work unit to element, component, class and overall by the CEM rule: any fail fails the parent, all pass passes it, anything else leaves it inconclusive.",
        rollup.overall.as_str().to_uppercase(), c.total, c.pass, c.fail, c.inconclusive, c.pending
    )));
    let class_rows: Vec<Vec<String>> = rollup
        .classes
        .iter()
        .map(|k| {
            let name = state
                .plan
                .classes
                .iter()
                .find(|p| p.id == k.id)
                .map_or("", |p| p.name.as_str());
            vec![
                format!("{} {}", k.id, name),
                k.counts.total.to_string(),
                k.counts.pass.to_string(),
                k.counts.fail.to_string(),
                (k.counts.inconclusive + k.counts.pending).to_string(),
                k.verdict.as_str().to_string(),
            ]
        })
        .collect();
    b.push(Block::Table(
        vec!["Class", "Units", "Pass", "Fail", "Open", "Verdict"],
        vec![4.0, 1.0, 1.0, 1.0, 1.0, 1.6],
        class_rows,
    ));
    let f = findings(state, &rollup);
    if !f.is_empty() {
        b.push(Block::Paragraph(format!(
            "Findings to consider: {}.",
            f.join("; ")
        )));
    }

    b.push(Block::Heading(
        1,
        "3 Verdicts per class, component and work unit".into(),
    ));
    let records_by_seq = |n: u64| state.records.iter().find(|r| r.seq == n);
    for (n, (k, pk)) in rollup.classes.iter().zip(&state.plan.classes).enumerate() {
        b.push(Block::Heading(
            2,
            format!("3.{} {} {} — {}", n + 1, pk.id, pk.name, k.verdict),
        ));
        for (comp, pc) in k.children.iter().zip(&pk.components) {
            b.push(Block::Heading(
                3,
                format!(
                    "{} {} — {} ({}/{} pass)",
                    pc.id, pc.name, comp.verdict, comp.counts.pass, comp.counts.total
                ),
            ));
            let mut rows = Vec::new();
            let mut bare = Vec::new();
            for (el, pe) in comp.children.iter().zip(&pc.elements) {
                for (u, pu) in el.units.iter().zip(&pe.units) {
                    let rec = u.record.and_then(records_by_seq);
                    let mut detail = String::new();
                    if u.verdict == Some(Verdict::Pass) && !has_evidence(state, u.record) {
                        bare.push(pu.id.clone());
                        let _ = write!(detail, "{NO_EVIDENCE}; ");
                    }
                    if let Some(r) = rec {
                        let _ = write!(detail, "record {} by {} at {}", r.seq, r.by, r.at);
                        if !r.evidence.is_empty() {
                            let _ = write!(
                                detail,
                                "; evidence {}",
                                r.evidence
                                    .iter()
                                    .map(|d| short(d))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            );
                        }
                        if !r.observations.is_empty() {
                            let _ = write!(detail, "; {}", r.observations.join(", "));
                        }
                        if let Some(n) = &r.note {
                            let _ = write!(detail, "; note: {n}");
                        }
                    }
                    let id = if pu.synthesized {
                        format!("{} (synthesized)", pu.id)
                    } else {
                        pu.id.clone()
                    };
                    rows.push(vec![
                        id,
                        pu.summary.clone(),
                        verdict_word(u.verdict),
                        detail,
                    ]);
                }
            }
            b.push(Block::Table(
                vec!["Work unit", "What is checked", "Verdict", "Record"],
                vec![1.6, 3.2, 1.0, 2.6],
                rows,
            ));
            if !bare.is_empty() {
                let n = bare.len();
                b.push(Block::Warning(
                    format!(
                        "Warning: {n} {} of {} passed with no evidence recorded",
                        units_word(n),
                        pc.id
                    ),
                    format!(
                        "{}: the pass verdict cites no evidence.",
                        id_list(&bare, 40)
                    ),
                ));
            }
        }
    }

    b.push(Block::Heading(1, "4 Observation reports".into()));
    if state.observations.is_empty() {
        b.push(Block::Paragraph(
            "No observation reports were raised.".into(),
        ));
    } else {
        let rows = state
            .observations
            .iter()
            .map(|o| {
                let status = match o.status {
                    ObservationStatus::Open => "open".to_string(),
                    ObservationStatus::Resolved => format!(
                        "resolved by {} at {}: {}",
                        o.resolved_by.as_deref().unwrap_or("?"),
                        o.resolved_at.as_deref().unwrap_or("?"),
                        o.resolution.as_deref().unwrap_or("")
                    ),
                };
                vec![
                    o.id.clone(),
                    o.severity.as_str().to_string(),
                    format!("{}. {}", o.title, o.description),
                    o.units.join(", "),
                    format!("raised by {} at {}; {status}", o.raised_by, o.raised_at),
                ]
            })
            .collect();
        b.push(Block::Table(
            vec!["Id", "Severity", "Observation", "Work units", "Status"],
            vec![0.7, 0.9, 3.0, 1.6, 2.4],
            rows,
        ));
    }

    b.push(Block::Heading(1, "5 Test summary".into()));
    if state.tests.is_empty() {
        b.push(Block::Paragraph(
            "No test cases were recorded; the test activities' verdicts are in section 3.".into(),
        ));
    } else {
        let passed = state
            .tests
            .iter()
            .filter(|t| t.result == Some(Verdict::Pass))
            .count();
        let failed = state
            .tests
            .iter()
            .filter(|t| t.result == Some(Verdict::Fail))
            .count();
        b.push(Block::Paragraph(format!(
            "{} test cases: {passed} passed, {failed} failed, {} not run or inconclusive.",
            state.tests.len(),
            state.tests.len() - passed - failed
        )));
        let rows = state
            .tests
            .iter()
            .map(|t| {
                let steps = t
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("{}. {s}", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n");
                vec![
                    format!("{}\n{}", t.id, t.unit),
                    format!("{}\n{steps}", t.title),
                    t.expected.clone(),
                    t.actual.clone().unwrap_or_default(),
                    verdict_word(t.result),
                    t.evidence
                        .iter()
                        .map(|d| short(d))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ]
            })
            .collect();
        b.push(Block::Table(
            vec![
                "Test",
                "Title and steps",
                "Expected",
                "Actual",
                "Result",
                "Evidence",
            ],
            vec![1.6, 2.6, 1.6, 1.6, 0.9, 1.6],
            rows,
        ));
    }

    b.push(Block::Heading(1, "6 Vulnerability analysis".into()));
    let ava = e.assurance.ava_van.as_deref();
    b.push(Block::Paragraph(match (ava, e.assurance.resists) {
        (Some(a), Some(r)) => format!(
            "The ST claims {a}: the TOE must resist attackers with {} attack potential. Each potential vulnerability is rated with the attack-potential table recorded with it (CEM Annex B, or for physical attacks on hardware the hardware-device table with its identification and exploitation phases); a vulnerability whose attack potential is at or below that level is exploitable and fails the TOE unless mitigated, one above it is residual.",
            r.label()
        ),
        _ => "The ST claims no AVA_VAN component; vulnerabilities are rated but not judged.".to_string(),
    }));
    if state.vulns.is_empty() {
        b.push(Block::Paragraph(
            "No potential vulnerabilities were recorded.".into(),
        ));
    } else {
        let rows = state
            .vulns
            .iter()
            .map(|v| {
                let a = assess(v, ava);
                let outcome = match a.outcome {
                    Outcome::Exploitable => "EXPLOITABLE",
                    Outcome::Mitigated => "mitigated",
                    Outcome::Residual => "residual",
                    Outcome::NotExploitable => "not exploitable",
                    Outcome::NotAssessed => "not assessed",
                };
                vec![
                    format!("{} {}", v.id, v.title),
                    format!("{}: {}", a.table.label(), v.factors.describe()),
                    a.total.map_or("—".into(), |t| t.to_string()),
                    a.required.map_or("—".into(), |r| r.label().to_string()),
                    outcome.to_string(),
                    a.reasoning,
                ]
            })
            .collect();
        b.push(Block::Table(
            vec![
                "Vulnerability",
                "Factors",
                "Total",
                "Potential",
                "Outcome",
                "Reasoning",
            ],
            vec![1.8, 2.2, 0.7, 1.2, 1.1, 3.0],
            rows,
        ));
    }

    b.push(Block::Heading(1, "7 Evidence manifest".into()));
    if state.evidence.items.is_empty() {
        b.push(Block::Paragraph("No evidence was stored.".into()));
    } else {
        let rows = state
            .evidence
            .items
            .iter()
            .map(|i| {
                vec![
                    i.name.clone(),
                    i.kind.as_str().into(),
                    i.size.to_string(),
                    i.digest.clone(),
                    format!("{} at {}", i.added_by, i.added_at),
                ]
            })
            .collect();
        b.push(Block::Table(
            vec!["Name", "Kind", "Bytes", "Digest", "Added"],
            vec![1.6, 1.0, 0.8, 3.4, 1.8],
            rows,
        ));
    }

    b.push(Block::Heading(1, "8 Record history".into()));
    b.push(Block::Paragraph(format!(
        "All {} verdict records in the order they were made; a record that replaces an earlier one names it.",
        state.records.len()
    )));
    if !state.records.is_empty() {
        let rows = state
            .records
            .iter()
            .map(|r| {
                vec![
                    r.seq.to_string(),
                    r.unit.clone(),
                    r.verdict.as_str().into(),
                    r.by.clone(),
                    r.at.clone(),
                    r.replaces.map_or(String::new(), |n| format!("record {n}")),
                ]
            })
            .collect();
        b.push(Block::Table(
            vec!["#", "Unit", "Verdict", "By", "At", "Replaces"],
            vec![0.5, 2.6, 1.0, 1.2, 1.8, 1.0],
            rows,
        ));
    }
    (title, b, rollup)
}

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.4}\
table{border-collapse:collapse;width:100%;margin:0.5rem 0 1rem;font-size:0.85rem}\
th,td{border:1px solid #bbb;padding:0.25rem 0.4rem;text-align:left;vertical-align:top;white-space:pre-line}\
th{background:#eee}td.pass{background:#e6f4e6}td.fail{background:#fbe3e3}td.inconclusive{background:#fff6d6}\
h1{border-bottom:2px solid #444;margin-top:2rem}.verdict{font-size:1.5rem;font-weight:bold}\
.cover{border:1px solid #444;padding:1rem;margin-bottom:2rem}code{font-size:0.85rem}\
.warning{border-left:6px solid #a31515;background:#fdeaea;padding:0.5rem 1rem;margin:1rem 0}";

/// The ETR as one self-contained HTML page (inline CSS, no scripts).
pub fn report_html(state: &State) -> String {
    let (title, blocks, rollup) = blocks(state);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(
        h,
        "<div class=\"cover\"><h1>{}</h1><p>Evaluation facility: {} · Sponsor: {} · ST {} {}</p><p class=\"verdict\">Overall verdict: {}</p></div>",
        escape(&title),
        escape(&state.evaluation.lab),
        escape(&state.evaluation.sponsor),
        escape(&state.evaluation.st.id),
        escape(&state.evaluation.st.version),
        rollup.overall.as_str().to_uppercase()
    );
    for b in blocks {
        match b {
            Block::Heading(l, t) => {
                let l = l.clamp(1, 4);
                let _ = writeln!(h, "<h{l}>{}</h{l}>", escape(&t));
            }
            Block::Paragraph(t) => {
                let _ = writeln!(h, "<p>{}</p>", escape(&t));
            }
            Block::Warning(title, t) => {
                let _ = writeln!(
                    h,
                    "<div class=\"warning\" role=\"note\"><p><strong>{}</strong></p><p>{}</p></div>",
                    escape(&title),
                    escape(&t)
                );
            }
            Block::Table(head, _, rows) => {
                h.push_str("<table>\n<thead><tr>");
                for c in head {
                    let _ = write!(h, "<th>{}</th>", escape(c));
                }
                h.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    h.push_str("<tr>");
                    for c in r {
                        let class = match c.as_str() {
                            "pass" | "fail" | "inconclusive" => format!(" class=\"{c}\""),
                            _ => String::new(),
                        };
                        let _ = write!(h, "<td{class}>{}</td>", escape(&c));
                    }
                    h.push_str("</tr>\n");
                }
                h.push_str("</tbody>\n</table>\n");
            }
        }
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// The ETR as a paginated, tagged PDF (dtsec-pdf: embedded Unicode fonts, a table of contents,
/// "page N of M" footers).
pub fn report_pdf(state: &State) -> Vec<u8> {
    report_doc(state).to_pdf()
}

/// The ETR as a PDF document model (for page counts and tests).
pub fn report_doc(state: &State) -> dtsec_pdf::Doc {
    let (title, blocks, rollup) = blocks(state);
    let e = &state.evaluation;
    let verdict = rollup.overall.as_str().to_uppercase();
    let st = format!("{} {}", e.st.id, e.st.version);
    let st_sha = format!("sha256:{}", e.st.sha256);
    let units = format!(
        "{} ({} pass, {} fail)",
        rollup.counts.total, rollup.counts.pass, rollup.counts.fail
    );
    let evaluators = e.evaluators.join(", ");
    let mut doc = dtsec_pdf::Doc::new(title).cover(
        Some("Evaluation Technical Report (ISO/IEC 18045)"),
        &[
            ("Overall verdict", verdict.as_str()),
            ("TOE", &format!("{} {}", e.toe.name, e.toe.version)),
            ("Security Target", &st),
            ("ST digest", &st_sha),
            ("Evaluation facility", &e.lab),
            ("Sponsor", &e.sponsor),
            ("Evaluators", &evaluators),
            ("Work units and activities", &units),
        ],
    );
    // Warnings before the first section stay on the cover page, where they are seen first.
    let mut blocks = blocks.into_iter().peekable();
    while let Some(Block::Warning(t, text)) = blocks.next_if(|b| matches!(b, Block::Warning(..))) {
        doc = doc.warning(t, text);
    }
    doc = doc.page_break().contents("Contents", 2).page_break();
    for b in blocks {
        doc = match b {
            Block::Heading(l, t) => doc.heading(l, t),
            Block::Paragraph(t) => doc.paragraph(t),
            Block::Table(head, w, rows) => doc.table_with_widths(&head, &w, rows),
            Block::Warning(t, text) => doc.warning(t, text),
        };
    }
    doc
}
