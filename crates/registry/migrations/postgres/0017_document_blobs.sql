-- Issue 16: large documents out of the rows. The submitted ST and the sealed ETR bundle move to
-- the content-addressed blob store (`dtsec serve --blob-dir`, by default beside the SQLite file
-- as `registry.sqlite3.blobs/`, or `DATA_DIR/blobs/` for PostgreSQL); the row keeps the
-- SHA-256 of the bytes stored (the blob's name) and their size. `st_yaml` and `etr_bundle`
-- stay as columns only for rows written before this migration: the store moves their content
-- into blobs once, when it opens (in a transaction per batch, idempotent), and sets them NULL.
-- `etr_sha256` remains the sealed payload's digest (what the ETR is known by); `etr_blob_sha256`
-- is the digest of the whole bundle as submitted.
ALTER TABLE products ADD COLUMN st_blob_sha256 TEXT;
ALTER TABLE products ADD COLUMN st_blob_size BIGINT;
ALTER TABLE products ADD COLUMN etr_blob_sha256 TEXT;
ALTER TABLE products ADD COLUMN etr_blob_size BIGINT;
