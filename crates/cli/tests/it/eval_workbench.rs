//! `dtsec eval` and `dtsec verify` end to end through the binary: an evaluation of the example
//! pump ST at Enhanced-Basic to a sealed, verified ETR; a failing work unit; tampering; and bad
//! input (unknown work unit, unknown evaluator, corrupt workspace file, non-empty directory).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dtsec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dtsec"))
        .args(args)
        .env_remove("DTSEC_PP_PATH")
        .output()
        .expect("dtsec runs")
}

fn ok(args: &[&str]) -> String {
    let out = dtsec(args);
    assert!(
        out.status.success(),
        "dtsec {args:?} failed ({:?}):\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn status_of(args: &[&str]) -> (i32, String) {
    let out = dtsec(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn pump_st() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/v1/pump-st.yaml")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn init(dir: &Path) {
    let out = ok(&[
        "eval",
        "init",
        "--st",
        s(&pump_st()),
        "--lab",
        "Example Lab",
        "--sponsor",
        "Acme",
        "--evaluator",
        "Alice",
        "--evaluator",
        "Bob",
        s(dir),
    ]);
    assert!(out.contains("work units"), "{out}");
}

fn units(dir: &Path) -> Vec<String> {
    let plan: serde_json::Value =
        serde_json::from_str(&ok(&["eval", "plan", s(dir), "--format", "json"])).expect("json");
    let mut out = Vec::new();
    for class in plan["classes"].as_array().expect("classes") {
        for c in class["components"].as_array().expect("components") {
            for e in c["elements"].as_array().expect("elements") {
                for u in e["units"].as_array().expect("units") {
                    out.push(u["id"].as_str().expect("id").to_string());
                }
            }
        }
    }
    // `--ids` lists the same units, one a line, for scripts.
    let ids: Vec<String> = ok(&["eval", "plan", s(dir), "--ids"])
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(ids, out);
    out
}

fn key_pair(dir: &Path) -> (PathBuf, PathBuf) {
    let key = dtsec_eval::seal::SigningKey::generate();
    dtsec_eval::seal::write_key_pair(&dir.join("lab"), &key, false).expect("keys written")
}

#[test]
fn evaluation_to_a_verified_etr() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ws = tmp.path().join("ws");
    init(&ws);
    let design = tmp.path().join("design.pdf");
    std::fs::write(&design, b"functional specification").expect("write");
    let added = ok(&[
        "eval",
        "evidence",
        "add",
        s(&ws),
        s(&design),
        "--kind",
        "design",
        "--by",
        "Alice",
    ]);
    let digest = added.split_whitespace().next().expect("digest").to_string();
    assert!(digest.starts_with("sha256:"), "{added}");

    let all = units(&ws);
    assert_eq!(
        all.len(),
        336,
        "182 work units of cdd-eb, 1 for ALC_TSU_EXT.1, 153 activities"
    );
    for u in &all {
        ok(&[
            "eval",
            "record",
            s(&ws),
            u,
            "pass",
            "--by",
            "Alice",
            "--evidence",
            &digest[..20],
        ]);
    }
    let status = ok(&["eval", "status", s(&ws)]);
    assert!(status.contains("overall  PASS"), "{status}");
    assert!(status.contains("ADV  ██████████"), "{status}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["eval", "status", s(&ws), "--format", "json"])).expect("json");
    assert_eq!(json["overall"], "pass");

    let html = tmp.path().join("etr.html");
    let pdf = tmp.path().join("etr.pdf");
    ok(&["eval", "report", s(&ws), "-o", s(&html)]);
    ok(&["eval", "report", s(&ws), "-o", s(&pdf)]);
    let h = std::fs::read_to_string(&html).expect("html");
    assert!(h.contains("Overall verdict: PASS") && h.contains("7 Evidence manifest"));
    let p = std::fs::read(&pdf).expect("pdf");
    assert!(p.starts_with(b"%PDF-"));

    let (key, public) = key_pair(tmp.path());
    let bundle = tmp.path().join("etr.bundle.json");
    let sealed = ok(&["eval", "seal", s(&ws), "--key", s(&key), "-o", s(&bundle)]);
    assert!(sealed.contains("overall verdict pass"), "{sealed}");
    let v = ok(&[
        "verify",
        s(&bundle),
        "--key",
        s(&public),
        "--evidence",
        s(&ws),
    ]);
    assert!(
        v.contains("signature: valid") && v.contains("verified"),
        "{v}"
    );

    // Issue 12: without a key, a bundle sealed by anyone's key is not called authentic: the
    // command refuses (2) unless integrity only is asked for, and then says so.
    std::fs::create_dir(tmp.path().join("forger")).expect("mkdir");
    let (forger, _) = key_pair(&tmp.path().join("forger"));
    let forged = tmp.path().join("forged.bundle.json");
    ok(&[
        "eval",
        "seal",
        s(&ws),
        "--key",
        s(&forger),
        "-o",
        s(&forged),
    ]);
    let (code, out) = status_of(&["verify", s(&forged)]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("--integrity-only") && out.contains("--key LAB.pub"),
        "{out}"
    );
    let v = ok(&["verify", s(&forged), "--integrity-only"]);
    assert!(
        v.contains("NOT CHECKED") && v.contains("NOT authenticated"),
        "{v}"
    );
    let (code, out) = status_of(&["verify", s(&forged), "--key", s(&public)]);
    assert_eq!(code, 1, "{out}");

    // Tampering with a verdict is detected and named.
    let text = std::fs::read_to_string(&bundle).expect("bundle");
    let tampered = text.replacen("\"verdict\": \"pass\"", "\"verdict\": \"fail\"", 1);
    assert_ne!(tampered, text);
    let bad = tmp.path().join("tampered.json");
    std::fs::write(&bad, tampered).expect("write");
    let (code, out) = status_of(&["verify", s(&bad), "--key", s(&public)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("signature invalid: payload modified"), "{out}");
    assert!(out.contains("record 1 ("), "{out}");

    // Changed evidence is found.
    let stored = ws
        .join("evidence/sha256")
        .join(digest.trim_start_matches("sha256:"));
    std::fs::write(&stored, b"edited").expect("tamper");
    let (code, out) = status_of(&["eval", "evidence", "check", s(&ws)]);
    assert_eq!(code, 1);
    assert!(out.contains(&digest) && out.contains("changed"), "{out}");
    let (code, out) = status_of(&[
        "verify",
        s(&bundle),
        "--key",
        s(&public),
        "--evidence",
        s(&ws),
    ]);
    assert_eq!(code, 1);
    assert!(out.contains(&format!("evidence {digest}")), "{out}");
}

#[test]
fn a_failing_work_unit_needs_an_observation_and_fails_the_evaluation() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ws = tmp.path().join("ws");
    init(&ws);
    let (code, out) = status_of(&[
        "eval",
        "record",
        s(&ws),
        "ATE_IND.2-3",
        "fail",
        "--by",
        "Bob",
    ]);
    assert_eq!(code, 2);
    assert!(out.contains("must cite an observation report"), "{out}");
    let or = ok(&[
        "eval",
        "or",
        "add",
        s(&ws),
        "--title",
        "Bolus limit bypass",
        "--severity",
        "critical",
        "--unit",
        "ATE_IND.2-3",
        "--by",
        "Bob",
    ]);
    assert_eq!(or.trim(), "OR-1");
    ok(&[
        "eval",
        "record",
        s(&ws),
        "ATE_IND.2-3",
        "fail",
        "--by",
        "Bob",
        "--or",
        "OR-1",
        "--note",
        "limit not enforced over BLE",
    ]);
    let status = ok(&["eval", "status", s(&ws)]);
    assert!(status.contains("overall  FAIL"), "{status}");
    assert!(status.contains("OR-1"), "{status}");
    let vuln = ok(&[
        "eval",
        "vuln",
        "add",
        s(&ws),
        "--title",
        "Replay of bolus command",
        "--elapsed-time",
        "one-week",
        "--expertise",
        "proficient",
        "--knowledge",
        "public",
        "--window",
        "easy",
        "--equipment",
        "specialised",
        "--unit",
        "AVA_VAN.3-1",
        "--by",
        "Bob",
    ]);
    assert!(
        vuln.contains("V-1") && vuln.contains("does not resist"),
        "{vuln}"
    );
    let list = ok(&["eval", "vuln", "list", s(&ws)]);
    assert!(list.contains("factor total 9"), "{list}");
    let t = ok(&[
        "eval",
        "test",
        "add",
        s(&ws),
        "--unit",
        "EA:FCS_COP.1/Hash:test-1",
        "--title",
        "KAT",
        "--step",
        "send vectors",
        "--expected",
        "match",
        "--by",
        "Bob",
    ]);
    assert_eq!(t.trim(), "T-1");
    ok(&[
        "eval",
        "test",
        "result",
        s(&ws),
        "T-1",
        "pass",
        "--actual",
        "all matched",
        "--by",
        "Bob",
    ]);
    ok(&[
        "eval",
        "or",
        "resolve",
        s(&ws),
        "OR-1",
        "--resolution",
        "fixed in 2.4.2",
        "--by",
        "Bob",
    ]);
    let (key, public) = key_pair(tmp.path());
    let bundle = tmp.path().join("b.json");
    let sealed = ok(&["eval", "seal", s(&ws), "--key", s(&key), "-o", s(&bundle)]);
    assert!(sealed.contains("overall verdict fail"), "{sealed}");
    let v = ok(&["verify", s(&bundle), "--key", s(&public)]);
    assert!(v.contains("recomputed from the records): fail"), "{v}");
}

#[test]
fn bad_input_is_refused_clearly_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ws = tmp.path().join("ws");
    init(&ws);
    let (code, out) = status_of(&[
        "eval",
        "record",
        s(&ws),
        "ADV_FSP.3-77",
        "pass",
        "--by",
        "Alice",
    ]);
    assert_eq!(code, 2);
    assert!(
        out.contains("unknown work unit `ADV_FSP.3-77`") && out.contains("did you mean"),
        "{out}"
    );
    let (code, out) = status_of(&[
        "eval",
        "record",
        s(&ws),
        "ADV_FSP.3-1",
        "pass",
        "--by",
        "Eve",
    ]);
    assert_eq!(code, 2);
    assert!(out.contains("`Eve` is not an evaluator"), "{out}");

    ok(&[
        "eval",
        "record",
        s(&ws),
        "ADV_FSP.3-1",
        "pass",
        "--by",
        "Alice",
    ]);
    let records = ws.join("records.jsonl");
    let good = std::fs::read(&records).expect("read");
    std::fs::write(&records, &good[..good.len() - 10]).expect("truncate");
    let (code, out) = status_of(&[
        "eval",
        "record",
        s(&ws),
        "ADV_FSP.3-2",
        "pass",
        "--by",
        "Alice",
    ]);
    assert_eq!(code, 2);
    assert!(
        out.contains("records.jsonl") && out.contains("corrupt"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(&records).expect("read"),
        &good[..good.len() - 10],
        "left as it was"
    );
    std::fs::write(&records, &good).expect("restore");
    let (code, out) = status_of(&["eval", "status", s(&ws)]);
    assert_eq!(code, 0, "{out}");

    let plan = ws.join("plan.json");
    let good = std::fs::read(&plan).expect("read");
    std::fs::write(&plan, &good[..100]).expect("truncate");
    let (code, out) = status_of(&["eval", "status", s(&ws)]);
    assert_eq!(code, 2);
    assert!(
        out.contains("plan.json") && out.contains("truncated"),
        "{out}"
    );
    std::fs::write(&plan, &good).expect("restore");

    // init refuses a non-empty directory, and a missing evaluator is a usage error.
    let (code, out) = status_of(&[
        "eval",
        "init",
        "--st",
        s(&pump_st()),
        "--lab",
        "L",
        "--sponsor",
        "S",
        "--evaluator",
        "A",
        s(&ws),
    ]);
    assert_eq!(code, 2);
    assert!(out.contains("not empty"), "{out}");
    let (code, _) = status_of(&[
        "eval",
        "init",
        "--st",
        s(&pump_st()),
        "--lab",
        "L",
        "--sponsor",
        "S",
        s(&tmp.path().join("x")),
    ]);
    assert_eq!(code, 2);
    let (code, out) = status_of(&[
        "eval",
        "report",
        s(&ws),
        "-o",
        s(&tmp.path().join("etr.docx")),
    ]);
    assert_eq!(code, 2);
    assert!(out.contains(".html") && out.contains(".pdf"), "{out}");
}

/// `dtsec eval record DIR - VERDICT` with unit ids on standard input.
fn record_stdin(dir: &Path, input: &str) -> (i32, String) {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dtsec"))
        .args([
            "eval",
            "record",
            s(dir),
            "-",
            "pass",
            "--by",
            "Alice",
            "--note",
            "batch",
        ])
        .env_remove("DTSEC_PP_PATH")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("dtsec runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Issue 12: many verdicts in one process and one write (the README's "pass every unit" flow
/// spawned one process per unit), all or none.
#[test]
fn many_units_are_recorded_in_one_write_all_or_none() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ws = tmp.path().join("ws");
    init(&ws);
    let ids = ok(&["eval", "plan", s(&ws), "--ids"]);
    let all: Vec<&str> = ids.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(all.len() > 100, "{}", all.len());
    let records = || std::fs::read_to_string(ws.join("records.jsonl")).unwrap_or_default();
    let before = records();
    // One unknown id among the real ones: nothing is recorded, the id is named.
    let with_bad = format!("{}\nADV_FSP.3-77\n", all[..10].join("\n"));
    let (code, out) = record_stdin(&ws, &with_bad);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("ADV_FSP.3-77"), "{out}");
    assert_eq!(records(), before, "a refused batch changed the records");
    // Nothing on standard input: a clear refusal.
    let (code, out) = record_stdin(&ws, "\n# nothing\n");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no unit ids"), "{out}");
    // Every unit at once: one line per record, and the evaluation passes.
    let (code, out) = record_stdin(&ws, &ids);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("record ")).count(),
        all.len()
    );
    let status = ok(&["eval", "status", s(&ws)]);
    assert!(status.to_lowercase().contains("pass"), "{status}");
}

