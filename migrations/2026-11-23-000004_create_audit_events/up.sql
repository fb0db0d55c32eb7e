-- Who did what, when, from where, and how it ended. Rows outlive the users they name: the user
-- reference is cleared on deletion and `username` keeps the name as it was.
CREATE TABLE audit_events (
    id            bigserial   PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    user_id       uuid        REFERENCES users (id) ON DELETE SET NULL,
    username      text,
    action        text        NOT NULL,
    cluster       text,
    namespace     text,
    resource_kind text,
    resource_name text,
    result        text        NOT NULL,
    detail        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    ip            text,
    request_id    text
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC);
CREATE INDEX audit_events_user_id_at_idx ON audit_events (user_id, at DESC);
