//! Labs: the public list of approved labs, and the scheme administrator's approval action.

pub mod approve;
pub mod index;
