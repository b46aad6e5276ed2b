//! A product's certification case up to acceptance: register, submit the ST (checked), choose
//! an approved lab, start the evaluation, submit the sealed ETR (verified), accept or reject.
//!
//! Why each step re-reads the case inside its transaction: the rules depend on the current state
//! and on other records (the lab's approval and key); reading them in the same transaction that
//! writes, and naming the expected state in the `UPDATE`, makes the check and the change one act.

use dtsec_check::{CheckInput, Severity};
use dtsec_eval::bundle::{SignatureCheck, VerifyOptions, verify_bundle};
use dtsec_eval::records::Verdict;
use dtsec_model::{DocumentKind, Library};
use dtsec_seal::{Sealed, VerifyingKey, sha256_hex};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::{Store, audit, expect_one, json_list, opt_text, text};
use crate::authz::{Action, Actor, OrgKind, Resource, Role, authorize};
use crate::certificate::Claim;
use crate::error::{RegistryError, Result};
use crate::scheme::{self, DraftPpApproval};
use crate::secrets;
use crate::validate;
use crate::workflow::{Event, State, next};

/// The largest ETR bundle accepted (bytes).
pub const MAX_ETR_BYTES: usize = 64 * 1024 * 1024;

/// A checker finding kept with the submitted ST (warnings and notes; errors block submission).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// Rule code (`DT-DEP-001`).
    pub code: String,
    /// `warning` or `note`.
    pub severity: String,
    /// What the checker said.
    pub message: String,
    /// 1-based line in the ST (0 when unknown).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What to do about it.
    pub help: Option<String>,
}

/// A product's certification case (without the ST text and ETR bundle; see
/// [`Store::st_text`] and [`Store::etr_bundle`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Product {
    /// Case id.
    pub id: String,
    /// The manufacturer's organisation id.
    pub manufacturer_org: String,
    /// Product name.
    pub name: String,
    /// Product version.
    pub version: String,
    /// Hardware, firmware, app build ids.
    pub build_ids: Vec<String>,
    /// TOE type (`TT.PUMP`).
    pub toe_type: String,
    /// Workflow state.
    pub state: State,
    /// SHA-256 of the submitted ST's bytes.
    pub st_sha256: Option<String>,
    /// The ST's id.
    pub st_id: Option<String>,
    /// The ST's version.
    pub st_version: Option<String>,
    /// The checker's warnings and notes on the ST.
    pub st_findings: Vec<Finding>,
    /// PP claims, `id@version`.
    pub pp_claims: Vec<String>,
    /// Package claims, `id@version`.
    pub package_claims: Vec<String>,
    /// The chosen lab's organisation id.
    pub lab_org: Option<String>,
    /// SHA-256 of the accepted ETR bundle's canonical payload.
    pub etr_sha256: Option<String>,
    /// Key id the ETR was verified with.
    pub etr_key_id: Option<String>,
    /// The certifier's reasons for the last rejection.
    pub review_reasons: Option<String>,
    /// The certificate, once issued.
    pub certificate_id: Option<String>,
    /// The certificate this case re-evaluates (major change).
    pub previous_certificate_id: Option<String>,
    /// A certifier's approval of the case's draft-PP claims (issue 10, F22), if given.
    pub draft_pp_approval: Option<DraftPpApproval>,
    /// When registered.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl Product {
    /// The parsed state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Who owns the case for authorisation: the manufacturer and the chosen lab.
    pub fn resource(&self) -> Resource {
        let mut owners = vec![self.manufacturer_org.clone()];
        owners.extend(self.lab_org.clone());
        Resource::Owned(owners)
    }

    /// The case as audit JSON.
    pub(crate) fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// What registering a product needs.
#[derive(Clone, Debug)]
pub struct NewProduct {
    /// The manufacturer's organisation.
    pub manufacturer_org: String,
    /// Product name.
    pub name: String,
    /// Product version.
    pub version: String,
    /// Build ids (may be empty).
    pub build_ids: Vec<String>,
    /// TOE type, one of the CDD PP's (`TT.PUMP`).
    pub toe_type: String,
}

pub(crate) const PRODUCT_COLUMNS: &str = "id, manufacturer_org, name, version, build_ids, toe_type, state, \
    st_sha256, st_id, st_version, st_warnings, pp_claims, package_claims, lab_org, etr_sha256, \
    etr_key_id, review_reasons, certificate_id, previous_certificate_id, draft_pp_approval, \
    created_at, updated_at";

