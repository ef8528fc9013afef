/*
 * certtemplate.c - a contest's certificate template (证书模板) for its
 * organizers (docs/api.md, "Certificate templates"):
 *
 *   GET    /api/console/contests/{code}/certificate-template          the members set, the defaults,
 *                                                                    the fonts, the seal's size
 *   PUT    /api/console/contests/{code}/certificate-template          the members (JSON), 200 as GET;
 *                                                                    400 names a bad member, nothing
 *                                                                    changes
 *   GET    .../certificate-template/seal                              the seal (image/png), 404 without
 *   PUT    .../certificate-template/seal                              a PNG (<= 512 KiB), decoded on the
 *                                                                    pool first: a bad one is 400 and
 *                                                                    the old seal stays
 *   DELETE .../certificate-template/seal                              200 as GET; 404 when there is
 *                                                                    none (a second delete)
 *   GET    .../certificate-template/preview.pdf?kind=award|participation
 *                                                                    a sample with a 64-character name,
 *                                                                    rendered on the pool
 *
 * Storage (migration 090): each change makes (or finds) a version of
 * cert_template_versions, addressed by its content's hash, and points the
 * contest's cert_templates row at it, in one statement that locks the row
 * (two changes of one contest follow each other). Certificates name the
 * version they were issued with (store/certissue.c), so a version they name
 * stays; the version a change leaves is removed when nothing names it.
 * Every change is audited (certificate.template, certificate.seal) with the
 * hashes before and after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/console.h"
#include "api/pool.h"
#include "api/request.h"
#include "certs.h"
#include "core/err.h"
#include "core/log.h"
#include "net/gate.h"
#include "store/audit.h"
#include "store/certkey.h"
#include "store/certtpl.h"
#include "store/store.h"

#define TEMPLATE_MAX 16384
#define SEAL_MAX (512 * 1024)

/* The Chinese text of a jsonb language map (or string) X, else its first language (SQL). */
#define ZH_TEXT(X)                                                                                   \
	"(CASE jsonb_typeof(" X ") WHEN 'string' THEN " X " #>> '{}' WHEN 'object' THEN coalesce(" X \
	"->>'zh-CN', (SELECT e.value FROM jsonb_each_text(" X ") e LIMIT 1)) END)"

/* A sample participant with a 64-character name (docs/api.md). */
static const char SAMPLE_NAME[] = "司马欧阳诸葛上官司马欧阳诸葛上官司马欧阳诸葛上官司马欧阳诸葛上官"
				  "司马欧阳诸葛上官司马欧阳诸葛上官司马欧阳诸葛上官司马欧阳诸葛上官";
#define SAMPLE_ID "SAMPLE-PREVIEW-000000A" /* 22 base64url characters, no certificate's */

/* ------------------------------------------------------------ GET: what the form needs */

/* Columns: code, organizer, hash, template, seal bytes, updated_at, updated_by. */
static const char GET_SQL[] = "SELECT c.code, " ZH_TEXT(
	"c.definition->'organizer'") ", t.hash, v.template, octet_length(v.seal), "
				     "to_json(t.updated_at) #>> '{}', a.username FROM contests c LEFT JOIN cert_templates t ON t.contest_id = c.id "
				     "LEFT JOIN cert_template_versions v ON v.hash = t.hash LEFT JOIN accounts a ON a.id = t.updated_by "
				     "WHERE c.code = $1";

