/*
 * xapi.c - the xAPI sender: xapi_outbox's rows to the LRS (see xapi.h).
 *
 *   tick (loop)        every --xapi-interval-ms, when no batch is on its way:
 *                      the batch goes to the thread pool
 *   batch (pool)       BEGIN; up to XAPI_BATCH due rows FOR UPDATE SKIP
 *                      LOCKED; each row without a statement gets its
 *                      statements built (a JSON array: an attempt has
 *                      completed and passed/failed) and stored; one POST;
 *                      the rows marked sent, or their failure counted with
 *                      the next try backed off; COMMIT
 *   after (loop)       logs the outcome; a full batch is followed at once
 *
 * A row whose fact cannot become a statement (a participant without an
 * employee number: an xAPI actor is an employee account; a fact that is
 * gone) is never sent: its last_error says why and its next_at is
 * 'infinity'. The sender's PostgreSQL connection and the HTTP client are
 * the pool thread's; the loop only starts batches and reads their outcome.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <mbedtls/base64.h>
#include <uv.h>

#include "core/err.h"
#include "core/httpc.h"
#include "core/log.h"
#include "results.h"
#include "store/migrate.h"
#include "store/xapi.h"

#define STR2(x) #x
#define STR(x) STR2(x)

typedef struct xapi {
	arena *a;
	uv_timer_t timer;
	uv_work_t work;
	int busy, closing, timer_open;
	httpc_url url;
	httpc_tls *tls; /* an https LRS: its CAs, read at start */
	char *headers;  /* Authorization and X-Experience-API-Version lines */
	char *conninfo;
	char *home_page;
	PGconn *pg; /* the pool thread's */
	/* the last batch's outcome, written on the pool, read after */
	int rows, sent, skipped, status, full;
	char err[512];
} xapi;

/* ------------------------------------------------------------ statements (pool) */

#define TITLE_ZH(c)                                                                                \
	"coalesce(" c ".title ->> 'zh-CN', CASE WHEN jsonb_typeof(" c ".title) = 'string' THEN " c \
	".title #>> '{}' END, " c ".title ->> 'en', " c ".code)"

static PGresult *exec(PGconn *pg, const char *sql, int n, const char *const *p)
{
	return PQexecParams(pg, sql, n, NULL, p, NULL, NULL, 0);
}

static const char *val(PGresult *r, int col) { return PQgetisnull(r, 0, col) ? NULL : PQgetvalue(r, 0, col); }
static int64_t num(PGresult *r, int col) { return val(r, col) ? strtoll(val(r, col), NULL, 10) : 0; }

/* The statements of a finished attempt into arr: 0, or -1 with why in *why (malloc'ed or static). */
static int attempt_statements(xapi *x, const char *ref, cJSON *arr, char **why)
{
	const char *p[1] = {ref};
	PGresult *r = exec(
		x->pg,
		"SELECT p.employee_no, p.name, c.code, " TITLE_ZH(
			"c") ", c.title ->> 'en', t.id, t.started_ms, "
			     "t.submitted_ms, t.score_milli, t.max_milli, CASE WHEN c.definition ? 'pass_mark' THEN "
			     "(t.score_milli * 100.0 >= (c.definition ->> 'pass_mark')::numeric * t.max_milli)::int ELSE -1 END "
			     "FROM attempts t JOIN participants p ON p.id = t.participant_id JOIN contests c ON c.id = t.contest_id "
			     "WHERE t.id = $1::bigint AND t.status <> 'open'",
		1, p);
	int rc = -1;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		*why = strdup(PQresultErrorMessage(r));
	else if (PQntuples(r) != 1)
		*why = strdup("the attempt is gone or not finished");
	else if (!val(r, 0) || !*val(r, 0))
		*why = strdup(
			"the participant gave no employee number (an xAPI actor is an employee account)");
	else {
		results_xapi_site site = {x->home_page, NULL, NULL};
		results_xapi_attempt at = {.employee_no = val(r, 0),
					   .name = val(r, 1),
					   .contest_code = val(r, 2),
					   .title_zh = val(r, 3),
					   .title_en = val(r, 4),
					   .attempt_id = num(r, 5),
					   .started_ms = num(r, 6),
					   .finished_ms = num(r, 7),
					   .raw_milli = num(r, 8),
					   .min_milli = 0,
					   .max_milli = num(r, 9),
					   .passed = (int)num(r, 10)};
		rc = results_xapi_attempt_statements(&site, &at, arr, why) ? -1 : 0;
	}
	PQclear(r);
	return rc;
}

