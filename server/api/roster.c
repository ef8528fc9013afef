/*
 * roster.c - the enterprise's roster, for organizers: GET /api/units (the
 * unit tree with headcounts), GET /api/roster/workers (search and pages),
 * PUT/DELETE /api/roster/workers/{employee_no} (one worker; deleting makes
 * them inactive), GET /api/roster/template.xlsx; the import of a whole
 * file is roster_import.c.
 *
 * Units are made from the paths workers name (units_ensure(), in
 * PostgreSQL); headcounts are summed over subtrees by store/units.c. Every
 * change is audited with the worker before and after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/pool.h"
#include "api/request.h"
#include "api/roster_file.h"
#include "core/err.h"
#include "sheets.h"
#include "store/audit.h"
#include "store/store.h"
#include "store/units.h"

#define WORKER_BODY_MAX 4096
#define WORKERS_PAGE_MAX 500

/* A worker as JSON, from the columns of w (workers) and u (its unit). */
#define WORKER_JSON(w, u)                                                                        \
	"json_build_object('employee_no', " w ".employee_no, 'name', " w                         \
	".name, 'unit', json_build_object('id', " u ".id, 'path', " u ".path), 'phone_tail', " w \
	".phone_tail, 'active', " w ".active, 'updated_at', " w ".updated_at)"

/* Runs sql for the request (referenced until cb unrefs it): 0 or the code to answer. */
static int query(http_req *req, const char *sql, int n, const char *const *params, store_cb cb, void *ud)
{
	http_req_ref(req);
	int rc = store_query(http_arena(req), sql, n, params, cb, ud ? ud : req);
	if (rc)
		http_req_unref(req);
	return rc;
}

/* A whole positive number up to max from a query parameter; dflt when absent, 0 when bad. */
/* ------------------------------------------------------------ units */

static void units_read_done(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	unit_list l;
	(void)a;
	if (err || !res || units_read(res, 0, &l))
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else {
		int64_t total = 0;
		units_rollup(&l);
		for (size_t i = 0; i < l.n; i++)
			total += l.rows[i].own;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "total", (double)total);
		cJSON_AddItemToObject(o, "units",
				      http_query(req, "flat") ? units_flat_json(&l, 0)
							      : units_tree_json(&l, 0));
		units_release(&l);
		http_reply_json(req, 200, o);
	}
	http_req_unref(req);
}

static int units_get(http_req *req)
{
	return query(req,
		     "SELECT u.id, u.parent_id, u.name, u.path, coalesce(c.n, 0) FROM units u "
		     "LEFT JOIN (SELECT unit_id, count(*) AS n FROM workers WHERE active GROUP BY unit_id) c "
		     "ON c.unit_id = u.id ORDER BY u.path",
		     0, NULL, units_read_done, NULL);
}

/* ------------------------------------------------------------ workers */

static void workers_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	int64_t total;
	(void)a;
	if (err || !res || store_int(res, 0, 0, 0, INT64_MAX, &total))
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (strcmp(store_text(res, 0, 2), "t"))
		api_error(req, SA_E_NOT_FOUND, "unit", "没有这个单位", "no unit has this id");
	else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "total", (double)total);
		cJSON_AddNumberToObject(o, "page", (double)api_number(http_query(req, "page"), 1, 1000000));
		cJSON_AddNumberToObject(
			o, "per_page", (double)api_number(http_query(req, "per_page"), 50, WORKERS_PAGE_MAX));
		cJSON_AddItemToObject(o, "workers", api_json_cell(res, 0, 1));
		http_reply_json(req, 200, o);
	}
	http_req_unref(req);
}

