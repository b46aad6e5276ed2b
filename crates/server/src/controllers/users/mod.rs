//! Users: the scheme administrator creates accounts in organisations.

pub mod create;
