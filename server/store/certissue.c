/*
 * certissue.c - issuing certificates from the final ranking (see certissue.h).
 *
 * Memory: the records of one batch (a few hundred bytes each, their strings
 * borrowed from the ranking's rows) and their signed tokens (about 1.5 KB a
 * certificate: 10,000 take some 15 MB on a pool thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "store/certissue.h"
#include "store/certrows.h"
#include "store/certtpl.h"
#include "store/pgcopy.h"
#include "store/ranking.h"
#include "store/store.h"

typedef struct info {
	char *code, *title, *issuer;
} info;

typedef struct batch {
	certs_record *recs;
	const certrow **rows;
	char **jws, **vc;
	char (*pno)[24]; /* "P<participant id>": the record's employee_no when they gave none */
	size_t n;
	certtpl tp;                /* the contest's template (store/certtpl.h), or none */
	const certs_template *tpl; /* tp's, or the server's default */
	const char *issuer;        /* the template's issuer, else the contest's organizer */
	char verify_base[1100], issuer_id[1100], jwks_url[1100];
} batch;

static void info_release(info *c)
{
	free(c->code);
	free(c->title);
	free(c->issuer);
}

static void batch_release(batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->jws[i]);
		free(b->vc[i]);
	}
	free(b->recs);
	free(b->rows);
	free(b->jws);
	free(b->vc);
	free(b->pno);
	certtpl_release(&b->tp);
}

void certissue_release(certissue_result *r)
{
	cJSON_Delete(r->failures);
	r->failures = NULL;
}

static int pg_fail(char *err, size_t n, const char *what, PGresult *r)
{
	snprintf(err, n, "%s: %s", what, r ? PQresultErrorMessage(r) : "out of memory");
	PQclear(r);
	return SA_E_UNAVAILABLE;
}

