/*
 * load.c - contests loaded while the server runs (POST /api/contests, and
 * the `contest` events of other processes).
 *
 * A contest arrives as JSON and goes to libuv's thread pool, where contests/
 * validates it in full (every problem reported, nothing half-loaded; bank
 * files are read there) and migrate.c's upsert stores it with blocking libpq
 * on its own connection, so the loop never waits. Back on the loop it is
 * added to this process and announced on the event channel so that every
 * other process loads it too (from PostgreSQL's copy).
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "live/load.h"
#include "live/run.h"
#include "store/lb.h"
#include "store/migrate.h"
#include "store/store.h"

typedef struct load_job {
	uv_work_t work;
	arena *a;
	char *name, *json; /* the upload, validated on the thread pool */
	size_t len;
	contest_def *def;
	contest_diag diag;
	crun *r;
	int rc;
	int announce;
	load_done_cb done;
	void *ud;
} load_job;

/* On the thread pool: parse and validate (bank files are read here), then store. */
static void load_work(uv_work_t *w)
{
	load_job *j = w->data;
	if (contest_load_mem(j->name, j->json, j->len, j->a->eng, "zh-CN", &j->def, &j->diag)) {
		j->rc = SA_E_INVALID_FIELD;
		return;
	}
	/* An upload never replaces a contest PostgreSQL already has (it may be running). */
	int exists = j->announce ? migrate_contest_exists(j->a->cfg.pg, j->def->code) : 0;
	if (exists) {
		contest_free(j->def);
		j->rc = exists > 0 ? SA_E_CONFLICT : SA_E_UNAVAILABLE;
		return;
	}
	if (!(j->r = run_new(j->a, j->def))) {
		contest_free(j->def);
		j->rc = SA_E_INTERNAL;
		return;
	}
	if (migrate_load_contests(j->a->cfg.pg, &j->r, 1))
		j->rc = SA_E_UNAVAILABLE;
}

static cJSON *problems_json(const contest_diag *d)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < d->count; i++) {
		const contest_problem *p = &d->items[i];
		cJSON *e = cJSON_CreateObject();
		if (p->path)
			cJSON_AddStringToObject(e, "path", p->path);
		if (p->line)
			cJSON_AddNumberToObject(e, "line", p->line);
		if (p->column)
			cJSON_AddNumberToObject(e, "column", p->column);
		cJSON_AddStringToObject(e, "message", p->message ? p->message : "");
		cJSON_AddItemToArray(arr, e);
	}
	return arr;
}

static void load_after(uv_work_t *w, int status)
{
	load_job *j = w->data;
	arena *a = j->a;
	crun *r = j->r;
	int rc = status < 0 ? SA_E_INTERNAL : j->rc;
	cJSON *problems = rc == SA_E_INVALID_FIELD ? problems_json(&j->diag) : NULL;
	if (!rc && (a->stopping || run_find(a, r->code)))
		rc = SA_E_CONFLICT; /* loaded meanwhile by another request or event */
	if (!rc)
		rc = run_add(a, r);
	if (rc && r)
		run_free(r);
	else if (!rc) {
		run_attach(r); /* its timers, its state, its Redis keys */
		lb_rebuild(r);
		sa_log(LL_INFO, "contest %s loaded while serving (%d questions)", r->code, r->nq);
		if (j->announce) {
			char ev[128];
			snprintf(ev, sizeof ev, "{\"ev\":\"contest\",\"code\":\"%s\"}", r->code);
			lb_publish(a, ev);
		}
	}
	if (j->done)
		j->done(a, rc ? NULL : r, rc, problems, j->ud);
	else if (rc)
		sa_log(LL_WARN, "a contest announced by another process could not be loaded here (%s)",
		       err_name(rc));
	cJSON_Delete(problems);
	contest_diag_free(&j->diag);
	free(j->name);
	free(j->json);
	free(j);
}

int load_contest(arena *a, const char *name, const char *json, size_t len, int announce, load_done_cb done,
		 void *ud)
{
	load_job *j = calloc(1, sizeof *j);
	if (!j)
		return SA_E_INTERNAL;
	j->a = a;
	j->name = strdup(name);
	j->json = malloc(len + 1);
	if (!j->name || !j->json) {
		free(j->name);
		free(j->json);
		free(j);
		return SA_E_INTERNAL;
	}
	memcpy(j->json, json, len);
	j->json[len] = '\0';
	j->len = len;
	j->announce = announce;
	j->done = done;
	j->ud = ud;
	j->work.data = j;
	if (uv_queue_work(a->loop, &j->work, load_work, load_after)) {
		free(j->name);
		free(j->json);
		free(j);
		return SA_E_INTERNAL;
	}
	return 0;
}

/* Another process loaded a contest: load PostgreSQL's copy of its definition. */
static void definition_row(arena *a, void *res, const char *err, void *ud)
{
	char *code = ud, name[128];
	if (!err && PQntuples(res) == 1 && !run_find(a, code)) {
		const char *json = PQgetvalue(res, 0, 0);
		snprintf(name, sizeof name, "%s/%s.json", load_dir(a), code);
		if (load_contest(a, name, json, strlen(json), 0, NULL, NULL))
			sa_log(LL_WARN, "contest %s announced by another process could not be loaded", code);
	}
	free(code);
}

void load_announced(arena *a, const char *code)
{
	if (run_find(a, code))
		return;
	char *copy = strdup(code);
	const char *p[1] = {code};
	if (store_query(a, "SELECT definition::text FROM contests WHERE code = $1", 1, p, definition_row,
			copy))
		free(copy);
}

/* Bank paths of an uploaded contest resolve against the first contests directory. */
const char *load_dir(arena *a)
{
	static char dir[1024];
	const char *list = a->cfg.contests && *a->cfg.contests ? a->cfg.contests : "contests";
	size_t n = strcspn(list, ",");
	snprintf(dir, sizeof dir, "%.*s", (int)n, list);
	size_t l = strlen(dir);
	if (l > 5 && !strcmp(dir + l - 5, ".json")) { /* a file: its directory */
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof dir, ".");
	}
	return dir;
}
