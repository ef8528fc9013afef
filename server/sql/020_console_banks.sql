-- 020: contests built in the console and the banks they draw from
-- (docs/api.md, "Console: contests", "Question banks").
--
-- contests.bank_source: where a contest's "banks" come from: 'files' (a
--   contest file or an upload: files in --bank-dir) or 'console' (the
--   console's banks, by code). A console contest is served with the copies
--   of its banks taken when it was published (contest_banks), never with
--   the banks as they are later: every process, after every restart, draws
--   the same papers.
-- contests.created_at, published_at: when the row was made, when it was
--   (last) published. opens_at / closes_at: an exam's window, written at
--   publish, for the status the console shows.
-- contest_banks: name (the code the definition gives) -> the bank's native
--   JSON text as published.
-- banks: the rest of the native bank format (description, source,
--   categories [{"id","title"}]); codes are 1-64 of a-z 0-9 - _.
-- bank_questions.search: the question's id, texts, options, explanation and
--   tags, extracted when it is stored, searched with ILIKE (a bank has at
--   most 20,000 questions: a scan, no trigram index).
-- jobs.bank_id: the bank an import works on; instance: the process
--   (--instance) that runs the job, so that it marks its own unfinished
--   jobs failed when it starts again.
ALTER TABLE contests
    ADD COLUMN bank_source text NOT NULL DEFAULT 'files' CHECK (bank_source IN ('files', 'console')),
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN published_at timestamptz,
    ADD COLUMN opens_at timestamptz,
    ADD COLUMN closes_at timestamptz;
CREATE INDEX contests_updated ON contests (updated_at);

CREATE TABLE contest_banks (
    contest_id bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    name       text NOT NULL,
    source     text NOT NULL,
    PRIMARY KEY (contest_id, name)
);

ALTER TABLE banks
    ADD COLUMN description jsonb,
    ADD COLUMN source jsonb,
    ADD COLUMN categories jsonb NOT NULL DEFAULT '[]',
    ADD CONSTRAINT banks_code CHECK (code ~ '^[a-z0-9_-]{1,64}$');

ALTER TABLE bank_questions ADD COLUMN search text NOT NULL DEFAULT '';
CREATE INDEX bank_questions_order ON bank_questions (bank_id, position, qid);

ALTER TABLE jobs
    ADD COLUMN bank_id bigint REFERENCES banks(id) ON DELETE SET NULL,
    ADD COLUMN instance text NOT NULL DEFAULT '';
