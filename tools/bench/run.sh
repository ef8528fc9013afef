#!/usr/bin/env bash
# tools/bench/run.sh OUTDIR - every benchmark scenario, interleaved (make bench).
#
# 1. throwaway PostgreSQL (:26432) and Redis (:26379) (tools/services.sh,
#    passwords: the role's passfile, Redis' password file, and a 32-digit
#    organizer token in a 0600 file, as the server requires)
# 2. ceilings: PostgreSQL batched INSERT / COPY / single INSERT into an
#    answers-shaped table, Redis ZINCRBY pipelined and not (loadgen-ceiling)
# 3. the scenarios, each run BENCH_ROUNDS (3) times against each system in
#    turn, A B C A B C ..., so that what the machine does meanwhile hits all
#    of them alike:
#      skillarena  one `skillarena serve` per core, all on :26100 with
#                  --listen-share (BENCH_SHARE=0: one port each from :26100)
#      echo        loadgen-echo, raw libwebsockets on libuv with no database
#                  (the ceiling), one process per core from :26200
#      floor       loadgen-floor, plain sockets on epoll, one send() per
#                  recipient (the physical floor), one process per core from
#                  :26300; only in the scenarios matching BENCH_FLOOR_ONLY
#                  (burst|push: the fan-out comparison)
#    Scenarios:
#      live    BENCH_LIVE_PLAYERS (1000) players, a 20-question live contest
#      burstN  N players all answering within 2 s of the question, N in
#              BENCH_BURST (5000 10000 20000): answers arrive during the push
#      pushN   N players answering 3-5 s after the question, N in BENCH_PUSH
#              (20000): the push alone, nothing else to do meanwhile
#      ramp    BENCH_RAMP_PLAYERS (10000) players, answers/s stepped up
#              through BENCH_RATES until the p99 ack exceeds 100 ms twice in a row
#    These contests show points at the reveal ("feedback": "reveal", the
#    default of real contests): acks carry no points, and leaderboard
#    freshness is timed from the host's reveal to the screen's first board
#    that reflects every answer of the question (fresh_reveal_*).
#      S-instant  for each S in BENCH_INSTANT (burst10000): the same scenario
#              with "feedback": "instant", SkillArena only: freshness from
#              each ack to the screen (fresh_ack_*, the figure of runs
#              before 2026-12-06)
#    Self-paced scenarios (SkillArena only: the references speak no self-paced
#    message; docs/performance.md, "Self-paced modes"):
#      exam      BENCH_EXAM_PLAYERS (20000) examinees join, start their
#                attempts over 2 virtual minutes, save each of 20 questions
#                after a lognormal think time (median 20 s), change 10 %,
#                flag 5 %, review, submit; virtual time runs BENCH_EXAM_SCALE
#                (10) times faster
#      saveramp  BENCH_SAVERAMP_PLAYERS (10000) with an attempt each; saves/s
#                stepped through BENCH_SAVE_RATES, BENCH_SAVE_STEP_MS (10000)
#                each, until the p99 exceeds 100 ms twice in a row
#      mass      BENCH_MASS_SESSIONS (20000) sessions of the mass contest
#                arriving at BENCH_MASS_RATE (342) a second, the national
#                contest's peak (docs/scaling.md): join, attempt, 10 saves in
#                5 virtual minutes (BENCH_MASS_SCALE: 10), submit, GET board
#    Every system gets fresh processes (and SkillArena a fresh contest code)
#    for every run. Each run's bench: line gets the round and what else the
#    machine did meanwhile: load average before and after, the machine's busy
#    CPU, the share of it the benchmark's own processes used (servers,
#    PostgreSQL, Redis, load generator), the rest (other_cpu_pct), steal.
# 4. tools/bench/report.sh: per system min-max and median over the rounds,
#    and every figure as a ratio to its ceiling and floor, round by round
#
# Results: build/bench/<UTC time>/ (bench.log with every "bench:" line,
# one JSON per run, server logs, report.md). Knobs: BENCH_ONLY=regex runs
# only matching scenarios (e.g. 'burst20000'); BENCH_SYSTEMS ('skillarena
# echo floor'); BENCH_ROUNDS (3); BENCH_SKIP_ECHO=1, BENCH_SKIP_SERVER=1,
# BENCH_SKIP_FLOOR=1, BENCH_SKIP_CEILING=1 skip parts. Every run is bounded
# (--timeout), loopback only. BENCH_SERVER_ARGS adds options to every
# `skillarena serve` (e.g. '--commit-interval-ms 5').
set -euo pipefail
shopt -s inherit_errexit
OUT=${1:?usage: run.sh OUTDIR (build/release)}
source "$(dirname "$0")/lib.sh"
OUT=$(cd "$OUT" && pwd)