/* The statement of an issued certificate (the certificates table of 070, when it exists). */
static int cert_statement(xapi *x, const char *ref, cJSON *arr, char **why)
{
	const char *p[1] = {ref};
	PGresult *r = exec(x->pg, "SELECT to_regclass('certificates') IS NOT NULL", 0, NULL);
	int have = PQresultStatus(r) == PGRES_TUPLES_OK && !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	if (!have) {
		*why = strdup("no certificates table");
		return -1;
	}
	r = exec(x->pg,
		 "SELECT k.employee_no, k.name, c.code, k.id, " TITLE_ZH(
			 "c") ", c.title ->> 'en', "
			      "k.record ->> 'award', (extract(epoch FROM k.issued_at) * 1000)::bigint "
			      "FROM certificates k JOIN contests c ON c.id = k.contest_id WHERE k.id = $1",
		 1, p);
	int rc = -1;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		*why = strdup(PQresultErrorMessage(r));
	else if (PQntuples(r) != 1)
		*why = strdup("the certificate is gone");
	else if (!val(r, 0) || !*val(r, 0))
		*why = strdup("the certificate names no employee number");
	else {
		results_xapi_site site = {x->home_page, NULL, NULL};
		char *title = NULL;
		if (asprintf(&title, "%s %s", val(r, 4), val(r, 6) ? val(r, 6) : "参与证书") < 0)
			title = NULL;
		results_xapi_cert c = {.employee_no = val(r, 0),
				       .name = val(r, 1),
				       .contest_code = val(r, 2),
				       .certificate_id = val(r, 3),
				       .title_zh = title ? title : val(r, 4),
				       .title_en = val(r, 5),
				       .award_zh = val(r, 6),
				       .attempt_id = -1,
				       .issued_ms = num(r, 7)};
		cJSON *s = NULL;
		if (!results_xapi_cert_statement(&site, &c, &s, why)) {
			cJSON_AddItemToArray(arr, s);
			rc = 0;
		}
		free(title);
	}
	PQclear(r);
	return rc;
}

/* A row's statements (stored, or built now and stored): an array, or NULL when the row is skipped. */
static cJSON *row_statements(xapi *x, const char *id, const char *kind, const char *ref, const char *stored)
{
	if (stored)
		return cJSON_Parse(stored);
	cJSON *arr = cJSON_CreateArray();
	char *why = NULL;
	int rc = !strcmp(kind, "attempt") ? attempt_statements(x, ref, arr, &why)
					  : cert_statement(x, ref, arr, &why);
	char *text = rc ? NULL : cJSON_PrintUnformatted(arr);
	const char *p[2] = {id, text ? text : (why ? why : "the statement could not be built")};
	PGresult *r =
		exec(x->pg,
		     text ? "UPDATE xapi_outbox SET statement = $2::jsonb WHERE id = $1::bigint"
			  : "UPDATE xapi_outbox SET last_error = 'not sent: ' || $2, next_at = 'infinity' "
			    "WHERE id = $1::bigint",
		     2, p);
	PQclear(r);
	if (!text) {
		sa_log(LL_WARN, "xapi: outbox row %s (%s %s) is not sent: %s", id, kind, ref, p[1]);
		cJSON_Delete(arr);
		arr = NULL;
		x->skipped++;
	}
	free(text);
	free(why);
	return arr;
}

/* ------------------------------------------------------------ posting (pool) */

