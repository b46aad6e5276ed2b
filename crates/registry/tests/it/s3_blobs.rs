//! The S3-compatible blob store (issue 16) against a real S3 server, not a mock: s3s-fs (an S3
//! service over a directory, which checks every request's SigV4 signature) started on loopback
//! by each test. Covers what the directory store guarantees — content addressing, tamper
//! detection, the size bound before reading, missing blobs and bad digests naming themselves —
//! both addressing styles, start-up checks, and a certification whose sealed ETR is stored in
//! the bucket and served back.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dtsec_registry::blob::s3::{Addressing, S3BlobStore, S3Config, S3Credentials, client_builder};
use dtsec_registry::blob::{BlobError, BlobStore, MAX_BLOB_BYTES, digest_of};
use dtsec_registry::scratch::ScratchDatabase;
use dtsec_registry::{RegistryError, Store};

use crate::common;

const ACCESS_KEY: &str = "dtsec-test-access";
const SECRET_KEY: &str = "dtsec-test-secret-key";
const BUCKET: &str = "dtsec-blobs";

/// An S3 server on 127.0.0.1, serving the bucket [`BUCKET`] from a temporary directory. Stops
/// when dropped.
struct S3Server {
    dir: tempfile::TempDir,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl S3Server {
    /// Starts the server; with `domain`, it also answers virtual-host requests for
    /// `BUCKET.domain:PORT`.
    async fn start(domain: Option<&str>) -> S3Server {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(BUCKET)).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut builder =
            s3s::service::S3ServiceBuilder::new(s3s_fs::FileSystem::new(dir.path()).unwrap());
        builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        if let Some(domain) = domain {
            let base = format!("{domain}:{}", addr.port());
            builder.set_host(s3s::host::SingleDomain::new(&base).unwrap());
        }
        let service = builder.build();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        S3Server { dir, addr, task }
    }

    fn url(&self, prefix: &str) -> String {
        format!(
            "s3://{BUCKET}/{prefix}?endpoint=http://{}&region=us-east-1",
            self.addr
        )
    }

    /// The file s3s-fs keeps an object's bytes in.
    fn object_file(&self, key: &str) -> PathBuf {
        self.dir.path().join(BUCKET).join(key)
    }
}

fn credentials() -> S3Credentials {
    S3Credentials::new(ACCESS_KEY, SECRET_KEY, None)
}

