//! What dtsec's test suites need from their surroundings, asked for in one way.
//!
//! A test that needs something the machine may lack — the `../shared` corpus, PostgreSQL, a tool
//! such as `xmllint`, `pdftotext`, `openssl` or Chromium — asks here. On a developer's machine
//! a missing one makes the test say so in one line (`skipped: …`) and return, so a plain clone
//! stays green. Under CI (`CI=true`) the same absence **fails** the test: a CI run that skipped
//! the PostgreSQL half of the registry tests, or every NIAP corpus test, would pass vacuously.
//!
//! Waiting is here too: every wait loop in the tests has a deadline ([`wait_until`]), so a
//! server that never comes up fails the test with a message instead of hanging CI.
//!
//! ```
//! if let Some(dir) = dtsec_testkit::shared("niap/pp") {
//!     assert!(dir.is_dir());
//! }
//! ```

#![forbid(unsafe_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Whether this run is CI's: `CI` set to `true` or `1` (as CI services and `.ci/run` set it).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Reports that a test cannot run because `what` is missing; `fix` says how to get it.
///
/// Under CI this fails the calling test (it panics, which is how a test fails); elsewhere it
/// prints one line, `skipped: …`, and the caller returns.
#[track_caller]
pub fn skip(what: &str, fix: &str) {
    if in_ci() {
        panic!("{what} is missing, and CI=true makes that a failure, not a skip: {fix}");
    }
    // Straight to the process's stderr, past the test harness's capture of `println!`: a skip
    // should be seen in a passing run, not only when the test fails.
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped: {what} is missing ({fix})"
    );
}

/// The workspace's root (this crate lives at `crates/testkit`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared/<sub>` beside the workspace, or `None` (after [`skip`]) when it is absent.
#[track_caller]
pub fn shared(sub: &str) -> Option<PathBuf> {
    let dir = workspace_root().join("../shared").join(sub);
    if dir.exists() {
        Some(dir)
    } else {
        skip(
            &format!("{} (the shared corpus)", dir.display()),
            "check out ../shared beside the workspace",
        );
        None
    }
}

/// Whether the program `name` runs (`name ARG` starts); `package` is the Debian package that
/// brings it. `false` after [`skip`].
#[track_caller]
pub fn tool(name: &str, probe_arg: &str, package: &str) -> bool {
    let runs = std::process::Command::new(name)
        .arg(probe_arg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !runs {
        skip(
            &format!("the program `{name}`"),
            &format!("apt-get install {package}"),
        );
    }
    runs
}

/// Runs an external tool the test already asked for with [`tool`] and returns its standard
/// output; fails the test, showing the tool's standard error, when it exits unsuccessfully.
#[track_caller]
pub fn output_of(command: &mut std::process::Command) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An executable file at the path named by the environment variable `var`, or at `default`;
/// `None` (after [`skip`]) when there is none.
#[track_caller]
pub fn executable(var: &str, default: &str, package: &str) -> Option<PathBuf> {
    let p = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    if p.is_file() {
        Some(p)
    } else {
        skip(
            &format!("{} (or set {var})", p.display()),
            &format!("apt-get install {package}"),
        );
        None
    }
}

/// The PostgreSQL server the tests may create throwaway databases on
/// (`DTSEC_TEST_DATABASE_URL`), or `None` (after [`skip`]) when it is not set.
#[track_caller]
pub fn postgres_url() -> Option<String> {
    match std::env::var("DTSEC_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            skip(
                "PostgreSQL (DTSEC_TEST_DATABASE_URL is not set)",
                "set DTSEC_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test; .ci/run sets it when the server answers",
            );
            None
        }
    }
}

/// Calls `probe` until it gives a value, every `step`, for at most `limit`; fails the test
/// naming `what` when the deadline passes.
#[track_caller]
pub fn wait_until<T>(
    what: &str,
    limit: Duration,
    step: Duration,
    mut probe: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "gave up after {limit:?} waiting for {what}"
        );
        std::thread::sleep(step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_returns_the_first_value() {
        let mut n = 0;
        let v = wait_until(
            "a count of 3",
            Duration::from_secs(5),
            Duration::ZERO,
            || {
                n += 1;
                (n == 3).then_some(n)
            },
        );
        assert_eq!(v, 3);
    }

    #[test]
    fn the_workspace_root_holds_the_workspace_manifest() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(workspace_root().join("crates/testkit").is_dir());
    }
}
