//! Building the library of claimable documents from the command line and the environment.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dtsec_model::{Document, Library, LoadError, SourceFile};

use crate::PpArgs;
use crate::input::{InputError, load};

/// The built-ins, plus `--pp` files, `--pp-path` directories and `DTSEC_PP_PATH`. Files may be
/// dtsec YAML or NIAP XML.
///
/// Search directories are only listed here: a file in them is read when a claim first needs it
/// (`Library::add_deferred_dir`), so a directory of NIAP PPs costs a check that claims none of
/// them nothing, and a claim reads only the files that can hold its id.
pub fn build(args: &PpArgs) -> Result<Library, InputError> {
    let mut lib = Library::with_builtins();
    let mut dirs: Vec<PathBuf> = args.pp_path.clone();
    if let Some(env) = std::env::var_os("DTSEC_PP_PATH") {
        dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
    }
    let reader: Arc<dtsec_model::library::FileReader> = Arc::new(read_search_file);
    for dir in dirs {
        lib.add_deferred_dir(&dir, reader.clone())
            .map_err(InputError::Load)?;
    }
    for file in &args.pp {
        let input = load(file)?;
        lib.add_file(file.clone(), input.source, input.document);
    }
    Ok(lib)
}

/// One search-path file, YAML or NIAP XML, read as `check` reads its input.
fn read_search_file(path: &Path) -> Result<(SourceFile, Document), LoadError> {
    match load(path) {
        Ok(input) => Ok((input.source, input.document)),
        Err(InputError::Load(e)) => Err(e),
        Err(InputError::Import(e)) => {
            let (line, column) = e.position().unwrap_or((0, 0));
            Err(LoadError::Syntax {
                path: path.display().to_string(),
                line,
                column,
                message: e.to_string(),
            })
        }
    }
}
