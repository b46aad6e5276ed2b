//! Validation of OSCAL documents: the NIST 1.2.1 JSON Schemas, then what a schema cannot say.
//!
//! The schemas are committed in `schemas/` (NIST, public domain / CC0; see `schemas/README.md`)
//! because `dtsec oscal validate` runs anywhere, offline. Their patterns use Unicode property
//! classes (`\p{L}`), which the `regex` engine runs. The semantic checks are the ones trestle
//! users trip over: duplicate UUIDs and ids, params and controls that do not resolve, and
//! `#uuid` links that point at no back-matter resource.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::OscalError;

/// The OSCAL models, by their root key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Model {
    /// `catalog`.
    Catalog,
    /// `profile`.
    Profile,
    /// `component-definition`.
    ComponentDefinition,
    /// `system-security-plan`.
    SystemSecurityPlan,
    /// `assessment-plan`.
    AssessmentPlan,
    /// `assessment-results`.
    AssessmentResults,
    /// `plan-of-action-and-milestones`.
    Poam,
}

impl Model {
    /// Every model, in OSCAL's order.
    pub const ALL: [Model; 7] = [
        Model::Catalog,
        Model::Profile,
        Model::ComponentDefinition,
        Model::SystemSecurityPlan,
        Model::AssessmentPlan,
        Model::AssessmentResults,
        Model::Poam,
    ];

    /// The root key of a document of this model.
    pub fn root(self) -> &'static str {
        match self {
            Model::Catalog => "catalog",
            Model::Profile => "profile",
            Model::ComponentDefinition => "component-definition",
            Model::SystemSecurityPlan => "system-security-plan",
            Model::AssessmentPlan => "assessment-plan",
            Model::AssessmentResults => "assessment-results",
            Model::Poam => "plan-of-action-and-milestones",
        }
    }

    /// The committed NIST schema of the model.
    pub fn schema(self) -> &'static str {
        match self {
            Model::Catalog => include_str!("../schemas/oscal_catalog_schema.json"),
            Model::Profile => include_str!("../schemas/oscal_profile_schema.json"),
            Model::ComponentDefinition => include_str!("../schemas/oscal_component_schema.json"),
            Model::SystemSecurityPlan => include_str!("../schemas/oscal_ssp_schema.json"),
            Model::AssessmentPlan => include_str!("../schemas/oscal_assessment-plan_schema.json"),
            Model::AssessmentResults => {
                include_str!("../schemas/oscal_assessment-results_schema.json")
            }
            Model::Poam => include_str!("../schemas/oscal_poam_schema.json"),
        }
    }

    /// The model of a document, from its one root key.
    pub fn of(doc: &Value) -> Result<Model, OscalError> {
        let keys: Vec<&String> = doc
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        Model::ALL
            .into_iter()
            .find(|m| keys.iter().any(|k| *k == m.root()))
            .ok_or_else(|| OscalError::Shape {
                pointer: String::new(),
                message: format!(
                    "not an OSCAL document: the root object must have one of the keys {}",
                    Model::ALL.map(|m| format!("`{}`", m.root())).join(", ")
                ),
            })
    }
}

/// One thing wrong with a document: where (a JSON pointer), which rule, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer into the document.
    pub pointer: String,
    /// `schema`, or the semantic rule's name (`unique-uuid`, `param-resolves`, …).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The outcome of [`validate`].
#[derive(Clone, Debug)]
pub struct Report {
    /// The document's model.
    pub model: Model,
    /// Every problem found; empty when the document is valid.
    pub problems: Vec<Problem>,
}

/// Most problems reported for one document; more are counted in one last problem.
pub const MAX_PROBLEMS: usize = 1_000;

/// The compiled validator of a model's committed schema, built once per process.
///
/// Why: the schemas are large (55 KB of JSON for the catalog's, up to 150 KB for the others),
/// and parsing and compiling one costs far more than validating a typical document against it. A process that
/// validates many documents (the registry's server, a fuzzer) must not pay that per document.
/// A schema that fails to compile fails the same way every time, so the error is kept too.
fn validator(model: Model) -> Result<&'static jsonschema::Validator, OscalError> {
    // One slot per model, indexed by its place in `Model::ALL` (the declaration order).
    static COMPILED: [std::sync::OnceLock<Result<jsonschema::Validator, String>>;
        Model::ALL.len()] = [const { std::sync::OnceLock::new() }; Model::ALL.len()];
    let compiled = COMPILED[model as usize].get_or_init(|| {
        let schema: Value = serde_json::from_str(model.schema())
            .map_err(|e| format!("the committed {} schema does not parse: {e}", model.root()))?;
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .with_pattern_options(jsonschema::PatternOptions::regex())
            .build(&schema)
            .map_err(|e| {
                format!(
                    "the committed {} schema does not compile: {e}",
                    model.root()
                )
            })
    });
    compiled.as_ref().map_err(|message| OscalError::Shape {
        pointer: String::new(),
        message: message.clone(),
    })
}

