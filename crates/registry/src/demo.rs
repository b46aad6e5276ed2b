//! A realistic demo registry, built by running the real workflow.
//!
//! Why through the workflow and not with inserted rows: the demo is also the widest test of the
//! crate — every certificate in it was issued from a checked ST and a sealed ETR that verified
//! against the lab's registered key, and every state was reached by an allowed transition. The
//! ETRs are real `dtsec-eval` bundles over each product's ST — the example STs with the TOE
//! renamed for the product ([`st_for`]) — made in temporary workspaces with a pass recorded for
//! every unit.
//!
//! The products are those of the CDD PP 2.0 examples, one per device form: a pump with its AID
//! algorithm (`examples/pump-st.yaml`), a CGM (`examples/cgm-st.yaml`), a pump and its
//! controller app as one distributed TOE (`examples/pump-controller-st.yaml`) and a cloud
//! service (`examples/cloud-st.yaml`). The oldest certificates claim CDD 1.0
//! (`examples/v1/`): they were issued before 2.0 existed and must keep verifying (issue 10).
//! Every built-in CDD PP is `status: draft`, so the certification body approves each case's
//! draft claims with a reason before issuing ([`crate::scheme::DraftPpRule::CbApproval`], the
//! scheme's default) — the demo shows that path rather than switching the rule off.
//!
//! The demo moves the store's clock back to give certificates a past (one expires and is
//! archived), then restores it. Names of organisations are fictional.

use std::collections::HashMap;

use dtsec_eval::clock::TimeSource;
use dtsec_eval::records::Verdict;
use dtsec_eval::{InitConfig, RecordRequest, Workspace};
use dtsec_model::{Library, parse_document, source_from_bytes};
use dtsec_seal::SigningKey;

use crate::authz::{Actor, OrgKind, Role};
use crate::error::{RegistryError, Result};
use crate::lab_profile::LabProfile;
use crate::maintenance::{Change, ChangeArea, ImpactAnalysis};
use crate::store::{NewProduct, NewUser, StatusRequest, Store};

mod postmarket;
pub use postmarket::DEMO_CSAF_NAMESPACE;

/// The 2.0 example pump ST: form `pump`, roles therapy-delivery and aid-host, claims cdd 2.0 +
/// cdd-eb 2.0.
pub const PUMP_ST: &str = include_str!("../../../examples/pump-st.yaml");
/// The 2.0 example CGM ST: form `cgm`, role sensor-source, claims cdd 2.0.
pub const CGM_ST: &str = include_str!("../../../examples/cgm-st.yaml");
/// The 2.0 example distributed TOE: a pump and its controller app (filed as a pump), claims
/// cdd 2.0 + cdd-app 2.0 + cdd-eb 2.0.
pub const PUMP_CONTROLLER_ST: &str = include_str!("../../../examples/pump-controller-st.yaml");
/// The 2.0 example cloud service ST: form `cloud`, claims cdd 2.0 + cdd-cloud 2.0.
pub const CLOUD_ST: &str = include_str!("../../../examples/cloud-st.yaml");
/// The 1.0 example pump ST (TOE type `TT.PUMP`, claims cdd 1.0 + cdd-eb 1.0), whose
/// certificates every release must keep verifying.
pub const PUMP_ST_V1: &str = include_str!("../../../examples/v1/pump-st.yaml");
/// The 1.0 example CGM ST (TOE type `TT.CGM`).
pub const CGM_ST_V1: &str = include_str!("../../../examples/v1/cgm-st.yaml");

/// An example ST the demo builds products from, and what a product made from it is
/// registered as (its device form, or its 1.0 TOE type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Example {
    /// [`PUMP_ST`], registered as `pump`.
    Pump,
    /// [`CGM_ST`], registered as `cgm`.
    Cgm,
    /// [`PUMP_CONTROLLER_ST`], registered as `pump` (a distributed TOE is filed under its
    /// first part's form).
    PumpController,
    /// [`CLOUD_ST`], registered as `cloud`.
    Cloud,
    /// [`PUMP_ST_V1`], registered as `TT.PUMP`.
    PumpV1,
    /// [`CGM_ST_V1`], registered as `TT.CGM`.
    CgmV1,
}

