//! Finding the PPs and packages a document claims: built-in ones and a search path.
//!
//! Claims name a document by id and version; the library answers with the parsed document and
//! its source (for diagnostics that point into the PP). Built-in documents are read only when
//! first asked for, so a check that claims nothing pays nothing for them, and from their
//! compiled form (`crate::compiled`), whose index also gives their ids and versions unread. The
//! library is a value passed in by the caller — there is no global registry.
//!
//! Files of a search directory are read the same way, on first need ([`Library::add_deferred_dir`]):
//! a directory of NIAP PPs costs nothing for a check that claims none of them, and a claim of
//! `mobile-device` reads only the files whose names can hold that id (issue 16: every file was
//! parsed on every run, ~23 ms per MB).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::compiled::{self, CompiledBuiltin};
use dtsec_catalog::Edition;

use crate::document::Document;
use crate::edition::{EditionError, EditionMap, derive, document_edition};
use crate::load::{LoadError, parse_document, read_source};
use crate::source::SourceFile;

/// A parsed document with its source and where it came from.
#[derive(Debug)]
pub struct LoadedDocument {
    /// The text, for diagnostics.
    pub source: SourceFile,
    /// The parsed document.
    pub document: Document,
    /// Where it was found.
    pub origin: Origin,
}

/// Where a library document came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Shipped inside dtsec.
    Builtin,
    /// Read from a file.
    File(PathBuf),
}

/// A built-in document: name and text, embedded at build time.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinSource {
    /// File name, shown as `builtin:NAME`.
    pub name: &'static str,
    /// The text (dtsec YAML, or NIAP XML: see [`BuiltinFormat`]).
    pub text: &'static str,
    /// How the text is written.
    pub format: BuiltinFormat,
}

/// The language of a built-in's text.
///
/// Why two: the CDD PP is written in dtsec's YAML, but the TLS Functional Package it requires is
/// NIAP's own XML, built in unchanged so that what dtsec holds an ST to is NIAP's text, not a
/// re-typed copy. This crate cannot read NIAP XML (that reader, `dtsec-niap`, sits above it);
/// the XML is read once by `cargo xtask gen-builtins` into the compiled form, which is what the
/// library loads, and the XML text stays built in for the snippets diagnostics show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinFormat {
    /// dtsec YAML: parsed here when its compiled form is missing or stale.
    Yaml,
    /// NIAP PP/Package XML: usable only through its compiled form.
    NiapXml,
}

/// The built-in documents: dtsec's CDD Protection Profile (1.0 and 2.0), its packages and, for
/// 2.0, its PP-Modules; and NIAP's Functional Package for TLS 2.1, which 2.0 requires of a TOE
/// part that selects TLS.
pub const BUILTINS: &[BuiltinSource] = &[
    BuiltinSource {
        name: "cdd-pp.yaml",
        text: include_str!("../builtin/cdd-pp.yaml"),
        format: BuiltinFormat::Yaml,
    },
    BuiltinSource {
        name: "cdd-eb.yaml",
        text: include_str!("../builtin/cdd-eb.yaml"),
        format: BuiltinFormat::Yaml,
    },
    BuiltinSource {
        name: "cdd-moderate.yaml",
        text: include_str!("../builtin/cdd-moderate.yaml"),
        format: BuiltinFormat::Yaml,
    },
    BuiltinSource {
        name: "cdd-pp-2.0.yaml",
        text: include_str!("../builtin/cdd-pp-2.0.yaml"),
        format: BuiltinFormat::Yaml,
    },
    BuiltinSource {
        name: "cdd-eb-2.0.yaml",
        text: include_str!("../builtin/cdd-eb-2.0.yaml"),
        format: BuiltinFormat::Yaml,
    },
    BuiltinSource {
        name: "cdd-moderate-2.0.yaml",
        text: include_str!("../builtin/cdd-moderate-2.0.yaml"),
        format: BuiltinFormat::Yaml,
    },
    BuiltinSource {
        name: "cdd-cloud-2.0.yaml",
        text: include_str!("../builtin/cdd-cloud-2.0.yaml"),
        format: BuiltinFormat::Yaml,
    },
    BuiltinSource {
        name: "cdd-app-2.0.yaml",
        text: include_str!("../builtin/cdd-app-2.0.yaml"),
        format: BuiltinFormat::Yaml,
    },
    BuiltinSource {
        name: "niap/tls.xml",
        text: include_str!("../builtin/niap/tls.xml"),
        format: BuiltinFormat::NiapXml,
    },
];

