//! Checks the human, JSON and SARIF renderings of hand-built diagnostics.
//!
//! The rule table may be empty or partly filled while rules are written, so nothing here assumes a
//! code is registered: codes used are deliberately fictional (`DT-TEST-*`), and registry-backed
//! fields are checked only against whatever `rule()` returns.

use std::collections::HashMap;

use dtsec_check::output::{
    Format, exit_code, fingerprint, render_human, render_json, render_json_with_sources,
    render_report, render_sarif, summary_line,
};
use dtsec_check::{Diagnostic, Related, Severity, rule};
use dtsec_model::{SourceFile, Span};
use serde_json::Value;

fn span_of(src: &SourceFile, needle: &str) -> Span {
    let offset = src.text.find(needle).expect("needle in source");
    let (line, column) = src.line_col(offset);
    Span {
        line,
        column,
        offset: Some(offset),
        len: needle.len(),
    }
}

fn diag(code: &'static str, severity: Severity, file: &str, span: Span, msg: &str) -> Diagnostic {
    Diagnostic {
        code,
        severity,
        message: msg.to_owned(),
        file: file.to_owned(),
        span,
        help: None,
        related: Vec::new(),
    }
}

/// An ST whose line 42 is `  - id: FCS_COP.1/Hash`.
fn pump_st() -> SourceFile {
    let mut text = String::new();
    for i in 1..42 {
        text.push_str(&format!("# line {i}\n"));
    }
    text.push_str("  - id: FCS_COP.1/Hash\n  - id: FCS_CKM.1\n");
    SourceFile::new("examples/pump-st.yaml", text)
}

fn pp() -> SourceFile {
    SourceFile::new(
        "examples/cdd-pp.yaml",
        "kind: protection-profile\nsfrs:\n  - id: FCS_COP.1\n",
    )
}

fn dep_diag(st: &SourceFile, pp: &SourceFile) -> Diagnostic {
    let mut d = diag(
        "DT-TEST-001",
        Severity::Error,
        &st.name,
        span_of(st, "FCS_COP.1/Hash"),
        "FCS_COP.1/Hash depends on FCS_CKM.6, which the ST does not include",
    );
    d.help = Some(
        "add FCS_CKM.6 (or a component hierarchical to it), or justify it under unmet_dependencies"
            .into(),
    );
    d.related.push(Related {
        file: pp.name.clone(),
        span: span_of(pp, "FCS_COP.1"),
        message: "FCS_COP.1 is defined here".into(),
    });
    d
}

/// Char index of the first `^` on the line after the one that quotes `quoted`.
fn caret_under(out: &str, quoted: &str) -> (usize, usize) {
    let lines: Vec<&str> = out.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.contains(quoted))
        .expect("quoted line shown");
    let carets = lines[i + 1];
    let start = carets.chars().position(|c| c == '^').expect("carets");
    let width = carets.chars().filter(|&c| c == '^').count();
    (start, width)
}

fn char_pos(line: &str, needle: &str) -> usize {
    line[..line.find(needle).unwrap()].chars().count()
}

// ---------------------------------------------------------------- human

#[test]
fn human_matches_rustc_layout() {
    let (st, pp) = (pump_st(), pp());
    let sources = vec![st.clone(), pp.clone()];
    let out = render_human(&[dep_diag(&st, &pp)], &sources, false);
    let expected = "\
error[DT-TEST-001]: FCS_COP.1/Hash depends on FCS_CKM.6, which the ST does not include
  --> examples/pump-st.yaml:42:9
   |
42 |   - id: FCS_COP.1/Hash
   |         ^^^^^^^^^^^^^^
   |
   = help: add FCS_CKM.6 (or a component hierarchical to it), or justify it under unmet_dependencies
   = note: examples/cdd-pp.yaml:3:9: FCS_COP.1 is defined here

";
    assert_eq!(out, expected);
}

#[test]
fn human_caret_on_multibyte_line() {
    let src = SourceFile::new("st.yaml", "title: «Pompe à insuline» — FPT_TST.1 ici\n");
    let sp = span_of(&src, "FPT_TST.1");
    assert_eq!(sp.column, 29, "column counts chars, not bytes");
    let d = diag("DT-TEST-002", Severity::Warning, "st.yaml", sp, "w");
    let out = render_human(&[d], &vec![src], false);
    assert!(out.contains("--> st.yaml:1:29"), "{out}");
    let quoted = out.lines().find(|l| l.contains("FPT_TST.1")).unwrap();
    let (start, width) = caret_under(&out, "FPT_TST.1");
    assert_eq!(start, char_pos(quoted, "FPT_TST.1"), "{out}");
    assert_eq!(width, 9);
}

