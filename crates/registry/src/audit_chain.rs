//! The audit trail's hash chain (issue 12). Database triggers stop accidental edits of the
//! trail, not someone holding the database's credentials; a chain whose head is published in
//! the transparency log does: each row's link is SHA-256 of the previous link and the row's
//! canonical JSON, so deleting or editing any row changes every later link and the published
//! head no longer matches. Anyone allowed to read the trail recomputes it (`dtsec log audit
//! --token`).

use serde_json::json;

use crate::store::AuditEntry;

/// The link before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The link of `row` after `prev` (lower-case hex).
#[must_use]
pub fn link(prev: &str, row: &AuditEntry) -> String {
    let fields = json!({
        "seq": row.seq,
        "at": row.at,
        "actor": row.actor,
        "actor_role": row.actor_role,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "before": row.before,
        "after": row.after,
    });
    let mut bytes = prev.as_bytes().to_vec();
    bytes.push(b'\n');
    bytes.extend_from_slice(&dtsec_seal::canonical_json(&fields));
    dtsec_seal::sha256_hex(&bytes)
}

/// The head a log entry carries (`"audit_chain": {"count", "head"}`), if any.
#[must_use]
pub fn published_head(entry: &[u8]) -> Option<(u64, String)> {
    let v: serde_json::Value = serde_json::from_slice(entry).ok()?;
    let c = v.get("audit_chain")?;
    Some((
        c.get("count")?.as_u64()?,
        c.get("head")?.as_str()?.to_string(),
    ))
}
