/*
 * notebook.c - what a worker's practice shows them: `notebook` (the
 * wrong-answer notebook's questions in this contest's pool, the most
 * recently wrong first) and `progress` (practice answers and the right
 * rate per category). The worker is the employee number when the
 * participant gave one, else the participant (server/sql/006_practice.sql).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/err.h"
#include "live/paper.h"
#include "live/practice.h"
#include "live/run.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/store.h"

#define NOTEBOOK_LIST_MAX 200

#define WORKER_SQL "(SELECT coalesce('e:' || employee_no, 'p:' || id) AS w FROM participants WHERE id = $1)"

static void num(char *buf, size_t n, int64_t v) { snprintf(buf, n, "%lld", (long long)v); }

typedef struct list_req {
	conn *c;
	char rid[65];
	int cat;
} list_req;

static void notebook_rows(arena *a, void *res, const char *err, void *ud)
{
	list_req *l = ud;
	conn *c = l->c;
	(void)a;
	if (!c->wsi || !c->run)
		goto out;
	if (err) {
		conn_send_error(c, SA_E_UNAVAILABLE, l->rid[0] ? l->rid : NULL, NULL);
		goto out;
	}
	const paper_pool *pp = c->run->pool;
	cJSON *o = cJSON_CreateObject(), *items = cJSON_CreateArray();
	int count = 0;
	cJSON_AddStringToObject(o, "type", "notebook");
	if (l->rid[0])
		cJSON_AddStringToObject(o, "rid", l->rid);
	for (int i = 0; i < PQntuples(res); i++) {
		int k = paper_find_key(pp, PQgetvalue(res, i, 0));
		if (k < 0 || (l->cat >= 0 && pp->qs[k].cat != l->cat))
			continue;
		if (count++ >= NOTEBOOK_LIST_MAX)
			continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "id", pp->qs[k].it->q.id);
		cJSON_AddStringToObject(e, "category", pp->cats[pp->qs[k].cat].id);
		cJSON_AddItemToObject(
			e, "text",
			cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(pp->qs[k].public_msg, "text"), 1));
		cJSON_AddNumberToObject(e, "wrong", atoi(PQgetvalue(res, i, 1)));
		cJSON_AddNumberToObject(e, "streak", atoi(PQgetvalue(res, i, 2)));
		cJSON_AddNumberToObject(e, "added", (double)atoll(PQgetvalue(res, i, 3)));
		cJSON_AddNumberToObject(e, "last_seen", (double)atoll(PQgetvalue(res, i, 4)));
		cJSON_AddItemToArray(items, e);
	}
	cJSON_AddNumberToObject(o, "count", count);
	cJSON_AddNumberToObject(o, "leave_after", c->run->def->notebook_leave_after);
	cJSON_AddItemToObject(o, "items", items);
	conn_send_json(c, o);
out:
	conn_unref(c);
	free(l);
}

static int list_query(conn *c, const char *rid, int cat, const char *sql, store_cb cb)
{
	list_req *l = calloc(1, sizeof *l);
	char pid[24], cid[24];
	int rc;
	if (!l)
		return SA_E_INTERNAL;
	l->c = c;
	l->cat = cat;
	if (rid)
		snprintf(l->rid, sizeof l->rid, "%s", rid);
	num(pid, sizeof pid, c->pid);
	num(cid, sizeof cid, c->run->contest_id);
	const char *p[2] = {pid, cid};
	conn_ref(c);
	if ((rc = store_query(c->a, sql, 2, p, cb, l))) {
		conn_unref(c);
		free(l);
	}
	return rc;
}

int practice_notebook(msg_ctx *x)
{
	conn *c = x->c;
	const paper_pool *pp = c->run->pool;
	int rc = 0, cat = -1;
	const char *category = msg_string(x, "category", 0, &rc);
	if (rc)
		return rc;
	if (category) {
		while (++cat < pp->ncats && strcmp(pp->cats[cat].id, category))
			;
		if (cat == pp->ncats) {
			conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "category");
			return 0;
		}
	}
	return list_query(c, x->rid, cat,
			  "WITH me AS " WORKER_SQL
			  " SELECT b.question_key, b.wrong, b.right_streak, b.added_ms, "
			  "b.last_seen_ms FROM wrong_book b, me WHERE b.worker = me.w AND $2::bigint > 0 "
			  "ORDER BY b.last_wrong_ms DESC, b.question_key LIMIT 20000",
			  notebook_rows);
}

/* Questions of the notebook (keys separated by newlines) that this contest's pool holds. */
static int64_t book_in_pool(const paper_pool *pp, const char *keys)
{
	int64_t n = 0;
	char key[512];
	for (const char *p = keys; p && *p;) {
		size_t len = strcspn(p, "\n");
		if (len < sizeof key) {
			memcpy(key, p, len);
			key[len] = '\0';
			n += paper_find_key(pp, key) >= 0;
		}
		p += len + (p[len] == '\n');
	}
	return n;
}

