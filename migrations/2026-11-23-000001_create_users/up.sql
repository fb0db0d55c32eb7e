-- People who can sign in to Capstan.
CREATE TABLE users (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    username      text        NOT NULL UNIQUE,
    display_name  text        NOT NULL,
    -- An argon2id PHC string; never the password itself.
    password_hash text        NOT NULL,
    is_admin      boolean     NOT NULL DEFAULT false,
    -- A disabled user keeps their audit history but cannot sign in.
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