PGPORT=${BENCH_PG_PORT:-26432}
REDISPORT=${BENCH_REDIS_PORT:-26379}
SRV_PORT=${BENCH_PORT:-26100}
ECHO_PORT=${BENCH_ECHO_PORT:-26200}
FLOOR_PORT=${BENCH_FLOOR_PORT:-26300}
CORES=$(nproc)
NPROC_SRV=${BENCH_SERVER_PROCS:-$CORES}
SHARE=${BENCH_SHARE:-1}
ROUNDS=${BENCH_ROUNDS:-3}
FLOOR_ONLY=${BENCH_FLOOR_ONLY:-burst|push}
LIVE_PLAYERS=${BENCH_LIVE_PLAYERS:-1000}
BURSTS=${BENCH_BURST:-5000 10000 20000}
PUSHES=${BENCH_PUSH:-20000}
INSTANT=${BENCH_INSTANT-burst10000}
RAMP_PLAYERS=${BENCH_RAMP_PLAYERS:-10000}
RATES=${BENCH_RATES:-1000,2000,3000,4000,5000,6000,8000,10000,12000,15000,20000,25000,30000,40000,50000,65000}
EXAM_PLAYERS=${BENCH_EXAM_PLAYERS:-20000}
EXAM_SCALE=${BENCH_EXAM_SCALE:-10}
SAVERAMP_PLAYERS=${BENCH_SAVERAMP_PLAYERS:-10000}
SAVE_RATES=${BENCH_SAVE_RATES:-1000,2000,3000,4000,5000,6000,8000,10000,12000,15000,20000,25000,30000,40000}
SAVE_STEP_MS=${BENCH_SAVE_STEP_MS:-10000}
MASS_SESSIONS=${BENCH_MASS_SESSIONS:-20000}
MASS_RATE=${BENCH_MASS_RATE:-342}
MASS_SCALE=${BENCH_MASS_SCALE:-10}
PACED='^(exam|saveramp|mass)$' # scenarios only SkillArena plays
ONLY=${BENCH_ONLY:-}
TOKEN=$(bench_token)
RES=${BENCH_RESULTS:-$ROOT/build/bench/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$RES"
LOG=$RES/bench.log
: >"$LOG"

SYSTEMS=()
for s in ${BENCH_SYSTEMS:-skillarena echo floor}; do
	case $s in
	skillarena) [[ ${BENCH_SKIP_SERVER:-0} == 1 ]] || SYSTEMS+=("$s") ;;
	echo) [[ ${BENCH_SKIP_ECHO:-0} == 1 ]] || SYSTEMS+=("$s") ;;
	floor) [[ ${BENCH_SKIP_FLOOR:-0} == 1 ]] || SYSTEMS+=("$s") ;;
	*) die "unknown system '$s' in BENCH_SYSTEMS (skillarena, echo, floor)" ;;
	esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive number"

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_tmp

selected() { [[ -z $ONLY ]] || [[ $1 =~ $ONLY ]]; }

SCENARIOS=()
selected live && SCENARIOS+=(live)
for n in $BURSTS; do selected "burst$n" && SCENARIOS+=("burst$n"); done
for n in $PUSHES; do selected "push$n" && SCENARIOS+=("push$n"); done
selected ramp && SCENARIOS+=(ramp)
for s in $INSTANT; do
	[[ $s =~ ^(live|ramp|burst[0-9]+|push[0-9]+)$ ]] || die "BENCH_INSTANT: '$s' is not a live scenario (live, burstN, pushN, ramp)"
	selected "$s-instant" && SCENARIOS+=("$s-instant")
