//! The committed JSON Schema (`docs/dtsec.schema.json`) matches the model.

use std::path::Path;

#[test]
fn committed_schema_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/dtsec.schema.json");
    let expected = format!("{}\n", dtsec_model::json_schema());
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write schema");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "docs/dtsec.schema.json is stale: run `UPDATE_DOCS=1 cargo test -p dtsec-model --test it schema`"
    );
}

#[test]
fn schema_describes_the_document() {
    let v: serde_json::Value = serde_json::from_str(&dtsec_model::json_schema()).unwrap();
    for field in [
        "kind", "id", "version", "title", "sfrs", "sars", "tss", "spd",
    ] {
        assert!(v["properties"][field].is_object(), "no {field}");
    }
    assert_eq!(v["additionalProperties"], false);
}
