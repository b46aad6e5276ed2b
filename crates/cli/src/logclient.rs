//! The client side of the registry's transparency log, shared by `dtsec verify --registry` and
//! `dtsec log export|audit|monitor`: where the log is read from (a registry over HTTP, or a
//! directory), which key it is checked with, the checkpoint last seen (the state file), and the
//! step every command starts with — fetch the latest checkpoint, verify its signature, and prove
//! from the tiles that it extends the one seen before.
//!
//! Why the tiles and not the registry's JSON proofs: the tiles are what every mirror serves, so
//! checking proofs computed from them also checks what the registry publishes as files. The
//! verifier trusts only the log key; everything fetched is checked against a signed checkpoint.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dtsec_tlog::storage::read_checkpoint;
use dtsec_tlog::{
    Checkpoint, DirSource, ProofError, StorageError, TileReader, TileSource, Verifier,
    verify_consistency,
};
use serde::{Deserialize, Serialize};

/// The largest response read from a registry (tiles are 8 KiB, bundles at most 16 MiB).
const MAX_RESPONSE: u64 = 32 << 20;

/// What went wrong while talking to a log or checking it.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The registry URL is unusable.
    #[error("bad registry URL {url:?}: {reason}")]
    BadUrl {
        /// As given.
        url: String,
        /// Why.
        reason: String,
    },
    /// The registry could not be reached or answered with an error.
    #[error("{url}: {reason}")]
    Http {
        /// The URL fetched.
        url: String,
        /// What happened.
        reason: String,
    },
    /// The registry answered 404.
    #[error("{url}: not found{}", detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    NotFound {
        /// The URL fetched.
        url: String,
        /// The registry's message, if any.
        detail: Option<String>,
    },
    /// A file could not be read or written.
    #[error("{path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A key is missing or malformed.
    #[error("{0}")]
    Key(String),
    /// The registry's answer is not what the API documents.
    #[error("unexpected answer from {url}: {reason}")]
    Protocol {
        /// The URL fetched.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The checkpoint does not verify with the log key.
    #[error("the log's checkpoint does not verify: {0}")]
    Checkpoint(dtsec_tlog::Error),
    /// The log is not a continuation of the checkpoint seen before: rolled back, forked, or
    /// rewritten.
    #[error("{0}")]
    Inconsistent(String),
}

fn file_err(path: &Path, e: impl std::fmt::Display) -> ClientError {
    ClientError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// A registry, by its base URL.
pub struct Registry {
    base: String,
    client: reqwest::blocking::Client,
}

impl Registry {
    /// A client for `url` (`https://host` or `http://host:port`, optionally with a path
    /// prefix).
    ///
    /// # Errors
    /// [`ClientError::BadUrl`] for anything but an absolute `http://` or `https://` URL without
    /// query or fragment, or when no client can be set up (a bad `DTSEC_CA_CERT`).
    pub fn new(url: &str) -> Result<Registry, ClientError> {
        let bad = |reason: &str| ClientError::BadUrl {
            url: url.into(),
            reason: reason.into(),
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
        match parsed.scheme() {
            "http" | "https" => {}
            other => return Err(bad(&format!("scheme {other}: is not http or https"))),
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(bad("no host"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(bad("a base URL has no query or fragment"));
        }
        let client = crate::http::client(Duration::from_secs(30), Duration::from_secs(15))
            .map_err(|e| bad(&format!("{e} ({})", e.help())))?;
        Ok(Registry {
            base: url.trim_end_matches('/').to_string(),
            client,
        })
    }

    /// The base URL, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The body of `GET base + path`.
    ///
    /// # Errors
    /// [`ClientError::NotFound`] on 404, [`ClientError::Http`] otherwise.
    pub fn get(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        self.get_as(path, None)
    }

    /// [`Registry::get`] with an API token (sent as a bearer token, never printed).
    ///
    /// # Errors
    /// As [`Registry::get`].
    pub fn get_as(&self, path: &str, token: Option<&str>) -> Result<Vec<u8>, ClientError> {
        let url = format!("{}{path}", self.base);
        let http = |reason: String| ClientError::Http {
            url: url.clone(),
            reason,
        };
        let mut request = self.client.get(&url);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        let resp = request.send().map_err(|e| {
            let mut reason = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                reason = format!("{reason}: {s}");
                source = s.source();
            }
            http(reason)
        })?;
        let status = resp.status();
        let mut body = Vec::new();
        resp.take(MAX_RESPONSE + 1)
            .read_to_end(&mut body)
            .map_err(|e| http(format!("reading the answer: {e}")))?;
        if body.len() as u64 > MAX_RESPONSE {
            return Err(http(format!("the answer exceeds {MAX_RESPONSE} bytes")));
        }
        let message = || {
            serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_string))
        };
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(ClientError::NotFound {
                url,
                detail: message(),
            });
        }
        if !status.is_success() {
            return Err(http(format!(
                "HTTP {status}{}",
                message().map(|m| format!(": {m}")).unwrap_or_default()
            )));
        }
        Ok(body)
    }

    /// `GET base + path` as JSON.
    ///
    /// # Errors
    /// As [`Registry::get`], or [`ClientError::Protocol`] if the body is not JSON.
    pub fn get_json(&self, path: &str) -> Result<serde_json::Value, ClientError> {
        self.get_json_as(path, None)
    }

    /// [`Registry::get_json`] with an API token.
    ///
    /// # Errors
    /// As [`Registry::get_json`].
    pub fn get_json_as(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> Result<serde_json::Value, ClientError> {
        let body = self.get_as(path, token)?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Protocol {
            url: format!("{}{path}", self.base),
            reason: format!("not JSON: {e}"),
        })
    }

    /// The registry's log key (`/log/vkey`), as served — to be trusted on first use only.
    ///
    /// # Errors
    /// If it cannot be fetched or is not a key.
    pub fn log_vkey(&self) -> Result<Verifier, ClientError> {
        let text = self.get("/log/vkey")?;
        let text = String::from_utf8_lossy(&text);
        Verifier::from_vkey(text.trim()).map_err(|e| ClientError::Protocol {
            url: format!("{}/log/vkey", self.base),
            reason: e.to_string(),
        })
    }
}

