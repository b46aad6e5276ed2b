//! The regulatory coverage `dtsec render` adds to a page: for an ST, every FDA Appendix 1 item
//! with its status and the SFRs reaching it; for a PP, which Appendix 1 categories (A–H) each
//! role covers. Built here from `dtsec-regulatory` and handed to the renderer as plain
//! [`ExtraSection`]s, because the renderer is a lower layer than the mappings.
//!
//! A document dtsec has no mapping for (another PP, a package, a module) renders without the
//! section; any other failure to derive coverage is a warning, never a failed render.

use dtsec_model::{Document, DocumentKind, Library};
use dtsec_regulatory::RegulatoryError;
use dtsec_regulatory::report::CoverageReport;
use dtsec_regulatory::target::{MappingChoice, coverage_report};
use dtsec_render::{ExtraSection, ExtraTable};

/// The coverage sections for `document` (none when it has no built-in mapping).
pub(crate) fn sections(document: &Document, library: &Library) -> Vec<ExtraSection> {
    let kind = document.kind.value;
    if kind != DocumentKind::SecurityTarget && kind != DocumentKind::ProtectionProfile {
        return Vec::new();
    }
    match coverage_report(document, library, "fda", None, MappingChoice::Builtin) {
        Ok(report) => vec![section(&report, kind == DocumentKind::SecurityTarget)],
        Err(RegulatoryError::NoMapping { .. } | RegulatoryError::NoClaimedPp { .. }) => Vec::new(),
        Err(e) => {
            crate::error::warning(format_args!(
                "no regulatory coverage section: {e} (the page is rendered without it)"
            ));
            Vec::new()
        }
    }
}

fn section(report: &CoverageReport, is_st: bool) -> ExtraSection {
    let table = report.table((!is_st).then_some("category"));
    let mut paragraphs = vec![if is_st {
        format!(
            "Derived from this ST's SFRs and selections through dtsec's mapping `{}` of {} \
             (threat → objective → SFR → item); not an authored claim.",
            report.mapping, report.pp
        )
    } else {
        format!(
            "Which Appendix 1 categories each role's mandatory SFRs and required choices \
             reach, through dtsec's mapping `{}`.",
            report.mapping
        )
    }];
    if report.unreviewed_edges > 0 {
        paragraphs.push(format!(
            "{} edge(s) of the mapping await a specialist's review: this coverage is a draft.",
            report.unreviewed_edges
        ));
    }
    ExtraSection {
        anchor: format!("coverage-{}", report.framework_id),
        title: "Regulatory coverage: FDA premarket guidance, Appendix 1".to_string(),
        paragraphs,
        tables: vec![ExtraTable {
            caption: table.caption,
            header: table.header,
            rows: table.rows,
        }],
    }
}
