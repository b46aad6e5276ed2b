//! How the route table in `router.rs` describes an API route, and how `/openapi.json` is
//! assembled from those descriptions.
//!
//! Why apart from the router: `router.rs` says which routes exist, whom each serves and what
//! each does, one entry per route; this module knows how such a description is written as
//! OpenAPI 3.1 (tags, security, parameters, bodies, answers). Because the document is built only
//! from the router's own entries, it cannot describe a route that does not exist, and a route
//! cannot be added without saying whether (and how) it is described. Request bodies and JSON
//! answers are the handlers' and the registry's own types (`schemars`), so a field renamed in
//! code is renamed in the document too.

use serde_json::{Value, json};

/// Whom a route serves. For a described route it is also the operation's OpenAPI tag, and it
/// decides whether credentials are expected (everyone but the public).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Anyone: the register, certificates, the transparency log.
    Public,
    /// Every signed-in role: logging in, tokens, one's own password, the cases one may see.
    Staff,
    /// Manufacturers: registering products, STs, choosing a lab, impact analyses.
    Manufacturer,
    /// Evaluation labs: evaluations, ETRs, the lab's own approval and key.
    Lab,
    /// The certification body: reviews, certificates, maintenance decisions.
    CertificationBody,
    /// The scheme administrator: labs' approval, organisations, accounts, the audit trail.
    Admin,
}

impl Audience {
    /// The OpenAPI tag.
    pub fn tag(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Staff => "staff",
            Audience::Manufacturer => "manufacturer",
            Audience::Lab => "lab",
            Audience::CertificationBody => "certification-body",
            Audience::Admin => "admin",
        }
    }
}

/// What the API document says of one operation, written beside the route that serves it.
#[derive(Clone, Debug)]
pub struct Operation {
    summary: &'static str,
    at: Option<&'static str>,
    without_credentials: bool,
    query: Vec<Value>,
    request_body: Option<Value>,
    answer: Option<Value>,
}

/// An operation summarised in one line (answer "OK" or a client error, unless told more).
pub fn op(summary: &'static str) -> Operation {
    Operation {
        summary,
        at: None,
        without_credentials: false,
        query: Vec::new(),
        request_body: None,
        answer: None,
    }
}

impl Operation {
    /// Describes the operation under `path` instead of the routed path: a form of the route the
    /// handler recognises by a suffix (`/certificates/{id}.json` is served by
    /// `/certificates/{id}`). A unit test in `router.rs` checks the route really answers it.
    pub fn at(mut self, path: &'static str) -> Self {
        self.at = Some(path);
        self
    }

    /// Needs no credentials although its audience is staff (it is how credentials are obtained).
    pub fn without_credentials(mut self) -> Self {
        self.without_credentials = true;
        self
    }

    /// A query parameter.
    pub fn query(mut self, name: &str, required: bool, schema: Value) -> Self {
        self.query
            .push(json!({"name": name, "in": "query", "required": required, "schema": schema}));
        self
    }

    /// Optional text query parameters (filters).
    pub fn text_filters(self, names: &[&str]) -> Self {
        names.iter().fold(self, |op, name| {
            op.query(name, false, json!({"type": "string"}))
        })
    }

    /// The request body (see [`fields`], [`json_fields`], [`document_body`]).
    pub fn body(mut self, body: Value) -> Self {
        self.request_body = Some(body);
        self
    }

    /// The JSON answer is a `T`.
    pub fn answer<T: schemars::JsonSchema>(mut self) -> Self {
        self.answer = Some(
            json!({"description": "OK", "content": {"application/json": {"schema": schema::<T>()}}}),
        );
        self
    }

    /// The path the document lists the operation under, given the path it is routed at: its own
    /// [`Operation::at`], or the routed path with a wildcard `{*rest}` written `{rest}`.
    pub fn documented_path(&self, routed: &str) -> String {
        match self.at {
            Some(p) => p.to_string(),
            None => routed.replace("{*", "{"),
        }
    }

    /// The operation object for `audience`, listed under `path`.
    fn to_value(&self, path: &str, audience: Audience) -> Value {
        let mut v = json!({
            "summary": self.summary,
            "tags": [audience.tag()],
            "responses": {
                "200": {"description": "OK"},
                "4XX": {"description": "Client error: `{\"error\": message, \"status\": code}`"}
            }
        });
        if audience != Audience::Public && !self.without_credentials {
            v["security"] = json!([{"bearer": []}, {"session": []}]);
        }
        let mut parameters: Vec<Value> = path_parameters(path)
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        parameters.extend(self.query.iter().cloned());
        if !parameters.is_empty() {
            v["parameters"] = Value::Array(parameters);
        }
        if let Some(body) = &self.request_body {
            v["requestBody"] = body.clone();
        }
        if let Some(answer) = &self.answer {
            v["responses"]["200"] = answer.clone();
        }
        v
    }
}

/// The `{name}`s of a path, in order.
fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// A JSON Schema for `T`, self-contained (no `$ref`s into a `$defs` the OpenAPI document would
/// not resolve).
fn schema<T: schemars::JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut v = generator.into_root_schema_for::<T>().to_value();
    if let Some(o) = v.as_object_mut() {
        o.remove("$schema");
    }
    v
}

/// A body of fields: JSON, or a browser's form (same fields).
pub fn fields<T: schemars::JsonSchema>() -> Value {
    let s = schema::<T>();
    json!({"required": true, "content": {
        "application/json": {"schema": s},
        "application/x-www-form-urlencoded": {"schema": s}
    }})
}

/// A body of fields as JSON only (no browser form posts it).
pub fn json_fields<T: schemars::JsonSchema>() -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema::<T>()}}})
}

/// A document sent as the raw body (`media`), or as the form field `field` (a file upload or a
/// text area).
pub fn document_body(media: &str, field: &str, what: &str) -> Value {
    let form = json!({"type": "object", "required": [field], "properties": {field: {"type": "string", "description": what}}});
    json!({"required": true, "description": what, "content": {
        media: {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": form},
        "application/x-www-form-urlencoded": {"schema": form}
    }})
}

/// One described operation of the route table.
pub struct Described<'a> {
    /// The path the route is declared at (axum syntax).
    pub routed: &'a str,
    /// `get` or `post`.
    pub method: &'static str,
    /// Whom the route serves.
    pub audience: Audience,
    /// What is said of it.
    pub operation: &'a Operation,
}

/// The OpenAPI 3.1 document of the described operations.
pub fn document<'a>(described: impl IntoIterator<Item = Described<'a>>) -> Value {
    let mut paths = serde_json::Map::new();
    for d in described {
        let path = d.operation.documented_path(d.routed);
        let value = d.operation.to_value(&path, d.audience);
        if let Some(item) = paths
            .entry(path)
            .or_insert_with(|| json!({}))
            .as_object_mut()
        {
            item.insert(d.method.to_string(), value);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "dtsec certification registry", "version": env!("CARGO_PKG_VERSION")},
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": crate::session::SESSION_COOKIE}
        }},
        "paths": paths
    })
}

#[cfg(test)]
mod tests {
    use super::path_parameters;

    #[test]
    fn path_parameters_are_read_in_order() {
        let names: Vec<_> = path_parameters("/pps/{id}/{version}").collect();
        assert_eq!(names, ["id", "version"]);
        let names: Vec<_> = path_parameters("/certificates/{id}.bundle.json").collect();
        assert_eq!(names, ["id"]);
        assert_eq!(path_parameters("/api/v1/labs").count(), 0);
    }
}
