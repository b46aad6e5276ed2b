-- Issue 13 (postmarket, publishing): vulnerability notices the certification body published.
-- Each row is one CSAF 2.0 document as served (RFC 8785 canonical JSON, so its SHA-256 is the
-- bytes a reader downloads), the scheme key's detached signature over those bytes, and the
-- assessment entry it states. Rows are never updated: a changed assessment gets a new notice.
CREATE TABLE pm_notices (
    notice_id       TEXT PRIMARY KEY,
    year            BIGINT NOT NULL,
    certificate_id  TEXT NOT NULL REFERENCES certificates(certificate_id),
    vuln            TEXT NOT NULL,
    state           TEXT NOT NULL,
    assessment_hash TEXT NOT NULL,
    document        TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    signature       TEXT NOT NULL,
    published_at    TEXT NOT NULL,
    published_by    TEXT NOT NULL,
    UNIQUE (certificate_id, assessment_hash)
);
CREATE INDEX pm_notices_by_date ON pm_notices (published_at);