done
for sc in exam saveramp mass; do selected "$sc" && SCENARIOS+=("$sc"); done
((${#SCENARIOS[@]})) || die "BENCH_ONLY='$ONLY' selects no scenario (live, burst${BURSTS// /, burst}, push${PUSHES// /, push}, ramp, exam, saveramp, mass, S-instant for S in BENCH_INSTANT)"

# busiest WHEN - the five processes using most CPU over one second (top).
busiest() {
	echo "busiest processes $1 (top, %CPU over 1 s):"
	top -bn2 -d1 -w 160 | awk '/^top -/ { n++ } n == 2' | sed -n '8,12p' \
		| awk '{ printf "    %s %% %s (%s)\n", $9, $12, $2 }'
}

# machine facts for the report
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $CORES"
	echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "kernel: $(uname -r)"
	echo "nofile: $(ulimit -n) (hard $(ulimit -Hn))"
	echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
	echo "server processes: $NPROC_SRV"
	echo "systems: ${SYSTEMS[*]} (floor only in scenarios matching '$FLOOR_ONLY'); rounds: $ROUNDS, interleaved"
	echo "scenarios: ${SCENARIOS[*]}"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	busiest before
} >"$RES/machine.txt"
cat "$RES/machine.txt" >&2

services_start "$PGPORT" "$REDISPORT"

# --------------------------------------------------------------- ceilings
if [[ ${BENCH_SKIP_CEILING:-0} != 1 ]]; then
	say "ceilings: PostgreSQL and Redis alone"
	"$OUT/loadgen-ceiling" pg "$PGCONN" --rows "${BENCH_PG_ROWS:-200000}" --batch 500 | tee -a "$LOG"
	"$OUT/loadgen-ceiling" redis "$REDISADDR" --ops "${BENCH_REDIS_OPS:-500000}" --pipeline 64 \
		--password-file "$REDIS_PASSWORD_FILE" | tee -a "$LOG"
fi

# scenario_args NAME - sets CODE, QUESTIONS, LIMIT_MS (the contest's time
# limit), FEEDBACK (reveal, or instant for NAME-instant) and ARGS (the
# loadgen options) of a scenario.
nrates=$(tr ',' '\n' <<<"$RATES" | wc -l)
scenario_args() {
	local sc=${1%-instant}
	LIMIT_MS=20000 FEEDBACK=reveal
	case $sc in
	live)
		CODE=LGLIVE QUESTIONS=20
		ARGS=(--players "$LIVE_PLAYERS" --scenario live --think uniform:200:3000 --wrong 0.3 --retry 0.05
			--reconnect 0.02)
		;;
	burst*)
		CODE=LGB${sc#burst} QUESTIONS=1
		ARGS=(--players "${sc#burst}" --scenario burst --think uniform:0:2000 --wrong 0.3)
		;;
	push*)
		CODE=LGP${sc#push} QUESTIONS=1
		ARGS=(--players "${sc#push}" --scenario burst --think uniform:3000:5000 --wrong 0.3)
		;;
	ramp)
		CODE=LGRAMP QUESTIONS=$nrates LIMIT_MS=120000
		ARGS=(--players "$RAMP_PLAYERS" --scenario ramp --rates "$RATES" --slow-ms "${BENCH_SLOW_MS:-100}"
			--wrong 0.3 --reveal-wait-ms 500)
		;;
	exam)
		CODE=LGEXAM QUESTIONS=20
		ARGS=(--players "$EXAM_PLAYERS" --scenario exam --think lognormal:20000:0.6:120000
			--time-scale "$EXAM_SCALE" --start-spread-ms 120000 --wrong 0.3 --change 0.1 --flag 0.05
			--skip 0.02 --retry 0.02)
		;;
	saveramp)
		CODE=LGSAVE QUESTIONS=20
		ARGS=(--players "$SAVERAMP_PLAYERS" --scenario saveramp --rates "$SAVE_RATES" --step-ms "$SAVE_STEP_MS"
			--slow-ms "${BENCH_SLOW_MS:-100}" --start-spread-ms 5000)
		;;
	mass)
		CODE=LGMASS QUESTIONS=10
		ARGS=(--players "$MASS_SESSIONS" --scenario mass --arrival-rate "$MASS_RATE" --think lognormal:12000:0.5:45000
			--time-scale "$MASS_SCALE" --wrong 0.3 --change 0.05 --flag 0.02 --skip 0.02 --retry 0.01
			--board-share 1)
		;;
	esac
	if [[ $1 == *-instant ]]; then
		CODE+=I FEEDBACK=instant
	fi
}

