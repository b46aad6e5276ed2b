//! One module per subcommand.

pub mod catalog;
pub mod check;
pub mod eval;
pub mod explain;
pub mod export;
pub mod import;
pub mod keys;
pub mod log;
pub mod pp;
pub mod registry;
pub mod render;
pub mod serve;
pub mod serve_log;
pub mod verify;
pub mod verify_log;

/// Prints a load error the way diagnostics are printed, with a help line.
pub fn report_load_error(e: &dtsec_model::LoadError) {
    eprintln!("error: {e}");
    eprintln!("  = help: {}", e.help());
}
