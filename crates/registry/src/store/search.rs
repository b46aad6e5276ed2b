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

/// At most this many indexed words stand in for a search word that begins them (see
/// [`sqlite_query`]); a word that begins more stays a prefix query.
pub(crate) const MAX_EXPANSIONS: usize = 16;

/// The indexed words from `$1` up to (not including) `$2`, in order, at most
/// [`MAX_EXPANSIONS`] + 1 of them, one index seek each.
///
/// `certificate_fts_terms` is an `fts5vocab` table of kind `instance` (migration 0023): one row
/// per occurrence, read lazily, so `LIMIT 1` stops at the first. The next word after `t` is
/// the first at or after `t || '0'`: the index's words are runs of letters and digits (its
/// tokenizer), and no letter or digit sorts before `'0'`, so nothing lies between — whereas
/// `term > t` would step through every occurrence of `t` (every certificate, for "pump").
const SQLITE_EXPANSIONS: &str = "WITH RECURSIVE x(t, n) AS ( \
       SELECT (SELECT term FROM certificate_fts_terms WHERE term >= $1 AND term < $2 LIMIT 1), 1 \
       UNION ALL \
       SELECT (SELECT term FROM certificate_fts_terms WHERE term >= x.t || '0' AND term < $2 LIMIT 1), x.n + 1 \
       FROM x WHERE x.t IS NOT NULL AND x.n <= $3) \
     SELECT t FROM x WHERE t IS NOT NULL";

/// The FTS5 query for `terms` on `pool` (SQLite), as [`query`] but with each plain-ASCII word
/// that begins at most [`MAX_EXPANSIONS`] indexed words asked as those exact words, or `None`
/// when such a word begins none (nothing can match).
///
/// Why: FTS5 answers a prefix query by merging the whole list of certificates of every word
/// the prefix begins, before the other words narrow it. "scale*" and "pump*" each named every
/// certificate, so a search for one product number read the index's entire lists (about
/// 13 ms at 10⁵ certificates); as exact words, FTS5 steps through the rarest list and seeks in
/// the others (under a millisecond). Same matches: a prefix is the union of the words it begins.
/// A word with other letters keeps the prefix query, because its lower case here could differ
/// from the tokenizer's folding. A word written between the two reads is missed by this one
/// search only, as if it had been made a moment later.
pub(crate) async fn sqlite_query(
    pool: &sqlx::AnyPool,
    terms: &[String],
) -> crate::error::Result<Option<String>> {
    let mut parts = Vec::with_capacity(terms.len());
    for t in terms {
        let quoted = |w: &str| format!("\"{}\"", w.replace('"', "\"\""));
        if !t
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            parts.push(format!("{}*", quoted(t)));
            continue;
        }
        let words: Vec<String> = sqlx::query_scalar(SQLITE_EXPANSIONS)
            .bind(t.as_str())
            .bind(format!("{t}\u{10FFFF}"))
            .bind(MAX_EXPANSIONS as i64)
            .fetch_all(pool)
            .await?;
        match words.len() {
            0 => return Ok(None),
            n if n > MAX_EXPANSIONS => parts.push(format!("{}*", quoted(t))),
            _ => parts.push(format!(
                "({})",
                words
                    .iter()
                    .map(|w| quoted(w))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            )),
        }
    }
    Ok(Some(parts.join(" AND ")))
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
