/*
 * monitor.c - a running contest for the console to poll:
 * GET /api/console/contests/{code}/monitor. Who joined and who has not, by
 * unit of the contest's roster; online now; answers per question; how many
 * questions each participant answered.
 *
 * Cost: the summary (the roster's units with their headcount and joined
 * workers, answers and correct answers per question, participants by number
 * of answers) is ONE statement per contest and process, shared by every
 * poller for MONITOR_TTL_MS (core/coalesce.c: requests meanwhile wait for
 * the same one). The two lists (participants, workers who have not joined)
 * are one indexed statement per request, of at most per_page rows each.
 * Online counts and the phase come from the contest's runtime on this
 * process (the tick's counts, every process summed through Redis).
 * docs/performance.md has the figures at 20,000 participants.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/request.h"
#include "core/coalesce.h"
#include "core/err.h"
#include "live/phase.h"
#include "live/run.h"
#include "store/store.h"
#include "store/units.h"

#define MONITOR_TTL_MS 2000
#define MONITOR_PAGE_MAX 500

/* ------------------------------------------------------------ the summary (shared) */

static const char SUMMARY_SQL[] =
	"WITH c AS (SELECT id, code, status, roster_mode, phase, qindex, question_count FROM contests "
	"  WHERE code = $1), "
	"cu AS (SELECT u.id, u.parent_id, u.name, u.path FROM units u, c WHERE contest_roster_covers(c.id, u.path)), "
	"wk AS (SELECT w.unit_id, w.employee_no FROM workers w JOIN cu ON cu.id = w.unit_id WHERE w.active), "
	"pj AS (SELECT p.employee_no FROM participants p, c WHERE p.contest_id = c.id AND p.employee_no IS NOT NULL), "
	"uc AS (SELECT wk.unit_id, count(*) AS n, count(pj.employee_no) AS j FROM wk "
	"  LEFT JOIN pj ON pj.employee_no = wk.employee_no GROUP BY wk.unit_id), "
	"qa AS (SELECT a.question_idx, a.participant_id, a.correctness FROM answers a, c WHERE a.contest_id = c.id), "
	"pa AS (SELECT participant_id, count(*) AS n FROM qa GROUP BY participant_id), "
	"hist AS (SELECT coalesce(pa.n, 0) AS k, count(*) AS n FROM participants p JOIN c ON p.contest_id = c.id "
	"  LEFT JOIN pa ON pa.participant_id = p.id GROUP BY 1) "
	"SELECT (SELECT row_to_json(c) FROM c), "
	"(SELECT coalesce(json_agg(json_build_array(cu.id, cu.parent_id, cu.name, cu.path, coalesce(uc.n, 0), "
	"  coalesce(uc.j, 0)) ORDER BY cu.path), '[]') FROM cu LEFT JOIN uc ON uc.unit_id = cu.id), "
	"(SELECT coalesce(json_agg(json_build_object('index', q.idx, 'qid', q.qid, 'answered', coalesce(s.n, 0), "
	"  'correct', coalesce(s.k, 0)) ORDER BY q.idx), '[]') FROM questions q JOIN c ON q.contest_id = c.id "
	"  LEFT JOIN (SELECT question_idx, count(*) AS n, count(*) FILTER (WHERE correctness = 2) AS k FROM qa "
	"  GROUP BY question_idx) s ON s.question_idx = q.idx), "
	"(SELECT coalesce(json_agg(json_build_array(k, n) ORDER BY k), '[]') FROM hist), "
	"(SELECT count(DISTINCT wk.employee_no) FROM wk), "
	"(SELECT count(DISTINCT wk.employee_no) FROM wk JOIN pj ON pj.employee_no = wk.employee_no), to_json(now())";

