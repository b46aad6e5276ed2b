//! API tokens for scripts and the `dtsec registry` client.

pub mod create;
pub mod password;
pub mod revoke;
