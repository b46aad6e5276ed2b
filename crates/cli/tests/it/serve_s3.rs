//! Issue 16: `dtsec serve --blob-store s3://BUCKET/PREFIX?endpoint=…` keeps the cases'
//! documents in an S3-compatible bucket — here a real S3 server (s3s-fs, which checks every
//! request's signature) on loopback — with credentials from the environment only; a bucket that
//! cannot be used stops the server before it serves, saying what to fix.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use crate::common;

const ACCESS_KEY: &str = "dtsec-cli-access";
const SECRET_KEY: &str = "dtsec-cli-secret-key";
const BUCKET: &str = "registry-docs";

/// An S3 server on 127.0.0.1 serving [`BUCKET`] from a temporary directory, on its own runtime
/// (the tests here are blocking); stops when dropped.
struct S3Server {
    dir: tempfile::TempDir,
    addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

impl S3Server {
    fn start() -> S3Server {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join(BUCKET)).expect("bucket directory");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let mut builder = s3s::service::S3ServiceBuilder::new(
            s3s_fs::FileSystem::new(dir.path()).expect("s3s-fs"),
        );
        builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        runtime.spawn(async move {
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
        S3Server {
            dir,
            addr,
            _runtime: runtime,
        }
    }

    fn url(&self, bucket: &str) -> String {
        format!("s3://{bucket}/demo?endpoint=http://{}", self.addr)
    }

    /// Every object's (file name, bytes) in the bucket (s3s-fs keeps its metadata elsewhere).
    fn objects(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![self.dir.path().join(BUCKET)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("read bucket") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    out.push((name, std::fs::read(&p).expect("read object")));
                }
            }
        }
        out
    }

    fn object_file(&self, digest: &str) -> PathBuf {
        self.dir
            .path()
            .join(BUCKET)
            .join("demo")
            .join(&digest[0..2])
            .join(&digest[2..4])
            .join(digest)
    }
}

const CREDENTIALS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
    ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
];

/// `dtsec serve ARGS` expected to stop before serving, with only `env`'s AWS settings.
fn serve_refused(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dtsec"));
    c.arg("serve")
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("DTSEC_CA_CERT")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("dtsec runs")
}

#[test]
fn the_demo_keeps_its_documents_in_the_bucket_and_serves_them_back() {
    let s3 = S3Server::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let url = s3.url(BUCKET);
    let server = common::serve(
        &[
            "--demo",
            "--data-dir",
            common::s(&data),
            "--blob-store",
            &url,
        ],
        &CREDENTIALS,
        &tmp.path().join("serve.log"),
    );
    // No blob directory: the documents are objects, each named by its digest.
    assert!(!data.join("registry.sqlite3.blobs").exists());
    let stored = s3.objects();
    assert!(
        stored.len() >= 4,
        "STs and ETRs as objects: {}",
        stored.len()
    );
    for (name, bytes) in &stored {
        assert_eq!(&dtsec_seal::sha256_hex(bytes), name, "named by its digest");
    }

    let http = common::http();
    let list: serde_json::Value = http
        .get(format!("{}/api/v1/devices", server.base))
        .send()
        .expect("device list")
        .json()
        .expect("JSON");
    let id = list[0]["certificate_id"]
        .as_str()
        .expect("a certified device");
    let st_url = format!("{}/api/v1/devices/{id}/st", server.base);
    let st = http.get(&st_url).send().expect("ST");
    assert_eq!(st.status(), 200, "{}", server.log());
    let digest = dtsec_seal::sha256_hex(&st.bytes().expect("ST bytes"));
    assert!(
        stored.iter().any(|(name, _)| *name == digest),
        "the published ST is the object {digest}"
    );

    // Changed in the bucket behind the server's back: an error answer, never another document.
    let file = s3.object_file(&digest);
    let mut bytes = std::fs::read(&file).expect("the ST's object");
    bytes[0] ^= 0x20;
    std::fs::write(&file, bytes).expect("tamper");
    // The public answer may be kept for this long (`http_cache.rs`): the same bytes, no other.
    std::thread::sleep(dtsec_registry::STATUS_FRESH_FOR + std::time::Duration::from_millis(200));
    let tampered = http.get(&st_url).send().expect("ST again");
    assert_eq!(tampered.status(), 500);
    drop(server);
}

#[test]
fn a_bucket_that_cannot_be_used_stops_the_server_saying_what_to_fix() {
    let s3 = S3Server::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let data = common::s(&data);
    let text = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();

    // No credentials in the environment.
    let o = serve_refused(&["--data-dir", data, "--blob-store", &s3.url(BUCKET)], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("AWS_ACCESS_KEY_ID"), "{}", text(&o));

    // The wrong secret: the server's refusal, and what to check; the secret is never echoed.
    let o = serve_refused(
        &["--data-dir", data, "--blob-store", &s3.url(BUCKET)],
        &[
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", "wrong-secret-value"),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("cannot use the blob store"),
        "{}",
        text(&o)
    );
    assert!(!text(&o).contains("wrong-secret-value"), "{}", text(&o));

    // A bucket that does not exist.
    let o = serve_refused(
        &[
            "--data-dir",
            data,
            "--blob-store",
            &s3.url("no-such-bucket"),
        ],
        &CREDENTIALS,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("does not exist"), "{}", text(&o));

    // Credentials on the command line are refused before anything is sent.
    let in_url = format!("s3://AKID:SECRET@{BUCKET}?endpoint=http://{}", s3.addr);
    let o = serve_refused(&["--data-dir", data, "--blob-store", &in_url], &CREDENTIALS);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("environment"), "{}", text(&o));

    // A directory and a bucket at once: one or the other.
    let o = serve_refused(
        &[
            "--data-dir",
            data,
            "--blob-dir",
            common::s(&tmp.path().join("b")),
            "--blob-store",
            &s3.url(BUCKET),
        ],
        &CREDENTIALS,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("cannot be used with"), "{}", text(&o));
    // Nothing was written to the bucket by any refused start.
    assert!(s3.objects().is_empty());
}
