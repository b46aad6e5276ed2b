//! The integration tests of the registry web service, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod accessibility;
mod api_tokens;
mod authorization;
mod browser;
mod common;
mod confirmations;
mod device_downloads;
mod device_pages;
mod evaluations;
mod judgement;
mod kept_answers;
mod labs;
mod login_throttle;
mod pages;
mod postmarket;
mod postmarket_publish;
mod print_and_evaluation;
mod public;
mod regulatory;
mod staff_actions;
mod staff_paging;
mod transparency_log;
mod workflow;
