//! OSCAL 1.2.1 for dtsec: a PP as a catalog, an ST as a profile and a component-definition, a
//! sealed ETR bundle as SSP → assessment plan → assessment results; an ETR's unresolved
//! vulnerabilities or the open postmarket items as a POA&M; validation against the NIST schemas
//! plus the semantic checks a schema cannot make; import of our own catalog and profile back
//! into a PP.
//!
//! Why: regulators' and GRC tools speak OSCAL (issue 14); dtsec stays the source of truth and
//! OSCAL is an export, deterministic to the byte (v5 UUIDs from stable keys, timestamps from the
//! documents, never the clock). See `docs/oscal.md` for what goes where.
//!
//! ```
//! use dtsec_model::Library;
//! let library = Library::with_builtins();
//! let pp = library.find("cdd", "2.0").unwrap();
//! let catalog = dtsec_oscal::catalog(&pp.document, &Default::default()).unwrap();
//! assert_eq!(catalog["catalog"]["metadata"]["oscal-version"], "1.2.1");
//! ```
#![forbid(unsafe_code)]

pub mod assessment;
pub mod catalog;
pub mod component;
pub mod effective;
pub mod error;
pub mod ids;
pub mod import;
pub mod poam;
pub mod postmarket;
pub mod profile;
pub mod validate;

pub use catalog::{CatalogOptions, ControlLink, catalog};
pub use component::{ComponentOptions, component_definition};
pub use effective::{Effective, effective};
pub use error::OscalError;
pub use profile::{profile, resolve};
pub use validate::{Model, Problem, Report, validate};