impl Example {
    /// The ST text.
    pub fn text(self) -> &'static str {
        match self {
            Example::Pump => PUMP_ST,
            Example::Cgm => CGM_ST,
            Example::PumpController => PUMP_CONTROLLER_ST,
            Example::Cloud => CLOUD_ST,
            Example::PumpV1 => PUMP_ST_V1,
            Example::CgmV1 => CGM_ST_V1,
        }
    }

    /// What a product with this ST is registered as.
    pub fn toe_type(self) -> &'static str {
        match self {
            Example::Pump | Example::PumpController => "pump",
            Example::Cgm => "cgm",
            Example::Cloud => "cloud",
            Example::PumpV1 => "TT.PUMP",
            Example::CgmV1 => "TT.CGM",
        }
    }
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo-password";

/// A lower-case, hyphenated file-name form of a product (`Acme Nimbus Pump 2.4.1` →
/// `acme-nimbus-pump-2.4.1`).
pub fn slug(text: &str) -> String {
    text.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The example ST `template` rewritten for one demo product: its id, title, author and the
/// TOE's name, version and manufacturer name that product, so that every device page shows the
/// ST of its own device. The security content (claims, SFRs, TSS) stays the example's. The TOE
/// version reads `firmware VERSION` (`release VERSION` for a service whose example says so).
pub fn st_for(template: &str, manufacturer: &str, product: &str, version: &str) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut in_toe = false;
    let (mut toe_name, mut toe_version, mut toe_maker) = (false, false, false);
    for line in template.lines() {
        let top_level = !line.starts_with(' ') && !line.starts_with('#') && !line.is_empty();
        if top_level {
            in_toe = line.starts_with("toe:");
        }
        let replaced = if line.starts_with("id: ") {
            format!("id: {}-st", slug(&format!("{product} {version}")))
        } else if line.starts_with("title: ") {
            format!("title: {product} {version} Security Target")
        } else if line.starts_with("  author: ") {
            format!("  author: {manufacturer}")
        } else if in_toe && !toe_name && line.starts_with("  name: ") {
            toe_name = true;
            format!("  name: {product}")
        } else if in_toe && !toe_version && line.starts_with("  version: ") {
            toe_version = true;
            // A service has releases; a device has firmware.
            let what = if line.contains("release") {
                "release"
            } else {
                "firmware"
            };
            format!("  version: {what} {version}")
        } else if in_toe && !toe_maker && line.starts_with("  manufacturer: ") {
            toe_maker = true;
            format!("  manufacturer: {manufacturer}")
        } else {
            line.to_string()
        };
        out.push_str(&replaced);
        out.push('\n');
    }
    out
}

/// Seals an ETR bundle for `st_text` as `lab` would: a workspace in a temporary directory, a
/// pass recorded for every work unit by one evaluator, sealed with `key`. Returns the bundle's
/// JSON text. (A failing verdict needs an observation report; see the tests.)
pub fn seal_passing_etr(
    st_name: &str,
    st_text: &str,
    lab: &str,
    sponsor: &str,
    key: &SigningKey,
) -> Result<String> {
    seal_etr_with(st_name, st_text, lab, sponsor, key, |_| Ok(()))
}

/// Like [`seal_passing_etr`], as of a past evaluation: started at `started` and recorded and
/// sealed at `sealed` (Unix seconds). The demo dates its ETRs so, before their submission.
pub fn seal_passing_etr_between(
    st_name: &str,
    st_text: &str,
    lab: &str,
    sponsor: &str,
    key: &SigningKey,
    (started, sealed): (i64, i64),
) -> Result<String> {
    seal_etr_timed(
        st_name,
        st_text,
        (lab, sponsor),
        key,
        (TimeSource::Fixed(started), TimeSource::Fixed(sealed)),
        |_| Ok(()),
    )
}

/// Like [`seal_passing_etr`], letting `before_seal` change the workspace (record a failure,
/// add an observation) before sealing.
pub fn seal_etr_with(
    st_name: &str,
    st_text: &str,
    lab: &str,
    sponsor: &str,
    key: &SigningKey,
    before_seal: impl FnOnce(&Workspace) -> std::result::Result<(), dtsec_eval::EvalError>,
) -> Result<String> {
    seal_etr_timed(
        st_name,
        st_text,
        (lab, sponsor),
        key,
        (TimeSource::System, TimeSource::System),
        before_seal,
    )
}

