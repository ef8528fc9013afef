/*
 * publish.c - console contests off the loop: the problems of a draft,
 * publishing it, re-publishing a contest nobody joined, and archive or
 * delete by the command line's rules (store/admin.c).
 *
 *   check      (pool) the banks the draft names, read from PostgreSQL as they
 *              are now (store/banks.c), then the contests library with a
 *              bank resolver over them: every problem, in the request's language
 *   publish    (pool) the same, then under the upload lock in one transaction
 *              (store/migrate.c's migrate_store_in): the row locked and
 *              checked (still the draft that was validated; fewer than
 *              --max-contests served), marked scheduled with a screen key, the
 *              copies of its banks kept (contest_banks), its questions stored;
 *              (loop) served here and announced (live/load.c's load_serve)
 *   republish  a new definition for a published contest in its lobby that
 *              nobody joined: the same, its epoch moved, so every process
 *              (this one too) retires and loads it again (sync.c)
 *   admin      (pool) admin_change; (loop) the `changed` event, and a read
 *
 * A job holds its own copies of everything it reads; the crun it makes is
 * handed to the loop, which serves it or drops it.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/auth.h"
#include "core/err.h"
#include "core/log.h"
#include "live/load.h"
#include "live/publish.h"
#include "live/run.h"
#include "live/sync.h"
#include "store/banks.h"
#include "store/lb.h"
#include "store/migrate.h"
#include "store/store.h"

typedef enum { PUB_CHECK, PUB_DRAFT, PUB_REPUBLISH, PUB_ADMIN } pub_kind;

typedef struct pub_job {
	uv_work_t work;
	arena *a;
	pub_kind kind;
	char code[24];
	char name[40]; /* the definition's name in problems: CODE.json (no bank code has a dot) */
	char lang[8];
	char key[40]; /* a new screen key, used when the contest has none */
	char *text;   /* the definition (PUB_DRAFT: read from the row) */
	int max;
	bankset banks;
	contest_diag diag;
	crun *r;
	int rc, nq;
	admin_op op; /* PUB_ADMIN */
	int flags, changed;
	char msg[512];
	publish_check_cb check_done;
	publish_done_cb done;
	publish_admin_cb admin_done;
	void *ud;
} pub_job;

cJSON *publish_problems(const void *diag, const char *contest)
{
	const contest_diag *d = diag;
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < d->count; i++) {
		const contest_problem *p = &d->items[i];
		cJSON *e = cJSON_CreateObject();
		if (!e)
			break;
		if (p->file && contest && strcmp(p->file, contest))
			cJSON_AddStringToObject(e, "bank", p->file);
		cJSON_AddStringToObject(e, "path", p->path ? p->path : "$");
		if (p->line)
			cJSON_AddNumberToObject(e, "line", p->line);
		if (p->column)
			cJSON_AddNumberToObject(e, "column", p->column);
		cJSON_AddStringToObject(e, "message", p->message ? p->message : "");
		cJSON_AddItemToArray(arr, e);
	}
	return arr;
}

/* ------------------------------------------------------------ the pool */

/* The draft's text and status: 0, SA_E_UNKNOWN_CONTEST, SA_E_BAD_STATE (not a draft), SA_E_UNAVAILABLE. */
static int read_draft(PGconn *pg, pub_job *j)
{
	const char *p[1] = {j->code};
	PGresult *r = PQexecParams(
		pg, "SELECT source, status, archived_at IS NOT NULL FROM contests WHERE code = $1", 1, NULL,
		p, NULL, NULL, 0);
	int rc = PQresultStatus(r) != PGRES_TUPLES_OK ? SA_E_UNAVAILABLE
		 : PQntuples(r) != 1                  ? SA_E_UNKNOWN_CONTEST
		 : !store_text(r, 0, 0) || !store_text(r, 0, 1) || strcmp(store_text(r, 0, 1), "draft") ||
				 !strcmp(store_text(r, 0, 2), "t")
			 ? SA_E_BAD_STATE
			 : 0;
	if (!rc && !(j->text = strdup(store_text(r, 0, 0))))
		rc = SA_E_INTERNAL;
	PQclear(r);
	return rc;
}