# --------------------------------------------------------------- contests
# One contest per scenario and round: a finished contest cannot be played again.
C=$BENCH_TMP/contests
mkdir -p "$C/banks"
for ((r = 1; r <= ROUNDS; r++)); do
	for sc in "${SCENARIOS[@]}"; do
		[[ $sc =~ $PACED ]] && continue
		scenario_args "$sc"
		"$OUT/loadgen" mkcontest --code "${CODE}R$r" --questions "$QUESTIONS" --time-limit $((LIMIT_MS / 1000)) \
			--feedback "$FEEDBACK" >"$C/$sc-$r.json"
	done
	# self-paced: each contest draws its papers from its own bank (banks/, not a contest file)
	for p in "exam LGEXAMR$r 20 60" "saveramp LGSAVER$r 20 120" "mass LGMASSR$r 10 5"; do
		read -r sc code nq dur <<<"$p"
		selected "$sc" || continue
		mode=exam
		[[ $sc == mass ]] && mode=mass
		"$OUT/loadgen" mkcontest --code "$code" --mode "$mode" --questions "$nq" --duration-min "$dur" \
			--bank-questions $((nq * 25)) --bank-out "$C/banks/$code.json" --bank-ref "banks/$code.json" \
			>"$C/$sc-$r.json"
	done
