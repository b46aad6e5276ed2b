//! HTTPS served directly: `dtsec serve --tls-cert CHAIN.pem --tls-key KEY.pem`.
//!
//! Why in the server and not only behind a proxy: a registry is about trust, and a small
//! deployment (one lab's mirror, a test set-up) should not need a second program to be reached
//! over HTTPS. The certificate chain and key are read once at start (PEM), with the *ring*
//! provider and the safe protocol defaults (TLS 1.2 and 1.3).
//!
//! Handshakes run in their own tasks, each bounded by [`HANDSHAKE_TIMEOUT`] and at most
//! [`MAX_PENDING_HANDSHAKES`] at once, and only finished connections are handed to axum: a
//! client that opens a connection and never completes the handshake holds up nobody else.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client may take to complete the TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How many handshakes may be in progress at once; connections beyond are closed at once, so a
/// flood of clients that never finish cannot use up the process's file descriptors.
pub const MAX_PENDING_HANDSHAKES: usize = 512;

/// Why HTTPS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// A PEM file could not be read or holds nothing usable.
    #[error("{path}: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The key does not fit the certificate, or the TLS library refused them.
    #[error("the TLS certificate and key cannot be used: {0}")]
    Config(String),
}

/// A rustls server configuration from a PEM certificate chain (leaf first) and its private key.
pub fn server_config(cert_chain: &Path, key: &Path) -> Result<rustls::ServerConfig, TlsSetupError> {
    let file_err = |path: &Path, reason: String| TlsSetupError::File {
        path: path.to_owned(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(cert_chain)
        .map_err(|e| file_err(cert_chain, e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| file_err(cert_chain, e.to_string()))?;
    if certs.is_empty() {
        return Err(file_err(
            cert_chain,
            "no certificate (-----BEGIN CERTIFICATE-----) in the file".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        file_err(
            key,
            format!("{e} (expected a PEM private key: PKCS#8, PKCS#1 or SEC1)"),
        )
    })?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TlsSetupError::Config(e.to_string()))?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| TlsSetupError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// A listener that hands axum only connections whose TLS handshake finished.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    /// Starts accepting on `tcp` (a task per handshake). Call inside a tokio runtime.
    pub fn new(tcp: TcpListener, config: rustls::ServerConfig) -> std::io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let (tx, ready) = mpsc::channel(256);
        let pending = Arc::new(tokio::sync::Semaphore::new(MAX_PENDING_HANDSHAKES));
        tokio::spawn(async move {
            while !tx.is_closed() {
                let (stream, addr) = match tcp.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        // Out of file descriptors, say: wait a little rather than spin.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Ok(permit) = pending.clone().try_acquire_owned() else {
                    tracing::warn!(
                        "{MAX_PENDING_HANDSHAKES} TLS handshakes in progress; closing the connection from {addr}"
                    );
                    drop(stream);
                    continue;
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let _permit = permit;
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, addr)).await;
                        }
                        Ok(Err(e)) => tracing::debug!("TLS handshake with {addr} failed: {e}"),
                        Err(_) => tracing::debug!("TLS handshake with {addr} timed out"),
                    }
                });
            }
        });
        Ok(TlsListener { ready, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The accept task ended (it never does while the receiver lives): nothing more
            // will arrive.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// The peer's address, for axum's `ConnectInfo` over plain TCP or TLS (axum provides it for
/// `SocketAddr` over TCP only). Serve with
/// `into_make_service_with_connect_info::<ClientAddr>()`; [`client_ip`] reads either.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, TcpListener>>
    for ClientAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, TcpListener>) -> ClientAddr {
        ClientAddr(*stream.remote_addr())
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, TlsListener>>
    for ClientAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, TlsListener>) -> ClientAddr {
        ClientAddr(*stream.remote_addr())
    }
}

impl<L>
    axum::extract::connect_info::Connected<
        axum::serve::IncomingStream<'_, crate::limits::Limited<L>>,
    > for ClientAddr
where
    L: axum::serve::Listener<Addr = SocketAddr>,
    L::Io: Unpin,
{
    fn connect_info(
        stream: axum::serve::IncomingStream<'_, crate::limits::Limited<L>>,
    ) -> ClientAddr {
        ClientAddr(*stream.remote_addr())
    }
}

/// The peer's IP address, from whichever connect info the server was started with; `None`
/// when none (tests calling the router directly). Who the client is behind a proxy is
/// [`crate::forwarded::client_ip`]'s question.
pub fn peer_ip(extensions: &axum::http::Extensions) -> Option<std::net::IpAddr> {
    use axum::extract::ConnectInfo;
    if let Some(ConnectInfo(ClientAddr(a))) = extensions.get::<ConnectInfo<ClientAddr>>() {
        return Some(a.ip());
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}
