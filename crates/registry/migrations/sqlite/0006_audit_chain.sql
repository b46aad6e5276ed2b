-- Issue 12: the audit trail is chained by hash. Each row's link is SHA-256(previous link ||
-- the row's canonical JSON) (dtsec_registry::audit_chain); this row holds the chain's head, and
-- every decision published in the transparency log carries the head as it stood, so a row
-- deleted or edited later no longer leads to a published head. Updating this row is also the
-- lock that orders concurrent writers (PostgreSQL).
CREATE TABLE audit_chain (
    id        BIGINT PRIMARY KEY,
    count     BIGINT NOT NULL,
    head      TEXT NOT NULL,
    last_seq  BIGINT NOT NULL
);
INSERT INTO audit_chain (id, count, head, last_seq) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
