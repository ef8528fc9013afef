/*
 * contest_roster.c - a contest's roster and its join exceptions:
 * GET/PUT /api/console/contests/{code}/roster (open or real-name joining,
 * the units whose workers may join) and GET/POST
 * /api/console/contests/{code}/exceptions (real-name joins that matched no
 * worker, waiting for an organizer; approved ones join next time).
 *
 * The join itself is checked in PostgreSQL, in the join's own statement
 * (roster_gate(), sql/030_roster.sql, called by live/player.c), so a change
 * made here holds on every process at the next join. Contests are found in
 * PostgreSQL by code, drafts included. Every change is audited.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/request.h"
#include "api/roster_file.h"
#include "core/err.h"
#include "store/audit.h"
#include "store/pgarr.h"
#include "store/store.h"

#define ROSTER_BODY_MAX 65536
#define EXCEPTION_BODY_MAX 4096
#define ROSTER_UNITS_MAX 1000

/* The roster of the contest $1 as JSON. */
static const char ROSTER_SQL[] =
	"SELECT json_build_object('code', c.code, 'mode', c.roster_mode, "
	"'units', coalesce((SELECT json_agg(json_build_object('id', u.id, 'path', u.path, 'headcount', "
	"  (SELECT count(*) FROM workers w JOIN units wu ON wu.id = w.unit_id WHERE w.active "
	"   AND (wu.path = u.path OR left(wu.path, length(u.path) + 1) = u.path || '/'))) ORDER BY u.path) "
	"  FROM contest_roster_units r JOIN units u ON u.id = r.unit_id WHERE r.contest_id = c.id), '[]'), "
	"'headcount', (SELECT count(*) FROM workers w JOIN units wu ON wu.id = w.unit_id "
	"  WHERE w.active AND contest_roster_covers(c.id, wu.path)), "
	"'exceptions_pending', (SELECT count(*) FROM join_exceptions e WHERE e.contest_id = c.id "
	"  AND e.decision IS NULL)) FROM contests c WHERE c.code = upper($1)";

/* ------------------------------------------------------------ the roster */

typedef struct roster_change {
	http_req *req;
	cJSON *before;
} roster_change;

static void roster_read(arena *a, void *res, const char *err, void *ud)
{
	roster_change *c = ud;
	http_req *req = c->req;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	else {
		cJSON *after = api_json_cell(res, 0, 0);
		if (c->before) { /* a PUT: its change is stored */
			audit_write(a, http_principal(req), "contest.roster", http_param(req, "code"), NULL,
				    c->before, after);
			cJSON_Delete(c->before);
			c->before = NULL;
		}
		http_reply_json(req, 200, after);
	}
	cJSON_Delete(c->before);
	http_req_unref(req);
}

static int roster_get(http_req *req)
{
	roster_change *c = http_alloc(req, sizeof *c);
	if (!c)
		return SA_E_INTERNAL;
	c->req = req;
	const char *p[1] = {http_param(req, "code")};
	return api_query(req, ROSTER_SQL, 1, p, roster_read, c);
}

/* before; the first unit id that does not exist; whether the contest exists. */
static void roster_set(arena *a, void *res, const char *err, void *ud)
{
	roster_change *c = ud;
	http_req *req = c->req;
	const char *bad = store_text(res, 0, 1);
	(void)a;
	if (!api_row_true(req, res, err, 2, NULL, &API_NO_CONTEST))
		; /* answered */
	else if (bad) {
		char zh[96], en[96];
		snprintf(zh, sizeof zh, "没有编号为 %s 的单位", bad);
		snprintf(en, sizeof en, "no unit has the id %s", bad);
		api_error(req, SA_E_INVALID_FIELD, "units", zh, en);
	} else {
		const char *p[1] = {http_param(req, "code")};
		c->before = api_json_cell(res, 0, 0);
		if (!store_query(http_arena(req), ROSTER_SQL, 1, p, roster_read, c))
			return; /* the reference goes on */
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
		cJSON_Delete(c->before);
	}
	http_req_unref(req);
}

/* The body's units as a PostgreSQL array literal into *arr: 0, or answered (1). */
static int units_param(http_req *req, const cJSON *units, pgarr *arr)
{
	const cJSON *u;
	if (!cJSON_IsArray(units) || cJSON_GetArraySize(units) > ROSTER_UNITS_MAX) {
		api_error(req, SA_E_INVALID_FIELD, "units", "units 须为单位编号的列表（最多 1000 个）",
			  "units is a list of unit ids (at most 1000)");
		return 1;
	}
	cJSON_ArrayForEach(u, units)
	{
		if (!cJSON_IsNumber(u) || u->valuedouble < 1 || u->valuedouble > 9007199254740992.0 ||
		    u->valuedouble != (double)(int64_t)u->valuedouble) {
			api_error(req, SA_E_INVALID_FIELD, "units",
				  "units 须为单位编号的列表（最多 1000 个）",
				  "units is a list of unit ids (at most 1000)");
			return 1;
		}
		pgarr_num(arr, (long long)u->valuedouble);
	}
	return 0;
}

