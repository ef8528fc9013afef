/*
 * load.c - contests coming and going while the server runs. PostgreSQL is
 * the truth: every process serves every stored contest that is not
 * archived.
 *
 *   at start        load_stored_all: every stored contest the --contests
 *                   files did not bring (blocking, before the loop)
 *   an upload       POST /api/contests: validated in full on libuv's thread
 *                   pool (every problem reported, bank files read there),
 *                   stored by migrate.c under its lock (a new code, fewer
 *                   than --max-contests served), served, and announced on
 *                   the event channel
 *   a stored one    found by live/sync.c or announced by an event: its row
 *                   is fetched and validated on the thread pool, from its
 *                   `source` (the text as validated, key order kept), with
 *                   the bank rules of its origin (a console contest: the
 *                   copies of its banks taken at publish, store/banks.h)
 *   published       by the console (live/publish.c), which validates and
 *                   stores it on the pool and hands it to load_serve
 *   retired         archived, deleted or reset (sync.c saw it): its members
 *                   are told and closed, it is no longer found by code
 *
 * The loop never waits: the blocking parts (libpq, bank files) run on the
 * thread pool, and only their results come back here.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "live/fanout.h"
#include "live/live.h"
#include "live/load.h"
#include "live/members.h"
#include "live/rebuild.h"
#include "live/run.h"
#include "net/ws.h"
#include "store/banks.h"
#include "store/lb.h"
#include "store/migrate.h"

typedef struct load_job {
	uv_work_t work;
	arena *a;
	struct load_job *next; /* in the arena's list while on its way */
	int upload;
	char *name, *json; /* an upload */
	size_t len;
	char code[24];     /* a stored contest */
	int64_t id, epoch; /* the row asked for (stored) */
	migrate_row row;   /* the row fetched (stored) */
	contest_diag diag;
	crun *r;
	int rc;
	load_done_cb done;
	void *ud;
} load_job;

/* A stored row and epoch that could not be loaded here: not tried again. */
typedef struct load_failed {
	int64_t id, epoch;
} load_failed;

typedef struct loads {
	char dir[1024]; /* load_dir, computed once (jobs read it on other threads) */
	load_job *jobs;
	load_failed *failed;
	int nfailed, capfailed;
} loads;

/* Without --bank-dir, bank paths of an uploaded contest resolve against the first contests directory. */
static void dir_of(const char *contests, char *dir, size_t n)
{
	const char *list = contests && *contests ? contests : "contests";
	snprintf(dir, n, "%.*s", (int)strcspn(list, ","), list);
	size_t l = strlen(dir);
	if (l > 5 && !strcmp(dir + l - 5, ".json")) { /* a file: its directory */
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, n, ".");
	}
}

int load_open(arena *a)
{
	if (!(a->loads = calloc(1, sizeof *a->loads)))
		return SA_E_INTERNAL;
	if (a->cfg.bank_dir && *a->cfg.bank_dir)
		snprintf(a->loads->dir, sizeof a->loads->dir, "%s", a->cfg.bank_dir);
	else
		dir_of(a->cfg.contests, a->loads->dir, sizeof a->loads->dir);
	return 0;
}

const char *load_dir(arena *a) { return a->loads->dir; }

void load_close(arena *a)
{
	if (!a->loads)
		return;
	free(a->loads->failed);
	free(a->loads); /* no job on its way: the loop ran until the thread pool was idle */
	a->loads = NULL;
}

/* ------------------------------------------------------------ validation */

/*
 * Validates a contest (JSON text) through the contests library: 0,
 * SA_E_INVALID_FIELD (every problem in diag) or SA_E_INTERNAL (no memory).
 * A contest that came from outside (an upload, or PostgreSQL's copy of one:
 * origin NULL) names its banks relative to the bank directory and may not
 * leave it; a contest file installed by the operator (origin, its path)
 * names them relative to itself; a console contest (banks) gets its banks
 * from the copies taken when it was published.
 */
static int validate(arena *a, const char *origin, const char *name, const char *json, size_t len,
		    bankset *banks, contest_def **def, contest_diag *diag)
{
	contest_load_opts o = {.lang = "zh-CN", .bank_root = origin ? NULL : load_dir(a)};
	if (banks) {
		o.bank_resolve = bankset_resolve;
		o.bank_ud = banks;
	}
	int rc = contest_load_v2(origin ? origin : name, json, len, a->eng, &o, def, diag);
	return rc == CONTEST_OK ? 0 : rc == CONTEST_E_NOMEM ? SA_E_INTERNAL : SA_E_INVALID_FIELD;
}

/*
 * A stored row into a crun with its id, epoch and state (any thread). 0, or
 * SA_E_INVALID_FIELD (the definition has problems: diag; or the state does
 * not fit it: logged), SA_E_INTERNAL.
 */
