#!/usr/bin/env bash
# tools/services.sh - the project's own PostgreSQL 15 and Redis instances.
#
#   tools/services.sh start  DIR PGPORT REDISPORT
#   tools/services.sh stop   DIR
#   tools/services.sh status DIR
#   tools/services.sh env    DIR      (prints SA_PG_PORT=... lines to eval)
#
# Everything lives under DIR (make run uses var/, make test a temporary
# directory under /tmp):
#   DIR/pg/            PostgreSQL cluster (owned by the postgres user)
#   DIR/redis/         Redis working directory and pid file
#   DIR/log/           postgresql.log, redis.log
#   DIR/services.env   the ports of the running instances (for stop/status)
#
# PostgreSQL listens on 127.0.0.1 only (TCP, no Unix socket) with trust auth
# on loopback; `start` creates the role and database `skillarena` (owner).
# fsync and synchronous_commit stay ON: durability is what the tests check.
# Redis listens on 127.0.0.1 only; it holds nothing that PostgreSQL cannot
# rebuild, so it does not persist unless SA_REDIS_SAVE is set (e.g. "300 1").
#
# `start` is idempotent (an instance already running from DIR is kept).
# `stop` shuts both down cleanly (pg_ctl stop -m fast, redis SHUTDOWN) and
# waits until the processes are gone (a zombie counts as gone).
set -euo pipefail
shopt -s inherit_errexit

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGUSER_OS=postgres

log() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '3,7p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

as_pg() { runuser -u "$PGUSER_OS" -- "$@"; }

# alive PID - true if the process exists and is not a zombie.
alive() {
	local pid=$1 st
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ -r /proc/$pid/stat ]] || return 1
	st=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null || true)
	[[ -n $st && $st != Z && $st != X ]]
}

port_ok() {
	[[ $1 =~ ^[0-9]+$ ]] && (($1 >= 1024 && $1 < 32768)) \
		|| die "port '$1' must be a number in 1024..32767 (ports above are handed out to outgoing connections)"
}

# port_busy PORT - true if something listens on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_pid() {
	local f=$1/pg/postmaster.pid pid
	[[ -r $f ]] || return 1
	pid=$(head -1 "$f")
	alive "$pid" && printf '%s\n' "$pid"
}

redis_pid() {
	local f=$1/redis/redis.pid pid
	[[ -r $f ]] || return 1
	pid=$(head -1 "$f")
	alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == redis-server* ]] \
		&& printf '%s\n' "$pid"
}

# Reads DIR/services.env into PGPORT/REDISPORT (if present).
read_env() {
	local f=$1/services.env
	PGPORT='' REDISPORT=''
	[[ -r $f ]] || return 0
	PGPORT=$(sed -n 's/^SA_PG_PORT=//p' "$f")
	REDISPORT=$(sed -n 's/^SA_REDIS_PORT=//p' "$f")
}

# The postgres user must be able to reach DIR (every parent needs o+x).
check_reachable() {
	local dir=$1 p
	if ! as_pg test -x "$dir"; then
		# Report the first directory from / down that postgres cannot enter.
		p=''
		local part parts
		IFS=/ read -ra parts <<<"${dir#/}"
		for part in "${parts[@]}"; do
			p+=/$part
			if ! as_pg test -x "$p"; then
				die "the postgres user cannot reach $dir: $p has mode $(stat -c %a "$p") (chmod o+x it, or use a directory outside it)"
			fi
		done
		die "the postgres user cannot reach $dir"
	fi
}

start_pg() {
	local dir=$1 port=$2 pid
	if pid=$(pg_pid "$dir"); then
		log "PostgreSQL already running from $dir/pg (pid $pid)"
		return 0
	fi
	port_busy "$port" && die "port $port (PostgreSQL) is already in use by another process"
	if [[ ! -f $dir/pg/PG_VERSION ]]; then
		log "initdb $dir/pg"
		rm -rf "$dir/pg"
		install -d -o "$PGUSER_OS" -g "$PGUSER_OS" -m 700 "$dir/pg"
		as_pg "$PGBIN/initdb" -D "$dir/pg" -U postgres --auth=trust \
			--encoding=UTF8 --locale=C.UTF-8 >"$dir/log/initdb.log" 2>&1 \
			|| die "initdb failed: see $dir/log/initdb.log"
		# Settings of our own, in a file included last (postgresql.conf stays stock).
		echo "include_if_exists = 'skillarena.conf'" | as_pg tee -a "$dir/pg/postgresql.conf" >/dev/null
	fi
	# Rewritten on every start: the port may change.
	as_pg tee "$dir/pg/skillarena.conf" >/dev/null <<-EOF
		# Written by tools/services.sh (rewritten on every start).
		listen_addresses = '127.0.0.1'
		port = $port
		unix_socket_directories = ''
		max_connections = 300
		shared_buffers = 128MB
		# Durability is tested: keep fsync, synchronous_commit and full pages on.
		fsync = on
		synchronous_commit = on
		full_page_writes = on
		wal_level = minimal
		max_wal_senders = 0
		log_min_messages = warning
		log_line_prefix = '%m [%p] %d '
		log_timezone = 'UTC'
		timezone = 'UTC'
	EOF
	touch "$dir/log/postgresql.log"
	chown "$PGUSER_OS:" "$dir/log/postgresql.log"
	as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/log/postgresql.log" -w -t 60 start >/dev/null \
		|| { tail -20 "$dir/log/postgresql.log" >&2; die "PostgreSQL did not start (log: $dir/log/postgresql.log)"; }
	# Role and database for the server (idempotent).
	local psql=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
	if [[ $("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'skillarena'") != 1 ]]; then
		"${psql[@]}" -c "CREATE ROLE skillarena LOGIN CREATEDB"
	fi
	if [[ $("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'skillarena'") != 1 ]]; then
		"${psql[@]}" -c "CREATE DATABASE skillarena OWNER skillarena"
	fi
	log "PostgreSQL on 127.0.0.1:$port (data $dir/pg, pid $(pg_pid "$dir"))"
}

