//! The sealed envelope: round trips, every kind of tampering, wrong keys, and the strict reader.

use dtsec_seal::{SEALED_FORMAT, SealError, Sealed, SigningKey, seal};
use serde_json::{Value, json};

fn payload() -> Value {
    json!({
        "toe": {"name": "Acme pump", "version": "2.1"},
        "st_sha256": "ab".repeat(32),
        "verdicts": [
            {"work_unit": "ADV_FSP.2-1", "verdict": "pass", "by": ["alice"]},
            {"work_unit": "ATE_IND.2-3", "verdict": "pass", "score": 0.75},
        ],
        "overall": "pass",
    })
}

fn key(n: u8) -> SigningKey {
    SigningKey::from_seed(&[n; 32])
}

#[test]
fn sign_and_verify_round_trip_through_text() {
    let k = key(1);
    let sealed = seal(payload(), &k);
    assert_eq!(sealed.format, SEALED_FORMAT);
    assert_eq!(sealed.signatures.len(), 1);
    assert_eq!(sealed.signatures[0].alg, "ed25519");
    assert_eq!(sealed.signatures[0].key_id, k.verifying_key().key_id());

    let read = Sealed::from_json(&sealed.to_json_pretty()).unwrap();
    assert_eq!(read, sealed);
    assert_eq!(read.verify(&k.verifying_key()).unwrap(), &payload());
    assert_eq!(read.payload_sha256(), sealed.payload_sha256());
}

/// The signature covers the canonical form, so layout and member order in the file are free.
#[test]
fn reformatted_file_still_verifies() {
    let k = key(1);
    let sealed = seal(payload(), &k);
    let compact = serde_json::to_string(&sealed).unwrap();
    let read = Sealed::from_json(&compact).unwrap();
    read.verify(&k.verifying_key()).unwrap();
    let reordered = format!(
        r#"{{"signatures": {}, "payload": {}, "format": "{SEALED_FORMAT}"}}"#,
        serde_json::to_string(&sealed.signatures).unwrap(),
        serde_json::to_string_pretty(&sealed.payload).unwrap()
    );
    Sealed::from_json(&reordered)
        .unwrap()
        .verify(&k.verifying_key())
        .unwrap();
}

fn assert_invalid(sealed: &Sealed, k: &SigningKey) {
    match sealed.verify(&k.verifying_key()) {
        Err(SealError::SignatureInvalid { key_id }) => {
            assert_eq!(key_id, k.verifying_key().key_id())
        }
        other => panic!("expected SignatureInvalid, got {other:?}"),
    }
}

#[test]
fn changing_a_nested_value_is_detected() {
    let k = key(1);
    let mut sealed = seal(payload(), &k);
    sealed.payload["verdicts"][1]["verdict"] = json!("fail");
    assert_invalid(&sealed, &k);
}

#[test]
fn changing_a_number_type_or_array_order_is_detected() {
    let k = key(1);
    let original = seal(payload(), &k);

    let mut sealed = original.clone();
    sealed.payload["verdicts"][1]["score"] = json!(0.76);
    assert_invalid(&sealed, &k);

    let mut sealed = original.clone();
    sealed.payload["verdicts"].as_array_mut().unwrap().reverse();
    assert_invalid(&sealed, &k);

    let mut sealed = original.clone();
    sealed.payload["toe"]["extra"] = json!(null);
    assert_invalid(&sealed, &k);

    let mut sealed = original;
    sealed.payload["toe"]["version"] = json!(2.1);
    assert_invalid(&sealed, &k);
}

/// Flipping any single character of any payload string in the file breaks the signature.
#[test]
fn editing_the_file_text_is_detected() {
    let k = key(1);
    let text = seal(payload(), &k).to_json_pretty();
    for (from, to) in [
        ("Acme", "Acmf"),
        ("ADV_FSP.2-1", "ADV_FSP.2-2"),
        ("0.75", "0.7500001"),
        ("alice", "mallory"),
    ] {
        let edited = text.replacen(from, to, 1);
        assert_ne!(edited, text);
        let read = Sealed::from_json(&edited).unwrap();
        assert_invalid(&read, &k);
    }
}

#[test]
fn tampered_signature_is_invalid() {
    let k = key(1);
    let original = seal(payload(), &k);

    let mut sealed = original.clone();
    let mut sig = sealed.signatures[0].sig.clone().into_bytes();
    sig[10] = if sig[10] == b'A' { b'B' } else { b'A' };
    sealed.signatures[0].sig = String::from_utf8(sig).unwrap();
    assert_invalid(&sealed, &k);

    let mut sealed = original;
    sealed.signatures[0].sig = "not base64!".into();
    assert_invalid(&sealed, &k);
}

