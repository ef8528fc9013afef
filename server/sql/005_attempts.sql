-- 005: self-paced attempts (exam and mass modes): a participant's own paper,
-- their answers and every change of them, the server-owned deadline, and the
-- end of an attempt (submitted by the participant, or expired: submitted by
-- whichever server process's sweeper claims it first).

-- One attempt of one participant. deadline_ms = min(start + duration, the
-- window's close), on the server clock; the paper (question ids in order and
-- each one's option order) is stored so every process serves and scores the
-- same paper. score_milli, correct, answered and duration_ms are filled when
-- the attempt ends (attempt_finish).
CREATE TABLE attempts (
    id             bigserial PRIMARY KEY,
    contest_id     bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    participant_id bigint NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    attempt_no     int NOT NULL,                 -- 1, 2, ... per participant
    day            date NOT NULL,                -- the start's day in the contest's time zone
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open','submitted','expired')),
    started_ms     bigint NOT NULL,
    deadline_ms    bigint NOT NULL,
    submitted_ms   bigint,                       -- when it ended (the deadline for an expired one)
    seed           numeric(20),                  -- the 64-bit seed of the draw
    paper          jsonb,                        -- [{"q": pool id, "p": [option order]}, ...]
    count          int NOT NULL DEFAULT 0,       -- questions on the paper
    max_milli      bigint NOT NULL DEFAULT 0,    -- the paper's maximum
    flags          int[] NOT NULL DEFAULT '{}',  -- question indexes flagged for review
    score_milli    bigint NOT NULL DEFAULT 0,
    correct        int NOT NULL DEFAULT 0,
    answered       int NOT NULL DEFAULT 0,
    duration_ms    bigint,
    scored_at      timestamptz,
    instance       text NOT NULL DEFAULT '',     -- the process that started it
    UNIQUE (participant_id, attempt_no)
);
-- Anti-abuse: one attempt in progress per participant.
CREATE UNIQUE INDEX attempts_one_open ON attempts (participant_id) WHERE status = 'open';
-- The sweeper's work list.
CREATE INDEX attempts_due ON attempts (deadline_ms) WHERE status = 'open';
-- Day boards and unit participation of mass contests.
CREATE INDEX attempts_contest_day ON attempts (contest_id, day, participant_id) WHERE status <> 'open';

-- The answer that counts now, per question: the change with the highest
-- change_no received before the attempt ended.
CREATE TABLE attempt_answers (
    attempt_id     bigint NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_idx   int NOT NULL,
    response       text,                         -- canonical (the pool question's option indexes); NULL: cleared
    given          jsonb,                        -- as the participant sent it (their option order)
    options        int[] NOT NULL DEFAULT '{}',  -- picked options (pool order)
    points_milli   bigint NOT NULL DEFAULT 0,    -- scored when saved
    correctness    smallint NOT NULL DEFAULT 0,  -- 0 wrong, 1 partial, 2 correct
    received_ms    bigint NOT NULL,
    change_no      int NOT NULL,
    PRIMARY KEY (attempt_id, question_idx)
);

-- Every change, once: a retried change (same change_no) is the same row.
CREATE TABLE answer_changes (
    attempt_id     bigint NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_idx   int NOT NULL,
    change_no      int NOT NULL,
    response       text,
    given          jsonb,
    received_ms    bigint NOT NULL,
    instance       text NOT NULL DEFAULT '',
    PRIMARY KEY (attempt_id, question_idx, change_no)
);

-- The end of an attempt, exactly once. The first statement takes the
-- attempt's row lock (saves hold FOR SHARE on it while they commit), so the
-- second, with a snapshot of its own, sees every save committed before the
-- end and none after it. Then the participant's counted result (the best
-- attempt, ties by the shorter time, or the last: the contest's
-- attempts.counts) goes to participants.score_milli and reached_ds (the
-- duration in deciseconds: the leaderboard's tie-break). Returns the ended
-- attempt and the participant's counted result; nothing when the attempt
-- was not open.
CREATE TYPE attempt_end AS (id bigint, contest_id bigint, participant_id bigint, attempt_no int, day date,
    status text, started_ms bigint, deadline_ms bigint, submitted_ms bigint, score_milli bigint,
    max_milli bigint, correct int, answered int, count int, duration_ms bigint, counted_milli bigint,
    counted_ds bigint);

CREATE FUNCTION attempt_finish(p_id bigint, p_status text, p_at bigint)
RETURNS SETOF attempt_end LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    a attempts;
    v_last boolean;
    v_score bigint;
    v_ds bigint;
BEGIN
    UPDATE attempts t SET status = p_status, submitted_ms = LEAST(p_at, t.deadline_ms)
     WHERE t.id = p_id AND t.status = 'open' RETURNING t.* INTO a;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE attempts t SET score_milli = s.pts, correct = s.corr, answered = s.ans,
           duration_ms = t.submitted_ms - t.started_ms, scored_at = now()
      FROM (SELECT coalesce(sum(x.points_milli), 0) AS pts,
                   count(*) FILTER (WHERE x.correctness = 2) AS corr,
                   count(*) FILTER (WHERE x.response IS NOT NULL) AS ans
              FROM attempt_answers x WHERE x.attempt_id = p_id) s
     WHERE t.id = p_id RETURNING t.* INTO a;
    SELECT (c.definition #>> '{attempts,counts}') = 'last' INTO v_last FROM contests c WHERE c.id = a.contest_id;
    IF coalesce(v_last, false) THEN
        SELECT b.score_milli, b.duration_ms / 100 INTO v_score, v_ds FROM attempts b
         WHERE b.participant_id = a.participant_id AND b.status <> 'open'
         ORDER BY b.attempt_no DESC LIMIT 1;
    ELSE
        SELECT b.score_milli, b.duration_ms / 100 INTO v_score, v_ds FROM attempts b
         WHERE b.participant_id = a.participant_id AND b.status <> 'open'
         ORDER BY b.score_milli DESC, b.duration_ms, b.attempt_no LIMIT 1;
    END IF;
    UPDATE participants p SET score_milli = v_score, reached_ds = v_ds WHERE p.id = a.participant_id;
    RETURN QUERY SELECT a.id, a.contest_id, a.participant_id, a.attempt_no, a.day, a.status, a.started_ms,
        a.deadline_ms, a.submitted_ms, a.score_milli, a.max_milli, a.correct, a.answered, a.count,
        a.duration_ms, v_score, v_ds;
END $$;

-- The sweeper: claims up to p_limit open attempts whose deadline passed
-- before p_before (FOR UPDATE SKIP LOCKED: processes sweeping at once share
-- the work, an attempt being saved waits for the next sweep) and ends each
-- as expired.
CREATE FUNCTION attempt_expire(p_before bigint, p_limit int)
RETURNS SETOF attempt_end LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_id bigint;
BEGIN
    FOR v_id IN SELECT t.id FROM attempts t WHERE t.status = 'open' AND t.deadline_ms < p_before
                ORDER BY t.deadline_ms LIMIT p_limit FOR UPDATE SKIP LOCKED
    LOOP
        RETURN QUERY SELECT * FROM attempt_finish(v_id, 'expired', p_before);
    END LOOP;
END $$;

-- The start of an attempt, one at a time per participant (its row lock):
--   'open'  the attempt in progress (the same paper again)
--   'due'   an attempt in progress whose deadline passed: end it first
--   'max'   every attempt allowed in all is used; 'day': every attempt of today
--   'new'   a new attempt, numbered after the last (its paper is stored next)
--   'gone'  no such participant in this contest
-- used and today count the participant's attempts (today's: p_day).
CREATE FUNCTION attempt_begin(p_pid bigint, p_cid bigint, p_now bigint, p_day date, p_max int,
                              p_per_day int, p_duration bigint, p_closes bigint, p_instance text)
RETURNS TABLE (kind text, id bigint, attempt_no int, started_ms bigint, deadline_ms bigint, paper jsonb,
               flags int[], used int, today int)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    a attempts;
    v_used int;
    v_today int;
    v_last int;
BEGIN
    PERFORM 1 FROM participants p WHERE p.id = p_pid AND p.contest_id = p_cid FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'gone'::text, NULL::bigint, NULL::int, NULL::bigint, NULL::bigint, NULL::jsonb,
            NULL::int[], 0, 0;
        RETURN;
    END IF;
    SELECT count(*), count(*) FILTER (WHERE t.day = p_day), coalesce(max(t.attempt_no), 0)
      INTO v_used, v_today, v_last FROM attempts t WHERE t.participant_id = p_pid;
    SELECT * INTO a FROM attempts t WHERE t.participant_id = p_pid AND t.status = 'open';
    IF FOUND THEN
        RETURN QUERY SELECT CASE WHEN a.deadline_ms < p_now THEN 'due' ELSE 'open' END, a.id, a.attempt_no,
            a.started_ms, a.deadline_ms, a.paper, a.flags, v_used, v_today;
        RETURN;
    END IF;
    IF p_max > 0 AND v_used >= p_max THEN
        RETURN QUERY SELECT 'max'::text, NULL::bigint, NULL::int, NULL::bigint, NULL::bigint, NULL::jsonb,
            NULL::int[], v_used, v_today;
        RETURN;
    END IF;
    IF p_per_day > 0 AND v_today >= p_per_day THEN
        RETURN QUERY SELECT 'day'::text, NULL::bigint, NULL::int, NULL::bigint, NULL::bigint, NULL::jsonb,
            NULL::int[], v_used, v_today;
        RETURN;
    END IF;
    INSERT INTO attempts (contest_id, participant_id, attempt_no, day, started_ms, deadline_ms, instance)
    VALUES (p_cid, p_pid, v_last + 1, p_day, p_now, LEAST(p_now + p_duration, p_closes), p_instance)
    RETURNING * INTO a;
    RETURN QUERY SELECT 'new'::text, a.id, a.attempt_no, a.started_ms, a.deadline_ms, a.paper, a.flags,
        v_used + 1, v_today + 1;
END $$;
