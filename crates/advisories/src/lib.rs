//! The offline advisory database and matching: OSV records imported from a directory or ZIP
//! (each validated against the OSV schema; invalid ones rejected with a reason), stored as a
//! snapshot with a stable id, and matched against an SBOM by the OSV specification's
//! evaluation algorithm with per-ecosystem version orderings. Where the answer cannot be
//! computed offline (GIT-only ranges, an ecosystem without a known ordering and no enumerated
//! versions) the outcome is `unevaluable` with the reason — never silently clean.
//!
//! I/O lives in [`import::read_source`] and [`Database::save`]/[`Database::load`]; building,
//! evaluating and matching are pure.
//!
//! ```
//! use dtsec_advisories::{import, matching};
//! let record = br#"{"id":"PYSEC-0","modified":"2024-01-01T00:00:00Z","affected":[{
//!   "package":{"ecosystem":"PyPI","name":"Requests"},
//!   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.3.0"},{"fixed":"2.31.0"}]}]}]}"#;
//! let entries = vec![import::Entry::File("r.json".into(), record.to_vec())];
//! let db = import::build(entries, "2026-01-01T00:00:00Z".into(), &mut |_, _| {}).unwrap();
//! let sbom = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
//!   {"type":"library","name":"requests","version":"2.30.0","purl":"pkg:pypi/requests@2.30.0"}]}"#;
//! let (doc, _) = dtsec_sbom::Ingester::new(Default::default()).ingest(sbom).unwrap();
//! let index = matching::Index::build(&db);
//! let report = matching::match_sbom(&index, &doc);
//! assert_eq!(report.affected(), 1);
//! assert_eq!(report.snapshot, db.snapshot.id);
//! ```

#![forbid(unsafe_code)]

pub mod db;
pub mod ecosystem;
pub mod evaluate;
pub mod import;
pub mod matching;
pub mod osv;
pub mod version;

pub use db::{Database, DbError, Snapshot};
pub use evaluate::Verdict;
pub use import::{ImportError, ImportLimits};
pub use matching::{Index, Match, MatchReport, match_sbom};
