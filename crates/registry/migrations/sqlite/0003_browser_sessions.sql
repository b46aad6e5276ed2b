-- Browser sessions, kept in the database so that a restart does not log everyone out, several
-- server processes can share them, and disabling a user ends their sessions at once.
-- Only the SHA-256 of the session id (the cookie) is stored, as for API tokens.
CREATE TABLE browser_sessions (
    id_sha256   TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id);
CREATE INDEX browser_sessions_expiry ON browser_sessions (expires_at);
