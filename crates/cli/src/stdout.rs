//! Writing to standard output at the edge of the program.
//!
//! A closed pipe (`dtsec catalog list | head`) is not an error worth a panic: the reader has what
//! it wanted, so dtsec stops quietly with status 0, as Unix tools do.

use std::io::Write;

use crate::error::{CliError, Exit};

/// Writes `text` to standard output; exits quietly if the pipe is closed.
pub fn write(text: &str) {
    let mut lock = std::io::stdout().lock();
    if let Err(e) = lock.write_all(text.as_bytes()).and_then(|()| lock.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(Exit::Success.code().into());
        }
        // Output that cannot be written leaves nothing to return a result to: stop here.
        let error = CliError::unusable(format!("cannot write to standard output: {e}"));
        crate::error::print(&error);
        std::process::exit(error.exit().code().into());
    }
}
