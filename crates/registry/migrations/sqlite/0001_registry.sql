-- dtsec registry schema (SQLite). Keep in step with ../postgres/0001_registry.sql: the two differ
-- only in auto-increment keys and in how the append-only triggers are written.
-- Times are RFC 3339 UTC text; dates are YYYY-MM-DD text; both compare correctly as text.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    org_id        TEXT REFERENCES organisations(id),
    password_hash TEXT NOT NULL,
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);

CREATE TABLE login_throttle (
    key             TEXT PRIMARY KEY,
    failures        BIGINT NOT NULL,
    window_start    BIGINT NOT NULL,
    locked_until    BIGINT NOT NULL
);

CREATE TABLE labs (
    org_id         TEXT PRIMARY KEY REFERENCES organisations(id),
    state          TEXT NOT NULL,
    approved_until TEXT,
    public_key_pem TEXT,
    key_id         TEXT,
    updated_at     TEXT NOT NULL
);

CREATE TABLE products (
    id                      TEXT PRIMARY KEY,
    manufacturer_org        TEXT NOT NULL REFERENCES organisations(id),
    name                    TEXT NOT NULL,
    version                 TEXT NOT NULL,
    build_ids               TEXT NOT NULL,
    toe_type                TEXT NOT NULL,
    state                   TEXT NOT NULL,
    st_yaml                 TEXT,
    st_sha256               TEXT,
    st_id                   TEXT,
    st_version              TEXT,
    st_warnings             TEXT,
    pp_claims               TEXT,
    package_claims          TEXT,
    lab_org                 TEXT REFERENCES organisations(id),
    etr_bundle              TEXT,
    etr_sha256              TEXT,
    etr_key_id              TEXT,
    review_reasons          TEXT,
    certificate_id          TEXT,
    previous_certificate_id TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX products_by_manufacturer ON products(manufacturer_org);
CREATE INDEX products_by_lab ON products(lab_org);
CREATE INDEX products_by_state ON products(state);

CREATE TABLE certificates (
    certificate_id     TEXT PRIMARY KEY,
    product_id         TEXT NOT NULL REFERENCES products(id),
    status             TEXT NOT NULL,
    revision           BIGINT NOT NULL,
    certification_date TEXT NOT NULL,
    expiry_date        TEXT NOT NULL,
    product_name       TEXT NOT NULL,
    product_version    TEXT NOT NULL,
    manufacturer_org   TEXT NOT NULL REFERENCES organisations(id),
    lab_org            TEXT NOT NULL REFERENCES organisations(id),
    toe_type           TEXT NOT NULL,
    packages           TEXT NOT NULL,
    document           TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX certificates_by_status ON certificates(status);
CREATE INDEX certificates_by_expiry ON certificates(expiry_date);

CREATE TABLE certificate_revisions (
    certificate_id TEXT NOT NULL REFERENCES certificates(certificate_id),
    revision       BIGINT NOT NULL,
    status         TEXT NOT NULL,
    reason         TEXT,
    document       TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (certificate_id, revision)
);

CREATE TABLE maintenance (
    id             TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES certificates(certificate_id),
    new_version    TEXT NOT NULL,
    build_ids      TEXT NOT NULL,
    changes        TEXT NOT NULL,
    change_class   TEXT NOT NULL,
    state          TEXT NOT NULL,
    new_product_id TEXT REFERENCES products(id),
    filed_at       TEXT NOT NULL,
    decided_at     TEXT
);
CREATE INDEX maintenance_by_certificate ON maintenance(certificate_id);

CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_by_entity ON audit(entity, entity_id);

CREATE TABLE decision_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    entry      TEXT NOT NULL,
    sha256     TEXT NOT NULL
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER decision_log_no_update BEFORE UPDATE ON decision_log
BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER decision_log_no_delete BEFORE DELETE ON decision_log
BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER revisions_no_update BEFORE UPDATE ON certificate_revisions
BEGIN SELECT RAISE(ABORT, 'certificate revisions are append-only'); END;
