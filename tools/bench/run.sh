#!/usr/bin/env bash
# tools/bench/run.sh OUTDIR - every benchmark scenario (make bench).
#
# 1. throwaway PostgreSQL (:26432) and Redis (:26379) (tools/services.sh)
# 2. ceilings: PostgreSQL batched INSERT / COPY / single INSERT into an
#    answers-shaped table, Redis ZINCRBY pipelined and not (loadgen-ceiling)
# 3. SkillArena: one server process per core, all on :26100 with
#    --listen-share (BENCH_SHARE=0: one port each from :26100), then
#      live    BENCH_LIVE_PLAYERS (1000) players, a 20-question live contest
#      burstN  N players all answering within 2 s, N in BENCH_BURST (5000 10000 20000)
#      ramp    BENCH_RAMP_PLAYERS (10000) players, answers/s stepped up
#              through BENCH_RATES until the p99 ack exceeds 100 ms twice in a row
# 4. the same scenarios against loadgen-echo (raw libwebsockets on libuv,
#    no database: the ceiling), one process per core on :26200/:26201,
#    with its best write path (BENCH_ECHO_WRITE=direct; queue|raw to compare)
# 5. tools/bench/report.sh: a Markdown table, every figure with its ratio
#    to its ceiling
#
# Results: build/bench/<UTC time>/ (bench.log with every "bench:" line,
# one JSON per scenario, server logs, report.md). BENCH_ONLY=regex runs only
# matching scenarios (e.g. 'live|burst5000'); BENCH_SKIP_ECHO=1,
# BENCH_SKIP_SERVER=1, BENCH_SKIP_CEILING=1 skip parts. Every run is bounded
# (--timeout), loopback only. BENCH_SERVER_ARGS adds options to every
# `skillarena serve` (e.g. '--commit-inflight 2').
set -euo pipefail
shopt -s inherit_errexit
OUT=${1:?usage: run.sh OUTDIR (build/release)}
source "$(dirname "$0")/lib.sh"
OUT=$(cd "$OUT" && pwd)

