# tools/bench/lib.sh - shared helpers of the benchmark scripts (sourced).
#
# Throwaway PostgreSQL + Redis through tools/services.sh, server and echo
# processes started in the background with their pids recorded, waiting for
# /healthz, and one cleanup that stops only what these scripts started.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_PIDS=()
BENCH_SVC=''
BENCH_TMP=''

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

bench_tmp() {
	BENCH_TMP=$(mktemp -d /tmp/skillarena-bench.XXXXXX)
	chmod 755 "$BENCH_TMP"
}

# services_start PGPORT REDISPORT - sets PGCONN (with the role's passfile),
# REDISADDR and REDIS_PASSWORD_FILE (the services' secrets, tools/services.sh).
services_start() {
	BENCH_SVC=$BENCH_TMP/svc
	"$ROOT/tools/services.sh" start "$BENCH_SVC" "$1" "$2" >"$BENCH_TMP/services.log" 2>&1 \
		|| { cat "$BENCH_TMP/services.log" >&2; die "services did not start"; }
	PGCONN="host=127.0.0.1 port=$1 user=skillarena dbname=skillarena passfile=$BENCH_SVC/secrets/skillarena.pgpass"
	REDISADDR="127.0.0.1:$2"
	REDIS_PASSWORD_FILE=$BENCH_SVC/secrets/redis-password
}

# bench_token - a fresh organizer token (32 hex digits, the shortest the server takes).
bench_token() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# alive PID - the process exists and is not a zombie.
alive() {
	local st
	[[ -r /proc/$1/stat ]] || return 1
	st=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null || true)
	[[ -n $st && $st != Z && $st != X ]]
}

# stop_pid PID - SIGTERM, wait up to 10 s, then SIGKILL; only our own children.
stop_pid() {
	local pid=$1 i
	alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

stop_all() {
	local p
	for p in "${BENCH_PIDS[@]}"; do stop_pid "$p"; done
	BENCH_PIDS=()
}

bench_cleanup() {
	stop_all
	if [[ -n $BENCH_SVC ]]; then
		"$ROOT/tools/services.sh" stop "$BENCH_SVC" >/dev/null 2>&1 || true
		BENCH_SVC=''
	fi
	if [[ -n $BENCH_TMP && ${BENCH_KEEP:-0} != 1 ]]; then
		rm -rf "$BENCH_TMP"
	fi
}

# wait_health PORT PID SECONDS - until GET /healthz is 200 (or the process died).
wait_health() {
	local port=$1 pid=$2 i
	for ((i = 0; i < $3 * 10; i++)); do
		alive "$pid" || return 1
		[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/healthz" || true) == 200 ]] \
			&& return 0
		sleep 0.1
	done
	return 1
}

# wait_port PORT PID SECONDS - until something accepts TCP on the port.
wait_port() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		alive "$2" || return 1
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# server_start BIN PORT INSTANCE CONTESTS TOKEN LOG [extra args] - starts one
# server process; appends its pid to BENCH_PIDS and SERVER_PIDS.
server_start() {
	local bin=$1 port=$2 inst=$3 contests=$4 token=$5 logf=$6
	shift 6
	# The token goes in a private file: the server refuses it on its command line.
	(umask 077 && printf '%s\n' "$token" >"$BENCH_TMP/organizer-token")
	"$bin" serve --port "$port" --pg "$PGCONN" --redis "$REDISADDR" --redis-password-file "$REDIS_PASSWORD_FILE" \
		--web "$ROOT/web" --contests "$contests" --organizer-token-file "$BENCH_TMP/organizer-token" --instance "$inst" \
		--log-level "${BENCH_LOG_LEVEL:-warn}" ${BENCH_SERVER_ARGS:-} "$@" >>"$logf" 2>&1 &
	local pid=$!
	BENCH_PIDS+=("$pid")
	SERVER_PIDS+=("$pid")
	wait_health "$port" "$pid" 60 || { tail -20 "$logf" >&2; die "server $inst did not become healthy on :$port"; }
}
