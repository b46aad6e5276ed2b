//! The document model: one [`Document`] type for Protection Profiles, PP-Modules, Packages and
//! Security Targets.
//!
//! Why one type and not an enum per kind: the four kinds share almost every section (ISO/IEC 15408
//! builds them from the same parts), the YAML reader keeps source positions only through plain
//! structs, and the checker — not the parser — is the right place to say "an ST needs a TOE
//! summary specification". The parser accepts the shape; `dtsec-check` judges the content.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::operation::{Completion, Operation, RequiredChoice};
use crate::span::Spanned;

/// An identifier or a reference to one, with its position in the source.
pub type Id = Spanned<String>;

/// A Protection Profile, PP-Module, Package or Security Target.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// What kind of document this is.
    pub kind: Spanned<DocumentKind>,
    /// Short, stable identifier, e.g. `cdd` or `acme-pump-st`. Claims refer to documents by it.
    pub id: Id,
    /// Version of this document, e.g. `1.0`.
    pub version: Spanned<String>,
    /// Human title.
    pub title: String,
    /// Free-form identification details.
    #[serde(default)]
    pub identification: Identification,
    /// The CC edition the document is written against: `CC:2022 R1` (default) or `CC 3.1 R5`.
    #[serde(default)]
    pub cc_edition: Option<Spanned<String>>,
    /// Conformance claims: which PPs and packages are claimed, and how strictly.
    #[serde(default)]
    pub conformance: Conformance,
    /// For PP-Modules: the base PPs this module may be used with.
    #[serde(default)]
    pub base_pps: Vec<DocRef>,
    /// The TOE: for a PP, the TOE types it covers; for an ST, the product under evaluation.
    #[serde(default)]
    pub toe: Toe,
    /// Optional features that feature-based SFRs depend on (PP), or that the TOE has (ST: by id).
    #[serde(default)]
    pub features: Vec<Feature>,
    /// PP: the device forms a TOE (or one part of it) may take, e.g. `pump`, `cgm`, `app`.
    /// Declared by the PP, not built in, so each PP names the forms it covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<RoleDefinition>,
    /// PP: the functional roles a TOE part may play, e.g. `therapy-delivery`, `aid-host`. SFR
    /// statuses and required choices key on them; an ST says which parts play which roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleDefinition>,
    /// The security problem definition.
    #[serde(default)]
    pub spd: SecurityProblem,
    /// Security objectives for the TOE and its operational environment.
    #[serde(default)]
    pub objectives: Objectives,
    /// Extended component definitions (`_EXT` components).
    #[serde(default)]
    pub extended_components: Vec<ExtendedComponent>,
    /// Security functional requirements.
    #[serde(default)]
    pub sfrs: Vec<Sfr>,
    /// Security assurance requirements.
    #[serde(default)]
    pub sars: Vec<Sar>,
    /// TOE summary specification: how the TOE meets each SFR (STs).
    #[serde(default)]
    pub tss: Vec<TssEntry>,
    /// Notes, e.g. design decisions of a PP. Markdown.
    #[serde(default)]
    pub notes: Vec<String>,
    /// PP: PP-Modules that may be used with this PP (NIAP `modules/module`). Recorded so a
    /// render can list them and an export can write them back; not a conformance claim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<DocRef>,
    /// Prose sections kept verbatim as XHTML (NIAP import: introduction, use cases, …), so a
    /// render loses nothing and an export can write them back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
}

/// A prose section kept as HTML (see [`Document::sections`]).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Stable identifier (the source's `id`, or its section element name).
    pub id: String,
    /// Heading.
    pub title: String,
    /// The content as XHTML. Elements of the source format that HTML lacks keep a `niap:` prefix.
    pub html: String,
}

/// The four document kinds of ISO/IEC 15408 that dtsec reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// A Protection Profile.
    ProtectionProfile,
    /// A PP-Module, used on top of one or more base PPs.
    PpModule,
    /// A package of SFRs (CC:2022 functional package).
    FunctionalPackage,
    /// A package of SARs, possibly with SFR status changes that apply when it is claimed.
    AssurancePackage,
    /// A Security Target of a product.
    SecurityTarget,
}

