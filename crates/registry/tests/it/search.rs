//! Device search by full text (issue 16): SQLite's FTS5 index and PostgreSQL's `tsvector`
//! index give the same certificates for the same search text; hostile search text (quotes,
//! either syntax's operators, column filters, SQL) is a valid query that matches by its words
//! only; the index follows product and manufacturer names as they change.

use std::collections::BTreeMap;

use crate::common;
use dtsec_registry::{DeviceFilter, RegistryError, Store};

/// Adds a certificate row copied from `template` with another id and product name. The rows
/// only feed the search under test; every other column is the real certificate's.
async fn add_named(store: &Store, template: &str, id: &str, name: &str) {
    sqlx::query(
        "INSERT INTO certificates (certificate_id, product_id, status, revision, \
         certification_date, expiry_date, product_name, product_version, manufacturer_org, \
         lab_org, toe_type, packages, document, updated_at) \
         SELECT $1, product_id, status, revision, certification_date, expiry_date, $2, \
         product_version, manufacturer_org, lab_org, toe_type, packages, document, updated_at \
         FROM certificates WHERE certificate_id = $3",
    )
    .bind(id)
    .bind(name)
    .bind(template)
    .execute(store.pool())
    .await
    .unwrap();
}

const NAMES: [(&str, &str); 7] = [
    ("DTSEC-S-0001", "Glow CGM"),
    ("DTSEC-S-0002", "FlowPatch Insulin Pump"),
    ("DTSEC-S-0003", "Glukoseüberwachung Système"),
    ("DTSEC-S-0004", "O'Brien \"Quoted\" pump"),
    ("DTSEC-S-0005", "100% sure_thing"),
    ("DTSEC-S-0006", "NEAR(x) OR y AND z"),
    ("DTSEC-S-0007", "flow-rate meter v2.1"),
];