done
CONTESTS=$(ls "$C"/*.json | paste -sd, -)

# --------------------------------------------------------------- the systems
# start_system NAME QUESTIONS LIMIT_MS - fresh processes of one system (RSS
# and state from zero every run); sets URL, PIDS (comma-separated) and
# SYS_ARGS. echo and floor get the contest's size and time limit, so that
# their pushes are SkillArena's bytes.
start_system() {
	stop_all
	SERVER_PIDS=()
	local i ports=() logf
	case $1 in
	skillarena)
		for ((i = 1; i <= NPROC_SRV; i++)); do
			if [[ $SHARE == 1 ]]; then
				server_start "$OUT/skillarena" "$SRV_PORT" "bench-$i" "$CONTESTS" "$TOKEN" \
					"$RES/server-$i.log" --listen-share
			else
				server_start "$OUT/skillarena" $((SRV_PORT + i - 1)) "bench-$i" "$CONTESTS" "$TOKEN" \
					"$RES/server-$i.log"
				ports+=($((SRV_PORT + i - 1)))
			fi
		done
		[[ $SHARE == 1 ]] && ports=("$SRV_PORT")
		SYS_ARGS=()
		;;
	echo | floor)
		local base=$ECHO_PORT
		[[ $1 == floor ]] && base=$FLOOR_PORT
		logf=$RES/$1.log
		for ((i = 0; i < NPROC_SRV; i++)); do
			if [[ $1 == echo ]]; then
				"$OUT/loadgen-echo" --port $((base + i)) --questions "$2" --time-limit-ms "$3" \
					--write "${BENCH_ECHO_WRITE:-direct}" 2>>"$logf" &
			else
				"$OUT/loadgen-floor" --port $((base + i)) --questions "$2" --time-limit-ms "$3" 2>>"$logf" &
			fi
			BENCH_PIDS+=($!)
			SERVER_PIDS+=($!)
			wait_port $((base + i)) $! 10 || die "loadgen-$1 did not start on :$((base + i))"
			ports+=($((base + i)))
		done
		SYS_ARGS=(--host-all --no-screen)
		;;
	esac
	URL="ws://127.0.0.1:$(IFS=,; echo "${ports[*]}")/ws"
	PIDS=$(IFS=,; echo "${SERVER_PIDS[*]}")
}

# --------------------------------------------------------------- what else ran
HZ=$(getconf CLK_TCK)
# machine_ticks - "busy steal" jiffies of the whole machine since boot (/proc/stat).
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9; exit }' /proc/stat; }
# tree_ticks PID... - utime+stime jiffies of these processes and their children.
tree_ticks() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v roots=" $* " '{
		rest = substr($0, index($0, ") ") + 2); split(rest, f, " ")
		if (index(roots, " " $1 " ") || index(roots, " " f[2] " ")) t += f[12] + f[13]
	} END { print t + 0 }'
}
svc_pids() {
	local p
	for p in "$BENCH_SVC/pg/postmaster.pid" "$BENCH_SVC/redis/redis.pid"; do
		[[ -r $p ]] && head -1 "$p"
	done
}

# run_one SCENARIO SYSTEM ROUND - one loadgen run; its bench: line, with the
# round and the load notes appended, goes to bench.log.
run_one() {
	local sc=$1 sys=$2 r=$3 rc=0 line
	scenario_args "$sc"
	start_system "$sys" "$QUESTIONS" "$LIMIT_MS"
	local code=$CODE
	[[ $sys == skillarena ]] && code=${CODE}R$r
	local roots l0 m0 t0 w0 l1 m1 t1 w1
	roots="${SERVER_PIDS[*]} $(svc_pids | paste -sd' ' -)"
	l0=$(cut -d' ' -f1 /proc/loadavg) m0=$(machine_ticks) t0=$(tree_ticks $roots) w0=$(date +%s.%N)
	say "round $r/$ROUNDS: $sc against $sys"
	line=$(timeout 900 "$OUT/loadgen" run --url "$URL" --token "$TOKEN" --label "$sc" --target "$sys" \
		--server-pids "$PIDS" --json "$RES/$sc-$sys-r$r.json" --timeout 600 --code "$code" \
		"${ARGS[@]}" "${SYS_ARGS[@]}" 2>"$RES/$sc-$sys-r$r.err") || rc=$?
	l1=$(cut -d' ' -f1 /proc/loadavg) m1=$(machine_ticks) t1=$(tree_ticks $roots) w1=$(date +%s.%N)
	((rc == 0)) || say "$sc/$sys round $r incomplete (exit $rc): see $RES/$sc-$sys-r$r.err"
	[[ -n $line ]] || line="bench: scenario=$sc target=$sys complete=0"
	line+=$(awk -v r="$r" -v l0="$l0" -v l1="$l1" -v m0="$m0" -v m1="$m1" -v t0="$t0" -v t1="$t1" \
		-v w0="$w0" -v w1="$w1" -v hz="$HZ" -v lg="$(sed -n 's/.* loadgen_cpu_s=\([0-9.]*\).*/\1/p' <<<"$line")" 'BEGIN {
		split(m0, a, " "); split(m1, b, " "); wall = w1 - w0
		busy = (b[1] - a[1]) / hz / wall * 100; steal = (b[2] - a[2]) / hz / wall * 100
		ours = ((t1 - t0) / hz + lg) / wall * 100; other = busy - ours
		printf " round=%d wall_s=%.0f load1_before=%s load1_after=%s machine_busy_pct=%.0f bench_cpu_pct=%.0f other_cpu_pct=%.0f steal_pct=%.0f",
			r, wall, l0, l1, busy, ours, other < 0 ? 0 : other, steal }')
	echo "$line" | tee -a "$LOG"
	stop_all
	sleep 2 # let closed connections drain before the next run
}

for sc in "${SCENARIOS[@]}"; do
	for ((r = 1; r <= ROUNDS; r++)); do
		for sys in "${SYSTEMS[@]}"; do
			[[ $sys == floor && ! $sc =~ $FLOOR_ONLY ]] && continue
			[[ $sys != skillarena && ($sc =~ $PACED || $sc == *-instant) ]] && continue
			run_one "$sc" "$sys" "$r"
		done
	done
done

{
	echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
	busiest after
} >>"$RES/machine.txt"
"$ROOT/tools/bench/report.sh" "$RES" >"$RES/report.md"
cat "$RES/report.md"
say "results in ${RES#"$ROOT"/}/ (report.md, bench.log, one JSON per run)"