impl DocumentKind {
    /// The name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::ProtectionProfile => "Protection Profile",
            DocumentKind::PpModule => "PP-Module",
            DocumentKind::FunctionalPackage => "functional package",
            DocumentKind::AssurancePackage => "assurance package",
            DocumentKind::SecurityTarget => "Security Target",
        }
    }

    /// True for the kinds that state a security problem and objectives (PPs, modules, STs), so
    /// that rationale rules apply; packages do not.
    pub fn states_a_problem(self) -> bool {
        matches!(
            self,
            DocumentKind::ProtectionProfile | DocumentKind::PpModule | DocumentKind::SecurityTarget
        )
    }

    /// True for the kinds that other documents claim (PPs, modules, packages).
    pub fn is_claimable(self) -> bool {
        !matches!(self, DocumentKind::SecurityTarget)
    }
}

/// Identification details that do not affect checking.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identification {
    /// Who wrote the document (PP authors, or the ST's sponsor).
    #[serde(default)]
    pub author: Option<String>,
    /// Publication date, ISO 8601.
    #[serde(default)]
    pub date: Option<String>,
    /// Short status, e.g. `draft` or `final`.
    #[serde(default)]
    pub status: Option<String>,
    /// Keywords for search.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// A paragraph of overview.
    #[serde(default)]
    pub overview: Option<String>,
}

/// A reference to another document by id and version.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocRef {
    /// The referenced document's `id`.
    pub id: Id,
    /// The referenced document's `version`.
    pub version: Spanned<String>,
    /// Where the referenced document is published (NIAP: its `git/url`), for people and export;
    /// dtsec never fetches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Conformance claims (ISO/IEC 15408-1, conformance claims section).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Conformance {
    /// `strict` or `demonstrable`: how STs must conform to this PP (PP), or how this ST conforms
    /// to the PPs it claims (ST).
    #[serde(default)]
    pub conformance_type: Option<Spanned<ConformanceType>>,
    /// PPs (and PP-Modules) claimed.
    #[serde(default)]
    pub pps: Vec<DocRef>,
    /// Packages claimed.
    #[serde(default)]
    pub packages: Vec<DocRef>,
    /// Why the claims hold (the conformance claim rationale).
    #[serde(default)]
    pub rationale: Option<String>,
    /// PP, PP-Module: packages an ST must claim when it makes certain selection choices (the
    /// NIAP TLS package when `tls` is selected for the trusted channel). Checked by DT-CONF-030.
    /// NIAP XML says the same with `depends` (see [`NiapConformance::conditions`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_packages: Vec<PackageRequirement>,
    /// NIAP conventions that change what conformance means (set by the NIAP reader; absent in
    /// dtsec's own documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub niap: Option<NiapConformance>,
}

/// A package an ST must claim when it makes a selection (see [`Conformance::required_packages`]).
///
/// The requirement holds when the ST selects any one of the `when` choices and, when `roles` or
/// `features` are given, some part of the TOE plays one of the roles or the TOE has one of the
/// features.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageRequirement {
    /// The package to claim, by id and version; its `url` says where to get it when it is not
    /// built into dtsec (the finding repeats it).
    pub package: DocRef,
    /// The selection choices that make the claim required (any one suffices), named like a
    /// selection-based SFR's `selected_by`.
    pub when: Vec<SelectionTrigger>,
    /// Roles (ids from the PP's `roles`) that must also be played for the requirement to hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Id>,
    /// Features (ids from the PP's `features`) one of which the TOE must also have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Id>,
    /// Why the package is required, for the ST author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// NIAP conformance conventions (see [`Conformance::niap`]).
///
/// A NIAP-format Security Target (`st: true`) records a selection by keeping the chosen
/// `selectable`s: each element's `completed` values are the kept choices' ids (or texts, for
/// choices without an id), under the ST's own slot numbering; assignments are left open; the
/// security problem, objectives, SARs and TSS are those of the claimed PP and are not restated;
/// and each SFR's `base_pp` names the claimed document whose section holds it. A NIAP PP lists
/// the packages and modules whose use depends on a selection.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NiapConformance {
    /// The document is a NIAP-format Security Target.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub st: bool,
    /// PP: packages (`include-pkg`) and modules whose use depends on selections (NIAP
    /// `depends`). A package of `conformance.packages` not listed here is always required.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<NiapCondition>,
    /// NIAP ST: its top-level claims in document order, as written. `conformance.pps` and
    /// `packages` are what the checker resolves; this keeps what they cannot say (which PP
    /// entry is the base PP and which a module, the git branch and commit), so an export writes
    /// the claims back as they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<NiapClaim>,
}