static int row_to_run(arena *a, const migrate_row *m, crun **out, contest_diag *diag)
{
	char name[1200];
	contest_def *def = NULL;
	const char *bad;
	int rc;
	bankset banks = {0};
	snprintf(name, sizeof name, "%s/%s.json", load_dir(a), m->code);
	if (m->console && (rc = bankset_snapshot(a->cfg.pg, m->id, &banks)))
		return rc;
	rc = validate(a, m->origin, name, m->source, strlen(m->source), m->console ? &banks : NULL, &def,
		      diag);
	bankset_release(&banks);
	if (rc)
		return rc;
	if (strcmp(def->code, m->code)) {
		sa_log(LL_ERROR, "contest %s: its stored definition has code %s: not served", m->code,
		       def->code);
		contest_free(def);
		return SA_E_INVALID_FIELD;
	}
	crun *r = run_new(a, def);
	if (!r) {
		contest_free(def);
		return SA_E_INTERNAL;
	}
	if ((bad = phase_check(&m->st, r->nq))) {
		sa_log(LL_ERROR, "contest %s: its stored live state is invalid (%s): not served", m->code,
		       bad);
		run_unref(r);
		return SA_E_INVALID_FIELD;
	}
	if (m->origin && !(r->origin = strdup(m->origin))) {
		run_unref(r);
		return SA_E_INTERNAL;
	}
	r->contest_id = m->id;
	r->epoch = m->epoch;
	r->st = m->st;
	*out = r;
	return 0;
}

int load_stored_all(arena *a)
{
	migrate_row *rows;
	int n, rc = migrate_fetch_all(a->cfg.pg, &rows, &n);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++) {
		contest_diag diag = {0};
		crun *r = NULL;
		if (run_find(a, rows[i].code))
			; /* a --contests file brought it */
		else if (row_to_run(a, &rows[i], &r, &diag)) {
			sa_log(LL_ERROR, "stored contest %s cannot be served: its definition has problems:",
			       rows[i].code);
			contest_diag_print(&diag, stderr);
		} else if (run_add(a, r))
			run_unref(r);
		else
			sa_log(LL_INFO, "contest %s served from postgresql: %d questions, phase %s", r->code,
			       r->nq, phase_name(r->st.phase));
		contest_diag_free(&diag);
		migrate_row_release(&rows[i]);
	}
	free(rows);
	return 0;
}

/* ------------------------------------------------------------ jobs */

