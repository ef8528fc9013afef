-- 060_results.sql - the publication of results (公示), appeals and the final results.
--
-- result_releases: one row per published revision of a contest's results.
--   A revision is 'provisional' during its public notice (notice_until),
--   then 'final' (finalized_by/at). A final revision never changes and is
--   never deleted while its contest exists (the triggers below); a later
--   correction is revision + 1, published as provisional again. mask holds
--   how names and employee numbers were hidden on the public page. epoch:
--   a reset of the contest (a new run, new participants) leaves the
--   revisions of the old run for the record, but the public page, appeals
--   and finalizing only see those of the contest's current epoch.
-- result_release_rows: the frozen snapshot of contest_results at
--   publication, with the award tier given by the results library
--   (results_awards_assign with the contest's "awards": award_tier is the
--   tier's index, -2 the participation award, NULL none; award its name)
--   and the masked name and employee number the public page shows.
-- appeals: filed by a participant with its participant token (its phone)
--   during the notice period: one open appeal per participant and question
--   (question_id NULL: about the result as a whole); decided by the
--   contest's organizers or judges: 'upheld' (with a correction that goes
--   through recompute, store/recompute.c) or 'dismissed' with a reply.
--   Corrections of upheld appeals are part of the truth a recomputation
--   starts from: {"question_id", "answer"} changes a question's key,
--   {"question_id", "participant_id", "points"} one answer's mark.

CREATE TABLE result_releases (
    contest_id    bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    revision      int NOT NULL CHECK (revision >= 1),
    epoch         bigint NOT NULL DEFAULT 0,  -- the contest's epoch (resets) it was published in
    status        text NOT NULL CHECK (status IN ('provisional', 'final')),
    notice_days   int NOT NULL CHECK (notice_days BETWEEN 0 AND 90),
    notice_until  timestamptz NOT NULL,
    mask          jsonb NOT NULL DEFAULT '{}',
    participants  int NOT NULL,
    max_milli     bigint NOT NULL,
    published_by  bigint,
    published_at  timestamptz NOT NULL DEFAULT now(),
    finalized_by  bigint,
    finalized_at  timestamptz,
    note          text,
    PRIMARY KEY (contest_id, revision)
);

CREATE TABLE result_release_rows (
    contest_id     bigint NOT NULL,
    revision       int NOT NULL,
    place          int NOT NULL,
    rank           int NOT NULL,
    tied           boolean NOT NULL,
    participant_id bigint NOT NULL,
    name           text NOT NULL,
    employee_no    text,
    unit           text NOT NULL,
    score_milli    bigint NOT NULL,
    award_tier     int,
    award          text,
    award_en       text,            -- the tier's English name (its Chinese one when it has none)
    name_masked    text NOT NULL,
    employee_no_masked text,
    PRIMARY KEY (contest_id, revision, place),
    FOREIGN KEY (contest_id, revision) REFERENCES result_releases (contest_id, revision) ON DELETE CASCADE
);
CREATE INDEX result_release_rows_participant ON result_release_rows (participant_id);

CREATE TABLE appeals (
    id             bigserial PRIMARY KEY,
    contest_id     bigint NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    participant_id bigint NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    question_id    text,
    reason         text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'dismissed')),
    reply          text,
    correction     jsonb,
    decided_by     bigint,
    decided_at     timestamptz,
    revision       int,            -- the revision an upheld correction was published in
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX appeals_one_open ON appeals (participant_id, coalesce(question_id, '')) WHERE status = 'open';
CREATE INDEX appeals_contest ON appeals (contest_id, created_at);

-- A final revision is immutable: no change to its row or its rows, no
-- deletion while its contest exists (a contest's deletion cascades).
CREATE FUNCTION result_release_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'final' THEN
        RAISE EXCEPTION 'revision % of the results of contest % is final: it cannot change',
            OLD.revision, OLD.contest_id USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' AND OLD.status = 'final'
       AND EXISTS (SELECT 1 FROM contests WHERE id = OLD.contest_id) THEN
        RAISE EXCEPTION 'revision % of the results of contest % is final: it cannot be deleted',
            OLD.revision, OLD.contest_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER result_releases_final BEFORE UPDATE OR DELETE ON result_releases
    FOR EACH ROW EXECUTE FUNCTION result_release_guard();

CREATE FUNCTION result_release_rows_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM result_releases r WHERE r.contest_id = OLD.contest_id
                AND r.revision = OLD.revision AND r.status = 'final') THEN
        RAISE EXCEPTION 'revision % of the results of contest % is final: its rows cannot change',
            OLD.revision, OLD.contest_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER result_release_rows_final BEFORE UPDATE OR DELETE ON result_release_rows
    FOR EACH ROW EXECUTE FUNCTION result_release_rows_guard();