#[test]
fn human_caret_after_tab() {
    let src = SourceFile::new("st.yaml", "sfrs:\n\t- id: FIA_UAU.2 # x\n");
    let sp = span_of(&src, "FIA_UAU.2");
    assert_eq!((sp.line, sp.column), (2, 8));
    let d = diag("DT-TEST-003", Severity::Error, "st.yaml", sp, "e");
    let out = render_human(&[d], &vec![src], false);
    let quoted = out.lines().find(|l| l.contains("FIA_UAU.2")).unwrap();
    assert!(!quoted.contains('\t'), "tabs are expanded: {quoted:?}");
    let (start, width) = caret_under(&out, "FIA_UAU.2");
    assert_eq!(start, char_pos(quoted, "FIA_UAU.2"), "{out}");
    assert_eq!(width, 9);
}

#[test]
fn human_caret_without_byte_range_takes_the_token() {
    let src = SourceFile::new("st.yaml", "a:\n  - id: FDP_ACC.1   # trailing\n");
    let mut sp = span_of(&src, "FDP_ACC.1");
    sp.offset = None;
    sp.len = 0;
    let d = diag("DT-TEST-004", Severity::Note, "st.yaml", sp, "n");
    let out = render_human(&[d], &vec![src], false);
    let quoted = out.lines().find(|l| l.contains("FDP_ACC.1")).unwrap();
    let (start, width) = caret_under(&out, "FDP_ACC.1");
    assert_eq!(start, char_pos(quoted, "FDP_ACC.1"));
    assert_eq!(width, "FDP_ACC.1".len());
    assert!(out.starts_with("note[DT-TEST-004]: n\n"));
}

#[test]
fn human_unknown_span_has_no_snippet() {
    let mut d = diag(
        "DT-TEST-005",
        Severity::Error,
        "examples/pump-st.yaml",
        Span::UNKNOWN,
        "the ST claims no PP",
    );
    d.help = Some("add conformance_claims".into());
    let sources = vec![pump_st()];
    let out = render_human(&[d], &sources, false);
    assert_eq!(
        out,
        "error[DT-TEST-005]: the ST claims no PP\n  --> examples/pump-st.yaml\n   = help: add conformance_claims\n\n"
    );
}

#[test]
fn human_missing_source_prints_position_only() {
    let d = diag(
        "DT-TEST-006",
        Severity::Warning,
        "gone.yaml",
        Span {
            line: 7,
            column: 3,
            offset: None,
            len: 0,
        },
        "m",
    );
    let out = render_human(&[d], &(), false);
    assert_eq!(out, "warning[DT-TEST-006]: m\n  --> gone.yaml:7:3\n\n");
}

#[test]
fn human_colour_switch() {
    let (st, pp) = (pump_st(), pp());
    let sources: HashMap<String, SourceFile> = [st.clone(), pp.clone()]
        .into_iter()
        .map(|s| (s.name.clone(), s))
        .collect();
    let diags = [dep_diag(&st, &pp)];
    let plain = render_human(&diags, &sources, false);
    assert!(!plain.contains('\x1b'));
    assert!(!summary_line(&diags, 2, false).contains('\x1b'));
    let coloured = render_human(&diags, &sources, true);
    assert!(
        coloured.starts_with("\x1b[1;31merror\x1b[0m"),
        "{coloured:?}"
    );
    assert!(coloured.contains("\x1b[1;34m-->\x1b[0m"));
    assert!(coloured.contains("\x1b[1;31m^^^^^^^^^^^^^^\x1b[0m"));
    assert!(summary_line(&diags, 2, true).contains("\x1b[1;31merror"));
    // Same text once the escapes are stripped.
    let stripped = strip_ansi(&coloured);
    assert_eq!(stripped, plain);
}

