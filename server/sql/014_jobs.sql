-- 014: heavy work of the console (imports, exports, certificates), run on
-- libuv's thread pool with a blocking libpq connection of its own; the
-- console polls GET /api/jobs/{id}. report: what the job found (an import's
-- refused rows, with sheet, row, column and reason); the result is either in
-- file (bytes) or at path, with its name and content type.
CREATE TABLE jobs (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL,
    account_id  bigint REFERENCES accounts(id) ON DELETE SET NULL,
    contest_id  bigint REFERENCES contests(id) ON DELETE CASCADE,
    status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    progress    real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    report      jsonb,
    file        bytea,
    path        text,
    file_name   text,
    file_type   text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz
);
CREATE INDEX jobs_account ON jobs (account_id, created_at);