PGPORT=${BENCH_PG_PORT:-26432}
REDISPORT=${BENCH_REDIS_PORT:-26379}
SRV_PORT=${BENCH_PORT:-26100}
ECHO_PORT=${BENCH_ECHO_PORT:-26200}
CORES=$(nproc)
NPROC_SRV=${BENCH_SERVER_PROCS:-$CORES}
SHARE=${BENCH_SHARE:-1}
LIVE_PLAYERS=${BENCH_LIVE_PLAYERS:-1000}
BURSTS=${BENCH_BURST:-5000 10000 20000}
RAMP_PLAYERS=${BENCH_RAMP_PLAYERS:-10000}
RATES=${BENCH_RATES:-1000,2000,3000,4000,5000,6000,8000,10000,12000,15000,20000,25000,30000,40000,50000,65000}
ONLY=${BENCH_ONLY:-}
TOKEN=$(bench_token)
RES=${BENCH_RESULTS:-$ROOT/build/bench/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$RES"
LOG=$RES/bench.log
: >"$LOG"

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_tmp

selected() { [[ -z $ONLY ]] || [[ $1 =~ $ONLY ]]; }

# machine facts for the report
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $CORES"
	echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "kernel: $(uname -r)"
	echo "nofile: $(ulimit -n) (hard $(ulimit -Hn))"
	echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RES/machine.txt"
cat "$RES/machine.txt" >&2

services_start "$PGPORT" "$REDISPORT"

# --------------------------------------------------------------- ceilings
if [[ ${BENCH_SKIP_CEILING:-0} != 1 ]]; then
	say "ceilings: PostgreSQL and Redis alone"
	"$OUT/loadgen-ceiling" pg "$PGCONN" --rows "${BENCH_PG_ROWS:-200000}" --batch 500 | tee -a "$LOG"
	"$OUT/loadgen-ceiling" redis "$REDISADDR" --ops "${BENCH_REDIS_OPS:-500000}" --pipeline 64 | tee -a "$LOG"
fi

# --------------------------------------------------------------- contests
C=$BENCH_TMP/contests
mkdir -p "$C"
"$OUT/loadgen" mkcontest --code LGLIVE --questions 20 --time-limit 20 >"$C/live.json"
for n in $BURSTS; do
	"$OUT/loadgen" mkcontest --code "LGB$n" --questions 1 --time-limit 20 >"$C/burst$n.json"
done
nrates=$(tr ',' '\n' <<<"$RATES" | wc -l)
"$OUT/loadgen" mkcontest --code LGRAMP --questions "$nrates" --time-limit 120 >"$C/ramp.json"
CONTESTS=$(ls "$C"/*.json | paste -sd, -)

# scenario NAME TARGET URL PIDS ARGS... - one loadgen run; its bench: line goes to bench.log.
scenario() {
	local name=$1 target=$2 url=$3 pids=$4
	shift 4
	say "scenario $name against $target"
	local rc=0
	timeout 900 "$OUT/loadgen" run --url "$url" --token "$TOKEN" --label "$name" --target "$target" \
		${pids:+--server-pids "$pids"} --json "$RES/$name-$target.json" --timeout 600 "$@" \
		2>"$RES/$name-$target.err" | tee -a "$LOG" || rc=$?
	((rc == 0)) || say "scenario $name/$target incomplete (exit $rc): see $RES/$name-$target.err"
	sleep 2 # let closed connections drain before the next scenario
}

# fresh N - fresh server processes before a scenario (echo: ready for N
# questions), so RSS and state start from zero every time; sets pids.
fresh() {
	if [[ $echo == 1 ]]; then
		restart_echo "$1"
		pids=$ECHO_PIDS
	else
		restart_servers
		pids=$PIDS
	fi
}

# run_scenarios TARGET URL ECHO EXTRA... - the scenario list, one place.
run_scenarios() {
	local target=$1 url=$2 echo=$3 pids=''
	shift 3
	local code
	if selected live; then
		code=LGLIVE
		fresh 20
		scenario live "$target" "$url" "$pids" --code $code --players "$LIVE_PLAYERS" --scenario live \
			--think uniform:200:3000 --wrong 0.3 --retry 0.05 --reconnect 0.02 "$@"
	fi
	for n in $BURSTS; do
		selected "burst$n" || continue
		fresh 1
		scenario "burst$n" "$target" "$url" "$pids" --code "LGB$n" --players "$n" --scenario burst \
			--think uniform:0:2000 --wrong 0.3 "$@"
	done
	if selected ramp; then
		fresh "$nrates"
		scenario ramp "$target" "$url" "$pids" --code LGRAMP --players "$RAMP_PLAYERS" --scenario ramp \
			--rates "$RATES" --slow-ms "${BENCH_SLOW_MS:-100}" --wrong 0.3 --reveal-wait-ms 500 "$@"
	fi
}

# --------------------------------------------------------------- SkillArena
restart_servers() {
	stop_all
	SERVER_PIDS=()
	local i ports=()
	if [[ $SHARE == 1 ]]; then
		for ((i = 1; i <= NPROC_SRV; i++)); do
			server_start "$OUT/skillarena" "$SRV_PORT" "bench-$i" "$CONTESTS" "$TOKEN" "$RES/server-$i.log" --listen-share
		done
		URL="ws://127.0.0.1:$SRV_PORT/ws"
	else
		for ((i = 1; i <= NPROC_SRV; i++)); do
			server_start "$OUT/skillarena" $((SRV_PORT + i - 1)) "bench-$i" "$CONTESTS" "$TOKEN" "$RES/server-$i.log"
			ports+=($((SRV_PORT + i - 1)))
		done
		URL="ws://127.0.0.1:$(IFS=,; echo "${ports[*]}")/ws"
	fi
	PIDS=$(IFS=,; echo "${SERVER_PIDS[*]}")
}
if [[ ${BENCH_SKIP_SERVER:-0} != 1 ]]; then
	if [[ $SHARE == 1 ]]; then
		URL="ws://127.0.0.1:$SRV_PORT/ws"
	else
		URL="ws://127.0.0.1:$(seq -s, "$SRV_PORT" $((SRV_PORT + NPROC_SRV - 1)))/ws"
	fi
	say "SkillArena: $NPROC_SRV process(es) at $URL, fresh for every scenario"
	run_scenarios skillarena "$URL" 0
	stop_all
fi

# --------------------------------------------------------------- echo ceiling
ECHO_PIDS=''
restart_echo() {
	stop_all
	local i pids=()
	for ((i = 0; i < NPROC_SRV; i++)); do
		"$OUT/loadgen-echo" --port $((ECHO_PORT + i)) --questions "$1" --time-limit-ms 20000 \
			--write "${BENCH_ECHO_WRITE:-direct}" 2>>"$RES/echo.log" &
		BENCH_PIDS+=($!)
		pids+=($!)
		wait_port $((ECHO_PORT + i)) $! 10 || die "loadgen-echo did not start on :$((ECHO_PORT + i))"
	done
	ECHO_PIDS=$(IFS=,; echo "${pids[*]}")
}
if [[ ${BENCH_SKIP_ECHO:-0} != 1 ]]; then
	eports=()
	for ((i = 0; i < NPROC_SRV; i++)); do eports+=($((ECHO_PORT + i))); done
	EURL="ws://127.0.0.1:$(IFS=,; echo "${eports[*]}")/ws"
	run_scenarios echo "$EURL" 1 --host-all --no-screen
	stop_all
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES/machine.txt"
"$ROOT/tools/bench/report.sh" "$RES" >"$RES/report.md"
cat "$RES/report.md"
say "results in ${RES#"$ROOT"/}/ (report.md, bench.log, one JSON per scenario)"