start_redis() {
	local dir=$1 port=$2 pid save=${SA_REDIS_SAVE:-}
	if pid=$(redis_pid "$dir"); then
		log "Redis already running from $dir/redis (pid $pid)"
		return 0
	fi
	port_busy "$port" && die "port $port (Redis) is already in use by another process"
	mkdir -p "$dir/redis"
	rm -f "$dir/redis/redis.pid"
	local args=(--port "$port" --bind 127.0.0.1 --dir "$dir/redis"
		--save "$save" --appendonly no --daemonize yes
		--pidfile "$dir/redis/redis.pid" --logfile "$dir/log/redis.log"
		--databases 64 --protected-mode yes)
	redis-server "${args[@]}" || die "redis-server did not start (log: $dir/log/redis.log)"
	local i
	for ((i = 0; i < 100; i++)); do
		if [[ $(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then
			log "Redis on 127.0.0.1:$port (dir $dir/redis, pid $(redis_pid "$dir" || echo '?'))"
			return 0
		fi
		sleep 0.05
	done
	tail -20 "$dir/log/redis.log" >&2 || true
	die "Redis did not answer PING on port $port (log: $dir/log/redis.log)"
}

stop_pg() {
	local dir=$1 pid i
	pid=$(pg_pid "$dir") || { log "PostgreSQL: not running"; return 0; }
	as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -m fast -w -t 60 stop >/dev/null \
		|| log "pg_ctl stop failed; waiting for pid $pid"
	for ((i = 0; i < 300; i++)); do
		alive "$pid" || { log "PostgreSQL stopped"; return 0; }
		sleep 0.1
	done
	log "PostgreSQL (pid $pid) did not stop: sending SIGQUIT"
	kill -QUIT "$pid" 2>/dev/null || true
}

stop_redis() {
	local dir=$1 port=$2 pid i
	pid=$(redis_pid "$dir") || { log "Redis: not running"; rm -f "$dir/redis/redis.pid"; return 0; }
	if [[ -n $port ]]; then
		redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
	fi
	alive "$pid" && kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		alive "$pid" || { rm -f "$dir/redis/redis.pid"; log "Redis stopped"; return 0; }
		sleep 0.05
	done
	log "Redis (pid $pid) did not stop: sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$dir/redis/redis.pid"
}

cmd=${1:-}
[[ -n $cmd ]] || usage
shift
case $cmd in
start)
	(($# == 3)) || usage
	port_ok "$2"
	port_ok "$3"
	[[ $2 != "$3" ]] || die "PostgreSQL and Redis need different ports"
	mkdir -p "$1"
	DIR=$(cd "$1" && pwd)
	command -v redis-server >/dev/null || die "redis-server not found: run tools/install.sh"
	[[ -x $PGBIN/initdb ]] || die "$PGBIN/initdb not found: run tools/install.sh"
	check_reachable "$DIR"
	mkdir -p "$DIR/log"
	chmod 755 "$DIR/log"
	start_pg "$DIR" "$2"
	start_redis "$DIR" "$3" || { stop_pg "$DIR"; exit 1; }
	printf 'SA_PG_PORT=%s\nSA_REDIS_PORT=%s\n' "$2" "$3" >"$DIR/services.env"
	;;
stop)
	(($# == 1)) || usage
	[[ -d $1 ]] || { log "$1: no such directory, nothing to stop"; exit 0; }
	DIR=$(cd "$1" && pwd)
	read_env "$DIR"
	rc=0
	stop_redis "$DIR" "$REDISPORT" || rc=1
	stop_pg "$DIR" || rc=1
	exit $rc
	;;
status)
	(($# == 1)) || usage
	[[ -d $1 ]] || die "$1: no such directory"
	DIR=$(cd "$1" && pwd)
	read_env "$DIR"
	rc=0
	if pid=$(pg_pid "$DIR"); then
		echo "postgresql: running, pid $pid, 127.0.0.1:${PGPORT:-?}, data $DIR/pg"
	else
		echo "postgresql: stopped"
		rc=3
	fi
	if pid=$(redis_pid "$DIR"); then
		echo "redis: running, pid $pid, 127.0.0.1:${REDISPORT:-?}, dir $DIR/redis"
	else
		echo "redis: stopped"
		rc=3
	fi
	exit $rc
	;;
env)
	(($# == 1)) || usage
	cat "$1/services.env"
	;;
-h | --help | help) usage ;;
*) usage ;;
esac