static int exec_ok(PGconn *pg, const char *sql, int np, const char *const *p, char *err, size_t n)
{
	PGresult *r = PQexecParams(pg, sql, np, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		return pg_fail(err, n, sql, r);
	PQclear(r);
	return 0;
}

/* The Chinese text of a language map (or a string), else its first language: malloc'ed. */
static char *zh_text(const cJSON *v, const char *fallback)
{
	const cJSON *zh = cJSON_GetObjectItemCaseSensitive(v, "zh-CN");
	const char *s = cJSON_IsString(v)                               ? v->valuestring
			: cJSON_IsString(zh)                            ? zh->valuestring
			: cJSON_IsObject(v) && cJSON_IsString(v->child) ? v->child->valuestring
									: fallback;
	return strdup(s && *s ? s : fallback);
}

static int contest_read(PGconn *pg, const char *id, info *c, char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r = PQexecParams(
		pg,
		"SELECT code, title::text, COALESCE(source, definition::text) FROM contests WHERE id = $1", 1,
		NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return pg_fail(err, n, "contest", r);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return SA_E_NOT_FOUND;
	}
	cJSON *title = cJSON_Parse(PQgetvalue(r, 0, 1)), *def = cJSON_Parse(PQgetvalue(r, 0, 2));
	c->code = strdup(PQgetvalue(r, 0, 0));
	c->title = zh_text(title, c->code);
	c->issuer = zh_text(cJSON_GetObjectItemCaseSensitive(def, "organizer"), "SkillArena");
	cJSON_Delete(title);
	cJSON_Delete(def);
	PQclear(r);
	return c->code && c->title && c->issuer ? 0 : SA_E_INTERNAL;
}

/* Which (participant, kind) pairs hold a certificate of this revision: sorted pid*4+kind. */
static int existing_read(PGconn *pg, const char *id, int rev, int64_t **out, size_t *n, char *err, size_t en)
{
	char rv[16];
	snprintf(rv, sizeof rv, "%d", rev);
	const char *p[2] = {id, rv};
	PGresult *r = PQexecParams(pg,
				   "SELECT participant_id * 4 + CASE kind WHEN 'award' THEN 1 ELSE 2 END "
				   "FROM certificates WHERE contest_id = $1 AND revision = $2 ORDER BY 1",
				   2, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return pg_fail(err, en, "certificates", r);
	*n = (size_t)PQntuples(r);
	*out = calloc(*n ? *n : 1, sizeof **out);
	for (size_t i = 0; *out && i < *n; i++)
		store_int(r, (int)i, 0, 0, INT64_MAX, &(*out)[i]);
	PQclear(r);
	return *out ? 0 : SA_E_INTERNAL;
}

static int has(const int64_t *set, size_t n, int64_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set[mid] == key)
			return 1;
		if (set[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

#define FAILURES_LISTED 1000 /* the report names this many; failed counts them all */

static void failure(certissue_result *res, const certrow *w, const char *reason)
{
	if (res->failed++ >= FAILURES_LISTED)
		return;
	if (!res->failures)
		res->failures = cJSON_CreateArray();
	cJSON *f = cJSON_CreateObject();
	cJSON_AddNumberToObject(f, "participant_id", (double)w->participant_id);
	cJSON_AddStringToObject(f, "name", w->name);
	cJSON_AddStringToObject(f, "reason", reason);
	cJSON_AddItemToArray(res->failures, f);
}

/* One record of row w and kind k, checked; 0 when it goes into the batch. */
static int record_add(batch *b, const certrow *w, int k, const info *c, certissue_result *res)
{
	certs_record *r = &b->recs[b->n];
	memset(r, 0, sizeof *r);
	r->contest_code = c->code;
	r->contest_title = c->title;
	r->name = w->name;
	r->employee_no = w->employee_no;
	if (!r->employee_no || !*r->employee_no) {
		snprintf(b->pno[b->n], sizeof b->pno[b->n], "P%lld", (long long)w->participant_id);
		r->employee_no = b->pno[b->n];
	}
	r->unit = w->unit;
	r->kind = k == CERTISSUE_AWARD ? CERTS_KIND_AWARD : CERTS_KIND_PARTICIPATION;
	r->award = k == CERTISSUE_AWARD ? w->award : w->award_tier == -2 && w->award ? w->award : "参赛";
	r->has_score = 1;
	r->score_milli = w->score_milli;
	r->rank = k == CERTISSUE_AWARD ? w->rank : 0;
	r->issued_at = (int64_t)time(NULL);
	r->issuer = b->issuer;
	/* the version issued with, signed: a download renders it again (store/certtpl.h) */
	r->template_id = b->tp.tpl ? b->tp.hash : CERTTPL_DEFAULT_ID;
	r->verify_base = b->verify_base;
	char *why = NULL;
	/* a stand-in id for the check; the bulk API gives the real one */
	snprintf(r->id, sizeof r->id, "AAAAAAAAAAAAAAAAAAAAAA");
	int rc = certs_record_check(r, &why);
	r->id[0] = '\0';
	if (rc) {
		failure(res, w, why ? why : certs_strerror(rc, "en"));
		free(why);
		return -1;
	}
	b->rows[b->n++] = w;
	return 0;
}

/* The records to issue: the rows (one participant, or all) lacking the kind. */
static int batch_build(batch *b, const certrows *rows, const int64_t *have, size_t nhave, const info *c,
		       const certissue_spec *s, certissue_result *res)
{
	size_t cap = rows->n * 2 + 1;
	b->recs = calloc(cap, sizeof *b->recs);
	b->rows = calloc(cap, sizeof *b->rows);
	b->jws = calloc(cap, sizeof *b->jws);
	b->vc = calloc(cap, sizeof *b->vc);
	b->pno = calloc(cap, sizeof *b->pno);
	if (!b->recs || !b->rows || !b->jws || !b->vc || !b->pno)
		return SA_E_INTERNAL;
	for (size_t i = 0; i < rows->n; i++) {
		const certrow *w = &rows->rows[i];
		if (s->participant_id && w->participant_id != s->participant_id)
			continue;
		res->found = 1;
		for (int k = CERTISSUE_AWARD; k <= CERTISSUE_PARTICIPATION; k <<= 1) {
			if (!(s->kinds & (unsigned)k))
				continue;
			if (k == CERTISSUE_AWARD && (w->award_tier < 0 || !w->award)) {
				res->not_eligible++;
				continue;
			}
			if (has(have, nhave, w->participant_id * 4 + k)) {
				res->existing++;
				continue;
			}
			record_add(b, w, k, c, res);
		}
	}
	return 0;
}

typedef struct sign_ctx {
	batch *b;
	const certissue_spec *s;
} sign_ctx;

static int emit(size_t i, const certs_record *r, const char *jws, const char *vc, const unsigned char *pdf,
		size_t len, void *ud)
{
	(void)r;
	(void)pdf;
	(void)len;
	batch *b = ((sign_ctx *)ud)->b;
	b->jws[i] = strdup(jws);
	b->vc[i] = vc ? strdup(vc) : NULL;
	return !b->jws[i] || !b->vc[i];
}

static void progress(size_t done, size_t total, void *ud)
{
	const certissue_spec *s = ((sign_ctx *)ud)->s;
	if (s->progress)
		s->progress(0.2 + 0.7 * (double)done / (double)(total ? total : 1), s->ud);
}

/* The signed batch into certificates (COPY into a temporary table, then INSERT). */
static int batch_store(PGconn *pg, batch *b, const certissue_spec *s, const info *c, int rev,
		       certissue_result *res, char *err, size_t n)
{
	int rc = exec_ok(
		pg, "CREATE TEMPORARY TABLE certs_new (LIKE certificates INCLUDING DEFAULTS) ON COMMIT DROP",
		0, NULL, err, n);
	pgcopy cp;
	if (rc ||
	    pgcopy_begin(
		    &cp, pg,
		    "COPY certs_new (id, contest_id, contest_code, participant_id, revision, kind, "
		    "employee_no, name, unit, award, record, jws, ob3, kid, issued_at, issued_by, template_hash) "
		    "FROM STDIN") < 0)
		return rc ? rc : pgcopy_end(&cp, err, n);
	for (size_t i = 0; i < b->n; i++) {
		const certs_record *r = &b->recs[i];
		char *json = NULL, at[32];
		size_t len;
		if (certs_record_json(r, &json, &len)) {
			cp.failed = 1;
			break;
		}
		time_t t = (time_t)r->issued_at;
		strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		pgcopy_text(&cp, r->id);
		pgcopy_num(&cp, s->contest_id);
		pgcopy_text(&cp, c->code);
		pgcopy_num(&cp, b->rows[i]->participant_id);
		pgcopy_num(&cp, rev);
		pgcopy_text(&cp, r->kind == CERTS_KIND_AWARD ? "award" : "participation");
		pgcopy_text(&cp, b->rows[i]->employee_no);
		pgcopy_text(&cp, r->name);
		pgcopy_text(&cp, r->unit ? r->unit : "");
		pgcopy_text(&cp, r->award);
		pgcopy_text(&cp, json);
		pgcopy_text(&cp, b->jws[i]);
		pgcopy_text(&cp, b->vc[i]);
		pgcopy_text(&cp, certs_key_kid(s->key));
		pgcopy_text(&cp, at);
		if (s->issued_by)
			pgcopy_num(&cp, s->issued_by);
		else
			pgcopy_text(&cp, NULL);
		pgcopy_text(&cp, b->tp.tpl ? b->tp.hash : NULL);
		pgcopy_row(&cp);
		free(json);
	}
	if ((rc = pgcopy_end(&cp, err, n)))
		return rc;
	PGresult *r = PQexec(pg, "INSERT INTO certificates SELECT * FROM certs_new "
				 "ON CONFLICT (contest_id, participant_id, kind, revision) DO NOTHING");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return pg_fail(err, n, "certificates", r);
	res->issued = atoll(PQcmdTuples(r));
	res->existing += (int64_t)b->n - res->issued;
	PQclear(r);
	/* each new certificate's xAPI statement, in the same transaction (080_records.sql) */
	r = PQexec(
		pg,
		"SELECT xapi_outbox_certificate(n.id) FROM certs_new n JOIN certificates c ON c.id = n.id");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return pg_fail(err, n, "xapi outbox", r);
	PQclear(r);
	return 0;
}

/* Signs the batch and stores it (inside the transaction). */
static int batch_issue(PGconn *pg, batch *b, const certissue_spec *s, const info *c, int rev,
		       certissue_result *res, char *err, size_t n)
{
	if (!b->n)
		return 0;
	certs_ob3_opts ob3 = {.issuer_id = s->public_url, .jwks_url = b->jwks_url};
	sign_ctx ctx = {b, s};
	certs_bulk_opts o = {.threads = s->threads,
			     .ob3 = &ob3,
			     .no_pdf = 1,
			     .emit = emit,
			     .progress = progress,
			     .ud = &ctx};
	certs_bulk_stats st;
	int rc = certs_bulk_issue(s->key, b->tpl, b->recs, b->n, &o, &st);
	if (rc) {
		snprintf(err, n, "signing: %s (record %zu)", certs_strerror(rc, "en"), st.first_index + 1);
		return SA_E_INTERNAL;
	}
	return batch_store(pg, b, s, c, rev, res, err, n);
}

static int issue_locked(PGconn *pg, const certissue_spec *s, const char *id, const info *c,
			certissue_result *res, char *err, size_t n)
{
	certrows rows;
	int64_t *have = NULL;
	size_t nhave = 0;
	batch b = {0};
	snprintf(b.verify_base, sizeof b.verify_base, "%s/verify", s->public_url);
	snprintf(b.jwks_url, sizeof b.jwks_url, "%s/.well-known/jwks.json", s->public_url);
	int rc = certtpl_read(pg, id, &b.tp, err, n);
	if (!rc)
		rc = certrows_fetch(pg, s->contest_id, &rows, err, n);
	if (rc) {
		batch_release(&b);
		return rc;
	}
	b.tpl = b.tp.tpl ? b.tp.tpl : s->tpl;
	b.issuer = *certs_template_issuer(b.tpl) ? certs_template_issuer(b.tpl) : c->issuer;
	res->revision = rows.revision;
	if (s->progress)
		s->progress(0.15, s->ud);
	if (!(rc = existing_read(pg, id, rows.revision, &have, &nhave, err, n)) &&
	    !(rc = batch_build(&b, &rows, have, nhave, c, s, res)))
		rc = batch_issue(pg, &b, s, c, rows.revision, res, err, n);
	if (!rc && s->participant_id && b.n == 1)
		snprintf(res->id, sizeof res->id, "%s", b.recs[0].id);
	batch_release(&b);
	free(have);
	certrows_release(&rows);
	return rc;
}

int certissue_run(PGconn *pg, const certissue_spec *s, certissue_result *res, char *err, size_t n)
{
	char id[24];
	info c = {0};
	memset(res, 0, sizeof *res);
	snprintf(id, sizeof id, "%lld", (long long)s->contest_id);
	int rc = ranking_build(s->conninfo, s->contest_id, err, n);
	if (s->progress)
		s->progress(0.1, s->ud);
	const char *p[1] = {id};
	if (!rc)
		rc = contest_read(pg, id, &c, err, n);
	if (!rc)
		rc = exec_ok(pg, "BEGIN", 0, NULL, err, n);
	if (!rc) {
		rc = exec_ok(pg,
			     "SELECT pg_advisory_xact_lock(hashtext('skillarena.certificates'), "
			     "($1::bigint % 2147483647)::int)",
			     1, p, err, n);
		if (!rc)
			rc = issue_locked(pg, s, id, &c, res, err, n);
		PQclear(PQexec(pg, rc ? "ROLLBACK" : "COMMIT"));
	}
	info_release(&c);
	if (s->progress)
		s->progress(1.0, s->ud);
	return rc;
}
