//! Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Garage): the option for a
//! deployment whose documents outgrow one disk (issue 16).
//!
//! Why our own small client and not an SDK: the store needs four requests (`PUT`, `GET`,
//! `HEAD` of an object, `HEAD` of the bucket), each signed with AWS Signature Version 4. That is
//! a page of HMAC-SHA-256 over the HTTP client the project already ships (reqwest on rustls with
//! the *ring* provider), where an SDK would bring a second HTTP stack, its own TLS provider and
//! a credential chain that reads files and instance metadata we do not want consulted.
//!
//! The guarantees are those of [`super::DirBlobStore`] (see [`super::BlobStore`]):
//! - Keys are the directory store's layout under an optional prefix: `PREFIX/ab/cd/<hex>`, so a
//!   directory store can be copied into a bucket as it is (`aws s3 sync DIR s3://BUCKET/PREFIX`).
//!   A digest is checked to be 64 lowercase hex digits before it is put into a URL.
//! - `put` signs the body's SHA-256 (`x-amz-content-sha256`), which the server checks, so a
//!   damaged upload is refused rather than stored. It asks first (`HEAD`), so bytes already
//!   stored are not uploaded again, and the upload is conditional (`If-None-Match: *`) against a
//!   concurrent writer; an object already there is read back and verified, and overwritten if
//!   corrupt (a put repairs, as in the directory store).
//! - `get` refuses an object whose `Content-Length` is over the caller's bound **before** reading
//!   the body, stops at the first chunk past the bound if the length was absent or wrong, and
//!   checks that the bytes hash to the digest they are stored under.
//! - A missing object is a `404`, so the credentials need `s3:ListBucket` on the bucket besides
//!   `s3:GetObject` and `s3:PutObject` (without it AWS answers `403` for a missing key, which is
//!   reported as an access error rather than a missing blob).
//! - Credentials come only from the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//!   `AWS_SESSION_TOKEN`), never from a command line or a URL, and are never printed.
//!
//! **Absent:** multipart upload (a blob is at most [`MAX_BLOB_BYTES`], below S3's 5 GiB single
//! `PUT`), retries beyond one (a request that got no answer is sent once more; any answered
//! failure is an error the caller reports), other credential sources
//! (profiles, instance roles), listing and deletion (no caller needs them yet).

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, Mac as _};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use sha2::{Digest as _, Sha256};

use super::{BlobError, BlobResult, BlobStore, MAX_BLOB_BYTES, check_digest, digest_of, hex};
use crate::store::BoxFuture;

/// The environment variable holding the access key id.
pub const ACCESS_KEY_ENV: &str = "AWS_ACCESS_KEY_ID";
/// The environment variable holding the secret access key.
pub const SECRET_KEY_ENV: &str = "AWS_SECRET_ACCESS_KEY";
/// The environment variable holding a temporary session token (optional).
pub const SESSION_TOKEN_ENV: &str = "AWS_SESSION_TOKEN";

/// The region used when the URL names none (AWS's default; MinIO and s3s accept any).
pub const DEFAULT_REGION: &str = "us-east-1";

/// Time allowed to connect to the endpoint.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for a whole request: a 64 MiB upload at 1 MB/s, with margin.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// The most of an error response's body read for its `<Code>` (S3 error documents are short).
const MAX_ERROR_BODY: usize = 8 * 1024;
/// SHA-256 of the empty body, the payload hash of `GET` and `HEAD`.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// How the bucket is named in requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// `https://endpoint/BUCKET/KEY`: MinIO, Ceph and Garage by default, and any endpoint
    /// without wildcard DNS.
    Path,
    /// `https://BUCKET.endpoint/KEY`: AWS's preferred form (needs DNS for `*.endpoint`).
    VirtualHost,
}

/// Where the blobs are: an endpoint, a region, a bucket and a key prefix. Parsed from
/// `s3://BUCKET/PREFIX?endpoint=URL&region=NAME&addressing=path|virtual` ([`S3Config::parse`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Config {
    /// The service's origin (`scheme://host[:port]`, no path).
    pub endpoint: Url,
    /// The signing region.
    pub region: String,
    /// The bucket (must exist; the registry does not create it).
    pub bucket: String,
    /// Keys start with this (no leading or trailing `/`; empty for the bucket's root).
    pub prefix: String,
    /// How the bucket is named in requests.
    pub addressing: Addressing,
}

