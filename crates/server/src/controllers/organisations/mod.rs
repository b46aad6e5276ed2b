//! Organisations: the scheme administrator creates manufacturers, labs and certification bodies.

pub mod create;
pub mod index;
