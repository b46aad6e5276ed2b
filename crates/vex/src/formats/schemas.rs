//! The formats' JSON schemas, committed in `schemas/` (sources and licences in
//! `schemas/README.md`) so validation runs offline: CycloneDX 1.6 (with the SPDX licence list
//! and JSF schemas it refers to), CSAF 2.0 (with FIRST's CVSS schemas) and OpenVEX 0.2.0.
//! References are resolved from these copies only; nothing is fetched. A committed schema that
//! does not parse or compile is a build defect, caught by the tests, hence the `expect`s.

use std::sync::OnceLock;

use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

use super::Format;
use crate::error::VexError;

const BOM_16: &str = include_str!("../../schemas/bom-1.6.schema.json");
const SPDX: &str = include_str!("../../schemas/spdx.schema.json");
const JSF: &str = include_str!("../../schemas/jsf-0.82.schema.json");
const CSAF: &str = include_str!("../../schemas/csaf_json_schema.json");
const CVSS_V2: &str = include_str!("../../schemas/cvss-v2.0.json");
const CVSS_V30: &str = include_str!("../../schemas/cvss-v3.0.json");
const CVSS_V31: &str = include_str!("../../schemas/cvss-v3.1.json");
const OPENVEX: &str = include_str!("../../schemas/openvex_json_schema.json");
const CSAF_PROVIDER: &str = include_str!("../../schemas/provider_json_schema.json");

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("committed schema is JSON")
}

/// Resolves a schema's `$ref`s to the committed copies given; any other reference is refused.
struct Committed(&'static [(&'static str, &'static str)]);

impl Retrieve for Committed {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .iter()
            .find(|(known, _)| *known == uri.as_str())
            .map(|(_, text)| json(text))
            .ok_or_else(|| format!("schema {uri} is not committed in dtsec-vex").into())
    }
}

fn build(main: &str, resources: &'static [(&'static str, &'static str)]) -> Validator {
    jsonschema::options()
        .with_retriever(Committed(resources))
        .build(&json(main))
        .expect("committed schema compiles")
}

/// The validator of a format, compiled from the committed schemas once per process.
///
/// Why: compiling takes tens of milliseconds, which is more than validating a typical document
/// (a VEX statement list of a few kilobytes) costs; a process that imports many documents (the
/// registry's server, the fuzzer, which tries every input as each format) paid it per document.
/// What is kept is immutable and built from committed text only.
fn validator(format: Format) -> &'static Validator {
    static CYCLONEDX: OnceLock<Validator> = OnceLock::new();
    static CSAF_DOC: OnceLock<Validator> = OnceLock::new();
    static OPENVEX_DOC: OnceLock<Validator> = OnceLock::new();
    match format {
        Format::Cyclonedx => CYCLONEDX.get_or_init(|| compile(format)),
        Format::Csaf => CSAF_DOC.get_or_init(|| compile(format)),
        Format::Openvex => OPENVEX_DOC.get_or_init(|| compile(format)),
    }
}

/// Compiles a format's validator from the committed schemas.
fn compile(format: Format) -> Validator {
    match format {
        Format::Cyclonedx => build(
            BOM_16,
            &[
                ("http://cyclonedx.org/schema/spdx.schema.json", SPDX),
                ("http://cyclonedx.org/schema/jsf-0.82.schema.json", JSF),
            ],
        ),
        Format::Csaf => build(
            CSAF,
            &[
                ("https://www.first.org/cvss/cvss-v2.0.json", CVSS_V2),
                ("https://www.first.org/cvss/cvss-v3.0.json", CVSS_V30),
                ("https://www.first.org/cvss/cvss-v3.1.json", CVSS_V31),
            ],
        ),
        Format::Openvex => build(OPENVEX, &[]),
    }
}

/// Validates a document against its format's schema; the error names the first failing JSON
/// pointer and the validator's reason.
pub fn validate(format: Format, doc: &Value) -> Result<(), VexError> {
    if let Some(e) = validator(format).iter_errors(doc).next() {
        return Err(VexError::Schema {
            format: format.name(),
            at: e.instance_path().to_string(),
            message: e.to_string(),
        });
    }
    Ok(())
}

/// Validates a CSAF 2.0 provider metadata document (`provider-metadata.json`, CSAF §7.1.7)
/// against its committed schema. Why here: a registry that publishes notices serves one, and an
/// aggregator refuses a provider whose metadata does not validate; the schema refers to the CSAF
/// document schema (publisher), which this crate already commits.
///
/// Compiled once per process, as the formats' validators are (`validator`): it embeds the
/// whole CSAF document schema, so compiling it costs more than validating a metadata document.
pub fn validate_provider_metadata(doc: &Value) -> Result<(), VexError> {
    static PROVIDER: OnceLock<Validator> = OnceLock::new();
    let validator = PROVIDER.get_or_init(|| {
        build(
            CSAF_PROVIDER,
            &[
                (
                    "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
                    CSAF,
                ),
                ("https://www.first.org/cvss/cvss-v2.0.json", CVSS_V2),
                ("https://www.first.org/cvss/cvss-v3.0.json", CVSS_V30),
                ("https://www.first.org/cvss/cvss-v3.1.json", CVSS_V31),
            ],
        )
    });
    if let Some(e) = validator.iter_errors(doc).next() {
        return Err(VexError::Schema {
            format: "CSAF provider metadata",
            at: e.instance_path().to_string(),
            message: e.to_string(),
        });
    }
    Ok(())
}
