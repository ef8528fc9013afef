-- 013: the console's question banks (design/console.md).
--
-- banks: code is the name contests use for the bank ("bank": "elec");
--   title a language map like a contest's. bank_questions: one row per
--   question, its definition as the contest format writes it (docs/contests.md),
--   with qtype, category and difficulty copied out for searching; the
--   contests library gets a bank's JSON through a bank resolver (no files).
CREATE TABLE banks (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE,
    title      jsonb NOT NULL,
    owner_id   bigint REFERENCES accounts(id) ON DELETE SET NULL,
    created_by bigint REFERENCES accounts(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bank_questions (
    bank_id    bigint NOT NULL REFERENCES banks(id) ON DELETE CASCADE,
    qid        text NOT NULL,
    qtype      text NOT NULL,
    category   text NOT NULL DEFAULT '',
    difficulty text NOT NULL DEFAULT '',
    position   int NOT NULL DEFAULT 0,
    definition jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bank_id, qid)
);
CREATE INDEX bank_questions_search ON bank_questions (bank_id, category, qtype, difficulty);