/// Search texts with the ids they must find among [`NAMES`] (`None`: only compared across
/// the two databases).
fn queries() -> Vec<(String, Option<Vec<&'static str>>)> {
    let q = |s: &str, ids: &[&'static str]| (s.to_string(), Some(ids.to_vec()));
    let mut v = vec![
        q("glow", &["DTSEC-S-0001"]),
        q("GLOW cgm", &["DTSEC-S-0001"]),
        q("flow", &["DTSEC-S-0002", "DTSEC-S-0007"]),
        q("flowpatch pump", &["DTSEC-S-0002"]),
        q("glukoseüberwachung", &["DTSEC-S-0003"]),
        q("GLUKOSEÜBER", &["DTSEC-S-0003"]),
        q("système", &["DTSEC-S-0003"]),
        q("o'brien", &["DTSEC-S-0004"]),
        q("\"quoted\"", &["DTSEC-S-0004"]),
        q("100%", &["DTSEC-S-0005"]),
        q("sure_thing", &["DTSEC-S-0005"]),
        q("NEAR(x)", &["DTSEC-S-0006"]),
        q("x OR y", &["DTSEC-S-0006"]),
        q("v2.1", &["DTSEC-S-0007"]),
        q("dtsec-s-0003", &["DTSEC-S-0003"]),
        q("S 0006", &["DTSEC-S-0006"]),
        q("nomatch", &[]),
        q("glow nomatch", &[]),
    ];
    for hostile in [
        "\"",
        "'",
        "*",
        "\"unterminated",
        "OR",
        "AND NOT",
        "NEAR(",
        "product_name:glow",
        "{certificate_id product_name}: glow",
        "^glow",
        "glow*",
        "-glow",
        "+glow",
        "'; DROP TABLE certificates;--",
        "\\",
        "a\0b",
        ":*",
        "!glow & | <-> (",
        "glow:*A",
        "🙂 💉",
        "%_%",
        "x̧̨",
    ] {
        v.push((hostile.to_string(), None));
    }
    v.push(("\"".repeat(200), Some(vec![])));
    v
}

async fn found(store: &Store, text: &str) -> Vec<String> {
    let mut ids: Vec<String> = store
        .search_devices(&DeviceFilter {
            text: Some(text.to_string()),
            ..DeviceFilter::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .into_iter()
        .map(|d| d.certificate_id)
        .filter(|id| id.starts_with("DTSEC-S-"))
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_the_same_certificates_on_both_databases_whatever_the_text() {
    let mut results: Vec<(&str, BTreeMap<String, Vec<String>>)> = Vec::new();
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (_, template) = common::certified_pump(s, &w).await;
        for (id, name) in NAMES {
            add_named(s, &template, id, name).await;
        }
        let mut by_query = BTreeMap::new();
        for (text, expected) in queries() {
            let ids = found(s, &text).await;
            if let Some(expected) = expected {
                assert_eq!(ids, expected, "{}: search {text:?}", db.backend);
            }
            by_query.insert(text, ids);
        }
        // The real certificate by its manufacturer's name, and every word required.
        let all = |t: &str| {
            let t = t.to_string();
            async move {
                s.search_devices(&DeviceFilter {
                    text: Some(t),
                    ..DeviceFilter::default()
                })
                .await
                .unwrap()
                .into_iter()
                .map(|d| d.certificate_id)
                .collect::<Vec<_>>()
            }
        };
        assert!(all("maker a test pump").await.contains(&template));
        assert!(!all("maker b test pump").await.contains(&template));
        // Longer than the bound: refused with a message, not searched.
        let e = s
            .device_page(&DeviceFilter {
                text: Some("x".repeat(201)),
                ..DeviceFilter::default()
            })
            .await
            .unwrap_err();
        assert!(matches!(e, RegistryError::Validation(_)), "{e}");
        assert!(e.to_string().contains("200"), "{e}");
        // The index follows a renamed product and a renamed manufacturer.
        sqlx::query("UPDATE certificates SET product_name = 'Renamed Lumen' WHERE certificate_id = 'DTSEC-S-0001'")
            .execute(s.pool())
            .await
            .unwrap();
        assert_eq!(found(s, "lumen").await, ["DTSEC-S-0001"]);
        assert!(found(s, "glow").await.is_empty());
        sqlx::query("UPDATE organisations SET name = 'Acme Medical' WHERE id = $1")
            .bind(&w.maker_a.org)
            .execute(s.pool())
            .await
            .unwrap();
        assert!(all("acme medical").await.contains(&template));
        assert!(all("maker a").await.is_empty());
        // Rows the certificate table no longer has are gone from the index too.
        sqlx::query("DELETE FROM certificates WHERE certificate_id = 'DTSEC-S-0002'")
            .execute(s.pool())
            .await
            .unwrap();
        assert_eq!(found(s, "flow").await, ["DTSEC-S-0007"]);
        results.push((db.backend, by_query));
        db.finish().await;
    }
    if let [(_, sqlite), (_, postgres)] = results.as_slice() {
        for (text, ids) in sqlite {
            assert_eq!(
                Some(ids),
                postgres.get(text),
                "search {text:?}: SQLite (left) and PostgreSQL (right) differ"
            );
        }
    }
}

/// A search word stands for every indexed word it begins. SQLite asks a word that begins a few
/// indexed words as those exact words, and one that begins many (more than 16) as a prefix
/// (`store/search.rs`); both databases must find the same certificates either way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_word_finds_every_word_it_begins_however_many() {
    let mut results = Vec::new();
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (_, template) = common::certified_pump(s, &w).await;
        for i in 0..20 {
            let id = format!("DTSEC-S-{:04}", 100 + i);
            add_named(s, &template, &id, &format!("Widget 7{i:02}")).await;
        }
        let cases: [(&str, usize); 8] = [
            ("widget 7", 20), // "7" begins 20 words: a prefix
            ("7", 20),
            ("widget 70", 10), // 700 to 709: ten exact words
            ("wid 71", 10),
            ("WIDGET 719", 1),
            ("widget 72", 0), // begins no word: nothing, whatever else matches
            ("widget", 20),
            ("widgets 7", 0),
        ];
        let mut by_text = Vec::new();
        for (text, want) in cases {
            let ids = found(s, text).await;
            assert_eq!(
                ids.len(),
                want,
                "{}: search {text:?} found {ids:?}",
                db.backend
            );
            by_text.push(ids);
        }
        // A word added after the first searches is found at once.
        add_named(s, &template, "DTSEC-S-0200", "Widget 7205").await;
        assert_eq!(
            found(s, "widget 72").await,
            ["DTSEC-S-0200"],
            "{}",
            db.backend
        );
        results.push(by_text);
        db.finish().await;
    }
    if let [sqlite, postgres] = results.as_slice() {
        assert_eq!(
            sqlite, postgres,
            "SQLite (left) and PostgreSQL (right) differ"
        );
    }
}