#[test]
fn human_input_cannot_inject_escapes() {
    let src = SourceFile::new("x.yaml", "id: \x1b[31mEVIL\n");
    let sp = span_of(&src, "EVIL");
    let mut d = diag(
        "DT-TEST-007",
        Severity::Error,
        "x.yaml",
        sp,
        "bad \x1b[2J id",
    );
    d.help = Some("\x1b]0;title\x07".into());
    let out = render_human(&[d], &vec![src], false);
    assert!(!out.contains('\x1b'), "{out:?}");
    assert!(!out.contains('\x07'));
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn summary_lines() {
    let e = |sev| diag("DT-TEST-010", sev, "a.yaml", Span::UNKNOWN, "m");
    assert_eq!(summary_line(&[], 4, false), "ok: no findings in 4 files");
    assert_eq!(summary_line(&[], 1, false), "ok: no findings in 1 file");
    let diags = [
        e(Severity::Error),
        e(Severity::Warning),
        e(Severity::Error),
        e(Severity::Error),
    ];
    assert_eq!(
        summary_line(&diags, 2, false),
        "error: 3 errors, 1 warning in 2 files"
    );
    assert_eq!(
        summary_line(&[e(Severity::Warning), e(Severity::Note)], 1, false),
        "warning: 1 warning, 1 note in 1 file"
    );
    let report = render_report(&diags[..1], &(), 1, false);
    assert!(report.ends_with("\nerror: 1 error in 1 file\n"), "{report}");
}

// ---------------------------------------------------------------- JSON

#[test]
fn json_has_documented_fields() {
    let (st, pp) = (pump_st(), pp());
    let mut unknown = diag(
        "DT-TEST-020",
        Severity::Warning,
        "a.yaml",
        Span::UNKNOWN,
        "w",
    );
    unknown.help = None;
    let diags = [dep_diag(&st, &pp), unknown];
    let v: Value = serde_json::from_str(&render_json(&diags, 3)).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["files_checked"], 3);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["warnings"], 1);
    assert_eq!(v["summary"]["notes"], 0);
    let ds = v["diagnostics"].as_array().unwrap();
    assert_eq!(ds.len(), 2);

    let d = &ds[0];
    assert_eq!(d["code"], "DT-TEST-001");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "examples/pump-st.yaml");
    assert_eq!(d["line"], 42);
    assert_eq!(d["column"], 9);
    assert_eq!(d["offset"], st.text.find("FCS_COP.1/Hash").unwrap());
    assert_eq!(d["length"], 14);
    assert!(d["help"].as_str().unwrap().starts_with("add FCS_CKM.6"));
    assert!(d.get("end_line").is_none(), "no sources, no end");
    assert_eq!(d["related"][0]["file"], "examples/cdd-pp.yaml");
    assert_eq!(d["related"][0]["line"], 3);
    assert_eq!(d["related"][0]["column"], 9);
    assert_eq!(d["related"][0]["message"], "FCS_COP.1 is defined here");
    match rule("DT-TEST-001") {
        Some(r) => assert_eq!(d["rule_name"], r.name),
        None => assert!(d["rule_name"].is_null()),
    }

    let u = &ds[1];
    assert!(u["line"].is_null());
    assert!(u["column"].is_null());
    assert!(u["offset"].is_null());
    assert_eq!(u["length"], 0);
    assert!(u["help"].is_null());
    assert_eq!(u["related"].as_array().unwrap().len(), 0);
}

#[test]
fn json_with_sources_adds_end() {
    let (st, pp) = (pump_st(), pp());
    let sources = vec![st.clone(), pp.clone()];
    let v: Value = serde_json::from_str(&render_json_with_sources(
        &[dep_diag(&st, &pp)],
        &sources,
        2,
    ))
    .unwrap();
    assert_eq!(v["diagnostics"][0]["end_line"], 42);
    assert_eq!(v["diagnostics"][0]["end_column"], 23);
}

#[test]
fn json_empty() {
    let v: Value = serde_json::from_str(&render_json(&[], 0)).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn json_uses_registry_name_when_registered() {
    let Some(r) = dtsec_check::RULES.first() else {
        return; // table not filled yet
    };
    let d = diag(r.code, r.severity, "a.yaml", Span::UNKNOWN, "m");
    let v: Value = serde_json::from_str(&render_json(&[d], 1)).unwrap();
    assert_eq!(v["diagnostics"][0]["rule_name"], r.name);
}

// ---------------------------------------------------------------- SARIF

fn sarif_fixture() -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let (st, pp) = (pump_st(), pp());
    let multibyte = SourceFile::new("dir\\mb.yaml", "t: «é» FPT_TST.1\n");
    let mb_span = span_of(&multibyte, "FPT_TST.1");
    let mut unknown = diag(
        "DT-TEST-030",
        Severity::Note,
        "examples/pump-st.yaml",
        Span::UNKNOWN,
        "no position",
    );
    unknown.related.push(Related {
        file: "builtin:cdd.yaml".into(),
        span: Span::UNKNOWN,
        message: "somewhere".into(),
    });
    let diags = vec![
        dep_diag(&st, &pp),
        diag(
            "DT-TEST-031",
            Severity::Warning,
            "dir\\mb.yaml",
            mb_span,
            "w",
        ),
        unknown,
        diag(
            "DT-TEST-001",
            Severity::Error,
            "examples/pump-st.yaml",
            span_of(&st, "FCS_CKM.1"),
            "again",
        ),
    ];
    (vec![st, pp, multibyte], diags)
}

