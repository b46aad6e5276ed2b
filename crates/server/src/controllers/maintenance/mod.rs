//! Assurance maintenance: the manufacturer files an impact analysis for a new version of a
//! certified product; the certifier extends the certificate for a minor change (a major change
//! opens a re-evaluation case at once, by the registry's rule).

pub mod extend;
pub mod file;
pub mod index;
