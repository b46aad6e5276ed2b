//! A coverage report as one plain table of strings: what `dtsec render` adds to a PP or ST page
//! and what the registry's device page shows.
//!
//! Why plain strings: the renderer (a lower layer) and the server (maud) each escape text their
//! own way; handing them text, not markup, keeps the escaping theirs and the wording ours, so
//! the page, the render and the CLI's text report say the same thing.

use std::collections::BTreeSet;

use crate::coverage::{ItemCoverage, Status};
use crate::report::CoverageReport;

/// A table: a caption, column headings and rows (the first cell is the row's heading).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageTable {
    /// What the table shows.
    pub caption: String,
    /// The column headings.
    pub header: Vec<String>,
    /// One row per framework item.
    pub rows: Vec<Vec<String>>,
}

impl CoverageReport {
    /// One row per item (only items of `kind` when given, e.g. `category` for FDA Appendix 1's
    /// A–H). With one scope (an ST, one role) the columns are the item, its title, its status,
    /// the SFRs reaching it and, when an ETR was joined, its evidence status; with several
    /// (a PP's roles) one status column per scope.
    pub fn table(&self, kind: Option<&str>) -> CoverageTable {
        let wanted = |i: &&ItemCoverage| kind.is_none_or(|k| i.kind == k);
        let caption = format!(
            "{} ({} {}) for {}",
            self.framework_title, self.framework_id, self.framework_version, self.target
        );
        if let [scope] = self.scopes.as_slice() {
            let mut header = vec![
                "Item".to_string(),
                "Title".to_string(),
                "Status".to_string(),
                "Through SFRs".to_string(),
            ];
            if self.evidence.is_some() {
                header.push("Evidence".to_string());
            }
            let rows = scope
                .items
                .iter()
                .filter(wanted)
                .map(|i| {
                    let mut row = vec![
                        i.id.clone(),
                        i.title.clone(),
                        i.status.label().to_string(),
                        sfrs(i),
                    ];
                    if self.evidence.is_some() {
                        row.push(
                            self.item_evidence(i)
                                .map_or("—", |e| e.description())
                                .to_string(),
                        );
                    }
                    row
                })
                .collect();
            return CoverageTable {
                caption,
                header,
                rows,
            };
        }
        let mut header = vec!["Item".to_string(), "Title".to_string()];
        header.extend(self.scopes.iter().map(|s| {
            s.role
                .clone()
                .or_else(|| s.toe_type.clone())
                .unwrap_or_else(|| "ST".to_string())
        }));
        let rows = self
            .scopes
            .first()
            .map(|first| {
                first
                    .items
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| wanted(i))
                    .map(|(n, i)| {
                        let mut row = vec![i.id.clone(), i.title.clone()];
                        row.extend(self.scopes.iter().map(|s| {
                            s.items
                                .get(n)
                                .map_or(Status::NotCovered, |i| i.status)
                                .label()
                                .to_string()
                        }));
                        row
                    })
                    .collect()
            })
            .unwrap_or_default();
        CoverageTable {
            caption,
            header,
            rows,
        }
    }
}

/// The SFRs of an item's paths through the TOE, sorted, or `—`.
fn sfrs(item: &ItemCoverage) -> String {
    let set: BTreeSet<&str> = item
        .paths
        .iter()
        .filter(|p| p.status == Status::Covered)
        .filter_map(|p| p.sfr.as_deref())
        .collect();
    if set.is_empty() {
        "—".to_string()
    } else {
        set.into_iter().collect::<Vec<_>>().join(", ")
    }
}
