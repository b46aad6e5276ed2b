//! Users: the scheme administrator lists accounts, creates them in organisations, and disables
//! or re-enables them, and sets a forgotten password; every user changes their own password.

pub mod access;
pub mod create;
pub mod index;
pub mod password;