/// A `--blob-store` URL that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("blob store URL `{url}`: {reason}")]
pub struct S3ConfigError {
    /// The URL as given.
    pub url: String,
    /// What is wrong and what to write instead.
    pub reason: String,
}

impl S3Config {
    /// Parses `s3://BUCKET[/PREFIX][?endpoint=URL][&region=NAME][&addressing=path|virtual]`.
    ///
    /// Without `endpoint`, the bucket is on AWS (`https://s3.REGION.amazonaws.com`, virtual-host
    /// addressing); with one, path addressing is the default (what self-hosted servers serve
    /// without wildcard DNS). Credentials in the URL are refused: they would show in the process
    /// list and in logs.
    pub fn parse(text: &str) -> Result<S3Config, S3ConfigError> {
        let bad = |reason: &str| S3ConfigError {
            url: text.chars().take(200).collect(),
            reason: reason.to_string(),
        };
        let url = Url::parse(text).map_err(|e| {
            bad(&format!(
                "not a URL ({e}); write s3://BUCKET/PREFIX?endpoint=http://HOST:PORT&region=REGION"
            ))
        })?;
        if url.scheme() != "s3" {
            return Err(bad(
                "the scheme must be s3:// (s3://BUCKET/PREFIX?endpoint=…); for a directory use --blob-dir",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "credentials do not go in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in the environment",
            ));
        }
        if url.fragment().is_some() {
            return Err(bad("a `#` fragment means nothing here; remove it"));
        }
        let bucket = url.host_str().unwrap_or_default().to_string();
        check_bucket(&bucket).map_err(|r| bad(&r))?;
        // The prefix as written: the URL parser would quietly resolve `..` segments away.
        let written = text["s3://".len()..]
            .split(['?', '#'])
            .next()
            .unwrap_or_default();
        let prefix = written
            .split_once('/')
            .map_or("", |(_, p)| p)
            .trim_matches('/')
            .to_string();
        check_prefix(&prefix).map_err(|r| bad(&r))?;
        let (mut endpoint, mut region, mut addressing) = (None, None, None);
        for (key, value) in url.query_pairs() {
            let slot_taken = match key.as_ref() {
                "endpoint" => endpoint.replace(value.into_owned()).is_some(),
                "region" => region.replace(value.into_owned()).is_some(),
                "addressing" => addressing.replace(value.into_owned()).is_some(),
                other => {
                    return Err(bad(&format!(
                        "unknown parameter `{other}`; the parameters are endpoint, region and addressing"
                    )));
                }
            };
            if slot_taken {
                return Err(bad(&format!("`{key}` is given twice")));
            }
        }
        let region = region.unwrap_or_else(|| DEFAULT_REGION.to_string());
        if region.is_empty()
            || region.len() > 64
            || !region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(bad(
                "region must be letters, digits, `-` or `_` (e.g. us-east-1)",
            ));
        }
        let addressing = match addressing.as_deref() {
            None if endpoint.is_some() => Addressing::Path,
            None => Addressing::VirtualHost,
            Some("path") => Addressing::Path,
            Some("virtual") => Addressing::VirtualHost,
            Some(other) => {
                return Err(bad(&format!(
                    "addressing is `path` or `virtual`, not `{other}`"
                )));
            }
        };
        if addressing == Addressing::VirtualHost && bucket.contains('.') {
            return Err(bad(
                "a bucket name with dots cannot be a host name under TLS; use addressing=path",
            ));
        }
        let endpoint = match endpoint {
            Some(e) => parse_endpoint(&e).map_err(|r| bad(&r))?,
            None => Url::parse(&format!("https://s3.{region}.amazonaws.com"))
                .map_err(|e| bad(&format!("cannot make the AWS endpoint: {e}")))?,
        };
        Ok(S3Config {
            endpoint,
            region,
            bucket,
            prefix,
            addressing,
        })
    }

    /// The key of the blob named `digest` (checked): `PREFIX/ab/cd/<hex>`.
    pub fn key_of(&self, digest: &str) -> String {
        let tail = format!("{}/{}/{digest}", &digest[0..2], &digest[2..4]);
        if self.prefix.is_empty() {
            tail
        } else {
            format!("{}/{tail}", self.prefix)
        }
    }

    /// The URL of `key` in the bucket, or of the bucket itself for an empty key. Keys and bucket
    /// names are checked to need no percent-encoding, so the URL path is the canonical one.
    fn url_of(&self, key: &str) -> BlobResult<Url> {
        let mut url = self.endpoint.clone();
        let path = match self.addressing {
            Addressing::Path if key.is_empty() => format!("/{}", self.bucket),
            Addressing::Path => format!("/{}/{key}", self.bucket),
            Addressing::VirtualHost => {
                let host = format!("{}.{}", self.bucket, url.host_str().unwrap_or_default());
                url.set_host(Some(&host)).map_err(|e| BlobError::Remote {
                    store: self.location(),
                    reason: format!("cannot address bucket as host `{host}`: {e}"),
                })?;
                format!("/{key}")
            }
        };
        url.set_path(&path);
        Ok(url)
    }

    /// `s3://bucket/prefix at endpoint`, for messages (never credentials).
    pub fn location(&self) -> String {
        let mut s = format!("s3://{}", self.bucket);
        if !self.prefix.is_empty() {
            s.push('/');
            s.push_str(&self.prefix);
        }
        format!("{s} at {}", self.endpoint.as_str().trim_end_matches('/'))
    }
}

