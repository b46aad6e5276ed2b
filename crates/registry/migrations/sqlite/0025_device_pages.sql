-- Issue 16: anonymous device pages kept in the database, so a page viewed at random costs one
-- indexed read instead of about ten queries and its rendering. The server renders the pages
-- (`crates/server/src/device_pages.rs`, the keeper) and stores them here; the rows below say
-- whether a stored page is still the page.
--
-- Why triggers: a page shows a certificate, its revisions and maintenance, its case's ETR
-- digests and dates, the organisations' names and the postmarket tables. Every writer of those
-- tables — this process, another one, a migration, an operator's SQL — forgets the page in the
-- transaction that changes what it shows, because the database does it, not the writers.
--
-- `device_pages`: one row per certificate. `version` grows with every change the page shows;
-- the keeper stores a page only under the version it read before rendering, so a change made
-- while it rendered leaves the page forgotten. `epoch` and `day` say what the stored page was
-- made for: the page is the page while they equal `device_page_epoch.epoch` (bumped by a new
-- advisory snapshot, which changes every device's matches, and by each server start, which may
-- render differently) and the registry's day (grace periods end, certificates expire). A
-- change sets `day` to '' so the keeper finds it by the index.
CREATE TABLE device_page_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO device_page_epoch (id, epoch) VALUES (1, 1);
CREATE TABLE device_pages (
    certificate_id TEXT PRIMARY KEY,
    version        BIGINT NOT NULL DEFAULT 1,
    epoch          BIGINT NOT NULL DEFAULT 0,
    day            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX device_pages_by_state ON device_pages (epoch, day);
-- The pages themselves, apart: the keeper's scans read only the small rows above. `gzip` is the
-- page compressed (RFC 1952, a fifth of its size), `etag` the entity tag of the page itself.
CREATE TABLE device_page_bodies (
    certificate_id TEXT PRIMARY KEY,
    etag           TEXT NOT NULL,
    gzip           BLOB NOT NULL
);
-- From a case to its certificates (the triggers on products and the audit trail).
CREATE INDEX certificates_by_product ON certificates (product_id);
INSERT INTO device_pages (certificate_id) SELECT certificate_id FROM certificates;

-- A new certificate gets its row (with nothing stored yet); a changed one is forgotten.
CREATE TRIGGER certificates_page_ai AFTER INSERT ON certificates BEGIN
    INSERT OR IGNORE INTO device_pages (certificate_id) VALUES (NEW.certificate_id);
    UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = NEW.certificate_id;
END;
CREATE TRIGGER certificates_page_au AFTER UPDATE ON certificates BEGIN
    UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (OLD.certificate_id, NEW.certificate_id);
END;
CREATE TRIGGER certificates_page_ad AFTER DELETE ON certificates BEGIN
    DELETE FROM device_pages WHERE certificate_id = OLD.certificate_id;
    DELETE FROM device_page_bodies WHERE certificate_id = OLD.certificate_id;
END;

-- Rows that name their certificate.
CREATE TRIGGER certificate_revisions_page_ai AFTER INSERT ON certificate_revisions BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = NEW.certificate_id; END;
CREATE TRIGGER certificate_revisions_page_au AFTER UPDATE ON certificate_revisions BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (OLD.certificate_id, NEW.certificate_id); END;
CREATE TRIGGER certificate_revisions_page_ad AFTER DELETE ON certificate_revisions BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = OLD.certificate_id; END;
CREATE TRIGGER maintenance_page_ai AFTER INSERT ON maintenance BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = NEW.certificate_id; END;
CREATE TRIGGER maintenance_page_au AFTER UPDATE ON maintenance BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (OLD.certificate_id, NEW.certificate_id); END;
CREATE TRIGGER maintenance_page_ad AFTER DELETE ON maintenance BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = OLD.certificate_id; END;
CREATE TRIGGER pm_sboms_page_ai AFTER INSERT ON pm_sboms BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = NEW.certificate_id; END;
CREATE TRIGGER pm_sboms_page_au AFTER UPDATE ON pm_sboms BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (OLD.certificate_id, NEW.certificate_id); END;
CREATE TRIGGER pm_sboms_page_ad AFTER DELETE ON pm_sboms BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = OLD.certificate_id; END;
CREATE TRIGGER pm_matches_page_ai AFTER INSERT ON pm_matches BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = NEW.certificate_id; END;
CREATE TRIGGER pm_matches_page_au AFTER UPDATE ON pm_matches BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (OLD.certificate_id, NEW.certificate_id); END;
CREATE TRIGGER pm_matches_page_ad AFTER DELETE ON pm_matches BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = OLD.certificate_id; END;
CREATE TRIGGER pm_first_seen_page_ai AFTER INSERT ON pm_first_seen BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = NEW.certificate_id; END;
CREATE TRIGGER pm_first_seen_page_au AFTER UPDATE ON pm_first_seen BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (OLD.certificate_id, NEW.certificate_id); END;
CREATE TRIGGER pm_first_seen_page_ad AFTER DELETE ON pm_first_seen BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = OLD.certificate_id; END;
CREATE TRIGGER pm_assessments_page_ai AFTER INSERT ON pm_assessments BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = NEW.certificate_id; END;
CREATE TRIGGER pm_assessments_page_au AFTER UPDATE ON pm_assessments BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (OLD.certificate_id, NEW.certificate_id); END;
CREATE TRIGGER pm_assessments_page_ad AFTER DELETE ON pm_assessments BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = OLD.certificate_id; END;
CREATE TRIGGER pm_notices_page_ai AFTER INSERT ON pm_notices BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = NEW.certificate_id; END;
CREATE TRIGGER pm_notices_page_au AFTER UPDATE ON pm_notices BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (OLD.certificate_id, NEW.certificate_id); END;
CREATE TRIGGER pm_notices_page_ad AFTER DELETE ON pm_notices BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id = OLD.certificate_id; END;

-- Rows that name their certificate through another table.
CREATE TRIGGER pm_notice_revisions_page_ai AFTER INSERT ON pm_notice_revisions BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT certificate_id FROM pm_notices WHERE notice_id = NEW.notice_id); END;
CREATE TRIGGER pm_notice_revisions_page_au AFTER UPDATE ON pm_notice_revisions BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT certificate_id FROM pm_notices WHERE notice_id = OLD.notice_id); UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT certificate_id FROM pm_notices WHERE notice_id = NEW.notice_id); END;
CREATE TRIGGER pm_notice_revisions_page_ad AFTER DELETE ON pm_notice_revisions BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT certificate_id FROM pm_notices WHERE notice_id = OLD.notice_id); END;
CREATE TRIGGER etr_summaries_page_ai AFTER INSERT ON etr_summaries BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT c.certificate_id FROM certificates c JOIN products p ON p.id = c.product_id WHERE p.etr_sha256 = NEW.etr_sha256); END;
CREATE TRIGGER etr_summaries_page_au AFTER UPDATE ON etr_summaries BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT c.certificate_id FROM certificates c JOIN products p ON p.id = c.product_id WHERE p.etr_sha256 = OLD.etr_sha256); UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT c.certificate_id FROM certificates c JOIN products p ON p.id = c.product_id WHERE p.etr_sha256 = NEW.etr_sha256); END;
CREATE TRIGGER etr_summaries_page_ad AFTER DELETE ON etr_summaries BEGIN UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT c.certificate_id FROM certificates c JOIN products p ON p.id = c.product_id WHERE p.etr_sha256 = OLD.etr_sha256); END;

