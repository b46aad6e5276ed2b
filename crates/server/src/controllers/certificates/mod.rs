//! Certificates: the signed document, its printable page, its current status, and the
//! certification body's actions on it.

pub mod archive;
pub mod change_status;
pub mod issue;
pub mod poam;
pub mod premarket;
pub mod print;
pub mod show;
pub mod status;
