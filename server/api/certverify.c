/*
 * certverify.c - certificates for anyone who holds one (docs/api.md,
 * "Certificates"); every route is public, a certificate's id (128 random
 * bits) being what lets one see it:
 *
 *   GET  /.well-known/jwks.json       every key of signing_keys (cacheable)
 *   GET  /verify/{id}                 web/verify.html: the QR code's target
 *   GET  /api/certificates/{id}       the verdict (valid, revoked, invalid,
 *                                     unknown) and the signed data
 *   GET  /api/certificates/{id}.pdf   the certificate, rendered now
 *   GET  /api/certificates/{id}/ob3   the Open Badges 3.0 VC-JWT
 *   POST /api/certificates/verify     {jws}: a JWS taken from a PDF (the
 *                                     verify page's file drop) or a VC-JWT
 *
 * Verifying never trusts the row alone: the stored JWS is checked against
 * the keys of signing_keys on the thread pool (certs_verify_token), its id
 * against the row's, and revocation comes from the row. PDFs are rendered
 * on the pool (certs_render_pdf, the JWS in the PDF's metadata) with the
 * template version the certificate was issued with (store/certtpl.h: the
 * signed record's "template" and the row's template_hash), so an old
 * certificate looks as it did when issued; "default", the server's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/pool.h"
#include "api/request.h"
#include "certs.h"
#include "core/err.h"
#include "core/log.h"
#include "store/certkey.h"
#include "store/certtpl.h"
#include "store/store.h"

#define JWKS_MAX_AGE 300

typedef struct check {
	http_req *req;
	arena *a;
	char id[CERTS_ID_LEN + 1];
	int pdf;                     /* render the PDF */
	char *jws, *jwks, *ob3;      /* the stored JWS, the key set, the VC-JWT */
	char *revoked_at, *reason;   /* from the row (NULL: not revoked) */
	char *tpl_hash, *tpl_json;   /* the template version issued with (NULL: the default) */
	char *tpl_seal;              /* its seal, bytea as text (NULL: none) */
	int known;                   /* the row exists (POST verify: looked up after) */
	char seen[CERTS_ID_LEN + 1]; /* the id the token names (its revocation check) */
	certs_verdict v;
	unsigned char *out;
	size_t len;
	int rc;
} check;

static void check_free(check *c)
{
	free(c->jws);
	free(c->jwks);
	free(c->ob3);
	free(c->revoked_at);
	free(c->reason);
	free(c->tpl_hash);
	free(c->tpl_json);
	free(c->tpl_seal);
	free(c->out);
	certs_verdict_release(&c->v);
	free(c);
}

static char *dup_cell(void *res, int col)
{
	const char *s = store_text(res, 0, col);
	return s ? strdup(s) : NULL;
}

/* ------------------------------------------------------------ JWKS */

static void jwks_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	const char *s = err || !res ? NULL : store_text(res, 0, 0);
	char *body = s ? strdup(s) : NULL;
	if (!body)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else {
		http_set_max_age(req, JWKS_MAX_AGE);
		http_reply_bytes(req, 200, "application/jwk-set+json", body, strlen(body), NULL);
	}
	http_req_unref(req);
}

