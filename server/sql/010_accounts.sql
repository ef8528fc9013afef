-- 010: console accounts, their sessions and API tokens (docs/api.md, "Accounts").
--
-- accounts: one per person. username is ASCII (letters, digits, . _ - @),
--   unique whatever its case; role is the account's one role; password_hash
--   is libargon2's encoded Argon2id string ($argon2id$v=19$m=..,t=..,p=..$salt$hash),
--   which carries its own parameters, so they can change without a migration.
--   failed_logins counts failed logins since the last good one; locked_until:
--   no login is tried before it (the per-account limit, shared by every process).
-- sessions: a console login. token_hash is the SHA-256 (hex) of the cookie's
--   random token: the token itself is never stored. A session ends at
--   expires_at (the absolute cap) or when unused for the idle time
--   (last_seen_at, refreshed at most once a minute); "log out everywhere"
--   deletes every session of the account.
-- api_tokens: `Authorization: Bearer sa_...` for automation; the token is
--   shown once, only its SHA-256 is kept; revoked_at ends it; last_used_at is
--   refreshed at most once a minute.
CREATE TABLE accounts (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9._@-]{1,64}$'),
    display_name  text NOT NULL DEFAULT '',
    role          text NOT NULL CHECK (role IN ('admin', 'organizer', 'judge', 'screen', 'viewer')),
    password_hash text NOT NULL,
    disabled      boolean NOT NULL DEFAULT false,
    failed_logins int NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_username ON accounts (lower(username));

CREATE TABLE sessions (
    token_hash   text PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name         text NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);
