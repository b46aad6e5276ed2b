-- Issue 12: API tokens expire and may be scoped. expires_at is Unix seconds; tokens made before
-- this migration get 90 days from now. scope is a space-separated list of actions (a subset of
-- the role's), NULL for everything the role may do.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN scope TEXT;
UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 7776000 WHERE expires_at IS NULL;
