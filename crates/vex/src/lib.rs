//! Postmarket vulnerability assessments for certified devices.
#![forbid(unsafe_code)]

pub mod cvss;