static int jwks_get(http_req *req)
{
	http_req_ref(req);
	int rc = store_query(
		http_arena(req),
		"SELECT json_build_object('keys', coalesce(json_agg(public_jwk ORDER BY created_at), "
		"'[]'))::text FROM signing_keys",
		0, NULL, jwks_read, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

/* ------------------------------------------------------------ the verify page */

static int page_get(http_req *req)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/verify.html", http_arena(req)->cfg.web);
	http_reply_file(req, 200, "text/html; charset=utf-8", path, NULL);
	return 0;
}

/* ------------------------------------------------------------ verifying (pool) */

/* The revocation check of certs_verify_token: the id it names is kept; the row says. */
static int revoked_cb(const char *cert_id, void *ud, char **reason)
{
	check *c = ud;
	snprintf(c->seen, sizeof c->seen, "%s", cert_id);
	if (!c->revoked_at)
		return 0;
	*reason = c->reason ? strdup(c->reason) : NULL;
	return 1;
}

/* The template version the signed record names, built from the row's (NULL: the default). */
static certs_template *issued_with(const check *c)
{
	const char *named = c->v.record.template_id ? c->v.record.template_id : CERTTPL_DEFAULT_ID;
	certs_template *t = NULL;
	char *why = NULL;
	if (!c->tpl_json && !strcmp(named, CERTTPL_DEFAULT_ID))
		return NULL;
	if (!c->tpl_json || !c->tpl_hash || strcmp(named, c->tpl_hash))
		sa_log(LL_WARN,
		       "certificate %s: signed with template %s, its row names %s: rendered with the default",
		       c->id, named, c->tpl_hash ? c->tpl_hash : "none");
	else if (certtpl_build_text(c->tpl_json, c->tpl_seal, &t, &why))
		sa_log(LL_ERROR, "certificate %s: template %s: %s: rendered with the default", c->id, named,
		       why ? why : "no memory");
	free(why);
	return t;
}

static void verify_work(void *ud)
{
	check *c = ud;
	certs_keyset *ks = NULL;
	char *why = NULL;
	c->rc = certs_keyset_new(&ks);
	if (!c->rc)
		c->rc = certs_keyset_add_jwks(ks, c->jwks, strlen(c->jwks), &why);
	free(why);
	if (!c->rc) {
		certs_verify_opts o = {.keys = ks, .revoked = revoked_cb, .revoked_ud = c};
		certs_verify_token(c->jws, strlen(c->jws), &o, &c->v);
		/* the row's JWS must be the row's certificate */
		if (*c->id && (c->v.code == CERTS_OK || c->v.code == CERTS_E_REVOKED) &&
		    strcmp(c->seen, c->id))
			c->v.code = CERTS_E_TAMPERED;
	}
	certs_keyset_free(ks);
	if (c->rc || !c->pdf || c->v.code != CERTS_OK || strcmp(c->seen, c->id))
		return;
	certs_template *own = issued_with(c);
	certs_renderer *r = NULL;
	c->rc = certs_renderer_new(&r, own ? own : certkey_template(c->a));
	if (!c->rc)
		c->rc = certs_render_pdf(r, &c->v.record, c->jws, &c->out, &c->len);
	certs_renderer_free(r);
	certs_template_free(own);
}

static void iso(int64_t t, char out[32])
{
	time_t s = (time_t)t;
	struct tm tm;
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&s, &tm));
}

/* The signed data, for the page. */
static cJSON *record_json(const certs_record *r)
{
	cJSON *o = cJSON_CreateObject();
	char at[32];
	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddItemToObject(o, "employee_no",
			      r->employee_no ? cJSON_CreateString(r->employee_no) : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "unit", r->unit ? r->unit : "");
	cJSON_AddStringToObject(o, "kind", r->kind == CERTS_KIND_AWARD ? "award" : "participation");
	cJSON_AddStringToObject(o, "award", r->award);
	cJSON_AddStringToObject(o, "contest_code", r->contest_code);
	cJSON_AddStringToObject(o, "contest_title", r->contest_title);
	cJSON_AddStringToObject(o, "issuer", r->issuer);
	iso(r->issued_at, at);
	cJSON_AddStringToObject(o, "issued_at", at);
	if (r->has_score)
		cJSON_AddNumberToObject(o, "score", (double)r->score_milli / 1000.0);
	if (r->rank)
		cJSON_AddNumberToObject(o, "rank", r->rank);
	return o;
}

/* The verdict reply: valid, revoked, invalid (with why) or unknown. */
static cJSON *verdict_json(check *c)
{
	cJSON *o = cJSON_CreateObject();
	const char *verdict = !c->known && c->v.code != CERTS_E_SIGNATURE && c->v.code != CERTS_E_TAMPERED &&
					      c->v.code != CERTS_E_KID && c->v.code != CERTS_E_ALG &&
					      c->v.code != CERTS_E_FORMAT
				      ? "unknown"
			      : c->v.code == CERTS_OK        ? "valid"
			      : c->v.code == CERTS_E_REVOKED ? "revoked"
							     : "invalid";
	int en = http_lang_en(c->req);
	cJSON_AddStringToObject(o, "id", *c->seen ? c->seen : c->id);
	cJSON_AddStringToObject(o, "verdict", verdict);
	if (c->v.code != CERTS_OK && strcmp(verdict, "unknown")) {
		cJSON_AddStringToObject(o, "reason", certs_errname(c->v.code));
		cJSON_AddStringToObject(o, "message", certs_strerror(c->v.code, en ? "en" : "zh-CN"));
	}
	cJSON_AddItemToObject(o, "kid", c->v.kid ? cJSON_CreateString(c->v.kid) : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "token", c->v.token == CERTS_TOKEN_OB3 ? "ob3" : "certificate");
	if (c->v.has_record && strcmp(verdict, "unknown"))
		cJSON_AddItemToObject(o, "certificate", record_json(&c->v.record));
	else if (c->v.credential && strcmp(verdict, "unknown"))
		cJSON_AddItemToObject(o, "credential", cJSON_Parse(c->v.credential));
	if (c->revoked_at) {
		cJSON_AddStringToObject(o, "revoked_at", c->revoked_at);
		cJSON_AddStringToObject(o, "revoke_reason", c->reason ? c->reason : "");
	}
	return o;
}