/// One top-level claim of a NIAP ST (see [`NiapConformance::claims`]).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NiapClaim {
    /// `base-pp`, `module` or `package`: the claim's element.
    pub kind: String,
    /// The claimed document's id, as in `conformance.pps` or `conformance.packages`.
    pub doc: Id,
    /// `git/branch` as written (the claimed version is derived from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// `git/commit`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// A package or module reference that applies only when a selection is made.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NiapCondition {
    /// The referenced document's id (as in `conformance.packages` or `modules`).
    pub doc: Id,
    /// `package` or `module`.
    pub kind: String,
    /// Choice ids; selecting any one of them makes the reference apply.
    pub on: Vec<Id>,
}

/// How strictly an ST must follow its PP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConformanceType {
    /// Everything of the PP, nothing weakened, no SFR the PP does not allow.
    Strict,
    /// An equivalent or more restrictive solution, argued in the ST.
    Demonstrable,
}

/// The TOE section.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Toe {
    /// PP: the TOE types this PP covers.
    #[serde(default)]
    pub types: Vec<ToeType>,
    /// ST: the TOE type (an id from the PP's `toe.types`; PPs with TOE types, such as CDD 1.0).
    #[serde(default, rename = "type")]
    pub toe_type: Option<Id>,
    /// ST, compact single-part TOE: the device form (an id from the PP's `forms`). Means the
    /// same as one entry in `parts` named after the TOE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Id>,
    /// ST, compact single-part TOE: the roles the TOE plays (ids from the PP's `roles`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Id>,
    /// ST: the parts of a distributed TOE (a pump and its controller app evaluated as one
    /// TOE), each with its form and roles. A role condition holds when any part plays the role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<ToePart>,
    /// ST: product name.
    #[serde(default)]
    pub name: Option<String>,
    /// ST: product version (hardware, firmware or app build).
    #[serde(default)]
    pub version: Option<String>,
    /// ST: manufacturer (sponsor).
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// Overview of the TOE and its use.
    #[serde(default)]
    pub overview: Option<String>,
    /// Description of the physical and logical scope.
    #[serde(default)]
    pub description: Option<String>,
    /// Interfaces in scope, e.g. `BLE`, `USB`.
    #[serde(default)]
    pub interfaces: Vec<String>,
}

/// A class of device a PP covers, e.g. `TT.PUMP`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToeType {
    /// Identifier, e.g. `TT.PUMP`.
    pub id: Id,
    /// Name, e.g. `Insulin pump`.
    pub name: String,
    /// Typical interfaces and use.
    #[serde(default)]
    pub description: Option<String>,
}

/// A device form or functional role a PP declares (see [`Document::forms`], [`Document::roles`]).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleDefinition {
    /// Identifier, e.g. `pump` or `therapy-delivery`.
    pub id: Id,
    /// Short title, e.g. `Therapy delivery`.
    pub title: String,
    /// What playing the role (or having the form) means, so an ST author can tell whether a
    /// part of the TOE does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One part of an ST's TOE: what it is and which roles it plays.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToePart {
    /// Name of the part, e.g. `Pod` or `Controller app`.
    pub name: Spanned<String>,
    /// The device form (an id from the PP's `forms`).
    pub form: Id,
    /// The roles the part plays (ids from the PP's `roles`).
    #[serde(default)]
    pub roles: Vec<Id>,
    /// What the part is and does in the TOE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Toe {
    /// The ST's TOE parts, the compact single-part form (`toe.form`, `toe.roles`) included as
    /// a part named after the TOE. Rules read parts only through this, so both forms mean the
    /// same.
    pub fn all_parts(&self) -> Vec<ToePart> {
        let mut out = Vec::new();
        if self.form.is_some() || !self.roles.is_empty() {
            let form = self.form.clone().unwrap_or_default();
            out.push(ToePart {
                name: Spanned::new(self.name.clone().unwrap_or_else(|| "TOE".into()), form.span),
                form,
                roles: self.roles.clone(),
                description: None,
            });
        }
        out.extend(self.parts.iter().cloned());
        out
    }

    /// True when any part of the TOE plays `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.value == role)
            || self
                .parts
                .iter()
                .any(|p| p.roles.iter().any(|r| r.value == role))
    }

    /// True when any part of the TOE has device form `form`.
    pub fn has_form(&self, form: &str) -> bool {
        self.form.as_ref().is_some_and(|f| f.value == form)
            || self.parts.iter().any(|p| p.form.value == form)
    }
}