/* On the thread pool: parse and validate (bank files are read here), then store or fetch. */
static void load_work(uv_work_t *w)
{
	load_job *j = w->data;
	arena *a = j->a;
	if (!j->upload) {
		if ((j->rc = migrate_fetch(a->cfg.pg, j->code, &j->row)))
			return;
		j->id = j->row.id;
		j->epoch = j->row.epoch;
		j->rc = row_to_run(a, &j->row, &j->r, &j->diag);
		return;
	}
	contest_def *def = NULL;
	if ((j->rc = validate(a, NULL, j->name, j->json, j->len, NULL, &def, &j->diag)))
		return;
	if (!(j->r = run_new(a, def))) {
		contest_free(def);
		j->rc = SA_E_INTERNAL;
		return;
	}
	j->rc = migrate_store_upload(a->cfg.pg, j->r, a->cfg.max_contests);
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

static void announce(arena *a, const crun *r)
{
	char ev[128];
	snprintf(ev, sizeof ev, "{\"ev\":\"contest\",\"code\":\"%s\"}", r->code);
	lb_publish(a, ev); /* every other process loads it now (else at its next read) */
}

/* A new contest served here: its timers and state, its Redis keys. */
static int serve(arena *a, crun *r)
{
	int rc = run_add(a, r);
	if (rc)
		return rc;
	live_attach(r);
	rebuild_contest(r);
	sa_log(LL_INFO, "contest %s loaded while serving (%d questions, phase %s)", r->code, r->nq,
	       phase_name(r->st.phase));
	return 0;
}

static void job_unlist(load_job *j)
{
	loads *l = j->a->loads;
	for (load_job **p = &l->jobs; *p; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			break;
		}
}

static void remember_failed(arena *a, int64_t id, int64_t epoch)
{
	loads *l = a->loads;
	if (l->nfailed == l->capfailed) {
		int cap = l->capfailed ? l->capfailed * 2 : 8;
		load_failed *f = realloc(l->failed, sizeof *f * (size_t)cap);
		if (!f)
			return; /* tried again at the next read: noisier, not wrong */
		l->failed = f;
		l->capfailed = cap;
	}
	l->failed[l->nfailed++] = (load_failed){id, epoch};
}

static void stored_after(load_job *j)
{
	arena *a = j->a;
	crun *r = j->r;
	if (j->rc == SA_E_INVALID_FIELD) {
		sa_log(LL_ERROR,
		       "stored contest %s cannot be served here: its definition has problems:", j->code);
		contest_diag_print(&j->diag, stderr);
		remember_failed(a, j->id, j->epoch);
	} else if (j->rc && j->rc != SA_E_NOT_FOUND)
		sa_log(LL_WARN, "stored contest %s not loaded (%s): tried again", j->code, err_name(j->rc));
	if (!r)
		return;
	crun *other = run_find(a, r->code);
	if (a->stopping || other || serve(a, r)) /* loaded meanwhile (an upload here), or stopping */
		run_unref(r);
}

static void upload_after(load_job *j, cJSON *problems)
{
	arena *a = j->a;
	crun *r = j->r, *other = r && !j->rc ? run_find(a, r->code) : NULL;
	int rc = j->rc;
	if (!rc && other && other->contest_id == r->contest_id) {
		run_unref(r); /* this process' sync.c found the new row first: same contest */
		r = other;
	} else if (!rc && (other || a->stopping))
		rc = SA_E_CONFLICT;
	else if (!rc && !(rc = serve(a, r)))
		announce(a, r);
	if (rc && r) {
		run_unref(r);
		r = NULL;
	}
	j->done(a, r, rc, problems, j->ud);
}

static void load_after(uv_work_t *w, int status)
{
	load_job *j = w->data;
	job_unlist(j);
	if (status < 0 && !j->rc)
		j->rc = SA_E_INTERNAL;
	if (j->upload) {
		cJSON *problems = j->rc == SA_E_INVALID_FIELD ? problems_json(&j->diag) : NULL;
		upload_after(j, problems);
		cJSON_Delete(problems);
	} else
		stored_after(j);
	contest_diag_free(&j->diag);
	migrate_row_release(&j->row);
	free(j->name);
	free(j->json);
	free(j);
}

int load_serve(arena *a, crun *r)
{
	crun *other = run_find(a, r->code);
	int rc = 0;
	if (other && other->contest_id == r->contest_id)
		; /* sync.c found the new row first: the same contest */
	else if (other || a->stopping)
		rc = SA_E_CONFLICT;
	else if (!(rc = serve(a, r))) {
		announce(a, r);
		return 0;
	}
	run_unref(r);
	return rc;
}

static int job_start(arena *a, load_job *j)
{
	j->a = a;
	j->work.data = j;
	if (uv_queue_work(a->loop, &j->work, load_work, load_after))
		return SA_E_INTERNAL;
	j->next = a->loads->jobs;
	a->loads->jobs = j;
	return 0;
}

int load_contest(arena *a, const char *name, const char *json, size_t len, load_done_cb done, void *ud)
{
	load_job *j = calloc(1, sizeof *j);
	if (!j)
		return SA_E_INTERNAL;
	j->upload = 1;
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
	j->done = done;
	j->ud = ud;
	if (job_start(a, j)) {
		free(j->name);
		free(j->json);
		free(j);
		return SA_E_INTERNAL;
	}
	return 0;
}

void load_stored(arena *a, const char *code, int64_t id, int64_t epoch)
{
	loads *l = a->loads;
	if (!l || a->stopping || run_find(a, code))
		return;
	for (load_job *j = l->jobs; j; j = j->next)
		if (!j->upload && !strcmp(j->code, code))
			return;
	for (int i = 0; i < l->nfailed; i++)
		if (l->failed[i].id == id && l->failed[i].epoch == epoch)
			return;
	load_job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	snprintf(j->code, sizeof j->code, "%s", code);
	j->id = id;
	j->epoch = epoch;
	if (job_start(a, j))
		free(j);
}

/* ------------------------------------------------------------ retire */

void load_retire(crun *r, int code, const char *why)
{
	if (r->retired)
		return;
	run_ref(r); /* run_remove drops the arena's */
	run_remove(r, code);
	fanout_finish(r); /* a push on its way reaches its members before the error */
	int closed = 0;
	for (conn *c = r->members, *next; c; c = next) {
		next = c->next;
		members_remove(r, c);
		c->role = ROLE_NONE;
		conn_send_error(c, code, NULL, why);
		conn_close(c, code == SA_E_CONTEST_RESET ? WS_CLOSE_RESET : WS_CLOSE_REMOVED,
			   code == SA_E_CONTEST_RESET ? "contest reset" : "contest removed");
		closed++;
	}
	run_detach(r);
	rebuild_forget(r);
	sa_log(LL_WARN, "contest %s %s: no longer served by this process (%d connections closed)", r->code,
	       why, closed);
	run_unref(r);
}
