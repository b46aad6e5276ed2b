//! Debian's version ordering (dpkg's `verrevcmp`, as the Debian Policy Manual §5.6.12
//! describes it): epoch numerically, then upstream version and revision, each compared in
//! alternating non-digit and digit runs, where `~` sorts before everything, even the end.

use std::cmp::Ordering;

struct Parts<'a> {
    epoch: u64,
    upstream: &'a str,
    revision: &'a str,
}

fn split(v: &str) -> Option<Parts<'_>> {
    let v = v.trim();
    let (epoch, rest) = match v.split_once(':') {
        Some((e, r)) => (e.parse().ok()?, r),
        None => (0, v),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((u, r)) => (u, r),
        None => (rest, ""),
    };
    if upstream.is_empty() || !upstream.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let ok = |s: &str, extra: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+~".contains(c) || extra.contains(c))
    };
    if !ok(upstream, "-:") || !ok(revision, "") {
        return None;
    }
    Some(Parts {
        epoch,
        upstream,
        revision,
    })
}

fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit runs, character by character.
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let ac = order(a.get(i).copied().filter(|c| !c.is_ascii_digit()));
            let bc = order(b.get(j).copied().filter(|c| !c.is_ascii_digit()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            if i < a.len() && !a[i].is_ascii_digit() {
                i += 1;
            }
            if j < b.len() && !b[j].is_ascii_digit() {
                j += 1;
            }
        }
        // Digit runs, numerically (leading zeros skipped, then length, then digits).
        while i < a.len() && a[i] == b'0' {
            i += 1;
        }
        while j < b.len() && b[j] == b'0' {
            j += 1;
        }
        let si = i;
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        let sj = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let (da, db) = (&a[si..i], &b[sj..j]);
        let c = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
        if c != Ordering::Equal {
            return c;
        }
    }
    Ordering::Equal
}

/// Compares two Debian versions; `None` when either is not a Debian version.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (split(a)?, split(b)?);
    Some(
        a.epoch
            .cmp(&b.epoch)
            .then_with(|| verrevcmp(a.upstream, b.upstream))
            .then_with(|| verrevcmp(a.revision, b.revision)),
    )
}
