//! Fuzz-target bodies for the postmarket parsers of untrusted input (issue 17, second round):
//! SBOMs (CycloneDX/SPDX JSON), OSV record import and the per-ecosystem version orderings,
//! CVSS vectors, VEX documents in the three formats, OSCAL catalog import and validation, and
//! regulatory mapping YAML. Every one of these reads files a manufacturer, an advisory feed or
//! another tool hands the program, so each must refuse bad input with an error, never a panic,
//! and where a round trip exists the fuzzer holds it too.

use std::cmp::Ordering;
use std::sync::OnceLock;

use dtsec_advisories::version::Scheme;
use dtsec_model::SourceFile;

use crate::{LIBRARY, NAME};

/// The longest version string the ordering target compares: real versions are under 100
/// bytes, and the fuzzer's inputs are capped anyway; a bound keeps the triple comparisons cheap.
const MAX_VERSION_BYTES: usize = 256;

/// At most this many events per OSV range are evaluated by the import target (each event's
/// version is tried against the range, so the work grows with its square).
const MAX_EVENTS_EVALUATED: usize = 64;

/// The SBOM reader, built once: it holds the compiled CycloneDX and SPDX schemas.
fn ingester() -> &'static dtsec_sbom::Ingester {
    static INGESTER: OnceLock<dtsec_sbom::Ingester> = OnceLock::new();
    INGESTER.get_or_init(|| dtsec_sbom::Ingester::new(dtsec_sbom::Limits::default()))
}

/// SBOM ingestion. What is accepted must be deterministic (the same bytes read twice give the
/// same document), survive a serde round trip of the model unchanged (the registry stores it
/// so), and every normalised purl must be a fixed point of normalisation (matching compares
/// canonical texts, so `normalize(canonical)` has to give the same package back).
pub fn sbom(data: &[u8]) {
    let Ok((doc, report)) = ingester().ingest(data) else {
        return;
    };
    let (again, _) = ingester()
        .ingest(data)
        .unwrap_or_else(|e| panic!("accepted once, refused the second time: {e}"));
    assert_eq!(doc, again, "ingesting the same bytes twice differs");
    let stored = serde_json::to_value(&doc).unwrap_or_else(|e| panic!("serialise: {e}"));
    let back: dtsec_sbom::SbomDoc =
        serde_json::from_value(stored).unwrap_or_else(|e| panic!("deserialise: {e}"));
    assert_eq!(back, doc, "the SBOM model does not survive serde");
    let _ = serde_json::to_string(&report).unwrap_or_else(|e| panic!("report: {e}"));
    for component in &doc.components {
        for purl in &component.purls {
            if let Some(n) = &purl.normalized {
                purl_fixed_point(n);
            }
        }
    }
}

fn purl_fixed_point(n: &dtsec_sbom::purl::NormalizedPurl) {
    let again = dtsec_sbom::purl::normalize(&n.canonical).unwrap_or_else(|e| {
        panic!(
            "the canonical purl {:?} does not parse again: {e}",
            n.canonical
        )
    });
    assert_eq!(&again, n, "purl normalisation is not idempotent");
}

/// A package URL alone: normalisation never panics, and is idempotent on what it accepts.
pub fn purl(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(n) = dtsec_sbom::purl::normalize(text) {
        purl_fixed_point(&n);
    }
}

/// OSV import of one record file: validated against the OSV schema, read, and every range of
/// every accepted record evaluated against the versions its own events name (the versions an
/// attacker controls most directly). A stored record must survive serde unchanged (the
/// database file is that serialisation).
pub fn osv_import(data: &[u8]) {
    let entries = vec![dtsec_advisories::import::Entry::File(
        format!("{NAME}.json"),
        data.to_vec(),
    )];
    let Ok(db) =
        dtsec_advisories::import::build(entries, "2026-01-01T00:00:00Z".into(), &mut |_, _| {})
    else {
        return;
    };
    assert_eq!(
        db.records.len() + db.snapshot.rejected.len(),
        1,
        "one file is either a record or a rejection"
    );
    for stored in &db.records {
        let text = serde_json::to_string(&stored.record).unwrap_or_else(|e| panic!("{e}"));
        let back: dtsec_advisories::osv::OsvRecord =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("record re-read: {e}"));
        assert_eq!(back, stored.record, "an OSV record does not survive serde");
        for affected in &stored.record.affected {
            let base = affected
                .package
                .as_ref()
                .map(|p| dtsec_advisories::ecosystem::split_ecosystem(&p.ecosystem).0)
                .unwrap_or("");
            let scheme = Scheme::of_ecosystem(base);
            let versions = affected.ranges.iter().flat_map(|r| {
                r.events
                    .iter()
                    .take(MAX_EVENTS_EVALUATED)
                    .map(event_version)
            });
            for v in versions.chain(affected.versions.iter().map(String::as_str).take(8)) {
                let _ = dtsec_advisories::evaluate::evaluate(v, affected, scheme);
            }
        }
    }
}

