//! End-to-end tests of the HTML rendering: sections, operations, matrices, escaping, determinism.
//!
//! Why: the page is what evaluators read, so these tests pin the promises the crate makes —
//! every ISO/IEC 15408 section is there in heading order, open and completed operations are
//! shown and marked, the rationale matrices tick the right cells, untrusted text is escaped,
//! and the same input gives the same bytes.

use dtsec_model::{LoadedDocument, Origin, SourceFile, parse_document};
use dtsec_render::{LoadedDocumentRef, RenderContext, render_html, render_html_to_file};

const PP: &str = r#"
kind: protection-profile
id: demo-pp
version: "1.0"
title: Demo PP
cc_edition: "CC:2022 R1"
identification:
  author: ACME
  date: "2024-01-01"
  status: draft
  overview: |
    First paragraph.

    Second paragraph.
conformance:
  conformance_type: strict
toe:
  overview: An insulin pump.
  types:
    - id: TT.PUMP
      name: Insulin pump
spd:
  threats:
    - id: T.EAVESDROP
      description: An attacker listens.
    - id: T.TAMPER
      description: An attacker modifies.
  assumptions:
    - id: A.PHYSICAL
      description: Physically protected.
  osps:
    - id: P.AUDIT
      description: Audit policy.
objectives:
  toe:
    - id: O.CRYPTO
      description: Protect data in transit.
      addresses: [T.EAVESDROP]
      rationale: Encryption stops eavesdropping.
    - id: O.INTEGRITY
      description: Check integrity.
      addresses: [T.TAMPER, P.AUDIT]
  environment:
    - id: OE.PHYSICAL
      description: Physical protection.
      addresses: [A.PHYSICAL]
extended_components:
  - id: FPT_TUD_EXT.1
    name: Trusted update
    family_name: Trusted update
    rationale: No CC component covers updates.
    dependencies: [[FCS_COP.1], [FPT_STM_EXT.1, FPT_STM.1]]
    elements:
      - id: FPT_TUD_EXT.1.1
        text: The TSF shall verify updates using {method}.
        operations:
          method:
            assignment: verification method
sfrs:
  - id: FCS_COP.1/Hash
    title: Cryptographic operation (hashing)
    status: mandatory
    objectives: [O.CRYPTO, O.INTEGRITY]
    addresses: [T.TAMPER]
    unmet_dependencies:
      - component: FCS_CKM.6
        justification: Hashing uses no keys.
    elements:
      - id: FCS_COP.1.1
        text: The TSF shall perform hashing using {alg} with digest sizes {sizes}.
        operations:
          alg:
            selection:
              - SHA-256
              - SHA-384
              - id: other
                text: "other algorithm: {other_alg}"
                operations:
                  other_alg:
                    assignment: hash algorithm
          sizes:
            assignment: message digest sizes
        refinement: Only approved algorithms.
    application_note: Choose wisely.
  - id: FPT_TUD_EXT.1
    status: optional
    objectives: [O.INTEGRITY]
    unmet_dependencies:
      - component: FPT_STM.1
        justification: Updates are not time-stamped.
    elements:
      - id: FPT_TUD_EXT.1.1
        text: The TSF shall verify updates using {method}.
        operations:
          method:
            exclusive: true
            selection: [digital signature, hash]
sars:
  - id: ADV_FSP.1
notes:
  - A note with <b>markup</b>.
"#;

const ST: &str = r#"
kind: security-target
id: acme-st
version: "2.0"
title: ACME Pump ST <script>alert(1)</script>
conformance:
  conformance_type: strict
  pps:
    - id: demo-pp
      version: "1.0"
toe:
  name: ACME Pump
  version: "3.1"
  manufacturer: ACME
  type: TT.PUMP
sfrs:
  - id: FCS_COP.1/Hash
    elements:
      - id: FCS_COP.1.1
        completed:
          alg: [SHA-256, other]
          other_alg: BLAKE2b
  - id: FPT_TUD_EXT.1
    elements:
      - id: FPT_TUD_EXT.1.1
        completed:
          method: digital signature
tss:
  - sfrs: [FCS_COP.1/Hash]
    description: Hashing is done by the crypto library.
"#;

