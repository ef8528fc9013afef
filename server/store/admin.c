/*
 * admin.c - contest administration: archive, delete, reset. Blocking libpq
 * and hiredis, so the command line runs it directly and a console route
 * would run it on libuv's thread pool, never on the loop.
 *
 * PostgreSQL is changed in one transaction, the contest row locked (FOR
 * UPDATE) so that a host command in flight is ordered before or after it.
 * Running processes follow through two paths: the `changed` event on the
 * Redis channel (at once), and their periodic re-read of the contests table
 * (live/sync.c, within --sync-ms), which needs no Redis. A live contest (a
 * question open or being revealed) is changed only when forced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "store/admin.h"
#include "store/store.h"

static const char *const op_names[] = {
	[ADMIN_ARCHIVE] = "archive",
	[ADMIN_DELETE] = "delete",
	[ADMIN_RESET] = "reset",
};

const char *admin_op_name(admin_op op) { return op_names[op]; }

void admin_event(char *buf, size_t n, admin_op op, const char *code)
{
	snprintf(buf, n, "{\"ev\":\"changed\",\"code\":\"%s\",\"what\":\"%s\"}", code, op_names[op]);
}

static int run(PGconn *pg, const char *sql, int n, const char *const *p)
{
	PGresult *r = PQexecParams(pg, sql, n, NULL, p, NULL, NULL, 0);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		sa_log(LL_ERROR, "postgresql: %s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : SA_E_UNAVAILABLE;
}

/* The statements of each operation on contest $1 (its id). */
static const char *const op_sql[][4] = {
	[ADMIN_ARCHIVE] = {"UPDATE contests SET archived_at = now(), updated_at = now() WHERE id = $1"},
	[ADMIN_DELETE] =
		{"DELETE FROM contests WHERE id = $1"}, /* questions, participants, answers cascade */
	[ADMIN_RESET] =
		{"DELETE FROM participants WHERE contest_id = $1",
		 "UPDATE contests SET phase = 'lobby', qindex = -1, open_ms = 0, deadline_ms = 0, "
		 "started_ms = 0, paused_ms = 0, board_hidden = false, seq = seq + 1, epoch = epoch + 1, "
		 "updated_at = now() WHERE id = $1",
		 "UPDATE questions SET open_ms = 0, deadline_ms = 0 WHERE contest_id = $1"},
};

/* Inside the transaction, the row locked: may op go ahead? 0, 1 (nothing to do), or an SA_E_* code. */
static int op_check(admin_op op, const char *code, const char *phase, int archived, int flags, char *msg,
		    size_t n)
{
	int live = !strcmp(phase, "question") || !strcmp(phase, "reveal");
	if (op == ADMIN_ARCHIVE && archived) {
		snprintf(msg, n, "contest %s is archived already", code);
		return 1;
	}
	if (op == ADMIN_RESET && archived) {
		snprintf(msg, n, "contest %s is archived: it cannot be reset", code);
		return SA_E_BAD_STATE;
	}
	if (op == ADMIN_RESET && (flags & ADMIN_IF_FINISHED) && strcmp(phase, "finished")) {
		snprintf(msg, n, "contest %s is not finished (phase %s): nothing reset", code, phase);
		return 1;
	}
	if (live && !(flags & ADMIN_FORCE)) {
		snprintf(msg, n,
			 "contest %s is live (phase %s): end it first, or add --force to %s it while it is "
			 "played",
			 code, phase, op_names[op]);
		return SA_E_BAD_STATE;
	}
	return 0;
}

