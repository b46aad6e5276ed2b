//! The integration tests of the `dtsec` binary, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod blob_gc;
mod cc31;
mod cli;
mod common;
mod crash_safety;
mod doc_cache;
mod eval_workbench;
mod hostile_log;
mod input_failures;
mod niap_anchors;
mod niap_st;
mod oscal;
mod password_prompt;
mod postmarket;
mod postmarket_publish;
mod postmarket_registry;
mod pp2;
mod pp_diff;
mod premarket;
mod readme;
mod registry_client;
mod regulatory_evidence;
mod regulatory_map;
mod render_coverage;
mod render_module;
mod serve_blobs;
mod serve_limits;
mod serve_log;
mod serve_s3;
mod tidy;
mod tls;
mod transparency_log;
mod verify_certificate;
mod vex;