/// S3's bucket naming rules (3 to 63 of lowercase letters, digits, `.` and `-`, starting and
/// ending with a letter or digit), which also keep the name safe in a host or a path.
fn check_bucket(bucket: &str) -> Result<(), String> {
    let ok_char = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-';
    let ends_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if (3..=63).contains(&bucket.len())
        && bucket.bytes().all(ok_char)
        && ends_ok(bucket.as_bytes().first())
        && ends_ok(bucket.as_bytes().last())
        && !bucket.contains("..")
    {
        Ok(())
    } else {
        Err(format!(
            "`{bucket}` is not a bucket name (3 to 63 lowercase letters, digits, `.` or `-`): write s3://BUCKET/PREFIX"
        ))
    }
}

/// A key prefix of `/`-separated segments of letters, digits, `-`, `_` and `.` (no `.` or `..`
/// segment, at most 256 bytes): nothing that needs percent-encoding or could climb out.
fn check_prefix(prefix: &str) -> Result<(), String> {
    if prefix.is_empty() {
        return Ok(());
    }
    let ok_segment = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if prefix.len() <= 256 && prefix.split('/').all(ok_segment) {
        Ok(())
    } else {
        Err(format!(
            "key prefix `{}` may hold only letters, digits, `-`, `_`, `.` and single `/` between segments",
            prefix.chars().take(80).collect::<String>()
        ))
    }
}

/// `endpoint=`: an http(s) origin, no path, query or credentials.
fn parse_endpoint(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| {
        format!("endpoint `{text}` is not a URL ({e}); write endpoint=http://HOST:PORT")
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "endpoint `{text}` must be http://HOST[:PORT] or https://HOST[:PORT]"
        ));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "endpoint `{text}` must be an origin only (no path or query): the bucket and prefix go in s3://BUCKET/PREFIX"
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "credentials do not go in the endpoint; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment"
                .into(),
        );
    }
    Ok(url)
}

/// An access key and its secret (and a session token for temporary credentials). `Debug` shows
/// the key id only.
#[derive(Clone)]
pub struct S3Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl fmt::Debug for S3Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl S3Credentials {
    /// Credentials given directly (tests, or a caller with its own secret source).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> S3Credentials {
        S3Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
        }
    }

    /// Credentials from the process environment ([`ACCESS_KEY_ENV`], [`SECRET_KEY_ENV`],
    /// [`SESSION_TOKEN_ENV`]).
    pub fn from_env() -> Result<S3Credentials, String> {
        S3Credentials::from_lookup(|name| std::env::var(name).ok())
    }

    /// Credentials from `lookup` (the environment, in [`S3Credentials::from_env`]): both keys
    /// must be set and non-empty; an empty session token counts as none.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<S3Credentials, String> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        match (get(ACCESS_KEY_ENV), get(SECRET_KEY_ENV)) {
            (Some(access), Some(secret)) => {
                Ok(S3Credentials::new(access, secret, get(SESSION_TOKEN_ENV)))
            }
            (access, _) => Err(format!(
                "the S3 blob store needs credentials in the environment: set {}{} (and {SESSION_TOKEN_ENV} for temporary credentials)",
                if access.is_none() {
                    format!("{ACCESS_KEY_ENV} and ")
                } else {
                    String::new()
                },
                SECRET_KEY_ENV
            )),
        }
    }
}

