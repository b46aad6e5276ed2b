//! Connection limits for `dtsec serve`: a cap on open connections and a deadline for each
//! request's header. Without them 300 idle sockets starved `/healthz`: every connection held a
//! task forever, waiting for a request that never came. `axum::serve` offers neither, so the
//! listener enforces both — a permit per connection (the accept loop waits for a free one, so
//! the kernel's backlog queues the rest), and an I/O wrapper that ends a connection whose
//! request header has not fully arrived in time (counted from the connection's start, and from
//! each response, so an idle keep-alive connection is closed too).

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// The limits (`dtsec serve --max-connections`, `--header-timeout-secs`).
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Connections open at once; further ones wait in the kernel's queue until one closes.
    pub max_connections: usize,
    /// How long a client has to send a request's whole header, from the connection's start or
    /// the end of the previous response.
    pub header_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 512,
            header_timeout: Duration::from_secs(30),
        }
    }
}

/// A listener whose connections are capped and must send their headers in time.
pub struct Limited<L> {
    inner: L,
    permits: Arc<Semaphore>,
    header_timeout: Duration,
}

impl<L> Limited<L> {
    /// Wraps `inner`.
    pub fn new(inner: L, limits: ConnectionLimits) -> Self {
        Limited {
            inner,
            permits: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            header_timeout: limits.header_timeout,
        }
    }
}

impl<L> axum::serve::Listener for Limited<L>
where
    L: axum::serve::Listener,
    L::Io: Unpin,
{
    type Io = Guarded<L::Io>;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // The semaphore is never closed, so acquiring only waits.
        let permit = loop {
            if let Ok(p) = self.permits.clone().acquire_owned().await {
                break p;
            }
        };
        let (io, addr) = self.inner.accept().await;
        (Guarded::new(io, permit, self.header_timeout), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection holding its permit, with a deadline while a request header is awaited.
pub struct Guarded<T> {
    inner: T,
    _permit: OwnedSemaphorePermit,
    timeout: Duration,
    /// Set while a request header is awaited.
    deadline: Option<Pin<Box<Sleep>>>,
    /// How much of `\r\n\r\n` the bytes read so far end with.
    matched: usize,
}

impl<T> Guarded<T> {
    fn new(inner: T, permit: OwnedSemaphorePermit, timeout: Duration) -> Self {
        Guarded {
            inner,
            _permit: permit,
            timeout,
            deadline: Some(Box::pin(tokio::time::sleep(timeout))),
            matched: 0,
        }
    }

    /// Follows the bytes read for the end of the header (`\r\n\r\n`); once seen, the body (if
    /// any) is read without a deadline until the next response is written.
    fn scan(&mut self, bytes: &[u8]) {
        const END: &[u8] = b"\r\n\r\n";
        for &b in bytes {
            if self.deadline.is_none() {
                return;
            }
            self.matched = if b == END[self.matched] {
                self.matched + 1
            } else if b == b'\r' {
                1
            } else {
                0
            };
            if self.matched == END.len() {
                self.deadline = None;
                self.matched = 0;
            }
        }
    }
}

fn timed_out() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "the request header did not arrive in time",
    )
}

impl<T: AsyncRead + Unpin> AsyncRead for Guarded<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // Checked before reading too: a client trickling a byte at a time is always readable.
        if this.deadline.as_ref().is_some_and(|d| d.is_elapsed()) {
            return Poll::Ready(Err(timed_out()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.scan(&buf.filled()[before..]);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let expired = this
                    .deadline
                    .as_mut()
                    .is_some_and(|d| d.as_mut().poll(cx).is_ready());
                if expired {
                    Poll::Ready(Err(timed_out()))
                } else {
                    Poll::Pending
                }
            }
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Guarded<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            // A response is going out: the next request's header is awaited from now.
            match &mut this.deadline {
                Some(d) => d.as_mut().reset(Instant::now() + this.timeout),
                None => this.deadline = Some(Box::pin(tokio::time::sleep(this.timeout))),
            }
            this.matched = 0;
        }
        r
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            match &mut this.deadline {
                Some(d) => d.as_mut().reset(Instant::now() + this.timeout),
                None => this.deadline = Some(Box::pin(tokio::time::sleep(this.timeout))),
            }
            this.matched = 0;
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