/// An optional feature of a TOE (PP), or a feature claimed by an ST (only `id` needed).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    /// Identifier, e.g. `bluetooth`.
    pub id: Id,
    /// Name (PP).
    #[serde(default)]
    pub name: Option<String>,
    /// What having the feature means (PP).
    #[serde(default)]
    pub description: Option<String>,
}

/// Threats, assumptions and organisational security policies.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityProblem {
    /// Threats (`T.*`).
    #[serde(default)]
    pub threats: Vec<Definition>,
    /// Assumptions (`A.*`).
    #[serde(default)]
    pub assumptions: Vec<Definition>,
    /// Organisational security policies (`P.*`).
    #[serde(default)]
    pub osps: Vec<Definition>,
}

/// One named statement: a threat, assumption, OSP or objective.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Identifier, e.g. `T.NETWORK_ATTACK`.
    pub id: Id,
    /// The statement, in the document's own words.
    pub description: String,
    /// For objectives: the threats, OSPs and assumptions this objective addresses.
    #[serde(default)]
    pub addresses: Vec<Id>,
    /// For objectives: why it addresses them.
    #[serde(default)]
    pub rationale: Option<String>,
    /// NIAP `addressed-by` entries in source order (threat or objective → SFRs), each with its
    /// rationale. Kept verbatim for render and export; the checkable links are in
    /// [`Sfr::addresses`] and [`Sfr::objectives`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addressed_by: Vec<Mapping>,
    /// NIAP `objective-refer` entries in source order (threat, assumption or OSP → objective),
    /// each with its rationale. The checkable links are in the objectives' `addresses`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objective_refs: Vec<Mapping>,
}

/// One traced link with its rationale, as written in the source (see [`Definition::addressed_by`]).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// What is referred to, as written (e.g. `FCS_CKM.1/AK (Selection-based)` or `O.INTEGRITY`).
    pub to: Id,
    /// Why the link holds (XHTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
}

/// Objectives for the TOE and for its operational environment.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objectives {
    /// Security objectives for the TOE (`O.*`).
    #[serde(default)]
    pub toe: Vec<Definition>,
    /// Security objectives for the operational environment (`OE.*`).
    #[serde(default)]
    pub environment: Vec<Definition>,
}

/// An extended component definition (ASE_ECD / APE_ECD).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendedComponent {
    /// Component id, e.g. `FPT_TUD_EXT.1`.
    pub id: Id,
    /// Component name.
    pub name: String,
    /// Family name (for the family's first component).
    #[serde(default)]
    pub family_name: Option<String>,
    /// Why the CC's own components do not suffice.
    #[serde(default)]
    pub rationale: Option<String>,
    /// Components this one is hierarchical to.
    #[serde(default)]
    pub hierarchical_to: Vec<Id>,
    /// Dependencies as AND of OR groups: each inner list is satisfied by any one member.
    #[serde(default)]
    pub dependencies: Vec<Vec<Id>>,
    /// The elements, with operation slots as in an SFR.
    pub elements: Vec<Element>,
    /// The family's behaviour description (NIAP `ext-comp-def/fam-behavior`, XHTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_behaviour: Option<String>,
    /// Component levelling text (NIAP `comp-lev`, XHTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levelling: Option<String>,
    /// Management activities foreseen (NIAP `management`, XHTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management: Option<String>,
    /// Audit activities foreseen (NIAP `audit`, XHTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<String>,
    /// The dependencies as written (NIAP `dependencies`, XHTML); `dependencies` holds the ids
    /// read from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies_text: Option<String>,
}

/// Whether and when an SFR is required (NIAP/CC:2022 practice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SfrStatus {
    /// Always required.
    Mandatory,
    /// The ST may include it.
    Optional,
    /// Required exactly when a selection in another SFR triggers it.
    SelectionBased,
    /// Required exactly when the TOE has a feature.
    FeatureBased,
    /// Not yet required; expected to become mandatory.
    Objective,
}

impl SfrStatus {
    /// The name used in messages and tables.
    pub fn label(self) -> &'static str {
        match self {
            SfrStatus::Mandatory => "mandatory",
            SfrStatus::Optional => "optional",
            SfrStatus::SelectionBased => "selection-based",
            SfrStatus::FeatureBased => "feature-based",
            SfrStatus::Objective => "objective",
        }
    }
}

