-- 085: the writes of self-paced attempts in batches. Starting an attempt,
-- storing its paper and flagging a question each took a transaction of
-- their own (one disk flush each): 1,700 starts a second queued behind each
-- other on a process's few connections, and the saves' group commits behind
-- them. These functions take many requests at once, as arrays (one element
-- per request, store/commit.c), in one statement and one transaction, and
-- return each request's row with its position (ord, from 1).
--
-- Rows are locked in one order everywhere a batch locks several: by
-- participant, then attempt (a participant's row before its attempts'):
-- attempt_begin_many (participants), attempt_paper_many and
-- attempt_flag_many (attempts), and the saves' FOR SHARE (live/save.c).
-- So batches from several processes wait for each other but never deadlock.

-- attempt_begin (005) for each request, in participant order. A participant
-- twice in one batch: the second finds the first's attempt ('open').
CREATE FUNCTION attempt_begin_many(p_pid bigint[], p_cid bigint[], p_now bigint[], p_day date[],
                                   p_max int[], p_per_day int[], p_duration bigint[], p_closes bigint[],
                                   p_instance text)
RETURNS TABLE (ord int, kind text, id bigint, attempt_no int, started_ms bigint, deadline_ms bigint,
               paper jsonb, flags int[], used int, today int)
LANGUAGE plpgsql AS $$
DECLARE
    i int;
BEGIN
    FOR i IN SELECT g FROM generate_subscripts(p_pid, 1) g ORDER BY p_pid[g], g LOOP
        RETURN QUERY SELECT i, b.kind, b.id, b.attempt_no, b.started_ms, b.deadline_ms, b.paper, b.flags,
            b.used, b.today
          FROM attempt_begin(p_pid[i], p_cid[i], p_now[i], p_day[i], p_max[i], p_per_day[i], p_duration[i],
                             p_closes[i], p_instance) b;
    END LOOP;
END $$;

-- The papers of new attempts: stored unless one is already (another process
-- drew it first: the stored one is returned, and served).
CREATE FUNCTION attempt_paper_many(p_id bigint[], p_paper jsonb[], p_seed numeric[], p_count int[],
                                   p_max bigint[])
RETURNS TABLE (ord int, paper jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    i int;
BEGIN
    FOR i IN SELECT g FROM generate_subscripts(p_id, 1) g
              LEFT JOIN attempts t ON t.id = p_id[g]
             ORDER BY t.participant_id, p_id[g], g LOOP
        RETURN QUERY
        UPDATE attempts t SET paper = coalesce(t.paper, p_paper[i]), seed = coalesce(t.seed, p_seed[i]),
               count = CASE WHEN t.paper IS NULL THEN p_count[i] ELSE t.count END,
               max_milli = CASE WHEN t.paper IS NULL THEN p_max[i] ELSE t.max_milli END
         WHERE t.id = p_id[i] RETURNING i, t.paper;
    END LOOP;
END $$;

-- Flags for review: set (p_set) or cleared, on the participant's own attempt
-- while it is open and p_at is not after its deadline; the attempt's flags
-- after the change. A request that changed nothing has no row.
CREATE FUNCTION attempt_flag_many(p_id bigint[], p_idx int[], p_set boolean[], p_pid bigint[], p_at bigint[])
RETURNS TABLE (ord int, flags int[])
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    i int;
BEGIN
    FOR i IN SELECT g FROM generate_subscripts(p_id, 1) g ORDER BY p_pid[g], p_id[g], g LOOP
        RETURN QUERY
        UPDATE attempts t SET flags = CASE WHEN p_set[i] THEN
                   (SELECT array_agg(DISTINCT e ORDER BY e) FROM unnest(array_append(t.flags, p_idx[i])) e)
                   ELSE array_remove(t.flags, p_idx[i]) END
         WHERE t.id = p_id[i] AND t.participant_id = p_pid[i] AND t.status = 'open'
           AND p_at[i] <= t.deadline_ms
        RETURNING i, t.flags;
    END LOOP;
END $$;
