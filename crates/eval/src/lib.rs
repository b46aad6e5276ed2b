//! dtsec-eval: the CEM evaluation workbench.
//!
//! Why this crate exists: an approved lab evaluates a device against its Security Target by
//! ISO/IEC 18045 (the CEM). This crate derives exactly the work units the ST's assurance claims
//! require ([`plan`]), keeps the lab's record in a directory of plain files ([`Workspace`]):
//! verdicts with their history ([`records`]), content-addressed evidence ([`evidence`]),
//! observation reports, test cases and rated vulnerabilities ([`observations`], [`vulns`]),
//! rolls the verdicts up by the CEM's rule ([`rollup`]), writes the Evaluation Technical
//! Report as HTML or PDF ([`report`]), and seals it into a signed bundle that anyone holding
//! the lab's public key can verify ([`bundle`]).
//!
//! Boundary: no network, no clock other than [`clock::now`], no I/O outside the workspace and
//! the paths the caller gives. The CLI (`dtsec eval …`, `dtsec verify`) is a thin layer over
//! this API.
//!
//! ```
//! use dtsec_eval::{plan, rollup, records::{Record, Verdict}};
//! use dtsec_model::{Library, load_document};
//! let st_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pump-st.yaml");
//! let (_, st) = load_document(&st_path).unwrap();
//! let lib = Library::with_builtins();
//! let plan = plan::build(plan::PlanInput { st: &st, library: &lib, cc_xml: None }).unwrap();
//! let first = plan.units().next().unwrap().unit.id.clone();
//! let rec = Record { seq: 1, unit: first, verdict: Verdict::Fail, by: "A".into(),
//!     at: "2025-01-01T00:00:00Z".into(), evidence: vec![], observations: vec!["OR-1".into()],
//!     note: None, replaces: None };
//! assert_eq!(rollup::roll_up(&plan, &[rec]).overall, Verdict::Fail);
//! ```
#![forbid(unsafe_code)]

pub mod bundle;
pub mod clock;
mod error;
pub mod evidence;
pub mod hw_potential;
pub mod observations;
pub mod plan;
pub mod records;
pub mod report;
pub mod rollup;
pub mod status;
pub mod store;
pub mod summaries;
pub mod vulns;
pub mod workspace;

pub use dtsec_seal as seal;
pub use error::EvalError;
pub use workspace::{InitConfig, RecordRequest, State, Workspace, init, init_at};
