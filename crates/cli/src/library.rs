//! Building the library of claimable documents from the command line and the environment.

use std::path::PathBuf;

use dtsec_model::{Library, LoadError, LoadedDocument, Origin, load_document};

use crate::PpArgs;

/// The built-ins, plus `--pp` files, `--pp-path` directories and `DTSEC_PP_PATH`.
pub fn build(args: &PpArgs) -> Result<Library, LoadError> {
    let mut lib = Library::with_builtins();
    let mut dirs: Vec<PathBuf> = args.pp_path.clone();
    if let Some(env) = std::env::var_os("DTSEC_PP_PATH") {
        dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
    }
    for dir in dirs {
        lib.add_search_dir(&dir)?;
    }
    for file in &args.pp {
        let (source, document) = load_document(file)?;
        lib.add(LoadedDocument {
            source,
            document,
            origin: Origin::File(file.clone()),
        });
    }
    Ok(lib)
}
