//! Building the library of claimable documents from the command line and the environment.

use std::path::PathBuf;

use dtsec_model::{Library, LoadError};

use crate::PpArgs;
use crate::input::{InputError, load};

/// The built-ins, plus `--pp` files, `--pp-path` directories and `DTSEC_PP_PATH`. Files may be
/// dtsec YAML or NIAP XML.
pub fn build(args: &PpArgs) -> Result<Library, InputError> {
    let mut lib = Library::with_builtins();
    let mut dirs: Vec<PathBuf> = args.pp_path.clone();
    if let Some(env) = std::env::var_os("DTSEC_PP_PATH") {
        dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
    }
    for dir in dirs {
        lib.add_search_dir(&dir).map_err(InputError::Load)?;
        add_xml_in(&mut lib, &dir)?;
    }
    for file in &args.pp {
        let input = load(file)?;
        lib.add_file(file.clone(), input.source, input.document);
    }
    Ok(lib)
}

/// NIAP XML documents in a search directory (YAML ones are the model's to read).
fn add_xml_in(lib: &mut Library, dir: &std::path::Path) -> Result<(), InputError> {
    let entries = std::fs::read_dir(dir).map_err(|source| {
        InputError::Load(LoadError::Io {
            path: dir.display().to_string(),
            source,
        })
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    paths.sort();
    for path in paths {
        // A file that is not a NIAP document is not a PP; skip it rather than fail the run.
        if let Ok(input) = load(&path)
            && input.document.kind.value.is_claimable()
        {
            lib.add_file(path, input.source, input.document);
        }
    }
    Ok(())
}
