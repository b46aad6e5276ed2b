//! Mapping documents: authored edges from PP items to framework items.
//!
//! Why authored and positioned: whether an SFR meets an FDA recommendation is an expert's
//! judgement, so every edge carries its relation, rationale, conditions and review status, and
//! keeps the line and column of each field so the checker can point at it. Read with the same
//! limits as PP documents (size, depth, nodes) and a cap on edges.

use dtsec_model::{SourceFile, Spanned};
use serde::Deserialize;

use crate::error::RegulatoryError;

/// At most this many edges in one mapping file (the CDD PP 2.0 ones hold under 100).
pub const MAX_EDGES: usize = 5_000;
/// At most this many targets or conditions in one edge.
pub const MAX_LIST: usize = 200;
/// Largest mapping file read.
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// How a PP item relates to a framework item (the OSCAL control-mapping relations, plus
/// `supports` for a PP item that contributes without meeting the item alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// The PP item asks for part of what the framework item asks.
    SubsetOf,
    /// The PP item asks for all of it and more.
    SupersetOf,
    /// They overlap.
    IntersectsWith,
    /// They ask for the same.
    EquivalentTo,
    /// The PP item helps meet the framework item without meeting any part of it alone.
    Supports,
}

impl Relation {
    /// The name as written.
    pub fn label(self) -> &'static str {
        match self {
            Relation::SubsetOf => "subset-of",
            Relation::SupersetOf => "superset-of",
            Relation::IntersectsWith => "intersects-with",
            Relation::EquivalentTo => "equivalent-to",
            Relation::Supports => "supports",
        }
    }
}

/// Whether an edge has been reviewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewStatus {
    /// Reviewed against the pinned versions.
    Reviewed,
    /// Written or invalidated, not yet reviewed.
    NeedsReview,
}

/// A pinned document: a PP or framework edition.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// Id (`cdd`, `fda-2026`).
    pub id: Spanned<String>,
    /// Exact version the edges were reviewed against.
    pub version: Spanned<String>,
}

/// When an edge holds: for TOEs with one of `roles`, and with every one of `selections` made.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// Role ids of the PP; the edge holds when the TOE plays one of them.
    #[serde(default)]
    pub roles: Vec<Spanned<String>>,
    /// Selection choices as `SFR#operation=choice`; all must be made.
    #[serde(default)]
    pub selections: Vec<Spanned<String>>,
}

/// One edge: from a PP item to framework items.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// A threat, OSP, objective, SFR or element id, or a selection choice `SFR#operation=choice`.
    pub from: Spanned<String>,
    /// Framework item ids.
    pub to: Vec<Spanned<String>>,
    /// How they relate.
    pub relation: Spanned<Relation>,
    /// Why (required: DT-MAP-003).
    #[serde(default)]
    pub rationale: Option<Spanned<String>>,
    /// When the edge holds.
    #[serde(default)]
    pub conditions: Conditions,
    /// Review state.
    pub status: Spanned<ReviewStatus>,
    /// Who reviewed it.
    #[serde(default)]
    pub reviewed_by: Option<String>,
    /// When (ISO 8601 date, `YYYY-MM-DD`).
    #[serde(default)]
    pub reviewed_on: Option<Spanned<String>>,
}

/// A mapping document: one PP edition to one framework edition.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingDocument {
    /// Always `framework-mapping`.
    pub kind: Spanned<String>,
    /// The mapping's id, e.g. `cdd-2.0--fda-2026`.
    pub id: Spanned<String>,
    /// Human title.
    #[serde(default)]
    pub title: Option<String>,
    /// The PP edition.
    pub pp: Pin,
    /// The framework edition.
    pub framework: Pin,
    /// The edges.
    pub edges: Vec<Edge>,
}

/// A selection choice reference, parsed from `SFR#operation=choice`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceRef<'a> {
    /// SFR instance id.
    pub sfr: &'a str,
    /// Operation name.
    pub operation: &'a str,
    /// Choice id.
    pub choice: &'a str,
}