fn event_version(e: &dtsec_advisories::osv::Event) -> &str {
    use dtsec_advisories::osv::Event;
    match e {
        Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
    }
}

/// Every ordering the matcher uses, by the index the version target's first byte selects.
const SCHEMES: [Scheme; 8] = [
    Scheme::Semver,
    Scheme::Go,
    Scheme::Pep440,
    Scheme::Maven,
    Scheme::Dpkg,
    Scheme::Apk,
    Scheme::Rpm,
    Scheme::Unordered,
];

/// The version orderings: the first byte picks the scheme, the rest is up to three versions
/// separated by newlines. Comparing never panics; where all answers are known the order is
/// reflexive, antisymmetric and transitive (an advisory range is only meaningful under a total
/// order, and a sort with an inconsistent comparator can panic or loop).
pub fn osv_versions(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let scheme = SCHEMES[usize::from(selector) % SCHEMES.len()];
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut parts = text.splitn(3, '\n');
    let a = parts.next().unwrap_or("");
    let b = parts.next().unwrap_or("");
    let c = parts.next().unwrap_or("");
    if [a, b, c].iter().any(|v| v.len() > MAX_VERSION_BYTES) {
        return;
    }
    let ab = scheme.compare(a, b);
    let ba = scheme.compare(b, a);
    assert_eq!(
        ab.map(Ordering::reverse),
        ba,
        "{scheme:?}: {a:?} vs {b:?} is not antisymmetric"
    );
    if let Some(aa) = scheme.compare(a, a) {
        assert_eq!(
            aa,
            Ordering::Equal,
            "{scheme:?}: {a:?} is not equal to itself"
        );
    }
    // Maven's own `ComparableVersion` is not transitive on odd text (`s` < `-a0` < `` < `s`;
    // dtsec keeps Maven's answers, see the advisories crate's `maven_has_cycles_of_its_own`),
    // so for Maven only antisymmetry and reflexivity are properties; evaluation does not rely
    // on transitivity.
    if scheme == Scheme::Maven {
        return;
    }
    if let (Some(ab), Some(bc), Some(ac)) = (ab, scheme.compare(b, c), scheme.compare(a, c)) {
        if ab != Ordering::Greater && bc != Ordering::Greater {
            assert_ne!(ac, Ordering::Greater, "{scheme:?}: {a:?} <= {b:?} <= {c:?}");
        }
        if ab != Ordering::Less && bc != Ordering::Less {
            assert_ne!(ac, Ordering::Less, "{scheme:?}: {a:?} >= {b:?} >= {c:?}");
        }
    }
}

/// CVSS vectors: strict parsing and scoring. An accepted vector scores within 0–10 in tenths,
/// its rating is the score's band, its stored text scores the same again, and reordering a
/// v3 vector's metrics (which v3 allows) does not change any score.
pub fn cvss(data: &[u8]) {
    use dtsec_vex::cvss;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scores) = cvss::score(text) else {
        return;
    };
    for s in [
        Some(scores.base),
        scores.temporal,
        scores.environmental,
        Some(scores.overall),
    ]
    .into_iter()
    .flatten()
    {
        assert!(
            (0.0..=10.0).contains(&s),
            "score {s} out of range for {text:?}"
        );
        assert!(
            (cvss::tenths(s) - s).abs() < 1e-9,
            "score {s} is not in tenths for {text:?}"
        );
    }
    assert_eq!(scores.severity, cvss::Severity::of(scores.overall));
    let again = cvss::score(&scores.vector)
        .unwrap_or_else(|e| panic!("the stored vector {:?} is refused: {e}", scores.vector));
    assert_eq!(again, scores, "scoring the stored vector differs");
    if scores.version != cvss::CvssVersion::V4_0 {
        let (prefix, body) = scores
            .vector
            .split_once('/')
            .unwrap_or_else(|| panic!("accepted vector without a body: {:?}", scores.vector));
        let mut metrics: Vec<&str> = body.split('/').collect();
        metrics.reverse();
        let reversed = format!("{prefix}/{}", metrics.join("/"));
        let r = cvss::score(&reversed)
            .unwrap_or_else(|e| panic!("{reversed:?} refused after reordering: {e}"));
        assert_eq!(
            (r.base, r.temporal, r.environmental, r.overall),
            (
                scores.base,
                scores.temporal,
                scores.environmental,
                scores.overall
            ),
            "the order of v3 metrics changed the score"
        );
    }
}

