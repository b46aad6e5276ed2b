//! The staff pages: each role's queue and the forms for its actions.

pub mod index;
mod lab_application;
mod needs_action;
mod scheme;