fn loaded(name: &str, yaml: &str) -> LoadedDocument {
    let source = SourceFile::new(name, yaml);
    let document = parse_document(&source).expect("test document parses");
    LoadedDocument {
        source,
        document,
        origin: Origin::Builtin,
    }
}

fn render_pp() -> String {
    let pp = loaded("pp.yaml", PP);
    render_html(&LoadedDocumentRef::from(&pp), &RenderContext::default())
}

fn render_st() -> String {
    let pp = loaded("pp.yaml", PP);
    let st = loaded("st.yaml", ST);
    let claimed = [&pp];
    render_html(
        &LoadedDocumentRef::from(&st),
        &RenderContext::with_claimed(&claimed),
    )
}

/// The table whose caption contains `caption`.
fn table<'h>(html: &'h str, caption: &str) -> &'h str {
    let at = html
        .find(&format!("<caption>{caption}"))
        .unwrap_or_else(|| panic!("no table captioned {caption:?}"));
    let start = html[..at].rfind("<table").expect("table start");
    let end = at + html[at..].find("</table>").expect("table end");
    &html[start..end]
}

/// Whether the matrix captioned `caption` has a ✓ in row `row`, column `col`.
fn ticked(html: &str, caption: &str, row: &str, col: &str) -> bool {
    let t = table(html, caption);
    let head = &t[t.find("<thead>").unwrap()..t.find("</thead>").unwrap()];
    let cols: Vec<&str> = head.split("<th scope=\"col\">").skip(2).collect();
    let ci = cols
        .iter()
        .position(|c| c.contains(&format!(">{col}<")))
        .unwrap_or_else(|| panic!("no column {col}"));
    let body = &t[t.find("<tbody>").unwrap()..];
    let r = body
        .split("<tr>")
        .find(|r| {
            r.split("</th>")
                .next()
                .is_some_and(|h| h.contains(&format!(">{row}<")))
        })
        .unwrap_or_else(|| panic!("no row {row}"));
    let cells: Vec<&str> = r.split("<td").skip(1).collect();
    assert_eq!(cells.len(), cols.len(), "row {row} has one cell per column");
    let cell = cells[ci];
    let hit = cell.starts_with(" class=\"hit\"");
    assert_eq!(hit, cell.contains('✓'));
    if hit {
        assert!(
            cell.contains("<span class=\"vh\">yes</span>"),
            "accessible text"
        );
    }
    hit
}