int admin_change(const char *conninfo, admin_op op, const char *code, int flags, int *changed, char *msg,
		 size_t msglen)
{
	PGconn *pg = PQconnectdb(conninfo);
	const char *p[1] = {code};
	int rc;
	*changed = 0;
	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(msg, msglen, "cannot connect to postgresql: %.200s", PQerrorMessage(pg));
		PQfinish(pg);
		return SA_E_UNAVAILABLE;
	}
	if (run(pg, "BEGIN", 0, NULL)) {
		snprintf(msg, msglen, "postgresql refused to begin a transaction");
		PQfinish(pg);
		return SA_E_UNAVAILABLE;
	}
	PGresult *r = PQexecParams(pg,
				   "SELECT id, phase, archived_at IS NOT NULL FROM contests WHERE code = $1 "
				   "FOR UPDATE",
				   1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(msg, msglen, "postgresql: %.200s", PQresultErrorMessage(r));
		rc = SA_E_UNAVAILABLE;
	} else if (PQntuples(r) != 1) {
		int quiet = op == ADMIN_RESET && (flags & ADMIN_IF_FINISHED);
		snprintf(msg, msglen,
			 quiet ? "contest %s was never loaded: nothing reset" : "unknown contest code '%s'",
			 code);
		rc = quiet ? 1 : SA_E_UNKNOWN_CONTEST;
	} else if (!store_text(r, 0, 0) || !store_text(r, 0, 1) || !store_text(r, 0, 2)) {
		snprintf(msg, msglen, "contest %s: its row is malformed", code);
		rc = SA_E_INTERNAL;
	} else
		rc = op_check(op, code, store_text(r, 0, 1), store_text(r, 0, 2)[0] == 't', flags, msg,
			      msglen);
	char id[24];
	snprintf(id, sizeof id, "%s", rc ? "" : store_text(r, 0, 0));
	PQclear(r);
	const char *pid[1] = {id};
	for (int i = 0; !rc && i < 4 && op_sql[op][i]; i++)
		if (run(pg, op_sql[op][i], 1, pid)) {
			snprintf(msg, msglen, "postgresql refused to %s contest %s (see the log)",
				 op_names[op], code);
			rc = SA_E_UNAVAILABLE;
		}
	if (!rc && run(pg, "COMMIT", 0, NULL)) {
		snprintf(msg, msglen, "postgresql refused to commit the %s of contest %s", op_names[op],
			 code);
		rc = SA_E_UNAVAILABLE;
	}
	if (rc)
		run(pg, "ROLLBACK", 0, NULL);
	PQfinish(pg);
	*changed = !rc;
	if (!rc)
		snprintf(msg, msglen, "contest %s %s", code,
			 op == ADMIN_ARCHIVE  ? "archived: no process serves it, its results are kept"
			 : op == ADMIN_DELETE ? "deleted with its participants and answers"
					      : "reset: no participants, phase lobby");
	return rc == 1 ? 0 : rc;
}

/* ------------------------------------------------------------ Redis, for the command line */

static void del_keys(redisContext *c, const char *prefix, const char *code)
{
	char pattern[256], cursor[32] = "0";
	snprintf(pattern, sizeof pattern, "%s%s:*", prefix, code);
	do {
		redisReply *rr = redisCommand(c, "SCAN %s MATCH %s COUNT 1000", cursor, pattern);
		if (!rr || rr->type != REDIS_REPLY_ARRAY || rr->elements != 2 ||
		    rr->element[0]->type != REDIS_REPLY_STRING || rr->element[1]->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(rr);
			return;
		}
		snprintf(cursor, sizeof cursor, "%s", rr->element[0]->str);
		for (size_t i = 0; i < rr->element[1]->elements; i++)
			if (rr->element[1]->element[i]->type == REDIS_REPLY_STRING)
				freeReplyObject(redisCommand(c, "DEL %b", rr->element[1]->element[i]->str,
							     rr->element[1]->element[i]->len));
		freeReplyObject(rr);
	} while (strcmp(cursor, "0"));
}

int admin_redis(const char *redis, const char *password, const char *prefix, admin_op op, const char *code)
{
	char host[256] = "127.0.0.1", ev[160], channel[200];
	int port = 6379, db = 0;
	const char *colon = strrchr(redis, ':');
	if (colon) {
		snprintf(host, sizeof host, "%.*s", (int)(colon - redis), redis);
		port = atoi(colon + 1);
		const char *slash = strchr(colon, '/');
		if (slash)
			db = atoi(slash + 1);
	}
	struct timeval tv = {2, 0};
	redisContext *c = redisConnectWithTimeout(host, port, tv);
	if (!c || c->err) {
		redisFree(c);
		return 0;
	}
	redisSetTimeout(c, tv);
	redisReply *rr = redisCommand(c, password && *password ? "AUTH %s" : "PING", password);
	if (!rr || rr->type == REDIS_REPLY_ERROR) {
		fprintf(stderr,
			"%s: redis %s refused the connection (%s): contest %s is changed in PostgreSQL but "
			"its Redis keys remain; check redis-password-file and run %s again\n",
			op_names[op], redis, rr ? rr->str : c->errstr, code, op_names[op]);
		freeReplyObject(rr);
		redisFree(c);
		return SA_E_UNAVAILABLE;
	}
	freeReplyObject(rr);
	if (db)
		freeReplyObject(redisCommand(c, "SELECT %d", db));
	del_keys(c, prefix, code);
	admin_event(ev, sizeof ev, op, code);
	snprintf(channel, sizeof channel, "%sevents", prefix);
	rr = redisCommand(c, "PUBLISH %s %s", channel, ev);
	int published = rr && rr->type == REDIS_REPLY_INTEGER;
	freeReplyObject(rr);
	redisFree(c);
	return published;
}