/* The rows [id, parent, name, path, headcount, joined] of the summary into a unit list. */
static int units_of(const cJSON *arr, unit_list *l)
{
	const cJSON *row;
	memset(l, 0, sizeof *l);
	if (!(l->rows = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *l->rows)))
		return SA_E_INTERNAL;
	cJSON_ArrayForEach(row, arr)
	{
		unit_row *u = &l->rows[l->n];
		const cJSON *f[6];
		for (int i = 0; i < 6; i++)
			f[i] = cJSON_GetArrayItem(row, i);
		if (!cJSON_IsNumber(f[0]) || !cJSON_IsString(f[2]) || !cJSON_IsString(f[3]) ||
		    !cJSON_IsNumber(f[4]) || !cJSON_IsNumber(f[5]) ||
		    !(u->name = strdup(f[2]->valuestring)) || !(u->path = strdup(f[3]->valuestring)))
			return SA_E_INVALID_FIELD;
		u->id = (int64_t)f[0]->valuedouble;
		u->parent = cJSON_IsNumber(f[1]) ? (int64_t)f[1]->valuedouble : 0;
		u->own = (int64_t)f[4]->valuedouble;
		u->own_joined = (int64_t)f[5]->valuedouble;
		u->depth = 1;
		for (const char *p = u->path; *p; p++)
			u->depth += *p == '/';
		l->n++;
	}
	return 0;
}

/* The summary's row into the shared JSON: contest, roster (units summed), questions, answered. */
static cJSON *summary_json(void *res)
{
	cJSON *contest = api_json_cell(res, 0, 0), *units = api_json_cell(res, 0, 1);
	cJSON *questions = api_json_cell(res, 0, 2), *hist = api_json_cell(res, 0, 3), *o = NULL;
	int64_t headcount, joined;
	unit_list l = {0};
	if (!cJSON_IsObject(contest) || !cJSON_IsArray(questions) || !cJSON_IsArray(hist) ||
	    store_int(res, 0, 4, 0, INT64_MAX, &headcount) || store_int(res, 0, 5, 0, INT64_MAX, &joined) ||
	    units_of(units, &l))
		goto out;
	units_rollup(&l);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "contest", contest);
	contest = NULL;
	cJSON *roster = cJSON_AddObjectToObject(o, "roster");
	cJSON_AddNumberToObject(roster, "headcount", (double)headcount);
	cJSON_AddNumberToObject(roster, "joined", (double)joined);
	cJSON_AddItemToObject(roster, "units", units_flat_json(&l, 1));
	cJSON_AddItemToObject(o, "questions", questions);
	questions = NULL;
	/* answered[k]: participants with k answers, k = 0..the most */
	cJSON *answered = cJSON_AddArrayToObject(o, "answered");
	const cJSON *pair;
	int next = 0;
	double players = 0;
	cJSON_ArrayForEach(pair, hist)
	{
		int k = (int)cJSON_GetArrayItem(pair, 0)->valuedouble;
		double n = cJSON_GetArrayItem(pair, 1)->valuedouble;
		for (; next < k && next < 100000; next++)
			cJSON_AddItemToArray(answered, cJSON_CreateNumber(0));
		cJSON_AddItemToArray(answered, cJSON_CreateNumber(n));
		next = k + 1;
		players += n;
	}
	cJSON_AddNumberToObject(o, "players", players);
	cJSON_AddItemToObject(o, "computed_at", api_json_cell(res, 0, 6));
out:
	units_release(&l);
	cJSON_Delete(contest);
	cJSON_Delete(units);
	cJSON_Delete(questions);
	cJSON_Delete(hist);
	return o;
}

static void summary_read(arena *a, void *res, const char *err, void *ud)
{
	char *key = ud;
	cJSON *o = NULL;
	int rc = err || !res                                     ? SA_E_UNAVAILABLE
		 : PQntuples(res) != 1 || PQgetisnull(res, 0, 0) ? SA_E_UNKNOWN_CONTEST
								 : 0;
	if (!rc && !(o = summary_json(res)))
		rc = SA_E_INTERNAL;
	coalesce_done(a, key, rc, o);
	free(key);
}

/* Keys are "monitor:CODE" (CODE upper-cased, as stored). */
static int summary_start(arena *a, const char *key, void *start_ud)
{
	(void)start_ud;
	char *k = strdup(key);
	const char *p[1] = {key + 8};
	if (!k)
		return SA_E_INTERNAL;
	int rc = store_query(a, SUMMARY_SQL, 1, p, summary_read, k);
	if (rc)
		free(k);
	return rc;
}

