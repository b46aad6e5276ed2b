//! The integration tests of the evaluation workbench, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod bad_input;
mod common;
mod end_to_end;
mod hw_table;
mod plan_counts;
mod report_pdf;
mod tamper;