/// An HTTP client builder set up as the S3 store needs it: HTTPS through rustls (*ring*) with
/// the operating system's trusted authorities plus `extra_roots`, timeouts, and **no redirects**
/// (a signed request must not be replayed elsewhere, and S3 redirects only a request sent to
/// the wrong region, which is a configuration error to report). Callers may add to it (a
/// resolver override, a proxy) before [`S3BlobStore::with_client`].
pub fn client_builder(
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> BlobResult<reqwest::ClientBuilder> {
    let setup = |reason: String| BlobError::Remote {
        store: "S3 client".into(),
        reason: format!("cannot set up HTTPS: {reason}"),
    };
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
            .map_err(|e| setup(e.to_string()))?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| setup(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(std::sync::Arc::new(verifier))
        .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("dtsec/", env!("CARGO_PKG_VERSION")))
        .tls_backend_preconfigured(tls))
}

/// Blobs as objects in an S3-compatible bucket. See the module documentation.
#[derive(Clone)]
pub struct S3BlobStore {
    config: S3Config,
    credentials: S3Credentials,
    client: reqwest::Client,
}

impl fmt::Debug for S3BlobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3BlobStore")
            .field("config", &self.config)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// What a request's response said, reduced to what the store decides on.
struct Reply {
    status: StatusCode,
    response: reqwest::Response,
}

impl S3BlobStore {
    /// A store for `config` signing with `credentials`, over a client from [`client_builder`]
    /// trusting the system's authorities and `extra_roots`. Nothing is sent until first use;
    /// [`S3BlobStore::check`] tests the bucket.
    pub fn open(
        config: S3Config,
        credentials: S3Credentials,
        extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    ) -> BlobResult<S3BlobStore> {
        let client = client_builder(extra_roots)?
            .build()
            .map_err(|e| BlobError::Remote {
                store: config.location(),
                reason: format!("cannot set up the HTTP client: {e}"),
            })?;
        Ok(S3BlobStore::with_client(config, credentials, client))
    }