/* The definition with its banks as they are now: 0, SA_E_INVALID_FIELD (diag), ... */
static int validate(PGconn *pg, pub_job *j, contest_def **def)
{
	cJSON *root = cJSON_Parse(j->text); /* only for the names of its banks: the library parses it */
	int rc = bankset_fetch(pg, root, &j->banks);
	cJSON_Delete(root);
	if (rc)
		return rc;
	contest_load_opts o = {.lang = j->lang, .bank_resolve = bankset_resolve, .bank_ud = &j->banks};
	rc = contest_load_v2(j->name, j->text, strlen(j->text), j->a->eng, &o, def, &j->diag);
	return rc == CONTEST_OK ? 0 : rc == CONTEST_E_NOMEM ? SA_E_INTERNAL : SA_E_INVALID_FIELD;
}

/* Inside the store's transaction, the contest row locked: may it be (re)published? */
static int publish_row(PGconn *pg, crun *r, void *ud)
{
	pub_job *j = ud;
	const char *p[1] = {j->code};
	PGresult *res = PQexecParams(
		pg,
		"SELECT id, status, source, phase, archived_at IS NOT NULL, "
		"EXISTS (SELECT 1 FROM participants WHERE contest_id = c.id) FROM contests c WHERE code = $1 FOR UPDATE",
		1, NULL, p, NULL, NULL, 0);
	int64_t id = 0;
	int rc = PQresultStatus(res) != PGRES_TUPLES_OK ? SA_E_UNAVAILABLE
		 : PQntuples(res) != 1                  ? SA_E_UNKNOWN_CONTEST
		 : store_int(res, 0, 0, 1, INT64_MAX, &id) || !store_text(res, 0, 1) ||
				 !store_text(res, 0, 3) || !store_text(res, 0, 4) || !store_text(res, 0, 5)
			 ? SA_E_INTERNAL
			 : 0;
	if (!rc && !strcmp(store_text(res, 0, 4), "t"))
		rc = SA_E_BAD_STATE;
	else if (!rc && j->kind == PUB_DRAFT) {
		int64_t served;
		if (strcmp(store_text(res, 0, 1), "draft"))
			rc = SA_E_BAD_STATE;
		else if (!store_text(res, 0, 2) || strcmp(store_text(res, 0, 2), j->text))
			rc = SA_E_CONFLICT; /* saved again since it was validated */
		else if ((rc = migrate_served_count(pg, &served)) == 0 && served >= j->max)
			rc = SA_E_CONTEST_LIMIT;
	} else if (!rc && (!strcmp(store_text(res, 0, 1), "draft") ||
			   strcmp(store_text(res, 0, 3), "lobby") || !strcmp(store_text(res, 0, 5), "t")))
		rc = SA_E_BAD_STATE;
	PQclear(res);
	if (rc)
		return rc;
	char cid[24], opens[24] = "", closes[24] = "";
	snprintf(cid, sizeof cid, "%lld", (long long)id);
	if (r->def->opens_at)
		snprintf(opens, sizeof opens, "%lld", (long long)r->def->opens_at);
	if (r->def->closes_at)
		snprintf(closes, sizeof closes, "%lld", (long long)r->def->closes_at);
	const char *q[5] = {cid, opens, closes, j->key, j->kind == PUB_REPUBLISH ? "1" : "0"};
	res = PQexecParams(
		pg,
		"UPDATE contests SET status = CASE WHEN status = 'draft' THEN 'scheduled' ELSE status END, "
		"bank_source = 'console', published_at = now(), updated_at = now(), "
		"opens_at = to_timestamp(nullif($2, '')::bigint), "
		"closes_at = to_timestamp(nullif($3, '')::bigint), "
		"screen_key = coalesce(screen_key, $4), epoch = epoch + $5::int WHERE id = $1",
		5, NULL, q, NULL, NULL, 0);
	rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : SA_E_UNAVAILABLE;
	if (rc)
		sa_log(LL_ERROR, "publishing %s: %s", j->code, PQresultErrorMessage(res));
	PQclear(res);
	return rc ? rc : bankset_store(pg, id, &j->banks);
}

static int do_publish(PGconn *pg, pub_job *j)
{
	contest_def *def = NULL;
	int rc;
	if ((j->kind == PUB_DRAFT && (rc = read_draft(pg, j))) || (rc = validate(pg, j, &def)))
		return rc;
	if (strcmp(def->code, j->code)) {
		contest_free(def);
		return SA_E_INVALID_FIELD; /* the API checked it: a row changed under it */
	}
	if (!(j->r = run_new(j->a, def))) {
		contest_free(def);
		return SA_E_INTERNAL;
	}
	j->nq = j->r->nq;
	return migrate_store_in(pg, j->r, publish_row, j);
}