/* POSTs the statements; marks ids ("{1,2}") sent or failed. 0 when sent. */
static int post(xapi *x, cJSON *statements, const char *ids, int n)
{
	char *body = cJSON_PrintUnformatted(statements);
	int status = 0;
	char err[512] = "";
	int rc = body ? httpc_post(&x->url, x->tls, "/statements", x->headers, "application/json", body,
				   strlen(body), XAPI_TIMEOUT_MS, &status, err, sizeof err)
		      : -1;
	free(body);
	int ok = !rc && (status == 200 || status == 204);
	if (!ok && !rc)
		snprintf(err, sizeof err, "the LRS answered %d", status);
	const char *p[2] = {ids, err};
	PGresult *r = exec(
		x->pg,
		ok ? "UPDATE xapi_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL "
		     "WHERE id = ANY($1::bigint[])"
		   : "UPDATE xapi_outbox SET attempts = attempts + 1, last_error = $2, "
		     "next_at = now() + least(" STR(
			     XAPI_BACKOFF_MAX_S) ", power(2, attempts)) * interval '1 s' "
						 "WHERE id = ANY($1::bigint[])",
		ok ? 1 : 2, p);
	PQclear(r);
	x->status = status;
	if (ok)
		x->sent += n;
	else
		snprintf(x->err, sizeof x->err, "%s", err);
	return ok ? 0 : status == 400 || status == 409 ? 1 : -1;
}

static void ids_append(char **ids, size_t *len, const char *id)
{
	size_t n = strlen(id);
	char *t = realloc(*ids, *len + n + 3);
	if (!t)
		return;
	*ids = t;
	t[*len] = *len ? ',' : '{';
	memcpy(t + *len + 1, id, n);
	*len += n + 1;
	t[*len] = '}';
	t[*len + 1] = '\0';
}

/* One batch in one transaction: 0, or -1 (PostgreSQL failed: why in x->err). */
static int batch(xapi *x)
{
	PGresult *r = exec(x->pg, "BEGIN", 0, NULL);
	PQclear(r);
	r = exec(
		x->pg,
		"SELECT id, kind, ref, statement::text FROM xapi_outbox WHERE sent_at IS NULL AND next_at <= now() "
		"ORDER BY id LIMIT " STR(XAPI_BATCH) " FOR UPDATE SKIP LOCKED",
		0, NULL);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(x->err, sizeof x->err, "%s", PQresultErrorMessage(r));
		PQclear(r);
		PQclear(exec(x->pg, "ROLLBACK", 0, NULL));
		return -1;
	}
	int n = PQntuples(r);
	cJSON *all = cJSON_CreateArray(), **each = calloc((size_t)n + 1, sizeof *each);
	char *ids = NULL;
	size_t idlen = 0;
	int kept = 0;
	x->rows = n;
	x->full = n == XAPI_BATCH;
	for (int i = 0; i < n && each; i++) {
		const char *id = PQgetvalue(r, i, 0);
		each[i] = row_statements(x, id, PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
					 PQgetisnull(r, i, 3) ? NULL : PQgetvalue(r, i, 3));
		cJSON *s;
		cJSON_ArrayForEach(s, each[i]) cJSON_AddItemReferenceToArray(all, s);
		if (each[i]) {
			ids_append(&ids, &idlen, id);
			kept++;
		}
	}
	/* A batch refused as a whole (400, 409) is sent row by row. */
	int whole = kept && ids ? post(x, all, ids, kept) : 0;
	if (whole > 0 && kept > 1) {
		x->err[0] = '\0';
		for (int i = 0; i < n; i++)
			if (each[i]) {
				char one[32];
				snprintf(one, sizeof one, "{%s}", PQgetvalue(r, i, 0));
				post(x, each[i], one, 1);
			}
	}
	cJSON_Delete(all);
	for (int i = 0; i < n && each; i++)
		cJSON_Delete(each[i]);
	free(each);
	free(ids);
	PQclear(r);
	r = exec(x->pg, "COMMIT", 0, NULL);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc)
		snprintf(x->err, sizeof x->err, "%s", PQresultErrorMessage(r));
	PQclear(r);
	return rc;
}

/* ------------------------------------------------------------ the loop */

static void on_work(uv_work_t *w)
{
	xapi *x = w->data;
	x->rows = x->sent = x->skipped = x->status = x->full = 0;
	x->err[0] = '\0';
	if (x->pg && PQstatus(x->pg) != CONNECTION_OK) {
		PQfinish(x->pg);
		x->pg = NULL;
	}
	if (!x->pg && !(x->pg = migrate_connect(x->conninfo))) {
		snprintf(x->err, sizeof x->err, "cannot connect to PostgreSQL");
		return;
	}
	if (batch(x) && PQstatus(x->pg) != CONNECTION_OK) {
		PQfinish(x->pg);
		x->pg = NULL;
	}
}

