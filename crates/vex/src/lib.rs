//! Postmarket vulnerability assessments for certified devices: CVSS scoring, the manufacturer's
//! assessment (VEX state, clinical and CC judgement, dates) with its append-only history, the
//! three VEX formats, FDA's clocks and the certificate actions they lead to.
//!
//! The domain modules do no I/O: a registry stores [`history::Entry`] values and calls
//! [`clocks::clocks`] and [`actions::propose`]; only [`store`] (the CLI's file-based store)
//! touches the disk.
//!
//! ```
//! let s = dtsec_vex::cvss::score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
//! assert_eq!(s.base, 9.8);
//! ```
#![forbid(unsafe_code)]

pub mod actions;
pub mod assessment;
pub mod clocks;
pub mod cvss;
pub mod error;
pub mod formats;
pub mod history;
pub mod store;

pub use assessment::Assessment;
pub use error::VexError;