#[test]
fn pp_has_every_section_in_heading_order() {
    let html = render_pp();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    for h2 in [
        "1 Introduction",
        "2 Conformance claims",
        "3 Security problem definition",
        "4 Security objectives",
        "5 Extended components definition",
        "6 Security requirements",
        "7 Rationale",
        "8 Notes",
    ] {
        assert!(html.contains(&format!("<h2>{h2}</h2>")), "missing {h2}");
    }
    assert!(!html.contains("TOE summary specification</h2>"));
    assert!(html.contains("<h3>1.3 TOE types</h3>"));
    assert!(html.contains("<h3>6.3 Dependency rationale</h3>"));
    assert!(html.contains("<a class=\"skip-link\" href=\"#main\">"));
    assert!(html.contains("<main id=\"main\""));
    assert!(html.contains("@media print"));
    // Self-contained, no scripts.
    assert!(!html.contains("<script"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert_heading_order(&html);
}

fn assert_heading_order(html: &str) {
    let mut levels = Vec::new();
    let bytes = html.as_bytes();
    for (i, _) in html.match_indices("<h") {
        if let Some(d) = bytes.get(i + 2).filter(|b| (b'1'..=b'6').contains(b))
            && matches!(bytes.get(i + 3), Some(b'>') | Some(b' '))
        {
            levels.push(d - b'0');
        }
    }
    assert_eq!(levels.first(), Some(&1));
    assert_eq!(levels.iter().filter(|l| **l == 1).count(), 1, "one h1");
    for w in levels.windows(2) {
        assert!(
            w[1] <= w[0] + 1,
            "heading jumps from h{} to h{}",
            w[0],
            w[1]
        );
    }
}

#[test]
fn pp_shows_open_operations_with_nesting() {
    let html = render_pp();
    assert!(html.contains(
        "<span class=\"op selection\" title=\"selection\">[<span class=\"op-kind\">selection</span>: <span class=\"choice\">SHA-256</span>, <span class=\"choice\">SHA-384</span>, <span class=\"choice\">other algorithm: <span class=\"op assignment\" title=\"assignment\">[<span class=\"op-kind\">assignment</span>: hash algorithm]</span></span>]</span>"
    ), "{html}");
    assert!(html.contains("[<span class=\"op-kind\">assignment</span>: message digest sizes]"));
    assert!(html.contains(
        "[<span class=\"op-kind\">selection</span>, choose one of: <span class=\"choice\">digital signature</span>"
    ));
    assert!(html.contains(
        "<span class=\"marker\">Refinement</span><strong>Only approved algorithms.</strong>"
    ));
    assert!(!html.contains("[open:"), "a PP has no open-operation flags");
    // Markdown paragraphs, and notes escaped.
    assert!(html.contains("<p>First paragraph.</p><p>Second paragraph.</p>"));
    assert!(html.contains("A note with &lt;b&gt;markup&lt;/b&gt;."));
}

#[test]
fn rationale_matrices_tick_the_right_cells() {
    let html = render_pp();
    let spd = "Threats, OSPs and assumptions (rows)";
    assert!(ticked(&html, spd, "T.EAVESDROP", "O.CRYPTO"));
    assert!(!ticked(&html, spd, "T.EAVESDROP", "O.INTEGRITY"));
    assert!(ticked(&html, spd, "P.AUDIT", "O.INTEGRITY"));
    assert!(ticked(&html, spd, "A.PHYSICAL", "OE.PHYSICAL"));
    assert!(!ticked(&html, spd, "A.PHYSICAL", "O.CRYPTO"));

    let obj = "SFRs (rows) meeting security objectives";
    assert!(ticked(&html, obj, "FCS_COP.1/Hash", "O.CRYPTO"));
    assert!(ticked(&html, obj, "FPT_TUD_EXT.1", "O.INTEGRITY"));
    assert!(!ticked(&html, obj, "FPT_TUD_EXT.1", "O.CRYPTO"));

    let direct = "SFRs (rows) directly countering";
    assert!(ticked(&html, direct, "FCS_COP.1/Hash", "T.TAMPER"));
    assert!(!ticked(&html, direct, "FCS_COP.1/Hash", "T.EAVESDROP"));
}

#[test]
fn dependency_table_says_how_each_dependency_is_met() {
    let html = render_pp();
    let deps = table(&html, "Dependencies of the SFRs and SARs");
    let row = |req: &str, dep: &str| -> String {
        deps.split("<tr>")
            .find(|r| {
                r.contains(&format!("<code>{req}</code>")) && r.contains(&format!("<td>{dep}"))
            })
            .unwrap_or_else(|| panic!("no row {req} / {dep} in {deps}"))
            .to_owned()
    };
    // Extended component: dependency from its definition, met by an iteration.
    let r = row("FPT_TUD_EXT.1", "FCS_COP.1");
    assert!(
        r.contains("met by <a href=\"#sfr-FCS_COP.1-Hash\"><code>FCS_COP.1/Hash</code></a>"),
        "{r}"
    );
    // A dependency deliberately left unmet shows its justification.
    let r = row("FPT_TUD_EXT.1", "FPT_STM_EXT.1 or FPT_STM.1");
    assert!(
        r.contains("<strong>unmet:</strong> Updates are not time-stamped."),
        "{r}"
    );
    // Catalogue dependencies of FCS_COP.1: the key-generation group is neither met nor justified.
    let r = row("FCS_COP.1", "FDP_ITC.1 or FDP_ITC.2 or FCS_CKM.1");
    assert!(r.contains("<span class=\"problem\">not met</span>"), "{r}");
    assert!(r.contains("(FCS_COP.1/Hash)"), "iterations are named: {r}");
}

#[test]
fn st_shows_pp_text_with_completions_marked() {
    let html = render_st();
    assert!(html.contains("<h2>8 TOE summary specification</h2>"));
    assert!(html.contains("<h2>7 Rationale</h2>"));
    assert_heading_order(&html);
    // Completed selection with a nested completed assignment inside the chosen choice.
    assert!(html.contains(
        "<span class=\"completed\" title=\"selection\">SHA-256, other algorithm: <span class=\"completed\" title=\"assignment\">BLAKE2b</span></span>"
    ), "{html}");
    assert!(
        html.contains("<span class=\"completed\" title=\"selection\">digital signature</span>")
    );
    // The open assignment is flagged.
    assert!(
        html.contains("[open: <span class=\"op-kind\">assignment</span>: message digest sizes]")
    );
    assert!(html.contains("class=\"op assignment open\""));
    // Text, title and objectives come from the PP.
    assert!(html.contains(
        "Element text from the claimed Protection Profile <code>demo-pp</code> version 1.0"
    ));
    assert!(html.contains("FCS_COP.1/Hash — Cryptographic operation (hashing)"));
    assert!(ticked(
        &html,
        "SFRs (rows) meeting",
        "FCS_COP.1/Hash",
        "O.CRYPTO"
    ));
    // The ST's TOE reference, with the PP's TOE type name.
    assert!(html.contains("<td>TT.PUMP (Insulin pump)</td>"));
    assert!(
        html.contains("<td>Demo PP</td>"),
        "claimed PP's title in the claims table"
    );
    // TSS entry and coverage.
    assert!(html.contains("Hashing is done by the crypto library."));
    let cov = table(&html, "Where the TSS explains each SFR");
    assert!(cov.contains("<a href=\"#tss-1\">8.1</a>"));
    assert!(
        cov.contains("<span class=\"problem\">not covered</span>"),
        "FPT_TUD_EXT.1 lacks a TSS entry"
    );
}

#[test]
fn untrusted_text_is_escaped() {
    let html = render_st();
    assert!(!html.contains("<script"));
    assert!(html.contains(
        "<title>ACME Pump ST &lt;script&gt;alert(1)&lt;/script&gt; — Security Target</title>"
    ));
    assert!(html.contains("<h1>ACME Pump ST &lt;script&gt;alert(1)&lt;/script&gt;</h1>"));

    let hostile = r#"
kind: protection-profile
id: "x\" onmouseover=\"alert(1)"
version: "1"
title: "<img src=x onerror=alert(1)>"
spd:
  threats:
    - id: "T.<b>"
      description: "</p><script>alert(2)</script>"
sfrs:
  - id: "FCS_COP.1/<i>"
    elements:
      - id: FCS_COP.1.1
        text: "use {a} & {b}"
        operations:
          a:
            selection: ["<u>x</u>"]
"#;
    let doc = loaded("h.yaml", hostile);
    let html = render_html(&LoadedDocumentRef::from(&doc), &RenderContext::default());
    assert!(!html.contains("<script"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<u>"));
    assert!(!html.contains("<b>"));
    assert!(!html.contains("\" onmouseover"));
    assert!(html.contains("&lt;u&gt;x&lt;/u&gt;"));
    assert!(html.contains("[undefined operation: b]"));
    assert!(
        html.contains("id=\"sfr-FCS_COP.1--i-\""),
        "anchors are slugged"
    );
}

#[test]
fn output_is_deterministic() {
    assert_eq!(render_pp(), render_pp());
    assert_eq!(render_st(), render_st());
}

#[test]
fn minimal_document_renders() {
    let doc = loaded(
        "m.yaml",
        "kind: functional-package\nid: p\nversion: '1'\ntitle: P\n",
    );
    let html = render_html(&LoadedDocumentRef::from(&doc), &RenderContext::default());
    assert!(html.contains("<h2>7 Rationale</h2>"));
    assert!(html.contains("This document has no SFRs."));
    assert!(html.ends_with("</html>\n"));
}

#[test]
fn writes_file_atomically() {
    let dir = std::env::temp_dir().join(format!("dtsec-render-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pp.html");
    let pp = loaded("pp.yaml", PP);
    let doc = LoadedDocumentRef::from(&pp);
    render_html_to_file(&doc, &RenderContext::default(), &path).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, render_html(&doc, &RenderContext::default()));
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn st_features_take_their_name_from_the_claimed_pp() {
    let pp_yaml = PP.replace(
        "spd:\n",
        "features:\n  - id: bluetooth\n    name: Bluetooth LE\n    description: Has a BLE radio.\nspd:\n",
    );
    let st_yaml = ST.replace("sfrs:\n", "features:\n  - id: bluetooth\nsfrs:\n");
    let pp = loaded("pp.yaml", &pp_yaml);
    let st = loaded("st.yaml", &st_yaml);
    let claimed = [&pp];
    let html = render_html(
        &LoadedDocumentRef::from(&st),
        &RenderContext::with_claimed(&claimed),
    );
    let features = table(&html, "Features");
    assert!(features.contains("Bluetooth LE"), "{features}");
    assert!(features.contains("Has a BLE radio."), "{features}");
}

/// The shipped cdd 2.0 PP (and a built-in by id and version).
fn builtin<'l>(lib: &'l dtsec_model::Library, id: &str, version: &str) -> &'l LoadedDocument {
    lib.find(id, version)
        .unwrap_or_else(|| panic!("built-in {id} {version}"))
}

fn render_pp2() -> String {
    let lib = dtsec_model::Library::with_builtins();
    let pp = builtin(&lib, "cdd", "2.0");
    render_html(&LoadedDocumentRef::from(pp), &RenderContext::default())
}

/// The row of table `t` whose header cell contains `key`.
fn row<'h>(t: &'h str, key: &str) -> &'h str {
    t.split("<tr>")
        .find(|r| r.contains(key))
        .unwrap_or_else(|| panic!("no row with {key:?} in {t}"))
}

#[test]
fn pp2_lists_its_device_forms_and_roles_in_one_table() {
    let html = render_pp2();
    assert_heading_order(&html);
    let t = table(&html, "Device forms and functional roles");
    let pump = row(t, "<code>pump</code>");
    assert!(pump.contains("device form"), "{pump}");
    let aid = row(t, "<code>aid-host</code>");
    assert!(aid.starts_with("<td>role</td>"), "{aid}");
    // The roles column links the SFRs that key on the role: FDP_SIV_EXT.1 is mandatory for
    // aid-host, FDP_TCL_EXT.1 carries required choices for therapy-delivery.
    assert!(aid.contains(">FDP_SIV_EXT.1<"), "{aid}");
    let therapy = row(t, "<code>therapy-delivery</code>");
    assert!(therapy.contains(">FDP_TCL_EXT.1<"), "{therapy}");
    // The package a selection requires (NIAP's TLS package when tls is selected).
    let pkgs = table(&html, "Packages required by a selection");
    let tls = row(pkgs, "<code>tls</code> version 2.1");
    assert!(tls.contains("“tls” in "), "{tls}");
    assert!(tls.contains(">FTP_ITC.1<"), "{tls}");
    assert!(
        tls.contains("<code>therapy-delivery</code> (Therapy delivery)"),
        "{tls}"
    );
    assert!(tls.contains("github.com/commoncriteria/tls"), "{tls}");
    // A 2.0 PP declares no TOE types, so the empty TOE-types section is left out.
    assert!(!html.contains("No TOE types listed."));
}

#[test]
fn pp2_shows_role_conditions_required_choices_and_refinements() {
    let html = render_pp2();
    let sfr = |id: &str| {
        let at = html
            .find(&format!(">{id} — "))
            .unwrap_or_else(|| panic!("no SFR {id}"));
        let end = at + html[at..].find("</section>").expect("SFR end");
        &html[at..end]
    };
    let siv = sfr("FDP_SIV_EXT.1");
    assert!(
        siv.contains("<dt>Roles</dt><dd>the status applies when a part of the TOE plays <code>aid-host</code> (AID host"),
        "{siv}"
    );
    let tcl = sfr("FDP_TCL_EXT.1");
    assert!(
        tcl.contains("<p class=\"label\">Required choices</p>"),
        "{tcl}"
    );
    let req = &tcl[tcl.find("Required choices").unwrap()..];
    assert!(req.contains("<code>limit_types</code>"), "{req}");
    assert!(
        req.contains(
            "when a part of the TOE plays <code>therapy-delivery</code> (Therapy delivery)"
        ),
        "{req}"
    );
    // The required choices are marked in the selection itself too.
    assert!(tcl.contains("<span class=\"choice required\""), "{tcl}");
    assert!(tcl.contains("<sup class=\"req-mark\""), "{tcl}");
    // Refined elements carry their mark, and the SFR is flagged in heading and table.
    let sdi = sfr("FDP_SDI.2");
    assert!(
        sdi.contains("<span class=\"marker\">Refinement</span>"),
        "{sdi}"
    );
    assert!(sdi.contains("class=\"refined-mark\""), "{sdi}");
    let sfrs = table(&html, "Security functional requirements of this document");
    assert!(row(sfrs, ">FDP_SDI.2<").contains("refined-mark"));
    assert!(!row(sfrs, ">FDP_SIV_EXT.1<").contains("refined-mark"));
}

#[test]
fn distributed_st_shows_its_parts_with_forms_and_roles() {
    let lib = dtsec_model::Library::with_builtins();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/pump-controller-st.yaml"
    );
    let text = std::fs::read_to_string(path).expect("example ST");
    let st = loaded("pump-controller-st.yaml", &text);
    let pp = builtin(&lib, "cdd", "2.0");
    let app = builtin(&lib, "cdd-app", "2.0");
    let eb = builtin(&lib, "cdd-eb", "2.0");
    let claimed = [pp, app, eb];
    let html = render_html(
        &LoadedDocumentRef::from(&st),
        &RenderContext::with_claimed(&claimed),
    );
    assert_heading_order(&html);
    let t = table(&html, "TOE parts: device forms and roles");
    let pump = row(t, "Nimbus Pump");
    assert!(pump.contains("<code>pump</code> ("), "{pump}");
    assert!(
        pump.contains("<code>therapy-delivery</code> (Therapy delivery), <code>aid-host</code>"),
        "{pump}"
    );
    let app_row = row(t, "Nimbus Controller app");
    assert!(app_row.contains("<code>app</code>"), "{app_row}");
    assert!(app_row.contains("<code>remote-display</code>"), "{app_row}");
    // An ST's SFRs show the PP's role condition, but not the PP's required-choice list (the
    // ST's completions are what counts there).
    assert!(html.contains("<dt>Roles</dt>"));
    assert!(!html.contains("<p class=\"label\">Required choices</p>"));
}