    /// A store over a client the caller built (best from [`client_builder`]: without its
    /// no-redirect policy a misconfigured region is followed instead of reported).
    pub fn with_client(
        config: S3Config,
        credentials: S3Credentials,
        client: reqwest::Client,
    ) -> S3BlobStore {
        S3BlobStore {
            config,
            credentials,
            client,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &S3Config {
        &self.config
    }

    /// Checks that the bucket exists and the credentials may use it (`HEAD` of the bucket), so a
    /// wrong name, endpoint or key stops a server at start-up rather than at the first upload.
    pub async fn check(&self) -> BlobResult<()> {
        let reply = self
            .send(Method::HEAD, "", HeaderMap::new(), &[], EMPTY_SHA256)
            .await?;
        match reply.status {
            s if s.is_success() => Ok(()),
            StatusCode::NOT_FOUND => Err(self.remote(format!(
                "bucket `{}` does not exist (create it first; the registry does not)",
                self.config.bucket
            ))),
            StatusCode::FORBIDDEN => Err(self.remote(format!(
                "access to bucket `{}` is denied (403): check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the region ({}) and the bucket policy",
                self.config.bucket, self.config.region
            ))),
            s => Err(self.unexpected("HEAD bucket", s, reply.response).await),
        }
    }

    fn remote(&self, reason: String) -> BlobError {
        BlobError::Remote {
            store: self.location(),
            reason,
        }
    }

    /// An error for a status the store did not expect, with the S3 error code when the body
    /// has one (read at most [`MAX_ERROR_BODY`] bytes of it).
    async fn unexpected(
        &self,
        what: &str,
        status: StatusCode,
        mut response: reqwest::Response,
    ) -> BlobError {
        let mut body = Vec::new();
        while body.len() < MAX_ERROR_BODY {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
        body.truncate(MAX_ERROR_BODY);
        let text = String::from_utf8_lossy(&body);
        // The service's words, bounded: they go into a log line.
        let clip = |s: &str| s.chars().take(300).collect::<String>();
        let code = xml_element(&text, "Code");
        let message = xml_element(&text, "Message").map(clip);
        let detail = match (code, message) {
            (Some(c), Some(m)) => format!(": {}: {m}", clip(c)),
            (Some(c), None) => format!(": {}", clip(c)),
            _ => String::new(),
        };
        let hint = match code {
            Some("SignatureDoesNotMatch" | "InvalidAccessKeyId") => {
                " (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
            }
            Some("AuthorizationHeaderMalformed" | "PermanentRedirect") => {
                " (check the region= parameter: the bucket is in another region)"
            }
            Some("NoSuchBucket") => " (create the bucket first; the registry does not)",
            _ => "",
        };
        self.remote(format!("{what} answered {status}{detail}{hint}"))
    }

    /// Signs and sends one request for `key` (the bucket itself when empty). A request that got
    /// no answer at all is sent once more, signed afresh: every request the store makes is
    /// idempotent, and a pooled connection the server has just closed fails this way (it
    /// happens after a server answers before reading a whole upload). A timeout is not retried.
    async fn send(
        &self,
        method: Method,
        key: &str,
        headers: HeaderMap,
        body: &[u8],
        payload_sha256: &str,
    ) -> BlobResult<Reply> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request =
                self.signed_request(&method, key, headers.clone(), body, payload_sha256)?;
            match request.send().await {
                Ok(response) => {
                    return Ok(Reply {
                        status: response.status(),
                        response,
                    });
                }
                Err(e) if attempt < 2 && !e.is_timeout() => continue,
                Err(e) => {
                    return Err(self.remote(format!(
                        "{method} request failed: {}",
                        error_chain(&e as &dyn std::error::Error)
                    )));
                }
            }
        }
    }

    /// One request for `key`, signed with AWS Signature Version 4 at the current time.
    fn signed_request(
        &self,
        method: &Method,
        key: &str,
        mut headers: HeaderMap,
        body: &[u8],
        payload_sha256: &str,
    ) -> BlobResult<reqwest::RequestBuilder> {
        let url = self.config.url_of(key)?;
        let amz_date = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let header = |v: &str| {
            HeaderValue::from_str(v).map_err(|e| self.remote(format!("bad header value: {e}")))
        };
        headers.insert("x-amz-date", header(&amz_date)?);
        headers.insert("x-amz-content-sha256", header(payload_sha256)?);
        if let Some(token) = &self.credentials.session_token {
            headers.insert("x-amz-security-token", header(token)?);
        }
        let signed: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().trim().to_string(),
                )
            })
            .collect();
        let authorization = authorization(&SigningInput {
            method: method.as_str(),
            host: &host_header(&url),
            path: url.path(),
            headers: &signed,
            payload_sha256,
            amz_date: &amz_date,
            region: &self.config.region,
            credentials: &self.credentials,
        });
        headers.insert(reqwest::header::AUTHORIZATION, header(&authorization)?);
        let request = self.client.request(method.clone(), url).headers(headers);
        Ok(if *method == Method::PUT {
            request.body(body.to_vec())
        } else {
            request
        })
    }

    /// Sends an unconditional or conditional `PUT` of `bytes` under `digest`. `Ok(false)` when
    /// the condition failed (the object exists).
    async fn put_object(
        &self,
        digest: &str,
        bytes: &[u8],
        only_if_absent: bool,
    ) -> BlobResult<bool> {
        let mut headers = HeaderMap::new();
        if only_if_absent {
            headers.insert(
                reqwest::header::IF_NONE_MATCH,
                HeaderValue::from_static("*"),
            );
        }
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        let key = self.config.key_of(digest);
        let reply = self.send(Method::PUT, &key, headers, bytes, digest).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            // 409: a concurrent conditional write of the same key is in progress (AWS).
            StatusCode::PRECONDITION_FAILED | StatusCode::CONFLICT if only_if_absent => Ok(false),
            s => Err(self
                .unexpected(&format!("PUT {key}"), s, reply.response)
                .await),
        }
    }

    async fn put_bytes(&self, bytes: &[u8]) -> BlobResult<String> {
        let digest = digest_of(bytes);
        let size = bytes.len() as u64;
        if size > MAX_BLOB_BYTES {
            return Err(BlobError::TooLarge {
                digest,
                size,
                limit: MAX_BLOB_BYTES,
            });
        }
        // Asked first, so that bytes already stored are not uploaded again (up to 64 MiB); the
        // conditional PUT still settles a race with another writer of the same bytes.
        if !self.exists_key(&digest).await? && self.put_object(&digest, bytes, true).await? {
            return Ok(digest);
        }
        // Already there: keep it if whole, replace it if damaged (as the directory store does).
        match self.get_bytes(&digest, MAX_BLOB_BYTES).await {
            Ok(_) => Ok(digest),
            Err(
                BlobError::Corrupt { .. } | BlobError::TooLarge { .. } | BlobError::Missing { .. },
            ) => {
                self.put_object(&digest, bytes, false).await?;
                Ok(digest)
            }
            Err(e) => Err(e),
        }
    }

    async fn get_bytes(&self, digest: &str, max_bytes: u64) -> BlobResult<Vec<u8>> {
        check_digest(digest)?;
        let key = self.config.key_of(digest);
        let reply = self
            .send(Method::GET, &key, HeaderMap::new(), &[], EMPTY_SHA256)
            .await?;
        let mut response = match reply.status {
            StatusCode::OK => reply.response,
            StatusCode::NOT_FOUND => {
                let err = self
                    .unexpected(&format!("GET {key}"), reply.status, reply.response)
                    .await;
                // A missing bucket is a configuration error, not a missing blob.
                if err.to_string().contains("NoSuchBucket") {
                    return Err(err);
                }
                return Err(BlobError::Missing {
                    digest: digest.to_string(),
                    store: self.location(),
                });
            }
            s => {
                return Err(self
                    .unexpected(&format!("GET {key}"), s, reply.response)
                    .await);
            }
        };
        let too_large = |size: u64| BlobError::TooLarge {
            digest: digest.to_string(),
            size,
            limit: max_bytes,
        };
        let declared = response
            .headers()
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(size) = declared.filter(|&size| size > max_bytes) {
            return Err(too_large(size));
        }
        let capacity = declared.unwrap_or(0).min(max_bytes);
        let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            self.remote(format!(
                "reading {key} failed: {}",
                error_chain(&e as &dyn std::error::Error)
            ))
        })? {
            let total = bytes.len() as u64 + chunk.len() as u64;
            if total > max_bytes {
                return Err(too_large(total));
            }
            bytes.extend_from_slice(&chunk);
        }
        super::verified(digest, bytes, || self.location())
    }

    async fn exists_key(&self, digest: &str) -> BlobResult<bool> {
        check_digest(digest)?;
        let key = self.config.key_of(digest);
        let reply = self
            .send(Method::HEAD, &key, HeaderMap::new(), &[], EMPTY_SHA256)
            .await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            // A HEAD answer has no body, so no error code to report: say what to check.
            StatusCode::FORBIDDEN => Err(self.remote(format!(
                "HEAD {key} answered 403 Forbidden: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the region ({}) and that the policy grants s3:GetObject, s3:PutObject and s3:ListBucket",
                self.config.region
            ))),
            s => Err(self
                .unexpected(&format!("HEAD {key}"), s, reply.response)
                .await),
        }
    }
}