static cJSON *rate_json(int64_t right, int64_t n)
{
	return n ? cJSON_CreateNumber((double)(int64_t)((double)right / (double)n * 10000 + 0.5) / 10000)
		 : cJSON_CreateNull();
}

static void progress_rows(arena *a, void *res, const char *err, void *ud)
{
	list_req *l = ud;
	conn *c = l->c;
	(void)a;
	if (!c->wsi || !c->run)
		goto out;
	if (err || PQntuples(res) < 1) {
		conn_send_error(c, SA_E_UNAVAILABLE, l->rid[0] ? l->rid : NULL, NULL);
		goto out;
	}
	const paper_pool *pp = c->run->pool;
	int rows = PQntuples(res);
	int64_t tot = 0, ok = 0;
	cJSON *o = cJSON_CreateObject(), *cats = cJSON_CreateArray();
	cJSON_AddStringToObject(o, "type", "progress");
	if (l->rid[0])
		cJSON_AddStringToObject(o, "rid", l->rid);
	for (int i = 0; i < rows; i++)
		if (!PQgetisnull(res, i, 0)) {
			tot += atoll(PQgetvalue(res, i, 1));
			ok += atoll(PQgetvalue(res, i, 2));
		}
	for (int k = 0; k < pp->ncats; k++) {
		int64_t n = 0, right = 0;
		for (int i = 0; i < rows; i++)
			if (!PQgetisnull(res, i, 0) && !strcmp(PQgetvalue(res, i, 0), pp->cats[k].id)) {
				n = atoll(PQgetvalue(res, i, 1));
				right = atoll(PQgetvalue(res, i, 2));
			}
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "category", pp->cats[k].id);
		cJSON_AddItemToObject(e, "title",
				      pp->cats[k].title ? paper_langmap(pp->cats[k].title)
							: cJSON_CreateNull());
		cJSON_AddNumberToObject(e, "questions", pp->cats[k].n);
		cJSON_AddNumberToObject(e, "answered", (double)n);
		cJSON_AddNumberToObject(e, "correct", (double)right);
		cJSON_AddItemToObject(e, "rate", rate_json(right, n));
		cJSON_AddItemToArray(cats, e);
	}
	cJSON_AddNumberToObject(o, "answered", (double)tot);
	cJSON_AddNumberToObject(o, "correct", (double)ok);
	cJSON_AddItemToObject(o, "rate", rate_json(ok, tot));
	cJSON_AddNumberToObject(
		o, "notebook",
		(double)book_in_pool(pp, PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3)));
	cJSON_AddItemToObject(o, "categories", cats);
	conn_send_json(c, o);
out:
	conn_unref(c);
	free(l);
}

int practice_send_progress(conn *c, const char *rid)
{
	return list_query(
		c, rid, -1,
		"WITH me AS " WORKER_SQL ", g AS (SELECT category, count(*) AS n, count(*) FILTER "
		"(WHERE correctness = 2) AS k FROM practice_answers, me WHERE contest_id = $2 AND worker = me.w "
		"GROUP BY category) SELECT g.category, g.n, g.k, (SELECT string_agg(b.question_key, E'\\n') "
		"FROM wrong_book b, me WHERE b.worker = me.w) FROM me LEFT JOIN g ON true",
		progress_rows);
}

int practice_progress(msg_ctx *x) { return practice_send_progress(x->c, x->rid); }