/// F20: `dtsec eval vuln add --table hw` rates a physical attack with the hardware-device table
/// (identification and exploitation phases); the list names the table, and mixing the two
/// tables' factors, or a level outside its phase, is refused with exit 2 and nothing recorded.
#[test]
fn hardware_attack_potential_table() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init(&ws);
    let hw = |extra: &[&str]| {
        let mut args = vec![
            "eval",
            "vuln",
            "add",
            s(&ws),
            "--title",
            "Probing the key store",
            "--table",
            "hw",
            "--by",
            "Bob",
        ];
        args.extend_from_slice(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let args = hw(&[
        "--identification",
        "week,expert,sensitive,under-30,specialised,restricted",
        "--exploitation",
        "day,proficient,public,under-10,specialised",
    ]);
    let out = ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.contains("V-1") && out.contains("factor total 26 (hardware devices"),
        "{out}"
    );
    for bad in [
        vec![
            "--identification",
            "week,expert,sensitive,under-30,specialised,restricted",
        ],
        vec![
            "--identification",
            "week,expert,sensitive,under-30,specialised,restricted",
            "--exploitation",
            "day,expert,very-critical-hardware,under-10,none",
        ],
        vec![
            "--elapsed-time",
            "one-week",
            "--identification",
            "week,expert,sensitive,under-30,specialised,restricted",
            "--exploitation",
            "day,proficient,public,under-10,specialised",
        ],
    ] {
        let args = hw(&bad);
        let (code, text) = status_of(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(code, 2, "{bad:?}: {text}");
        assert!(text.contains("error"), "{text}");
    }
    let list = ok(&["eval", "vuln", "list", s(&ws)]);
    assert!(list.contains("V-1") && !list.contains("V-2"), "{list}");
}
