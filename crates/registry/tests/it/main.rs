//! The integration tests of the registry domain, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod accounts;
mod audit_compact;
mod authorization;
mod blob_gc;
mod cdd2;
mod certificates;
mod common;
mod demo;
mod device_pages;
mod document_blobs;
mod etr_summaries;
mod judgement;
mod log_compaction;
mod maintenance;
mod migrations;
mod paging;
mod postmarket;
mod refusals;
mod s3_blobs;
mod scheme_rules;
mod search;
mod sessions;
mod staff_paging;
mod stored_states;
mod transparency_log;
mod workflow;