/// Reads a search-path file into a document (the caller's reader: YAML or NIAP XML), or says
/// why it is not one. A file that is not claimable answers [`LoadError::NotClaimable`].
pub type FileReader = dyn Fn(&Path) -> Result<(SourceFile, Document), LoadError> + Send + Sync;

/// A search-path file not read yet.
struct DeferredFile {
    path: PathBuf,
    /// The lowercased file stem when the document's id is known to derive from it (NIAP XML:
    /// the id is the stem without a `-VERSION` suffix), so a lookup by id can pass over the
    /// files that cannot hold it without reading them. `None`: the id is inside the file.
    stem: Option<String>,
    read: Arc<FileReader>,
}

impl DeferredFile {
    /// Could this file be the document `id`? Only false when its name rules it out.
    fn could_be(&self, id: &str) -> bool {
        match &self.stem {
            None => true,
            Some(stem) => {
                let id = id.to_ascii_lowercase();
                stem == &id
                    || stem
                        .strip_prefix(id.as_str())
                        .is_some_and(|rest| rest.starts_with('-'))
                    || (stem.is_empty() && id == "niap-document")
            }
        }
    }
}

struct Entry {
    builtin: Option<BuiltinSource>,
    /// A search-path file read on first need.
    file: Option<DeferredFile>,
    /// The built-in's compiled form, when one is committed for its current text.
    compiled: Option<&'static CompiledBuiltin>,
    loaded: OnceLock<Result<LoadedDocument, LoadError>>,
    /// id and version, known without a full parse for built-ins after first load; for files,
    /// filled at load time.
    key: OnceLock<(String, String)>,
    /// The document derived for CC 3.1 R5 by the committed mapping, made on first request.
    derived: OnceLock<Result<LoadedDocument, EditionError>>,
}