fn open(url: &str) -> S3BlobStore {
    S3BlobStore::open(S3Config::parse(url).unwrap(), credentials(), Vec::new()).unwrap()
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn put_then_get_round_trips_under_the_directory_store_s_layout() {
    let server = S3Server::start(None).await;
    let store = open(&server.url("registry/prod"));
    store.check().await.unwrap();
    let d = store.put(b"hello").await.unwrap();
    assert_eq!(
        d,
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(store.get(&d, 100).await.unwrap(), b"hello");
    assert!(store.exists(&d).await.unwrap());
    let key = format!("registry/prod/2c/f2/{d}");
    assert_eq!(store.config().key_of(&d), key);
    assert_eq!(std::fs::read(server.object_file(&key)).unwrap(), b"hello");
    // Idempotent: the same bytes again are the same one object.
    assert_eq!(store.put(b"hello").await.unwrap(), d);
    let objects = |server: &S3Server| {
        files_under(&server.dir.path().join(BUCKET))
            .into_iter()
            .filter(|p| !p.to_string_lossy().contains(".metadata"))
            .count()
    };
    assert_eq!(objects(&server), 1);
    // The empty document and a large one are blobs too.
    let e = store.put(b"").await.unwrap();
    assert_eq!(store.get(&e, 0).await.unwrap(), b"");
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let b = store.put(&big).await.unwrap();
    assert_eq!(store.get(&b, MAX_BLOB_BYTES).await.unwrap(), big);
    // Again, and then a read: the second put uploads nothing, and the connection it leaves in
    // the pool still serves the next request.
    assert_eq!(store.put(&big).await.unwrap(), b);
    assert_eq!(store.get(&b, MAX_BLOB_BYTES).await.unwrap(), big);
    assert_eq!(objects(&server), 3);
    assert!(store.location().contains(BUCKET), "{}", store.location());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_puts_of_the_same_large_bytes_leave_one_whole_object() {
    // Writers racing for one key: the losers' conditional PUTs are refused (412), often before
    // their 2 MB body is read, which closes their connections; each put still succeeds, and
    // requests after it on the same client do too.
    let server = S3Server::start(None).await;
    let store = Arc::new(open(&server.url("race")));
    let bytes: Arc<Vec<u8>> = Arc::new((0..2_000_000u32).map(|i| (i % 253) as u8).collect());
    let d = digest_of(&bytes);
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (store, bytes) = (store.clone(), bytes.clone());
        tasks.push(tokio::spawn(async move { store.put(&bytes).await }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), d);
    }
    for _ in 0..6 {
        assert_eq!(
            &store.get(&d, MAX_BLOB_BYTES).await.unwrap(),
            bytes.as_ref()
        );
    }
    assert_eq!(
        std::fs::read(server.object_file(&store.config().key_of(&d))).unwrap(),
        *bytes
    );
}

#[tokio::test]
async fn temporary_credentials_send_their_session_token_inside_the_signature() {
    let server = S3Server::start(None).await;
    let store = S3BlobStore::open(
        S3Config::parse(&server.url("t")).unwrap(),
        S3Credentials::new(ACCESS_KEY, SECRET_KEY, Some("session-token-value".into())),
        Vec::new(),
    )
    .unwrap();
    store.check().await.unwrap();
    let d = store.put(b"with a token").await.unwrap();
    assert_eq!(store.get(&d, 100).await.unwrap(), b"with a token");
}

#[tokio::test]
async fn virtual_host_addressing_reaches_the_same_bucket() {
    let server = S3Server::start(Some("s3.test")).await;
    let url = format!(
        "s3://{BUCKET}/vh?endpoint=http://s3.test:{}&addressing=virtual",
        server.addr.port()
    );
    let config = S3Config::parse(&url).unwrap();
    assert_eq!(config.addressing, Addressing::VirtualHost);
    // No DNS for *.s3.test here: the client resolves the bucket's host name to the server.
    let client = client_builder(Vec::new())
        .unwrap()
        .resolve(&format!("{BUCKET}.s3.test"), server.addr)
        .build()
        .unwrap();
    let store = S3BlobStore::with_client(config, credentials(), client);
    store.check().await.unwrap();
    let d = store.put(b"virtually hosted").await.unwrap();
    assert_eq!(store.get(&d, 100).await.unwrap(), b"virtually hosted");
    assert_eq!(
        std::fs::read(server.object_file(&store.config().key_of(&d))).unwrap(),
        b"virtually hosted"
    );
}

#[tokio::test]
async fn a_tampered_object_is_refused_and_a_put_repairs_it() {
    let server = S3Server::start(None).await;
    let store = open(&server.url("p"));
    let d = store.put(b"sealed ETR").await.unwrap();
    let file = server.object_file(&store.config().key_of(&d));
    std::fs::write(&file, b"sealed ETX").unwrap();
    let err = store.get(&d, 100).await.unwrap_err();
    assert!(matches!(err, BlobError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains(&d), "{err}");
    assert!(err.to_string().contains(BUCKET), "{err}");
    // Putting the true bytes again finds the object damaged and replaces it.
    assert_eq!(store.put(b"sealed ETR").await.unwrap(), d);
    assert_eq!(store.get(&d, 100).await.unwrap(), b"sealed ETR");
    assert_eq!(std::fs::read(&file).unwrap(), b"sealed ETR");
}

#[tokio::test]
async fn the_size_bound_is_checked_before_the_body_is_read() {
    let server = S3Server::start(None).await;
    let store = open(&server.url(""));
    let d = store.put(&[7u8; 1000]).await.unwrap();
    let err = store.get(&d, 999).await.unwrap_err();
    assert!(
        matches!(
            err,
            BlobError::TooLarge {
                size: 1000,
                limit: 999,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(store.get(&d, 1000).await.unwrap().len(), 1000);
    // An object swollen to 200 MB behind the store's back is refused from its Content-Length
    // (the size the error names), so the body is neither read nor held in memory. No time is
    // asserted: a loaded machine may take any time (the bound is structural, not a timeout).
    let file = server.object_file(&store.config().key_of(&d));
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_len(200_000_000).unwrap();
    drop(f);
    let err = store.get(&d, MAX_BLOB_BYTES).await.unwrap_err();
    assert!(
        matches!(
            err,
            BlobError::TooLarge {
                size: 200_000_000,
                ..
            }
        ),
        "{err}"
    );
    // Nor is an over-limit blob ever sent.
    let huge = vec![0u8; usize::try_from(MAX_BLOB_BYTES).unwrap() + 1];
    let err = store.put(&huge).await.unwrap_err();
    assert!(matches!(err, BlobError::TooLarge { .. }), "{err}");
}

/// A server that answers every request with `body`, chunked (no `Content-Length`): what a
/// misbehaving proxy in front of a bucket could send. Not an S3 server; it tests the one path
/// a real one does not reach, the cap on a body of undeclared length.
async fn chunked_server(body: Vec<u8>) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let mut answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
                for chunk in body.chunks(100) {
                    answer.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    answer.extend_from_slice(chunk);
                    answer.extend_from_slice(b"\r\n");
                }
                answer.extend_from_slice(b"0\r\n\r\n");
                let _ = socket.write_all(&answer).await;
            });
        }
    });
    (addr, task)
}

