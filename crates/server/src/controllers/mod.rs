//! Request handlers, one file per action, grouped by resource (`controllers/<resource>/<action>.rs`).
//!
//! Why so small: a handler reads the request, calls one `dtsec-registry` operation (which
//! authorises and applies the rules), and writes the answer. Business rules live in the registry.

pub mod audit;
pub mod certificates;
pub mod devices;
pub mod evaluations;
pub mod labs;
pub mod log;
pub mod maintenance;
pub mod organisations;
pub mod postmarket;
pub mod pps;
pub mod products;
pub mod scheme;
pub mod sessions;
pub mod staff;
pub mod tokens;
pub mod users;
