-- 011: the enterprise's roster, one per deployment (design/console.md).
--
-- units: a tree; path is the unit's whole name from the root, '/'-separated
--   ('公司/分厂/车间/班组'), unique. The headcount of a unit is the number of
--   active workers in its subtree (path = P or path LIKE P || '/%').
-- workers: employee_no is unique in the roster; phone_tail (the last digits
--   of a phone number) helps tell namesakes apart; a worker who left is kept
--   inactive (results keep their names).
CREATE TABLE units (
    id        bigserial PRIMARY KEY,
    parent_id bigint REFERENCES units(id) ON DELETE CASCADE,
    name      text NOT NULL,
    path      text NOT NULL UNIQUE
);
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_path_prefix ON units (path text_pattern_ops);

CREATE TABLE workers (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL UNIQUE,
    name        text NOT NULL,
    unit_id     bigint NOT NULL REFERENCES units(id),
    phone_tail  text,
    active      boolean NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workers_unit ON workers (unit_id);