impl BlobStore for S3BlobStore {
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BoxFuture<'a, BlobResult<String>> {
        Box::pin(self.put_bytes(bytes))
    }

    fn get<'a>(&'a self, digest: &'a str, max_bytes: u64) -> BoxFuture<'a, BlobResult<Vec<u8>>> {
        Box::pin(self.get_bytes(digest, max_bytes))
    }

    fn exists<'a>(&'a self, digest: &'a str) -> BoxFuture<'a, BlobResult<bool>> {
        Box::pin(self.exists_key(digest))
    }

    fn location(&self) -> String {
        self.config.location()
    }
}

/// The `Host` header reqwest sends for `url`: the host, and the port unless it is the scheme's
/// default.
fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The text of the first `<name>…</name>` in an S3 error document.
fn xml_element<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let len = text[start..].find(&format!("</{name}>"))?;
    Some(&text[start..start + len])
}

/// An error and its causes, joined (reqwest's own message omits the connection's cause).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// What AWS Signature Version 4 signs for one request.
struct SigningInput<'a> {
    method: &'a str,
    /// The `Host` header's value.
    host: &'a str,
    /// The URL path, already in canonical (percent-encoded) form.
    path: &'a str,
    /// Headers to sign besides `host` (lowercase names, trimmed values); must include
    /// `x-amz-date` and `x-amz-content-sha256`.
    headers: &'a [(String, String)],
    payload_sha256: &'a str,
    /// `YYYYMMDDTHHMMSSZ`.
    amz_date: &'a str,
    region: &'a str,
    credentials: &'a S3Credentials,
}

