-- Issue 16: the public summary of an accepted ETR, computed once when the lab submits the
-- sealed bundle and stored under the bundle's SHA-256 (a bundle never changes under its
-- digest), so that a device page does not parse a bundle of hundreds of kilobytes. Summaries
-- of ETRs submitted before this migration are computed the first time they are read, once,
-- and stored the same way. `summary_json` is the serialised `EtrSummary` without the fields
-- the audit trail supplies per request (submitted/accepted times) or the case (lab key id).
CREATE TABLE etr_summaries (
    etr_sha256   TEXT PRIMARY KEY,
    summary_json TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
