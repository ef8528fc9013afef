-- 002: score updates without index work.
--
-- Every answer group commit adds points to participants.score_milli.
-- participants_rank had score_milli as a key, so each of those updates
-- wrote a new entry into all four indexes of participants. The live ranking
-- is Redis' sorted set (rebuilt from this table by sorting), and the rare
-- queries that rank here (leaderboard while Redis is down) sort one
-- contest's rows, so the index goes: updates of score_milli, reached_ds and
-- streak are then HOT (no index entries), given room on the row's page,
-- which the fill factor keeps.
DROP INDEX IF EXISTS participants_rank;
ALTER TABLE participants SET (fillfactor = 85);