impl TileSource for Registry {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        match self.get(&format!("/log/{path}")) {
            Ok(b) => Ok(b),
            Err(ClientError::NotFound { .. }) => Err(StorageError::NotFound { path: path.into() }),
            Err(e) => Err(StorageError::Other(e.to_string())),
        }
    }
}

/// Where a log is read from.
pub enum Source {
    /// A registry's `/log/` over HTTP.
    Registry(Registry),
    /// A directory laid out as the log is served (`checkpoint`, `tile/...`).
    Dir(DirSource, PathBuf),
}

impl TileSource for Source {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        match self {
            Source::Registry(r) => r.read(path),
            Source::Dir(d, _) => d.read(path),
        }
    }
}

impl Source {
    /// The registry, when the log is read from one.
    pub fn registry(&self) -> Option<&Registry> {
        match self {
            Source::Registry(r) => Some(r),
            Source::Dir(..) => None,
        }
    }

    /// Where it is, for messages.
    pub fn describe(&self) -> String {
        match self {
            Source::Registry(r) => format!("{}/log/", r.base()),
            Source::Dir(_, p) => p.display().to_string(),
        }
    }

    /// A directory holding a log: either the log itself (it has `checkpoint`) or a registry
    /// data directory (it has `log/checkpoint`). Returns the source and, for a data directory,
    /// the `log.pub` beside the log.
    ///
    /// # Errors
    /// [`ClientError::File`] when neither is there.
    pub fn dir(dir: &Path) -> Result<(Source, Option<PathBuf>), ClientError> {
        if dir.join("checkpoint").is_file() {
            let vkey = dir.parent().map(|p| p.join(dtsec_registry::LOG_VKEY_FILE));
            let vkey = vkey.filter(|p| p.is_file());
            return Ok((Source::Dir(DirSource::new(dir), dir.to_path_buf()), vkey));
        }
        let log = dir.join(dtsec_registry::LOG_DIR);
        if log.join("checkpoint").is_file() {
            let vkey = Some(dir.join(dtsec_registry::LOG_VKEY_FILE)).filter(|p| p.is_file());
            return Ok((Source::Dir(DirSource::new(&log), log), vkey));
        }
        Err(file_err(
            dir,
            "holds no log (neither DIR/checkpoint nor DIR/log/checkpoint)",
        ))
    }
}

/// Reads a verifier key file (`name+id+key`, as served at `/log/vkey` or kept in `log.pub`).
///
/// # Errors
/// [`ClientError::Key`].
pub fn read_vkey(path: &Path) -> Result<Verifier, ClientError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ClientError::Key(format!("cannot read log key {}: {e}", path.display())))?;
    Verifier::from_vkey(text.trim()).map_err(|e| {
        ClientError::Key(format!(
            "{} is not a log verifier key (name+id+key): {e}",
            path.display()
        ))
    })
}

/// The checkpoint a client saw last for one log.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Seen {
    /// The log key it was verified with.
    pub vkey: String,
    /// The signed checkpoint, verbatim.
    pub checkpoint: String,
    /// Where it was read.
    pub source: String,
}

/// The state file: the last checkpoint seen of each log, by origin.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct State {
    /// Per log origin.
    pub logs: BTreeMap<String, Seen>,
}

/// The default state file: `$XDG_STATE_HOME/dtsec/logs.json`, else
/// `$HOME/.local/state/dtsec/logs.json`.
pub fn default_state_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        })?;
    Some(base.join("dtsec").join("logs.json"))
}

