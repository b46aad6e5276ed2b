//! What the public pages derive from immutable documents, computed once per document.
//!
//! Why: a device page showed words read from the certified ST and support data read from the
//! current SBOM by parsing them again on every request (a YAML parse and a schema-validated SBOM
//! ingest: about nine tenths of the page's cost). Both documents are immutable under their
//! SHA-256, so what is derived from them is kept here under that digest; a request reads the
//! digest (a few bytes) and finds the result. A changed document has a new digest, so nothing
//! kept can be stale.
//!
//! Bounded: at most `capacity` entries, the oldest inserted evicted first (not emptied when
//! full, which made every request after the 1,025th device a miss at once). Each store owns its
//! memos; nothing is global.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// A bounded map from a document's digest to what was derived from it.
#[derive(Debug)]
pub struct Memo<V> {
    capacity: usize,
    inner: Mutex<Inner<V>>,
}

#[derive(Debug)]
struct Inner<V> {
    map: HashMap<String, V>,
    /// Insertion order, for eviction.
    order: VecDeque<String>,
}

impl<V: Clone> Memo<V> {
    /// An empty memo keeping at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Memo<V> {
        Memo {
            capacity: capacity.max(1),
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// The value kept for `digest`, if any.
    pub fn get(&self, digest: &str) -> Option<V> {
        self.inner.lock().ok()?.map.get(digest).cloned()
    }

    /// Keeps `value` for `digest`, evicting the oldest entry when full.
    pub fn insert(&self, digest: &str, value: V) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.map.contains_key(digest) {
            return;
        }
        while inner.map.len() >= self.capacity {
            match inner.order.pop_front() {
                Some(old) => {
                    inner.map.remove(&old);
                }
                None => break,
            }
        }
        inner.order.push_back(digest.to_string());
        inner.map.insert(digest.to_string(), value);
    }

    /// Keeps `value` for `key`, replacing what was kept (a value that can go stale, such as a
    /// status read at a time); a new key evicts the oldest entry when full.
    pub fn replace(&self, key: &str, value: V) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some(kept) = inner.map.get_mut(key) {
            *kept = value;
            return;
        }
        drop(inner);
        self.insert(key, value);
    }

    /// Entries kept.
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.map.len())
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_capacity_and_evicts_the_oldest_first() {
        let m = Memo::new(2);
        m.insert("a", 1);
        m.insert("b", 2);
        m.insert("c", 3);
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("a"), None, "the oldest goes first");
        assert_eq!(m.get("b"), Some(2));
        assert_eq!(m.get("c"), Some(3));
    }

    #[test]
    fn a_second_insert_of_one_digest_keeps_the_first_value() {
        let m = Memo::new(4);
        m.insert("a", 1);
        m.insert("a", 2);
        assert_eq!(m.get("a"), Some(1));
        assert_eq!(m.len(), 1);
    }
}
