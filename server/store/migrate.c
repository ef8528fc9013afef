/*
 * migrate.c - start-up work that runs before the event loop: the numbered
 * SQL migrations (server/sql/NNN_name.sql, each applied once, in order, in
 * its own transaction, under an advisory lock so that several processes
 * starting together do not race) and the upsert of the loaded contests.
 * Blocking libpq calls are fine here and nowhere else.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "live/phase.h"
#include "live/run.h"
#include "store/migrate.h"

#define MIGRATE_LOCK "7340101"

static int exec_ok(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		sa_log(LL_ERROR, "postgresql: %s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : SA_E_UNAVAILABLE;
}

/* Notices ("relation ... already exists, skipping") are expected here: debug log, not stderr. */
static void notice_to_log(void *arg, const char *message)
{
	(void)arg;
	sa_log(LL_DEBUG, "postgresql: %.*s", (int)strcspn(message, "\n"), message);
}

static PGconn *connect_sync(const char *conninfo)
{
	PGconn *pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		sa_log(LL_ERROR, "cannot connect to postgresql (%s): %s", conninfo, PQerrorMessage(pg));
		PQfinish(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg, notice_to_log, NULL); /* NULL would keep libpq's, which prints */
	return pg;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(fp);
	return buf;
}

int migrate_apply(const char *conninfo, const char *sql_dir)
{
	struct dirent **ents;
	int n, rc = 0, applied = 0;
	PGconn *pg = connect_sync(conninfo);
	if (!pg)
		return SA_E_UNAVAILABLE;
	if (exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")") ||
	    exec_ok(pg, "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, "
			"name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")) {
		PQfinish(pg);
		return SA_E_UNAVAILABLE;
	}
	n = scandir(sql_dir, &ents, NULL, by_name);
	if (n < 0) {
		sa_log(LL_ERROR, "migrations: cannot read '%s': %s", sql_dir, strerror(errno));
		PQfinish(pg);
		return SA_E_UNAVAILABLE;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t len = strlen(name);
		int version = atoi(name);
		if (rc || len < 5 || strcmp(name + len - 4, ".sql") || version <= 0)
			continue;
		char vbuf[16], path[1024];
		snprintf(vbuf, sizeof vbuf, "%d", version);
		const char *pv[1] = {vbuf};
		PGresult *r = PQexecParams(pg, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, NULL,
					   pv, NULL, NULL, 0);
		int done = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
		PQclear(r);
		if (done)
			continue;
		snprintf(path, sizeof path, "%s/%s", sql_dir, name);
		char *sql = slurp(path);
		if (!sql) {
			sa_log(LL_ERROR, "migrations: cannot read %s", path);
			rc = SA_E_UNAVAILABLE;
			continue;
		}
		const char *pins[2] = {vbuf, name};
		if (exec_ok(pg, "BEGIN") || exec_ok(pg, sql)) {
			sa_log(LL_ERROR, "migration %s failed", name);
			exec_ok(pg, "ROLLBACK");
			rc = SA_E_UNAVAILABLE;
		} else {
			r = PQexecParams(pg, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
					 2, NULL, pins, NULL, NULL, 0);
			PQclear(r);
			if (exec_ok(pg, "COMMIT"))
				rc = SA_E_UNAVAILABLE;
			else {
				applied++;
				sa_log(LL_INFO, "migration %s applied", name);
			}
		}
		free(sql);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	exec_ok(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")");
	PQfinish(pg);
	if (!rc && !applied)
		sa_log(LL_DEBUG, "schema up to date");
	return rc;
}

