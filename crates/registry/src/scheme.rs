//! The scheme's own rules, judged by the registry at the certification decision on what it holds
//! then: the ST text it stored and the ETR bundle it verified.
//!
//! Why again, when the checker already says it of the ST: the checker judges the ST a
//! manufacturer submitted, but a certificate rests on what was *evaluated*. A lab's sealed ETR
//! carries its own record of the assurance it evaluated, which could be lower than the ST's
//! (an old workspace, a hand-edited plan); and what a PP's status is, and what the scheme
//! administrator decided about draft PPs, can change between the ST's submission and the
//! decision. So the certification body's decisions (accepting the ETR, issuing the certificate)
//! check these rules on the stored records, inside the transaction that records the decision.
//!
//! Two rules of issue 10 (review findings F21, F22):
//!
//! - **F21, assurance for therapy and AID**: a product whose ST claims `cdd` 2.x with a TOE part
//!   playing `therapy-delivery` or `aid-host` is certified only if the evaluated assurance (the
//!   ETR's) includes AVA_VAN.3 or a component above it (Enhanced-Basic attack potential).
//! - **F22, draft PPs**: a claim of a PP, PP-Module or package whose built-in text says
//!   `status: draft` is flagged on the case when the ST is submitted, and certifying it follows
//!   [`DraftPpRule`], which the scheme administrator sets.

use std::collections::BTreeSet;

use dtsec_model::{DocumentKind, Library};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{RegistryError, Result};

/// The roles the scheme certifies only at Enhanced-Basic or above (F21).
pub const HIGH_ASSURANCE_ROLES: [&str; 2] = ["therapy-delivery", "aid-host"];

/// The lowest vulnerability-analysis level those roles need: AVA_VAN.3 (Enhanced-Basic).
pub const MIN_AVA_VAN_LEVEL: u32 = 3;

/// The code of the warning a draft-PP claim leaves on a case (in `st_findings`).
pub const DRAFT_PP_FINDING: &str = "REG-PP-DRAFT";

/// The name of the draft-PP rule in the `scheme_rules` table.
pub const DRAFT_PP_RULE: &str = "draft-pp";

/// How the scheme certifies products that claim a draft PP (F22), set by the administrator.
///
/// The default is [`DraftPpRule::CbApproval`]: a certification body does not certify against a
/// draft criterion as if it were final, but refusing outright would stop the pilot evaluations
/// that a draft is published to get. What certification bodies do (CCRA schemes with
/// non-certified PPs, NIAP with PPs in transition) is decide case by case and write down why;
/// the registry records that decision. A scheme that wants no certificate on a draft sets
/// [`DraftPpRule::Refuse`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DraftPpRule {
    /// A certifier must approve the draft claims of the case, with a reason, before the
    /// certificate is issued; the approval is bound to the ST it was given for.
    #[default]
    CbApproval,
    /// A case claiming a draft PP is not certified.
    Refuse,
}

impl DraftPpRule {
    /// Every setting.
    pub const ALL: [DraftPpRule; 2] = [DraftPpRule::CbApproval, DraftPpRule::Refuse];

    /// The stored (and wire) name.
    pub fn as_str(self) -> &'static str {
        match self {
            DraftPpRule::CbApproval => "cb-approval",
            DraftPpRule::Refuse => "refuse",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<DraftPpRule> {
        DraftPpRule::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
    }
}

/// A certifier's approval of a case's draft-PP claims (F22), kept with the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DraftPpApproval {
    /// The draft claims approved, `id@version`.
    pub claims: Vec<String>,
    /// Why the certification body accepts certifying against them.
    pub reason: String,
    /// The certifier's user id.
    pub approved_by: String,
    /// When (RFC 3339).
    pub approved_at: String,
    /// SHA-256 of the ST the approval was given for: a resubmitted ST needs a new approval.
    pub st_sha256: String,
}

/// The built-in documents whose identification says `status: draft`, as `id@version`: read
/// once when the store opens (a new release may finalise one; a running registry does not
/// change its built-in documents).
pub(crate) fn builtin_drafts(lib: &Library) -> BTreeSet<String> {
    lib.documents()
        .filter(|d| d.document.kind.value != DocumentKind::SecurityTarget)
        .filter(|d| {
            d.document
                .identification
                .status
                .as_deref()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("draft"))
        })
        .map(|d| format!("{}@{}", d.document.id.value, d.document.version.value))
        .collect()
}

