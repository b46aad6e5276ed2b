//! The append-only audit trail (scheme administrator and certifier): the latest records, or one
//! record's whole history, as a page and as JSON.

pub mod index;