/* ------------------------------------------------------------ the lists (per request) */

typedef struct monitor_req {
	http_req *req;
	cJSON *summary; /* a copy of the shared one */
	long page, per;
	char key[48];
} monitor_req;

static const char LISTS_SQL[] =
	"WITH c AS (SELECT id, roster_mode FROM contests WHERE code = $1), "
	"p AS (SELECT path FROM units WHERE id = $2::bigint), "
	"pf AS (SELECT x.id, x.name, x.employee_no, x.unit, x.score_milli FROM participants x, c "
	"  WHERE x.contest_id = c.id AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM p WHERE x.unit = p.path "
	"  OR left(x.unit, length(p.path) + 1) = p.path || '/'))), "
	"wf AS (SELECT w.employee_no, w.name, u.path FROM workers w JOIN units u ON u.id = w.unit_id, c "
	"  WHERE c.roster_mode = 'roster' AND w.active AND contest_roster_covers(c.id, u.path) "
	"  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM p WHERE u.path = p.path "
	"  OR left(u.path, length(p.path) + 1) = p.path || '/')) "
	"  AND NOT EXISTS (SELECT 1 FROM participants x WHERE x.contest_id = c.id AND x.employee_no = w.employee_no)) "
	"SELECT (SELECT count(*) FROM pf), "
	"(SELECT coalesce(json_agg(json_build_object('participant_id', y.id, 'name', y.name, 'employee_no', "
	"  y.employee_no, 'unit', y.unit, 'answered', (SELECT count(*) FROM answers a WHERE a.participant_id = y.id), "
	"  'score', y.score_milli / 1000.0) ORDER BY y.id), '[]') "
	"  FROM (SELECT * FROM pf ORDER BY id LIMIT $3::int OFFSET $4::bigint) y), "
	"(SELECT count(*) FROM wf), "
	"(SELECT coalesce(json_agg(json_build_object('employee_no', z.employee_no, 'name', z.name, 'unit', z.path) "
	"  ORDER BY z.employee_no), '[]') FROM (SELECT * FROM wf ORDER BY employee_no LIMIT $3::int "
	"  OFFSET $4::bigint) z), "
	"$2::bigint = 0 OR EXISTS (SELECT 1 FROM p), (SELECT roster_mode FROM c)";

static cJSON *list_json(monitor_req *m, void *res, int count_col, int rows_col)
{
	int64_t total = 0;
	cJSON *o = cJSON_CreateObject();
	store_int(res, 0, count_col, 0, INT64_MAX, &total);
	cJSON_AddNumberToObject(o, "total", (double)total);
	cJSON_AddNumberToObject(o, "page", (double)m->page);
	cJSON_AddNumberToObject(o, "per_page", (double)m->per);
	cJSON_AddItemToObject(o, "rows", api_json_cell(res, 0, rows_col));
	return o;
}

