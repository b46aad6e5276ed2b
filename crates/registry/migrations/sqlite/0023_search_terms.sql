-- Issue 16: the words of the full-text index, readable in order, so that a search word is asked
-- as the few indexed words it begins instead of as a prefix, which FTS5 answers by merging the
-- whole certificate list of every word it begins (store/search.rs, `sqlite_query`). Of kind
-- `instance` (one row per occurrence, read lazily) so that finding the next word is one seek.
CREATE VIRTUAL TABLE certificate_fts_terms USING fts5vocab(certificate_fts, instance);
