//! What an audit record keeps of a change (issue 16): only the fields that changed, old → new,
//! and any large value by its digest.
//!
//! Why: the trail used to store a full copy of the record before and after every change, so a
//! case's eight workflow steps wrote sixteen copies of it — about 25 KB of the 34 KB the
//! registry spent per certificate. Who, when, what and which record are columns of their own;
//! of the record itself a reader needs what the change did, and the record's current state is
//! in its own table.
//!
//! The shape, for a record that existed before and after (both JSON objects): `before` holds
//! the old value of every key that changed or was removed, `after` the new value of every key
//! that changed or was added; a key in neither was unchanged. Nested objects are compared the
//! same way, key by key. A record created has no `before` and its whole `after`; one removed
//! has its whole `before` and no `after`. Any other value (a string, a list) whose JSON text is
//! longer than [`LARGE_TEXT_BYTES`] (a string) or [`LARGE_VALUE_BYTES`] (a list) is written as `{"$sha256": HEX, "bytes": N}`: for a string
//! the digest is of its UTF-8 bytes, so a document's entry names the same digest as its blob in
//! the blob store; for anything else it is of its canonical JSON.
//!
//! Records written before this change hold full copies; they are read and chained exactly as
//! stored (the hash chain covers the text in the row, whatever its shape), so nothing is
//! rewritten and every published chain head still matches.

use serde_json::{Map, Value, json};

/// The JSON text length above which a list is kept by its digest: above any list of names or
/// ids the workflow writes, below a list of an ST's findings (which the ST, kept by digest
/// beside it, reproduces).
pub const LARGE_VALUE_BYTES: usize = 256;

/// The length above which a string is kept by its digest: above any text a person writes (a
/// reason or rationale is at most 10,000 characters, 40,000 bytes of UTF-8, and may be said
/// nowhere else: a draft-PP approval's rationale is cleared when the ST is resubmitted), below a
/// document (kept in the blob store under the same digest).
pub const LARGE_TEXT_BYTES: usize = 64 * 1024;

/// The key that marks a value kept by its digest.
pub const DIGEST_KEY: &str = "$sha256";

/// The (before, after) an audit record keeps of a change from `before` to `after`.
#[must_use]
pub fn compact(before: Option<&Value>, after: Option<&Value>) -> (Option<Value>, Option<Value>) {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let (old, new) = changed_fields(b, a);
            (Some(Value::Object(old)), Some(Value::Object(new)))
        }
        (Some(b), Some(a)) if b == a => (Some(json!({})), Some(json!({}))),
        (b, a) => (b.map(shrink), a.map(shrink)),
    }
}

/// The keys of `before` and `after` whose values differ, each side with its own value; nested
/// objects compared key by key.
fn changed_fields(
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> (Map<String, Value>, Map<String, Value>) {
    let (mut old, mut new) = (Map::new(), Map::new());
    for (k, b) in before {
        match after.get(k) {
            None => {
                old.insert(k.clone(), shrink(b));
            }
            Some(a) if a == b => {}
            Some(Value::Object(a)) if b.is_object() => {
                let Value::Object(b) = b else { continue };
                let (o, n) = changed_fields(b, a);
                old.insert(k.clone(), Value::Object(o));
                new.insert(k.clone(), Value::Object(n));
            }
            Some(a) => {
                old.insert(k.clone(), shrink(b));
                new.insert(k.clone(), shrink(a));
            }
        }
    }
    for (k, a) in after {
        if !before.contains_key(k) {
            new.insert(k.clone(), shrink(a));
        }
    }
    (old, new)
}

/// `v` with every large value replaced by its digest (objects kept, their values shrunk).
fn shrink(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), shrink(v))).collect()),
        Value::String(s) if s.len() > LARGE_TEXT_BYTES => digest(s.as_bytes()),
        Value::Array(_) => {
            let text = dtsec_seal::canonical_json(v);
            if text.len() > LARGE_VALUE_BYTES {
                digest(&text)
            } else {
                v.clone()
            }
        }
        other => other.clone(),
    }
}

fn digest(bytes: &[u8]) -> Value {
    json!({ DIGEST_KEY: dtsec_seal::sha256_hex(bytes), "bytes": bytes.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_keeps_only_the_changed_fields() {
        let before = json!({"id": "p1", "name": "Pump", "state": "draft", "lab": null, "old": 1});
        let after =
            json!({"id": "p1", "name": "Pump", "state": "st-submitted", "lab": "l1", "new": 2});
        let (b, a) = compact(Some(&before), Some(&after));
        assert_eq!(b, Some(json!({"state": "draft", "lab": null, "old": 1})));
        assert_eq!(
            a,
            Some(json!({"state": "st-submitted", "lab": "l1", "new": 2}))
        );
    }

    #[test]
    fn nested_objects_are_compared_key_by_key() {
        let before = json!({"approval": {"by": "u1", "reason": "x", "at": "t1"}});
        let after = json!({"approval": {"by": "u1", "reason": "y", "at": "t1"}});
        let (b, a) = compact(Some(&before), Some(&after));
        assert_eq!(b, Some(json!({"approval": {"reason": "x"}})));
        assert_eq!(a, Some(json!({"approval": {"reason": "y"}})));
    }

    #[test]
    fn large_values_are_kept_by_digest_never_their_bytes() {
        let doc = "x".repeat(LARGE_TEXT_BYTES + 1);
        let after = json!({"id": "n1", "body": doc});
        let (b, a) = compact(None, Some(&after));
        assert_eq!(b, None);
        let a = a.unwrap();
        assert_eq!(a["id"], "n1");
        assert_eq!(
            a["body"][DIGEST_KEY],
            dtsec_seal::sha256_hex(doc.as_bytes())
        );
        assert_eq!(a["body"]["bytes"], doc.len());
        assert!(!a.to_string().contains(&doc));
        // A long list too, by the digest of its canonical JSON.
        let list: Vec<String> = (0..100).map(|i| format!("item-{i}")).collect();
        let (_, a) = compact(Some(&json!({"l": []})), Some(&json!({"l": list})));
        let a = a.unwrap();
        assert_eq!(
            a["l"][DIGEST_KEY],
            dtsec_seal::sha256_hex(&dtsec_seal::canonical_json(&json!(list)))
        );
        // Text at the limit is kept as it is: the longest reason a person may write is.
        let small = "y".repeat(LARGE_TEXT_BYTES);
        let (_, a) = compact(None, Some(&json!({"s": small})));
        assert_eq!(a.unwrap()["s"], small.as_str());
        let reason = "é".repeat(10_000);
        let (_, a) = compact(Some(&json!({"r": null})), Some(&json!({"r": reason})));
        assert_eq!(a.unwrap()["r"], reason.as_str());
    }

    #[test]
    fn removals_and_non_objects() {
        let before = json!({"id": "t1", "scope": "read"});
        let (b, a) = compact(Some(&before), None);
        assert_eq!((b, a), (Some(before.clone()), None));
        let (b, a) = compact(Some(&json!("on")), Some(&json!("off")));
        assert_eq!((b, a), (Some(json!("on")), Some(json!("off"))));
        let (b, a) = compact(Some(&before), Some(&before));
        assert_eq!((b, a), (Some(json!({})), Some(json!({}))));
    }
}
