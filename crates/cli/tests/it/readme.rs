//! The README is executable: every command block in `README.md` runs, in the order written, in
//! one sandbox directory, with `dtsec` on `PATH`, and must succeed. A README whose flow uses a
//! file before the section that makes it, or a command whose options changed, fails here.
//!
//! What the sandbox supplies, because the README addresses a reader in their own clone:
//! - `examples/` and `crates/` of this clone (linked), so relative paths resolve;
//! - the placeholders the README names for the reader's own files, from `../shared`:
//!   `MY-CC.xml` (the CC XML), `tls.xml` (a NIAP package), `ST.xml` and `NIAP-PPS/` (a NIAP ST and
//!   its PPs);
//! - `dtsec serve` runs in the background on a free port (`--listen 127.0.0.1:0` is appended),
//!   and later blocks reach it at the address it prints instead of `127.0.0.1:8080`.
//!
//! Blocks that are only `cargo` commands (installing, the two set-up commands) are not run
//! here: `.ci/run` runs them itself.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common;

/// A command block: its first line number (1-based) and its text, indentation removed.
#[derive(Debug)]
struct Block {
    line: usize,
    text: String,
}

/// The indented blocks of a Markdown file, in order. A block is a run of lines indented by four
/// spaces, blank lines inside it included; any other line ends it.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let mut previous_blank = true;
    for (i, line) in markdown.lines().enumerate() {
        let indented = line.starts_with("    ");
        if indented && (current.is_some() || previous_blank) {
            let b = current.get_or_insert_with(|| Block {
                line: i + 1,
                text: String::new(),
            });
            b.text.push_str(&line[4..]);
            b.text.push('\n');
        } else if line.trim().is_empty() {
            if let Some(b) = current.as_mut() {
                b.text.push('\n');
            }
        } else if let Some(b) = current.take() {
            out.push(b);
        }
        previous_blank = line.trim().is_empty();
    }
    out.extend(current);
    for b in &mut out {
        b.text = format!("{}\n", b.text.trim_end());
    }
    out
}

/// Whether every command of the block is a `cargo` command.
fn only_cargo(block: &str) -> bool {
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .all(|l| l.starts_with("cargo "))
}

/// The sandbox: a directory that looks like the reader's clone plus their own files.
fn sandbox(shared: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = common::root();
    let work = tmp.path().join("work");
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&work).expect("mkdir");
    std::fs::create_dir_all(&bin).expect("mkdir");
    std::fs::create_dir_all(tmp.path().join("home")).expect("mkdir");
    for dir in ["examples", "crates"] {
        std::os::unix::fs::symlink(root.join(dir), work.join(dir)).expect("symlink");
    }
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_dtsec"), bin.join("dtsec")).expect("symlink");
    for (placeholder, from) in [
        ("MY-CC.xml", "cc/cc2022.xml"),
        ("tls.xml", "niap/pp/tls.xml"),
        ("ST.xml", "niap/st/GPOS_Success1.xml"),
        ("NIAP-PPS", "niap/pp-for-st"),
    ] {
        std::os::unix::fs::symlink(shared.join(from), work.join(placeholder)).expect("symlink");
    }
    (tmp, work)
}

/// A shell for one block, in the sandbox, with `dtsec` first on `PATH` and none of the
/// caller's DTSEC_* settings.
fn shell(tmp: &Path, work: &Path, script: &str) -> Command {
    let path = format!(
        "{}:{}",
        tmp.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("bash");
    c.args(["-e", "-o", "pipefail", "-c", script])
        .current_dir(work)
        .env("PATH", path)
        .env("HOME", tmp.join("home"))
        .env("XDG_STATE_HOME", tmp.join("home/state"))
        .env("NO_COLOR", "1")
        .env_remove("DTSEC_REGISTRY")
        .env_remove("DTSEC_TOKEN")
        .env_remove("DTSEC_PASSWORD")
        .env_remove("DTSEC_PP_PATH")
        .env_remove("DTSEC_CA_CERT");
    c
}

/// A server started by a block, killed when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` (a `dtsec serve` line) on a free port; returns it and its `host:port`.
fn start_server(tmp: &Path, work: &Path, command: &str) -> (Server, String) {
    let mut child = shell(tmp, work, &format!("exec {command} --listen 127.0.0.1:0"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    // The start-up line is on standard error: `dtsec registry on http://ADDR (…)`.
    let stderr = child.stderr.take().expect("stderr");
    let server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("dtsec registry on http://") {
                let addr: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                    .collect();
                let _ = tx.send(addr);
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(300))
        .unwrap_or_else(|_| panic!("`{command}` printed no address within 300 s"));
    (server, addr)
}

#[test]
fn every_command_block_of_the_readme_runs_in_order() {
    let Some(shared) = dtsec_testkit::shared("") else {
        return;
    };
    if !dtsec_testkit::tool("curl", "--version", "curl") {
        return;
    }
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README.md");
    let (tmp, work) = sandbox(&shared);
    let mut server: Option<(Server, String)> = None;
    let mut ran = 0;
    for block in blocks(&readme) {
        if only_cargo(&block.text) {
            continue;
        }
        let mut script = block.text.clone();
        if let Some(serve) = script
            .lines()
            .find(|l| l.trim_start().starts_with("dtsec serve "))
        {
            assert!(
                server.is_none(),
                "README.md:{}: a second server",
                block.line
            );
            let command = serve.split('#').next().unwrap_or(serve).trim().to_string();
            server = Some(start_server(tmp.path(), &work, &command));
            script = script.replace(serve, "");
        }
        if let Some((_, addr)) = &server {
            script = script.replace("127.0.0.1:8080", addr);
        }
        if script.trim().is_empty() {
            continue;
        }
        let out = shell(
            tmp.path(),
            &work,
            &format!(
                "timeout 600 bash -e -o pipefail -c {}",
                shell_quote(&script)
            ),
        )
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
        assert!(
            out.status.success(),
            "README.md:{}: the block failed ({:?}):\n{}\n--- stdout\n{}\n--- stderr\n{}",
            block.line,
            out.status.code(),
            block.text,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    assert!(
        ran >= 5,
        "only {ran} blocks ran: is the README's layout still four-space blocks?"
    );
    drop(server);
}

/// `s` as one single-quoted shell word.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn blocks_are_found_with_their_line_numbers() {
    let md = "# T\n\n    a one\n    a two\n\n    a three\ntext\n\n    b\n";
    let b = blocks(md);
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(b[0].line, 3);
    assert_eq!(b[0].text, "a one\na two\n\na three\n");
    assert_eq!(b[1].line, 9);
    assert!(only_cargo("cargo test --workspace\n"));
    assert!(!only_cargo("cargo test\ndtsec check x\n"));
}
