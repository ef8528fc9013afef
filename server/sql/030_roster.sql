-- 030: real-name joining, and the ranking of a finished contest (docs/api.md,
-- "Roster and real-name joining", "Results").
--
-- join_exceptions gains how often a request was made and when last;
-- contest_roster_covers() says whether a unit is in a contest's roster,
-- units_ensure() makes the units of a path, and roster_gate() is what the
-- join's group-committed statement (live/player.c) asks for each join: may
-- it join, and with which unit.
-- contest_results holds the ranking of a finished contest as the results
-- library computed it (api/results.c, on the thread pool), for pages and
-- downloads; contest_results_meta says for which state of the contest
-- (epoch, seq: a reset or a host command after the end makes it stale).

ALTER TABLE join_exceptions
    ADD COLUMN attempts int NOT NULL DEFAULT 1,
    ADD COLUMN last_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX join_exceptions_contest ON join_exceptions (contest_id, requested_at);

-- Whether a unit (its path) is in contest cid's roster: within the subtree of
-- one of its contest_roster_units, or anywhere when it has none.
CREATE FUNCTION contest_roster_covers(cid bigint, upath text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM contest_roster_units r WHERE r.contest_id = cid)
        OR EXISTS (SELECT 1 FROM contest_roster_units r JOIN units ru ON ru.id = r.unit_id
                    WHERE r.contest_id = cid
                      AND (upath = ru.path OR left(upath, length(ru.path) + 1) = ru.path || '/'))
$$;

-- The unit of a path ('公司/分厂/车间', checked by the server), made with its
-- ancestors when they are new: its id.
CREATE FUNCTION units_ensure(upath text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    seg text[] := string_to_array(upath, '/');
    cur text;
    pid bigint;
    uid bigint;
BEGIN
    FOR i IN 1 .. array_length(seg, 1) LOOP
        cur := CASE WHEN i = 1 THEN seg[1] ELSE cur || '/' || seg[i] END;
        uid := NULL;
        INSERT INTO units (parent_id, name, path) VALUES (pid, seg[i], cur)
            ON CONFLICT (path) DO NOTHING RETURNING id INTO uid;
        IF uid IS NULL THEN
            SELECT u.id INTO uid FROM units u WHERE u.path = cur;
        END IF;
        pid := uid;
    END LOOP;
    RETURN pid;
END
$$;

-- A join to contest cid by employee number emp and name nm (trimmed by the
-- server), having typed unit typed:
--   open contest             ok, the typed unit
--   roster contest, an active worker of the contest's roster units (their
--   subtrees; no units: the whole roster) with this number and name
--                            ok, the worker's unit path
--   an approved exception of this number and name
--                            ok, the typed unit, else the exception's
--   otherwise                refused; with an employee number the attempt is
--                            recorded as a request (a waiting one takes the
--                            latest name and unit; a decided one only counts)
CREATE FUNCTION roster_gate(cid bigint, emp text, nm text, typed text, OUT ok boolean, OUT unit text)
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT c.roster_mode FROM contests c WHERE c.id = cid) IS DISTINCT FROM 'roster' THEN
        ok := true;
        unit := typed;
        RETURN;
    END IF;
    ok := false;
    unit := NULL;
    IF emp = '' THEN
        RETURN;
    END IF;
    SELECT u.path INTO unit
      FROM workers w JOIN units u ON u.id = w.unit_id
     WHERE w.employee_no = emp AND w.name = nm AND w.active AND contest_roster_covers(cid, u.path);
    IF FOUND THEN
        ok := true;
        RETURN;
    END IF;
    SELECT COALESCE(NULLIF(typed, ''), e.unit) INTO unit
      FROM join_exceptions e
     WHERE e.contest_id = cid AND e.employee_no = emp AND e.name = nm AND e.decision = 'approved';
    IF FOUND THEN
        ok := true;
        RETURN;
    END IF;
    unit := NULL;
    INSERT INTO join_exceptions AS e (contest_id, employee_no, name, unit)
    VALUES (cid, emp, nm, typed)
    ON CONFLICT (contest_id, employee_no) DO UPDATE
       SET attempts = e.attempts + 1, last_at = now(),
           name = CASE WHEN e.decision IS NULL THEN EXCLUDED.name ELSE e.name END,
           unit = CASE WHEN e.decision IS NULL THEN EXCLUDED.unit ELSE e.unit END;
END
$$;

-- The ranking of a finished contest: place is the order (1..n), rank the
-- standard competition rank (ties share it), points the points of each
-- question in thousandths (NULL: not answered).
CREATE TABLE contest_results (
    contest_id     bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    place          int NOT NULL,
    rank           int NOT NULL,
    tied           boolean NOT NULL,
    participant_id bigint NOT NULL,
    name           text NOT NULL,
    employee_no    text,
    unit           text NOT NULL,
    score_milli    bigint NOT NULL,
    correct        int NOT NULL,
    wrong          int NOT NULL,
    time_ms        bigint NOT NULL,
    points         bigint[] NOT NULL,
    PRIMARY KEY (contest_id, place)
);

CREATE TABLE contest_results_meta (
    contest_id   bigint PRIMARY KEY REFERENCES contests(id) ON DELETE CASCADE,
    epoch        bigint NOT NULL,
    seq          bigint NOT NULL,
    participants int NOT NULL,
    questions    jsonb NOT NULL,      -- [{"index","qid","max"}]: the columns of points
    max_milli    bigint NOT NULL,
    computed_at  timestamptz NOT NULL DEFAULT now()
);
