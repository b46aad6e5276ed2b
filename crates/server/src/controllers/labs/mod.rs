//! Labs: the public list of approved labs, and the approval lifecycle (the lab applies and
//! registers its key; the scheme administrator approves, suspends, withdraws).

pub mod approve;
pub mod index;
pub mod lifecycle;
