//! Logging in and out of the staff pages.

pub mod create;
pub mod delete;
pub mod new;