/// One SFR instance: a component, optionally iterated (`FCS_COP.1/Hash`).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sfr {
    /// Component id with optional iteration: `FCS_COP.1` or `FCS_COP.1/Hash`.
    pub id: Id,
    /// Short title of this instance (e.g. `Cryptographic operation (hashing)`).
    #[serde(default)]
    pub title: Option<String>,
    /// PP/package: the status. STs leave it out.
    #[serde(default)]
    pub status: Option<Spanned<SfrStatus>>,
    /// PP: when set, the status applies only to these TOE types; for other types the SFR is optional.
    #[serde(default)]
    pub toe_types: Vec<Id>,
    /// PP: when set, the status applies only when some part of the TOE plays one of these
    /// roles (ids from the PP's `roles`); otherwise the SFR is optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Id>,
    /// For selection-based SFRs: the selections that make this SFR required (any one suffices).
    #[serde(default)]
    pub selected_by: Vec<SelectionTrigger>,
    /// For feature-based SFRs: the feature that makes it required.
    #[serde(default)]
    pub feature: Option<Id>,
    /// Objectives this SFR helps meet (objective → SFR rationale).
    #[serde(default)]
    pub objectives: Vec<Id>,
    /// Direct rationale (CC:2022): threats and OSPs this SFR counters without an objective.
    #[serde(default)]
    pub addresses: Vec<Id>,
    /// The elements with their text and operations (PP), or completions (ST).
    #[serde(default)]
    pub elements: Vec<Element>,
    /// Dependencies deliberately left unmet, each with its justification.
    #[serde(default)]
    pub unmet_dependencies: Vec<UnmetDependency>,
    /// Application note for ST authors (PP).
    #[serde(default)]
    pub application_note: Option<String>,
    /// Evaluation activities the PP attaches to this SFR (TSS, guidance, tests).
    #[serde(default)]
    pub evaluation_activities: Option<EvaluationActivities>,
    /// NIAP `status="invisible"`: the SFR exists (e.g. to satisfy dependencies) but is not shown
    /// among the requirements. `status` is then `optional`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invisible: bool,
    /// The source's anchor id for the component (NIAP `f-component/@id`), for links and export.
    /// Anchors share one namespace with element anchors (and, in NIAP XML, with selectable
    /// ids); the checker reports a reused one (DT-DOC-002) at this position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Id>,
    /// PP-Module: the base PP this SFR is specific to (NIAP `base-pp` sections), by id. NIAP
    /// ST: the claimed document whose section holds the SFR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_pp: Option<Id>,
    /// The raw `depends` clauses (ids of selectables or features, and the external document
    /// they live in), kept for export and for checks of triggers outside this document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends: Vec<DependsClause>,
    /// Audit events this SFR contributes (NIAP `audit-event`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit_events: Vec<AuditEvent>,
    /// Package delta: narrows selections of the base PP's SFR for STs that claim the package,
    /// by operation name (a Moderate package allows only hardware key storage). Checked by
    /// DT-CONF-014 (a forbidden choice) and DT-CONF-013 (a required choice not made).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub restrict: BTreeMap<String, ChoiceRestriction>,
}

/// How a package narrows one selection of its base PP (see [`Sfr::restrict`]).
///
/// Why a package needs this: a package raises the bar for one class of products, and a status
/// change alone cannot say *how* an SFR must be met; the ST could still pick the weakest choice.
/// `allowed` removes choices; `required_choices` adds choices an ST must make, with the same
/// meaning as on the PP's own selection, so a single rule judges both.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceRestriction {
    /// The only choices (ids or texts) an ST claiming the package may make; empty: all of the
    /// PP's choices stay allowed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<Spanned<String>>,
    /// Choices an ST claiming the package must make, per role or feature.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_choices: Vec<RequiredChoice>,
    /// Why the package narrows the selection, for the ST author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One `depends` clause: the SFR is required when any of `on` is selected (or present).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DependsClause {
    /// Ids of selectables (or features) this clause names.
    pub on: Vec<Id>,
    /// The document holding them, when it is not this one (NIAP `external-doc/@ref`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_doc: Option<Id>,
}

/// An auditable event of an SFR.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// What is audited; `{name}` marks operations as in element text. None: the SFR has no
    /// specific event beyond the generic ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Additional audit record contents, each with `{name}` slots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub info: Vec<String>,
    /// The operation slots used by `description` and `info`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub operations: BTreeMap<String, Operation>,
    /// The event may be left out (NIAP `type="optional"`: a selection with "None").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// The audit table it belongs to, when not the one of the SFR's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

