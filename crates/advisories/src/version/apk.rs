//! Alpine's package version ordering (apk-tools): dotted numbers, an optional letter, suffixes
//! (`_alpha` < `_beta` < `_pre` < `_rc` < none < `_cvs` < `_svn` < `_git` < `_hg` < `_p`, each
//! with an optional number), then the package revision `-rN`.

use std::cmp::Ordering;

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Apk {
    numbers: Vec<u64>,
    letter: Option<u8>,
    suffixes: Vec<(u8, u64)>,
    revision: u64,
}

const SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
/// The rank of "no suffix", between `rc` and `cvs`.
const NONE_RANK: u8 = 4;

fn parse(v: &str) -> Option<Apk> {
    let v = v.trim();
    let (body, revision) = match v.rsplit_once("-r") {
        Some((b, r)) if !r.is_empty() && r.bytes().all(|c| c.is_ascii_digit()) => {
            (b, r.parse().ok()?)
        }
        _ => (v, 0),
    };
    let mut parts = body.split('_');
    let head = parts.next()?;
    let mut numbers = Vec::new();
    let mut letter = None;
    let segs: Vec<&str> = head.split('.').collect();
    for (k, seg) in segs.iter().enumerate() {
        let digits: &str = &seg[..seg.bytes().take_while(u8::is_ascii_digit).count()];
        if digits.is_empty() {
            return None;
        }
        numbers.push(digits.parse().ok()?);
        let rest = &seg[digits.len()..];
        if !rest.is_empty() {
            // One letter, only after the last number.
            if k + 1 != segs.len() || rest.len() != 1 || !rest.as_bytes()[0].is_ascii_lowercase() {
                return None;
            }
            letter = Some(rest.as_bytes()[0]);
        }
    }
    let mut suffixes = Vec::new();
    for s in parts {
        let name_len = s.bytes().take_while(u8::is_ascii_lowercase).count();
        let rank = SUFFIXES.iter().position(|x| *x == &s[..name_len])?;
        let rank = if rank >= usize::from(NONE_RANK) {
            rank as u8 + 1
        } else {
            rank as u8
        };
        let num = &s[name_len..];
        let num = if num.is_empty() { 0 } else { num.parse().ok()? };
        suffixes.push((rank, num));
    }
    Some(Apk {
        numbers,
        letter,
        suffixes,
        revision,
    })
}

fn cmp(a: &Apk, b: &Apk) -> Ordering {
    for k in 0..a.numbers.len().max(b.numbers.len()) {
        match (a.numbers.get(k), b.numbers.get(k)) {
            (Some(x), Some(y)) if x != y => return x.cmp(y),
            (Some(_), None) => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Less,
            _ => {}
        }
    }
    let c = a.letter.cmp(&b.letter);
    if c != Ordering::Equal {
        return c;
    }
    for k in 0..a.suffixes.len().max(b.suffixes.len()) {
        let x = a.suffixes.get(k).copied().unwrap_or((NONE_RANK, 0));
        let y = b.suffixes.get(k).copied().unwrap_or((NONE_RANK, 0));
        if x != y {
            return x.cmp(&y);
        }
    }
    a.revision.cmp(&b.revision)
}

/// Compares two Alpine versions; `None` when either is not one.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(cmp(&parse(a)?, &parse(b)?))
}
