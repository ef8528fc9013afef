-- 081: revoking one worker's records tokens (a lost or shared phone).
--
-- A records token (server/core/rtoken.h) carries the moment it was issued;
-- GET /api/records/me refuses a token of an employee number whose row here
-- has revoked_before_ms at or after that moment. The phone gets a new token
-- at its next join or resume. POST /api/records/revocations writes the row
-- (again: the moment moves forward, never back); audited as records.revoke.
CREATE TABLE records_revocations (
    employee_no        text PRIMARY KEY,
    revoked_before_ms  bigint NOT NULL,     -- Unix epoch ms: tokens issued until then are refused
    reason             text,
    revoked_by         bigint REFERENCES accounts(id) ON DELETE SET NULL,
    revoked_at         timestamptz NOT NULL DEFAULT now()
);
