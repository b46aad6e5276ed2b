-- Issue 16: SQLite's full-text index gains a readable list of its words (the SQLite migration
-- of this number). PostgreSQL's GIN index answers a prefix (`'word':*`) from its own sorted
-- keys, so nothing is added here; this file keeps the two sets of migrations in step.
SELECT 1;
