#!/usr/bin/env bash
# tools/bench/pg-commit.sh [BATCHES] - PostgreSQL's ceiling for the server's
# own answer commit (docs/performance.md, "Why durable answers/s ...").
#
# A throwaway cluster (:26632) with server/sql/*.sql, 10,000 participants,
# then pgbench runs tools/bench/pg-commit.sql: one group commit of 500
# answers shaped like server/answer.c's commit_sql (insert the answers,
# add their points to participants, read back), with 1, 2 and 4
# connections; then again without the participants_rank index. Prints
# batches/s and answers/s. Keep pg-commit.sql in step with answer.c.
set -euo pipefail
shopt -s inherit_errexit
BATCHES=${1:-200}
source "$(dirname "$0")/lib.sh"
PGBENCH=${PGBIN:-/usr/lib/postgresql/15/bin}/pgbench
trap bench_cleanup EXIT
bench_tmp
services_start "${BENCH_PGC_PORT:-26632}" "${BENCH_PGC_REDIS_PORT:-26679}"
for f in "$ROOT"/server/sql/*.sql; do psql "$PGCONN" -q -v ON_ERROR_STOP=1 -f "$f"; done
psql "$PGCONN" -q -v ON_ERROR_STOP=1 -c "INSERT INTO contests (code, title, definition, question_count) VALUES ('PGC', '{}', '{}', 100000)" \
	-c "INSERT INTO participants (contest_id, name, unit, token_hash) SELECT (SELECT id FROM contests WHERE code = 'PGC'), 'p' || g, 'u', md5(g::text) FROM generate_series(1, 10000) g" \
	-c "CREATE SEQUENCE pgc_batch"
run() {
	local c tps
	for c in 1 2 4; do
		tps=$("$PGBENCH" -n -f "$ROOT/tools/bench/pg-commit.sql" -t $((BATCHES / c)) -c "$c" "$PGCONN" 2>&1 \
			| sed -n 's/^tps = \([0-9.]*\).*/\1/p')
		[[ -n $tps ]] || die "pgbench failed"
		printf 'bench: scenario=ceiling target=pg_server_commit%s clients=%d batch=500 batches_per_s=%.1f answers_per_s=%.0f\n' \
			"$1" "$c" "$tps" "$(bc <<<"$tps * 500")"
	done
}
run ""
psql "$PGCONN" -q -c "DROP INDEX participants_rank"
run "_no_rank_index"
got=$(psql "$PGCONN" -tAc "SELECT count(*) FROM answers")
want=$((2 * (BATCHES + BATCHES / 2 * 2 + BATCHES / 4 * 4) * 500))
[[ $got == "$want" ]] || die "PostgreSQL holds $got answers, want $want (a batch inserted nothing?)"
say "answers stored: $got (every batch inserted its 500)"