/// Parses `SFR#operation=choice`; `None` for an id of any other kind.
pub fn parse_choice_ref(s: &str) -> Option<ChoiceRef<'_>> {
    let (sfr, rest) = s.split_once('#')?;
    let (operation, choice) = rest.split_once('=')?;
    (!sfr.is_empty() && !operation.is_empty() && !choice.is_empty()).then_some(ChoiceRef {
        sfr,
        operation,
        choice,
    })
}

/// Reads a mapping file through the model's bounded reader.
pub fn load(path: &std::path::Path) -> Result<(SourceFile, MappingDocument), RegulatoryError> {
    let bytes = dtsec_model::read_bounded(path, MAX_BYTES)?;
    let source = dtsec_model::source_from_bytes(path.display().to_string(), bytes)?;
    let doc = parse(&source)?;
    Ok((source, doc))
}

/// Parses a mapping document; the positions in the error are the parser's.
pub fn parse(source: &SourceFile) -> Result<MappingDocument, RegulatoryError> {
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 16;
    budget.max_nodes = 200_000;
    budget.max_aliases = 100;
    budget.max_total_scalar_bytes = usize::try_from(MAX_BYTES).unwrap_or(usize::MAX);
    options.budget = Some(budget);
    if source.text.contains('!') {
        refuse_tags(source)?;
    }
    let doc: MappingDocument =
        serde_saphyr::from_str_with_options(&source.text, options).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| {
                    (
                        u32::try_from(l.line()).unwrap_or(u32::MAX),
                        u32::try_from(l.column()).unwrap_or(u32::MAX),
                    )
                })
                .unwrap_or((0, 0));
            let msg = e.to_string();
            RegulatoryError::Syntax {
                path: source.name.clone(),
                line,
                column,
                message: msg.lines().next().unwrap_or_default().to_string(),
            }
        })?;
    if doc.edges.len() > MAX_EDGES {
        return Err(RegulatoryError::TooManyEdges {
            path: source.name.clone(),
            count: doc.edges.len(),
            limit: MAX_EDGES,
        });
    }
    if let Some(e) = doc.edges.iter().find(|e| {
        e.to.len() > MAX_LIST
            || e.conditions.roles.len() > MAX_LIST
            || e.conditions.selections.len() > MAX_LIST
    }) {
        return Err(RegulatoryError::Syntax {
            path: source.name.clone(),
            line: e.from.span.line,
            column: e.from.span.column,
            message: format!("an edge lists more than {MAX_LIST} targets or conditions"),
        });
    }
    if doc.kind.value != "framework-mapping" {
        return Err(RegulatoryError::Syntax {
            path: source.name.clone(),
            line: doc.kind.span.line,
            column: doc.kind.span.column,
            message: format!(
                "`kind: {}` is not a mapping; a mapping file has `kind: framework-mapping`",
                doc.kind.value
            ),
        });
    }
    Ok(doc)
}

/// Refuses any YAML tag (`!!str`, `!custom`): tags change what is read without showing it, and
/// the format has no use for them. Only the parser's events say where a tag really is (a `!` in
/// a rationale is text); a syntax error ends the scan and the deserializer reports it.
fn refuse_tags(source: &SourceFile) -> Result<(), RegulatoryError> {
    use serde_saphyr::granit_parser::{Event, Parser};
    for event in Parser::new_from_str(&source.text) {
        let Ok((event, span)) = event else {
            return Ok(());
        };
        let tagged = match &event {
            Event::Scalar(_, _, _, tag)
            | Event::SequenceStart(_, _, tag)
            | Event::MappingStart(_, _, tag) => tag.is_some(),
            _ => false,
        };
        if tagged {
            let at = span.tag_start.unwrap_or(span.start);
            return Err(RegulatoryError::Syntax {
                path: source.name.clone(),
                line: u32::try_from(at.line()).unwrap_or(u32::MAX),
                column: u32::try_from(at.col().saturating_add(1)).unwrap_or(u32::MAX),
                message: "YAML tags are not allowed in a mapping; remove the tag".into(),
            });
        }
    }
    Ok(())
}
