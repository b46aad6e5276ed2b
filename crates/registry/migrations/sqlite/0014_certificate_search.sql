-- Issue 16: device search by full text instead of `LOWER(…) LIKE` over every certificate.
-- `certificate_search` holds the words a certificate is found by (its id, product name and
-- manufacturer's name), one row per certificate, kept by triggers on `certificates` and
-- `organisations`; its `rid` is an INTEGER PRIMARY KEY, so it survives VACUUM (a plain table's
-- implicit rowid does not). `certificate_fts` is an FTS5 external-content index over it, kept by
-- the triggers FTS5's documentation gives for external content. Tokens: runs of letters and
-- digits, case-folded, diacritics kept (the same words PostgreSQL's side makes, see its 0014).
CREATE TABLE certificate_search (
    rid            INTEGER PRIMARY KEY,
    certificate_id TEXT NOT NULL UNIQUE,
    product_name   TEXT NOT NULL,
    manufacturer   TEXT NOT NULL
);

CREATE VIRTUAL TABLE certificate_fts USING fts5(
    certificate_id, product_name, manufacturer,
    content = 'certificate_search', content_rowid = 'rid',
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER certificate_search_ai AFTER INSERT ON certificate_search BEGIN
    INSERT INTO certificate_fts (rowid, certificate_id, product_name, manufacturer)
    VALUES (new.rid, new.certificate_id, new.product_name, new.manufacturer);
END;
CREATE TRIGGER certificate_search_ad AFTER DELETE ON certificate_search BEGIN
    INSERT INTO certificate_fts (certificate_fts, rowid, certificate_id, product_name, manufacturer)
    VALUES ('delete', old.rid, old.certificate_id, old.product_name, old.manufacturer);
END;
CREATE TRIGGER certificate_search_au AFTER UPDATE ON certificate_search BEGIN
    INSERT INTO certificate_fts (certificate_fts, rowid, certificate_id, product_name, manufacturer)
    VALUES ('delete', old.rid, old.certificate_id, old.product_name, old.manufacturer);
    INSERT INTO certificate_fts (rowid, certificate_id, product_name, manufacturer)
    VALUES (new.rid, new.certificate_id, new.product_name, new.manufacturer);
END;

CREATE TRIGGER certificates_search_ai AFTER INSERT ON certificates BEGIN
    INSERT INTO certificate_search (certificate_id, product_name, manufacturer)
    SELECT new.certificate_id, new.product_name, o.name FROM organisations o
    WHERE o.id = new.manufacturer_org;
END;
CREATE TRIGGER certificates_search_au AFTER UPDATE OF product_name, manufacturer_org ON certificates BEGIN
    UPDATE certificate_search
    SET product_name = new.product_name,
        manufacturer = (SELECT o.name FROM organisations o WHERE o.id = new.manufacturer_org)
    WHERE certificate_id = new.certificate_id;
END;
CREATE TRIGGER certificates_search_ad AFTER DELETE ON certificates BEGIN
    DELETE FROM certificate_search WHERE certificate_id = old.certificate_id;
END;
CREATE TRIGGER organisations_search_au AFTER UPDATE OF name ON organisations BEGIN
    UPDATE certificate_search SET manufacturer = new.name
    WHERE certificate_id IN (SELECT certificate_id FROM certificates WHERE manufacturer_org = new.id);
END;

-- Certificates issued before this migration.
INSERT INTO certificate_search (certificate_id, product_name, manufacturer)
SELECT c.certificate_id, c.product_name, o.name
FROM certificates c JOIN organisations o ON o.id = c.manufacturer_org;
