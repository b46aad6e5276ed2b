-- Issue 16: which certificate revision each published decision is about, so that a proof finds
-- its log entry by index instead of scanning every entry's text (which made `dtsec log audit`
-- quadratic). One row per decision_log row; certificate_id and revision are NULL for decisions
-- about labs or ETRs. Rows for decisions made before this migration are filled at start-up
-- (the entries are parsed in Rust, the same way for both backends).
CREATE TABLE decision_subject (
    seq            INTEGER PRIMARY KEY REFERENCES decision_log(seq),
    certificate_id TEXT,
    revision       INTEGER
);
CREATE INDEX decision_subject_by_certificate ON decision_subject(certificate_id, revision);