#[tokio::test]
async fn a_body_of_undeclared_length_is_cut_off_one_chunk_past_the_bound() {
    let body = vec![b'x'; 5000];
    let (addr, task) = chunked_server(body.clone()).await;
    let store = open(&format!("s3://{BUCKET}?endpoint=http://{addr}"));
    let d = digest_of(&body);
    let err = store.get(&d, 1000).await.unwrap_err();
    match err {
        BlobError::TooLarge { size, limit, .. } => {
            assert_eq!(limit, 1000);
            assert!((1001..=1100).contains(&size), "stopped at {size} bytes");
        }
        other => panic!("{other}"),
    }
    // Within the bound it is read whole and checked like any other answer.
    assert_eq!(store.get(&d, 5000).await.unwrap(), body);
    let err = store.get(&digest_of(b"other"), 5000).await.unwrap_err();
    assert!(matches!(err, BlobError::Corrupt { .. }), "{err}");
    task.abort();
}

#[tokio::test]
async fn a_missing_blob_is_an_error_naming_its_digest() {
    let server = S3Server::start(None).await;
    let store = open(&server.url("p"));
    let d = digest_of(b"never stored");
    let err = store.get(&d, 100).await.unwrap_err();
    assert!(matches!(err, BlobError::Missing { .. }), "{err}");
    assert!(err.to_string().contains(&d), "{err}");
    assert!(!store.exists(&d).await.unwrap());
}

#[tokio::test]
async fn digests_that_are_not_hex_never_reach_the_url() {
    // An endpoint where nothing listens: a request would fail as unreachable, so a BadDigest
    // answer shows that none was sent.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let store = open(&format!("s3://{BUCKET}?endpoint=http://127.0.0.1:{port}"));
    for bad in [
        "../../etc/passwd",
        "",
        &"A".repeat(64),
        &"a".repeat(63),
        &format!("{}?x=1", "a".repeat(60)),
    ] {
        let err = store.get(bad, 10).await.unwrap_err();
        assert!(matches!(err, BlobError::BadDigest(_)), "{bad}: {err}");
        let err = store.exists(bad).await.unwrap_err();
        assert!(matches!(err, BlobError::BadDigest(_)), "{bad}: {err}");
    }
    // A good digest does try the endpoint, and says it could not reach it.
    let err = store.get(&digest_of(b"x"), 10).await.unwrap_err();
    assert!(matches!(err, BlobError::Remote { .. }), "{err}");
}