#[test]
fn wrong_key_is_unknown() {
    let sealed = seal(payload(), &key(1));
    match sealed.verify(&key(2).verifying_key()) {
        Err(SealError::UnknownKey { key_id }) => {
            assert_eq!(key_id, key(2).verifying_key().key_id())
        }
        other => panic!("expected UnknownKey, got {other:?}"),
    }
}

/// A forger who copies the right key id onto their own signature gains nothing.
#[test]
fn forged_key_id_is_invalid() {
    let honest = key(1);
    let mut forged = seal(json!({"overall": "pass"}), &key(2));
    forged.signatures[0].key_id = honest.verifying_key().key_id();
    assert_invalid(&forged, &honest);
}

#[test]
fn co_signatures_verify_independently() {
    let (lab, scheme) = (key(1), key(2));
    let mut sealed = seal(payload(), &lab);
    sealed.add_signature(&scheme);
    sealed.add_signature(&scheme); // Replaces, does not duplicate.
    assert_eq!(
        sealed.signed_by(),
        [
            lab.verifying_key().key_id(),
            scheme.verifying_key().key_id()
        ]
    );
    sealed.verify(&lab.verifying_key()).unwrap();
    sealed.verify(&scheme.verifying_key()).unwrap();
}

#[test]
fn every_signature_naming_the_key_must_verify() {
    let k = key(1);
    let mut sealed = seal(payload(), &k);
    let mut bad = sealed.signatures[0].clone();
    bad.sig = seal(json!("other"), &k).signatures[0].sig.clone();
    sealed.signatures.push(bad);
    assert_invalid(&sealed, &k);
}

#[test]
fn wrong_format_and_algorithm_are_format_errors() {
    let k = key(1);
    let mut sealed = seal(payload(), &k);
    sealed.format = "dtsec-sealed/v2".into();
    assert!(
        matches!(sealed.verify(&k.verifying_key()), Err(SealError::Format(m)) if m.contains("dtsec-sealed/v2"))
    );
    let text = sealed.to_json_pretty();
    assert!(matches!(
        Sealed::from_json(&text),
        Err(SealError::Format(_))
    ));

    let mut sealed = seal(payload(), &k);
    sealed.signatures[0].alg = "rsa".into();
    assert!(
        matches!(sealed.verify(&k.verifying_key()), Err(SealError::Format(m)) if m.contains("rsa"))
    );
}

#[test]
fn reader_refuses_duplicates_unknown_fields_and_junk() {
    let k = key(1);
    let good = seal(json!({"a": 1}), &k);
    let sigs = serde_json::to_string(&good.signatures).unwrap();

    let dup =
        format!(r#"{{"format":"{SEALED_FORMAT}","payload":{{"a":1,"a":2}},"signatures":{sigs}}}"#);
    assert!(matches!(Sealed::from_json(&dup), Err(SealError::Format(m)) if m.contains("twice")));

    let dup_top = format!(
        r#"{{"format":"{SEALED_FORMAT}","payload":{{"a":1}},"payload":{{"a":1}},"signatures":{sigs}}}"#
    );
    assert!(matches!(
        Sealed::from_json(&dup_top),
        Err(SealError::Format(_))
    ));

    let extra = format!(
        r#"{{"format":"{SEALED_FORMAT}","payload":{{"a":1}},"signatures":{sigs},"note":"unsigned"}}"#
    );
    assert!(matches!(
        Sealed::from_json(&extra),
        Err(SealError::Format(_))
    ));

    for junk in [
        "",
        "null",
        "[]",
        "{",
        "{\"format\":1}",
        "\u{feff}{}",
        &"[".repeat(10_000),
    ] {
        assert!(
            matches!(Sealed::from_json(junk), Err(SealError::Format(_))),
            "{junk:.20}"
        );
    }
    let trailing = format!("{} x", good.to_json_pretty());
    assert!(matches!(
        Sealed::from_json(&trailing),
        Err(SealError::Format(_))
    ));
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let big = " ".repeat(256 * 1024 * 1024 + 1);
    assert!(matches!(
        Sealed::from_json(&big),
        Err(SealError::TooLarge { .. })
    ));
}

#[test]
fn errors_explain_themselves() {
    let sealed = seal(payload(), &key(1));
    let e = sealed.verify(&key(2).verifying_key()).unwrap_err();
    assert!(e.to_string().contains(&key(2).verifying_key().key_id()));
    assert!(!e.help().is_empty());
}

use crate::json_values::any_value as any_payload;

proptest::proptest! {
    /// Any payload survives writing to text and reading back with its signature intact: the
    /// file's number and string formatting never changes what was signed.
    #[test]
    fn any_payload_round_trips_through_the_file(payload in any_payload()) {
        let k = key(3);
        let text = seal(payload.clone(), &k).to_json_pretty();
        let read = Sealed::from_json(&text).unwrap();
        proptest::prop_assert_eq!(read.verify(&k.verifying_key()).unwrap(), &payload);
    }
}
