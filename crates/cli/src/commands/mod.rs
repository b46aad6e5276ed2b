//! One module per subcommand.

pub mod blob_gc;
pub mod catalog;
pub mod check;
pub mod eval;
pub mod explain;
pub mod export;
pub mod import;
pub mod keys;
pub mod log;
pub mod map;
pub mod oscal;
pub mod postmarket;
pub mod pp;
pub mod premarket;
pub mod registry;
pub mod render;
pub mod render_coverage;
pub mod serve;
pub mod serve_log;
pub mod verify;
pub mod verify_log;
pub mod vex;