/// A table of management functions inside an element (NIAP `management-function-set`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagementFunctionSet {
    /// The value of a cell not given (`O` or `_`).
    pub default: String,
    /// The roles (table columns): id and readable name.
    pub managers: Vec<Manager>,
    /// The functions (table rows).
    pub functions: Vec<ManagementFunction>,
}

/// A role column of a [`ManagementFunctionSet`].
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manager {
    /// Column id (NIAP `cid`).
    pub id: String,
    /// Readable role name.
    pub name: String,
}

/// One management function.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagementFunction {
    /// The source's id, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The function; `{name}` marks operations.
    pub text: String,
    /// The operation slots of `text`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub operations: BTreeMap<String, Operation>,
    /// Per role (manager id): `M` mandatory, `O` optional, `NA` not applicable, `X` not permitted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, String>,
    /// Ids of selectables or features the function depends on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends: Vec<DependsClause>,
    /// Application notes (XHTML).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Evaluation activities for this function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_activities: Option<EvaluationActivities>,
}

/// A selection choice in another SFR that makes a selection-based SFR required.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionTrigger {
    /// The SFR instance holding the selection, e.g. `FTP_ITC.1`.
    pub sfr: Id,
    /// The operation id within that SFR.
    pub operation: Id,
    /// The choice (its id or text).
    pub choice: Id,
}

/// One element of an SFR or SAR.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// Element id, e.g. `FCS_COP.1.1`.
    pub id: Id,
    /// The requirement text; `{name}` marks where operation `name` goes.
    #[serde(default)]
    pub text: Option<Spanned<String>>,
    /// The operation slots of the text, by name.
    #[serde(default)]
    pub operations: BTreeMap<String, Spanned<Operation>>,
    /// ST: the completed operations, by name (nested operations too).
    #[serde(default)]
    pub completed: BTreeMap<String, Spanned<Completion>>,
    /// A refinement: extra detail that narrows the element (ISO/IEC 15408-1, refinement). Its
    /// presence also marks the element as refined, so its operations may differ from the CC
    /// catalogue's slots (DT-OP-009); the text says what was refined and why.
    #[serde(default)]
    pub refinement: Option<String>,
    /// The text as XHTML with the same `{name}` slots, when the source has markup that plain
    /// `text` drops (NIAP import). Renders prefer it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// The source's anchor id for the element (NIAP `f-element/@id`, `a-element/@id`), for
    /// links and export; unique among the document's anchors, as an SFR's `anchor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Id>,
    /// Application note for this element (XHTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_note: Option<String>,
    /// Evaluation activities attached to this element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_activities: Option<EvaluationActivities>,
    /// Management functions listed in the element (FMT_SMF-style tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_functions: Option<ManagementFunctionSet>,
}

/// A dependency not met, accepted only with a written justification.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmetDependency {
    /// The dependency (a component id) that is not met.
    pub component: Id,
    /// Why the requirement set is sound without it.
    pub justification: Spanned<String>,
}

/// Evaluation activities for one SFR, in the PP's own words.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationActivities {
    /// What the evaluator checks in the TSS.
    #[serde(default)]
    pub tss: Option<String>,
    /// What the evaluator checks in the guidance.
    #[serde(default)]
    pub guidance: Option<String>,
    /// Tests the evaluator performs.
    #[serde(default)]
    pub tests: Vec<String>,
    /// Activity text outside the TSS/guidance/tests parts (XHTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
}

/// One security assurance requirement.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sar {
    /// Component id, e.g. `AVA_VAN.3`.
    pub id: Id,
    /// Dependencies deliberately left unmet.
    #[serde(default)]
    pub unmet_dependencies: Vec<UnmetDependency>,
    /// Component name, as the document gives it (NIAP `a-component/@name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The SAR may be left out (NIAP `status="optional"`, e.g. ALC_FLR components).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// The elements as the document states them, with their evaluation activities (NIAP
    /// `a-element`); empty when the CC's own text applies unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<Element>,
}

/// One TOE summary specification entry.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TssEntry {
    /// The SFR instances this entry explains.
    pub sfrs: Vec<Id>,
    /// How the TOE meets them.
    pub description: Spanned<String>,
}
