#!/usr/bin/env bash
# tools/bench/smoke.sh OUTDIR - the load generator's smoke test (make loadgen-smoke).
#
# Throwaway PostgreSQL (:26532) and Redis (:26579), one server (:26580)
# from OUTDIR/skillarena, a 5-question contest written by `loadgen
# mkcontest` (points shown at the reveal, as `make bench` plays them), and
# 20 players with wrong answers, retries and reconnects. Fails if loadgen
# reports anything incomplete (a missing or wrong ack, points at a reveal
# that do not match the answer, a player that could not join, an
# unanswered question), if the screen never showed a question's complete
# board after its reveal (fresh_reveal_*), or if PostgreSQL does not hold
# exactly one answer per player and question. Then the same players
# through 2 questions of an instant-feedback contest: every ack's points
# checked, freshness timed from the acks (fresh_ack_*). Then the reference
# servers of `make bench`, loadgen-echo (:26581) and loadgen-floor (:26582),
# each with 200 players through 2 questions (retries, reconnects): every
# ack verified, and each pushes as many bytes per question as the server
# did (within 1 %: clock digits). Then the self-paced path: 20 examinees
# through an exam of 20 questions drawn from its own bank (loadgen
# --scenario exam: saves, changes, flags, retries, review, submit, every
# reply checked) on the same server, and PostgreSQL must hold exactly the
# submitted attempts, changes and answers the load generator made. Takes
# ~20 s.
set -euo pipefail
shopt -s inherit_errexit
OUT=${1:?usage: smoke.sh OUTDIR (build/release)}
source "$(dirname "$0")/lib.sh"
OUT=$(cd "$OUT" && pwd)
PGPORT=${SA_SMOKE_PG_PORT:-26532}
REDISPORT=${SA_SMOKE_REDIS_PORT:-26579}
PORT=${SA_SMOKE_PORT:-26580}
PLAYERS=20
QUESTIONS=5
EXAMINEES=20
TOKEN=$(bench_token)

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_tmp
services_start "$PGPORT" "$REDISPORT"
"$OUT/loadgen" mkcontest --code LGSMOKE --questions "$QUESTIONS" --time-limit 10 >"$BENCH_TMP/smoke.json"
"$OUT/loadgen" mkcontest --code LGSMOKEI --questions 2 --time-limit 10 --feedback instant >"$BENCH_TMP/smoke-instant.json"
mkdir -p "$BENCH_TMP/banks"
"$OUT/loadgen" mkcontest --code LGSMOKEX --mode exam --questions 20 --bank-questions 100 \
	--bank-out "$BENCH_TMP/banks/LGSMOKEX.json" --bank-ref banks/LGSMOKEX.json >"$BENCH_TMP/smoke-exam.json"
SERVER_PIDS=()
server_start "$OUT/skillarena" "$PORT" smoke \
	"$BENCH_TMP/smoke.json,$BENCH_TMP/smoke-instant.json,$BENCH_TMP/smoke-exam.json" "$TOKEN" "$BENCH_TMP/server.log"

set +e
timeout 40 "$OUT/loadgen" run --url "ws://127.0.0.1:$PORT/ws" --code LGSMOKE --token "$TOKEN" \
	--players $PLAYERS --procs 2 --think uniform:20:300 --wrong 0.3 --retry 0.3 --reconnect 0.2 \
	--grace-ms 2000 --reveal-wait-ms 100 --timeout 30 --label smoke \
	--server-pids "${SERVER_PIDS[0]}" --json "$BENCH_TMP/smoke-result.json" | tee "$BENCH_TMP/smoke.line"
rc=${PIPESTATUS[0]}
set -e
if ((rc != 0)); then
	say "loadgen reported an incomplete run (exit $rc); result:"
	cat "$BENCH_TMP/smoke-result.json" >&2 || true
	say "server log (tail):"
	tail -30 "$BENCH_TMP/server.log" >&2
	exit 1
fi
stored=$(psql "$PGCONN" -tAc "SELECT count(*) FROM answers a JOIN contests c ON c.id = a.contest_id WHERE c.code = 'LGSMOKE'")
if [[ $stored != $((PLAYERS * QUESTIONS)) ]]; then
	die "PostgreSQL holds $stored answers for LGSMOKE, want $((PLAYERS * QUESTIONS)) (one per player and question)"
fi
# key LINEFILE - the value of one key of a bench: line
key() { sed -n "s/.* $1=\([0-9.a-z]*\).*/\1/p" "$2"; }
L=$BENCH_TMP/smoke.line
[[ $(key feedback "$L") == reveal ]] || die "loadgen did not see a reveal contest (feedback=$(key feedback "$L"))"
timed=$(key fresh_reveal_n "$L") same=$(key fresh_reveal_same "$L")
[[ -n $timed && $((timed + same)) == "$QUESTIONS" && $timed -ge 1 ]] \
	|| die "freshness from the reveal timed $timed of $QUESTIONS questions ($same unchanged boards): $(key fresh_reveal_unseen "$L") never complete on the screen, $(key fresh_reveal_unknown "$L") unknown"
say "smoke ok: $PLAYERS players x $QUESTIONS questions, every ack and every revealed point verified, $stored answers in PostgreSQL, the screen complete $(key fresh_reveal_p50_ms "$L")-$(key fresh_reveal_max_ms "$L") ms after each reveal"

