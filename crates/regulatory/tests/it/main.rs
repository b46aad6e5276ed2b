//! dtsec-regulatory's integration tests, one module per theme.

mod catalogues;
mod checker;
mod coverage;
