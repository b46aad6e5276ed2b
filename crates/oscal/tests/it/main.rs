//! Integration tests of dtsec-oscal, one module per theme.

mod catalog;
mod common;
mod profile;
mod validator;
