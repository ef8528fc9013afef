#!/usr/bin/env bash
# tools/run.sh - run SkillArena locally (what `make run` does after building).
#
# Starts PostgreSQL and Redis under var/ (kept between runs), creates
# var/organizer-token once, then TWO server processes (one per core) that share
# port 8080 through SO_REUSEPORT (--listen-share), instances run-1 and run-2,
# with the demo contests (contests/demo/*.json) and the plugins built into
# build/release/plugins (if any). Prints the player, host and screen URLs.
# Ctrl-C or SIGTERM stops the servers (SIGTERM, then wait), then the services.
# If a server exits on its own, the other one and the services are stopped too.
#
# Environment (all optional):
#   SA_RUN_PORT   server port                   (8080)
#   SA_PG_PORT    PostgreSQL port                (15432)
#   SA_REDIS_PORT Redis port                     (16379)
#   SA_VAR        state directory                (var/ in the repository)
#   SA_PROCESSES  number of server processes     (2)
#   SA_LOG_LEVEL  server log level               (info)
#   SA_BIN        server binary                  (build/release/skillarena)
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

PORT=${SA_RUN_PORT:-8080}
PGPORT=${SA_PG_PORT:-15432}
REDISPORT=${SA_REDIS_PORT:-16379}
VAR=${SA_VAR:-$ROOT/var}
NPROC=${SA_PROCESSES:-2}
BIN=${SA_BIN:-$ROOT/build/release/skillarena}
LOGDIR=$VAR/log

log() { printf 'run: %s\n' "$*" >&2; }
die() { printf 'run: error: %s\n' "$*" >&2; exit 1; }

[[ -x $BIN ]] || die "$BIN not found: build it with make (make run does)"
[[ $NPROC =~ ^[1-9]$ ]] || die "SA_PROCESSES must be 1..9"
mkdir -p "$VAR" "$LOGDIR"
chmod 755 "$VAR"

PIDS=()
SERVICES_STARTED=0
STOPPING=0

stop_servers() {
	local pid i left
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	# Wait up to 20 s for a clean shutdown (pending commits are flushed).
	for ((i = 0; i < 200; i++)); do
		left=0
		for pid in "${PIDS[@]}"; do
			kill -0 "$pid" 2>/dev/null && left=1
		done
		((left)) || break
		sleep 0.1
	done
	for pid in "${PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			log "server pid $pid did not stop in 20 s: SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	PIDS=()
}

cleanup() {
	((STOPPING)) && return 0
	STOPPING=1
	trap '' INT TERM
	if ((${#PIDS[@]})); then
		log "stopping servers"
		stop_servers
	fi
	if ((SERVICES_STARTED)); then
		log "stopping PostgreSQL and Redis"
		"$ROOT/tools/services.sh" stop "$VAR" || true
	fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_busy "$PORT" && die "port $PORT is already in use (another make run? set SA_RUN_PORT)"

SERVICES_STARTED=1
"$ROOT/tools/services.sh" start "$VAR" "$PGPORT" "$REDISPORT"

if [[ ! -s $VAR/organizer-token ]]; then
	(umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$VAR/organizer-token")
	log "created $VAR/organizer-token"
fi
TOKEN=$(<"$VAR/organizer-token")

CONTESTS=$(printf '%s,' "$ROOT"/contests/demo/*.json)
CONTESTS=${CONTESTS%,}
ARGS=(serve --port "$PORT" --listen-share
	--pg "host=127.0.0.1 port=$PGPORT user=skillarena dbname=skillarena"
	--redis "127.0.0.1:$REDISPORT"
	--web "$ROOT/web" --contests "$CONTESTS"
	--organizer-token "$TOKEN" --log-level "${SA_LOG_LEVEL:-info}")
[[ -d $ROOT/build/release/plugins ]] && ARGS+=(--plugins "$ROOT/build/release/plugins")

healthy() { curl -fsS -m 2 "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; }

# start_one N - starts instance run-N and waits until it serves.
start_one() {
	local n=$1 lf=$LOGDIR/server-run-$1.log pid i
	printf '\n==== %s start run-%s\n' "$(date -u +%FT%TZ)" "$n" >>"$lf"
	"$BIN" "${ARGS[@]}" --instance "run-$n" >>"$lf" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	local from
	from=$(($(wc -l <"$lf")))
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || {
			tail -20 "$lf" >&2
			die "server run-$n exited at start (log: $lf)"
		}
		# The first process: /healthz; the others: their own "listening" line.
		if ((n == 1)); then
			healthy && return 0
		elif tail -n +"$from" "$lf" | grep -q 'listening on port'; then
			return 0
		fi
		sleep 0.1
	done
	tail -20 "$lf" >&2
	die "server run-$n did not become ready in 30 s (log: $lf)"
}

# The demo is meant to be played again: a finished demo goes back to the lobby.
"$BIN" reset SAFE2026 --if-finished --pg "host=127.0.0.1 port=$PGPORT user=skillarena dbname=skillarena" \
	--redis "127.0.0.1:$REDISPORT" >>"$LOGDIR/reset.log" 2>&1 ||
	log "could not reset the finished demo (see $LOGDIR/reset.log)"

# The first process applies the migrations alone; the others start after it.
for ((n = 1; n <= NPROC; n++)); do
	start_one "$n"
done
healthy || die "/healthz does not answer on port $PORT"

cat <<EOF

SkillArena is running: $NPROC server processes on port $PORT (pids ${PIDS[*]}).
  player  http://localhost:$PORT/player.html?code=SAFE2026
  host    http://localhost:$PORT/host.html?code=SAFE2026#token=$TOKEN
  screen  http://localhost:$PORT/screen.html?code=SAFE2026
Host credentials: contest SAFE2026, organizer token $TOKEN
  (kept in $VAR/organizer-token)
Logs: $LOGDIR/   PostgreSQL 127.0.0.1:$PGPORT   Redis 127.0.0.1:$REDISPORT
Press Ctrl-C to stop.

EOF

# Wait until a server exits (crash) or a signal arrives.
set +e
wait -n "${PIDS[@]}"
rc=$?
set -e
((STOPPING)) && exit 0
if ((rc == 0)); then
	# A clean exit: the server got SIGINT/SIGTERM itself (Ctrl-C reaches the whole group).
	log "a server process stopped: stopping everything"
	exit 0
fi
log "a server process exited (status $rc): stopping everything; see $LOGDIR/"
exit 1
