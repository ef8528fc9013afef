-- 015: the audit log (docs/operations.md, "Audit log"): every admin,
-- organizer and judge action and every failed login, append-only.
--
-- It lives in a schema of its own so that the server's role cannot drop it:
-- after the migrations, a PostgreSQL administrator runs
-- server/sql/admin/audit-owner.sql once, which gives the schema and the table
-- to the NOLOGIN role skillarena_audit and leaves the server's role INSERT
-- and SELECT only (no UPDATE, DELETE or TRUNCATE). The server checks at start
-- and logs an error while it could still change the log.
--
-- No foreign keys: an account or a contest may be deleted, its trail stays
-- (actor keeps the username at the time, contest_code the contest's code).
-- before / after: the changed object as it was and as it became (never a
-- password or a token); detail: anything else (the reason of a failed login).
CREATE SCHEMA audit;
CREATE TABLE audit.audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    account_id   bigint,
    actor        text NOT NULL,
    ip           text NOT NULL DEFAULT '',
    action       text NOT NULL,
    contest_id   bigint,
    contest_code text,
    target       text,
    before       jsonb,
    after        jsonb,
    detail       jsonb
);
CREATE INDEX audit_log_at ON audit.audit_log (at);
CREATE INDEX audit_log_account ON audit.audit_log (account_id, at);
CREATE INDEX audit_log_contest ON audit.audit_log (contest_code, at);
CREATE INDEX audit_log_action ON audit.audit_log (action, at);
