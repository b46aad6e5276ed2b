-- Issue 16: device search by full text instead of `LOWER(…) LIKE` over every certificate.
-- `certificate_search` holds the words a certificate is found by (its id, product name and
-- manufacturer's name), one row per certificate, kept by triggers on `certificates` and
-- `organisations` (the same table as SQLite's 0014). The index is a GIN index over the
-- `tsvector` of those words; the text is lower-cased and every run of characters that are not
-- letters or digits becomes a space before the `simple` configuration (no stemming, no stop
-- words) splits it, so the words are those SQLite's FTS5 `unicode61` tokenizer makes. The
-- expression must stay identical to `PG_SEARCH_DOCUMENT` in `store/search.rs`, or the index
-- is not used.
CREATE TABLE certificate_search (
    rid            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_id TEXT NOT NULL UNIQUE,
    product_name   TEXT NOT NULL,
    manufacturer   TEXT NOT NULL
);

CREATE INDEX certificate_fts_gin ON certificate_search USING GIN (
    to_tsvector('simple'::regconfig,
        regexp_replace(lower(certificate_id || ' ' || product_name || ' ' || manufacturer),
                       '[^[:alnum:]]+', ' ', 'g'))
);

CREATE FUNCTION certificate_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO certificate_search (certificate_id, product_name, manufacturer)
    SELECT NEW.certificate_id, NEW.product_name, o.name FROM organisations o
    WHERE o.id = NEW.manufacturer_org
    ON CONFLICT (certificate_id) DO UPDATE
        SET product_name = EXCLUDED.product_name, manufacturer = EXCLUDED.manufacturer;
    RETURN NULL;
END
$$;
CREATE TRIGGER certificates_search_aiu AFTER INSERT OR UPDATE OF product_name, manufacturer_org
    ON certificates FOR EACH ROW EXECUTE FUNCTION certificate_search_sync();

CREATE FUNCTION certificate_search_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM certificate_search WHERE certificate_id = OLD.certificate_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER certificates_search_ad AFTER DELETE ON certificates
    FOR EACH ROW EXECUTE FUNCTION certificate_search_forget();

CREATE FUNCTION certificate_search_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE certificate_search s SET manufacturer = NEW.name
    FROM certificates c
    WHERE c.certificate_id = s.certificate_id AND c.manufacturer_org = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER organisations_search_au AFTER UPDATE OF name ON organisations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION certificate_search_rename();

-- Certificates issued before this migration.
INSERT INTO certificate_search (certificate_id, product_name, manufacturer)
SELECT c.certificate_id, c.product_name, o.name
FROM certificates c JOIN organisations o ON o.id = c.manufacturer_org;
