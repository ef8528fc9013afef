/*
 * ceiling.c - what PostgreSQL and Redis alone can do on this machine, so
 * every SkillArena figure can be given as a share of its ceiling.
 *
 *   loadgen-ceiling pg CONNINFO [--rows N] [--batch B] [--clients C]
 *   loadgen-ceiling redis HOST:PORT [--ops N] [--pipeline D] [--members M]
 *                   [--password-file FILE]
 *
 * pg: durable (synchronous_commit as configured, fsync on) answer-shaped
 * rows into a scratch table, three ways: multi-row INSERT of B rows per
 * statement (the "batched-insert ceiling"), COPY in chunks of B rows, and
 * single-row autocommit INSERTs (a tenth of N) for scale. Each prints a
 * bench: line with rows/s. C clients (processes) share the work.
 * redis: ZINCRBY on one sorted set with M members, D commands per pipeline
 * round trip, and D=1 for scale; prints ops/s. With --password-file (the
 * first line of FILE, as tools/services.sh writes it) it sends AUTH first;
 * the password itself never goes on a command line.
 */
#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *m, const char *detail)
{
	fprintf(stderr, "loadgen-ceiling: %s%s%s\n", m, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

static long arg_long(const char *v, long lo, long hi, const char *what)
{
	char *e;
	long n = strtol(v, &e, 10);
	if (*e || n < lo || n > hi) {
		fprintf(stderr, "loadgen-ceiling: bad %s '%s' (%ld..%ld)\n", what, v, lo, hi);
		exit(2);
	}
	return n;
}

static void pg_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN)
		die("query failed", PQerrorMessage(c));
	PQclear(r);
}

/* One client's share: rows [from, from+n) the given way; returns 0 or dies. */
static void pg_work(const char *conninfo, const char *how, long from, long n, long batch)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		die("cannot connect", PQerrorMessage(c));
	size_t cap = (size_t)batch * 160 + 512;
	char *sql = malloc(cap);
	if (!sql)
		die("out of memory", NULL);
	for (long done = 0; done < n;) {
		long k = n - done < batch ? n - done : batch;
		if (strcmp(how, "single") == 0)
			k = 1;
		size_t o = 0;
		if (strcmp(how, "copy") == 0) {
			pg_exec(c,
				"COPY lg_ceiling (participant_id, question_idx, contest_id, question_id, request_id, "
				"response, options, points_milli, correctness, received_ms, response_ms, instance) FROM STDIN");
			for (long i = 0; i < k; i++) {
				long id = from + done + i;
				o += (size_t)snprintf(
					sql + o, cap - o,
					"%ld\t%ld\t1\tq%ld\ta%ld\t%ld\t{%ld}\t%ld\t%d\t%ld\t%ld\tbench\n",
					id / 20, id % 20, id % 20 + 1, id % 20, id % 4, id % 4,
					(id % 4) * 250, id % 4 ? 0 : 2, 1764215000000 + id, id % 20000);
			}
			if (PQputCopyData(c, sql, (int)o) != 1 || PQputCopyEnd(c, NULL) != 1)
				die("COPY failed", PQerrorMessage(c));
			PGresult *r;
			while ((r = PQgetResult(c))) {
				if (PQresultStatus(r) != PGRES_COMMAND_OK)
					die("COPY failed", PQerrorMessage(c));
				PQclear(r);
			}
		} else {
			o += (size_t)snprintf(
				sql, cap,
				"INSERT INTO lg_ceiling (participant_id, question_idx, contest_id, "
				"question_id, request_id, response, options, points_milli, correctness, received_ms, "
				"response_ms, instance) VALUES ");
			for (long i = 0; i < k; i++) {
				long id = from + done + i;
				o += (size_t)snprintf(
					sql + o, cap - o,
					"%s(%ld,%ld,1,'q%ld','a%ld','%ld','{%ld}',%ld,%d,%ld,%ld,'bench')",
					i ? "," : "", id / 20, id % 20, id % 20 + 1, id % 20, id % 4, id % 4,
					(id % 4) * 250, id % 4 ? 0 : 2, 1764215000000 + id, id % 20000);
			}
			pg_exec(c, sql);
		}
		done += k;
	}
	free(sql);
	PQfinish(c);
}