/* The reply: the contest's live counts, the shared summary and this request's lists. */
static void lists_read(arena *a, void *res, const char *err, void *ud)
{
	monitor_req *m = ud;
	http_req *req = m->req;
	const char *found = store_text(res, 0, 4), *mode = store_text(res, 0, 5);
	if (err || !res || !found || !mode)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (strcmp(found, "t"))
		api_error(req, SA_E_NOT_FOUND, "unit", "没有这个单位", "no unit has this id");
	else {
		cJSON *o = cJSON_CreateObject(), *s = m->summary;
		cJSON *contest = cJSON_GetObjectItem(s, "contest"), *plist = list_json(m, res, 0, 1);
		const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(contest, "code"));
		const cJSON *qindex = cJSON_GetObjectItem(contest, "qindex");
		const crun *r = code ? run_find(a, code) : NULL;
		cJSON_AddStringToObject(o, "code", code ? code : "");
		cJSON_AddItemToObject(o, "status",
				      cJSON_Duplicate(cJSON_GetObjectItem(contest, "status"), 1));
		cJSON_AddItemToObject(o, "phase",
				      r ? cJSON_CreateString(phase_name(r->st.phase))
					: cJSON_Duplicate(cJSON_GetObjectItem(contest, "phase"), 1));
		cJSON_AddNumberToObject(o, "index",
					r                        ? r->st.qindex
					: cJSON_IsNumber(qindex) ? qindex->valuedouble
								 : -1);
		cJSON_AddItemToObject(o, "question_count",
				      cJSON_Duplicate(cJSON_GetObjectItem(contest, "question_count"), 1));
		cJSON_AddItemToObject(o, "players", cJSON_DetachItemFromObject(s, "players"));
		cJSON_AddNumberToObject(o, "online", r ? (double)r->online : 0);
		cJSON *roster = cJSON_DetachItemFromObject(s, "roster");
		cJSON_AddStringToObject(roster, "mode", mode);
		cJSON_AddItemToObject(o, "roster", roster);
		cJSON_AddItemToObject(o, "questions", cJSON_DetachItemFromObject(s, "questions"));
		cJSON_AddItemToObject(o, "answered", cJSON_DetachItemFromObject(s, "answered"));
		cJSON_AddItemToObject(o, "participants", plist);
		if (!strcmp(mode, "roster"))
			cJSON_AddItemToObject(o, "missing", list_json(m, res, 2, 3));
		else
			cJSON_AddNullToObject(o, "missing");
		cJSON_AddItemToObject(o, "computed_at", cJSON_DetachItemFromObject(s, "computed_at"));
		http_reply_json(req, 200, o);
	}
	cJSON_Delete(m->summary);
	http_req_unref(req);
}

static void summary_got(arena *a, int rc, const cJSON *value, void *ud)
{
	monitor_req *m = ud;
	http_req *req = m->req;
	if (!rc && !(m->summary = cJSON_Duplicate(value, 1)))
		rc = SA_E_INTERNAL;
	if (!rc) {
		char unit[24], lim[24], off[24];
		const char *u = http_query(req, "unit");
		snprintf(unit, sizeof unit, "%lld", u ? atoll(u) : 0LL);
		snprintf(lim, sizeof lim, "%ld", m->per);
		snprintf(off, sizeof off, "%ld", (m->page - 1) * m->per);
		const char *p[4] = {m->key + 8, unit, lim, off};
		if (!(rc = store_query(a, LISTS_SQL, 4, p, lists_read, m)))
			return;
		cJSON_Delete(m->summary);
	}
	http_reply_error(req, rc, NULL);
	http_req_unref(req);
}

static int monitor_get(http_req *req)
{
	monitor_req *m = http_alloc(req, sizeof *m);
	const char *code = http_param(req, "code"), *unit = http_query(req, "unit");
	if (!m)
		return SA_E_INTERNAL;
	m->req = req;
	m->page = api_number(http_query(req, "page"), 1, 1000000);
	m->per = api_number(http_query(req, "per_page"), 50, MONITOR_PAGE_MAX);
	if (!m->page || !m->per) {
		api_error(req, SA_E_INVALID_FIELD, !m->page ? "page" : "per_page",
			  "page 须从 1 开始，per_page 为 1–500", "page counts from 1, per_page is 1-500");
		return 0;
	}
	if (unit && !api_number(unit, 0, 1L << 53)) {
		api_error(req, SA_E_NOT_FOUND, "unit", "没有这个单位", "no unit has this id");
		return 0;
	}
	if (strlen(code) > 16)
		return SA_E_UNKNOWN_CONTEST;
	int n = snprintf(m->key, sizeof m->key, "monitor:%s", code);
	for (int i = 8; i < n; i++)
		m->key[i] = (char)(m->key[i] >= 'a' && m->key[i] <= 'z' ? m->key[i] - 32 : m->key[i]);
	http_req_ref(req);
	int rc = coalesce_get(http_arena(req), m->key, MONITOR_TTL_MS, summary_start, NULL, summary_got, m);
	if (rc)
		http_req_unref(req);
	return rc;
}

const route api_monitor_routes[] = {
	{ROUTE_GET,
	 "/api/console/contests/{code}/monitor",
	 monitor_get,
	 {AUTH_CONTEST, AUTH_ORGANIZER | AUTH_VIEWER},
	 ROUTE_BODY_NONE,
	 0,
	 0},
	{0},
};
