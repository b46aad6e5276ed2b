-- Issue 16: an SBOM's document (up to MAX_SBOM_BYTES) moves out of its row into the
-- content-addressed blob store, like the ST and the sealed ETR (0017): a new row keeps the
-- blob's SHA-256 and size here and an empty `document`. Rows written before this migration
-- keep their document inline (both columns NULL) and are read as they are.
ALTER TABLE pm_sboms ADD COLUMN blob_sha256 TEXT;
ALTER TABLE pm_sboms ADD COLUMN blob_size BIGINT;
