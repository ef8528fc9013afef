#!/usr/bin/env bash
# tools/run.sh - run SkillArena locally (what `make run` does after building).
#
# Starts PostgreSQL and Redis under var/ (kept between runs; password
# authentication, secrets in var/secrets/, see tools/services.sh), creates
# var/secrets/organizer-token once, then TWO server processes (one per core)
# that share port 8080 through SO_REUSEPORT (--listen-share), instances run-1
# and run-2, with the demo contests (contests/demo/*.json) and the plugins
# built into build/release/plugins (if any). Prints the player, host and
# screen URLs at the machine's LAN address, so that phones can join.
# Ctrl-C or SIGTERM stops the servers (SIGTERM, then wait), then the services.
# If a server exits on its own, the other one and the services are stopped too.
#
# No secret is on a command line (ps shows argv to every local user): the
# servers get the PostgreSQL password through a passfile named in --pg, the
# Redis password and the organizer token through --redis-password-file and
# --organizer-token-file. Files are created mode 600 (logs included).
#
# The join address (--public-url): SA_PUBLIC_URL if set, else http://ADDR:PORT
# with ADDR the IPv4 address of the default route's interface, else the first
# non-loopback IPv4 address, else localhost (then phones cannot join: said so).
#
# Environment (all optional):
#   SA_RUN_PORT   server port                   (8080)
#   SA_PG_PORT    PostgreSQL port                (15432)
#   SA_REDIS_PORT Redis port                     (16379)
#   SA_VAR        state directory                (var/ in the repository)
#   SA_PROCESSES  number of server processes     (2)
#   SA_LOG_LEVEL  server log level               (info)
#   SA_BIN        server binary                  (build/release/skillarena)
#   SA_PUBLIC_URL address players open, e.g. http://192.168.1.20:8080 (detected)
set -euo pipefail
shopt -s inherit_errexit
umask 077 # logs and token: this user only

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

PORT=${SA_RUN_PORT:-8080}
PGPORT=${SA_PG_PORT:-15432}
REDISPORT=${SA_REDIS_PORT:-16379}
VAR=${SA_VAR:-$ROOT/var}
NPROC=${SA_PROCESSES:-2}
BIN=${SA_BIN:-$ROOT/build/release/skillarena}
LOGDIR=$VAR/log
SECRETS=$VAR/secrets

log() { printf 'run: %s\n' "$*" >&2; }
die() { printf 'run: error: %s\n' "$*" >&2; exit 1; }

[[ -x $BIN ]] || die "$BIN not found: build it with make (make run does)"
[[ $NPROC =~ ^[1-9]$ ]] || die "SA_PROCESSES must be 1..9"
mkdir -p "$VAR" "$LOGDIR"
chmod 755 "$VAR" # the postgres user must reach var/pg; what is inside is private

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

