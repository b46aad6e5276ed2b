//! `dtsec registry login` typed at a terminal: the password is not echoed. The terminal is a
//! real pseudo-terminal made by util-linux `script`; with the terminal's echo on, what is typed
//! would come back in its output.

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn a_password_typed_at_a_terminal_is_not_echoed() {
    if !dtsec_testkit::tool("script", "--version", "bsdutils") {
        return;
    }
    let secret = "correct-horse-battery-staple-42";
    // Port 9 on loopback: nothing answers, so the login fails after the prompt; only the
    // prompt and the echo matter here.
    let inner = format!(
        "{} registry --registry http://127.0.0.1:9 login --email someone@example.invalid",
        env!("CARGO_BIN_EXE_dtsec")
    );
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &inner, "/dev/null"])
        .env_remove("DTSEC_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    // Type only once the prompt is shown: echo is switched off before it is printed.
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !String::from_utf8_lossy(&seen).contains("not shown") {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "no prompt: {}",
            String::from_utf8_lossy(&seen)
        );
        if let Ok(chunk) = rx.recv_timeout(left) {
            seen.extend(chunk);
        }
    }
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{secret}\r").as_bytes())
        .expect("type the password");
    let status = child.wait().expect("script ends");
    drop(stdin);
    let _ = reader.join();
    while let Ok(chunk) = rx.try_recv() {
        seen.extend(chunk);
    }
    let out = String::from_utf8_lossy(&seen);
    assert!(!status.success(), "nothing answers on port 9: {out}");
    assert!(!out.contains(secret), "the password was echoed:\n{out}");
}