/// The documents available to satisfy claims.
///
/// `Send + Sync` (its lazily read entries are `OnceLock`s), so a server builds one at start and
/// shares it between requests instead of decoding the built-ins again for each.
pub struct Library {
    entries: Vec<Entry>,
    /// Files on the search path that could not be read, kept to report, not to stop the check.
    pub problems: Vec<LoadError>,
    /// The CC:2022 R1 → CC 3.1 R5 component mapping, read on first use.
    edition_map: OnceLock<Result<EditionMap, EditionError>>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl Library {
    /// A library with no documents.
    pub fn empty() -> Library {
        Library {
            entries: Vec::new(),
            problems: Vec::new(),
            edition_map: OnceLock::new(),
        }
    }

    /// A library holding the built-in documents.
    pub fn with_builtins() -> Library {
        Library::with_sources(BUILTINS, compiled::all())
    }

    /// A library holding `builtins`, read from `compiled` where it has their compiled form
    /// (tests give stale or missing forms here to see the YAML used instead).
    pub fn with_sources(
        builtins: &[BuiltinSource],
        compiled: &'static [CompiledBuiltin],
    ) -> Library {
        let mut lib = Library::empty();
        for b in builtins {
            let compiled = compiled::for_builtin(compiled, b);
            let key = OnceLock::new();
            if let Some(c) = compiled {
                let _ = key.set((c.id.to_owned(), c.version.to_owned()));
            }
            lib.entries.push(Entry {
                builtin: Some(*b),
                file: None,
                compiled,
                loaded: OnceLock::new(),
                key,
                derived: OnceLock::new(),
            });
        }
        lib
    }

    /// True when every built-in is read from its compiled form (false means some compiled
    /// form is missing or stale: `cargo xtask gen-builtins` refreshes them).
    pub fn builtins_compiled(&self) -> bool {
        self.entries
            .iter()
            .filter(|e| e.builtin.is_some())
            .all(|e| e.compiled.is_some())
    }

    /// Adds a document read from `source` and parsed as `document`, found at `path`: the one way a
    /// caller that loaded a file itself (YAML here, NIAP XML in the CLI) puts it in the library.
    pub fn add_file(&mut self, path: PathBuf, source: SourceFile, document: Document) {
        self.add(LoadedDocument {
            source,
            document,
            origin: Origin::File(path),
        });
    }

    /// Loads a YAML document from `path` (as [`crate::load_document`]) and adds it.
    pub fn add_yaml_file(&mut self, path: &Path) -> Result<(), LoadError> {
        let (source, document) = crate::load_document(path)?;
        self.add_file(path.to_path_buf(), source, document);
        Ok(())
    }

    /// Adds a parsed document (e.g. a PP given on the command line).
    pub fn add(&mut self, doc: LoadedDocument) {
        let key = (
            doc.document.id.value.clone(),
            doc.document.version.value.clone(),
        );
        let entry = Entry {
            builtin: None,
            file: None,
            compiled: None,
            loaded: OnceLock::from(Ok(doc)),
            key: OnceLock::from(key),
            derived: OnceLock::new(),
        };
        // Later additions win over built-ins of the same id and version.
        self.entries.insert(0, entry);
    }

    /// Adds every `*.yaml`/`*.yml` document in a directory that is a PP, module or package.
    /// Unreadable files are recorded in [`Library::problems`].
    pub fn add_search_dir(&mut self, dir: &Path) -> Result<usize, LoadError> {
        let read = std::fs::read_dir(dir).map_err(|source| LoadError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = read
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        paths.sort();
        let mut added = 0;
        for path in paths {
            match read_source(&path).and_then(|s| parse_document(&s).map(|d| (s, d))) {
                Ok((source, document)) if document.kind.value.is_claimable() => {
                    self.add_file(path, source, document);
                    added += 1;
                }
                Ok(_) => {}
                Err(e) => self.problems.push(e),
            }
        }
        Ok(added)
    }

    /// Adds every `*.yaml`, `*.yml` and `*.xml` file of `dir`, to be read by `read` when a
    /// lookup first needs it. Only the directory's listing is read now. XML files are NIAP's,
    /// whose id comes from the file name, so a lookup by id reads only the files that can hold it;
    /// YAML files carry their id inside and are read by the first lookup.
    pub fn add_deferred_dir(
        &mut self,
        dir: &Path,
        read: Arc<FileReader>,
    ) -> Result<usize, LoadError> {
        let listing = std::fs::read_dir(dir).map_err(|source| LoadError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut yaml = Vec::new();
        let mut xml = Vec::new();
        for path in listing.filter_map(Result::ok).map(|e| e.path()) {
            match path.extension().and_then(|e| e.to_str()) {
                Some("yaml" | "yml") => yaml.push(path),
                Some("xml") => xml.push(path),
                _ => {}
            }
        }
        yaml.sort();
        xml.sort();
        let added = yaml.len() + xml.len();
        for path in yaml {
            self.add_deferred(path, None, read.clone());
        }
        for path in xml {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_ascii_lowercase());
            self.add_deferred(path, stem, read.clone());
        }
        Ok(added)
    }

    fn add_deferred(&mut self, path: PathBuf, stem: Option<String>, read: Arc<FileReader>) {
        // Later additions win over earlier ones and the built-ins, as with `add`.
        self.entries.insert(
            0,
            Entry {
                builtin: None,
                file: Some(DeferredFile { path, stem, read }),
                compiled: None,
                loaded: OnceLock::new(),
                key: OnceLock::new(),
                derived: OnceLock::new(),
            },
        );
    }

    /// Could `entry` be the document `id`, judged without reading it?
    fn could_be(entry: &Entry, id: &str) -> bool {
        if let Some((eid, _)) = entry.key.get() {
            return eid == id;
        }
        entry.file.as_ref().is_none_or(|f| f.could_be(id))
    }

    fn load_entry(entry: &Entry) -> &Result<LoadedDocument, LoadError> {
        entry.loaded.get_or_init(|| {
            if let Some(f) = &entry.file {
                return (f.read)(&f.path).and_then(|(source, document)| {
                    if document.kind.value.is_claimable() {
                        Ok(LoadedDocument {
                            source,
                            document,
                            origin: Origin::File(f.path.clone()),
                        })
                    } else {
                        Err(LoadError::NotClaimable {
                            path: f.path.display().to_string(),
                        })
                    }
                });
            }
            let b = entry
                .builtin
                .expect("entries without a built-in source are created loaded");
            let source = SourceFile::new(format!("builtin:{}", b.name), b.text);
            // A compiled form that does not decode (made by another version of the model) is
            // a slower start, not a failure: the YAML is still here.
            if let Some(document) = entry.compiled.and_then(|c| compiled::decode(c.bytes).ok()) {
                return Ok(LoadedDocument {
                    source,
                    document,
                    origin: Origin::Builtin,
                });
            }
            if b.format == BuiltinFormat::NiapXml {
                return Err(LoadError::BuiltinNotCompiled { name: b.name });
            }
            parse_document(&source).map(|document| LoadedDocument {
                source,
                document,
                origin: Origin::Builtin,
            })
        })
    }

    fn key_of(entry: &Entry) -> Option<&(String, String)> {
        if let Some(k) = entry.key.get() {
            return Some(k);
        }
        match Self::load_entry(entry) {
            Ok(doc) => Some(entry.key.get_or_init(|| {
                (
                    doc.document.id.value.clone(),
                    doc.document.version.value.clone(),
                )
            })),
            Err(_) => None,
        }
    }

    /// Finds a document by id and version.
    pub fn find(&self, id: &str, version: &str) -> Option<&LoadedDocument> {
        self.entries.iter().find_map(|e| {
            if !Self::could_be(e, id) {
                return None;
            }
            let (eid, ever) = Self::key_of(e)?;
            if eid == id && ever == version {
                Self::load_entry(e).as_ref().ok()
            } else {
                None
            }
        })
    }

    /// Finds a document by id and version as it reads in `edition`: as written when it is
    /// written against that edition or the mapping was not made for it (the checker then
    /// reports the mismatch, DT-CONF-012), else derived by the committed mapping
    /// ([`crate::edition`]) — so an ST in either edition can claim the CDD PP 2.0. A derivation
    /// that fails (a bug the tests catch) also falls back to the document as written.
    pub fn find_in_edition(
        &self,
        id: &str,
        version: &str,
        edition: Edition,
    ) -> Option<&LoadedDocument> {
        match self.derived(id, version, edition) {
            Some(Ok(d)) => Some(d),
            _ => self.find(id, version),
        }
    }

    /// The document `id` `version` as `claimant` reads it: in the claimant's CC edition (see
    /// [`Library::find_in_edition`]), so a CC 3.1 R5 ST sees the CDD PP 2.0 derived for it.
    pub fn find_claimed_by(
        &self,
        claimant: &Document,
        id: &str,
        version: &str,
    ) -> Option<&LoadedDocument> {
        let edition = document_edition(claimant).unwrap_or_default();
        self.find_in_edition(id, version, edition)
    }

    /// The document `id` `version` derived for `edition`: `None` when there is no such
    /// document or nothing to derive (same edition, or no mapping made for it), otherwise the
    /// derived document or why it could not be derived. Derived once, on first request.
    pub fn derived(
        &self,
        id: &str,
        version: &str,
        edition: Edition,
    ) -> Option<Result<&LoadedDocument, &EditionError>> {
        let entry = self.entries.iter().find(|e| {
            Self::could_be(e, id)
                && Self::key_of(e).is_some_and(|(eid, ever)| eid == id && ever == version)
        })?;
        let doc = Self::load_entry(entry).as_ref().ok()?;
        if document_edition(&doc.document) == Some(edition) {
            return None;
        }
        let map = match self.edition_map.get_or_init(EditionMap::cc2022_to_cc31r5) {
            Ok(map) => map,
            Err(e) => return Some(Err(e)),
        };
        if map.to != edition
            || document_edition(&doc.document) != Some(map.from)
            || !map.covers(id, version)
        {
            return None;
        }
        Some(
            entry
                .derived
                .get_or_init(|| derive_loaded(doc, map))
                .as_ref(),
        )
    }

    /// The versions available for an id, oldest first (to suggest one when a claim names a
    /// missing version, or to pick the newest). Versions compare part by part, numerically
    /// where both parts are numbers, so `2.0` comes before `10.0`.
    pub fn versions_of(&self, id: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .entries
            .iter()
            .filter(|e| Self::could_be(e, id))
            .filter_map(|e| Self::key_of(e))
            .filter(|(eid, _)| eid == id)
            .map(|(_, ver)| ver.clone())
            .collect();
        v.sort_by(|a, b| compare_versions(a, b));
        v.dedup();
        v
    }

    /// Every document that loaded, in library order.
    pub fn documents(&self) -> impl Iterator<Item = &LoadedDocument> {
        self.entries
            .iter()
            .filter_map(|e| Self::load_entry(e).as_ref().ok())
    }

    /// The documents parsed so far, without parsing any more (for showing related sources of
    /// findings, which can only point into documents a check already read).
    pub fn loaded(&self) -> impl Iterator<Item = &LoadedDocument> {
        self.entries
            .iter()
            .filter_map(|e| e.loaded.get().and_then(|r| r.as_ref().ok()))
    }

    /// Search-path files read so far that could not be used (unreadable, malformed, or not a
    /// PP, module or package), for a caller that wants to mention them.
    pub fn deferred_problems(&self) -> Vec<&LoadError> {
        self.entries
            .iter()
            .filter(|e| e.file.is_some())
            .filter_map(|e| e.loaded.get().and_then(|r| r.as_ref().err()))
            .collect()
    }

    /// Built-in documents that failed to parse (a bug in dtsec; tests keep this empty).
    pub fn builtin_errors(&self) -> Vec<&LoadError> {
        self.entries
            .iter()
            .filter(|e| e.builtin.is_some())
            .filter_map(|e| Self::load_entry(e).as_ref().err())
            .collect()
    }
}

/// Derives `doc` by `map` and reads the result back from its YAML text, so that positions in
/// findings about the derived document point at its own lines.
fn derive_loaded(doc: &LoadedDocument, map: &EditionMap) -> Result<LoadedDocument, EditionError> {
    let derived = derive(&doc.document, map)?;
    let name = format!("{} {}", derived.id.value, derived.version.value);
    let yaml_error = |message: String| EditionError::Yaml {
        document: name.clone(),
        message,
    };
    let yaml = serde_saphyr::to_string(&derived).map_err(|e| yaml_error(e.to_string()))?;
    let text = format!(
        "# {name} for {}, derived by dtsec from {} by the component mapping in docs/cc-editions.md.\n{yaml}",
        map.to.label(),
        doc.source.name
    );
    let source = SourceFile::new(
        format!("{} [derived for {}]", doc.source.name, map.to.label()),
        text,
    );
    let document = parse_document(&source).map_err(|e| yaml_error(e.to_string()))?;
    Ok(LoadedDocument {
        source,
        document,
        origin: doc.origin.clone(),
    })
}

/// Orders version strings part by part (`.`-separated), numerically where both parts are
/// numbers and as text otherwise.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let mut x = a.split('.');
    let mut y = b.split('.');
    loop {
        match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(p), Some(q)) => {
                let ord = match (p.parse::<u64>(), q.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    _ => p.cmp(q),
                };
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

#[cfg(test)]
mod sync_tests {
    /// A server shares one library between its request handlers.
    #[test]
    fn library_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::Library>();
    }
}
