-- Browser sessions. Only the SHA-256 of the cookie's token is stored, so a leaked copy of this
-- table cannot be replayed as cookies.
CREATE TABLE sessions (
    id           bytea       PRIMARY KEY CHECK (octet_length(id) = 32),
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ip           text,
    user_agent   text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
