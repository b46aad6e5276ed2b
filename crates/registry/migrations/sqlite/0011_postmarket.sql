-- Issue 13 (postmarket): SBOMs bound to certificates, advisory snapshots synced by the
-- certification body, the matches computed between them, and the manufacturer's assessments
-- (dtsec-vex history entries, append-only, each with its hash).
-- An SBOM as uploaded (UTF-8 JSON), one row per (certificate, SHA-256): uploading the same bytes
-- again is a no-op. The highest `revision` is the certificate's current SBOM.
CREATE TABLE pm_sboms (
    certificate_id TEXT NOT NULL REFERENCES certificates(certificate_id),
    sha256         TEXT NOT NULL,
    revision       BIGINT NOT NULL,
    format         TEXT NOT NULL,
    serial         TEXT,
    bom_version    BIGINT,
    components     BIGINT NOT NULL,
    document       TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_at    TEXT NOT NULL,
    PRIMARY KEY (certificate_id, sha256),
    UNIQUE (certificate_id, revision)
);
-- An advisory set (dtsec-advisories database JSON) named by its snapshot id; `seq` orders syncs,
-- the highest is the current set.
CREATE TABLE pm_snapshots (
    id          TEXT PRIMARY KEY,
    seq         BIGINT NOT NULL UNIQUE,
    loaded_at   TEXT NOT NULL,
    records     BIGINT NOT NULL,
    report      TEXT NOT NULL,
    db          TEXT NOT NULL,
    synced_by   TEXT NOT NULL
);
-- Affected or unevaluable (component, advisory) pairs of a certificate's SBOM, as of a snapshot.
CREATE TABLE pm_matches (
    certificate_id TEXT NOT NULL REFERENCES certificates(certificate_id),
    snapshot_id    TEXT NOT NULL,
    sbom_sha256    TEXT NOT NULL,
    advisory_id    TEXT NOT NULL,
    component_ref  TEXT NOT NULL,
    group_key      TEXT NOT NULL,
    verdict        TEXT NOT NULL,
    detail         TEXT NOT NULL,
    PRIMARY KEY (certificate_id, snapshot_id, sbom_sha256, advisory_id, component_ref)
);
-- When a vulnerability (group key) was first reported for a certificate: the triage clock.
CREATE TABLE pm_first_seen (
    certificate_id TEXT NOT NULL REFERENCES certificates(certificate_id),
    group_key      TEXT NOT NULL,
    first_seen     TEXT NOT NULL,
    PRIMARY KEY (certificate_id, group_key)
);
-- Assessment history entries (dtsec-vex `history::Entry` JSON), oldest first per assessment id.
CREATE TABLE pm_assessments (
    certificate_id TEXT NOT NULL REFERENCES certificates(certificate_id),
    assessment_id  TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    vuln           TEXT NOT NULL,
    hash           TEXT NOT NULL UNIQUE,
    entry          TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    PRIMARY KEY (certificate_id, assessment_id, seq)
);
