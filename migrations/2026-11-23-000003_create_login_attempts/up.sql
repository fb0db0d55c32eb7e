-- Every sign-in attempt, kept in the database rather than in memory so that the rate limit holds
-- across several Capstan replicas. Rows older than the rate-limit window can be deleted.
CREATE TABLE login_attempts (
    id       bigserial   PRIMARY KEY,
    username text        NOT NULL,
    ip       text        NOT NULL,
    at       timestamptz NOT NULL DEFAULT now(),
    success  boolean     NOT NULL
);
CREATE INDEX login_attempts_user_ip_at_idx ON login_attempts (username, ip, at);
CREATE INDEX login_attempts_ip_at_idx ON login_attempts (ip, at);