-- A case's ETR digest and key (the evaluation section), its ETR's submission and acceptance
-- dates (read from the audit trail), and the names of the manufacturer and the lab.
CREATE TRIGGER products_page_au AFTER UPDATE OF etr_sha256, etr_key_id ON products BEGIN
    UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT certificate_id FROM certificates WHERE product_id = NEW.id);
END;
CREATE TRIGGER audit_page_ai AFTER INSERT ON audit
    WHEN NEW.entity = 'product' AND NEW.action IN ('product.submit-etr', 'product.accept-etr')
BEGIN
    UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT certificate_id FROM certificates WHERE product_id = NEW.entity_id);
END;
CREATE TRIGGER organisations_page_au AFTER UPDATE OF name ON organisations BEGIN
    UPDATE device_pages SET version = version + 1, day = '' WHERE certificate_id IN (SELECT certificate_id FROM certificates WHERE manufacturer_org = NEW.id OR lab_org = NEW.id);
END;

-- A new advisory snapshot changes every device's matches.
CREATE TRIGGER pm_snapshots_page_ai AFTER INSERT ON pm_snapshots BEGIN
    UPDATE device_page_epoch SET epoch = epoch + 1;
END;
CREATE TRIGGER pm_snapshots_page_au AFTER UPDATE ON pm_snapshots BEGIN
    UPDATE device_page_epoch SET epoch = epoch + 1;
END;
CREATE TRIGGER pm_snapshots_page_ad AFTER DELETE ON pm_snapshots BEGIN
    UPDATE device_page_epoch SET epoch = epoch + 1;
END;
