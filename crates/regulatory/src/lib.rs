//! dtsec's regulatory mapping: framework catalogues (FDA premarket guidance Appendix 1, FD&C Act
//! §524B, NIST CSF 2.0, IEC 81001-5-1, IEC 62443-4-2) as versioned data, authored mappings from
//! the CDD PP's items to them, the checker of those mappings (DT-MAP codes), and the coverage a
//! PP role or an ST derives through them.
//!
//! ```
//! use dtsec_model::Library;
//! use dtsec_regulatory::{Profile, builtin, coverage, framework};
//! let lib = Library::with_builtins();
//! let pp = &lib.find("cdd", "2.0").unwrap().document;
//! let (_, mapping) = builtin::find("cdd", "2.0", "fda-2026").unwrap();
//! let fda = framework::builtin("fda").unwrap();
//! let cov = coverage::derive(pp, &mapping, &fda, &Profile::for_pp_role(pp, "therapy-delivery"));
//! assert!(cov.iter().filter(|i| i.kind == "category").all(|i| i.status == coverage::Status::Covered));
//! ```
//!
//! Boundary: no I/O except [`mapping::load`] reading the file it is given; the premarket
//! package (issue 14, part 3) builds on [`report::CoverageReport`] and [`coverage::derive`].
#![forbid(unsafe_code)]

pub mod builtin;
pub mod checker;
pub mod coverage;
pub mod csf;
pub mod error;
pub mod evidence;
pub mod framework;
pub mod mapping;
pub mod profile;
pub mod report;
pub mod table;
pub mod target;

pub use error::RegulatoryError;
pub use profile::Profile;