static void pg_quiet(void *arg, const char *message) {}

static int pg_ceiling(const char *conninfo, long rows, long batch, long clients)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		die("cannot connect", PQerrorMessage(c));
	PQsetNoticeProcessor(c, pg_quiet, NULL);
	pg_exec(c, "DROP TABLE IF EXISTS lg_ceiling");
	/* the shape of server/sql/001_init.sql's answers table (keys and index), without the foreign key */
	pg_exec(c,
		"CREATE TABLE lg_ceiling (participant_id bigint NOT NULL, question_idx int NOT NULL, "
		"contest_id bigint NOT NULL, question_id text NOT NULL, request_id text, response text NOT NULL, "
		"options int[] NOT NULL DEFAULT '{}', points_milli bigint NOT NULL, correctness smallint NOT NULL, "
		"received_ms bigint NOT NULL, response_ms int NOT NULL, instance text NOT NULL DEFAULT '', "
		"stored_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (participant_id, question_idx))");
	pg_exec(c, "CREATE INDEX lg_ceiling_question ON lg_ceiling (contest_id, question_idx)");
	PGresult *r = PQexec(c, "SHOW synchronous_commit");
	char sync[32] = "?";
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		snprintf(sync, sizeof(sync), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	static const struct {
		const char *how, *name;
		long div;
	} ways[] = {{"insert", "pg_batched_insert", 1},
		    {"copy", "pg_copy", 1},
		    {"single", "pg_single_insert", 10}};
	for (size_t w = 0; w < sizeof(ways) / sizeof(ways[0]); w++) {
		long n = rows / ways[w].div;
		pg_exec(c, "TRUNCATE lg_ceiling");
		fflush(NULL);
		double t0 = now_s();
		for (long k = 0; k < clients; k++) {
			pid_t pid = fork();
			if (pid < 0)
				die("fork failed", NULL);
			if (pid == 0) {
				long share = n / clients + (k < n % clients);
				pg_work(conninfo, ways[w].how, k * (n / clients + 1), share, batch);
				_exit(0);
			}
		}
		int bad = 0, st;
		for (long k = 0; k < clients; k++)
			if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
				bad = 1;
		double dt = now_s() - t0;
		if (bad)
			die("a client failed", ways[w].name);
		r = PQexec(c, "SELECT count(*) FROM lg_ceiling");
		long got = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
		PQclear(r);
		if (got != n)
			die("row count mismatch", ways[w].name);
		printf("bench: scenario=ceiling target=%s rows=%ld batch=%ld clients=%ld synchronous_commit=%s "
		       "seconds=%.3f rows_per_s=%.0f\n",
		       ways[w].name, n, strcmp(ways[w].how, "single") ? batch : 1, clients, sync, dt,
		       (double)n / dt);
		fflush(stdout);
	}
	pg_exec(c, "DROP TABLE lg_ceiling");
	PQfinish(c);
	return 0;
}

/* AUTH with the first line of path; dies with Redis' answer when refused. */
static void redis_auth(redisContext *c, const char *path)
{
	char pw[512];
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot read the redis password file", path);
	if (!fgets(pw, sizeof pw, f))
		pw[0] = '\0';
	fclose(f);
	pw[strcspn(pw, "\r\n")] = '\0';
	if (!pw[0])
		die("empty redis password file", path);
	redisReply *r = redisCommand(c, "AUTH %s", pw);
	memset(pw, 0, sizeof pw);
	if (!r)
		die("redis AUTH failed", c->errstr);
	if (r->type == REDIS_REPLY_ERROR)
		die("redis refused the password", r->str);
	freeReplyObject(r);
}

