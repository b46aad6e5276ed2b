//! Full-text search of the device list (issue 16): the one place that turns a visitor's search
//! text into a full-text query, for SQLite's FTS5 and PostgreSQL's `tsvector` alike.
//!
//! Why a module of its own: `LOWER(…) LIKE '%…%'` read every certificate on every search (94
//! searches a second at 10⁴ certificates, timeouts at 10⁵). Both databases now keep an index of
//! the words of a certificate's id, product name and manufacturer (migration 0014), and the
//! store asks the same question of either: *every word of the search text begins a word of
//! the certificate*. The search text is never part of the SQL: it is cut into runs of letters
//! and digits here, so no quote, operator or column filter of either query syntax can reach
//! the database, and every input is a valid query (one with no words finds nothing). The query
//! is then bound as a parameter.

use super::Backend;

/// At most this many words of a search text are used (the rest are ignored).
pub(crate) const MAX_TERMS: usize = 16;
/// A word is cut to this many characters (a longer one is still a valid prefix).
pub(crate) const MAX_TERM_CHARS: usize = 64;

/// The indexed document on PostgreSQL: this text must stay identical to the expression of the
/// `certificate_fts_gin` index (migration 0014), or PostgreSQL cannot use the index.
const PG_SEARCH_DOCUMENT: &str = "to_tsvector('simple'::regconfig, \
    regexp_replace(lower(s.certificate_id || ' ' || s.product_name || ' ' || s.manufacturer), \
    '[^[:alnum:]]+', ' ', 'g'))";

/// The words of a search text: runs of letters and digits, lower-cased, each at most
/// [`MAX_TERM_CHARS`], without repeats, at most [`MAX_TERMS`]. These are the tokens both
/// databases' indexes are made of, so a word matches the same certificates on either.
pub(crate) fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if out.len() == MAX_TERMS {
            break;
        }
        if word.is_empty() {
            continue;
        }
        let word: String = word
            .chars()
            .take(MAX_TERM_CHARS)
            .collect::<String>()
            .to_lowercase();
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// The full-text query for `terms` in `backend`'s syntax: every term as a prefix, all of them
/// required. The terms hold only letters and digits (see [`terms`]), so nothing in them is an
/// operator; they are quoted all the same (FTS5 strings), so the query stays valid whatever a
/// future tokenizer does.
pub(crate) fn query(backend: Backend, terms: &[String]) -> String {
    match backend {
        Backend::Sqlite => terms
            .iter()
            .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => terms
            .iter()
            .map(|t| format!("'{}':*", t.replace('\'', "''").replace('\\', "\\\\")))
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

/// The SQL condition "certificate `c` matches the full-text query bound at `param`" (a
/// placeholder such as `$3`).
pub(crate) fn condition(backend: Backend, param: &str) -> String {
    match backend {
        Backend::Sqlite => format!(
            "c.certificate_id IN (SELECT s.certificate_id FROM certificate_search s \
             WHERE s.rid IN (SELECT rowid FROM certificate_fts WHERE certificate_fts MATCH {param}))"
        ),
        Backend::Postgres => format!(
            "c.certificate_id IN (SELECT s.certificate_id FROM certificate_search s \
             WHERE {PG_SEARCH_DOCUMENT} @@ to_tsquery('simple'::regconfig, {param}))"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_runs_of_letters_and_digits() {
        assert_eq!(
            terms("Test PUMP; DROP\"*' OR NEAR(x) DTSEC-2025-0001"),
            [
                "test", "pump", "drop", "or", "near", "x", "dtsec", "2025", "0001"
            ]
        );
        assert!(terms("\"*'-^:()&|!\\%_").is_empty());
        assert_eq!(terms("Glükose glükose").len(), 1);
        assert_eq!(terms(&"a ".repeat(100)).len(), 1);
        let many: String = (0..40).map(|i| format!("w{i} ")).collect();
        assert_eq!(terms(&many).len(), MAX_TERMS);
        assert_eq!(terms(&"x".repeat(500))[0].chars().count(), MAX_TERM_CHARS);
    }

    #[test]
    fn queries_are_prefixes_all_required() {
        let t = terms("Maker b");
        assert_eq!(query(Backend::Sqlite, &t), "\"maker\"* \"b\"*");
        assert_eq!(query(Backend::Postgres, &t), "'maker':* & 'b':*");
    }
}