static int roster_put(http_req *req)
{
	cJSON *body = http_json_body(req), *units = cJSON_GetObjectItemCaseSensitive(body, "units");
	int bad = 0;
	const char *mode = api_string(req, "mode", &bad);
	if (bad || (mode && strcmp(mode, "open") && strcmp(mode, "roster"))) {
		api_error(req, SA_E_INVALID_FIELD, "mode", "mode 须为 open（开放加入）或 roster（实名加入）",
			  "mode is open or roster");
		return 0;
	}
	pgarr arr;
	pgarr_init(&arr);
	if (units && units_param(req, units, &arr)) {
		pgarr_release(&arr);
		return 0;
	}
	roster_change *c = http_alloc(req, sizeof *c);
	const char *list = pgarr_end(&arr);
	if (!c || !list) {
		pgarr_release(&arr);
		return SA_E_INTERNAL;
	}
	c->req = req;
	const char *p[4] = {http_param(req, "code"), mode, list, units ? "true" : "false"};
	int rc = api_query(
		req,
		"WITH c AS (SELECT id, roster_mode FROM contests WHERE code = upper($1) FOR UPDATE), "
		"bad AS (SELECT x FROM unnest($3::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM units WHERE id = x)), "
		"b AS (SELECT json_build_object('mode', c.roster_mode, 'units', coalesce((SELECT "
		"  json_agg(r.unit_id ORDER BY r.unit_id) FROM contest_roster_units r WHERE r.contest_id = c.id), "
		"  '[]')) AS j FROM c), "
		"del AS (DELETE FROM contest_roster_units r USING c WHERE $4::boolean AND r.contest_id = c.id "
		"  AND r.unit_id <> ALL($3::bigint[]) AND NOT EXISTS (SELECT 1 FROM bad) RETURNING 1), "
		"ins AS (INSERT INTO contest_roster_units (contest_id, unit_id) SELECT c.id, x "
		"  FROM c, unnest($3::bigint[]) x WHERE $4::boolean AND NOT EXISTS (SELECT 1 FROM bad) "
		"  ON CONFLICT DO NOTHING RETURNING 1), "
		"upd AS (UPDATE contests t SET roster_mode = coalesce($2, t.roster_mode), updated_at = now() "
		"  FROM c WHERE t.id = c.id AND NOT EXISTS (SELECT 1 FROM bad) RETURNING 1) "
		"SELECT (SELECT j FROM b), (SELECT min(x) FROM bad), EXISTS (SELECT 1 FROM c), "
		"  (SELECT count(*) FROM del) + (SELECT count(*) FROM ins) + (SELECT count(*) FROM upd)",
		4, p, roster_set, c);
	pgarr_release(&arr);
	return rc;
}

/* ------------------------------------------------------------ exceptions */

#define EXCEPTION_JSON(e)                                                                                    \
	"json_build_object('id', " e ".id, 'employee_no', " e ".employee_no, 'name', " e ".name, 'unit', " e \
	".unit, 'attempts', " e ".attempts, 'requested_at', " e ".requested_at, 'last_at', " e               \
	".last_at, 'decision', " e                                                                           \
	".decision, 'decided_by', (SELECT a.username FROM accounts a WHERE a.id = " e                        \
	".decided_by), 'decided_at', " e ".decided_at)"

static int exceptions_get(http_req *req)
{
	const char *status = http_query(req, "status");
	static const char *const known[] = {"all", "pending", "approved", "rejected"};
	size_t i = 0;
	while (status && i < 4 && strcmp(status, known[i]))
		i++;
	if (i == 4) {
		api_error(req, SA_E_INVALID_FIELD, "status", "status 须为 pending、approved、rejected 或 all",
			  "status is pending, approved, rejected or all");
		return 0;
	}
	const char *p[2] = {http_param(req, "code"), status ? status : "all"};
	return api_query_json(
		req,
		"SELECT json_build_object('exceptions', coalesce((SELECT json_agg(" EXCEPTION_JSON(
			"e") " ORDER BY e.last_at DESC, e.id DESC) FROM join_exceptions e WHERE e.contest_id = c.id "
			     "  AND ($2 = 'all' OR ($2 = 'pending' AND e.decision IS NULL) OR e.decision = $2)), '[]')) "
			     "FROM contests c WHERE c.code = upper($1)",
		2, p, &API_NO_CONTEST);
}

typedef struct decision {
	http_req *req;
	char *emp, *name, *unit;
	int approve;
} decision;

static void decision_free(decision *d)
{
	free(d->emp);
	free(d->name);
	free(d->unit);
}