static int workers_get(http_req *req)
{
	const char *unit = http_query(req, "unit"), *q = http_query(req, "q"),
		   *act = http_query(req, "active");
	long u = unit ? api_number(unit, 0, 1L << 53) : 0,
	     page = api_number(http_query(req, "page"), 1, 1000000);
	long per = api_number(http_query(req, "per_page"), 50, WORKERS_PAGE_MAX);
	char su[24], slim[24], soff[24];
	if (unit && !u) {
		api_error(req, SA_E_NOT_FOUND, "unit", "没有这个单位", "no unit has this id");
		return 0;
	}
	if (!page || !per) {
		api_error(req, SA_E_INVALID_FIELD, !page ? "page" : "per_page",
			  "page 须从 1 开始，per_page 为 1–500", "page counts from 1, per_page is 1-500");
		return 0;
	}
	if (act && strcmp(act, "all") && strcmp(act, "true") && strcmp(act, "false")) {
		api_error(req, SA_E_INVALID_FIELD, "active", "active 须为 true、false 或 all",
			  "active is true, false or all");
		return 0;
	}
	if (q && strlen(q) > 200) {
		api_error(req, SA_E_INVALID_FIELD, "q", "搜索内容过长", "the search text is too long");
		return 0;
	}
	snprintf(su, sizeof su, "%ld", u);
	snprintf(slim, sizeof slim, "%ld", per);
	snprintf(soff, sizeof soff, "%ld", (page - 1) * per);
	const char *p[5] = {su, q ? q : "", act ? act : "all", slim, soff};
	return query(
		req,
		"WITH p AS (SELECT path FROM units WHERE id = $1::bigint), "
		"f AS (SELECT w.employee_no, w.name, w.phone_tail, w.active, w.updated_at, u.id, u.path "
		"  FROM workers w JOIN units u ON u.id = w.unit_id "
		"  WHERE ($1::bigint = 0 OR EXISTS (SELECT 1 FROM p WHERE u.path = p.path "
		"        OR left(u.path, length(p.path) + 1) = p.path || '/')) "
		"    AND ($2 = '' OR left(lower(w.employee_no), length($2)) = lower($2) "
		"        OR strpos(lower(w.name), lower($2)) > 0) "
		"    AND ($3 = 'all' OR w.active = ($3 = 'true'))) "
		"SELECT (SELECT count(*) FROM f), "
		"  (SELECT coalesce(json_agg(" WORKER_JSON(
			"x",
			"x") " ORDER BY x.employee_no), '[]') "
			     "   FROM (SELECT * FROM f ORDER BY employee_no LIMIT $4::int OFFSET $5::bigint) x), "
			     "  $1::bigint = 0 OR EXISTS (SELECT 1 FROM p)",
		5, p, workers_read, NULL);
}

typedef struct worker_change {
	http_req *req;
	int deactivate;
	char *emp, *name, *path, *phone;
} worker_change;

static void change_free(worker_change *c)
{
	free(c->emp);
	free(c->name);
	free(c->path);
	free(c->phone);
}

/* before (or NULL), after, and (a PUT) created. */
static void worker_changed(arena *a, void *res, const char *err, void *ud)
{
	worker_change *c = ud;
	http_req *req = c->req;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		api_error(req, SA_E_NOT_FOUND, "employee_no", "名册中没有这个工号",
			  "no worker has this employee number");
	else {
		cJSON *before = api_json_cell(res, 0, 0), *after = api_json_cell(res, 0, 1);
		const char *created = c->deactivate ? NULL : store_text(res, 0, 2);
		audit_write(a, http_principal(req),
			    c->deactivate ? "roster.worker.deactivate" : "roster.worker", NULL, c->emp,
			    before, after);
		cJSON_Delete(before);
		http_reply_json(req, created && !strcmp(created, "t") ? 201 : 200, after);
	}
	change_free(c);
	http_req_unref(req);
}

/*
 * A field checked by fn into *out: 0; 1 when refused (answered: 400 naming
 * it, or 404 when not_found); SA_E_INTERNAL. s NULL: absent.
 */
static int checked(http_req *req, const char *name, const char *s, int bad,
		   int (*fn)(const char *, char **, roster_why *), char **out, int not_found)
{
	roster_why why = {"invalid", "须为文本", "must be text"};
	int rc = bad ? -1 : !s ? -2 : fn(s, out, &why);
	if (rc == SA_E_INTERNAL || !rc)
		return rc;
	if (rc == -2)
		why = (roster_why){"empty", "缺少此字段", "this field is required"};
	if (not_found)
		api_error(req, SA_E_NOT_FOUND, name, "名册中没有这个工号",
			  "no worker has this employee number");
	else
		api_error(req, SA_E_INVALID_FIELD, name, why.zh, why.en);
	return 1;
}

static int body_field(http_req *req, const char *name, int (*fn)(const char *, char **, roster_why *),
		      char **out)
{
	int bad = 0;
	const char *s = api_string(req, name, &bad);
	return checked(req, name, s, bad, fn, out, 0);
}

