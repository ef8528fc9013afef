#!/usr/bin/env bash
# tools/services.sh - the project's own PostgreSQL 15 and Redis instances.
#
#   tools/services.sh start  DIR PGPORT REDISPORT
#   tools/services.sh stop   DIR
#   tools/services.sh status DIR
#   tools/services.sh env    DIR      (prints SA_PG_PORT=... lines to eval)
#   tools/services.sh audit-owner DIR [DATABASE]   (after the migrations: see below)
#
# Everything lives under DIR (make run uses var/, make test a temporary
# directory under /tmp):
#   DIR/pg/            PostgreSQL cluster (owned by the postgres user)
#   DIR/redis/         Redis working directory and pid file (mode 700)
#   DIR/log/           postgresql.log, redis.log (directory 750 root:postgres,
#                      files 600: only root and the postgres user read them)
#   DIR/secrets/       generated once, mode 700, every file 600:
#     postgres.pgpass    libpq passfile of the postgres superuser: for these
#                        scripts and the test harness (CREATE DATABASE ...)
#     skillarena.pgpass  libpq passfile of the server's role skillarena
#                        (conninfo: passfile=DIR/secrets/skillarena.pgpass)
#     redis-password     Redis password (server: --redis-password-file)
#     records-secret     key of workers' records tokens (server: --records-secret-file)
#     redis.conf         Redis settings holding that password (requirepass),
#                        so that it is never on redis-server's command line
#   DIR/services.env   the ports of the running instances (for stop/status)
#
# PostgreSQL listens on 127.0.0.1 only (TCP, no Unix socket) and accepts
# only SCRAM-SHA-256 password logins (pg_hba.conf is rewritten at every
# start: one `host all all 127.0.0.1/32 scram-sha-256` line, nothing else).
# `start` makes the role skillarena (LOGIN, no SUPERUSER, CREATEDB,
# CREATEROLE, REPLICATION or BYPASSRLS) and its database skillarena (owner);
# test databases are created by the postgres superuser, owned by skillarena.
# It also makes the NOLOGIN role skillarena_audit, the owner of the audit log.
# `audit-owner` is the one administrator step of the audit log: once the
# server applied its migrations to DATABASE (default skillarena), it runs
# server/sql/admin/audit-owner.sql there as the postgres superuser, so that
# the audit schema and table belong to skillarena_audit and the server's role
# may only INSERT and SELECT (docs/operations.md, "Audit log"). Idempotent.
# A cluster made by an older version of this script (trust logins) is
# migrated at its next start without losing data: the superuser gets its
# password in single-user mode (or, if it is running, over its old trust
# login), then pg_hba.conf is replaced. No password is ever on a command
# line: psql and initdb read them from files or pipes.
# fsync and synchronous_commit stay ON: durability is what the tests check.
# Redis listens on 127.0.0.1 only and requires the password (requirepass);
# redis-cli here gets it through REDISCLI_AUTH. It holds nothing that
# PostgreSQL cannot rebuild, so it does not persist unless SA_REDIS_SAVE is
# set (e.g. "300 1").
#
# `start` is idempotent (an instance already running from DIR is kept, and
# given a password if it had none).
# `stop` shuts both down cleanly (pg_ctl stop -m fast, redis SHUTDOWN) and
# waits until the processes are gone (a zombie counts as gone).
set -euo pipefail
shopt -s inherit_errexit

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGUSER_OS=postgres

log() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//' >&2
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

# ------------------------------------------------------------ secrets