fn seal_etr_timed(
    st_name: &str,
    st_text: &str,
    (lab, sponsor): (&str, &str),
    key: &SigningKey,
    (started, sealed): (TimeSource, TimeSource),
    before_seal: impl FnOnce(&Workspace) -> std::result::Result<(), dtsec_eval::EvalError>,
) -> Result<String> {
    let eval_err = |e: dtsec_eval::EvalError| RegistryError::invalid(format!("evaluation: {e}"));
    let source = source_from_bytes(st_name.to_string(), st_text.as_bytes().to_vec())
        .map_err(|e| RegistryError::invalid(e.to_string()))?;
    let st = parse_document(&source).map_err(|e| RegistryError::invalid(e.to_string()))?;
    let library = Library::with_builtins();
    let tmp = tempfile::tempdir()
        .map_err(|e| RegistryError::invalid(format!("temporary directory: {e}")))?;
    let evaluator = "Demo Evaluator".to_string();
    let ws = dtsec_eval::init_at(
        &tmp.path().join("ws"),
        InitConfig {
            st_source: &source,
            st: &st,
            st_file_name: st_name,
            library: &library,
            lab,
            sponsor,
            evaluators: std::slice::from_ref(&evaluator),
            cc_xml: None,
        },
        started,
    )
    .map_err(eval_err)?
    .with_time(sealed);
    let plan = ws.plan().map_err(eval_err)?;
    let reqs: Vec<RecordRequest> = plan
        .units()
        .map(|u| RecordRequest {
            unit: u.unit.id.clone(),
            verdict: Some(Verdict::Pass),
            by: evaluator.clone(),
            ..RecordRequest::default()
        })
        .collect();
    ws.record_many(&reqs).map_err(eval_err)?;
    before_seal(&ws).map_err(eval_err)?;
    let sealed = dtsec_eval::bundle::seal_workspace(&ws, key).map_err(eval_err)?;
    Ok(sealed.to_json_pretty())
}

/// A valid lab application profile for tests and examples (a fictional lab).
pub fn example_lab_profile() -> LabProfile {
    LabProfile {
        location: "Utrecht, Netherlands".into(),
        scope: "Connected diabetes devices; CC EAL2".into(),
        accreditation: "ISO/IEC 17025 (fictional accreditation RvA L999)".into(),
        contact: "evaluations@example-lab.demo.invalid".into(),
    }
}

/// What the demo made: the accounts to log in with and the certificates issued.
#[derive(Clone, Debug, Default)]
pub struct DemoSummary {
    /// (e-mail, role, organisation name); every password is [`DEMO_PASSWORD`].
    pub accounts: Vec<(String, String, String)>,
    /// Certificate ids, in order of issue.
    pub certificates: Vec<String>,
    /// Cases by the state they were left in.
    pub cases: Vec<(String, String)>,
    /// Sealed ETRs ready for the cases still in a lab's hands.
    pub ready_etrs: Vec<DemoEtr>,
}

/// A sealed, passing ETR the demo leaves for a case that a lab has not finished, so that a
/// newcomer can play the lab evaluator in the browser (start the evaluation, upload the bundle)
/// without running a whole CEM evaluation first. It is signed with the lab's demo key, which the
/// registry holds, and bound to the case's ST like any real bundle.
#[derive(Clone, Debug)]
pub struct DemoEtr {
    /// The case: product name and version.
    pub case: String,
    /// The lab's name.
    pub lab: String,
    /// A file name for it (`initech-insulink-1.0.etr.json`).
    pub file_name: String,
    /// The sealed bundle (JSON).
    pub bundle: String,
}

struct Ctx<'a> {
    store: &'a Store,
    admin: Actor,
    certifier: Actor,
    labs: Vec<(String, String, Actor, SigningKey)>,
    manufacturers: Vec<(String, String, Actor)>,
    etrs: HashMap<(usize, String), String>,
    summary: DemoSummary,
}

/// How far a demo case is taken.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stop {
    Registered,
    StSubmitted,
    LabChosen,
    InEvaluation,
    EtrSubmitted,
    Rejected,
    Accepted,
    Certified,
}

