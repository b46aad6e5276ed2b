//! Users: the scheme administrator lists accounts, creates them in organisations, and disables
//! or re-enables them.

pub mod access;
pub mod create;
pub mod index;