static void on_work(uv_work_t *w)
{
	pub_job *j = w->data;
	if (j->kind == PUB_ADMIN) {
		j->rc = admin_change(j->a->cfg.pg, j->op, j->code, j->flags, &j->changed, j->msg,
				     sizeof j->msg);
		return;
	}
	PGconn *pg = migrate_connect(j->a->cfg.pg);
	if (!pg) {
		j->rc = SA_E_UNAVAILABLE;
		return;
	}
	if (j->kind == PUB_CHECK) {
		contest_def *def = NULL;
		j->rc = validate(pg, j, &def);
		contest_free(def);
	} else
		j->rc = do_publish(pg, j);
	PQfinish(pg);
}

/* ------------------------------------------------------------ the loop */

/* Every process (this one too) reads the contests table now: it loads, reloads or retires code. */
static void changed(arena *a, const char *code, const char *what)
{
	char ev[160];
	snprintf(ev, sizeof ev, "{\"ev\":\"changed\",\"code\":\"%s\",\"what\":\"%s\"}", code, what);
	lb_publish(a, ev);
	sync_now(a);
}

static void on_after(uv_work_t *w, int status)
{
	pub_job *j = w->data;
	arena *a = j->a;
	if (status < 0 && !j->rc)
		j->rc = SA_E_INTERNAL;
	cJSON *problems = j->rc == SA_E_INVALID_FIELD ? publish_problems(&j->diag, j->name) : NULL;
	if (j->kind == PUB_ADMIN) {
		if (!j->rc && j->changed)
			changed(a, j->code, admin_op_name(j->op));
		j->admin_done(a, j->rc, j->changed, j->msg, j->ud);
	} else if (j->kind == PUB_CHECK)
		j->check_done(a, j->rc, problems, j->ud);
	else {
		crun *r = j->r;
		j->r = NULL;
		if (j->rc || j->kind == PUB_REPUBLISH) {
			if (r)
				run_unref(r);
			if (!j->rc)
				changed(a, j->code, "update");
		} else if ((j->rc = load_serve(a, r)) == SA_E_CONFLICT)
			sa_log(LL_WARN,
			       "contest %s published, but another contest of that code is served here",
			       j->code);
		j->done(a, j->rc, problems, j->nq, j->ud);
	}
	cJSON_Delete(problems);
	bankset_release(&j->banks);
	contest_diag_free(&j->diag);
	free(j->text);
	free(j);
}

static pub_job *job_new(arena *a, pub_kind kind, const char *code, const char *text, const char *lang)
{
	pub_job *j = calloc(1, sizeof *j);
	if (!j || (text && !(j->text = strdup(text)))) {
		free(j);
		return NULL;
	}
	j->a = a;
	j->kind = kind;
	j->max = a->cfg.max_contests;
	snprintf(j->code, sizeof j->code, "%s", code);
	snprintf(j->name, sizeof j->name, "%s.json", code);
	snprintf(j->lang, sizeof j->lang, "%s", lang && !strcmp(lang, "en") ? "en" : "zh-CN");
	return j;
}

static int job_queue(pub_job *j)
{
	j->work.data = j;
	if (uv_queue_work(j->a->loop, &j->work, on_work, on_after)) {
		free(j->text);
		free(j);
		return SA_E_INTERNAL;
	}
	return 0;
}

int publish_check(arena *a, const char *code, const char *text, const char *lang, publish_check_cb done,
		  void *ud)
{
	pub_job *j = job_new(a, PUB_CHECK, code, text, lang);
	if (!j)
		return SA_E_INTERNAL;
	j->check_done = done;
	j->ud = ud;
	return job_queue(j);
}

int publish_contest(arena *a, const char *code, const char *text, const char *lang, publish_done_cb done,
		    void *ud)
{
	pub_job *j = job_new(a, text ? PUB_REPUBLISH : PUB_DRAFT, code, text, lang);
	if (!j)
		return SA_E_INTERNAL;
	if (auth_random_hex(j->key, 16)) { /* the loop's generator (not thread-safe) */
		free(j->text);
		free(j);
		return SA_E_INTERNAL;
	}
	j->done = done;
	j->ud = ud;
	return job_queue(j);
}

int publish_admin(arena *a, admin_op op, const char *code, int flags, publish_admin_cb done, void *ud)
{
	pub_job *j = job_new(a, PUB_ADMIN, code, NULL, NULL);
	if (!j)
		return SA_E_INTERNAL;
	j->op = op;
	j->flags = flags;
	j->admin_done = done;
	j->ud = ud;
	return job_queue(j);
}
