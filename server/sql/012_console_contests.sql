-- 012: contests as the console keeps them (design/console.md).
--
-- status: 'draft' (stored, not served), 'scheduled', 'live', 'finished',
--   'archived'. Contests loaded from files before the console existed are
--   served already: 'live'.
-- owner_id / created_by: the account that owns the contest (an organizer
--   sees the contests they own or were granted) and the one that made it;
--   NULL for contest files, and once the account is deleted.
-- screen_key: random, in the screen URL; `watch` must send it when it is set
--   (console-made contests always have one; file contests watch openly until
--   an organizer sets one). Rotated by the console.
-- roster_mode: 'open' (anyone joins with a name, as before) or 'roster'
--   (real-name joining: employee number and name must match the roster, or an
--   approved join exception); contest_roster_units narrows the roster to
--   some units (no rows: the whole roster).
-- contest_grants: what an account may do on one contest beside its owner.
-- join_exceptions: real-name joins that matched no roster entry, waiting for
--   an organizer's decision ('approved' or 'rejected'; NULL: waiting).
ALTER TABLE contests
    ADD COLUMN status text NOT NULL DEFAULT 'live'
        CHECK (status IN ('draft', 'scheduled', 'live', 'finished', 'archived')),
    ADD COLUMN owner_id bigint REFERENCES accounts(id) ON DELETE SET NULL,
    ADD COLUMN created_by bigint REFERENCES accounts(id) ON DELETE SET NULL,
    ADD COLUMN screen_key text,
    ADD COLUMN roster_mode text NOT NULL DEFAULT 'open' CHECK (roster_mode IN ('open', 'roster'));
CREATE INDEX contests_owner ON contests (owner_id);

CREATE TABLE contest_roster_units (
    contest_id bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    unit_id    bigint NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (contest_id, unit_id)
);

CREATE TABLE contest_grants (
    contest_id bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('organizer', 'judge', 'screen', 'viewer')),
    granted_by bigint REFERENCES accounts(id) ON DELETE SET NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contest_id, account_id, role)
);
CREATE INDEX contest_grants_account ON contest_grants (account_id);

CREATE TABLE join_exceptions (
    id           bigserial PRIMARY KEY,
    contest_id   bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    employee_no  text NOT NULL,
    name         text NOT NULL,
    unit         text NOT NULL DEFAULT '',
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_by   bigint REFERENCES accounts(id) ON DELETE SET NULL,
    decided_at   timestamptz,
    decision     text CHECK (decision IN ('approved', 'rejected')),
    UNIQUE (contest_id, employee_no)
);
