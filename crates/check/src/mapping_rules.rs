//! The codes of the regulatory mapping checker (`dtsec-regulatory`), documented here so that
//! `dtsec explain DT-MAP-00x`, JSON and SARIF output know them like every other code.
//!
//! Why here and not in the regulatory crate: the explain table and the output formats live in
//! this crate, which sits below `dtsec-regulatory`; the rules themselves run there. The rows are
//! kept apart from [`crate::RULES`] so that the CC checker's fixture corpus (one fixture per
//! code) stays about CC documents; the mapping fixtures live in `crates/regulatory/tests/`.

use crate::diagnostic::Severity;
use crate::registry::{RuleInfo, Stability};

/// Every mapping rule, by code.
pub const MAPPING_RULES: &[RuleInfo] = &[
    RuleInfo {
        code: "DT-MAP-001",
        name: "unknown-framework-item",
        severity: Severity::Error,
        stability: Stability::Preview,
        summary: "A mapping edge points at a framework item that its framework's catalogue does not have.",
        why: "A regulator reads the mapping in the framework's own terms; an id that does not exist (a typo, an id of another edition) claims coverage of nothing.",
        example: "framework: {id: csf, version: '2.0'}\nedges:\n  - {from: O.AUDIT, to: [DE.CM-99], relation: supports, rationale: r, status: reviewed}",
        fix: "Use an id from the framework's catalogue (`dtsec map frameworks` lists the catalogues; `crates/regulatory/data/frameworks/`).",
        references: "dtsec design: regulatory mapping, §2 checker rules",
    },
    RuleInfo {
        code: "DT-MAP-002",
        name: "withdrawn-framework-item",
        severity: Severity::Error,
        stability: Stability::Preview,
        summary: "A mapping edge points at a framework item that was withdrawn (e.g. a CSF 1.1 id such as PR.AC-01 in CSF 2.0).",
        why: "The NIST CSF 2.0 catalogue keeps its withdrawn CSF 1.1 categories and subcategories, marked withdrawn; a mapping to one of them names a requirement that no longer exists.",
        example: "edges:\n  - {from: O.PEER_AUTH, to: [PR.AC-01], relation: intersects-with, rationale: r, status: reviewed}",
        fix: "Point the edge at the item the catalogue says it was moved to or incorporated into (the message names it).",
        references: "NIST CSWP 29 (CSF 2.0); OSCAL catalogue props `status: withdrawn`, links `moved_to` / `incorporated_into`",
    },
    RuleInfo {
        code: "DT-MAP-003",
        name: "edge-without-rationale",
        severity: Severity::Error,
        stability: Stability::Preview,
        summary: "A mapping edge has no rationale, or an empty one.",
        why: "A mapping is an expert's judgement, not a fact a tool can derive; without the reason a reviewer cannot agree or disagree with it.",
        example: "edges:\n  - {from: FAU_GEN.1, to: [F], relation: supports, status: reviewed}",
        fix: "Say in `rationale` why the PP item meets (part of) the framework item.",
        references: "dtsec design: regulatory mapping, §2 (mappings are authored facts)",
    },
    RuleInfo {
        code: "DT-MAP-004",
        name: "fda-category-uncovered",
        severity: Severity::Error,
        stability: Stability::Preview,
        summary: "An FDA premarket guidance Appendix 1 category (A–H) is covered by no SFR that the PP makes mandatory for a role.",
        why: "The FDA expects a submission to address every security control category; a PP that leaves one to optional SFRs for some role certifies devices that may not address it.",
        example: "# a cdd-2.0--fda-2026 mapping with no edge reaching category H (updates)",
        fix: "Add an edge from a mandatory SFR (or an objective one implements) to the category or one of its items, or make an SFR mandatory for the role.",
        references: "FDA, Cybersecurity in Medical Devices (2026-02-03), Appendix 1; dtsec design §5 acceptance check 5",
    },
    RuleInfo {
        code: "DT-MAP-005",
        name: "stale-mapping",
        severity: Severity::Warning,
        stability: Stability::Preview,
        summary: "The PP or framework version a mapping is pinned to is not the one available: its reviewed edges need review.",
        why: "An edge reviewed against one version of a PP or framework says nothing about the next; dtsec never rewrites an edge silently, it asks for a review.",
        example: "pp: {id: cdd, version: '1.9'}   # only 2.0 is available",
        fix: "Review the edges against the available version, then update the pin and `reviewed_on`; until then mark them `status: needs-review`.",
        references: "dtsec design: regulatory mapping, §2 checker rules",
    },
    RuleInfo {
        code: "DT-MAP-006",
        name: "unknown-pp-item",
        severity: Severity::Error,
        stability: Stability::Preview,
        summary: "A mapping edge starts from a PP item (threat, OSP, objective, SFR, element, selection choice) that the pinned PP does not define.",
        why: "Coverage is derived from the PP's items; an edge from nothing can never be reached and hides a gap.",
        example: "edges:\n  - {from: 'FTP_ITC.1#itc_protocols=ipsec', to: [PR.DS-02], relation: supports, rationale: r, status: reviewed}",
        fix: "Use an id from the PP: a threat, OSP, objective, SFR or element id, or `SFR#operation=choice` for a selection choice.",
        references: "dtsec design: regulatory mapping, §2",
    },
    RuleInfo {
        code: "DT-MAP-007",
        name: "unknown-condition",
        severity: Severity::Error,
        stability: Stability::Preview,
        summary: "An edge's condition names a role or selection choice the PP does not define.",
        why: "A condition that can never hold silently turns the edge off for every TOE.",
        example: "conditions: {roles: [therapy-deliver]}",
        fix: "Use role ids from the PP's `roles` and selections as `SFR#operation=choice`.",
        references: "dtsec design: regulatory mapping, §2 (conditions on roles and selections)",
    },
    RuleInfo {
        code: "DT-MAP-008",
        name: "edge-needs-review",
        severity: Severity::Note,
        stability: Stability::Preview,
        summary: "An edge is marked `needs-review`, or marked `reviewed` without who reviewed it and when, or its review date is not a date.",
        why: "Coverage derived from unreviewed edges is a draft; the report says so instead of presenting it as settled.",
        example: "edges:\n  - {from: O.AUDIT, to: [F], relation: supports, rationale: r, status: needs-review}",
        fix: "Review the edge and set `status: reviewed` with `reviewed_by` and `reviewed_on`.",
        references: "dtsec design: regulatory mapping, §2",
    },
];