static void xapi_free(xapi *x)
{
	if (x->pg)
		PQfinish(x->pg);
	httpc_tls_free(x->tls);
	free(x->headers);
	free(x->conninfo);
	free(x->home_page);
	free(x);
}

static void tick(uv_timer_t *t);

static void on_after(uv_work_t *w, int status)
{
	xapi *x = w->data;
	(void)status;
	x->busy = 0;
	if (x->err[0])
		sa_log(LL_WARN, "xapi: %d statement rows not sent (tried again later): %s",
		       x->rows - x->sent - x->skipped, x->err);
	else if (x->sent)
		sa_log(LL_DEBUG, "xapi: %d statement rows sent", x->sent);
	if (x->closing) {
		if (!x->timer_open)
			xapi_free(x);
		return;
	}
	if (x->full && !x->err[0])
		tick(&x->timer);
}

static void tick(uv_timer_t *t)
{
	xapi *x = t->data;
	if (x->busy || x->closing)
		return;
	x->work.data = x;
	if (!uv_queue_work(x->a->loop, &x->work, on_work, on_after))
		x->busy = 1;
}

/* "Authorization: Basic ...\r\n" (when there are credentials) and the version header. */
static char *headers_of(const char *auth)
{
	unsigned char b64[1024];
	size_t n = 0;
	char *h = NULL;
	if (auth && *auth &&
	    mbedtls_base64_encode(b64, sizeof b64, &n, (const unsigned char *)auth, strlen(auth)))
		return NULL;
	b64[n] = '\0';
	if (asprintf(&h, "%s%s%sX-Experience-API-Version: 1.0.3\r\n", n ? "Authorization: Basic " : "",
		     n ? (const char *)b64 : "", n ? "\r\n" : "") < 0)
		return NULL;
	return h;
}

int xapi_open(arena *a)
{
	const sa_config *c = &a->cfg;
	const char *why = NULL;
	if (!c->lrs_url || !*c->lrs_url)
		return 0;
	xapi *x = calloc(1, sizeof *x);
	if (!x)
		return SA_E_INTERNAL;
	x->a = a;
	if (httpc_parse(c->lrs_url, &x->url, &why)) {
		sa_log(LL_ERROR, "option 'lrs-url': %s", why);
		free(x);
		return SA_E_INVALID_FIELD;
	}
	char err[256];
	if (x->url.tls && httpc_tls_new(&x->tls, c->lrs_ca_file, err, sizeof err)) {
		sa_log(LL_ERROR, "option 'lrs-ca-file': %s", err);
		free(x);
		return SA_E_INVALID_FIELD;
	}
	x->headers = headers_of(c->lrs_auth);
	x->conninfo = strdup(c->pg);
	if (*c->public_url)
		x->home_page = strdup(c->public_url);
	else if (asprintf(&x->home_page, "http://localhost:%d", c->port) < 0)
		x->home_page = NULL;
	if (!x->headers || !x->conninfo || !x->home_page) {
		sa_log(LL_ERROR, "xapi: %s",
		       x->headers ? "out of memory" : "the LRS credentials are too long");
		xapi_free(x);
		return SA_E_INVALID_FIELD;
	}
	uv_timer_init(a->loop, &x->timer);
	x->timer.data = x;
	x->timer_open = 1;
	uv_timer_start(&x->timer, tick, 0, (uint64_t)(c->xapi_interval_ms > 0 ? c->xapi_interval_ms : 1000));
	a->xapi = x;
	sa_log(LL_INFO, "xapi: statements go to %s", c->lrs_url);
	return 0;
}

static void timer_closed(uv_handle_t *h)
{
	xapi *x = h->data;
	x->timer_open = 0;
	if (!x->busy)
		xapi_free(x);
}

void xapi_close(arena *a)
{
	xapi *x = a->xapi;
	if (!x)
		return;
	a->xapi = NULL;
	x->closing = 1;
	uv_timer_stop(&x->timer);
	uv_close((uv_handle_t *)&x->timer, timer_closed);
}