static int load_one(PGconn *pg, crun *r)
{
	contest_def *d = r->def;
	char *title = cJSON_PrintUnformatted(d->title);
	char *defn = cJSON_PrintUnformatted(d->root);
	char nq[16];
	snprintf(nq, sizeof nq, "%zu", d->nquestions);
	const char *p[4] = {d->code, title, defn, nq};
	int rc = SA_E_UNAVAILABLE;
	PGresult *res = PQexecParams(
		pg,
		"INSERT INTO contests (code, title, definition, question_count) VALUES ($1, $2, $3, $4) "
		"ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, definition = EXCLUDED.definition, "
		"question_count = EXCLUDED.question_count, loaded_at = now() "
		"RETURNING id, phase, qindex, open_ms, deadline_ms, started_ms, seq",
		4, NULL, p, NULL, NULL, 0);
	free(title);
	free(defn);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		sa_log(LL_ERROR, "loading contest %s: %s", d->code, PQresultErrorMessage(res));
		PQclear(res);
		return SA_E_UNAVAILABLE;
	}
	r->contest_id = atoll(PQgetvalue(res, 0, 0));
	phase_parse(PQgetvalue(res, 0, 1), &r->st.phase);
	r->st.qindex = atoi(PQgetvalue(res, 0, 2));
	r->st.open_ms = atoll(PQgetvalue(res, 0, 3));
	r->st.deadline_ms = atoll(PQgetvalue(res, 0, 4));
	r->st.started_ms = atoll(PQgetvalue(res, 0, 5));
	r->st.seq = atoll(PQgetvalue(res, 0, 6));
	PQclear(res);

	char cid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	const char *pd[2] = {cid, nq};
	res = PQexecParams(pg, "DELETE FROM questions WHERE contest_id = $1 AND idx >= $2", 2, NULL, pd, NULL,
			   NULL, 0);
	PQclear(res);
	for (size_t i = 0; i < d->nquestions; i++) {
		const contest_question *q = &d->questions[i];
		char idx[24], lim[24], maxm[24];
		char *qdef = cJSON_PrintUnformatted(q->def);
		snprintf(idx, sizeof idx, "%zu", i);
		snprintf(lim, sizeof lim, "%lld", (long long)q->time_limit_ms);
		snprintf(maxm, sizeof maxm, "%lld", (long long)score_question_max_milli(q->compiled));
		const char *pq[7] = {cid, idx, q->id, score_question_type(q->compiled), qdef, lim, maxm};
		res = PQexecParams(
			pg,
			"INSERT INTO questions (contest_id, idx, qid, qtype, definition, time_limit_ms, max_milli) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (contest_id, idx) DO UPDATE SET "
			"qid = EXCLUDED.qid, qtype = EXCLUDED.qtype, definition = EXCLUDED.definition, "
			"time_limit_ms = EXCLUDED.time_limit_ms, max_milli = EXCLUDED.max_milli",
			7, NULL, pq, NULL, NULL, 0);
		free(qdef);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			sa_log(LL_ERROR, "loading contest %s question %s: %s", d->code, q->id,
			       PQresultErrorMessage(res));
			PQclear(res);
			return SA_E_UNAVAILABLE;
		}
		PQclear(res);
	}
	rc = 0;
	return rc;
}

int migrate_load_contests(const char *conninfo, crun **runs, int nruns)
{
	PGconn *pg = connect_sync(conninfo);
	int rc = 0;
	if (!pg)
		return SA_E_UNAVAILABLE;
	exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")");
	for (int i = 0; i < nruns; i++) {
		if (exec_ok(pg, "BEGIN") || load_one(pg, runs[i]) || exec_ok(pg, "COMMIT")) {
			exec_ok(pg, "ROLLBACK");
			rc = SA_E_UNAVAILABLE;
		} else
			sa_log(LL_INFO, "contest %s loaded: %d questions, phase %s", runs[i]->code,
			       runs[i]->nq, phase_name(runs[i]->st.phase));
	}
	exec_ok(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")");
	PQfinish(pg);
	return rc;
}