pub(crate) fn product_from_row(r: &AnyRow) -> Result<Product> {
    let id = text(r, "id")?;
    Ok(Product {
        state: State::from_stored(&text(r, "state")?, "product", &id, "state")?,
        id,
        manufacturer_org: text(r, "manufacturer_org")?,
        name: text(r, "name")?,
        version: text(r, "version")?,
        build_ids: json_list(r, "build_ids")?,
        toe_type: text(r, "toe_type")?,
        st_sha256: opt_text(r, "st_sha256")?,
        st_id: opt_text(r, "st_id")?,
        st_version: opt_text(r, "st_version")?,
        st_findings: opt_text(r, "st_warnings")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        pp_claims: json_list(r, "pp_claims")?,
        package_claims: json_list(r, "package_claims")?,
        lab_org: opt_text(r, "lab_org")?,
        etr_sha256: opt_text(r, "etr_sha256")?,
        etr_key_id: opt_text(r, "etr_key_id")?,
        review_reasons: opt_text(r, "review_reasons")?,
        certificate_id: opt_text(r, "certificate_id")?,
        previous_certificate_id: opt_text(r, "previous_certificate_id")?,
        draft_pp_approval: opt_text(r, "draft_pp_approval")?
            .and_then(|s| serde_json::from_str(&s).ok()),
        created_at: text(r, "created_at")?,
        updated_at: text(r, "updated_at")?,
    })
}

/// Reads a case inside a transaction.
pub(crate) async fn load_product(tx: &mut AnyConnection, id: &str) -> Result<Product> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1");
    super::load_row(tx, &sql, id, &format!("product {id}"), product_from_row).await
}

/// Moves a case from `from` to `to`, setting `sets` too, only if it is still in `from`.
pub(crate) async fn update_product(
    tx: &mut AnyConnection,
    id: &str,
    from: State,
    to: State,
    now: &str,
    sets: &[(&str, Option<String>)],
) -> Result<()> {
    let mut sql = String::from("UPDATE products SET state = $1, updated_at = $2");
    for (i, (col, _)) in sets.iter().enumerate() {
        sql.push_str(&format!(", {col} = ${}", i + 3));
    }
    let n = sets.len();
    sql.push_str(&format!(" WHERE id = ${} AND state = ${}", n + 3, n + 4));
    let mut q = sqlx::query(&sql).bind(to.as_str()).bind(now);
    for (_, v) in sets {
        q = q.bind(v.clone());
    }
    let rows = q
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    expect_one(rows, "the case")
}

/// Records a document blob's size (an integer column, so not through [`update_product`]'s
/// text values), in the transaction that records its digest.
async fn set_blob_size(tx: &mut AnyConnection, id: &str, column: &str, size: i64) -> Result<()> {
    sqlx::query(&format!("UPDATE products SET {column} = $1 WHERE id = $2"))
        .bind(size)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The result of checking a submitted ST.
struct CheckedSt {
    sha256: String,
    id: String,
    version: String,
    toe_type: Option<String>,
    /// The TOE's version as the ST states it, and where (the line of `toe.type`).
    toe_version: Option<String>,
    toe_line: (u32, u32),
    pps: Vec<Claim>,
    packages: Vec<Claim>,
    /// Every claim (PPs, modules, packages) as `id@version`, with the line and column of its id.
    claim_positions: Vec<(String, u32, u32)>,
    findings: Vec<Finding>,
}

/// Parses and checks an ST with the store's library of built-in documents (blocking work).
fn check_st(library: &Library, file_name: &str, bytes: Vec<u8>) -> Result<CheckedSt> {
    let sha256 = sha256_hex(&bytes);
    // YAML or NIAP XML, routed as `dtsec check` routes them.
    let (source, doc) = dtsec_niap::load_any(file_name, bytes)
        .map_err(|e| RegistryError::invalid(e.to_string()))?;
    if doc.kind.value != DocumentKind::SecurityTarget {
        return Err(RegistryError::invalid(format!(
            "{file_name} is not a Security Target (kind: {:?})",
            doc.kind.value
        )));
    }
    let diagnostics = dtsec_check::check(CheckInput {
        source: &source,
        document: &doc,
        library,
    });
    if diagnostics.iter().any(dtsec_check::Diagnostic::is_error) {
        return Err(RegistryError::StRejected { diagnostics });
    }
    let findings = diagnostics
        .iter()
        .map(|d| Finding {
            code: d.code.to_string(),
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            }
            .into(),
            message: d.message.clone(),
            line: d.span.line,
            column: d.span.column,
            help: d.help.clone(),
        })
        .collect();
    let claim = |r: &dtsec_model::DocRef| Claim {
        id: r.id.value.clone(),
        version: r.version.value.clone(),
    };
    // What the registry files the product under: a 1.0-style TOE type (`TT.PUMP`), or the form
    // of the TOE (`pump`) — for a distributed TOE, its first part's, which is the device the
    // product is named after (a pump with its controller app is listed as a pump).
    let device_type = doc.toe.toe_type.as_ref().or(doc.toe.form.as_ref()).or(doc
        .toe
        .parts
        .first()
        .map(|p| &p.form));
    Ok(CheckedSt {
        sha256,
        id: doc.id.value.clone(),
        version: doc.version.value.clone(),
        toe_type: device_type.map(|t| t.value.clone()),
        toe_version: doc.toe.version.clone(),
        toe_line: device_type.map_or((0, 0), |t| (t.span.line, t.span.column)),
        pps: doc.conformance.pps.iter().map(claim).collect(),
        packages: doc.conformance.packages.iter().map(claim).collect(),
        claim_positions: doc
            .conformance
            .pps
            .iter()
            .chain(&doc.conformance.packages)
            .map(|r| {
                (
                    format!("{}@{}", r.id.value, r.version.value),
                    r.id.span.line,
                    r.id.span.column,
                )
            })
            .collect(),
        findings,
    })
}

