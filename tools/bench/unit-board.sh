#!/usr/bin/env bash
# tools/bench/unit-board.sh [PARTICIPANTS...] - what the unit board of a mass
# contest costs PostgreSQL (make bench-unitboard, a part of make bench;
# docs/performance.md, "Self-paced modes").
#
# Every server process with a screen, a host or a board reader on a mass
# contest rolls up its units every 30 s (server/live/mass.c MASS_UNITS_MS,
# server/live/rollup.c): one statement (was a roster imported, and the count
# of the contest's ended attempts), the headcount of every unit (with a
# roster), then the members query, which reads every participant of the
# contest and, for each, its attempts (EXISTS, and the best of the day). This script builds one mass
# contest per size in a throwaway cluster (:26832) with the server's
# migrations: PARTICIPANTS (default 100000 and 1000000) participants with 1 to
# 4 ended attempts each (2.5 on average) over 21 days, a roster of 4,960
# enterprises under 310 cities under 31 provinces (the units and workers
# tables as the roster migration makes them) with 1.25 workers per
# participant; then times each statement (EXPLAIN ANALYZE, TIMING OFF, 3
# runs after one to warm the cache) and prints one bench: line per statement
# and size, with the table sizes. Keep the statements in step with
# store/units.c's units_members_sql and units_members_roster_sql and rollup.c's rollup_units.
#
# Takes ~1.5 minutes for the defaults on 2 quiet cores (most of it making the
# rows); 10,000,000 participants take ~15 minutes and ~6 GB of disk. Skipped
# when BENCH_ONLY (make bench's scenario filter) is set and does not match
# "unitboard".
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib.sh"
if [[ -n ${BENCH_ONLY:-} && ! unitboard =~ $BENCH_ONLY ]]; then
	say "unitboard: skipped (BENCH_ONLY='$BENCH_ONLY')"
	exit 0