/// The metadata the VEX round trip exports with (fictional).
fn vex_meta() -> dtsec_vex::formats::DocMeta {
    dtsec_vex::formats::DocMeta {
        author: "Fuzz Pumps Inc. (fictional)".into(),
        namespace: "https://pumps.fuzz.invalid".into(),
        id: "FUZZ-VEX-0001".into(),
        version: 1,
        timestamp: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// VEX import, in each of the three formats (the command line is told the format, so every
/// input is tried as each). What one imports is exported in the same format and imported
/// again unchanged: the assessment is the record of the program, the document only carries it.
pub fn vex_import(data: &[u8]) {
    use dtsec_vex::formats::{self, Format};
    for format in [Format::Cyclonedx, Format::Csaf, Format::Openvex] {
        let Ok(assessments) = formats::import_bytes(format, NAME, data) else {
            continue;
        };
        if assessments.is_empty() {
            continue;
        }
        let doc = formats::export(format, &assessments, &vex_meta()).unwrap_or_else(|e| {
            panic!("{}: imported assessments do not export: {e}", format.name())
        });
        let again = formats::import(format, &doc).unwrap_or_else(|e| {
            panic!(
                "{}: an exported document does not import: {e}",
                format.name()
            )
        });
        assert_eq!(
            again,
            assessments,
            "{}: export then import changed the assessments",
            format.name()
        );
    }
}

/// OSCAL: validation of any document (schema of its model, then the semantic checks), and
/// import of a dtsec catalog back into a PP. What imports is exported again, and that export
/// is a fixed point: importing it and exporting once more gives the same catalog.
pub fn oscal_import(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = dtsec_oscal::validate(&value, &[&value]);
    let Ok(doc) = dtsec_oscal::import::catalog_document(&value) else {
        return;
    };
    let options = dtsec_oscal::CatalogOptions::default();
    let Ok(exported) = dtsec_oscal::catalog(&doc, &options) else {
        return;
    };
    let doc2 = dtsec_oscal::import::catalog_document(&exported)
        .unwrap_or_else(|e| panic!("our own export does not import: {e}"));
    let exported2 = dtsec_oscal::catalog(&doc2, &options)
        .unwrap_or_else(|e| panic!("a re-imported catalog does not export: {e}"));
    assert_eq!(exported2, exported, "catalog export is not a fixed point");
}

/// Regulatory mapping YAML: parsed with its budget, then checked against the built-in PPs and
/// framework catalogues. The findings are bounded by the input's length like the ST checker's.
pub fn mapping(data: &[u8]) {
    let Ok(source) = dtsec_model::source_from_bytes(NAME.to_string(), data.to_vec()) else {
        return;
    };
    let Ok(doc) = dtsec_regulatory::mapping::parse(&source) else {
        return;
    };
    check_mapping(data.len(), &source, &doc);
}

fn check_mapping(
    len: usize,
    source: &SourceFile,
    doc: &dtsec_regulatory::mapping::MappingDocument,
) {
    let budget = len
        .saturating_mul(crate::DIAGNOSTICS_PER_BYTE)
        .saturating_add(crate::DIAGNOSTICS_BASE);
    let found = LIBRARY.with(|library| {
        dtsec_regulatory::checker::check(dtsec_regulatory::checker::CheckInput {
            source,
            mapping: doc,
            library,
        })
    });
    if let Ok(found) = found {
        assert!(
            found.len() <= budget,
            "{} findings for {len} bytes of mapping (budget {budget})",
            found.len()
        );
    }
}
