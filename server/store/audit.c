/*
 * audit.c - the audit log's writes, group-committed (store/commit.h): one
 * INSERT ... SELECT FROM unnest() per batch, in the order the entries were
 * written; and its reads (GET /api/audit, the CSV exports).
 *
 * A batch that fails is tried again (AUDIT_TRIES in all) unless the server
 * is stopping; an entry given up is written to the log whole (level error),
 * as JSON, so that an outage of PostgreSQL never loses one without a trace.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "store/audit.h"
#include "store/commit.h"
#include "store/pgarr.h"

#define AUDIT_TRIES 3

typedef struct audit_entry {
	int64_t account_id;
	char *actor, *ip, *action, *contest, *target;
	char *before, *after, *detail; /* JSON text, or NULL */
	int tries;
} audit_entry;

static void entry_free(audit_entry *e)
{
	free(e->actor);
	free(e->ip);
	free(e->action);
	free(e->contest);
	free(e->target);
	free(e->before);
	free(e->after);
	free(e->detail);
	free(e);
}

/* The entry as one JSON line for the log, when it cannot be stored. */
static void entry_log(const audit_entry *e, const char *why)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "account_id", (double)e->account_id);
	cJSON_AddStringToObject(o, "actor", e->actor);
	cJSON_AddStringToObject(o, "ip", e->ip);
	cJSON_AddStringToObject(o, "action", e->action);
	if (e->contest)
		cJSON_AddStringToObject(o, "contest", e->contest);
	if (e->target)
		cJSON_AddStringToObject(o, "target", e->target);
	const char *names[3] = {"before", "after", "detail"};
	const char *texts[3] = {e->before, e->after, e->detail};
	for (int i = 0; i < 3; i++)
		if (texts[i])
			cJSON_AddItemToObject(o, names[i], cJSON_Parse(texts[i]));
	char *line = cJSON_PrintUnformatted(o);
	sa_log(LL_ERROR, "audit entry not stored (%s): %s", why, line ? line : e->action);
	cJSON_free(line);
	cJSON_Delete(o);
}

static const char AUDIT_INSERT[] =
	"INSERT INTO audit.audit_log (account_id, actor, ip, action, contest_id, contest_code, target, "
	"before, after, detail) "
	"SELECT NULLIF(x.a, 0), x.u, x.ip, x.act, (SELECT id FROM contests WHERE code = NULLIF(x.c, '')), "
	"NULLIF(x.c, ''), NULLIF(x.t, ''), NULLIF(x.b, '')::jsonb, NULLIF(x.af, '')::jsonb, "
	"NULLIF(x.d, '')::jsonb "
	"FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
	"$8::text[], $9::text[]) WITH ORDINALITY AS x(a, u, ip, act, c, t, b, af, d, n) ORDER BY x.n";

static void audit_row(const void *item, pgarr *cols)
{
	const audit_entry *e = item;
	pgarr_num(&cols[0], (long long)e->account_id);
	pgarr_text(&cols[1], e->actor);
	pgarr_text(&cols[2], e->ip);
	pgarr_text(&cols[3], e->action);
	pgarr_text(&cols[4], e->contest);
	pgarr_text(&cols[5], e->target);
	pgarr_text(&cols[6], e->before);
	pgarr_text(&cols[7], e->after);
	pgarr_text(&cols[8], e->detail);
}

static void audit_done(arena *a, void **items, int n, void *res, const char *err)
{
	int ok = res && !err;
	if (!ok && n)
		sa_log(LL_WARN, "audit: %d entries not stored yet: %s", n,
		       err ? err : "PostgreSQL unreachable");
	for (int i = 0; i < n; i++) {
		audit_entry *e = items[i];
		if (ok) {
			entry_free(e);
			continue;
		}
		if (++e->tries < AUDIT_TRIES && !a->stopping && a->audit && !commit_add(a->audit, e))
			continue;
		entry_log(e, err ? err : "PostgreSQL unreachable");
		entry_free(e);
	}
}

static const commit_ops audit_commit = {
	.sql = AUDIT_INSERT,
	.ncols = 9,
	.row = audit_row,
	.done = audit_done,
};

int audit_open(arena *a)
{
	/* Not urgent: entries of 50 ms share a statement; one statement at a time keeps their order. */
	commit_policy pol = {.max = 500, .delay_ms = 50, .interval_ms = 0, .inflight = 1};
	if (a->audit)
		return 0;
	a->audit = commit_open(a, &audit_commit, pol);
	return a->audit ? 0 : SA_E_INTERNAL;
}