/// A package that narrows its base PP's selections (cdd-moderate 2.0: hardware key storage only,
/// keyed MAC for every role) shows each narrowing under the SFR, with the choice's text.
#[test]
fn package_shows_its_narrowed_selections() {
    let lib = dtsec_model::Library::with_builtins();
    let pkg = lib.find("cdd-moderate", "2.0").expect("built-in package");
    let pp = lib.find("cdd", "2.0").expect("built-in PP");
    let claimed = [pp];
    let html = render_html(
        &LoadedDocumentRef::from(pkg),
        &RenderContext::with_claimed(&claimed),
    );
    let at = html
        .find("Narrowed by this package")
        .expect("restrictions shown");
    let rest = &html[at..];
    assert!(
        rest.contains("<code>key_store_type</code> an ST claiming this package may select only"),
        "{}",
        &rest[..rest.len().min(600)]
    );
    assert!(rest.contains("hardware-isolated (secure element"));
    assert!(html.contains("<code>sdi_mechanism</code> an ST claiming this package must select"));
}

/// F12: the PP's evaluation activities for its SARs are shown after the SAR table, per evaluator
/// action element (the AVA_VAN search sources and penetration themes of cdd 2.0).
#[test]
fn pp_shows_its_sar_evaluation_activities() {
    let lib = dtsec_model::Library::with_builtins();
    let pp = lib.find("cdd", "2.0").expect("built-in PP");
    let html = render_html(&LoadedDocumentRef::from(pp), &RenderContext::default());
    let at = html
        .find("Evaluation activities for the SARs")
        .expect("SAR activities shown");
    let rest = &html[at..];
    for needle in [
        "AVA_VAN.1.2E",
        "ICSMA",
        "SBOM",
        "AVA_VAN.1.3E",
        "power loss",
        "Key Management",
    ] {
        assert!(rest.contains(needle), "{needle} missing");
    }
}
