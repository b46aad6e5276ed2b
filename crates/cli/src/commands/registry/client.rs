//! The registry's JSON API over HTTP, for `dtsec registry`: one blocking client that adds the
//! bearer token, and one error type that keeps the server's own message.
//!
//! Why blocking: each subcommand makes one or two requests and exits; an async runtime would
//! add nothing. Why the server's message verbatim: the registry explains refusals ("the case is
//! in state registered; submit-etr needs evaluation-in-progress", the checker's findings on a
//! rejected ST), and the person at the terminal needs exactly that.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};
use serde_json::Value;
use thiserror::Error;

/// An API token. Its `Debug` never shows the secret, so it cannot leak into a log or a panic
/// message; it is only ever sent in the `Authorization` header.
#[derive(Clone)]
pub struct Token(String);

impl std::str::FromStr for Token {
    type Err = String;

    fn from_str(s: &str) -> Result<Token, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("the token is empty".into());
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("the token contains spaces or control characters".into());
        }
        Ok(Token(s.to_string()))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// One finding the registry's checker reported on a refused ST.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Rule code.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// 1-based line (0: no position).
    pub line: u64,
    /// What the checker said.
    pub message: String,
}

/// Why a registry command failed.
#[derive(Debug, Error)]
pub enum ClientError {
    /// No `--registry` and no `DTSEC_REGISTRY`.
    #[error("no registry given")]
    NoRegistry,
    /// The URL is not usable.
    #[error("the registry URL `{0}` is not an http:// or https:// URL of a host")]
    BadUrl(String),
    /// No HTTP client could be set up (a bad `DTSEC_CA_CERT`, say).
    #[error("{0}")]
    Setup(#[from] crate::http::HttpSetupError),
    /// The command needs a token and none was given.
    #[error("this command needs an API token")]
    NoToken,
    /// The request did not get an answer.
    #[error("cannot reach the registry at {url}: {reason}")]
    Unreachable {
        /// The URL asked.
        url: String,
        /// What happened, with its causes ("connection refused").
        reason: String,
    },
    /// The registry refused the request and said why.
    #[error("the registry refused the request ({status}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The registry's message.
        message: String,
        /// The checker's findings, for a refused ST.
        findings: Vec<Finding>,
    },
    /// The answer was not what this client expects (another server, or another version).
    #[error("unexpected answer from the registry: {0}")]
    BadAnswer(String),
    /// A local file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A local file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Other bad input on the command line or standard input.
    #[error("{0}")]
    Usage(String),
}

impl ClientError {
    /// A help line for the terminal.
    pub fn help(&self) -> Option<&'static str> {
        Some(match self {
            ClientError::NoRegistry => {
                "give --registry URL or set DTSEC_REGISTRY, e.g. http://127.0.0.1:8080"
            }
            ClientError::BadUrl(_) => {
                "use the registry's base URL, e.g. https://registry.example or http://127.0.0.1:8080"
            }
            ClientError::Setup(e) => e.help(),
            ClientError::NoToken => {
                "give --token TOKEN or set DTSEC_TOKEN; `dtsec registry login --email you@example` makes one"
            }
            ClientError::Unreachable { reason, .. } => crate::http::certificate_hint(reason)
                .unwrap_or("check the URL and that `dtsec serve` is running there"),
            ClientError::Refused { status: 401, .. } => {
                "the token (or, for `login`, the e-mail and password) was not accepted: it is wrong or revoked, or the account is disabled; `dtsec registry login` makes a new token"
            }
            ClientError::Refused { status: 403, .. } => {
                "your account's role or organisation may not take this step on this case"
            }
            ClientError::Refused { status: 409, .. } => {
                "the case is not in a state that allows this step; `dtsec registry products` shows its state"
            }
            _ => return None,
        })
    }

    /// Whether the registry judged the request and refused it (exit status 1), rather than
    /// something keeping the request from being judged (usage, files, network, a strange
    /// answer: exit status 2).
    pub fn is_refusal(&self) -> bool {
        matches!(self, ClientError::Refused { .. })
    }
}

