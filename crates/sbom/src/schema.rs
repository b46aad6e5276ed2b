//! The JSON schemas each declared version is validated against, compiled once per
//! [`SchemaSet`] (owned by the caller, not global), with the one known false alarm of the
//! CycloneDX JSF signature schema tolerated.
//!
//! Which schema checks which version: CycloneDX 1.5, 1.6 and 1.7 their own; 1.4 with 1.5's (the
//! 1.4 schema is not vendored, and 1.5 only added fields, so a valid 1.4 BOM passes it); SPDX
//! 2.2 and 2.3 with the SPDX 2.3 schema (2.3 only added fields). See `schemas/README.md`.

use crate::error::Violation;
use jsonschema::error::ValidationErrorKind;
use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;
use std::sync::OnceLock;

const BOM_15: &str = include_str!("../schemas/bom-1.5.schema.json");
const BOM_16: &str = include_str!("../schemas/bom-1.6.schema.json");
const BOM_17: &str = include_str!("../schemas/bom-1.7.schema.json");
const SPDX_LICENSES: &str = include_str!("../schemas/spdx.schema.json");
const JSF: &str = include_str!("../schemas/jsf-0.82.schema.json");
const SPDX_23: &str = include_str!("../schemas/spdx-2.3-schema.json");
/// bom-1.7 refers to two enums in `cryptography-defs.schema.json`, which is not vendored: they
/// are checked as strings only.
const CRYPTO_DEFS: &str = r#"{"$id":"http://cyclonedx.org/schema/cryptography-defs.schema.json","definitions":{"algorithmFamiliesEnum":{"type":"string"},"ellipticCurvesEnum":{"type":"string"}}}"#;

/// Which schema a document is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaId {
    /// CycloneDX 1.5 (also used for 1.4).
    Bom15,
    /// CycloneDX 1.6.
    Bom16,
    /// CycloneDX 1.7.
    Bom17,
    /// SPDX 2.3 (also used for 2.2).
    Spdx23,
}

/// Compiled validators, built on first use. Building the CycloneDX ones takes tens of
/// milliseconds, so a long-lived caller keeps one set.
#[derive(Default)]
pub struct SchemaSet {
    bom15: OnceLock<Result<Validator, String>>,
    bom16: OnceLock<Result<Validator, String>>,
    bom17: OnceLock<Result<Validator, String>>,
    spdx23: OnceLock<Result<Validator, String>>,
}

fn parse(text: &str) -> Value {
    // The texts are our own vendored files; a parse failure is caught by the unit test below.
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn compile(id: SchemaId) -> Result<Validator, String> {
    let (main, cyclonedx) = match id {
        SchemaId::Bom15 => (BOM_15, true),
        SchemaId::Bom16 => (BOM_16, true),
        SchemaId::Bom17 => (BOM_17, true),
        SchemaId::Spdx23 => (SPDX_23, false),
    };
    let mut opts = jsonschema::options().should_validate_formats(true);
    if cyclonedx {
        opts = opts.with_retriever(Bundled);
    } else {
        opts = opts.offline();
    }
    opts.build(&parse(main)).map_err(|e| e.to_string())
}

/// Resolves the CycloneDX schemas' `$ref`s to the copies built into this crate; any other
/// reference is refused (validation never reaches the network).
struct Bundled;

impl Retrieve for Bundled {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = match uri.as_str() {
            "http://cyclonedx.org/schema/spdx.schema.json" => SPDX_LICENSES,
            "http://cyclonedx.org/schema/jsf-0.82.schema.json" => JSF,
            "http://cyclonedx.org/schema/cryptography-defs.schema.json" => CRYPTO_DEFS,
            other => return Err(format!("schema {other} is not built into dtsec").into()),
        };
        Ok(parse(text))
    }
}

impl SchemaSet {
    /// An empty set; validators are compiled when first needed.
    pub fn new() -> SchemaSet {
        SchemaSet::default()
    }

    fn validator(&self, id: SchemaId) -> Result<&Validator, String> {
        let cell = match id {
            SchemaId::Bom15 => &self.bom15,
            SchemaId::Bom16 => &self.bom16,
            SchemaId::Bom17 => &self.bom17,
            SchemaId::Spdx23 => &self.spdx23,
        };
        cell.get_or_init(|| compile(id))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Every schema violation of `doc` (at most `cap`), as `SBOM-SCHEMA` violations.
    pub fn validate(&self, id: SchemaId, doc: &Value, cap: usize) -> Vec<Violation> {
        let validator = match self.validator(id) {
            Ok(v) => v,
            Err(e) => {
                return vec![Violation {
                    rule: "SBOM-SCHEMA".into(),
                    pointer: String::new(),
                    message: format!(
                        "the built-in schema did not compile ({e}): report this as a bug"
                    ),
                }];
            }
        };
        validator
            .iter_errors(doc)
            .filter(|e| !is_jsf_one_of_quirk(e))
            .take(cap)
            .map(|e| Violation {
                rule: "SBOM-SCHEMA".into(),
                pointer: e.instance_path().as_str().to_string(),
                message: format!(
                    "{} (schema keyword `{}`): correct the value so it matches the schema",
                    e.masked(),
                    keyword(e.schema_path().as_str())
                ),
            })
            .collect()
    }
}

/// The failing keyword (`required`, `enum`, `pattern`, …): the last segment of the schema
/// path. The whole path is not shown: through shared `$ref`s it names the first place the
/// definition was reached, which misleads more than it helps.
pub fn keyword(schema_path: &str) -> &str {
    schema_path.rsplit('/').next().unwrap_or(schema_path)
}

/// JSF 0.82's `algorithm` is a `oneOf` of an enum of names and a URI string, so `"ES256"` matches
/// both branches and strict validators refuse every signed BOM (CycloneDX's own
/// `valid-signatures-1.6.json`). The schema intends "one of these forms"; a `oneOf` failing
/// because *several* branches match under a `signature` is that false alarm and nothing else.
fn is_jsf_one_of_quirk(e: &jsonschema::ValidationError<'_>) -> bool {
    matches!(e.kind(), ValidationErrorKind::OneOfMultipleValid { .. })
        && e.instance_path()
            .as_str()
            .split('/')
            .any(|seg| seg == "signature" || seg == "signers" || seg == "chain")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendored_schema_compiles() {
        let set = SchemaSet::new();
        for id in [
            SchemaId::Bom15,
            SchemaId::Bom16,
            SchemaId::Bom17,
            SchemaId::Spdx23,
        ] {
            assert!(
                set.validator(id).is_ok(),
                "{id:?}: {:?}",
                set.validator(id).err()
            );
        }
    }
}