static int worker_put(http_req *req)
{
	worker_change *c = http_alloc(req, sizeof *c);
	if (!c)
		return SA_E_INTERNAL;
	c->req = req;
	cJSON *body = http_json_body(req);
	cJSON *ph = cJSON_GetObjectItemCaseSensitive(body, "phone_tail");
	cJSON *act = cJSON_GetObjectItemCaseSensitive(body, "active");
	int rc = checked(req, "employee_no", http_param(req, "employee_no"), 0, roster_check_employee_no,
			 &c->emp, 0);
	rc = rc ? rc : body_field(req, "name", roster_check_name, &c->name);
	rc = rc ? rc : body_field(req, "unit", roster_check_path, &c->path);
	if (!rc && ph && !cJSON_IsNull(ph))
		rc = body_field(req, "phone_tail", roster_check_phone_tail, &c->phone);
	if (!rc && act && !cJSON_IsBool(act)) {
		api_error(req, SA_E_INVALID_FIELD, "active", "active 须为 true 或 false",
			  "active is true or false");
		rc = 1;
	}
	const char *p[6] = {c->emp,
			    c->name,
			    c->path,
			    c->phone,
			    act ? (cJSON_IsTrue(act) ? "true" : "false") : NULL,
			    ph ? "true" : "false"};
	rc = rc ? rc
		: query(req,
			"WITH b AS (SELECT " WORKER_JSON(
				"w",
				"u") " AS j FROM workers w JOIN units u "
				     "  ON u.id = w.unit_id WHERE w.employee_no = $1), "
				     "up AS (INSERT INTO workers AS w (employee_no, name, unit_id, phone_tail, active) "
				     "  VALUES ($1, $2, units_ensure($3), $4, coalesce($5::boolean, true)) "
				     "  ON CONFLICT (employee_no) DO UPDATE SET name = EXCLUDED.name, unit_id = EXCLUDED.unit_id, "
				     "  phone_tail = CASE WHEN $6::boolean THEN EXCLUDED.phone_tail ELSE w.phone_tail END, "
				     "  active = coalesce($5::boolean, w.active), updated_at = now() "
				     "  RETURNING w.*, xmax = 0 AS created) "
				     "SELECT (SELECT j FROM b), json_build_object('employee_no', up.employee_no, 'name', up.name, "
				     "  'unit', json_build_object('id', up.unit_id, 'path', $3::text), 'phone_tail', up.phone_tail, "
				     "  'active', up.active, 'updated_at', up.updated_at), up.created FROM up",
			6, p, worker_changed, c);
	if (rc)
		change_free(c);
	return rc > 0 ? 0 : rc;
}

static int worker_delete(http_req *req)
{
	worker_change *c = http_alloc(req, sizeof *c);
	if (!c)
		return SA_E_INTERNAL;
	c->req = req;
	c->deactivate = 1;
	int rc = checked(req, "employee_no", http_param(req, "employee_no"), 0, roster_check_employee_no,
			 &c->emp, 1);
	const char *p[1] = {c->emp};
	rc = rc ? rc
		: query(req,
			"WITH b AS (SELECT " WORKER_JSON(
				"w",
				"u") " AS j FROM workers w JOIN units u "
				     "  ON u.id = w.unit_id WHERE w.employee_no = $1), "
				     "up AS (UPDATE workers SET active = false, updated_at = now() WHERE employee_no = $1 "
				     "  RETURNING *) "
				     "SELECT (SELECT j FROM b), " WORKER_JSON(
					     "up", "u") " FROM up JOIN units u ON u.id = up.unit_id",
			1, p, worker_changed, c);
	if (rc)
		change_free(c);
	return rc > 0 ? 0 : rc;
}

/* ------------------------------------------------------------ the template */

typedef struct template_job {
	char *bytes;
	size_t len;
	int rc;
} template_job;

