//! Integration tests of dtsec-oscal, one module per theme.

mod assessment;
mod catalog;
mod common;
mod poam;
mod pp_round_trip;
mod profile;
mod round_trip;
mod validator;
