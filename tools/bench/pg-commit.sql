-- tools/bench/pg-commit.sql - one group commit of :batch answers, shaped like
-- server/answer.c's commit_sql (pgbench script for tools/bench/pg-commit.sh,
-- which sets batch with -D). Each batch takes the next value of pgc_batch:
-- :batch participants of one block of the 10,000, at a question index no
-- batch used before.
WITH q AS (SELECT nextval('pgc_batch') AS n),
v AS (
  SELECT (SELECT min(id) FROM participants) - 1 + (q.n % (10000 / :batch)) * :batch + g AS pid,
         (q.n / (10000 / :batch))::int AS qidx, 'q1'::text AS qid, 'a1'::text AS rid, '1'::text AS resp, '{1}'::text AS opts,
         (g % 2 * 1000)::bigint AS pts, (g % 2 * 2)::smallint AS corr, 1764215000000::bigint AS rcv,
         1000 AS rms, 10::bigint AS rds, 1 AS streak, (SELECT id FROM contests WHERE code = 'PGC') AS cid, g AS ord
  FROM q, generate_series(1, :batch) g),
ins AS (
  INSERT INTO answers (participant_id, question_idx, contest_id, question_id, request_id, response,
    options, points_milli, correctness, received_ms, response_ms, instance)
  SELECT pid, qidx, cid, qid, NULLIF(rid, ''), resp, opts::int[], pts, corr, rcv, rms, 'bench' FROM v
  ON CONFLICT DO NOTHING
  RETURNING participant_id, question_idx),
sums AS (
  SELECT v.pid, sum(v.pts) AS pts, max(v.rds) AS rds, max(v.streak) AS streak
  FROM ins JOIN v ON v.pid = ins.participant_id AND v.qidx = ins.question_idx GROUP BY v.pid),
upd AS (
  UPDATE participants p SET score_milli = p.score_milli + s.pts,
    reached_ds = CASE WHEN s.pts <> 0 THEN s.rds ELSE p.reached_ds END, streak = s.streak
  FROM sums s WHERE p.id = s.pid RETURNING p.id, p.score_milli, p.reached_ds)
SELECT 'i', v.ord, u.score_milli FROM ins JOIN v ON v.pid = ins.participant_id AND v.qidx = ins.question_idx
  JOIN upd u ON u.id = v.pid
UNION ALL
SELECT 'e', v.ord, p.score_milli FROM v JOIN answers a ON a.participant_id = v.pid AND a.question_idx = v.qidx
  JOIN participants p ON p.id = v.pid;