/// The claims (`id@version`) among `claims` that are drafts.
pub(crate) fn draft_claims<'a>(
    drafts: &BTreeSet<String>,
    claims: impl IntoIterator<Item = &'a String>,
) -> Vec<String> {
    let mut out: Vec<String> = claims
        .into_iter()
        .filter(|c| drafts.contains(c.as_str()))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// F21 on the stored records: refuses when the ST claims `cdd` 2.x with a part playing a
/// high-assurance role and the ETR's evaluated assurance has no AVA_VAN.3 or above. `decision`
/// names what is refused ("accept the ETR", "issue the certificate").
pub(crate) fn check_assurance(st_text: &str, etr_bundle: &str, decision: &str) -> Result<()> {
    // The stored ST is YAML or NIAP XML, routed as at submission; it passed the checker then.
    let (_, st) = dtsec_niap::load_any("st", st_text.as_bytes().to_vec()).map_err(|e| {
        RegistryError::invalid(format!("the case's stored ST cannot be read again: {e}"))
    })?;
    let Some(cdd) = st
        .conformance
        .pps
        .iter()
        .find(|r| r.id.value == "cdd" && r.version.value.starts_with("2."))
    else {
        return Ok(());
    };
    let Some((part, role)) = st.toe.all_parts().into_iter().find_map(|p| {
        p.roles
            .iter()
            .find(|r| HIGH_ASSURANCE_ROLES.contains(&r.value.as_str()))
            .map(|r| (p.name.value.clone(), r.value.clone()))
    }) else {
        return Ok(());
    };
    let sars = evaluated_sars(etr_bundle)?;
    let level = sars.iter().filter_map(|s| ava_van_level(s)).max();
    if level.is_some_and(|l| l >= MIN_AVA_VAN_LEVEL) {
        return Ok(());
    }
    let evaluated = match level {
        Some(l) => format!("the ETR evaluated AVA_VAN.{l}"),
        None => "the ETR evaluated no AVA_VAN component".into(),
    };
    Err(RegistryError::SchemeRule(format!(
        "cannot {decision}: the ST claims cdd {} and its TOE part `{part}` plays `{role}`, which the scheme certifies only at Enhanced-Basic (AVA_VAN.{MIN_AVA_VAN_LEVEL}) or above, but {evaluated}; the lab must evaluate the case at the `cdd-eb` or `cdd-moderate` package and submit that ETR (reject this one with that reason)",
        cdd.version.value
    )))
}

/// The SARs a sealed ETR says were evaluated (`evaluation.assurance.sars`, and its AVA_VAN).
fn evaluated_sars(etr_bundle: &str) -> Result<Vec<String>> {
    let sealed = dtsec_seal::Sealed::from_json(etr_bundle)
        .map_err(|e| RegistryError::invalid(format!("the case's ETR bundle: {e}")))?;
    let assurance = sealed
        .payload
        .get("evaluation")
        .and_then(|e| e.get("assurance"));
    let mut out: Vec<String> = assurance
        .and_then(|a| a.get("sars"))
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if let Some(v) = assurance
        .and_then(|a| a.get("ava_van"))
        .and_then(Value::as_str)
    {
        out.push(v.to_string());
    }
    Ok(out)
}

/// The level of an AVA_VAN component (`AVA_VAN.3` → 3); AVA_VAN is hierarchical, so a higher
/// level includes the lower ones.
fn ava_van_level(sar: &str) -> Option<u32> {
    sar.trim().strip_prefix("AVA_VAN.")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ava_van_levels() {
        assert_eq!(ava_van_level("AVA_VAN.3"), Some(3));
        assert_eq!(ava_van_level("AVA_VAN.5"), Some(5));
        assert_eq!(ava_van_level("AVA_VAS.3"), None);
        assert_eq!(ava_van_level("AVA_VAN.x"), None);
    }

    #[test]
    fn rule_names_round_trip() {
        for r in DraftPpRule::ALL {
            assert_eq!(DraftPpRule::parse(r.as_str()), Some(r));
        }
        assert_eq!(DraftPpRule::parse("allow"), None);
        assert_eq!(DraftPpRule::default(), DraftPpRule::CbApproval);
    }

    #[test]
    fn the_builtin_2_0_pp_is_a_draft() {
        let drafts = builtin_drafts(&Library::with_builtins());
        assert!(drafts.contains("cdd@2.0"), "{drafts:?}");
        let claims = ["cdd@2.0".to_string(), "nope@1".to_string()];
        assert_eq!(draft_claims(&drafts, &claims), vec!["cdd@2.0".to_string()]);
    }
}