static int redis_ceiling(const char *hostport, long ops, long depth, long members, const char *pwfile)
{
	char host[128];
	int port;
	if (sscanf(hostport, "%127[^:]:%d", host, &port) != 2)
		die("bad HOST:PORT", hostport);
	redisContext *c = redisConnect(host, port);
	if (!c || c->err)
		die("cannot connect to redis", c ? c->errstr : hostport);
	if (pwfile)
		redis_auth(c, pwfile);
	redisReply *r = redisCommand(c, "DEL lg:ceiling");
	if (!r)
		die("redis DEL failed", c->errstr);
	freeReplyObject(r);
	long depths[2] = {depth, 1};
	for (int d = 0; d < 2; d++) {
		long n = d == 0 ? ops : ops / 10, dd = depths[d];
		double t0 = now_s();
		for (long done = 0; done < n;) {
			long k = n - done < dd ? n - done : dd;
			for (long i = 0; i < k; i++)
				redisAppendCommand(c, "ZINCRBY lg:ceiling %ld p%ld", (done + i) % 1000,
						   (done + i) % members);
			for (long i = 0; i < k; i++) {
				void *rep;
				if (redisGetReply(c, &rep) != REDIS_OK)
					die("redis ZINCRBY failed", c->errstr);
				if (((redisReply *)rep)->type == REDIS_REPLY_ERROR)
					die("redis ZINCRBY error", ((redisReply *)rep)->str);
				freeReplyObject(rep);
			}
			done += k;
		}
		double dt = now_s() - t0;
		printf("bench: scenario=ceiling target=%s ops=%ld pipeline=%ld members=%ld seconds=%.3f ops_per_s=%.0f\n",
		       d == 0 ? "redis_zincrby_pipelined" : "redis_zincrby_single", n, dd, members, dt,
		       (double)n / dt);
		fflush(stdout);
	}
	r = redisCommand(c, "DEL lg:ceiling");
	if (r)
		freeReplyObject(r);
	redisFree(c);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr,
			"usage: loadgen-ceiling pg CONNINFO [--rows N] [--batch B] [--clients C]\n"
			"       loadgen-ceiling redis HOST:PORT [--ops N] [--pipeline D] [--members M]\n"
			"                       [--password-file FILE]\n");
		return 2;
	}
	long rows = 200000, batch = 500, clients = 1, ops = 500000, depth = 64, members = 20000;
	const char *pwfile = NULL;
	for (int i = 3; i < argc; i += 2) {
		if (i + 1 >= argc) {
			fprintf(stderr, "loadgen-ceiling: option '%s' needs a value\n", argv[i]);
			return 2;
		}
		const char *a = argv[i], *v = argv[i + 1];
		if (strcmp(a, "--rows") == 0)
			rows = arg_long(v, 1, 100000000, a);
		else if (strcmp(a, "--batch") == 0)
			batch = arg_long(v, 1, 100000, a);
		else if (strcmp(a, "--clients") == 0)
			clients = arg_long(v, 1, 64, a);
		else if (strcmp(a, "--ops") == 0)
			ops = arg_long(v, 1, 100000000, a);
		else if (strcmp(a, "--pipeline") == 0)
			depth = arg_long(v, 1, 100000, a);
		else if (strcmp(a, "--members") == 0)
			members = arg_long(v, 1, 10000000, a);
		else if (strcmp(a, "--password-file") == 0)
			pwfile = v;
		else {
			fprintf(stderr, "loadgen-ceiling: unknown option '%s'\n", a);
			return 2;
		}
	}
	if (strcmp(argv[1], "pg") == 0)
		return pg_ceiling(argv[2], rows, batch, clients);
	if (strcmp(argv[1], "redis") == 0)
		return redis_ceiling(argv[2], ops, depth, members, pwfile);
	fprintf(stderr, "loadgen-ceiling: unknown target '%s' (pg, redis)\n", argv[1]);
	return 2;
}
