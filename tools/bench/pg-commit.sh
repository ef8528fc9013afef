#!/usr/bin/env bash
# tools/bench/pg-commit.sh [ANSWERS] - PostgreSQL's ceiling for the server's
# own answer commit (docs/performance.md, "Why durable answers/s ...").
#
# A throwaway cluster (:26632) with the server's migrations (the *.sql files
# of the sql/ folder under server/, wherever it lives), 10,000 participants,
# then pgbench runs tools/bench/pg-commit.sql: one group commit shaped like
# server/live/answer.c's commit_sql (insert the answers, add their points to
# participants, read back), ANSWERS (40,000) answers per run, two
# connections, for batches of 12, 50, 200 and 500 answers: parsed every time
# (simple) and prepared; then again without the foreign key answers ->
# participants, to show what it costs. Prints batches/s and answers/s per
# run. Keep pg-commit.sql in step with answer.c.
set -euo pipefail
shopt -s inherit_errexit
ANSWERS=${1:-40000}
source "$(dirname "$0")/lib.sh"
PGBENCH=${PGBIN:-/usr/lib/postgresql/15/bin}/pgbench
trap bench_cleanup EXIT
bench_tmp
services_start "${BENCH_PGC_PORT:-26632}" "${BENCH_PGC_REDIS_PORT:-26679}"
mapfile -t sqls < <(find "$ROOT/server" -path '*/sql/*.sql' | sort)
((${#sqls[@]})) || die "no migrations (*.sql in a sql/ folder) under $ROOT/server"
for f in "${sqls[@]}"; do psql "$PGCONN" -q -v ON_ERROR_STOP=1 -f "$f"; done
psql "$PGCONN" -q -v ON_ERROR_STOP=1 -c "INSERT INTO contests (code, title, definition, question_count) VALUES ('PGC', '{}', '{}', 100000)" \
	-c "INSERT INTO participants (contest_id, name, unit, token_hash) SELECT (SELECT id FROM contests WHERE code = 'PGC'), 'p' || g, 'u', md5(g::text) FROM generate_series(1, 10000) g" \
	-c "CREATE SEQUENCE pgc_batch"
stored=0
run() { # LABEL BATCH MODE
	local tps t=$((ANSWERS / $2 / 2))
	tps=$("$PGBENCH" -n -M "$3" -D batch="$2" -f "$ROOT/tools/bench/pg-commit.sql" -t "$t" -c 2 "$PGCONN" 2>&1 \
		| sed -n 's/^tps = \([0-9.]*\).*/\1/p')
	[[ -n $tps ]] || die "pgbench failed"
	stored=$((stored + t * 2 * $2))
	printf 'bench: scenario=ceiling target=pg_server_commit%s clients=2 batch=%d mode=%s batches_per_s=%.1f answers_per_s=%.0f\n' \
		"$1" "$2" "$3" "$tps" "$(bc <<<"$tps * $2")"
}
for b in 12 50 200 500; do
	run "" "$b" simple
	run "" "$b" prepared
done
psql "$PGCONN" -q -c "ALTER TABLE answers DROP CONSTRAINT answers_participant_id_fkey"
for b in 12 50 200 500; do run "_no_fk" "$b" prepared; done
got=$(psql "$PGCONN" -tAc "SELECT count(*) FROM answers")
[[ $got == "$stored" ]] || die "PostgreSQL holds $got answers, want $stored (a batch inserted nothing?)"
say "answers stored: $got (every batch inserted all of its answers)"
