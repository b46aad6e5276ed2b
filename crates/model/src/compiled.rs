//! The built-in documents in a form that loads without a YAML parse.
//!
//! Why: every `dtsec check` of an ST needs the PP it claims, and the built-in CDD PP is 125 KB of
//! YAML; reading it with positions kept cost more than all the rules together (see
//! `docs/notes/startup.md`). `cargo xtask gen-builtins` parses each built-in once, at
//! development time, and commits the result as MessagePack (`builtin/compiled/*.mpk`, with an
//! index in `generated_builtins.rs`); at run time the library decodes that instead. Positions
//! are kept ([`crate::Spanned`] writes its span in binary formats), so a related note still
//! points at `builtin:cdd-pp-2.0.yaml` at the line the YAML has, and the YAML text itself stays
//! built in for the snippets that diagnostics show.
//!
//! Staying true to the YAML: the index records each YAML file's length, and a built-in whose
//! text no longer has that length is parsed from YAML as before (slower, never wrong). A test
//! regenerates everything in memory and fails when a committed file differs, naming the command
//! that refreshes them; so does `cargo xtask gen-builtins --check`.

use crate::document::Document;
use crate::library::{BuiltinFormat, BuiltinSource};
use crate::load::{LoadError, parse_document};
use crate::source::SourceFile;

/// A built-in document's compiled form, as listed in the generated index.
#[derive(Clone, Copy, Debug)]
pub struct CompiledBuiltin {
    /// File name of the YAML it was made from (`cdd-pp-2.0.yaml`).
    pub name: &'static str,
    /// Length in bytes of that YAML when it was compiled: a cheap guard against a stale form.
    pub yaml_len: usize,
    /// The document's id, so the library can answer "which documents are there" unread.
    pub id: &'static str,
    /// The document's version.
    pub version: &'static str,
    /// The document as MessagePack (see [`encode`]).
    pub bytes: &'static [u8],
}

/// The committed compiled forms.
pub fn all() -> &'static [CompiledBuiltin] {
    crate::generated_builtins::COMPILED
}

/// The compiled form of the built-in `source`, if one is committed and made from text of the
/// same length.
pub fn for_builtin(
    compiled: &'static [CompiledBuiltin],
    source: &BuiltinSource,
) -> Option<&'static CompiledBuiltin> {
    compiled
        .iter()
        .find(|c| c.name == source.name && c.yaml_len == source.text.len())
}

/// Why a document could not be turned into, or read back from, its compiled form.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompiledError {
    /// Writing MessagePack failed (a bug: every model value can be written).
    #[error("cannot encode {name}: {source}")]
    Encode {
        /// The built-in's file name.
        name: String,
        /// The cause.
        source: rmp_serde::encode::Error,
    },
    /// The bytes are not a document of this model (stale after a model change: regenerate).
    #[error("compiled form is not a document of this version of dtsec: {0}")]
    Decode(#[from] rmp_serde::decode::Error),
    /// The built-in's YAML does not parse (a bug in a built-in; tests keep this empty).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A built-in in another language (NIAP XML) could not be read by the reader given to
    /// [`generate_with`], or no reader was given.
    #[error("cannot read builtin:{name}: {message}")]
    Foreign {
        /// The built-in's file name.
        name: String,
        /// What the reader said.
        message: String,
    },
}

/// Reads a built-in written in NIAP XML into the model: the generator's caller passes
/// `dtsec-niap`'s reader, which this crate cannot depend on.
pub type ForeignReader<'a> = &'a dyn Fn(&SourceFile) -> Result<Document, String>;

/// The compiled form of a document: MessagePack with field names, so the model's defaults and
/// optional fields read back as from YAML, and spans written beside every spanned value.
pub fn encode(name: &str, document: &Document) -> Result<Vec<u8>, CompiledError> {
    rmp_serde::to_vec_named(document).map_err(|source| CompiledError::Encode {
        name: name.to_owned(),
        source,
    })
}

/// Reads a document back from [`encode`]'s bytes.
pub fn decode(bytes: &[u8]) -> Result<Document, CompiledError> {
    Ok(rmp_serde::from_slice(bytes)?)
}

/// A file the generator writes, relative to the model crate's directory.
#[derive(Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path under `crates/model/`, with `/` separators.
    pub path: String,
    /// Its whole content.
    pub contents: Vec<u8>,
}

/// Where the index of compiled forms lives, under `crates/model/`.
pub const INDEX_PATH: &str = "src/generated_builtins.rs";

/// [`generate_with`] for YAML built-ins only: a NIAP XML built-in is an error.
pub fn generate(builtins: &[BuiltinSource]) -> Result<Vec<GeneratedFile>, CompiledError> {
    generate_with(builtins, &|_| {
        Err("the NIAP XML reader is not available here (cargo xtask gen-builtins has it)".into())
    })
}

/// Every file `cargo xtask gen-builtins` writes for `builtins`: one `.mpk` per document and
/// the index. YAML is parsed here; NIAP XML by `foreign`. Deterministic: the same text gives
/// the same bytes.
pub fn generate_with(
    builtins: &[BuiltinSource],
    foreign: ForeignReader<'_>,
) -> Result<Vec<GeneratedFile>, CompiledError> {
    let mut files = Vec::new();
    let mut index = String::from(
        "//! The built-in documents' compiled form (see `crate::compiled`): generated by\n\
         //! `cargo xtask gen-builtins` from `builtin/*.yaml` and `builtin/niap/*.xml`; do not edit.\n\
         \n\
         use crate::compiled::CompiledBuiltin;\n\
         \n\
         /// One entry per built-in, in the order of `BUILTINS`.\n\
         pub(crate) const COMPILED: &[CompiledBuiltin] = &[\n",
    );
    for b in builtins {
        let source = SourceFile::new(format!("builtin:{}", b.name), b.text);
        let document = match b.format {
            BuiltinFormat::Yaml => parse_document(&source)?,
            BuiltinFormat::NiapXml => {
                foreign(&source).map_err(|message| CompiledError::Foreign {
                    name: b.name.to_owned(),
                    message,
                })?
            }
        };
        let bytes = encode(b.name, &document)?;
        let stem = b.name.rsplit('/').next().unwrap_or(b.name);
        let stem = stem
            .strip_suffix(".yaml")
            .or_else(|| stem.strip_suffix(".xml"))
            .unwrap_or(stem);
        let file = format!("builtin/compiled/{stem}.mpk");
        index.push_str(&format!(
            "    CompiledBuiltin {{\n        name: {:?},\n        yaml_len: {},\n        id: {:?},\n        version: {:?},\n        bytes: include_bytes!(\"../{file}\"),\n    }},\n",
            b.name,
            b.text.len(),
            document.id.value,
            document.version.value,
        ));
        files.push(GeneratedFile {
            path: file,
            contents: bytes,
        });
    }
    index.push_str("];\n");
    files.push(GeneratedFile {
        path: INDEX_PATH.to_owned(),
        contents: index.into_bytes(),
    });
    Ok(files)
}
