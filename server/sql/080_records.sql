-- 080: training records (培训档案), their exports, and the xAPI outbox
-- (docs/results.md "Training records", docs/api.md "Records").
--
-- The ledger is not a table: it is read from what the contests already
-- store, by records_ledger() below, one row per activity of a worker (known
-- by the employee number they joined with):
--   live      one row per participant of a live contest
--   exam/mass one row per finished attempt (rank, award and certificate on
--             the attempt that counts: the best, or the last with
--             attempts.counts = "last")
--   practice  one row per contest and day (Asia/Shanghai) with practice answers
-- hours and credits (the contest definition's "hours"/"credits") count once
-- per contest and worker, on the worker's first activity in it.
--
-- The seam with the results lifecycle (060: result_releases,
-- result_release_rows) and the certificates (070: certificates) is this one
-- function: it looks for those tables with to_regclass() each time it runs,
-- and LEFT JOINs them when they exist (rank and award of the latest final
-- revision, the newest certificate not revoked); without them the rank
-- comes from contest_results or the participants' scores of a finished
-- contest, and award and certificate are NULL. Nothing else here depends
-- on them.
--
-- xapi_outbox: statements waiting for the LRS. A row is made in the
-- transaction of the fact it reports: a finished attempt by the trigger on
-- attempts (whoever ends it: attempt_finish from a submit or the sweeper),
-- an issued certificate by xapi_outbox_certificate(id), which the
-- certificate code calls in the transaction that inserts it. The statement
-- itself is built by the sender (server/store/xapi.c, through the results
-- library's results_xapi_* builders) from the stored fact and kept in
-- `statement` before it is first posted: its id is a name-based UUID of the
-- fact, so a statement re-sent after a lost reply is the same statement.

CREATE INDEX participants_employee ON participants (employee_no) WHERE employee_no IS NOT NULL;
CREATE INDEX participants_unit ON participants (unit text_pattern_ops);
CREATE INDEX practice_answers_worker ON practice_answers (worker, contest_id);

-- The ledger rows of one worker (p_emp), or of a unit's subtree (p_unit: a
-- unit path; '' or NULL: every unit), from p_from (inclusive) to p_to
-- (exclusive; NULL: no bound), newest first.
CREATE FUNCTION records_ledger(p_emp text, p_unit text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (kind text, contest_id bigint, code text, title text, at timestamptz, employee_no text,
               name text, unit text, participant_id bigint, attempt_no int, score numeric, max numeric,
               correct int, answered int, duration_ms bigint, passed boolean, rank int, award text,
               certificate_id text, hours numeric, credits numeric)
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    v_release boolean := to_regclass('result_release_rows') IS NOT NULL
                         AND to_regclass('result_releases') IS NOT NULL;
    v_certs boolean := to_regclass('certificates') IS NOT NULL;
    v_sql text;
BEGIN
    v_sql := $q$
    WITH who AS (
        SELECT p.* FROM participants p
         WHERE p.employee_no IS NOT NULL AND p.employee_no <> ''
           AND ($1::text IS NULL OR p.employee_no = $1)
           AND (coalesce($2, '') = '' OR p.unit = $2 OR left(p.unit, length($2) + 1) = $2 || '/')
    ), c AS (
        SELECT c.id, c.code, c.definition, c.started_ms,
               coalesce(c.title ->> 'zh-CN', c.title #>> '{}', c.title ->> 'en', c.code) AS title,
               coalesce(c.definition ->> 'mode', 'live') AS mode,
               (c.phase = 'finished' OR c.status IN ('finished', 'archived')) AS finished,
               (SELECT sum(q.max_milli) FROM questions q WHERE q.contest_id = c.id) AS max_milli
          FROM contests c WHERE c.status <> 'draft'
    ), ranks AS (
        SELECT o.id, rank() OVER (PARTITION BY o.contest_id ORDER BY o.score_milli DESC, o.reached_ds)::int AS rk
          FROM participants o
         WHERE o.contest_id IN (SELECT w.contest_id FROM who w JOIN c ON c.id = w.contest_id AND c.finished)
           AND NOT EXISTS (SELECT 1 FROM contest_results_meta m WHERE m.contest_id = o.contest_id)
    ), acts AS (
        SELECT 'live'::text AS kind, c.id AS cid, w.id AS pid, NULL::int AS attempt_no,
               CASE WHEN c.started_ms > 0 THEN to_timestamp(c.started_ms / 1000.0) ELSE w.joined_at END AS at,
               w.score_milli, c.max_milli,
               (SELECT count(*) FILTER (WHERE a.correctness = 2) FROM answers a WHERE a.participant_id = w.id)::int AS correct,
               (SELECT count(*) FROM answers a WHERE a.participant_id = w.id)::int AS answered,
               NULL::bigint AS duration_ms, true AS counted
          FROM who w JOIN c ON c.id = w.contest_id AND c.mode = 'live'
        UNION ALL
        SELECT c.mode, c.id, w.id, t.attempt_no, to_timestamp(t.started_ms / 1000.0), t.score_milli, t.max_milli,
               t.correct, t.answered, t.duration_ms,
               CASE WHEN c.definition #>> '{attempts,counts}' = 'last'
                    THEN row_number() OVER (PARTITION BY t.participant_id ORDER BY t.attempt_no DESC)
                    ELSE row_number() OVER (PARTITION BY t.participant_id
                                            ORDER BY t.score_milli DESC, t.duration_ms, t.attempt_no) END = 1
          FROM who w JOIN attempts t ON t.participant_id = w.id AND t.status <> 'open'
          JOIN c ON c.id = t.contest_id
        UNION ALL
        SELECT 'practice', c.id, min(w.id), NULL, to_timestamp(min(x.answered_ms) / 1000.0),
               sum(x.points_milli), NULL, (count(*) FILTER (WHERE x.correctness = 2))::int, count(*)::int,
               NULL, false
          FROM who w JOIN practice_answers x ON x.participant_id = w.id JOIN c ON c.id = x.contest_id
         GROUP BY c.id, w.employee_no, (to_timestamp(x.answered_ms / 1000.0) AT TIME ZONE 'Asia/Shanghai')::date
    ), rows AS (
        SELECT a.*, w.employee_no, w.name, w.unit, c.code, c.title,
               c.mode, c.finished, c.definition,
               row_number() OVER (PARTITION BY a.cid, w.employee_no ORDER BY a.at, a.attempt_no) = 1 AS first
          FROM acts a JOIN who w ON w.id = a.pid JOIN c ON c.id = a.cid
    )
    SELECT r.kind, r.cid, r.code, r.title, r.at, r.employee_no, r.name, r.unit, r.pid, r.attempt_no,
           round(r.score_milli / 1000.0, 3), round(r.max_milli / 1000.0, 3), r.correct, r.answered, r.duration_ms,
           CASE WHEN r.kind = 'practice' OR r.definition -> 'pass_mark' IS NULL OR coalesce(r.max_milli, 0) = 0
                THEN NULL
                ELSE r.score_milli * 100.0 >= (r.definition ->> 'pass_mark')::numeric * r.max_milli END,
           CASE WHEN r.counted THEN coalesce(%1$s, cr.rank, k.rk) END,
           CASE WHEN r.counted THEN %2$s END,
           CASE WHEN r.counted OR r.kind = 'practice' THEN %3$s END,
           CASE WHEN r.first THEN (r.definition ->> 'hours')::numeric END,
           CASE WHEN r.first THEN (r.definition ->> 'credits')::numeric END
      FROM rows r
      LEFT JOIN contest_results cr ON cr.contest_id = r.cid AND cr.participant_id = r.pid
      LEFT JOIN ranks k ON k.id = r.pid %4$s %5$s
     WHERE ($3::timestamptz IS NULL OR r.at >= $3) AND ($4::timestamptz IS NULL OR r.at < $4)
     ORDER BY r.at DESC, r.code, r.attempt_no DESC NULLS LAST, r.employee_no
    $q$;
    v_sql := format(v_sql,
        CASE WHEN v_release THEN 'rel.rank' ELSE 'NULL::int' END,
        CASE WHEN v_release THEN 'rel.award' ELSE 'NULL::text' END,
        CASE WHEN v_certs THEN 'crt.id' ELSE 'NULL::text' END,
        CASE WHEN v_release THEN
            'LEFT JOIN (SELECT DISTINCT ON (z.contest_id, z.participant_id) z.contest_id, z.participant_id,
                    z.rank, z.award
               FROM result_release_rows z JOIN result_releases s ON s.contest_id = z.contest_id
                AND s.revision = z.revision AND s.status = ''final''
              WHERE z.contest_id IN (SELECT w.contest_id FROM who w)
              ORDER BY z.contest_id, z.participant_id, z.revision DESC) rel
             ON rel.contest_id = r.cid AND rel.participant_id = r.pid' ELSE '' END,
        CASE WHEN v_certs THEN
            'LEFT JOIN (SELECT DISTINCT ON (k.contest_id, k.participant_id) k.contest_id, k.participant_id, k.id
               FROM certificates k
              WHERE k.revoked_at IS NULL AND k.contest_id IN (SELECT w.contest_id FROM who w)
              ORDER BY k.contest_id, k.participant_id, (k.kind = ''award'') DESC, k.issued_at DESC) crt
             ON crt.contest_id = r.cid AND crt.participant_id = r.pid' ELSE '' END);
    RETURN QUERY EXECUTE v_sql USING p_emp, p_unit, p_from, p_to;
END
$fn$;

-- Participation by unit over a period: every unit of the roster in p_unit's
-- subtree (all of them when p_unit is '' or NULL), its headcount (active
-- workers in its subtree), how many of them have at least one ledger
-- activity in [p_from, p_to), and how many activities.
CREATE FUNCTION records_participation(p_unit text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (unit text, depth int, headcount bigint, participated bigint, activities bigint)
LANGUAGE sql STABLE AS $$
    WITH l AS (SELECT x.employee_no, count(*) AS n FROM records_ledger(NULL, NULL, p_from, p_to) x
                GROUP BY x.employee_no),
    wk AS (SELECT w.employee_no, u.path, coalesce(l.n, 0) AS n, l.employee_no IS NOT NULL AS took
             FROM workers w JOIN units u ON u.id = w.unit_id LEFT JOIN l ON l.employee_no = w.employee_no
            WHERE w.active)
    SELECT u.path, array_length(string_to_array(u.path, '/'), 1),
           count(wk.employee_no), count(wk.employee_no) FILTER (WHERE wk.took), coalesce(sum(wk.n), 0)::bigint
      FROM units u LEFT JOIN wk ON wk.path = u.path OR left(wk.path, length(u.path) + 1) = u.path || '/'
     WHERE coalesce(p_unit, '') = '' OR u.path = p_unit OR left(u.path, length(p_unit) + 1) = p_unit || '/'
     GROUP BY u.path ORDER BY u.path
$$;

-- ------------------------------------------------------------ xAPI outbox

-- kind and ref name the fact ('attempt', the attempt's id; 'certificate',
-- the certificate's id); statement is NULL until the sender built it.
-- attempts counts the posts tried, next_at is when the next may be.
CREATE TABLE xapi_outbox (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('attempt', 'certificate')),
    ref         text NOT NULL,
    statement   jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    next_at     timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    attempts    int NOT NULL DEFAULT 0,
    last_error  text,
    UNIQUE (kind, ref)
);
CREATE INDEX xapi_outbox_due ON xapi_outbox (next_at, id) WHERE sent_at IS NULL;

CREATE FUNCTION xapi_outbox_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO xapi_outbox (kind, ref) VALUES ('attempt', NEW.id::text) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER attempts_xapi AFTER UPDATE OF status ON attempts
    FOR EACH ROW WHEN (OLD.status = 'open' AND NEW.status <> 'open')
    EXECUTE FUNCTION xapi_outbox_attempt();

-- For the certificate code (070): call in the transaction that inserts the
-- certificate, `SELECT xapi_outbox_certificate(<its id>)`; once per id.
CREATE FUNCTION xapi_outbox_certificate(p_id text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO xapi_outbox (kind, ref) VALUES ('certificate', p_id) ON CONFLICT DO NOTHING
$$;