static void verified(http_req *req, void *ud)
{
	check *c = ud;
	if (c->rc) {
		sa_log(LL_ERROR, "certificate %s: %s", c->id, certs_strerror(c->rc, "en"));
		http_reply_error(req, SA_E_INTERNAL, NULL);
	} else if (c->pdf && c->out) {
		char name[64];
		snprintf(name, sizeof name, "证书 %s.pdf", c->id);
		http_reply_bytes(req, 200, "application/pdf", (char *)c->out, c->len, name);
		c->out = NULL;
	} else if (c->pdf) /* a certificate that does not verify is not rendered */
		http_reply_json(req, 409, verdict_json(c));
	else
		http_reply_json(req, 200, verdict_json(c));
	check_free(c);
}

/* ------------------------------------------------------------ by id */

#define ROW_COLUMNS                                                                                      \
	"SELECT x.jws, (SELECT json_build_object('keys', coalesce(json_agg(k.public_jwk), '[]'))::text " \
	"FROM signing_keys k), x.revoked_at, x.revoke_reason, x.ob3"
static const char ROW_SQL[] = ROW_COLUMNS " FROM certificates x WHERE x.id = $1";
/* a PDF: also the template version it was issued with */
static const char PDF_SQL[] =
	ROW_COLUMNS ", v.hash, v.template, v.seal FROM certificates x "
		    "LEFT JOIN cert_template_versions v ON v.hash = x.template_hash WHERE x.id = $1";

static void no_certificate(http_req *req, const char *id)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	int en = http_lang_en(req);
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "verdict", "unknown");
	cJSON_AddStringToObject(e, "code", "not_found");
	cJSON_AddStringToObject(e, "message", en ? "no certificate has this id" : "没有这个证书");
	cJSON_AddStringToObject(e, "field", "id");
	http_reply_json(req, 404, o);
}

/* The row read: the verdict (or the PDF) computed on the pool. */
static void row_read(arena *a, void *res, const char *err, void *ud)
{
	check *c = ud;
	http_req *req = c->req;
	(void)a;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		no_certificate(req, c->id);
	else {
		c->known = 1;
		c->jws = dup_cell(res, 0);
		c->jwks = dup_cell(res, 1);
		c->revoked_at = dup_cell(res, 2);
		c->reason = dup_cell(res, 3);
		if (c->pdf) {
			c->tpl_hash = dup_cell(res, 5);
			c->tpl_json = dup_cell(res, 6);
			c->tpl_seal = dup_cell(res, 7);
		}
		if (c->jws && c->jwks && !api_pool(req, verify_work, verified, c)) {
			http_req_unref(req);
			return;
		}
		http_reply_error(req, SA_E_INTERNAL, NULL);
	}
	check_free(c);
	http_req_unref(req);
}

static void ob3_read(arena *a, void *res, const char *err, void *ud)
{
	check *c = ud;
	http_req *req = c->req;
	(void)a;
	const char *jwt = err || !res || PQntuples(res) != 1 ? NULL : store_text(res, 0, 4);
	char name[64], *body = jwt ? strdup(jwt) : NULL;
	snprintf(name, sizeof name, "%s.ob3.jwt", c->id);
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (!jwt)
		no_certificate(req, c->id);
	else if (!body)
		http_reply_error(req, SA_E_INTERNAL, NULL);
	else
		http_reply_bytes(req, 200, "application/vc+jwt", body, strlen(body), name);
	check_free(c);
	http_req_unref(req);
}