#[tokio::test]
async fn wrong_credentials_or_bucket_stop_the_check_with_what_to_fix() {
    let server = S3Server::start(None).await;
    let wrong_key = S3BlobStore::open(
        S3Config::parse(&server.url("p")).unwrap(),
        S3Credentials::new(ACCESS_KEY, "not-the-secret", None),
        Vec::new(),
    )
    .unwrap();
    let err = wrong_key.check().await.unwrap_err();
    assert!(matches!(err, BlobError::Remote { .. }), "{err}");
    let err = wrong_key.put(b"x").await.unwrap_err().to_string();
    assert!(err.contains("403"), "{err}");
    assert!(err.contains("AWS_SECRET_ACCESS_KEY"), "{err}");
    assert!(!err.contains("not-the-secret"), "{err}");
    // A GET's refusal carries the service's error code.
    let err = wrong_key
        .get(&digest_of(b"x"), 10)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("SignatureDoesNotMatch"), "{err}");
    assert!(err.contains("AWS_SECRET_ACCESS_KEY"), "{err}");

    let no_bucket = open(&format!(
        "s3://no-such-bucket?endpoint=http://{}",
        server.addr
    ));
    let err = no_bucket.check().await.unwrap_err().to_string();
    assert!(err.contains("does not exist"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_s_sealed_etr_is_stored_in_the_bucket_and_served_back() {
    sqlx::any::install_default_drivers();
    // SQLite, and PostgreSQL when DTSEC_TEST_DATABASE_URL is set.
    let mut databases = vec![None];
    if let Some(url) = dtsec_testkit::postgres_url() {
        databases.push(Some(
            ScratchDatabase::create(&url, "dtsec_s3")
                .await
                .expect("DTSEC_TEST_DATABASE_URL: cannot create a database"),
        ));
    }
    for pg in databases {
        certify_with_blobs_in_a_bucket(pg.as_ref().map(ScratchDatabase::url)).await;
        if let Some(pg) = pg {
            pg.drop_database().await;
        }
    }
}

async fn certify_with_blobs_in_a_bucket(database_url: Option<&str>) {
    let server = S3Server::start(None).await;
    let blobs = Arc::new(open(&server.url("registry")));
    blobs.check().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = common::config(dir.path());
    cfg.database_url = database_url.map(str::to_string);
    cfg.blob_store = Some(blobs.clone());
    let store = Store::open(cfg.clone()).await.unwrap();
    let w = common::world(&store).await;
    let (product, cid) = common::certified_pump(&store, &w).await;

    let etr = store
        .etr_bundle(&w.certifier, &product)
        .await
        .unwrap()
        .unwrap();
    let st = store
        .st_text(&w.certifier, &product)
        .await
        .unwrap()
        .unwrap();
    // The bytes are objects in the bucket, under their digests; no blob directory was made.
    for doc in [&etr, &st] {
        let key = blobs.config().key_of(&digest_of(doc.as_bytes()));
        assert!(key.starts_with("registry/"), "{key}");
        assert_eq!(
            std::fs::read(server.object_file(&key)).unwrap(),
            doc.as_bytes()
        );
    }
    assert!(!dir.path().join("registry.sqlite3.blobs").exists());
    assert!(!dir.path().join(dtsec_registry::BLOB_DIR).exists());
    assert_eq!(store.blobs().location(), blobs.location());
    // Served back as certified, by certificate id (what the public ETR endpoint reads).
    let held = store.certified_etr(&cid).await.unwrap();
    assert_eq!((held.etr_bundle, held.st_text), (etr.clone(), st));

    // Tampered with in the bucket: refused, naming the digest; never served as the ETR.
    let digest = digest_of(etr.as_bytes());
    let file = server.object_file(&blobs.config().key_of(&digest));
    let mut damaged = etr.clone().into_bytes();
    damaged[10] ^= 1;
    std::fs::write(&file, damaged).unwrap();
    let err = store.certified_etr(&cid).await.unwrap_err();
    assert!(
        matches!(err, RegistryError::Blob(BlobError::Corrupt { .. })),
        "{err}"
    );
    assert!(err.to_string().contains(&digest), "{err}");
    store.close().await;
}
