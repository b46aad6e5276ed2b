-- Issue 13 (postmarket, publishing): notices get revisions. A notice keeps its id when the
-- assessment it states changes (a fix distributed, a state settled): the new revision has the
-- next CSAF `tracking.version`, its own document, signature and log entry. `pm_notices` holds
-- the current revision (what the CSAF directory, the provider metadata and the feeds serve);
-- `pm_notice_revisions` holds every revision, the current one included, and is never updated.
ALTER TABLE pm_notices ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE pm_notices ADD COLUMN category TEXT NOT NULL DEFAULT 'csaf_vex';
ALTER TABLE pm_notices ADD COLUMN tracking_status TEXT NOT NULL DEFAULT 'final';
ALTER TABLE pm_notices ADD COLUMN first_published_at TEXT NOT NULL DEFAULT '';
UPDATE pm_notices SET first_published_at = published_at;
CREATE TABLE pm_notice_revisions (
    notice_id       TEXT NOT NULL REFERENCES pm_notices(notice_id),
    revision        BIGINT NOT NULL,
    category        TEXT NOT NULL,
    tracking_status TEXT NOT NULL,
    state           TEXT NOT NULL,
    assessment_hash TEXT NOT NULL,
    summary         TEXT NOT NULL,
    document        TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    signature       TEXT NOT NULL,
    published_at    TEXT NOT NULL,
    published_by    TEXT NOT NULL,
    PRIMARY KEY (notice_id, revision)
);
INSERT INTO pm_notice_revisions (notice_id, revision, category, tracking_status, state,
    assessment_hash, summary, document, sha256, signature, published_at, published_by)
SELECT notice_id, 1, 'csaf_vex', 'final', state, assessment_hash, 'Initial publication.',
    document, sha256, signature, published_at, published_by
FROM pm_notices;
CREATE INDEX pm_notices_by_vuln ON pm_notices (certificate_id, vuln);