/* {id} or {id}.pdf: the id checked (22 base64url characters) into c. */
static int by_id(http_req *req, int ob3)
{
	const char *p = http_param(req, "id");
	size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
	int pdf = !ob3 && n == CERTS_ID_LEN && !strcmp(p + n, ".pdf");
	if (n != CERTS_ID_LEN || (p[n] && !pdf)) {
		api_error(req, SA_E_NOT_FOUND, "id", "没有这个证书", "no certificate has this id");
		return 0;
	}
	check *c = calloc(1, sizeof *c);
	if (!c)
		return SA_E_INTERNAL;
	c->req = req;
	c->a = http_arena(req);
	c->pdf = pdf;
	memcpy(c->id, p, CERTS_ID_LEN);
	const char *params[1] = {c->id};
	http_req_ref(req);
	int rc = store_query(c->a, pdf ? PDF_SQL : ROW_SQL, 1, params, ob3 ? ob3_read : row_read, c);
	if (rc) {
		http_req_unref(req);
		check_free(c);
	}
	return rc;
}

static int cert_get(http_req *req) { return by_id(req, 0); }
static int ob3_get(http_req *req) { return by_id(req, 1); }

/* ------------------------------------------------------------ a token sent */

static void state_read(arena *a, void *res, const char *err, void *ud)
{
	check *c = ud;
	http_req *req = c->req;
	(void)a;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else {
		c->known = PQntuples(res) == 1;
		if (c->known && store_text(res, 0, 0)) {
			c->revoked_at = dup_cell(res, 0);
			c->reason = dup_cell(res, 1);
			if (c->v.code == CERTS_OK) {
				certs_verdict_release(&c->v);
				c->v.code = CERTS_E_REVOKED;
			}
		}
		http_reply_json(req, 200, verdict_json(c));
	}
	check_free(c);
	http_req_unref(req);
}

/* Verified on the pool: the revocation and the existence of the id it names. */
static void token_verified(http_req *req, void *ud)
{
	check *c = ud;
	if (c->rc) {
		http_reply_error(req, SA_E_INTERNAL, NULL);
	} else if (!*c->seen) {
		c->known = 1; /* a verdict of the token alone: invalid */
		http_reply_json(req, 200, verdict_json(c));
	} else {
		const char *p[1] = {c->seen};
		http_req_ref(req); /* api_pool's reference ends with this call */
		if (!store_query(c->a, "SELECT revoked_at, revoke_reason FROM certificates WHERE id = $1", 1,
				 p, state_read, c))
			return;
		http_req_unref(req);
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	}
	check_free(c);
}

static void keys_read(arena *a, void *res, const char *err, void *ud)
{
	check *c = ud;
	http_req *req = c->req;
	(void)a;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if ((c->jwks = dup_cell(res, 0)) && !api_pool(req, verify_work, token_verified, c)) {
		http_req_unref(req);
		return;
	} else
		http_reply_error(req, SA_E_INTERNAL, NULL);
	check_free(c);
	http_req_unref(req);
}

static int token_post(http_req *req)
{
	int bad = 0;
	const char *jws = api_string(req, "jws", &bad);
	if (bad || !jws || !*jws || strlen(jws) > 60000) {
		api_error(req, SA_E_INVALID_FIELD, "jws", "须提供证书中的签名（jws）",
			  "give the certificate's signature (jws)");
		return 0;
	}
	check *c = calloc(1, sizeof *c);
	if (!c || !(c->jws = strdup(jws))) {
		free(c);
		return SA_E_INTERNAL;
	}
	c->req = req;
	c->a = http_arena(req);
	http_req_ref(req);
	int rc = store_query(c->a,
			     "SELECT json_build_object('keys', coalesce(json_agg(public_jwk), '[]'))::text "
			     "FROM signing_keys",
			     0, NULL, keys_read, c);
	if (rc) {
		http_req_unref(req);
		check_free(c);
	}
	return rc;
}

#define PUBLIC                 \
	{                      \
		AUTH_PUBLIC, 0 \
	}

const route api_certverify_routes[] = {
	{ROUTE_GET, "/.well-known/jwks.json", jwks_get, PUBLIC, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/verify/{id}", page_get, PUBLIC, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/certificates/{id}", cert_get, PUBLIC, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/certificates/{id}/ob3", ob3_get, PUBLIC, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/certificates/verify", token_post, PUBLIC, ROUTE_BODY_JSON, 65536, 0},
	{0},
};