/// Whether the authority part of a URL (`host:port/…`) names this machine.
fn is_loopback(rest: &str) -> bool {
    let authority = rest.split('/').next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A connection to one registry.
pub struct Registry {
    base: String,
    token: Option<Token>,
    http: Client,
}

impl Registry {
    /// A client for `base` (`https://host` or `http://host:port`, with or without a trailing
    /// slash).
    pub fn new(base: Option<&str>, token: Option<Token>) -> Result<Registry, ClientError> {
        let base = base
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .ok_or(ClientError::NoRegistry)?;
        let rest = base
            .strip_prefix("http://")
            .or_else(|| base.strip_prefix("https://"))
            .ok_or_else(|| ClientError::BadUrl(base.to_string()))?;
        if rest.is_empty()
            || rest.starts_with('/')
            || base
                .chars()
                .any(|c| c.is_whitespace() || c == '?' || c == '#')
        {
            return Err(ClientError::BadUrl(base.to_string()));
        }
        if base.starts_with("http://") && !is_loopback(rest) {
            crate::error::warning(format_args!(
                "{base} is plain HTTP: your password or token travels unencrypted; use https:// (or a loopback address)"
            ));
        }
        let http = crate::http::client(Duration::from_secs(300), Duration::from_secs(15))?;
        Ok(Registry {
            base: base.trim_end_matches('/').to_string(),
            token,
            http,
        })
    }

    /// `base` + `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn authed(&self, req: RequestBuilder) -> Result<RequestBuilder, ClientError> {
        let token = self.token.as_ref().ok_or(ClientError::NoToken)?;
        Ok(req.bearer_auth(&token.0))
    }

    fn send(&self, url: &str, req: RequestBuilder) -> Result<(u16, String), ClientError> {
        let unreachable = |e: reqwest::Error| ClientError::Unreachable {
            url: url.to_string(),
            reason: causes(&e),
        };
        let resp = req.send().map_err(unreachable)?;
        let status = resp.status().as_u16();
        let text = resp.text().map_err(unreachable)?;
        if (200..300).contains(&status) {
            Ok((status, text))
        } else {
            Err(refusal(status, &text))
        }
    }

    fn json(&self, url: &str, req: RequestBuilder) -> Result<Value, ClientError> {
        let (_, text) = self.send(url, req)?;
        serde_json::from_str(&text)
            .map_err(|e| ClientError::BadAnswer(format!("{url} did not answer JSON ({e})")))
    }

    /// GET a public resource as text.
    pub fn get_public_text(&self, path: &str) -> Result<String, ClientError> {
        let url = self.url(path);
        Ok(self.send(&url, self.http.get(&url))?.1)
    }

    /// GET a public JSON resource.
    pub fn get_public(&self, path: &str) -> Result<Value, ClientError> {
        let url = self.url(path);
        self.json(&url, self.http.get(&url))
    }

    /// GET with the token.
    pub fn get(&self, path: &str) -> Result<Value, ClientError> {
        let url = self.url(path);
        let req = self.authed(self.http.get(&url))?;
        self.json(&url, req)
    }

    /// POST a JSON body with the token.
    pub fn post_json(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        let url = self.url(path);
        let req = self.authed(self.http.post(&url))?.json(body);
        self.json(&url, req)
    }

    /// POST a text document (an ST, an ETR bundle) as the raw body with the token.
    pub fn post_text(
        &self,
        path: &str,
        content_type: &str,
        body: String,
    ) -> Result<Value, ClientError> {
        let url = self.url(path);
        let req = self
            .authed(self.http.post(&url))?
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        self.json(&url, req)
    }

    /// POST a JSON body without a token (password login).
    pub fn post_public_json(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        let url = self.url(path);
        self.json(&url, self.http.post(&url).json(body))
    }

    /// GET a paged list with the token, every page: the registry answers one page as a JSON
    /// array and links the next in `Link: <…>; rel="next"` (issue 16). At most `max_pages`
    /// pages are read; more is an error, not a silently short list.
    pub fn get_all_pages(&self, path: &str, max_pages: usize) -> Result<Vec<Value>, ClientError> {
        let mut out = Vec::new();
        let mut next = Some(path.to_string());
        for _ in 0..max_pages {
            let Some(path) = next.take() else {
                return Ok(out);
            };
            let url = self.url(&path);
            let req = self.authed(self.http.get(&url))?;
            let unreachable = |e: reqwest::Error| ClientError::Unreachable {
                url: url.clone(),
                reason: causes(&e),
            };
            let resp = req.send().map_err(unreachable)?;
            let status = resp.status().as_u16();
            next = resp
                .headers()
                .get(reqwest::header::LINK)
                .and_then(|v| v.to_str().ok())
                .and_then(next_link);
            let text = resp.text().map_err(unreachable)?;
            if !(200..300).contains(&status) {
                return Err(refusal(status, &text));
            }
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Array(items)) => out.extend(items),
                _ => {
                    return Err(ClientError::BadAnswer(format!(
                        "{url} did not answer a JSON list"
                    )));
                }
            }
        }
        if next.is_some() {
            return Err(ClientError::BadAnswer(format!(
                "{path}: more than {max_pages} pages; narrow the request"
            )));
        }
        Ok(out)
    }
}