static const char *const TEMPLATE_HELP[] = {
	"名册填写说明",
	"1. 在“花名册”表中每行填写一名职工；第一行是表头，请不要修改或删除。",
	"2. 工号：必填，1–32 位字母、数字、- 或 _；同一文件中不能重复。请把这一列设为“文本”格式，以免 Excel "
	"去掉开头的 0。",
	"3. 姓名：必填，最多 64 个字；职工加入实名竞赛时须输入与名册完全相同的工号和姓名。",
	"4. 单位：必填，从公司到班组的完整路径，各级之间用“/”分隔，例如：华电集团/一分厂/机修车间/电工班；"
	"最多 8 级，每级最多 64 个字。",
	"5. 手机尾号：选填，手机号码的后 4 位数字，用于区分同名职工。",
	"6. 导入时每一行都会检查：只要有一行不符合要求，整个文件都不会导入，并列出每个有问题的行、列和原因；"
	"改正后重新导入即可。",
	"7. 导入方式：“合并”只新增和更新文件中的职工；“替换”还会把文件中没有的职工设为离职（不再计入单位人数，"
	"历史成绩保留）。",
	"8. 也可以导入 CSV 文件（UTF-8 或 GBK 编码），列名相同。",
	NULL,
};

static int template_write(const char *path)
{
	static const sheets_column roster_cols[4] = {
		{"工号", 14, NULL}, {"姓名", 12, NULL}, {"单位", 44, NULL}, {"手机尾号", 10, NULL}};
	static const sheets_column help_cols[1] = {{"说明", 100, NULL}};
	sheets_writer *w = NULL;
	sheets_write_opts o = {.format = SHEETS_XLSX, .name = "template.xlsx"};
	sheets_value rows[2][4] = {
		{sheets_text("1024001"), sheets_text("张三"), sheets_text("华电集团/一分厂/机修车间/电工班"),
		 sheets_text("0137")},
		{sheets_text("1024002"), sheets_text("李四"), sheets_text("华电集团/二分厂/运行车间"),
		 sheets_empty()},
	};
	int rc = sheets_writer_open(&w, path, &o);
	rc = rc ? rc : sheets_writer_sheet(w, "花名册", roster_cols, 4);
	for (int i = 0; !rc && i < 2; i++)
		rc = sheets_writer_row(w, rows[i], 4);
	rc = rc ? rc : sheets_writer_sheet(w, "填写说明", help_cols, 1);
	for (int i = 0; !rc && TEMPLATE_HELP[i]; i++) {
		sheets_value v = sheets_text(TEMPLATE_HELP[i]);
		rc = sheets_writer_row(w, &v, 1);
	}
	rc = rc ? rc : sheets_writer_finish(w);
	sheets_writer_free(w);
	return rc;
}

/* On the pool: the workbook into a temporary file, read back into memory. */
static void template_work(void *ud)
{
	template_job *t = ud;
	char dir[] = "/tmp/skillarena-template-XXXXXX", path[64];
	t->rc = -1;
	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof path, "%s/template.xlsx", dir);
	FILE *f = template_write(path) ? NULL : fopen(path, "rb");
	if (f && !fseek(f, 0, SEEK_END)) {
		long n = ftell(f);
		if (n > 0 && !fseek(f, 0, SEEK_SET) && (t->bytes = malloc((size_t)n)) &&
		    fread(t->bytes, 1, (size_t)n, f) == (size_t)n) {
			t->len = (size_t)n;
			t->rc = 0;
		}
	}
	if (f)
		fclose(f);
	unlink(path);
	rmdir(dir);
}

static void template_done(http_req *req, void *ud)
{
	template_job *t = ud;
	if (t->rc) {
		free(t->bytes);
		http_reply_error(req, SA_E_INTERNAL, NULL);
	} else
		http_reply_bytes(req, 200,
				 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
				 t->bytes, t->len, "名册模板.xlsx");
}

static int template_get(http_req *req)
{
	template_job *t = http_alloc(req, sizeof *t);
	return t ? api_pool(req, template_work, template_done, t) : SA_E_INTERNAL;
}

#define IMPORT_MAX (64 * 1024 * 1024)

int roster_import_post(http_req *req); /* roster_import.c */

#define ORGANIZER                         \
	{                                 \
		AUTH_ROLE, AUTH_ORGANIZER \
	}

const route api_roster_routes[] = {
	{ROUTE_GET, "/api/units", units_get, ORGANIZER, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/roster/workers", workers_get, ORGANIZER, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_PUT, "/api/roster/workers/{employee_no}", worker_put, ORGANIZER, ROUTE_BODY_JSON,
	 WORKER_BODY_MAX, 0},
	{ROUTE_DELETE, "/api/roster/workers/{employee_no}", worker_delete, ORGANIZER, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/roster/template.xlsx", template_get, ORGANIZER, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/roster/import", roster_import_post, ORGANIZER, ROUTE_BODY_BYTES, IMPORT_MAX, 0},
	{0},
};