/// Schema errors of `doc` against its model's committed 1.2.1 schema.
pub fn schema_problems(model: Model, doc: &Value) -> Result<Vec<Problem>, OscalError> {
    let validator = validator(model)?;
    let mut out = Vec::new();
    for error in validator.iter_errors(doc).take(MAX_PROBLEMS) {
        out.push(Problem {
            pointer: error.instance_path().to_string(),
            rule: "schema",
            message: shorten(&error.to_string()),
        });
    }
    Ok(out)
}

/// A schema message quotes the offending instance, which may be a whole group of controls;
/// the pointer already says where, so the message is cut.
fn shorten(message: &str) -> String {
    const MAX: usize = 300;
    if message.chars().count() <= MAX {
        return message.to_string();
    }
    let head: String = message.chars().take(MAX / 2).collect();
    let tail: Vec<char> = message.chars().rev().take(MAX / 2).collect();
    format!("{head} … {}", tail.into_iter().rev().collect::<String>())
}

/// Validates a document: its schema, then the semantic checks. `catalogs` are the catalogs
/// its `control-id`s and `param-id`s must resolve in (a catalog resolves in itself); without
/// any, references into controls are not checked.
pub fn validate(doc: &Value, catalogs: &[&Value]) -> Result<Report, OscalError> {
    let model = Model::of(doc)?;
    let mut problems = schema_problems(model, doc)?;
    problems.extend(semantic_problems(model, doc, catalogs));
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(Problem {
            pointer: String::new(),
            rule: "limit",
            message: format!("{more} more problems not shown"),
        });
    }
    Ok(Report { model, problems })
}

/// What a catalog defines: control ids and param ids.
#[derive(Default)]
struct Defined {
    controls: BTreeSet<String>,
    params: BTreeSet<String>,
}

fn defined_in(catalog: &Value, into: &mut Defined) {
    walk(catalog, &mut String::new(), &mut |ptr, key, v| {
        if key == "id"
            && let Some(id) = v.as_str()
        {
            if ptr.contains("/controls/") && !ptr.contains("/parts/") && !ptr.contains("/params/") {
                into.controls.insert(id.to_string());
            }
            if ptr.contains("/params/") {
                into.params.insert(id.to_string());
            }
        }
    });
}

/// Visits every object member as (pointer of the member, key, value).
fn walk(v: &Value, ptr: &mut String, f: &mut dyn FnMut(&str, &str, &Value)) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&k.replace('~', "~0").replace('/', "~1"));
                f(ptr, k, child);
                walk(child, ptr, f);
                ptr.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&i.to_string());
                walk(child, ptr, f);
                ptr.truncate(len);
            }
        }
        _ => {}
    }
}

/// The param ids named by `{{ insert: param, id }}` markers in a prose string.
fn inserted_params(prose: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = prose;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        if let Some(args) = inner.strip_prefix("insert:") {
            let mut it = args.split(',').map(str::trim);
            if it.next() == Some("param")
                && let Some(id) = it.next()
            {
                out.push(id);
            }
        }
        rest = &after[end + 2..];
    }
    out
}

/// A problem for each `{{ insert: param, id }}` in `text` that names no known param.
fn unresolved_inserts(
    ptr: &str,
    text: &str,
    known_param: &dyn Fn(&str) -> bool,
    problems: &mut Vec<Problem>,
) {
    for id in inserted_params(text) {
        if !known_param(id) {
            problems.push(Problem {
                pointer: ptr.to_string(),
                rule: "param-resolves",
                message: format!("`{{{{ insert: param, {id} }}}}` names no param"),
            });
        }
    }
}