/// The TOE types of the built-in PPs, (id, name), sorted: read once when the store opens
/// (parsing the built-in documents takes milliseconds; the device list needs them per request).
pub(crate) fn builtin_toe_types(lib: &Library) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = lib
        .documents()
        .filter(|d| {
            // A PP-Module may add a form (the cloud module's `cloud`).
            matches!(
                d.document.kind.value,
                DocumentKind::ProtectionProfile | DocumentKind::PpModule
            )
        })
        .flat_map(|d| {
            // 1.0 PPs name TOE types; 2.0 PPs name device forms (a product is filed by either).
            let types = d.document.toe.types.iter();
            let forms = d.document.forms.iter();
            types
                .map(|t| {
                    // Said apart from the 2.0 forms of the same device ("Insulin pump").
                    let name = format!("{} (CDD {} TOE type)", t.name, d.document.version.value);
                    (t.id.value.clone(), name)
                })
                .chain(forms.map(|f| (f.id.value.clone(), f.title.clone())))
                .collect::<Vec<_>>()
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// What a verified ETR yields.
struct VerifiedEtr {
    sha256: String,
    key_id: String,
}

/// What an ETR must name to be about a case: its product, version and sponsor (the
/// manufacturer). A sealed ETR is otherwise a bearer document that could certify any case
/// with the same ST — once, one ETR certified another manufacturer's product.
struct CaseNames {
    product: String,
    version: String,
    sponsor: String,
}

/// Verifies a sealed ETR bundle against the lab's key, the submitted ST and the case it is
/// submitted for (blocking work).
fn verify_etr(
    text: &str,
    key: &VerifyingKey,
    st_sha256: &str,
    lab_name: &str,
    case: &CaseNames,
) -> Result<VerifiedEtr> {
    if text.len() > MAX_ETR_BYTES {
        return Err(RegistryError::invalid(format!(
            "the ETR bundle is larger than {MAX_ETR_BYTES} bytes"
        )));
    }
    let v = verify_bundle(
        text,
        VerifyOptions {
            key: Some(key),
            evidence: None,
        },
    )
    .map_err(|e| RegistryError::invalid(format!("not a sealed ETR bundle: {e}")))?;
    match &v.signature {
        SignatureCheck::Valid { .. } => {}
        SignatureCheck::NotSignedByKey { key_id, signed_by } => {
            return Err(RegistryError::invalid(format!(
                "the ETR bundle is not signed by the lab's registered key {key_id} (signed by: {})",
                if signed_by.is_empty() {
                    "nobody".into()
                } else {
                    signed_by.join(", ")
                }
            )));
        }
        SignatureCheck::Invalid { key_id } => {
            return Err(RegistryError::invalid(format!(
                "the ETR bundle's signature by {key_id} does not match its content: {}",
                v.problems.join("; ")
            )));
        }
        _ => {
            return Err(RegistryError::invalid(format!(
                "the ETR bundle's signature could not be checked: {:?}",
                v.signature
            )));
        }
    }
    if !v.problems.is_empty() {
        return Err(RegistryError::invalid(format!(
            "the ETR bundle is inconsistent: {}",
            v.problems.join("; ")
        )));
    }
    let sealed =
        Sealed::from_json(text).map_err(|e| RegistryError::invalid(format!("ETR bundle: {e}")))?;
    let etr_st = sealed
        .payload
        .get("st")
        .and_then(|s| s.get("sha256"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if etr_st != st_sha256 {
        return Err(RegistryError::invalid(format!(
            "the ETR evaluated an ST with SHA-256 {etr_st}, but the submitted ST has {st_sha256}"
        )));
    }
    // The key says who signed; the report must also say so, because the public summary and
    // the certificate print the lab's name from it.
    let etr_lab = sealed
        .payload
        .get("evaluation")
        .and_then(|e| e.get("lab"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if !same_name(etr_lab, lab_name) {
        return Err(RegistryError::invalid(format!(
            "the ETR names the evaluation facility `{etr_lab}`, but this case is evaluated by `{lab_name}`; start the evaluation with `dtsec eval init --lab \"{lab_name}\"` (or correct the name) and seal it again"
        )));
    }
    if v.overall != Some(Verdict::Pass) {
        return Err(RegistryError::invalid(format!(
            "the ETR's overall verdict is {}, not pass",
            v.overall.map_or("unknown".into(), |o| o.to_string())
        )));
    }
    let evaluation = sealed.payload.get("evaluation");
    let field = |path: &[&str]| -> String {
        let mut at = evaluation;
        for p in path {
            at = at.and_then(|v| v.get(*p));
        }
        at.and_then(Value::as_str).unwrap_or("").to_string()
    };
    let (toe_name, toe_version, sponsor) = (
        field(&["toe", "name"]),
        field(&["toe", "version"]),
        field(&["sponsor"]),
    );
    if !same_name(&sponsor, &case.sponsor) {
        return Err(RegistryError::invalid(format!(
            "the ETR names the sponsor `{sponsor}`, but this case's manufacturer is `{}`: an ETR is bound to the case it was written for (seal it with `dtsec eval init --sponsor \"{}\"`)",
            case.sponsor, case.sponsor
        )));
    }
    if !same_name(&toe_name, &case.product) {
        return Err(RegistryError::invalid(format!(
            "the ETR evaluated the TOE `{toe_name}`, but this case is the product `{}`: an ETR is bound to the case it was written for",
            case.product
        )));
    }
    if !version_words_in(&case.version, &toe_version) {
        return Err(RegistryError::invalid(format!(
            "the ETR evaluated TOE version `{toe_version}`, which does not name this case's version `{}`: an ETR is bound to the case it was written for",
            case.version
        )));
    }
    Ok(VerifiedEtr {
        sha256: sealed.payload_sha256(),
        key_id: key.key_id(),
    })
}

/// The warning a claim of a draft PP leaves on the case (issue 10, F22), at the first draft
/// claim: the scheme certifies it only by its draft-PP rule (see [`crate::scheme`]).
fn draft_finding(
    checked: &CheckedSt,
    drafts: &std::collections::BTreeSet<String>,
) -> Option<Finding> {
    let draft: Vec<&(String, u32, u32)> = checked
        .claim_positions
        .iter()
        .filter(|(c, _, _)| drafts.contains(c))
        .collect();
    let (_, line, column) = draft.first()?;
    let names: Vec<&str> = draft.iter().map(|(c, _, _)| c.as_str()).collect();
    Some(Finding {
        code: scheme::DRAFT_PP_FINDING.into(),
        severity: "warning".into(),
        message: format!(
            "the ST claims {} whose status is draft: a draft may still change, and the scheme certifies such a claim only as its draft-PP rule says (by default, with a certification body's approval and its reason)",
            names.join(", ")
        ),
        line: *line,
        column: *column,
        help: Some(
            "expect the certification body to approve the draft claim with a reason before the certificate is issued, or claim a final version when there is one".into(),
        ),
    })
}

/// A warning when the ST's TOE version does not mention the version the product was registered
/// under: the certificate will name the registered version, so the evaluated ST should be about
/// it. A warning, not a refusal, because an ST may state the version in a longer form
/// (`hardware rev C, firmware 2.4.1`): every word of the registered version must be a word of
/// the stated one.
fn version_mismatch(checked: &CheckedSt, registered: &str) -> Option<Finding> {
    let stated = checked.toe_version.as_deref().unwrap_or("");
    if version_words_in(registered, stated) {
        return None;
    }
    Some(Finding {
        code: "REG-TOE-VERSION".into(),
        severity: "warning".into(),
        message: format!(
            "the ST's TOE version is `{stated}`, which does not mention `{registered}`, the version this product is registered under (and its certificate will name)"
        ),
        line: checked.toe_line.0,
        column: checked.toe_line.1,
        help: Some(
            "register the product under the version the ST evaluates, or correct `toe.version` in the ST".into(),
        ),
    })
}

/// Whether every word of the `registered` version is a word of the `stated` one, compared
/// word by word so that `1.0` is not found in `11.0` or `2.1.0`.
fn version_words_in(registered: &str, stated: &str) -> bool {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-' || c == '_'))
            .map(|w| w.trim_matches('.').to_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let stated = words(stated);
    let wanted = words(registered);
    !wanted.is_empty() && wanted.iter().all(|w| stated.contains(w))
}

/// Names compared as people read them: case and runs of white space do not matter.
fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    fold(a) == fold(b)
}

fn claims_json(claims: &[Claim]) -> String {
    let list: Vec<String> = claims
        .iter()
        .map(|c| format!("{}@{}", c.id, c.version))
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

impl Store {
    /// The manufacturer registers a product: the start of a case.
    pub async fn register_product(&self, actor: &Actor, new: NewProduct) -> Result<Product> {
        authorize(
            actor,
            Action::RegisterProduct,
            &Resource::org(&new.manufacturer_org),
        )?;
        let org = self.organisation(&new.manufacturer_org).await?;
        if org.kind != OrgKind::Manufacturer.as_str() {
            return Err(RegistryError::invalid(format!(
                "{} is not a manufacturer",
                org.name
            )));
        }
        let mut tx = self.begin().await?;
        let p = self
            .insert_product(&mut tx, actor, &new, None, "product.register")
            .await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Inserts a new case in `Registered` (also used for re-evaluation after a major change).
    pub(crate) async fn insert_product(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        new: &NewProduct,
        previous_certificate_id: Option<&str>,
        action: &str,
    ) -> Result<Product> {
        validate::text("product name", &new.name, 200)?;
        validate::text("product version", &new.version, 200)?;
        for b in &new.build_ids {
            validate::text("build id", b, 200)?;
        }
        let types = self.toe_types();
        if !types.iter().any(|(id, _)| id == new.toe_type.trim()) {
            return Err(RegistryError::invalid(format!(
                "unknown TOE type `{}`; the CDD PP defines {}",
                new.toe_type,
                types
                    .iter()
                    .map(|t| t.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let now = self.now();
        let id = secrets::new_id();
        sqlx::query(
            "INSERT INTO products (id, manufacturer_org, name, version, build_ids, toe_type, state, \
             previous_certificate_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(&id)
        .bind(&new.manufacturer_org)
        .bind(new.name.trim())
        .bind(new.version.trim())
        .bind(serde_json::to_string(&new.build_ids).unwrap_or_else(|_| "[]".into()))
        .bind(new.toe_type.trim())
        .bind(State::Registered.as_str())
        .bind(previous_certificate_id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let p = load_product(tx, &id).await?;
        audit(
            tx,
            &now,
            actor,
            action,
            "product",
            &id,
            None,
            Some(&p.to_json()),
        )
        .await?;
        Ok(p)
    }

    /// A case, if the actor may see it.
    pub async fn product(&self, actor: &Actor, id: &str) -> Result<Product> {
        let p = self.product_row(id).await?;
        authorize(actor, Action::ViewProduct, &p.resource())?;
        Ok(p)
    }

    /// Case `id` as it is now, read outside any transaction (for what is judged before one).
    pub(crate) async fn product_row(&self, id: &str) -> Result<Product> {
        let mut conn = self.pool.acquire().await?;
        load_product(&mut conn, id).await
    }

    /// The cases the actor may see: a manufacturer's own, a lab's assigned ones, all for the
    /// certification body and the scheme. Newest first.
    pub async fn products(&self, actor: &Actor) -> Result<Vec<Product>> {
        let base = format!("SELECT {PRODUCT_COLUMNS} FROM products");
        let rows = match (actor.role, &actor.org_id, &actor.user_id) {
            (_, _, None) | (Role::Public, _, _) => {
                return Err(crate::error::Forbidden {
                    role: "public".into(),
                    action: Action::ViewProduct.to_string(),
                    reach: "other organisation".into(),
                }
                .into());
            }
            (Role::SchemeAdmin | Role::Certifier, _, _) => {
                sqlx::query(&format!("{base} ORDER BY created_at DESC, id"))
                    .fetch_all(&self.pool)
                    .await?
            }
            (Role::Manufacturer | Role::LabEvaluator, Some(org), _) => sqlx::query(&format!(
                "{base} WHERE manufacturer_org = $1 OR lab_org = $1 ORDER BY created_at DESC, id"
            ))
            .bind(org)
            .fetch_all(&self.pool)
            .await?,
            (_, None, _) => Vec::new(),
        };
        let all: Vec<Product> = rows.iter().map(product_from_row).collect::<Result<_>>()?;
        Ok(all
            .into_iter()
            .filter(|p| authorize(actor, Action::ViewProduct, &p.resource()).is_ok())
            .collect())
    }

    /// The submitted ST's text.
    pub async fn st_text(&self, actor: &Actor, product_id: &str) -> Result<Option<String>> {
        self.product(actor, product_id).await?;
        let row = sqlx::query(&format!(
            "SELECT {} FROM products WHERE id = $1",
            super::documents::ST.select("")
        ))
        .bind(product_id)
        .fetch_one(&self.pool)
        .await?;
        self.held_document(&row, super::documents::ST).await
    }

    /// The accepted ETR bundle's text.
    pub async fn etr_bundle(&self, actor: &Actor, product_id: &str) -> Result<Option<String>> {
        self.product(actor, product_id).await?;
        let row = sqlx::query(&format!(
            "SELECT {} FROM products WHERE id = $1",
            super::documents::ETR.select("")
        ))
        .bind(product_id)
        .fetch_one(&self.pool)
        .await?;
        self.held_document(&row, super::documents::ETR).await
    }

    /// The manufacturer submits the ST. It is parsed and checked with the built-in library:
    /// errors refuse it ([`RegistryError::StRejected`] with the diagnostics); warnings are kept
    /// with the case ([`Product::st_findings`]). The ST's TOE type must be the product's.
    pub async fn submit_st(
        &self,
        actor: &Actor,
        product_id: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<Product> {
        // Authorise before spending time on checking.
        let current = self.product(actor, product_id).await?;
        authorize(
            actor,
            Action::SubmitSt,
            &Resource::org(&current.manufacturer_org),
        )?;
        next(current.state(), Event::SubmitSt)?;
        let name = file_name.to_string();
        let stored_text = String::from_utf8(bytes.clone())
            .map_err(|_| RegistryError::invalid("the ST is not UTF-8"))?;
        let library = self.library.clone();
        let checked = tokio::task::spawn_blocking(move || check_st(&library, &name, bytes))
            .await
            .map_err(|e| RegistryError::invalid(format!("the check stopped: {e}")))??;
        if checked.toe_type.as_deref() != Some(current.toe_type.as_str()) {
            return Err(RegistryError::invalid(format!(
                "the ST's TOE type is {}, but the product was registered as {}",
                checked.toe_type.as_deref().unwrap_or("(none)"),
                current.toe_type
            )));
        }
        let mut checked = checked;
        if let Some(finding) = version_mismatch(&checked, &current.version) {
            checked.findings.push(finding);
        }
        if let Some(finding) = draft_finding(&checked, self.draft_documents()) {
            checked.findings.push(finding);
        }
        // Stored before the transaction: an unreferenced blob is harmless, a row naming a
        // missing one is not (`documents.rs`).
        let (st_blob, st_size) = self.put_document(&stored_text).await?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let before = load_product(&mut tx, product_id).await?;
        let to = next(before.state(), Event::SubmitSt)?;
        update_product(
            &mut tx,
            product_id,
            before.state(),
            to,
            &now,
            &[
                ("st_yaml", None),
                ("st_blob_sha256", Some(st_blob)),
                ("st_sha256", Some(checked.sha256)),
                ("st_id", Some(checked.id)),
                ("st_version", Some(checked.version)),
                (
                    "st_warnings",
                    Some(serde_json::to_string(&checked.findings).unwrap_or_else(|_| "[]".into())),
                ),
                ("pp_claims", Some(claims_json(&checked.pps))),
                ("package_claims", Some(claims_json(&checked.packages))),
                // An approval of draft claims was given for the ST it replaced.
                ("draft_pp_approval", None),
            ],
        )
        .await?;
        set_blob_size(&mut tx, product_id, "st_blob_size", st_size).await?;
        self.finish_step(tx, actor, "product.submit-st", &before, &now)
            .await
    }

    /// The manufacturer chooses the lab: it must be approved, with its approval current today.
    pub async fn choose_lab(
        &self,
        actor: &Actor,
        product_id: &str,
        lab_org: &str,
    ) -> Result<Product> {
        let now = self.now();
        let today = self.clock().today();
        let mut tx = self.begin().await?;
        let before = load_product(&mut tx, product_id).await?;
        authorize(
            actor,
            Action::ChooseLab,
            &Resource::org(&before.manufacturer_org),
        )?;
        let to = next(before.state(), Event::ChooseLab)?;
        let lab = super::labs::load_lab(&mut tx, lab_org).await?;
        if !lab.approval().is_current_on(today) {
            return Err(RegistryError::invalid(format!(
                "{} is not an approved lab on {today} (state {}, approved until {})",
                lab.name,
                lab.state,
                lab.approved_until.as_deref().unwrap_or("never")
            )));
        }
        update_product(
            &mut tx,
            product_id,
            before.state(),
            to,
            &now,
            &[("lab_org", Some(lab_org.to_string()))],
        )
        .await?;
        self.finish_step(tx, actor, "product.choose-lab", &before, &now)
            .await
    }

    /// The chosen lab starts the evaluation.
    pub async fn start_evaluation(&self, actor: &Actor, product_id: &str) -> Result<Product> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let before = load_product(&mut tx, product_id).await?;
        authorize(actor, Action::StartEvaluation, &lab_resource(&before))?;
        let to = next(before.state(), Event::StartEvaluation)?;
        update_product(&mut tx, product_id, before.state(), to, &now, &[]).await?;
        self.finish_step(tx, actor, "product.start-evaluation", &before, &now)
            .await
    }

    /// The lab submits its sealed ETR bundle. Refused unless: the lab's approval is current
    /// today; the bundle verifies with the lab's registered key and is internally consistent;
    /// its ST digest equals the submitted ST's SHA-256; and its overall verdict is pass.
    pub async fn submit_etr(
        &self,
        actor: &Actor,
        product_id: &str,
        bundle: &str,
    ) -> Result<Product> {
        let current = self.product(actor, product_id).await?;
        authorize(actor, Action::SubmitEtr, &lab_resource(&current))?;
        next(current.state(), Event::SubmitEtr)?;
        let lab_org = current
            .lab_org
            .clone()
            .ok_or_else(|| RegistryError::invalid("no lab chosen"))?;
        let lab = self.lab(&lab_org).await?;
        let today = self.clock().today();
        if !lab.approval().is_current_on(today) {
            return Err(RegistryError::invalid(format!(
                "{}'s approval is not current on {today} (state {}, until {}); it cannot submit ETRs",
                lab.name,
                lab.state,
                lab.approved_until.as_deref().unwrap_or("never")
            )));
        }
        let key = lab
            .verifying_key()
            .ok_or_else(|| RegistryError::invalid(format!("{} has no registered key", lab.name)))?;
        let st_sha = current
            .st_sha256
            .clone()
            .ok_or_else(|| RegistryError::invalid("no ST submitted"))?;
        let text = bundle.to_string();
        let lab_name = lab.name.clone();
        let case = CaseNames {
            product: current.name.clone(),
            version: current.version.clone(),
            sponsor: self.organisation(&current.manufacturer_org).await?.name,
        };
        // What the public device page shows of it (summary, regulatory coverage, device in
        // words) is derived here, once, beside the verification (issue 16, `etr_facts.rs`);
        // a part that cannot be derived keeps why, and the bundle is still accepted.
        let st_text = self
            .st_text(actor, product_id)
            .await?
            .ok_or_else(|| RegistryError::invalid("no ST submitted"))?;
        let st_name = format!("{}-st.yaml", current.name);
        let describe = self.describer();
        let (verified, facts) = tokio::task::spawn_blocking(move || {
            let verified = verify_etr(&text, &key, &st_sha, &lab_name, &case)?;
            let facts = crate::etr_facts::derive(&st_name, &st_text, &text, describe);
            Ok::<_, RegistryError>((verified, facts))
        })
        .await
        .map_err(|e| RegistryError::invalid(format!("the verification stopped: {e}")))??;
        // Stored before the transaction, as the ST is.
        let (etr_blob, etr_size) = self.put_document(bundle).await?;
        let facts_blob = self.put_facts(&facts).await?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let before = load_product(&mut tx, product_id).await?;
        // Re-read what the verification relied on, inside the transaction that writes.
        let lab_now = super::labs::load_lab(&mut tx, &lab_org).await?;
        if before.st_sha256 != current.st_sha256
            || before.lab_org != current.lab_org
            || lab_now.key_id != lab.key_id
            || !lab_now.approval().is_current_on(today)
        {
            return Err(RegistryError::Conflict(
                "the case or the lab changed while the ETR was verified; submit again".into(),
            ));
        }
        // One ETR, one case: the same sealed report submitted for a second case is refused,
        // checked in the transaction that records it.
        let used = sqlx::query("SELECT id FROM products WHERE etr_sha256 = $1 AND id <> $2")
            .bind(&verified.sha256)
            .bind(product_id)
            .fetch_optional(&mut *tx)
            .await?;
        if used.is_some() {
            return Err(RegistryError::invalid(format!(
                "this ETR (SHA-256 {}) was already submitted for another case; an ETR is bound to the one case it evaluated: evaluate this case and seal its own ETR",
                verified.sha256
            )));
        }
        super::certified_facts::keep_facts(&mut tx, &verified.sha256, &facts_blob, &now).await?;
        let to = next(before.state(), Event::SubmitEtr)?;
        update_product(
            &mut tx,
            product_id,
            before.state(),
            to,
            &now,
            &[
                ("etr_bundle", None),
                ("etr_blob_sha256", Some(etr_blob)),
                ("etr_sha256", Some(verified.sha256)),
                ("etr_key_id", Some(verified.key_id)),
            ],
        )
        .await?;
        set_blob_size(&mut tx, product_id, "etr_blob_size", etr_size).await?;
        self.finish_step(tx, actor, "product.submit-etr", &before, &now)
            .await
    }

    /// The certifier accepts the ETR.
    pub async fn accept_etr(&self, actor: &Actor, product_id: &str) -> Result<Product> {
        self.review(actor, product_id, Event::Accept, None).await
    }

    /// The certifier rejects the ETR, with reasons (required); the lab may submit a corrected one.
    pub async fn reject_etr(
        &self,
        actor: &Actor,
        product_id: &str,
        reasons: &str,
    ) -> Result<Product> {
        validate::text("reasons", reasons, 10_000)?;
        self.review(
            actor,
            product_id,
            Event::Reject,
            Some(reasons.trim().to_string()),
        )
        .await
    }

    async fn review(
        &self,
        actor: &Actor,
        product_id: &str,
        event: Event,
        reasons: Option<String>,
    ) -> Result<Product> {
        // The scheme's assurance rule on the ST and ETR this case holds (F21), judged before
        // the write transaction (see `judge_assurance`), once the actor may decide at all.
        let judged = if event == Event::Accept {
            let pre = self.product_row(product_id).await?;
            authorize(actor, Action::ReviewEtr, &pre.resource())?;
            next(pre.state(), event)?;
            Some(self.judge_assurance(product_id, "accept the ETR").await?)
        } else {
            None
        };
        let now = self.now();
        let mut tx = self.begin().await?;
        let before = load_product(&mut tx, product_id).await?;
        authorize(actor, Action::ReviewEtr, &before.resource())?;
        let to = next(before.state(), event)?;
        if let Some(judged) = &judged {
            judged.still_held_by(&before)?;
        }
        update_product(
            &mut tx,
            product_id,
            before.state(),
            to,
            &now,
            &[("review_reasons", reasons.clone())],
        )
        .await?;
        self.log_decision(
            &mut tx,
            &json!({
                "kind": format!("etr-{}", if event == Event::Accept { "accepted" } else { "rejected" }),
                "product_id": product_id,
                "etr_sha256": before.etr_sha256,
                "reasons": reasons,
                "at": now,
            }),
        )
        .await?;
        let action = if event == Event::Accept {
            "product.accept-etr"
        } else {
            "product.reject-etr"
        };
        self.finish_step(tx, actor, action, &before, &now).await
    }

    /// Audits a case step (before/after) and commits.
    pub(crate) async fn finish_step(
        &self,
        mut tx: super::WriteTx,
        actor: &Actor,
        action: &str,
        before: &Product,
        now: &str,
    ) -> Result<Product> {
        let after = load_product(&mut tx, &before.id).await?;
        audit(
            &mut tx,
            now,
            actor,
            action,
            "product",
            &before.id,
            Some(&before.to_json()),
            Some(&after.to_json()),
        )
        .await?;
        self.commit_decision(tx).await?;
        Ok(after)
    }
}

/// For lab actions: the case belongs to its chosen lab only (a manufacturer's "own" does not
/// make it the lab's).
fn lab_resource(p: &Product) -> Resource {
    match &p.lab_org {
        Some(l) => Resource::org(l.clone()),
        None => Resource::Global,
    }
}
