//! The server's log: one line per request (method, path, status, latency) and the detail of
//! internal errors, on standard error.
//!
//! Why a `Targets` filter from `DTSEC_LOG` and not `RUST_LOG` with `EnvFilter`: the same
//! `target=level` syntax covers what an operator needs (`DTSEC_LOG=warn` to quiet request lines,
//! `DTSEC_LOG=info,sqlx=debug` to see queries) without a regex engine in the binary.

use std::str::FromStr as _;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// The filter when `DTSEC_LOG` is unset: requests and errors, not the libraries' chatter.
const DEFAULT: &str = "warn,dtsec_server=info";

/// Installs the log subscriber. A malformed `DTSEC_LOG` is reported and the default used.
pub fn init() {
    let spec = std::env::var("DTSEC_LOG").unwrap_or_else(|_| DEFAULT.to_string());
    let filter = Targets::from_str(&spec).unwrap_or_else(|e| {
        crate::error::warning(format_args!(
            "DTSEC_LOG={spec:?} is not a log filter ({e}); using {DEFAULT:?}"
        ));
        Targets::from_str(DEFAULT).unwrap_or_default()
    });
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // A second call (tests running several servers in one process) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(ansi)
                .with_target(false),
        )
        .with(filter)
        .try_init();
}