static cJSON *text_or_null(void *res, int col)
{
	const char *s = store_text(res, 0, col);
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *fonts_json(int en)
{
	size_t n = 0;
	const certs_font *f = certs_template_fonts(&n);
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "family", f[i].family);
		cJSON_AddStringToObject(o, "name", en ? f[i].en : f[i].zh);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *defaults_json(arena *a)
{
	char *json = NULL;
	const certs_template *t = certkey_template(a);
	cJSON *o = t && !certs_template_json(t, &json) ? cJSON_Parse(json) : NULL;
	free(json);
	if (o)
		cJSON_DeleteItemFromObjectCaseSensitive(o, "id");
	return o ? o : cJSON_CreateObject();
}

static void got(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	int64_t bytes = 0;
	if (err || !res) {
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	} else if (PQntuples(res) != 1) {
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	} else {
		cJSON *o = cJSON_CreateObject(), *tpl = api_json_cell(res, 0, 3), *seal = NULL;
		cJSON_AddStringToObject(o, "code", store_text(res, 0, 0));
		cJSON_AddItemToObject(o, "template", cJSON_IsObject(tpl) ? tpl : cJSON_CreateObject());
		if (!cJSON_IsObject(tpl))
			cJSON_Delete(tpl);
		cJSON_AddItemToObject(o, "hash", text_or_null(res, 2));
		if (!store_int(res, 0, 4, 1, INT64_MAX, &bytes)) {
			seal = cJSON_CreateObject();
			cJSON_AddNumberToObject(seal, "bytes", (double)bytes);
		}
		cJSON_AddItemToObject(o, "seal", seal ? seal : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "organizer", text_or_null(res, 1));
		cJSON_AddItemToObject(o, "updated_at", text_or_null(res, 5));
		cJSON_AddItemToObject(o, "updated_by", text_or_null(res, 6));
		cJSON_AddItemToObject(o, "defaults", defaults_json(a));
		cJSON_AddItemToObject(o, "fonts", fonts_json(http_lang_en(req)));
		http_reply_json(req, 200, o);
	}
	http_req_unref(req);
}

/* Answers with the template as GET gives it (after a change too). */
static int reply_template(http_req *req, const char *code)
{
	const char *p[1] = {code};
	http_req_ref(req);
	int rc = store_query(http_arena(req), GET_SQL, 1, p, got, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

static int template_get(http_req *req)
{
	char code[17];
	return console_code(req, code) ? reply_template(req, code) : 0;
}

/* ------------------------------------------------------------ changes */

/* One statement: the row locked, the next version (nv: one row, or none when nothing is to
 * change) made or found, the row pointed at it. $1 code, $2 account, $3 the change's own. */
#define CHANGE_HEAD                                                                                       \
	"WITH c AS (SELECT id FROM contests WHERE code = $1), cur AS (SELECT t.hash, v.template, v.seal " \
	"FROM cert_templates t JOIN cert_template_versions v ON v.hash = t.hash "                         \
	"WHERE t.contest_id = (SELECT id FROM c) FOR UPDATE OF t), "
#define CHANGE_TAIL                                                                                    \
	", ins AS (INSERT INTO cert_template_versions (hash, template, seal, created_by) "             \
	"SELECT cert_template_hash(template, seal), template, seal, NULLIF($2::bigint, 0) FROM nv "    \
	"ON CONFLICT (hash) DO NOTHING), "                                                             \
	"up AS (INSERT INTO cert_templates (contest_id, hash, updated_by) SELECT (SELECT id FROM c), " \
	"cert_template_hash(template, seal), NULLIF($2::bigint, 0) FROM nv ON CONFLICT (contest_id) "  \
	"DO UPDATE SET hash = EXCLUDED.hash, updated_by = EXCLUDED.updated_by, updated_at = now() "    \
	"RETURNING hash) "                                                                             \
	"SELECT (SELECT id FROM c), (SELECT hash FROM cur), (SELECT template FROM cur), "              \
	"octet_length((SELECT seal FROM cur)), (SELECT hash FROM up), (SELECT template FROM nv), "     \
	"octet_length((SELECT seal FROM nv))"

typedef enum { CHANGE_TEMPLATE, CHANGE_SEAL, CHANGE_UNSEAL } change_kind;

static const struct {
	const char *sql, *action;
} changes[] = {
	[CHANGE_TEMPLATE] = {CHANGE_HEAD "nv AS (SELECT $3::text AS template, (SELECT seal FROM cur) AS seal "
					 "FROM c)" CHANGE_TAIL,
			     "certificate.template"},
	[CHANGE_SEAL] = {CHANGE_HEAD "nv AS (SELECT coalesce((SELECT template FROM cur), '{}') AS template, "
				     "decode($3, 'hex') AS seal FROM c)" CHANGE_TAIL,
			 "certificate.seal"},
	[CHANGE_UNSEAL] = {CHANGE_HEAD "nv AS (SELECT cur.template, NULL::bytea AS seal FROM cur "
				       "WHERE cur.seal IS NOT NULL AND $3::text IS NULL)" CHANGE_TAIL,
			   "certificate.seal"},
};

typedef struct change {
	http_req *req;
	change_kind kind;
	auth_principal who;
	char code[17];
	char *arg; /* $3: the template's JSON, the seal in hex, or NULL */
	const unsigned char *png;
	size_t len;
	int width, height, rc;
	char *why; /* the seal's refusal (malloc'ed) */
} change;

static void change_free(change *m)
{
	free(m->arg);
	free(m->why);
	free(m);
}

/* What a version was, for the audit log. */
static cJSON *version_json(void *res, int hash, int tpl, int seal)
{
	cJSON *o = cJSON_CreateObject();
	int64_t bytes = 0;
	cJSON_AddItemToObject(o, "hash", text_or_null(res, hash));
	cJSON *t = api_json_cell(res, 0, tpl);
	cJSON_AddItemToObject(o, "template", t ? t : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "seal_bytes",
			      store_int(res, 0, seal, 1, INT64_MAX, &bytes)
				      ? cJSON_CreateNull()
				      : cJSON_CreateNumber((double)bytes));
	return o;
}

static void pruned(arena *a, void *res, const char *err, void *ud)
{
	(void)a;
	(void)res;
	if (err)
		sa_log(LL_WARN, "certificate template version %s not removed: %s", (char *)ud, err);
	free(ud);
}

/* The version a change left, removed when no contest uses it and no certificate names it. */
static void prune(arena *a, const char *hash)
{
	char *h = strdup(hash);
	const char *p[1] = {hash};
	if (h && store_query(a,
			     "DELETE FROM cert_template_versions v WHERE v.hash = $1 "
			     "AND NOT EXISTS (SELECT 1 FROM cert_templates t WHERE t.hash = v.hash) "
			     "AND NOT EXISTS (SELECT 1 FROM certificates x WHERE x.template_hash = v.hash)",
			     1, p, pruned, h))
		free(h);
}

static void changed(arena *a, void *res, const char *err, void *ud)
{
	change *m = ud;
	http_req *req = m->req;
	const char *before = res ? store_text(res, 0, 1) : NULL, *after = res ? store_text(res, 0, 4) : NULL;
	if (err || !res) {
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	} else if (PQntuples(res) != 1 || !store_text(res, 0, 0)) {
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	} else if (!after) { /* only a delete of a seal that is not there changes nothing */
		api_error(req, SA_E_NOT_FOUND, "seal", "该竞赛的证书模板没有公章图片",
			  "this contest's certificate template has no seal");
	} else {
		if (!before || strcmp(before, after)) {
			cJSON *b = version_json(res, 1, 2, 3), *f = version_json(res, 4, 5, 6);
			if (m->kind == CHANGE_SEAL) {
				cJSON_AddNumberToObject(f, "seal_width", m->width);
				cJSON_AddNumberToObject(f, "seal_height", m->height);
			}
			audit_write(a, &m->who, changes[m->kind].action, m->code, "certificate template", b,
				    f);
			cJSON_Delete(b);
			cJSON_Delete(f);
			if (before)
				prune(a, before);
		}
		if (reply_template(req, m->code))
			http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	}
	http_req_unref(req);
	change_free(m);
}

static int change_store(change *m)
{
	http_req *req = m->req;
	char acc[24];
	snprintf(acc, sizeof acc, "%lld", (long long)m->who.account_id);
	const char *p[3] = {m->code, acc, m->arg};
	http_req_ref(req);
	int rc = store_query(http_arena(req), changes[m->kind].sql, 3, p, changed, m);
	if (rc)
		http_req_unref(req);
	return rc;
}

static change *change_new(http_req *req, change_kind kind)
{
	change *m = calloc(1, sizeof *m);
	if (!m) {
		http_reply_error(req, SA_E_INTERNAL, NULL);
		return NULL;
	}
	if (!console_code(req, m->code)) { /* answered: 404 */
		free(m);
		return NULL;
	}
	m->req = req;
	m->kind = kind;
	m->who = *http_principal(req);
	return m;
}

/* A refused template or seal: 400 naming the member ("title: 17 characters, 1 to 16 allowed"). */
static void refuse(http_req *req, const char *why)
{
	char field[48], zh[700], en[700];
	const char *w = why ? why : "template: refused";
	if (!strncmp(w, "unknown member \"", 16))
		snprintf(field, sizeof field, "%.*s", (int)strcspn(w + 16, "\""), w + 16);
	else
		snprintf(field, sizeof field, "%.*s", (int)strcspn(w, ":"), w);
	snprintf(zh, sizeof zh, "证书模板有误：%s", w);
	snprintf(en, sizeof en, "the certificate template is refused: %s", w);
	api_error(req, SA_E_INVALID_FIELD, field, zh, en);
}

static int template_put(http_req *req)
{
	const cJSON *body = http_json_body(req);
	if (!cJSON_IsObject(body)) {
		refuse(req, "template: must be a JSON object");
		return 0;
	}
	char *json = cJSON_PrintUnformatted(body), *why = NULL;
	certs_template *t = NULL;
	int rc = json ? certs_template_parse_flags(&t, json, strlen(json), NULL, CERTS_TEMPLATE_STRICT, &why)
		      : CERTS_E_NOMEM;
	certs_template_free(t);
	if (rc) {
		if (rc == CERTS_E_NOMEM)
			http_reply_error(req, SA_E_INTERNAL, NULL);
		else
			refuse(req, why);
		free(why);
		free(json);
		return 0;
	}
	change *m = change_new(req, CHANGE_TEMPLATE);
	if (!m) {
		free(json);
		return 0; /* answered: 404, or out of memory */
	}
	m->arg = json;
	rc = change_store(m);
	if (rc)
		change_free(m);
	return rc;
}

/* ------------------------------------------------------------ the seal */

static void seal_check(void *ud)
{
	change *m = ud;
	static const char hex[] = "0123456789abcdef";
	m->rc = certs_seal_check(m->png, m->len, &m->width, &m->height, &m->why);
	if (m->rc || !(m->arg = malloc(m->len * 2 + 1)))
		return;
	for (size_t i = 0; i < m->len; i++) {
		m->arg[2 * i] = hex[m->png[i] >> 4];
		m->arg[2 * i + 1] = hex[m->png[i] & 15];
	}
	m->arg[2 * m->len] = '\0';
}

static void seal_checked(http_req *req, void *ud)
{
	change *m = ud;
	if (m->rc == CERTS_E_NOMEM || (!m->rc && !m->arg))
		http_reply_error(req, SA_E_INTERNAL, NULL);
	else if (m->rc)
		refuse(req, m->why);
	else if (!change_store(m))
		return;
	else
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	change_free(m);
}

static int seal_put(http_req *req)
{
	size_t len = 0;
	const char *png = http_body(req, &len);
	change *m = change_new(req, CHANGE_SEAL);
	if (!m)
		return 0;
	m->png = (const unsigned char *)png;
	m->len = len;
	if (!api_pool(req, seal_check, seal_checked, m))
		return 0;
	change_free(m);
	return SA_E_INTERNAL;
}

static int seal_delete(http_req *req)
{
	change *m = change_new(req, CHANGE_UNSEAL);
	if (!m)
		return 0;
	int rc = change_store(m);
	if (rc)
		change_free(m);
	return rc;
}

static void seal_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	const char *hexed = res && PQntuples(res) == 1 ? store_text(res, 0, 1) : NULL;
	size_t n = 0;
	unsigned char *png = hexed ? PQunescapeBytea((const unsigned char *)hexed, &n) : NULL;
	char *copy = png ? malloc(n ? n : 1) : NULL;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	else if (!hexed)
		api_error(req, SA_E_NOT_FOUND, "seal", "该竞赛的证书模板没有公章图片",
			  "this contest's certificate template has no seal");
	else if (!copy)
		http_reply_error(req, SA_E_INTERNAL, NULL);
	else {
		memcpy(copy, png, n);
		http_reply_bytes(req, 200, "image/png", copy, n, NULL);
	}
	PQfreemem(png);
	http_req_unref(req);
}

static int seal_get(http_req *req)
{
	char code[17];
	if (!console_code(req, code))
		return 0;
	const char *p[1] = {code};
	http_req_ref(req);
	int rc = store_query(
		http_arena(req),
		"SELECT c.id, v.seal FROM contests c LEFT JOIN cert_templates t ON t.contest_id = c.id "
		"LEFT JOIN cert_template_versions v ON v.hash = t.hash WHERE c.code = $1",
		1, p, seal_read, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

/* ------------------------------------------------------------ the preview */

typedef struct preview {
	http_req *req;
	arena *a;
	int participation;
	char *code, *title, *organizer, *json, *seal, *hash, *verify_base;
	unsigned char *out;
	size_t len;
	int rc;
	char *why;
} preview;

static void preview_free(preview *p)
{
	free(p->code);
	free(p->title);
	free(p->organizer);
	free(p->json);
	free(p->seal);
	free(p->hash);
	free(p->verify_base);
	free(p->out);
	free(p->why);
	free(p);
}

static void render(void *ud)
{
	preview *p = ud;
	certs_template *own = NULL;
	if (p->json && (p->rc = certtpl_build_text(p->json, p->seal, &own, &p->why)))
		return;
	const certs_template *t = own ? own : certkey_template(p->a);
	certs_record r = {
		.contest_code = p->code,
		.contest_title = p->title,
		.name = SAMPLE_NAME,
		.employee_no = "SAMPLE",
		.unit = "示范单位 · 第一车间",
		.award = p->participation ? "参赛" : "一等奖",
		.kind = p->participation ? CERTS_KIND_PARTICIPATION : CERTS_KIND_AWARD,
		.has_score = 1,
		.score_milli = 96500,
		.rank = p->participation ? 0 : 1,
		.issued_at = (int64_t)time(NULL),
		.issuer = *certs_template_issuer(t) ? certs_template_issuer(t) : p->organizer,
		.template_id = p->hash ? p->hash : CERTTPL_DEFAULT_ID,
		.verify_base = p->verify_base,
	};
	memcpy(r.id, SAMPLE_ID, sizeof r.id);
	certs_renderer *rd = NULL;
	int rc = t ? certs_renderer_new(&rd, t) : CERTS_E_INVALID;
	if (!rc)
		rc = certs_render_pdf(rd, &r, NULL, &p->out, &p->len);
	certs_renderer_free(rd);
	certs_template_free(own);
	if (rc) {
		certs_record_check(&r, &p->why);
		p->rc = rc == CERTS_E_INVALID ? SA_E_INVALID_FIELD : SA_E_INTERNAL;
	}
}

static void rendered(http_req *req, void *ud)
{
	preview *p = ud;
	char name[80];
	if (p->rc == SA_E_INVALID_FIELD) { /* the contest's own data: a title or organizer too long */
		refuse(req, p->why);
	} else if (p->rc) {
		sa_log(LL_ERROR, "certificate preview of %s: %s", p->code,
		       p->why ? p->why : "rendering failed");
		http_reply_error(req, SA_E_INTERNAL, NULL);
	} else {
		snprintf(name, sizeof name, "证书样张 %s.pdf", p->code);
		http_reply_bytes(req, 200, "application/pdf", (char *)p->out, p->len, name);
		p->out = NULL;
	}
	preview_free(p);
}

static char *dup_text(void *res, int col, const char *dflt)
{
	const char *s = store_text(res, 0, col);
	return s || dflt ? strdup(s ? s : dflt) : NULL;
}

/* Columns: code, title, organizer, hash, template, seal. */
static void preview_read(arena *a, void *res, const char *err, void *ud)
{
	preview *p = ud;
	http_req *req = p->req;
	if (err || !res) {
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	} else if (PQntuples(res) != 1) {
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	} else {
		p->code = dup_text(res, 0, "");
		p->title = dup_text(res, 1, p->code ? p->code : "");
		p->organizer = dup_text(res, 2, "SkillArena");
		p->hash = dup_text(res, 3, NULL);
		p->json = dup_text(res, 4, NULL);
		p->seal = dup_text(res, 5, NULL);
		if (asprintf(&p->verify_base, "%s/verify", gate_public_url(a)) < 0)
			p->verify_base = NULL;
		if (p->code && p->title && p->organizer && p->verify_base &&
		    (p->json || !store_text(res, 0, 4)) && (p->seal || !store_text(res, 0, 5)) &&
		    !api_pool(req, render, rendered, p)) {
			http_req_unref(req);
			return;
		}
		http_reply_error(req, SA_E_INTERNAL, NULL);
	}
	preview_free(p);
	http_req_unref(req);
}

static int preview_get(http_req *req)
{
	const char *kind = http_query(req, "kind");
	char code[17];
	if (kind && strcmp(kind, "award") && strcmp(kind, "participation")) {
		api_error(req, SA_E_INVALID_FIELD, "kind", "kind 须为 award 或 participation",
			  "kind must be award or participation");
		return 0;
	}
	if (!console_code(req, code))
		return 0;
	preview *p = calloc(1, sizeof *p);
	if (!p)
		return SA_E_INTERNAL;
	p->req = req;
	p->a = http_arena(req);
	p->participation = kind && !strcmp(kind, "participation");
	const char *params[1] = {code};
	http_req_ref(req);
	int rc = store_query(
		p->a,
		"SELECT c.code, " ZH_TEXT("c.title") ", " ZH_TEXT(
			"c.definition->'organizer'") ", "
						     "v.hash, v.template, v.seal FROM contests c LEFT JOIN cert_templates t "
						     "ON t.contest_id = c.id LEFT JOIN cert_template_versions v ON v.hash = t.hash "
						     "WHERE c.code = $1",
		1, params, preview_read, p);
	if (rc) {
		http_req_unref(req);
		preview_free(p);
	}
	return rc;
}

/* ------------------------------------------------------------ the routes */

#define READ_ACCESS                                        \
	{                                                  \
		AUTH_CONTEST, AUTH_ORGANIZER | AUTH_VIEWER \
	}
#define WRITE_ACCESS                         \
	{                                    \
		AUTH_CONTEST, AUTH_ORGANIZER \
	}
#define TPL "/api/console/contests/{code}/certificate-template"

const route api_certtemplate_routes[] = {
	{ROUTE_GET, TPL, template_get, READ_ACCESS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_PUT, TPL, template_put, WRITE_ACCESS, ROUTE_BODY_JSON, TEMPLATE_MAX, 0},
	{ROUTE_GET, TPL "/seal", seal_get, READ_ACCESS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_PUT, TPL "/seal", seal_put, WRITE_ACCESS, ROUTE_BODY_BYTES, SEAL_MAX, 0},
	{ROUTE_DELETE, TPL "/seal", seal_delete, WRITE_ACCESS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, TPL "/preview.pdf", preview_get, READ_ACCESS, ROUTE_BODY_NONE, 0, 0},
	{0},
};
