//! dtsec-registry: the certification program's domain and storage.
//!
//! Why this crate exists: the scheme approves labs; manufacturers register products and submit
//! Security Targets; labs submit sealed evaluation reports; the certification body reviews them
//! and issues signed certificates, then maintains, suspends, revokes or archives them. This
//! crate holds those rules ([`workflow`], [`labs`], [`maintenance`], [`authz`]), the certificate
//! document ([`certificate`]), and a [`Store`] that runs every change in one transaction with its
//! audit record — on SQLite or PostgreSQL. The HTTP server is a thin layer over [`Store`].
//!
//! Boundary: no HTTP, no HTML, no sessions or cookies. I/O only through the database and the
//! data directory the caller names (the scheme key).
//!
//! ```
//! use dtsec_registry::workflow::{Event, State, next};
//! assert_eq!(next(State::Registered, Event::SubmitSt).unwrap(), State::StSubmitted);
//! assert!(next(State::Registered, Event::Issue).is_err());
//! ```
#![forbid(unsafe_code)]

pub mod audit_chain;
pub mod audit_diff;
pub mod authz;
pub mod blob;
pub mod certificate;
pub mod demo;
mod error;
pub mod etr_facts;
pub mod etr_report;
pub mod etr_summary;
pub mod lab_profile;
pub mod labs;
pub mod maintenance;
pub mod memo;
pub mod scheme;
pub mod scratch;
pub mod secrets;
mod store;
pub mod time;
pub mod transparency;
mod validate;
pub mod workflow;

pub use authz::{Action, Actor, GRANTS, OrgKind, Reach, Resource, Role, authorize};
pub use blob::s3::{S3BlobStore, S3Config, S3Credentials};
pub use blob::{BlobError, BlobInfo, BlobStore, DirBlobStore, MAX_BLOB_BYTES};
pub use certificate::{CERTIFICATE_KIND, Certificate, verify_certificate};
pub use error::{Forbidden, RegistryError, Result};
pub use etr_summary::EtrSummary;
pub use store::CertifiedEtr;
pub use store::DEFAULT_SQLITE_MMAP_BYTES;
pub use store::STATUS_FRESH_FOR;
pub use store::{
    AssessmentRecord, MAX_SBOM_BYTES, MAX_SYNC_RECORDS, MatchRecord, QueueItem, SbomRecord,
    SyncReport,
};
pub use store::{AuditCursor, AuditFilter, AuditPage, ProductPage};
pub use store::{
    AuditEntry, BLOB_DIR, Backend, BoxFuture, BrowserSession, CSV_COLUMNS, CertificateProof,
    CertificateRecord, CertifiedSt, ConsistencyProof, DEFAULT_LOG_ORIGIN, DEFAULT_PAGE,
    DEFAULT_TOKEN_DAYS, DecisionLog, DeviceDetail, DeviceFilter, DevicePage, DeviceSummary,
    Finding, FixReviewRecord, LOG_DIR, LOG_KEY_FILE, LOG_VKEY_FILE, Lab, MAX_PAGE,
    MAX_SESSION_SECS, MAX_TOKEN_DAYS, MaintenanceRecord, NewProduct, NewToken, NewUser,
    Organisation, Product, SCHEME_KEY_PREFIX, SQLITE_FILE, StatusChange, StatusRequest, Store,
    StoreConfig, TableDecisionLog, ThrottleConfig, User, UserAccount, csv_export,
};
pub use store::{
    CSAF_DIR, CsafPublisher, DEFAULT_GRACE_DAYS, NoticeFile, NoticeRecord, NoticeRevision,
    NoticeSummary, PublicAssessment, SbomAvailability, SecurityPosture, SupportSummary,
    UnassessedSummary,
};
pub use store::{DEFAULT_GC_GRACE, GcReport};
pub use store::{EvaluationStage, InEvaluation, MAX_IN_EVALUATION};
pub use store::{FeedEntry, FeedKind, MAX_FEED_ENTRIES};
pub use store::{KeptPage, MAX_PAGES_PER_BATCH, PageToMake, PageWork};
pub use time::{Clock, Date};
