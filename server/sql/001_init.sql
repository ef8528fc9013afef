-- 001_init.sql - the live-contest spine: contests, questions, participants, answers.
-- PostgreSQL is the source of truth; Redis holds only what can be rebuilt from here.

CREATE TABLE contests (
    id             bigserial PRIMARY KEY,
    code           text NOT NULL UNIQUE,
    title          jsonb NOT NULL,
    definition     jsonb NOT NULL,
    question_count int NOT NULL,
    -- live state, shared by every server process (seq is the optimistic-lock version)
    phase          text NOT NULL DEFAULT 'lobby' CHECK (phase IN ('lobby','question','reveal','finished')),
    qindex         int NOT NULL DEFAULT -1,
    open_ms        bigint NOT NULL DEFAULT 0,
    deadline_ms    bigint NOT NULL DEFAULT 0,
    started_ms     bigint NOT NULL DEFAULT 0,
    seq            bigint NOT NULL DEFAULT 0,
    loaded_at      timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE questions (
    contest_id     bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    idx            int NOT NULL,
    qid            text NOT NULL,
    qtype          text NOT NULL,
    definition     jsonb NOT NULL,
    time_limit_ms  int NOT NULL,
    max_milli      bigint NOT NULL,
    PRIMARY KEY (contest_id, idx)
);

CREATE TABLE participants (
    id             bigserial PRIMARY KEY,
    contest_id     bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    name           text NOT NULL,
    employee_no    text,
    unit           text NOT NULL DEFAULT '',
    token_hash     text NOT NULL UNIQUE,          -- sha256 of the resume token, hex
    score_milli    bigint NOT NULL DEFAULT 0,     -- total, thousandths of a point
    reached_ds     bigint NOT NULL DEFAULT 0,     -- deciseconds from contest start to reaching score_milli
    streak         int NOT NULL DEFAULT 0,
    joined_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (contest_id, employee_no)
);
CREATE INDEX participants_rank ON participants (contest_id, score_milli DESC, reached_ds, id);

-- One row per participant and question: the primary key is what makes answers idempotent.
CREATE TABLE answers (
    participant_id bigint NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    question_idx   int NOT NULL,
    contest_id     bigint NOT NULL,
    question_id    text NOT NULL,
    request_id     text,
    response       text NOT NULL,                 -- canonical form (scoring engine)
    options        int[] NOT NULL DEFAULT '{}',   -- picked options, for the reveal distribution
    points_milli   bigint NOT NULL,
    correctness    smallint NOT NULL,             -- 0 wrong, 1 partial, 2 correct
    received_ms    bigint NOT NULL,               -- server receive time, epoch ms
    response_ms    int NOT NULL,                  -- receive time - question open time
    instance       text NOT NULL DEFAULT '',
    stored_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (participant_id, question_idx)
);
CREATE INDEX answers_question ON answers (contest_id, question_idx);
