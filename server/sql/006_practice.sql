-- 006: practice mode: every practice answer (training records, never a
-- ranking) and each worker's wrong-answer notebook (错题本).
--
-- The worker is 'e:<employee number>' when the participant gave one (the
-- same worker across contests), else 'p:<participant id>'. A question is
-- named by its bank and id ('<bank id>/<question id>', inline questions
-- '<contest code>/<question id>'), so the notebook follows the question
-- into every contest that draws from the same bank.

CREATE TABLE practice_answers (
    contest_id     bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    worker         text NOT NULL,
    serve          text NOT NULL,                -- the serving's random id: a retry is the same row
    participant_id bigint NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    question_key   text NOT NULL,
    question_id    text NOT NULL,                -- the contest's id ('alias.qid')
    category       text NOT NULL DEFAULT '',
    response       text NOT NULL,                -- canonical
    given          jsonb,                        -- as sent
    points_milli   bigint NOT NULL,
    correctness    smallint NOT NULL,            -- 0 wrong, 1 partial, 2 correct
    answered_ms    bigint NOT NULL,
    PRIMARY KEY (contest_id, worker, serve)
);
CREATE INDEX practice_answers_progress ON practice_answers (contest_id, worker, category);

-- A question answered wrongly (or partly) is in the notebook; each right
-- answer in a row adds to right_streak, and at the contest's
-- notebook.leave_after it leaves (the row is deleted); a wrong answer sets
-- the streak back to 0.
CREATE TABLE wrong_book (
    worker         text NOT NULL,
    question_key   text NOT NULL,
    contest_id     bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE, -- where last answered wrongly
    question_id    text NOT NULL,
    category       text NOT NULL DEFAULT '',
    wrong          int NOT NULL DEFAULT 1,       -- times answered wrongly
    right_streak   int NOT NULL DEFAULT 0,
    added_ms       bigint NOT NULL,
    last_wrong_ms  bigint NOT NULL,
    last_seen_ms   bigint NOT NULL,
    PRIMARY KEY (worker, question_key)
);
CREATE INDEX wrong_book_review ON wrong_book (worker, last_seen_ms);