set +e
timeout 40 "$OUT/loadgen" run --url "ws://127.0.0.1:$PORT/ws" --code LGSMOKEI --token "$TOKEN" \
	--players $PLAYERS --procs 2 --think uniform:20:300 --wrong 0.3 --retry 0.3 --reconnect 0.2 \
	--grace-ms 2000 --reveal-wait-ms 300 --timeout 30 --label smoke-instant \
	--server-pids "${SERVER_PIDS[0]}" --json "$BENCH_TMP/smoke-instant-result.json" | tee "$BENCH_TMP/smoke-instant.line"
rc=${PIPESTATUS[0]}
set -e
L=$BENCH_TMP/smoke-instant.line
if ((rc != 0)) || [[ $(key feedback "$L") != instant || $(key fresh_ack_n "$L") == 0 ]]; then
	say "loadgen: the instant contest's run is incomplete (exit $rc) or has no freshness from the acks; result:"
	cat "$BENCH_TMP/smoke-instant-result.json" >&2 || true
	exit 1
fi
say "smoke ok: $PLAYERS players x 2 questions with instant feedback, every ack's points verified, $(key fresh_ack_n "$L") acks seen on the screen"

# The self-paced path: an exam, think times of ~0.1 s (lognormal, 200 times faster than a person).
set +e
timeout 60 "$OUT/loadgen" run --url "ws://127.0.0.1:$PORT/ws" --code LGSMOKEX --token "$TOKEN" \
	--players $EXAMINEES --scenario exam --think lognormal:20000:0.6:60000 --time-scale 200 \
	--start-spread-ms 20000 --wrong 0.3 --change 0.2 --flag 0.2 --skip 0.05 --retry 0.1 --timeout 50 \
	--label smoke-exam --server-pids "${SERVER_PIDS[0]}" --json "$BENCH_TMP/smoke-exam-result.json" \
	| tee "$BENCH_TMP/smoke-exam.line"
rc=${PIPESTATUS[0]}
set -e
if ((rc != 0)); then
	say "loadgen reported an incomplete exam run (exit $rc); result:"
	cat "$BENCH_TMP/smoke-exam-result.json" >&2 || true
	tail -30 "$BENCH_TMP/server.log" >&2
	exit 1
fi
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$BENCH_TMP/smoke-exam.line"; }
read -r submitted changes answers < <(psql "$PGCONN" -tA -F' ' -c "
	SELECT (SELECT count(*) FROM attempts t WHERE t.contest_id = c.id AND t.status = 'submitted'),
	       (SELECT count(*) FROM answer_changes x JOIN attempts t ON t.id = x.attempt_id WHERE t.contest_id = c.id),
	       (SELECT count(*) FROM attempt_answers x JOIN attempts t ON t.id = x.attempt_id
	         WHERE t.contest_id = c.id AND x.response IS NOT NULL)
	FROM contests c WHERE c.code = 'LGSMOKEX'")
want_changes=$(field stored_changes) want_answers=$(field stored_answers)
[[ $submitted == "$EXAMINEES" ]] || die "PostgreSQL holds $submitted submitted attempts of LGSMOKEX, want $EXAMINEES"
[[ -n $want_changes && $changes == "$want_changes" ]] \
	|| die "PostgreSQL holds $changes answer changes of LGSMOKEX, the load generator made $want_changes"
[[ -n $want_answers && $answers == "$want_answers" ]] \
	|| die "PostgreSQL holds $answers answered questions of LGSMOKEX, the load generator answered $want_answers"
say "smoke ok: $EXAMINEES examinees x 20 questions, every reply verified, $submitted attempts, $changes changes, $answers answers in PostgreSQL"

push_bytes() { sed -n 's/.* push_bytes=\([0-9]*\).*/\1/p' "$1"; }
want=$(push_bytes "$BENCH_TMP/smoke.line")
[[ -n $want && $want -gt 0 ]] || die "the server's run reported no push_bytes"
port=$((PORT + 1))
for sys in echo floor; do
	"$OUT/loadgen-$sys" --port "$port" --questions 2 --time-limit-ms 10000 2>"$BENCH_TMP/$sys.log" &
	pid=$!
	BENCH_PIDS+=("$pid")
	wait_port "$port" "$pid" 10 || { cat "$BENCH_TMP/$sys.log" >&2; die "loadgen-$sys did not start"; }
	set +e
	timeout 40 "$OUT/loadgen" run --url "ws://127.0.0.1:$port/ws" --code ECHO --token x --players 200 \
		--scenario live --questions 2 --think uniform:0:300 --retry 0.2 --reconnect 0.1 --host-all \
		--no-screen --reveal-wait-ms 100 --timeout 30 --label smoke --target "$sys" \
		--server-pids "$pid" >"$BENCH_TMP/$sys.line"
	rc=$?
	set -e
	cat "$BENCH_TMP/$sys.line"
	((rc == 0)) || { tail -5 "$BENCH_TMP/$sys.log" >&2; die "loadgen-$sys: incomplete run (exit $rc)"; }
	got=$(push_bytes "$BENCH_TMP/$sys.line")
	((got * 100 >= want * 99 && got * 100 <= want * 101)) \
		|| die "loadgen-$sys pushes $got bytes per question, the server $want: keep tools/loadgen/miniproto.c in step with the server's state and question messages"
	stop_pid "$pid"
	port=$((port + 1))
done
say "smoke ok: loadgen-echo and loadgen-floor, 200 players each, every ack verified, $want push bytes like the server"