impl Ctx<'_> {
    async fn user(
        &mut self,
        org: &str,
        org_name: &str,
        role: Role,
        email: &str,
        name: &str,
    ) -> Result<Actor> {
        let u = self
            .store
            .insert_user_checked(
                &self.admin,
                NewUser {
                    email: email.into(),
                    name: name.into(),
                    role,
                    org_id: org.into(),
                    password: DEMO_PASSWORD.into(),
                },
            )
            .await?;
        self.summary
            .accounts
            .push((u.email.clone(), u.role.clone(), org_name.into()));
        Ok(u.actor())
    }

    /// The ST a demo case submits: the example for its kind, rewritten for the product.
    fn st(&self, maker: usize, st: Example, name: &str, version: &str) -> (String, String) {
        let text = st_for(st.text(), &self.manufacturers[maker].1, name, version);
        (
            text,
            format!("{}-st.yaml", slug(&format!("{name} {version}"))),
        )
    }

    /// A passing ETR by `lab` over this ST text (cached: sealing is the slow part).
    fn etr(&mut self, lab: usize, maker: usize, st_text: &str, file: &str) -> Result<String> {
        let key = (lab, st_text.to_string());
        if let Some(b) = self.etrs.get(&key) {
            return Ok(b.clone());
        }
        let (_, lab_name, _, signing_key) = &self.labs[lab];
        // Evaluated over the six weeks before now (the demo's "now"), sealed an hour ago.
        let now = self.store.clock().now_unix();
        let b = seal_passing_etr_between(
            file,
            st_text,
            lab_name,
            &self.manufacturers[maker].1,
            signing_key,
            (now - 42 * 86_400, now - 3600),
        )?;
        self.etrs.insert(key, b.clone());
        Ok(b)
    }

    /// Runs one case to `stop`; returns (product id, certificate id if certified).
    async fn case(
        &mut self,
        maker: usize,
        lab: usize,
        st: Example,
        name: &str,
        version: &str,
        stop: Stop,
    ) -> Result<(String, Option<String>)> {
        let (m_org, _, m_actor) = self.manufacturers[maker].clone();
        let toe_type = st.toe_type();
        let p = self
            .store
            .register_product(
                &m_actor,
                NewProduct {
                    manufacturer_org: m_org.clone(),
                    name: name.into(),
                    version: version.into(),
                    build_ids: vec![format!("fw-{version}"), format!("hw-rev-{}", maker + 1)],
                    toe_type: toe_type.into(),
                },
            )
            .await?;
        let id = p.id.clone();
        let mut cert = None;
        let (st_text, st_file) = self.st(maker, st, name, version);
        if stop >= Stop::StSubmitted {
            self.store
                .submit_st(&m_actor, &id, &st_file, st_text.as_bytes().to_vec())
                .await?;
        }
        let (lab_org, _, lab_actor, _) = self.labs[lab].clone();
        if stop >= Stop::LabChosen {
            self.store.choose_lab(&m_actor, &id, &lab_org).await?;
        }
        if stop >= Stop::InEvaluation {
            self.store.start_evaluation(&lab_actor, &id).await?;
        }
        if stop >= Stop::EtrSubmitted {
            let bundle = self.etr(lab, maker, &st_text, &st_file)?;
            self.store.submit_etr(&lab_actor, &id, &bundle).await?;
        }
        if stop == Stop::Rejected {
            self.store
                .reject_etr(
                    &self.certifier,
                    &id,
                    "The ETR does not explain how the replay test covered the bolus command.",
                )
                .await?;
        }
        if stop >= Stop::Accepted && stop != Stop::Rejected {
            self.store.accept_etr(&self.certifier, &id).await?;
        }
        if stop == Stop::Certified {
            let p = self.store.product(&self.certifier, &id).await?;
            let drafts = self.store.draft_claims_of(&p);
            if !drafts.is_empty() {
                let reason = format!(
                    "{} is the scheme's own profile, published as a draft for pilot evaluations; the evaluation applied it in full and the certification body accepts certifying against it.",
                    drafts.join(", ")
                );
                self.store
                    .approve_draft_pp_claims(&self.certifier, &id, &reason)
                    .await?;
            }
            let c = self.store.issue_certificate(&self.certifier, &id).await?;
            self.summary.certificates.push(c.certificate_id.clone());
            cert = Some(c.certificate_id);
        }
        Ok((id, cert))
    }
}

