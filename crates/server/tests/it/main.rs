//! The integration tests of the registry web service, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod api_tokens;
mod authorization;
mod browser;
mod common;
mod judgement;
mod login_throttle;
mod pages;
mod postmarket;
mod print_and_evaluation;
mod public;
mod regulatory;
mod staff_actions;
mod transparency_log;
mod workflow;