fi
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(100000 1000000)
trap bench_cleanup EXIT
bench_tmp
services_start "${BENCH_UB_PORT:-26832}" "${BENCH_UB_REDIS_PORT:-26879}"
# The server's migrations as it applies them (store/migrate.c: NNN_name.sql in
# server/sql, in name order; not server/sql/admin/, a superuser's steps).
mapfile -t sqls < <(find "$ROOT/server/sql" -maxdepth 1 -name '[0-9]*_*.sql' | sort)
((${#sqls[@]})) || die "no migrations (server/sql/NNN_name.sql) under $ROOT"
export PGOPTIONS='-c client_min_messages=warning' # not TRUNCATE's "cascades to" notices
q() { psql "$PGCONN" -q -v ON_ERROR_STOP=1 "$@"; }
for f in "${sqls[@]}"; do q -f "$f"; done

# The roster in the tables of server/sql/011_roster.sql: 31 provinces, 10 cities each, 16 enterprises each.
q <<'SQL'
INSERT INTO units (name, path) VALUES ('全国', '全国');
INSERT INTO units (parent_id, name, path) SELECT 1, '省' || p, '全国/省' || p FROM generate_series(1, 31) p;
INSERT INTO units (parent_id, name, path) SELECT u.id, '市' || c, u.path || '/市' || c
  FROM units u, generate_series(1, 10) c WHERE u.path ~ '^全国/省[0-9]+$';
INSERT INTO units (parent_id, name, path) SELECT u.id, '企业' || e, u.path || '/企业' || e
  FROM units u, generate_series(1, 16) e WHERE u.path ~ '^全国/省[0-9]+/市[0-9]+$';
CREATE TABLE leaves AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, path FROM units WHERE path ~ '/企业[0-9]+$';
CREATE UNIQUE INDEX ON leaves (k);
SQL
leaves=$(q -tAc "SELECT count(*) FROM leaves")

MEMBERS="SELECT p.unit, count(*), coalesce(sum(p.score_milli), 0), count(d.best), coalesce(sum(d.best), 0)
 FROM participants p
 LEFT JOIN LATERAL (SELECT max(a.score_milli) AS best FROM attempts a WHERE a.participant_id = p.id
   AND a.day = \$2::date AND a.status <> 'open') d ON true
 WHERE p.contest_id = \$1 AND EXISTS (SELECT 1 FROM attempts a WHERE a.participant_id = p.id
   AND a.status <> 'open') GROUP BY 1"
ROSTER="SELECT coalesce(u.path, p.unit), count(*), coalesce(sum(p.score_milli), 0), count(d.best),
 coalesce(sum(d.best), 0) FROM participants p
 LEFT JOIN workers w ON w.employee_no = p.employee_no AND w.active
 LEFT JOIN units u ON u.id = w.unit_id
 LEFT JOIN LATERAL (SELECT max(a.score_milli) AS best FROM attempts a WHERE a.participant_id = p.id
   AND a.day = \$2::date AND a.status <> 'open') d ON true
 WHERE p.contest_id = \$1 AND EXISTS (SELECT 1 FROM attempts a WHERE a.participant_id = p.id
   AND a.status <> 'open') GROUP BY 1"
COUNT="SELECT EXISTS (SELECT 1 FROM workers WHERE active),
 (SELECT count(*) FROM attempts WHERE contest_id = \$1 AND status <> 'open')"
HEADCOUNT="SELECT u.path, count(w.employee_no) FILTER (WHERE w.active) FROM units u
 LEFT JOIN workers w ON w.unit_id = u.id GROUP BY u.path"

# timed NAME SQL (with $1 the contest, $2 the day): min and max of 3 runs after a warm-up.
timed() {
	local name=$1 sql=$2 t all=()
	for i in 0 1 2 3; do
		t=$(q -tA -c "PREPARE s(bigint, text) AS $sql" -c "EXPLAIN (ANALYZE, TIMING OFF) EXECUTE s($CID, '2026-12-11')" \
			| sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')
		((i)) && all+=("$t")
	done
	printf 'bench: scenario=unitboard target=%s participants=%d attempts=%d units=%d workers=%d ms_runs=%s ms_min=%s ms_max=%s\n' \
		"$name" "$N" "$ATT" "$UNITS" "$W" "$(IFS=/; echo "${all[*]}")" \
		"$(printf '%s\n' "${all[@]}" | sort -n | head -1)" "$(printf '%s\n' "${all[@]}" | sort -n | tail -1)"
}

for N in "${SIZES[@]}"; do
	[[ $N =~ ^[1-9][0-9]*$ ]] || die "participants must be a positive number, not '$N'"
	W=$((N * 5 / 4))
	say "making $N participants, ~$((N * 5 / 2)) ended attempts, $W workers in $leaves enterprises"
	start=$(date +%s)
	q -c "TRUNCATE workers, contests CASCADE" \
		-c "INSERT INTO contests (code, title, definition, question_count) VALUES ('UB$N', '{}', '{\"mode\": \"mass\"}', 10)" \
		-c "INSERT INTO workers (employee_no, name, unit_id) SELECT 'E' || g, 'w' || g, l.id
		    FROM generate_series(1, $W) g JOIN leaves l ON l.k = g % $leaves" \
		-c "INSERT INTO participants (contest_id, name, employee_no, unit, token_hash, score_milli, reached_ds)
		    SELECT (SELECT id FROM contests WHERE code = 'UB$N'), 'p' || g, 'E' || g, l.path, md5(g::text),
		           (g % 11) * 1000, 600 FROM generate_series(1, $N) g JOIN leaves l ON l.k = g % $leaves" \
		-c "INSERT INTO attempts (contest_id, participant_id, attempt_no, day, status, started_ms, deadline_ms,
		      submitted_ms, count, max_milli, score_milli, correct, answered, duration_ms)
		    SELECT p.contest_id, p.id, n, date '2026-12-01' + ((p.id * 7 + n) % 21)::int, 'submitted',
		           1764547200000 + n * 1000, 1764547500000 + n * 1000, 1764547400000 + n * 1000, 10, 10000,
		           ((p.id + n) % 11) * 1000, (p.id + n) % 11, 10, 200000
		    FROM participants p, generate_series(1, 1 + (p.id % 4)::int) n" \
		-c "VACUUM ANALYZE participants, attempts, workers, units"
	CID=$(q -tAc "SELECT id FROM contests WHERE code = 'UB$N'")
	ATT=$(q -tAc "SELECT count(*) FROM attempts")
	UNITS=$(q -tAc "SELECT count(*) FROM units")
	say "made in $(($(date +%s) - start)) s; tables: $(q -tAc "SELECT string_agg(relname || ' ' || pg_size_pretty(pg_total_relation_size(oid)), ', ') FROM pg_class WHERE relname IN ('participants', 'attempts', 'workers')")"
	timed attempt_count "$COUNT"
	timed headcount "$HEADCOUNT"
	timed members "$MEMBERS"
	timed members_roster "$ROSTER"
done