/// Loads the demo into an empty store (no administrator yet); refused otherwise.
pub async fn load(store: &Store) -> Result<DemoSummary> {
    let clock = store.clock().clone();
    let result = load_inner(store).await;
    clock.reset();
    result
}

async fn load_inner(store: &Store) -> Result<DemoSummary> {
    let clock = store.clock().clone();
    // Three years ago: the scheme starts.
    clock.advance_days(-3 * 365);
    let admin_user = store
        .bootstrap_admin("admin@demo.invalid", "Sam Scheme", DEMO_PASSWORD)
        .await?;
    let admin = admin_user.actor();
    let mut ctx = Ctx {
        store,
        admin: admin.clone(),
        certifier: Actor::public(),
        labs: Vec::new(),
        manufacturers: Vec::new(),
        etrs: HashMap::new(),
        summary: DemoSummary::default(),
    };
    ctx.summary.accounts.push((
        admin_user.email.clone(),
        admin_user.role.clone(),
        "scheme".into(),
    ));
    let cb = store
        .create_organisation(
            &admin,
            OrgKind::CertificationBody,
            "dtsec Certification Body",
        )
        .await?;
    ctx.certifier = ctx
        .user(
            &cb.id,
            &cb.name,
            Role::Certifier,
            "certifier@demo.invalid",
            "Casey Certifier",
        )
        .await?;

    let today = store.clock().today();
    let labs = [
        ("Northwind Security Evaluation Lab", "northwind", 5 * 365),
        ("Contoso Evaluation Facility", "contoso", 4 * 365),
        ("Fabrikam Assurance Labs", "fabrikam", 4 * 365 + 200),
        ("Tailspin Medical Security Lab", "tailspin", 5 * 365),
    ];
    // Where each fictional lab is and what it does, as the public labs page shows it.
    let profile = |short: &str, location: &str, scope: &str, accreditation: &str| LabProfile {
        location: location.into(),
        scope: scope.into(),
        accreditation: accreditation.into(),
        contact: format!("evaluations@{short}.demo.invalid"),
    };
    let profiles = [
        profile(
            "northwind",
            "Minneapolis, United States",
            "Insulin pumps, CGMs and AID controllers; CC EAL2 to EAL4 with AVA_VAN.3",
            "ISO/IEC 17025 (fictional accreditation NVLAP 200999-0)",
        ),
        profile(
            "contoso",
            "Dublin, Ireland",
            "Connected diabetes devices and their mobile apps; CC EAL2 and EAL3",
            "ISO/IEC 17025 (fictional accreditation INAB 999T)",
        ),
        profile(
            "fabrikam",
            "Munich, Germany",
            "Wearable sensors and therapy devices; CC EAL2 to EAL4, hardware attacks",
            "ISO/IEC 17025 (fictional accreditation DAkkS D-PL-99999)",
        ),
        profile(
            "tailspin",
            "Toronto, Canada",
            "Insulin pumps and pens; CC EAL2 with AVA_VAN.2",
            "ISO/IEC 17025 (fictional accreditation SCC 9999)",
        ),
    ];
    for (i, ((name, short, days), profile)) in labs.iter().zip(&profiles).enumerate() {
        let org = store
            .create_organisation(&admin, OrgKind::Lab, name)
            .await?;
        let actor = ctx
            .user(
                &org.id,
                name,
                Role::LabEvaluator,
                &format!("evaluator@{short}.demo.invalid"),
                &format!("Evaluator {}", i + 1),
            )
            .await?;
        store
            .apply_for_lab_approval(&actor, &org.id, profile)
            .await?;
        let key = SigningKey::generate();
        store
            .register_lab_key(&actor, &org.id, &key.verifying_key().to_public_pem())
            .await?;
        store
            .approve_lab(&admin, &org.id, today.add_days(*days))
            .await?;
        ctx.labs.push((org.id, (*name).to_string(), actor, key));
    }
    // A fifth lab that has only applied.
    let applicant = store
        .create_organisation(&admin, OrgKind::Lab, "Woodgrove Test House")
        .await?;
    let applicant_actor = ctx
        .user(
            &applicant.id,
            &applicant.name,
            Role::LabEvaluator,
            "evaluator@woodgrove.demo.invalid",
            "Evaluator 5",
        )
        .await?;
    store
        .apply_for_lab_approval(
            &applicant_actor,
            &applicant.id,
            &LabProfile {
                location: "Leeds, United Kingdom".into(),
                scope: "Connected infusion devices; CC EAL2".into(),
                accreditation: "ISO/IEC 17025 application pending (fictional)".into(),
                contact: "https://woodgrove.demo.invalid/evaluations".into(),
            },
        )
        .await?;

    let makers = [
        ("Acme Medical Devices (fictional)", "acme"),
        ("Globex Diabetes Care (fictional)", "globex"),
        ("Initech Health (fictional)", "initech"),
        ("Umbrella Glucose Systems (fictional)", "umbrella"),
    ];
    for (name, short) in makers {
        let org = store
            .create_organisation(&admin, OrgKind::Manufacturer, name)
            .await?;
        let actor = ctx
            .user(
                &org.id,
                name,
                Role::Manufacturer,
                &format!("security@{short}.demo.invalid"),
                &format!("{short} product security"),
            )
            .await?;
        ctx.manufacturers.push((org.id, name.to_string(), actor));
    }

    // Two and a half years ago: the first certificate, on CDD 1.0; it expires before today and
    // is archived.
    clock.advance_days(180);
    let (id, _) = ctx
        .case(
            0,
            0,
            Example::PumpV1,
            "Acme Nimbus Pump",
            "1.0",
            Stop::Certified,
        )
        .await?;
    ctx.summary.cases.push((id, "archived".into()));

    // A year ago: a generation of certificates — one more on CDD 1.0, the rest on 2.0, one
    // product of each device form.
    clock.advance_days(365 + 180);
    let (_, active) = ctx
        .case(
            1,
            1,
            Example::CgmV1,
            "Globex Lumen CGM",
            "3.2",
            Stop::Certified,
        )
        .await?;
    if let Some(c) = &active {
        ctx.summary
            .cases
            .push((c.clone(), "active (CDD 1.0)".into()));
    }
    for (maker, lab, st, name, version) in [
        (0, 1, Example::PumpController, "Acme Nimbus System", "3.0"),
        (0, 3, Example::Cloud, "Acme Nimbus Cloud", "2026.11"),
    ] {
        let (_, cert) = ctx
            .case(maker, lab, st, name, version, Stop::Certified)
            .await?;
        if let Some(c) = cert {
            ctx.summary.cases.push((c, "active".into()));
        }
    }
    let (_, maintained) = ctx
        .case(
            0,
            0,
            Example::Pump,
            "Acme Nimbus Pump",
            "2.4.1",
            Stop::Certified,
        )
        .await?;
    let (_, review) = ctx
        .case(
            2,
            2,
            Example::Cgm,
            "Initech GlucoSense",
            "1.5",
            Stop::Certified,
        )
        .await?;
    let (_, suspended) = ctx
        .case(
            3,
            3,
            Example::Pump,
            "Umbrella DoseWise Patch",
            "4.0",
            Stop::Certified,
        )
        .await?;
    let (_, revoked) = ctx
        .case(
            1,
            2,
            Example::Pump,
            "Globex FlowPatch",
            "1.1",
            Stop::Certified,
        )
        .await?;
    let (_, major) = ctx
        .case(
            2,
            1,
            Example::Cgm,
            "Initech GlucoSense Mini",
            "2.0",
            Stop::Certified,
        )
        .await?;

    // Six months ago: maintenance and status changes.
    clock.advance_days(180);
    let certifier = ctx.certifier.clone();
    if let Some(c) = &maintained {
        let m = store
            .file_impact_analysis(
                &ctx.manufacturers[0].2,
                c,
                &ImpactAnalysis {
                    new_version: "2.4.2".into(),
                    build_ids: vec!["fw-2.4.2".into(), "hw-rev-1".into()],
                    changes: vec![Change {
                        description: "Updated display translations and alarm tone volume table"
                            .into(),
                        areas: vec![ChangeArea::UserInterface],
                        fixes: Vec::new(),
                    }],
                    touched_sfrs: Vec::new(),
                },
            )
            .await?;
        store.extend_certificate(&certifier, &m.id).await?;
        ctx.summary.cases.push((c.clone(), "maintained".into()));
    }
    if let Some(c) = &major {
        store
            .file_impact_analysis(
                &ctx.manufacturers[2].2,
                c,
                &ImpactAnalysis {
                    new_version: "2.1".into(),
                    build_ids: vec!["fw-2.1".into()],
                    changes: vec![Change {
                        description: "New BLE pairing flow with numeric comparison".into(),
                        areas: vec![ChangeArea::Pairing],
                        fixes: Vec::new(),
                    }],
                    touched_sfrs: Vec::new(),
                },
            )
            .await?;
        ctx.summary.cases.push((
            c.clone(),
            "active (major change under re-evaluation)".into(),
        ));
    }
    // Open cases against three certificates, each for its own reason.
    for (cert, request, state, reason) in [
        (
            &review,
            StatusRequest::OpenReview,
            "under-review",
            "Reported vulnerability in the sensor's BLE advertising under analysis",
        ),
        (
            &suspended,
            StatusRequest::Suspend,
            "suspended",
            "The manufacturer has not shipped the fix for a reported replay weakness",
        ),
        (
            &revoked,
            StatusRequest::Revoke,
            "revoked",
            "The certified configuration is no longer sold; the manufacturer asked for revocation",
        ),
    ] {
        if let Some(c) = cert {
            store
                .change_certificate_status(&certifier, c, request, reason)
                .await?;
            ctx.summary.cases.push((c.clone(), state.into()));
        }
    }

    // Today: cases in flight, one in every state before certification, all on CDD 2.0. The
    // accepted one still needs the certification body's approval of its draft claims.
    clock.reset();
    for (maker, lab, st, name, version, stop, label) in [
        (
            3,
            0,
            Example::Cgm,
            "Umbrella SteadyRead CGM",
            "0.9",
            Stop::Registered,
            "registered",
        ),
        (
            0,
            1,
            Example::Pump,
            "Acme Nimbus Pump Junior",
            "1.0",
            Stop::StSubmitted,
            "st-submitted",
        ),
        (
            1,
            2,
            Example::Cgm,
            "Globex Lumen CGM",
            "4.0",
            Stop::LabChosen,
            "lab-chosen",
        ),
        (
            2,
            3,
            Example::PumpController,
            "Initech InsuLink",
            "1.0",
            Stop::InEvaluation,
            "evaluation-in-progress",
        ),
        (
            3,
            0,
            Example::Pump,
            "Umbrella DoseWise Patch",
            "5.0",
            Stop::EtrSubmitted,
            "etr-submitted",
        ),
        (
            0,
            2,
            Example::Cgm,
            "Acme Sentinel CGM",
            "1.2",
            Stop::Rejected,
            "rejected",
        ),
        (
            1,
            3,
            Example::Pump,
            "Globex FlowPatch",
            "2.0",
            Stop::Accepted,
            "accepted",
        ),
    ] {
        let (id, _) = ctx.case(maker, lab, st, name, version, stop).await?;
        ctx.summary.cases.push((id, label.into()));
        if matches!(stop, Stop::LabChosen | Stop::InEvaluation) {
            let (st_text, st_file) = ctx.st(maker, st, name, version);
            let bundle = ctx.etr(lab, maker, &st_text, &st_file)?;
            let case = format!("{name} {version}");
            let file_name = format!("{}.etr.json", slug(&case));
            ctx.summary.ready_etrs.push(DemoEtr {
                case,
                lab: ctx.labs[lab].1.clone(),
                file_name,
                bundle,
            });
        }
    }
    // Postmarket (issue 13): an SBOM, fictional advisories, an assessment and a notice.
    postmarket::load(
        store,
        &ctx.manufacturers[0].2,
        &ctx.certifier,
        &ctx.summary.certificates,
    )
    .await?;
    let archived = store.archive_expired(&admin, store.clock().today()).await?;
    if archived.is_empty() {
        return Err(RegistryError::invalid(
            "demo: expected the first certificate to be archived",
        ));
    }
    Ok(ctx.summary)
}
