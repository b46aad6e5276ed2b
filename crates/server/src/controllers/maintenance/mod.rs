//! Assurance maintenance: the manufacturer files an impact analysis for a new version of a
//! certified product; the certifier extends the certificate for a minor change (a major change
//! opens a re-evaluation case at once, by the registry's rule); a vulnerability fix is reviewed
//! by the evaluating lab (`fix_review`) before the certifier extends.

pub mod extend;
pub mod file;
pub mod fix_review;
pub mod index;