# new_secret FILE - 24 random bytes as 48 hex digits, written mode 600.
new_secret() {
	(umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$1.tmp" && mv -f "$1.tmp" "$1")
}

# pgpass_password FILE - the password field of a one-line libpq passfile.
pgpass_password() {
	local line
	line=$(head -1 "$1")
	printf '%s' "${line##*:}"
}

# make_pgpass FILE ROLE - a passfile for ROLE on 127.0.0.1 (any port, any database).
make_pgpass() {
	local pw
	pw=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
	(umask 077 && printf '127.0.0.1:*:*:%s:%s\n' "$2" "$pw" >"$1.tmp" && mv -f "$1.tmp" "$1")
}

# ensure_secrets DIR - makes DIR/secrets and what is missing in it; every
# file 600, the directory 700. Sets NEW_PG_ADMIN=1 when the superuser's
# password was made now (an existing cluster must then be told about it).
NEW_PG_ADMIN=0
ensure_secrets() {
	local s=$1/secrets f
	install -d -m 700 "$s"
	chmod 700 "$s"
	if [[ ! -s $s/postgres.pgpass ]]; then
		make_pgpass "$s/postgres.pgpass" postgres
		NEW_PG_ADMIN=1
	fi
	[[ -s $s/skillarena.pgpass ]] || make_pgpass "$s/skillarena.pgpass" skillarena
	[[ -s $s/redis-password ]] || new_secret "$s/redis-password"
	[[ -s $s/records-secret ]] || new_secret "$s/records-secret"
	# Redis reads its password from this file, never from its command line.
	(umask 077 && printf '# Written by tools/services.sh from redis-password (rewritten on every start).\nrequirepass %s\n' \
		"$(<"$s/redis-password")" >"$s/redis.conf")
	for f in "$s"/*; do
		[[ -f $f ]] && chmod 600 "$f"
	done
	return 0
}

# ------------------------------------------------------------ PostgreSQL

# The whole of pg_hba.conf: password (SCRAM) logins over loopback TCP, nothing
# else (no Unix socket is opened: unix_socket_directories = '').
HBA_MARK='# skillarena pg_hba v2: scram-sha-256 on 127.0.0.1 only'
write_hba() {
	as_pg tee "$1/pg/pg_hba.conf" >/dev/null <<-EOF
		$HBA_MARK
		# Written by tools/services.sh (rewritten on every start): every role logs in
		# with its password (DIR/secrets/*.pgpass) over loopback TCP; nothing else.
		# TYPE  DATABASE  USER  ADDRESS        METHOD
		host    all       all   127.0.0.1/32   scram-sha-256
	EOF
	as_pg chmod 600 "$1/pg/pg_hba.conf"
}

hba_is_ours() { [[ $(as_pg head -1 "$1/pg/pg_hba.conf" 2>/dev/null) == "$HBA_MARK" ]]; }

# psql_admin DIR PORT ARGS... - psql as the postgres superuser (password from the passfile).
psql_admin() {
	local dir=$1 port=$2
	shift 2
	PGPASSFILE=$dir/secrets/postgres.pgpass "$PGBIN/psql" -X -q -w -v ON_ERROR_STOP=1 \
		-h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

# Gives the superuser the password of DIR/secrets/postgres.pgpass while the
# cluster is stopped: single-user mode, statement on stdin (not on argv).
set_admin_password_offline() {
	local dir=$1
	printf "ALTER ROLE postgres WITH PASSWORD '%s'\n" "$(pgpass_password "$dir/secrets/postgres.pgpass")" |
		as_pg "$PGBIN/postgres" --single -D "$dir/pg" postgres >/dev/null 2>>"$dir/log/initdb.log" \
		|| die "could not set the postgres password in single-user mode (see $dir/log/initdb.log)"
}

# Role and database for the server (idempotent): a login role that is not a
# superuser and cannot create roles or databases, owner of its database.
ensure_role_db() {
	local dir=$1 port=$2 pw
	pw=$(pgpass_password "$dir/secrets/skillarena.pgpass")
	local attrs='LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS'
	if [[ $(psql_admin "$dir" "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'skillarena'") != 1 ]]; then
		psql_admin "$dir" "$port" -c "CREATE ROLE skillarena $attrs"
	fi
	# Every start: an older cluster's role had CREATEDB and no password.
	printf "ALTER ROLE skillarena WITH %s PASSWORD '%s';\n" "$attrs" "$pw" | psql_admin "$dir" "$port" -f -
	if [[ $(psql_admin "$dir" "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = 'skillarena'") != 1 ]]; then
		psql_admin "$dir" "$port" -c "CREATE DATABASE skillarena OWNER skillarena"
	else
		psql_admin "$dir" "$port" -c "ALTER DATABASE skillarena OWNER TO skillarena"
	fi
}

# The owner of the audit log: a role nobody logs in as (idempotent).
ensure_audit_role() {
	local dir=$1 port=$2
	if [[ $(psql_admin "$dir" "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'skillarena_audit'") != 1 ]]; then
		psql_admin "$dir" "$port" -c "CREATE ROLE skillarena_audit NOLOGIN"
	fi
}

# audit_owner DIR PORT DATABASE - the audit log to skillarena_audit, INSERT and
# SELECT only for the server's role (server/sql/admin/audit-owner.sql).
audit_owner() {
	local dir=$1 port=$2 db=$3 root
	root=$(cd "$(dirname "$0")/.." && pwd)
	[[ $(psql_admin "$dir" "$port" -d "$db" -tAc "SELECT 1 FROM pg_namespace WHERE nspname = 'audit'") == 1 ]] \
		|| die "database $db has no audit schema yet: start the server once (or run skillarena migrate) first"
	psql_admin "$dir" "$port" -d "$db" -v server_role=skillarena -f "$root/server/sql/admin/audit-owner.sql"
	log "audit log of $db: owned by skillarena_audit; skillarena may INSERT and SELECT only"
}

# Switches a running cluster of an older version (trust logins) to passwords:
# its trust login still lets us set the superuser's password, then pg_hba.conf
# is replaced and reloaded.
migrate_running_pg() {
	local dir=$1 port=$2
	log "PostgreSQL in $dir/pg still accepts trust logins: setting passwords and switching to scram-sha-256"
	printf "ALTER ROLE postgres WITH PASSWORD '%s';\n" "$(pgpass_password "$dir/secrets/postgres.pgpass")" |
		psql_admin "$dir" "$port" -f - \
		|| die "cannot set the postgres password on the running cluster: stop it (tools/services.sh stop $dir) and start again"
	write_hba "$dir"
	as_pg "$PGBIN/pg_ctl" -D "$dir/pg" reload >/dev/null
}

start_pg() {
	local dir=$1 port=$2 pid fresh=0
	if pid=$(pg_pid "$dir"); then
		log "PostgreSQL already running from $dir/pg (pid $pid)"
		if ! hba_is_ours "$dir" || ((NEW_PG_ADMIN)); then
			migrate_running_pg "$dir" "$port"
		fi
		ensure_role_db "$dir" "$port"
		ensure_audit_role "$dir" "$port"
		return 0
	fi
	port_busy "$port" && die "port $port (PostgreSQL) is already in use by another process"
	if [[ ! -f $dir/pg/PG_VERSION ]]; then
		log "initdb $dir/pg"
		rm -rf "$dir/pg"
		install -d -o "$PGUSER_OS" -g "$PGUSER_OS" -m 700 "$dir/pg"
		# The superuser's password reaches initdb through a pipe that the postgres
		# user opens (it cannot read DIR/secrets, nor a pipe made by root).
		pgpass_password "$dir/secrets/postgres.pgpass" |
			as_pg bash -c 'pw=$(cat) && exec "$@" --pwfile=<(printf "%s\n" "$pw")' initdb \
				"$PGBIN/initdb" -D "$dir/pg" -U postgres \
				--auth-host=scram-sha-256 --auth-local=reject \
				--encoding=UTF8 --locale=C.UTF-8 >"$dir/log/initdb.log" 2>&1 \
			|| die "initdb failed: see $dir/log/initdb.log"
		# Settings of our own, in a file included last (postgresql.conf stays stock).
		echo "include_if_exists = 'skillarena.conf'" | as_pg tee -a "$dir/pg/postgresql.conf" >/dev/null
		fresh=1
	fi
	# Rewritten on every start: the port may change.
	as_pg tee "$dir/pg/skillarena.conf" >/dev/null <<-EOF
		# Written by tools/services.sh (rewritten on every start).
		listen_addresses = '127.0.0.1'
		port = $port
		unix_socket_directories = ''
		password_encryption = 'scram-sha-256'
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
	# A cluster of an older version (trust) or whose secrets were lost: the
	# superuser gets the password of DIR/secrets before anyone can log in.
	if ((!fresh)) && { ! hba_is_ours "$dir" || ((NEW_PG_ADMIN)); }; then
		log "PostgreSQL in $dir/pg: setting the postgres password (scram-sha-256 from now on)"
		set_admin_password_offline "$dir"
	fi
	write_hba "$dir"
	[[ -f $dir/log/postgresql.log ]] || install -m 600 /dev/null "$dir/log/postgresql.log"
	chown "$PGUSER_OS:" "$dir/log/postgresql.log"
	chmod 600 "$dir/log/postgresql.log"
	as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/log/postgresql.log" -w -t 60 start >/dev/null \
		|| { tail -20 "$dir/log/postgresql.log" >&2; die "PostgreSQL did not start (log: $dir/log/postgresql.log)"; }
	ensure_role_db "$dir" "$port"
	ensure_audit_role "$dir" "$port"
	log "PostgreSQL on 127.0.0.1:$port (data $dir/pg, pid $(pg_pid "$dir"), scram-sha-256)"
}

# ------------------------------------------------------------ Redis

# rcli DIR PORT ARGS... - redis-cli with the password (environment, not argv).
rcli() {
	local dir=$1 port=$2
	shift 2
	REDISCLI_AUTH=$(<"$dir/secrets/redis-password") redis-cli --no-auth-warning -h 127.0.0.1 -p "$port" "$@"
}

start_redis() {
	local dir=$1 port=$2 pid save=${SA_REDIS_SAVE:-}
	if pid=$(redis_pid "$dir"); then
		log "Redis already running from $dir/redis (pid $pid)"
		# Started by an older version without a password: give it one now.
		if [[ $(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then
			log "Redis had no password: setting it (requirepass)"
			redis-cli -h 127.0.0.1 -p "$port" -x CONFIG SET requirepass <"$dir/secrets/redis-password" >/dev/null
		fi
		return 0
	fi
	port_busy "$port" && die "port $port (Redis) is already in use by another process"
	install -d -m 700 "$dir/redis"
	chmod 700 "$dir/redis"
	rm -f "$dir/redis/redis.pid"
	[[ -f $dir/log/redis.log ]] || install -m 600 /dev/null "$dir/log/redis.log"
	local args=("$dir/secrets/redis.conf" --port "$port" --bind 127.0.0.1 --dir "$dir/redis"
		--save "$save" --appendonly no --daemonize yes
		--pidfile "$dir/redis/redis.pid" --logfile "$dir/log/redis.log"
		--databases 64 --protected-mode yes)
	redis-server "${args[@]}" || die "redis-server did not start (log: $dir/log/redis.log)"
	local i
	for ((i = 0; i < 100; i++)); do
		if [[ $(rcli "$dir" "$port" ping 2>/dev/null) == PONG ]]; then
			log "Redis on 127.0.0.1:$port (dir $dir/redis, pid $(redis_pid "$dir" || echo '?'), password required)"
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
	if [[ -n $port && -r $dir/secrets/redis-password ]]; then
		rcli "$dir" "$port" shutdown nosave >/dev/null 2>&1 || true
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
	# Logs: root and the postgres user only (its log is written by postgres).
	mkdir -p "$DIR/log"
	chgrp "$PGUSER_OS" "$DIR/log"
	chmod 750 "$DIR/log"
	find "$DIR/log" -maxdepth 1 -type f -exec chmod 600 {} +
	[[ -f $DIR/log/initdb.log ]] || install -m 600 /dev/null "$DIR/log/initdb.log"
	ensure_secrets "$DIR"
	start_pg "$DIR" "$2"
	start_redis "$DIR" "$3" || { stop_pg "$DIR"; exit 1; }
	printf 'SA_PG_PORT=%s\nSA_REDIS_PORT=%s\nSA_SECRETS_DIR=%s\n' "$2" "$3" "$DIR/secrets" >"$DIR/services.env"
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
audit-owner)
	(($# == 1 || $# == 2)) || usage
	[[ -d $1 ]] || die "$1: no such directory"
	DIR=$(cd "$1" && pwd)
	read_env "$DIR"
	[[ -n $PGPORT ]] && pg_pid "$DIR" >/dev/null || die "PostgreSQL of $DIR is not running"
	audit_owner "$DIR" "$PGPORT" "${2:-skillarena}"
	;;
-h | --help | help) usage ;;
*) usage ;;
esac