fn semantic_problems(model: Model, doc: &Value, catalogs: &[&Value]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut uuids: BTreeMap<String, String> = BTreeMap::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut resources: BTreeSet<String> = BTreeSet::new();
    let mut local = Defined::default();
    if model == Model::Catalog {
        defined_in(doc, &mut local);
    }
    let mut external = Defined::default();
    for c in catalogs {
        defined_in(c, &mut external);
    }
    let check_refs = model == Model::Catalog || !catalogs.is_empty();
    // Params a profile or component may name also include the ones it defines itself.
    let mut own_params = BTreeSet::new();
    walk(doc, &mut String::new(), &mut |ptr, key, v| {
        if key == "id"
            && ptr.contains("/params/")
            && let Some(s) = v.as_str()
        {
            own_params.insert(s.to_string());
        }
        if key == "uuid"
            && ptr.contains("/back-matter/resources/")
            && let Some(s) = v.as_str()
        {
            resources.insert(s.to_string());
        }
    });
    let known_param = |id: &str| {
        local.params.contains(id) || external.params.contains(id) || own_params.contains(id)
    };
    let known_control = |id: &str| local.controls.contains(id) || external.controls.contains(id);
    let mut hrefs = Vec::new();
    let mut refs: Vec<(String, String, String)> = Vec::new();
    walk(doc, &mut String::new(), &mut |ptr, key, v| {
        let Some(s) = v.as_str() else {
            if key == "with-ids"
                && check_refs
                && let Some(list) = v.as_array()
            {
                for (i, id) in list.iter().enumerate() {
                    if let Some(id) = id.as_str()
                        && !known_control(id)
                    {
                        problems.push(Problem {
                            pointer: format!("{ptr}/{i}"),
                            rule: "control-resolves",
                            message: format!("control `{id}` is in none of the catalogs given"),
                        });
                    }
                }
            }
            // A selection's choices are strings in an array, which the walk does not visit.
            if key == "choice" && check_refs {
                for (i, c) in v.as_array().into_iter().flatten().enumerate() {
                    if let Some(text) = c.as_str() {
                        unresolved_inserts(
                            &format!("{ptr}/{i}"),
                            text,
                            &known_param,
                            &mut problems,
                        );
                    }
                }
            }
            return;
        };
        match key {
            "uuid" => {
                if let Some(first) = uuids.insert(s.to_string(), ptr.to_string()) {
                    problems.push(Problem {
                        pointer: ptr.to_string(),
                        rule: "unique-uuid",
                        message: format!(
                            "UUID {s} is also used at {first}; every UUID must be unique"
                        ),
                    });
                }
            }
            "id" if model == Model::Catalog || ptr.contains("/params/") => {
                if let Some(first) = ids.insert(s.to_string(), ptr.to_string()) {
                    problems.push(Problem {
                        pointer: ptr.to_string(),
                        rule: "unique-id",
                        message: format!(
                            "id `{s}` is also used at {first}; ids must be unique in a document"
                        ),
                    });
                }
            }
            "control-id" if check_refs && !known_control(s) => problems.push(Problem {
                pointer: ptr.to_string(),
                rule: "control-resolves",
                message: format!("control `{s}` is in none of the catalogs given"),
            }),
            "param-id" if check_refs && !known_param(s) => problems.push(Problem {
                pointer: ptr.to_string(),
                rule: "param-resolves",
                message: format!("param `{s}` is defined in none of the catalogs given"),
            }),
            "prose" | "description" | "statement" if check_refs => {
                unresolved_inserts(ptr, s, &known_param, &mut problems);
            }
            "href" => hrefs.push((ptr.to_string(), s.to_string())),
            "risk-uuid" | "actor-uuid" => {
                refs.push((ptr.to_string(), key.to_string(), s.to_string()))
            }
            _ => {}
        }
    });
    // A risk or a party is referenced by its UUID within the same document (an AR's or POA&M's
    // items name its own risks; origins name its own metadata parties).
    for (ptr, key, target) in refs {
        if !uuids.contains_key(&target) {
            problems.push(Problem {
                pointer: ptr,
                rule: "uuid-resolves",
                message: format!("`{key}` {target} names no object of this document"),
            });
        }
    }
    for (ptr, href) in hrefs {
        if let Some(frag) = href.strip_prefix('#')
            && !resources.contains(frag)
        {
            problems.push(Problem {
                pointer: ptr,
                rule: "href-resolves",
                message: format!("`{href}` names no back-matter resource of this document"),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_markers_are_found() {
        assert_eq!(
            inserted_params("a {{ insert: param, x_1 }} b {{insert: param,y}}"),
            vec!["x_1", "y"]
        );
        assert!(inserted_params("{{ no }}").is_empty());
    }
}