# lan_ipv4 - prints "ADDR DEV": the IPv4 address phones can reach, or nothing.
lan_ipv4() {
	command -v ip >/dev/null || return 0
	local dev addr
	dev=$(ip -4 route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
	if [[ -n $dev ]]; then
		addr=$(ip -4 -o addr show dev "$dev" scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
	fi
	if [[ -z ${addr:-} ]]; then # no default route: the first non-loopback address
		read -r dev addr < <(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $2, $4; exit }') || true
	fi
	[[ -n ${addr:-} ]] && printf '%s %s\n' "$addr" "$dev"
	return 0
}

LAN_NOTE=''
if [[ -n ${SA_PUBLIC_URL:-} ]]; then
	[[ $SA_PUBLIC_URL =~ ^https?://[^/[:space:]]+/?$ ]] \
		|| die "SA_PUBLIC_URL must look like http://192.168.1.20:$PORT (scheme, host, optional port, nothing after)"
	PUBLIC_URL=${SA_PUBLIC_URL%/}
	LAN_NOTE="join address from SA_PUBLIC_URL"
else
	read -r LAN_ADDR LAN_DEV < <(lan_ipv4) || true
	if [[ -n ${LAN_ADDR:-} ]]; then
		PUBLIC_URL=http://$LAN_ADDR:$PORT
		LAN_NOTE="LAN address $LAN_ADDR ($LAN_DEV): phones on the same network can join"
	else
		PUBLIC_URL=http://localhost:$PORT
		LAN_NOTE="NO LAN ADDRESS FOUND: only this machine can open these URLs, phones cannot join.
  Connect this machine to the hall's network, or set SA_PUBLIC_URL=http://ADDRESS:$PORT"
		log "warning: no LAN IPv4 address found: join URLs will say localhost and phones cannot use them"
	fi
fi

SERVICES_STARTED=1
"$ROOT/tools/services.sh" start "$VAR" "$PGPORT" "$REDISPORT"

# The organizer token: made once, kept in var/secrets/ (an older var/ kept it
# in var/organizer-token: moved, so that the host's bookmarked link still works).
TOKEN_FILE=$SECRETS/organizer-token
if [[ ! -s $TOKEN_FILE && -s $VAR/organizer-token ]]; then
	mv "$VAR/organizer-token" "$TOKEN_FILE"
	log "moved $VAR/organizer-token to $TOKEN_FILE"
fi
if [[ -s $TOKEN_FILE ]] && (($(head -1 "$TOKEN_FILE" | tr -d '\r\n' | wc -c) < 32)); then
	log "the organizer token in $TOKEN_FILE is shorter than 32 characters (128 bits): making a new one"
	rm -f "$TOKEN_FILE"
fi
if [[ ! -s $TOKEN_FILE ]]; then
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$TOKEN_FILE"
	log "created $TOKEN_FILE"
fi
chmod 600 "$TOKEN_FILE"
TOKEN=$(head -1 "$TOKEN_FILE")

CONTESTS=$(printf '%s,' "$ROOT"/contests/demo/*.json)
CONTESTS=${CONTESTS%,}
PGCONN="host=127.0.0.1 port=$PGPORT user=skillarena dbname=skillarena passfile=$SECRETS/skillarena.pgpass"
REDIS_ARGS=(--redis "127.0.0.1:$REDISPORT" --redis-password-file "$SECRETS/redis-password")
ARGS=(serve --port "$PORT" --listen-share --pg "$PGCONN" "${REDIS_ARGS[@]}"
	--web "$ROOT/web" --contests "$CONTESTS" --public-url "$PUBLIC_URL"
	--organizer-token-file "$TOKEN_FILE" --records-secret-file "$SECRETS/records-secret"
	--log-level "${SA_LOG_LEVEL:-info}"
	--cert-key-file "$SECRETS/cert-signing-key.pem") # made by the first server start (mode 0600)
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

# Migrations first, then the administrator step of the audit log (the server's
# role may only add to it and read it: docs/operations.md, "Audit log").
"$BIN" migrate --pg "$PGCONN" >>"$LOGDIR/migrate.log" 2>&1 || {
	tail -20 "$LOGDIR/migrate.log" >&2
	die "migrations failed (log: $LOGDIR/migrate.log)"
}
"$ROOT/tools/services.sh" audit-owner "$VAR" skillarena

# The demo is meant to be played again: a finished demo goes back to the lobby.
"$BIN" reset SAFE2026 --if-finished --pg "$PGCONN" "${REDIS_ARGS[@]}" >>"$LOGDIR/reset.log" 2>&1 ||
	log "could not reset the finished demo (see $LOGDIR/reset.log)"

# The first process applies the migrations alone; the others start after it.
for ((n = 1; n <= NPROC; n++)); do
	start_one "$n"
done
healthy || die "/healthz does not answer on port $PORT"
if [[ $PUBLIC_URL != http://localhost:* ]] && ! curl -fsS -m 3 "$PUBLIC_URL/healthz" >/dev/null 2>&1; then
	log "warning: $PUBLIC_URL/healthz does not answer from this machine (firewall? wrong SA_PUBLIC_URL?)"
fi

# The console: is there an account yet? (the first admin is made here, on the server)
ACCOUNTS=$(PGPASSFILE=$SECRETS/skillarena.pgpass /usr/lib/postgresql/15/bin/psql -X -w -q -tA -h 127.0.0.1 \
	-p "$PGPORT" -U skillarena -d skillarena -c 'SELECT count(*) FROM accounts' 2>/dev/null || echo '?')
if [[ $ACCOUNTS == 0 ]]; then
	CONSOLE_NOTE="no account yet: make the first admin with
    $BIN user add admin --role admin --pg \"$PGCONN\""
else
	CONSOLE_NOTE="$ACCOUNTS account(s)"
fi

# The token is printed to this terminal only (never to a log or a command line).
cat <<EOF

SkillArena is running: $NPROC server processes on port $PORT (pids ${PIDS[*]}).
Join address: $PUBLIC_URL  ($LAN_NOTE)
  player  $PUBLIC_URL/player.html?code=SAFE2026
  host    $PUBLIC_URL/host.html?code=SAFE2026#token=$TOKEN
  screen  $PUBLIC_URL/screen.html?code=SAFE2026
  console $PUBLIC_URL/login.html  ($CONSOLE_NOTE)
Host credentials: contest SAFE2026, organizer token in $TOKEN_FILE (deprecated: console accounts)
Logs: $LOGDIR/ (mode 600)   PostgreSQL 127.0.0.1:$PGPORT   Redis 127.0.0.1:$REDISPORT
Secrets (mode 600): $SECRETS/
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
