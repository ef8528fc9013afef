-- 003: contests that every process serves, archive and delete, reset, and
-- question windows that PostgreSQL judges answers by.
--
-- source: the definition exactly as it was validated (text: jsonb would
--   reorder its object keys, and a paper drawn by type ratio must be the
--   same on every process); processes that did not receive an upload, and
--   every process after a restart, load a contest from here.
-- origin: the contest file it was loaded from (banks are relative to it);
--   NULL for an upload (banks come from the bank directory).
-- archived_at: an archived contest is kept for its results and served by
--   no process; it does not count against --max-contests.
-- epoch: one more at each reset; a process serving an older epoch stops
--   and loads the contest again, and the contest's Redis keys carry it.
ALTER TABLE contests ADD COLUMN source text;
ALTER TABLE contests ADD COLUMN origin text;
ALTER TABLE contests ADD COLUMN archived_at timestamptz;
ALTER TABLE contests ADD COLUMN epoch bigint NOT NULL DEFAULT 0;

-- Each question's answer window (server epoch ms), written with the live
-- state by every host command: an answer is stored only if it was received
-- within its question's window, whatever a process believed when it took it.
ALTER TABLE questions ADD COLUMN open_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE questions ADD COLUMN deadline_ms bigint NOT NULL DEFAULT 0;
UPDATE questions q SET open_ms = c.open_ms, deadline_ms = c.deadline_ms
  FROM contests c WHERE q.contest_id = c.id AND q.idx = c.qindex AND c.phase IN ('question', 'reveal');
