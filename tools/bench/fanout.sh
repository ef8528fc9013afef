#!/usr/bin/env bash
# tools/bench/fanout.sh OUTDIR [PLAYERS] [MODES] - the fan-out experiment of
# docs/performance.md: loadgen-echo (one process per core) with each write
# path (queue: lws_callback_on_writable + one lws_write per WRITEABLE;
# direct: lws_write at once when nothing is queued; raw: pre-framed,
# packed LWS_WRITE_RAW), and loadgen-floor (mode floor: plain sockets, one
# send() per recipient), PLAYERS (10000) players, 3 questions answered 1 s
# after they arrive (so pushes do not overlap answers). Prints per mode the
# server-side time to write one question to everybody (from the echo log),
# the loadgen fan-out p50/p99, and system calls per delivered message
# (perf stat on the echo processes).
set -euo pipefail
shopt -s inherit_errexit
OUT=${1:?usage: fanout.sh OUTDIR [PLAYERS] [MODES]}
PLAYERS=${2:-10000}
MODES=${3:-queue direct raw floor}
source "$(dirname "$0")/lib.sh"
OUT=$(cd "$OUT" && pwd)
PORT=${BENCH_ECHO_PORT:-26200}
NPROC=$(nproc)
trap bench_cleanup EXIT
bench_tmp
EV=syscalls:sys_enter_sendto,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,task-clock
for mode in $MODES; do
	pids=() ports=()
	for ((i = 0; i < NPROC; i++)); do
		if [[ $mode == floor ]]; then
			"$OUT/loadgen-floor" --port $((PORT + i)) --questions 3 2>>"$BENCH_TMP/echo-$mode.log" &
		else
			"$OUT/loadgen-echo" --port $((PORT + i)) --questions 3 --write "$mode" 2>>"$BENCH_TMP/echo-$mode.log" &
		fi
		BENCH_PIDS+=($!) pids+=($!) ports+=($((PORT + i)))
		wait_port $((PORT + i)) $! 10 || die "echo did not start"
	done
	perf stat -x, -e "$EV" -p "$(IFS=,; echo "${pids[*]}")" -o "$BENCH_TMP/perf-$mode.csv" &
	perfpid=$!
	line=$(timeout 300 "$OUT/loadgen" run --url "ws://127.0.0.1:$(IFS=,; echo "${ports[*]}")/ws" --code ECHO \
		--token x --players "$PLAYERS" --scenario live --questions 3 --think fixed:1000 --host-all \
		--no-screen --label "fanout-$mode" --target echo --server-pids "$(IFS=,; echo "${pids[*]}")" \
		--timeout 200 2>/dev/null || true)
	kill -INT "$perfpid" 2>/dev/null || true
	wait "$perfpid" 2>/dev/null || true
	stop_all
	delivered=$(sed -n 's/.* \([0-9]*\) messages in \([0-9]*\) writes/\1/p' "$BENCH_TMP/echo-$mode.log" | paste -sd+ - | bc)
	server_ms=$(sed -n 's/.*written to \([0-9]*\) connections in \([0-9.]*\) ms.*/\2/p' "$BENCH_TMP/echo-$mode.log" | paste -sd' ' -)
	percalls=$(awk -F, -v d="$delivered" '$3 ~ /syscalls/ { sub("syscalls:sys_enter_", "", $3); printf "%s=%.2f ", $3, $1 / d }
		$3 == "task-clock" { printf "cpu_us_per_msg=%.2f ", $1 * 1000 / d }' "$BENCH_TMP/perf-$mode.csv")
	echo "fanout: mode=$mode players=$PLAYERS delivered=$delivered server_write_ms=[$server_ms] $percalls"
	echo "        $(tr ' ' '\n' <<<"$line" | grep -E '^(fanout_p50_ms|fanout_p99_ms|fanout_max_ms|ack_p99_ms|complete)=' | paste -sd' ' -)"
	: >"$BENCH_TMP/echo-$mode.log"
done