/// The `Authorization` header of AWS Signature Version 4 for S3 (no query string: the store's
/// requests have none).
fn authorization(input: &SigningInput<'_>) -> String {
    let mut headers: Vec<(String, String)> = input
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    headers.push(("host".into(), input.host.to_string()));
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n{}\n\n{canonical_headers}\n{signed_headers}\n{}",
        input.method, input.path, input.payload_sha256
    );
    let date = &input.amz_date[..8.min(input.amz_date.len())];
    let scope = format!("{date}/{}/s3/aws4_request", input.region);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        input.amz_date,
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let secret = format!("AWS4{}", input.credentials.secret_access_key);
    let key = [date, input.region, "s3", "aws4_request"]
        .iter()
        .fold(secret.into_bytes(), |key, part| {
            hmac_sha256(&key, part.as_bytes())
        });
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope},SignedHeaders={signed_headers},Signature={signature}",
        input.credentials.access_key_id
    )
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return Vec::new(),
    };
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real S3 server (s3s-fs over a temporary directory, one bucket `b-1`) on loopback, and a
    /// store on it; the server stops with the runtime.
    async fn store_on_s3s() -> (tempfile::TempDir, S3BlobStore) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b-1")).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut builder =
            s3s::service::S3ServiceBuilder::new(s3s_fs::FileSystem::new(dir.path()).unwrap());
        builder.set_auth(s3s::auth::SimpleAuth::from_single("ak", "sk"));
        let service = builder.build();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        let config = S3Config::parse(&format!("s3://b-1?endpoint=http://{addr}")).unwrap();
        let store = S3BlobStore::open(config, S3Credentials::new("ak", "sk", None), Vec::new());
        (dir, store.unwrap())
    }

    /// Conditional PUTs refused (412) before their body is read, each followed by a read on the
    /// same client: every read succeeds. The server closes such a connection; if the client has
    /// already pooled it, the next request fails without an answer and `send` sends it again.
    /// That race was seen once (a re-put loop of 340 KB blobs) and this loop invites it, but
    /// cannot force it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refused_upload_does_not_break_the_next_request() {
        let (_dir, store) = store_on_s3s().await;
        let bytes: Vec<u8> = (0..340_000u32).map(|i| (i % 249) as u8).collect();
        let d = digest_of(&bytes);
        assert!(store.put_object(&d, &bytes, true).await.unwrap());
        for _ in 0..30 {
            assert!(!store.put_object(&d, &bytes, true).await.unwrap(), "412");
            assert_eq!(store.get_bytes(&d, MAX_BLOB_BYTES).await.unwrap(), bytes);
        }
    }

    /// AWS's published example ("Signature Calculations for the Authorization Header",
    /// GET Object with a Range header).
    #[test]
    fn the_signature_matches_aws_s_published_example() {
        let credentials = S3Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
        );
        let headers = [
            ("range".to_string(), "bytes=0-9".to_string()),
            ("x-amz-content-sha256".to_string(), EMPTY_SHA256.to_string()),
            ("x-amz-date".to_string(), "20130524T000000Z".to_string()),
        ];
        let auth = authorization(&SigningInput {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            headers: &headers,
            payload_sha256: EMPTY_SHA256,
            amz_date: "20130524T000000Z",
            region: "us-east-1",
            credentials: &credentials,
        });
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,\
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn a_url_names_bucket_prefix_endpoint_region_and_addressing() {
        let c = S3Config::parse(
            "s3://dtsec-blobs/registry/prod?endpoint=http://127.0.0.1:9000&region=eu-west-3",
        )
        .unwrap();
        assert_eq!(c.bucket, "dtsec-blobs");
        assert_eq!(c.prefix, "registry/prod");
        assert_eq!(c.region, "eu-west-3");
        assert_eq!(c.addressing, Addressing::Path);
        let d = "ab".repeat(32);
        assert_eq!(c.key_of(&d), format!("registry/prod/ab/ab/{d}"));
        assert_eq!(
            c.url_of(&c.key_of(&d)).unwrap().as_str(),
            format!("http://127.0.0.1:9000/dtsec-blobs/registry/prod/ab/ab/{d}")
        );
        assert_eq!(
            c.location(),
            "s3://dtsec-blobs/registry/prod at http://127.0.0.1:9000"
        );

        // AWS by default: virtual-host addressing on the region's endpoint.
        let aws = S3Config::parse("s3://dtsec-blobs?region=eu-west-3").unwrap();
        assert_eq!(aws.addressing, Addressing::VirtualHost);
        assert_eq!(aws.prefix, "");
        assert_eq!(
            aws.url_of(&aws.key_of(&d)).unwrap().as_str(),
            format!("https://dtsec-blobs.s3.eu-west-3.amazonaws.com/ab/ab/{d}")
        );
        let v =
            S3Config::parse("s3://b-1/p?endpoint=https://minio.example:9000&addressing=virtual")
                .unwrap();
        assert_eq!(
            v.url_of("k").unwrap().as_str(),
            "https://b-1.minio.example:9000/k"
        );
        assert_eq!(
            host_header(&v.url_of("k").unwrap()),
            "b-1.minio.example:9000"
        );
        assert_eq!(v.region, DEFAULT_REGION);
    }

    #[test]
    fn unusable_urls_are_refused_with_what_to_write() {
        for (url, says) in [
            ("/srv/blobs", "not a URL"),
            ("file:///srv/blobs", "--blob-dir"),
            ("s3://AK:SECRET@bucket", "environment"),
            ("s3://Bucket", "not a bucket name"),
            ("s3://ab", "not a bucket name"),
            ("s3://bucket/../x", "key prefix"),
            ("s3://bucket/a//b", "key prefix"),
            ("s3://bucket/a%20b", "key prefix"),
            ("s3://bucket?endpoint=ftp://h", "http://HOST"),
            ("s3://bucket?endpoint=http://h/path", "origin only"),
            ("s3://bucket?endpoint=http://u:p@h", "credentials"),
            ("s3://bucket?regoin=x", "unknown parameter `regoin`"),
            ("s3://bucket?region=a&region=b", "twice"),
            ("s3://bucket?region=a/b", "region"),
            ("s3://bucket?addressing=dns", "`path` or `virtual`"),
            ("s3://my.bucket?addressing=virtual", "addressing=path"),
        ] {
            let err = S3Config::parse(url).unwrap_err();
            assert!(err.to_string().contains(says), "{url}: {err}");
        }
    }

    #[test]
    fn credentials_come_from_the_environment_and_are_never_printed() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        let c = S3Credentials::from_lookup(env(&[
            (ACCESS_KEY_ENV, "AKID"),
            (SECRET_KEY_ENV, "very-secret"),
            (SESSION_TOKEN_ENV, "token-secret"),
        ]))
        .unwrap();
        let shown = format!("{c:?}");
        assert!(shown.contains("AKID"), "{shown}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("token-secret"),
            "{shown}"
        );
        let err = S3Credentials::from_lookup(env(&[(ACCESS_KEY_ENV, "AKID")])).unwrap_err();
        assert!(
            err.contains(SECRET_KEY_ENV) && !err.contains("AKID"),
            "{err}"
        );
        let err = S3Credentials::from_lookup(env(&[(SECRET_KEY_ENV, "")])).unwrap_err();
        assert!(err.contains(ACCESS_KEY_ENV), "{err}");
        let no_token = S3Credentials::from_lookup(env(&[
            (ACCESS_KEY_ENV, "AKID"),
            (SECRET_KEY_ENV, "s"),
            (SESSION_TOKEN_ENV, ""),
        ]))
        .unwrap();
        assert!(no_token.session_token.is_none());
    }
}