/* contest found; before (or NULL); after (or NULL: nothing to decide); created. */
static void decided(arena *a, void *res, const char *err, void *ud)
{
	decision *d = ud;
	http_req *req = d->req;
	const char *created = store_text(res, 0, 3);
	if (!api_row_true(req, res, err, 0, NULL, &API_NO_CONTEST))
		; /* answered */
	else if (!store_text(res, 0, 2))
		api_error(req, SA_E_NOT_FOUND, "employee_no",
			  "这个工号没有加入申请：请同时填写姓名以新建例外",
			  "no join request has this employee number: give a name to make an exception");
	else {
		cJSON *before = api_json_cell(res, 0, 1), *after = api_json_cell(res, 0, 2);
		audit_write(a, http_principal(req), d->approve ? "join.approve" : "join.reject",
			    http_param(req, "code"), d->emp, before, after);
		cJSON_Delete(before);
		http_reply_json(req, created && !strcmp(created, "t") ? 201 : 200, after);
	}
	decision_free(d);
	http_req_unref(req);
}

/* The body of a decision into d: 0, 1 (answered), or SA_E_INTERNAL. */
static int decision_fields(http_req *req, decision *d)
{
	static const struct {
		const char *name;
		int (*fn)(const char *, char **, roster_why *);
		int required;
	} fields[3] = {
		{"employee_no", roster_check_employee_no, 1},
		{"name", roster_check_name, 0},
		{"unit", roster_check_path, 0},
	};
	char **outs[3] = {&d->emp, &d->name, &d->unit};
	int bad = 0;
	const char *dec = api_string(req, "decision", &bad);
	if (bad || !dec || (strcmp(dec, "approved") && strcmp(dec, "rejected"))) {
		api_error(req, SA_E_INVALID_FIELD, "decision",
			  "decision 须为 approved（同意）或 rejected（拒绝）",
			  "decision is approved or rejected");
		return 1;
	}
	d->approve = !strcmp(dec, "approved");
	for (int i = 0; i < 3; i++) {
		roster_why why = {"invalid", "须为文本", "must be text"};
		const char *s = api_string(req, fields[i].name, &bad);
		int rc = bad ? -1 : !s ? (fields[i].required ? -2 : 0) : fields[i].fn(s, outs[i], &why);
		if (rc == SA_E_INTERNAL)
			return rc;
		if (rc) {
			if (rc == -2)
				why = (roster_why){"empty", "缺少此字段", "this field is required"};
			api_error(req, SA_E_INVALID_FIELD, fields[i].name, why.zh, why.en);
			return 1;
		}
	}
	return 0;
}

static int exceptions_post(http_req *req)
{
	decision *d = http_alloc(req, sizeof *d);
	if (!d)
		return SA_E_INTERNAL;
	d->req = req;
	int rc = decision_fields(req, d);
	char by[24];
	snprintf(by, sizeof by, "%lld", (long long)http_principal(req)->account_id);
	const char *p[6] = {
		http_param(req, "code"), d->emp, d->name, d->unit, d->approve ? "approved" : "rejected", by};
	rc = rc ? rc
		: api_query(
			  req,
			  "WITH c AS (SELECT id FROM contests WHERE code = upper($1)), "
			  "b AS (SELECT e.* FROM join_exceptions e JOIN c ON e.contest_id = c.id "
			  "  WHERE e.employee_no = $2), "
			  "up AS (INSERT INTO join_exceptions AS e (contest_id, employee_no, name, unit, attempts, "
			  "  decision, decided_by, decided_at) "
			  "  SELECT c.id, $2, coalesce($3, (SELECT name FROM b)), coalesce($4, (SELECT unit FROM b), ''), "
			  "  0, $5, NULLIF($6::bigint, 0), now() FROM c WHERE $3 IS NOT NULL OR EXISTS (SELECT 1 FROM b) "
			  "  ON CONFLICT (contest_id, employee_no) DO UPDATE SET name = EXCLUDED.name, "
			  "  unit = EXCLUDED.unit, decision = EXCLUDED.decision, decided_by = EXCLUDED.decided_by, "
			  "  decided_at = now() RETURNING e.*, xmax = 0 AS created) "
			  "SELECT EXISTS (SELECT 1 FROM c), (SELECT json_build_object('employee_no', b.employee_no, "
			  "  'name', b.name, 'unit', b.unit, 'decision', b.decision) FROM b), "
			  "  (SELECT " EXCEPTION_JSON("up") " FROM up), (SELECT created FROM up)",
			  6, p, decided, d);
	if (rc)
		decision_free(d);
	return rc > 0 ? 0 : rc;
}

#define CONTEST(roles)              \
	{                           \
		AUTH_CONTEST, roles \
	}

const route api_contest_roster_routes[] = {
	{ROUTE_GET, "/api/console/contests/{code}/roster", roster_get, CONTEST(AUTH_ORGANIZER | AUTH_VIEWER),
	 ROUTE_BODY_NONE, 0, 0},
	{ROUTE_PUT, "/api/console/contests/{code}/roster", roster_put, CONTEST(AUTH_ORGANIZER),
	 ROUTE_BODY_JSON, ROSTER_BODY_MAX, 0},
	{ROUTE_GET, "/api/console/contests/{code}/exceptions", exceptions_get, CONTEST(AUTH_ORGANIZER),
	 ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/console/contests/{code}/exceptions", exceptions_post, CONTEST(AUTH_ORGANIZER),
	 ROUTE_BODY_JSON, EXCEPTION_BODY_MAX, 0},
	{0},
};