void audit_flush(arena *a)
{
	if (a->audit)
		commit_flush(a->audit);
}

void audit_close(arena *a)
{
	commit_queue *q = a->audit;
	if (!q)
		return;
	a->audit = NULL; /* the entries it hands back now are logged, not queued again */
	commit_close(q);
}

static char *json_text(const cJSON *j) { return j ? cJSON_PrintUnformatted(j) : NULL; }

static char *dup_or_null(const char *s) { return s && *s ? strdup(s) : NULL; }

static int entry_add(arena *a, const auth_principal *who, const char *action, const char *contest,
		     const char *target, const cJSON *before, const cJSON *after, const cJSON *detail)
{
	audit_entry *e = calloc(1, sizeof *e);
	if (!e) {
		sa_log(LL_ERROR, "audit entry not stored (out of memory): %s by %s", action, auth_actor(who));
		return SA_E_INTERNAL;
	}
	e->account_id = who ? who->account_id : 0;
	e->actor = strdup(who ? who->username : "");
	e->ip = strdup(who ? who->addr : "");
	e->action = strdup(action);
	e->contest = dup_or_null(contest);
	e->target = dup_or_null(target);
	e->before = json_text(before);
	e->after = json_text(after);
	e->detail = json_text(detail);
	int rc = !e->actor || !e->ip || !e->action ? SA_E_INTERNAL
		 : !a->audit                       ? SA_E_UNAVAILABLE
						   : commit_add(a->audit, e);
	if (rc) {
		if (e->action)
			entry_log(e, rc == SA_E_INTERNAL ? "out of memory" : "the audit log is closed");
		entry_free(e);
	}
	return rc;
}

int audit_write(arena *a, const auth_principal *who, const char *action, const char *contest,
		const char *target, const cJSON *before, const cJSON *after)
{
	return entry_add(a, who, action, contest, target, before, after, NULL);
}

int audit_note(arena *a, const auth_principal *who, const char *action, const char *contest,
	       const char *target, const cJSON *detail)
{
	return entry_add(a, who, action, contest, target, NULL, NULL, detail);
}

/* ------------------------------------------------------------ reading */

static const char AUDIT_SELECT[] =
	"SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), account_id, actor, "
	"ip, action, contest_code, target, before, after, detail, count(*) OVER () "
	"FROM audit.audit_log "
	"WHERE ($1::bigint IS NULL OR account_id = $1) AND ($2::text IS NULL OR contest_code = upper($2)) "
	"AND ($3::text IS NULL OR action = $3 OR (right($3, 1) = '.' AND starts_with(action, $3))) "
	"AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5) "
	"AND ($8::text IS NULL OR actor = $8) "
	"ORDER BY id DESC LIMIT $6 OFFSET $7";

int audit_query(arena *a, const audit_filter *f, store_cb cb, void *ud)
{
	char acc[24], lim[16], off[24];
	snprintf(acc, sizeof acc, "%lld", (long long)f->account_id);
	snprintf(lim, sizeof lim, "%d", f->limit > 0 ? f->limit : 1);
	snprintf(off, sizeof off, "%lld", (long long)(f->offset > 0 ? f->offset : 0));
	const char *p[8] = {
		f->account_id ? acc : NULL, f->contest, f->action, f->from, f->to, lim, off, f->actor};
	return store_query(a, AUDIT_SELECT, 8, p, cb, ud);
}

cJSON *audit_rows_json(void *res)
{
	static const char *const names[] = {"id",      "at",     "account_id", "actor", "ip",    "action",
					    "contest", "target", "before",     "after", "detail"};
	cJSON *arr = cJSON_CreateArray();
	for (int r = 0; arr && r < PQntuples(res); r++) {
		cJSON *o = cJSON_CreateObject();
		for (int c = 0; c < 11; c++) {
			const char *v = PQgetvalue(res, r, c);
			if (PQgetisnull(res, r, c))
				cJSON_AddNullToObject(o, names[c]);
			else if (c == 0 || c == 2)
				cJSON_AddNumberToObject(o, names[c], (double)atoll(v));
			else if (c >= 8)
				cJSON_AddItemToObject(o, names[c], cJSON_Parse(v));
			else
				cJSON_AddStringToObject(o, names[c], v);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}