int migrate_reset_contest(const char *conninfo, const char *redis, const char *redis_password,
			  const char *prefix, const char *code, int only_if_finished)
{
	PGconn *pg = connect_sync(conninfo);
	if (!pg)
		return SA_E_UNAVAILABLE;
	const char *p[1] = {code};
	PGresult *r =
		PQexecParams(pg, "SELECT phase FROM contests WHERE code = $1", 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		if (only_if_finished) { /* never loaded yet: nothing to reset */
			PQclear(r);
			PQfinish(pg);
			return 0;
		}
		fprintf(stderr, "reset: unknown contest code '%s'\n", code);
		PQclear(r);
		PQfinish(pg);
		return SA_E_UNAVAILABLE;
	}
	int finished = !strcmp(PQgetvalue(r, 0, 0), "finished");
	PQclear(r);
	if (only_if_finished && !finished) {
		PQfinish(pg);
		return 0;
	}
	int rc = exec_ok(pg, "BEGIN");
	if (!rc) {
		r = PQexecParams(
			pg,
			"DELETE FROM participants WHERE contest_id = (SELECT id FROM contests WHERE code = $1)",
			1, NULL, p, NULL, NULL, 0);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : SA_E_UNAVAILABLE;
		PQclear(r);
	}
	if (!rc) {
		r = PQexecParams(
			pg,
			"UPDATE contests SET phase = 'lobby', qindex = -1, open_ms = 0, deadline_ms = 0, "
			"started_ms = 0, seq = seq + 1, updated_at = now() WHERE code = $1",
			1, NULL, p, NULL, NULL, 0);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : SA_E_UNAVAILABLE;
		PQclear(r);
	}
	rc = rc || exec_ok(pg, "COMMIT") ? SA_E_UNAVAILABLE : 0;
	if (rc)
		exec_ok(pg, "ROLLBACK");
	PQfinish(pg);
	if (rc)
		return SA_E_UNAVAILABLE;

	/* Redis: the contest's derived keys go too (servers rebuild them). */
	char host[256] = "127.0.0.1";
	int port = 6379, db = 0;
	const char *colon = strrchr(redis, ':');
	if (colon) {
		snprintf(host, sizeof host, "%.*s", (int)(colon - redis), redis);
		port = atoi(colon + 1);
		const char *slash = strchr(colon, '/');
		if (slash)
			db = atoi(slash + 1);
	}
	redisContext *rc2 = redisConnect(host, port);
	if (rc2 && !rc2->err) {
		char pattern[256];
		redisReply *rr = redisCommand(rc2, redis_password && *redis_password ? "AUTH %s" : "PING",
					      redis_password);
		if (!rr || rr->type == REDIS_REPLY_ERROR) {
			fprintf(stderr,
				"reset: redis %s refused the connection (%s): contest %s is reset in "
				"PostgreSQL but its Redis keys remain; check redis-password-file and run "
				"reset again\n",
				redis, rr ? rr->str : rc2->errstr, code);
			freeReplyObject(rr);
			redisFree(rc2);
			return -1;
		}
		freeReplyObject(rr);
		if (db)
			freeReplyObject(redisCommand(rc2, "SELECT %d", db));
		snprintf(pattern, sizeof pattern, "%s%s:*", prefix, code);
		char cursor[32] = "0";
		do {
			rr = redisCommand(rc2, "SCAN %s MATCH %s COUNT 1000", cursor, pattern);
			if (!rr || rr->type != REDIS_REPLY_ARRAY || rr->elements != 2) {
				freeReplyObject(rr);
				break;
			}
			snprintf(cursor, sizeof cursor, "%s", rr->element[0]->str);
			for (size_t i = 0; i < rr->element[1]->elements; i++)
				freeReplyObject(redisCommand(rc2, "DEL %s", rr->element[1]->element[i]->str));
			freeReplyObject(rr);
		} while (strcmp(cursor, "0"));
	} else
		fprintf(stderr,
			"reset: redis %s unreachable; its keys of %s will be rebuilt by the servers\n", redis,
			code);
	if (rc2)
		redisFree(rc2);
	sa_log(LL_INFO, "contest %s reset: no participants, phase lobby", code);
	return 0;
}

int migrate_contest_exists(const char *conninfo, const char *code)
{
	PGconn *pg = connect_sync(conninfo);
	if (!pg)
		return SA_E_UNAVAILABLE;
	const char *p[1] = {code};
	PGresult *r = PQexecParams(pg, "SELECT 1 FROM contests WHERE code = $1", 1, NULL, p, NULL, NULL, 0);
	int rc = PQresultStatus(r) != PGRES_TUPLES_OK ? SA_E_UNAVAILABLE : PQntuples(r) > 0;
	PQclear(r);
	PQfinish(pg);
	return rc;
}