impl State {
    /// Reads the state file; a missing file is an empty state.
    ///
    /// # Errors
    /// [`ClientError::File`] if it exists but is unreadable or malformed (never silently
    /// replaced: it is the memory that detects a rollback).
    pub fn load(path: &Path) -> Result<State, ClientError> {
        match std::fs::read(path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                file_err(
                    path,
                    format!("not a dtsec state file ({e}); fix or remove it"),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(file_err(path, e)),
        }
    }

    /// Writes the state file atomically (temporary file, then rename), creating its directory.
    ///
    /// # Errors
    /// [`ClientError::File`].
    pub fn save(&self, path: &Path) -> Result<(), ClientError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
        }
        let text = serde_json::to_string_pretty(self).unwrap_or_default() + "\n";
        crate::write::atomic_write(path, text.as_bytes()).map_err(|e| file_err(path, e))
    }
}

/// Reads and verifies the latest checkpoint of `source`.
///
/// # Errors
/// [`ClientError::Checkpoint`] if it is missing or does not verify.
pub fn latest_checkpoint(
    source: &Source,
    verifier: &Verifier,
) -> Result<(Checkpoint, Vec<u8>), ClientError> {
    // Not reaching the log stops the check (exit 2); only a checkpoint that is there and does
    // not verify is a finding.
    let signed = read_checkpoint(source)
        .map_err(|e| {
            let url = format!("{}checkpoint", source.describe());
            // A source's error already names the URL it fetched: say it once.
            let reason = e.to_string();
            let reason = match reason.strip_prefix(&format!("{url}: ")) {
                Some(rest) => rest.to_string(),
                None => reason,
            };
            ClientError::Http { url, reason }
        })?
        .ok_or_else(|| ClientError::NotFound {
            url: format!("{}checkpoint", source.describe()),
            detail: Some("no checkpoint: the log is not published there".into()),
        })?;
    let checkpoint = Checkpoint::open(&signed, verifier).map_err(ClientError::Checkpoint)?;
    Ok((checkpoint, signed))
}

/// Proves from the tiles of `source` that `new` extends `old` (both already verified).
///
/// # Errors
/// [`ClientError::Inconsistent`] saying how: rolled back (smaller), forked (same size, other
/// root), or rewritten (the proof fails).
pub fn check_extends(
    source: &Source,
    old: &Checkpoint,
    new: &Checkpoint,
) -> Result<(), ClientError> {
    if new.size < old.size {
        return Err(ClientError::Inconsistent(format!(
            "the log was rolled back: {} now has {} entries, but a checkpoint with {} entries was seen before (root {})",
            source.describe(),
            new.size,
            old.size,
            old.root
        )));
    }
    let proof = if new.size == old.size {
        Vec::new()
    } else {
        TileReader::new(source, new.size)
            .consistency_proof(old.size)
            .map_err(|e| {
                ClientError::Inconsistent(format!(
                    "cannot compute a consistency proof from size {} to {} from the tiles: {e}",
                    old.size, new.size
                ))
            })?
    };
    verify_consistency(old, new, &proof).map_err(|e| {
        let what = match e {
            ProofError::Fork { .. } => "the log forked",
            _ => "the log is not an extension of the checkpoint seen before",
        };
        ClientError::Inconsistent(format!("{what}: size {} → {}: {e}", old.size, new.size))
    })
}

/// The last-seen checkpoint of `verifier`'s log in `state`, re-verified.
///
/// # Errors
/// [`ClientError::Key`] when the state pins another key for this log, or its checkpoint no
/// longer verifies.
pub fn seen(state: &State, verifier: &Verifier) -> Result<Option<Checkpoint>, ClientError> {
    let Some(s) = state.logs.get(verifier.name()) else {
        return Ok(None);
    };
    if s.vkey != verifier.to_vkey() {
        return Err(ClientError::Key(format!(
            "the log {} was verified before with key {}, now with {}: a log's key never changes; if the registry re-keyed, check with its operator and remove the entry from the state file",
            verifier.name(),
            s.vkey,
            verifier.to_vkey()
        )));
    }
    Checkpoint::open(s.checkpoint.as_bytes(), verifier)
        .map(Some)
        .map_err(|e| ClientError::Key(format!("the state file's checkpoint: {e}")))
}

/// Records `signed` as the latest checkpoint seen of `verifier`'s log, unless a larger one is
/// recorded already.
pub fn remember(
    state: &mut State,
    verifier: &Verifier,
    checkpoint: &Checkpoint,
    signed: &[u8],
    source: &str,
) {
    let newer = match state.logs.get(verifier.name()) {
        Some(s) => Checkpoint::open(s.checkpoint.as_bytes(), verifier)
            .map(|old| checkpoint.size > old.size)
            .unwrap_or(true),
        None => true,
    };
    if newer {
        state.logs.insert(
            verifier.name().to_string(),
            Seen {
                vkey: verifier.to_vkey(),
                checkpoint: String::from_utf8_lossy(signed).into_owned(),
                source: source.to_string(),
            },
        );
    }
}