/// The target of `rel="next"` in a `Link` header, when it is a path on the same registry.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.trim().split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().eq_ignore_ascii_case("rel=\"next\""));
        (is_next && target.starts_with('/') && !target.starts_with("//"))
            .then(|| target.to_string())
    })
}

/// An error and its causes, innermost last ("error sending request: connection refused").
fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let c = cause.to_string();
        if !out.contains(&c) {
            out.push_str(": ");
            out.push_str(&c);
        }
        next = cause.source();
    }
    out
}

/// Reads the registry's error body (`{"error": …, "diagnostics": […]}`), or keeps the start of
/// whatever else came back.
fn refusal(status: u16, text: &str) -> ClientError {
    let v: Option<Value> = serde_json::from_str(text).ok();
    let message = v
        .as_ref()
        .and_then(|v| v.get("error"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let t = text.trim();
            if t.is_empty() {
                "(no message)".to_string()
            } else {
                t.chars().take(300).collect()
            }
        });
    let findings = v
        .as_ref()
        .and_then(|v| v.get("diagnostics"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|d| Finding {
                    code: d["code"].as_str().unwrap_or("").to_string(),
                    severity: d["severity"].as_str().unwrap_or("").to_string(),
                    line: d["line"].as_u64().unwrap_or(0),
                    message: d["message"].as_str().unwrap_or("").to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    ClientError::Refused {
        status,
        message,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_keep_the_servers_message_and_findings() {
        let e = refusal(
            422,
            r#"{"error":"the ST has errors","status":422,"diagnostics":[{"code":"DT-DEP-001","severity":"error","message":"missing dependency","line":12}]}"#,
        );
        match e {
            ClientError::Refused {
                status,
                message,
                findings,
            } => {
                assert_eq!(status, 422);
                assert_eq!(message, "the ST has errors");
                assert_eq!(findings.len(), 1);
                assert_eq!(findings[0].code, "DT-DEP-001");
                assert_eq!(findings[0].line, 12);
            }
            other => panic!("{other:?}"),
        }
        let e = refusal(502, "<html>Bad gateway</html>");
        assert!(e.to_string().contains("Bad gateway"));
        assert!(e.is_refusal());
    }

    #[test]
    fn next_links_are_read_from_the_link_header() {
        assert_eq!(
            next_link("</api/v1/products?after=a~b>; rel=\"next\""),
            Some("/api/v1/products?after=a~b".to_string())
        );
        assert_eq!(next_link("</x>; rel=\"prev\""), None);
        assert_eq!(next_link("<https://evil.example/x>; rel=\"next\""), None);
        assert_eq!(next_link("<//evil.example/x>; rel=\"next\""), None);
        assert_eq!(next_link("garbage"), None);
    }

    #[test]
    fn urls_are_checked_and_tokens_never_shown() {
        assert!(matches!(
            Registry::new(None, None),
            Err(ClientError::NoRegistry)
        ));
        assert!(Registry::new(Some("https://r.example"), None).is_ok());
        assert!(
            is_loopback("127.0.0.1:8080/x") && is_loopback("[::1]:80") && is_loopback("localhost")
        );
        assert!(!is_loopback("registry.example:80") && !is_loopback("10.0.0.1"));
        assert!(matches!(
            Registry::new(Some("ftp://r.example"), None),
            Err(ClientError::BadUrl(_))
        ));
        assert!(matches!(
            Registry::new(Some("http://"), None),
            Err(ClientError::BadUrl(_))
        ));
        let r = Registry::new(Some("http://127.0.0.1:8080/"), None).unwrap();
        assert_eq!(
            r.url("/api/v1/products"),
            "http://127.0.0.1:8080/api/v1/products"
        );
        let t: Token = "dtsec_secret".parse().unwrap();
        assert!(!format!("{t:?}").contains("secret"));
        assert!("a b".parse::<Token>().is_err());
        assert!(matches!(
            r.get("/api/v1/products"),
            Err(ClientError::NoToken)
        ));
    }
}
