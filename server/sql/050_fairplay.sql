-- 050: fair play in live contests (issue 10).
--
-- contests.paused_ms: when the host paused the open question (its clock
--   stops: answers wait, the deadline moves by the paused time at `resume`);
--   0 while it runs. The question's window in `questions` closes at the
--   pause and opens again, moved, at the resume.
-- contests.board_hidden: the host hid the leaderboard from the screens.
-- participants.removed: the host removed the participant (a bot, someone
--   in another's place): off every board and count, its connection closed,
--   its token and employee number refused until the organizer's `release`.
--   Its answers stay, for the record.
-- answers.rtt_ms: the round-trip time measured on the answer's connection
--   (WebSocket ping/pong, a median of recent samples; NULL: none measured);
--   answers.credit_ms: what the answer was credited for it (half the RTT,
--   capped by --rtt-credit-max-ms): it was judged and scored as received at
--   received_ms - credit_ms, so response_ms = received_ms - credit_ms - the
--   question's open time, and a recomputation gives the same points.
-- answers.reached_ds: the time reached (deciseconds from the start) this
--   answer gives its participant's total, for the boards shown while a
--   question is open (sa_shown).
ALTER TABLE contests
    ADD COLUMN paused_ms bigint NOT NULL DEFAULT 0,
    ADD COLUMN board_hidden boolean NOT NULL DEFAULT false;
ALTER TABLE participants ADD COLUMN removed boolean NOT NULL DEFAULT false;
ALTER TABLE answers
    ADD COLUMN rtt_ms int,
    ADD COLUMN credit_ms int NOT NULL DEFAULT 0,
    ADD COLUMN reached_ds bigint;

-- What a board may show of contest `cid` while question `open_idx` is open
-- in a contest whose points come at the reveal (-1: nothing hidden): each
-- participant's total without that question's points, and when that total
-- was reached (its last other answer that earned or lost points). The
-- participants removed are not on it. Redis' <prefix>CODE:shown is rebuilt
-- from it, and the boards read it while Redis cannot answer.
CREATE FUNCTION sa_shown(cid bigint, open_idx int)
RETURNS TABLE (id bigint, name text, unit text, employee_no text, score_milli bigint, reached_ds bigint)
LANGUAGE sql STABLE AS $$
  SELECT p.id, p.name, p.unit, p.employee_no,
         p.score_milli - coalesce(a.points_milli, 0),
         CASE WHEN coalesce(a.points_milli, 0) = 0 THEN p.reached_ds
              ELSE coalesce((SELECT b.reached_ds FROM answers b
                             WHERE b.participant_id = p.id AND b.question_idx <> open_idx
                               AND b.points_milli <> 0
                             ORDER BY b.question_idx DESC LIMIT 1), 0) END
    FROM participants p
    LEFT JOIN answers a ON a.participant_id = p.id AND a.question_idx = open_idx
   WHERE p.contest_id = cid AND NOT p.removed
$$;