#[test]
fn sarif_is_valid_2_1_0() {
    let (sources, diags) = sarif_fixture();
    let log: Value = serde_json::from_str(&render_sarif(&diags, &sources, "1.2.3")).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "dtsec");
    assert_eq!(driver["version"], "1.2.3");
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("http")
    );

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["DT-TEST-001", "DT-TEST-031", "DT-TEST-030"]);

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    for (res, d) in results.iter().zip(&diags) {
        let idx = usize::try_from(res["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert_eq!(res["ruleId"], d.code);
        assert_eq!(res["level"], d.severity.label());
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string());
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert_eq!(
            res["partialFingerprints"]["dtsecFingerprint/v1"],
            fingerprint(d)
        );
    }
    // Registry-backed fields only when registered.
    for r in rules {
        match rule(r["id"].as_str().unwrap()) {
            Some(info) => assert_eq!(r["name"], info.name),
            None => assert!(r.get("name").is_none()),
        }
        assert!(
            r["properties"]["tags"]
                .as_array()
                .unwrap()
                .contains(&"security".into())
        );
    }
}

#[test]
fn sarif_locations() {
    let (sources, diags) = sarif_fixture();
    let log: Value = serde_json::from_str(&render_sarif(&diags, &sources, "0.1.0")).unwrap();
    let results = &log["runs"][0]["results"];

    let first = &results[0];
    let loc = &first["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "examples/pump-st.yaml");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 42);
    assert_eq!(loc["region"]["startColumn"], 9);
    assert_eq!(loc["region"]["endColumn"], 23);
    assert_eq!(loc["region"]["snippet"]["text"], "  - id: FCS_COP.1/Hash");
    let text = first["message"]["text"].as_str().unwrap();
    assert!(text.starts_with("FCS_COP.1/Hash depends on"));
    assert!(text.contains("help: add FCS_CKM.6"));
    let rel = &first["relatedLocations"][0];
    assert_eq!(rel["message"]["text"], "FCS_COP.1 is defined here");
    assert_eq!(rel["physicalLocation"]["region"]["startLine"], 3);

    // Backslashes become slashes; columns count code points.
    let mb = &results[1]["locations"][0]["physicalLocation"];
    assert_eq!(mb["artifactLocation"]["uri"], "dir/mb.yaml");
    assert_eq!(mb["region"]["startColumn"], 8);
    assert_eq!(mb["region"]["endColumn"], 17);
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");

    // Unknown position: still a location, at 1:1; related unknown: no region.
    let un = &results[2];
    let region = &un["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(region["startColumn"], 1);
    let rel = &un["relatedLocations"][0]["physicalLocation"];
    assert!(rel.get("region").is_none());
    assert_eq!(rel["artifactLocation"]["uri"], "builtin:cdd.yaml");

    // Same code twice shares one rule.
    assert_eq!(results[3]["ruleIndex"], results[0]["ruleIndex"]);
    assert_ne!(
        results[3]["partialFingerprints"],
        results[0]["partialFingerprints"]
    );
}

#[test]
fn sarif_empty_run_is_valid() {
    let log: Value = serde_json::from_str(&render_sarif(&[], &(), "0.1.0")).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn fingerprint_ignores_position() {
    let a = diag("DT-TEST-040", Severity::Error, "a.yaml", Span::UNKNOWN, "m");
    let mut b = a.clone();
    b.span.line = 10;
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert_eq!(fingerprint(&a).len(), 16);
    b.message = "other".into();
    assert_ne!(fingerprint(&a), fingerprint(&b));
}

// ---------------------------------------------------------------- misc

#[test]
fn formats_and_exit_codes() {
    assert_eq!("human".parse::<Format>(), Ok(Format::Human));
    assert_eq!("json".parse::<Format>(), Ok(Format::Json));
    assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
    let err = "xml".parse::<Format>().unwrap_err();
    assert!(err.to_string().contains("xml"));
    assert_eq!(Format::Sarif.to_string(), "sarif");

    let w = diag("DT-TEST-050", Severity::Warning, "a", Span::UNKNOWN, "m");
    let e = diag("DT-TEST-051", Severity::Error, "a", Span::UNKNOWN, "m");
    assert_eq!(exit_code(&[]), 0);
    assert_eq!(exit_code(std::slice::from_ref(&w)), 0);
    assert_eq!(exit_code(&[w, e]), 1);
}

#[test]
fn human_short_line_numbers_align_right() {
    let src = SourceFile::new("s.yaml", "id: X\n");
    let d = diag(
        "DT-TEST-008",
        Severity::Error,
        "s.yaml",
        span_of(&src, "X"),
        "m",
    );
    let out = render_human(&[d], &vec![src], false);
    assert_eq!(
        out,
        "error[DT-TEST-008]: m\n  --> s.yaml:1:5\n   |\n 1 | id: X\n   |     ^\n\n"
    );
}
