/*
 * migrate.c - work with blocking libpq, run before the event loop or on
 * libuv's thread pool (never on the loop): the numbered SQL migrations
 * (server/sql/NNN_name.sql, each applied once, in order, in its own
 * transaction, under an advisory lock so that several processes starting
 * together do not race), the upsert of contest files, the insert of an
 * upload (under the same lock: its code must be new and the served contests
 * fewer than --max-contests), and the contests as stored, which every
 * process serves. A contest is stored with `source`, the definition text as
 * validated (jsonb would reorder its keys), and read back from it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "live/phase.h"
#include "live/run.h"
#include "store/migrate.h"
#include "store/store.h"

#define MIGRATE_LOCK "7340101"

static int exec_ok(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		sa_log(LL_ERROR, "postgresql: %s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : SA_E_UNAVAILABLE;
}

/* Notices ("relation ... already exists, skipping") are expected here: debug log, not stderr. */
static void notice_to_log(void *arg, const char *message)
{
	(void)arg;
	sa_log(LL_DEBUG, "postgresql: %.*s", (int)strcspn(message, "\n"), message);
}

static PGconn *connect_sync(const char *conninfo)
{
	PGconn *pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		sa_log(LL_ERROR, "cannot connect to postgresql (%s): %s", conninfo, PQerrorMessage(pg));
		PQfinish(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg, notice_to_log, NULL); /* NULL would keep libpq's, which prints */
	return pg;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(fp);
	return buf;
}

int migrate_apply(const char *conninfo, const char *sql_dir)
{
	struct dirent **ents;
	int n, rc = 0, applied = 0;
	PGconn *pg = connect_sync(conninfo);
	if (!pg)
		return SA_E_UNAVAILABLE;
	if (exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")") ||
	    exec_ok(pg, "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, "
			"name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")) {
		PQfinish(pg);
		return SA_E_UNAVAILABLE;
	}
	n = scandir(sql_dir, &ents, NULL, by_name);
	if (n < 0) {
		sa_log(LL_ERROR, "migrations: cannot read '%s': %s", sql_dir, strerror(errno));
		PQfinish(pg);
		return SA_E_UNAVAILABLE;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t len = strlen(name);
		int version = atoi(name);
		if (rc || len < 5 || strcmp(name + len - 4, ".sql") || version <= 0)
			continue;
		char vbuf[16], path[1024];
		snprintf(vbuf, sizeof vbuf, "%d", version);
		const char *pv[1] = {vbuf};
		PGresult *r = PQexecParams(pg, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, NULL,
					   pv, NULL, NULL, 0);
		int done = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
		PQclear(r);
		if (done)
			continue;
		snprintf(path, sizeof path, "%s/%s", sql_dir, name);
		char *sql = slurp(path);
		if (!sql) {
			sa_log(LL_ERROR, "migrations: cannot read %s", path);
			rc = SA_E_UNAVAILABLE;
			continue;
		}
		const char *pins[2] = {vbuf, name};
		if (exec_ok(pg, "BEGIN") || exec_ok(pg, sql)) {
			sa_log(LL_ERROR, "migration %s failed", name);
			exec_ok(pg, "ROLLBACK");
			rc = SA_E_UNAVAILABLE;
		} else {
			r = PQexecParams(pg, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
					 2, NULL, pins, NULL, NULL, 0);
			PQclear(r);
			if (exec_ok(pg, "COMMIT"))
				rc = SA_E_UNAVAILABLE;
			else {
				applied++;
				sa_log(LL_INFO, "migration %s applied", name);
			}
		}
		free(sql);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	exec_ok(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")");
	PQfinish(pg);
	if (!rc && !applied)
		sa_log(LL_DEBUG, "schema up to date");
	return rc;
}

/* The contest row's id, epoch and live state (columns from `first` on:
 * id, epoch, phase, qindex, open_ms, deadline_ms, started_ms, seq, paused_ms,
 * board_hidden), checked. */
static int row_state(PGresult *res, int row, int first, migrate_row *m)
{
	int64_t qi;
	if (store_int(res, row, first, 1, INT64_MAX, &m->id) ||
	    store_int(res, row, first + 1, 0, INT64_MAX, &m->epoch) ||
	    phase_parse(store_text(res, row, first + 2), &m->st.phase) ||
	    store_int(res, row, first + 3, -1, INT32_MAX, &qi) ||
	    store_int(res, row, first + 4, 0, INT64_MAX, &m->st.open_ms) ||
	    store_int(res, row, first + 5, 0, INT64_MAX, &m->st.deadline_ms) ||
	    store_int(res, row, first + 6, 0, INT64_MAX, &m->st.started_ms) ||
	    store_int(res, row, first + 7, 0, INT64_MAX, &m->st.seq) ||
	    store_int(res, row, first + 8, 0, INT64_MAX, &m->st.paused_ms) ||
	    store_bool(res, row, first + 9, &m->st.board_hidden))
		return SA_E_INVALID_FIELD;
	m->st.qindex = (int)qi;
	return 0;
}

#define ROW_STATE "id, epoch, phase, qindex, open_ms, deadline_ms, started_ms, seq, paused_ms, board_hidden"
#define ROW_STATE_COLUMNS 10 /* row_state reads them */

/* The upsert of a contest file, or the insert of an upload. */
static const char upsert_sql[] =
	"INSERT INTO contests (code, title, definition, question_count, source, origin) "
	"VALUES ($1, $2, $3, $4, $5, $6) "
	"ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, definition = EXCLUDED.definition, "
	"question_count = EXCLUDED.question_count, source = EXCLUDED.source, origin = EXCLUDED.origin, "
	"archived_at = NULL, loaded_at = now(), "
	/* a contest file that takes the code of a console draft serves the file */
	"status = CASE WHEN contests.status = 'draft' THEN 'live' ELSE contests.status END, "
	"bank_source = CASE WHEN EXCLUDED.origin IS NOT NULL THEN 'files' ELSE contests.bank_source END "
	"RETURNING " ROW_STATE;

static int load_one(PGconn *pg, crun *r)
{
	contest_def *d = r->def;
	char *title = cJSON_PrintUnformatted(d->title);
	char *defn = cJSON_PrintUnformatted(d->root);
	char nq[16];
	migrate_row m;
	snprintf(nq, sizeof nq, "%zu", d->nquestions);
	/* $5 is $3 again, as text: a jsonb cast back to text would reorder its keys */
	const char *p[6] = {d->code, title, defn, nq, defn, r->origin};
	if (!title || !defn) {
		free(title);
		free(defn);
		return SA_E_INTERNAL;
	}
	PGresult *res = PQexecParams(pg, upsert_sql, 6, NULL, p, NULL, NULL, 0);
	free(title);
	free(defn);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		sa_log(LL_ERROR, "loading contest %s: %s", d->code, PQresultErrorMessage(res));
		PQclear(res);
		return SA_E_UNAVAILABLE;
	}
	int bad = row_state(res, 0, 0, &m);
	PQclear(res);
	const char *field = bad ? "row" : phase_check(&m.st, r->nq);
	if (field) {
		sa_log(LL_ERROR, "loading contest %s: its stored live state is invalid (%s): fix the row",
		       d->code, field);
		return SA_E_INVALID_FIELD;
	}
	r->contest_id = m.id;
	r->epoch = m.epoch;
	r->st = m.st;

	char cid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	const char *pd[2] = {cid, nq};
	res = PQexecParams(pg, "DELETE FROM questions WHERE contest_id = $1 AND idx >= $2", 2, NULL, pd, NULL,
			   NULL, 0);
	PQclear(res);
	for (size_t i = 0; i < d->nquestions; i++) {
		const contest_question *q = &d->questions[i];
		char idx[24], lim[24], maxm[24];
		char *qdef = cJSON_PrintUnformatted(q->def);
		snprintf(idx, sizeof idx, "%zu", i);
		snprintf(lim, sizeof lim, "%lld", (long long)q->time_limit_ms);
		snprintf(maxm, sizeof maxm, "%lld", (long long)score_question_max_milli(q->compiled));
		const char *pq[7] = {cid, idx, q->id, score_question_type(q->compiled), qdef, lim, maxm};
		res = PQexecParams(
			pg,
			"INSERT INTO questions (contest_id, idx, qid, qtype, definition, time_limit_ms, max_milli) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (contest_id, idx) DO UPDATE SET "
			"qid = EXCLUDED.qid, qtype = EXCLUDED.qtype, definition = EXCLUDED.definition, "
			"time_limit_ms = EXCLUDED.time_limit_ms, max_milli = EXCLUDED.max_milli",
			7, NULL, pq, NULL, NULL, 0);
		free(qdef);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			sa_log(LL_ERROR, "loading contest %s question %s: %s", d->code, q->id,
			       PQresultErrorMessage(res));
			PQclear(res);
			return SA_E_UNAVAILABLE;
		}
		PQclear(res);
	}
	return 0;
}

int migrate_store_in(PGconn *pg, crun *r, migrate_check_fn check, void *ud)
{
	int rc = 0;
	if (exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")"))
		return SA_E_UNAVAILABLE;
	if (exec_ok(pg, "BEGIN"))
		rc = SA_E_UNAVAILABLE;
	else if ((rc = check ? check(pg, r, ud) : 0) || (rc = load_one(pg, r)) ||
		 (rc = exec_ok(pg, "COMMIT")))
		exec_ok(pg, "ROLLBACK");
	exec_ok(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")");
	return rc;
}

PGconn *migrate_connect(const char *conninfo) { return connect_sync(conninfo); }

int migrate_load_contests(const char *conninfo, crun **runs, int nruns)
{
	PGconn *pg = connect_sync(conninfo);
	int rc = 0;
	if (!pg)
		return SA_E_UNAVAILABLE;
	for (int i = 0; i < nruns; i++) {
		int one = migrate_store_in(pg, runs[i], NULL, NULL);
		if (one)
			rc = one;
		else
			sa_log(LL_INFO, "contest %s loaded: %d questions, phase %s", runs[i]->code,
			       runs[i]->nq, phase_name(runs[i]->st.phase));
	}
	PQfinish(pg);
	return rc;
}

int migrate_served_count(PGconn *pg, int64_t *n)
{
	PGresult *res = PQexec(pg, "SELECT count(*) FROM contests WHERE " MIGRATE_SERVED);
	int rc = PQresultStatus(res) != PGRES_TUPLES_OK || store_int(res, 0, 0, 0, INT64_MAX, n)
			 ? SA_E_UNAVAILABLE
			 : 0;
	PQclear(res);
	return rc;
}

/* An upload: its code is new (archived ones and drafts included), and the served ones are fewer than max. */
static int upload_check(PGconn *pg, crun *r, void *ud)
{
	int max = *(const int *)ud;
	const char *p[1] = {r->code};
	PGresult *res = PQexecParams(pg,
				     "SELECT (SELECT count(*) FROM contests WHERE code = $1), "
				     "(SELECT count(*) FROM contests WHERE " MIGRATE_SERVED ")",
				     1, NULL, p, NULL, NULL, 0);
	int64_t same, served;
	int rc = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK || store_int(res, 0, 0, 0, INT64_MAX, &same) ||
	    store_int(res, 0, 1, 0, INT64_MAX, &served))
		rc = SA_E_UNAVAILABLE;
	else if (same)
		rc = SA_E_CONFLICT;
	else if (served >= max)
		rc = SA_E_CONTEST_LIMIT;
	PQclear(res);
	return rc;
}

int migrate_store_upload(const char *conninfo, crun *r, int max)
{
	PGconn *pg = connect_sync(conninfo);
	if (!pg)
		return SA_E_UNAVAILABLE;
	int rc = migrate_store_in(pg, r, upload_check, &max);
	PQfinish(pg);
	return rc;
}

void migrate_row_release(migrate_row *m)
{
	free(m->source);
	free(m->origin);
	memset(m, 0, sizeof *m);
}

/* Row i of a fetch: code, source, origin, the state, whether its banks are the console's. */
static int fetch_row(PGresult *res, int i, migrate_row *m)
{
	const char *code = store_text(res, i, 0), *src = store_text(res, i, 1),
		   *origin = store_text(res, i, 2);
	memset(m, 0, sizeof *m);
	const char *console = store_text(res, i, 3 + ROW_STATE_COLUMNS); /* after the state */
	if (!code || strlen(code) >= sizeof m->code || !src || row_state(res, i, 3, m) || !console)
		return SA_E_INVALID_FIELD;
	m->console = console[0] == 't';
	snprintf(m->code, sizeof m->code, "%s", code);
	m->source = strdup(src);
	m->origin = origin ? strdup(origin) : NULL;
	if (!m->source || (origin && !m->origin)) {
		migrate_row_release(m);
		return SA_E_INTERNAL;
	}
	return 0;
}

#define FETCH_SQL                                                                                         \
	"SELECT code, COALESCE(source, definition::text), origin, " ROW_STATE ", bank_source = 'console'" \
	" FROM contests WHERE " MIGRATE_SERVED

int migrate_fetch(const char *conninfo, const char *code, migrate_row *out)
{
	PGconn *pg = connect_sync(conninfo);
	if (!pg)
		return SA_E_UNAVAILABLE;
	const char *p[1] = {code};
	PGresult *res = PQexecParams(pg, FETCH_SQL " AND code = $1", 1, NULL, p, NULL, NULL, 0);
	int rc = PQresultStatus(res) != PGRES_TUPLES_OK ? SA_E_UNAVAILABLE
		 : PQntuples(res) != 1                  ? SA_E_NOT_FOUND
							: fetch_row(res, 0, out);
	PQclear(res);
	PQfinish(pg);
	return rc;
}

int migrate_fetch_all(const char *conninfo, migrate_row **rows, int *n)
{
	PGconn *pg = connect_sync(conninfo);
	*rows = NULL;
	*n = 0;
	if (!pg)
		return SA_E_UNAVAILABLE;
	PGresult *res = PQexec(pg, FETCH_SQL " ORDER BY id");
	int rc = PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : SA_E_UNAVAILABLE;
	int nt = rc ? 0 : PQntuples(res);
	if (!rc && nt && !(*rows = calloc((size_t)nt, sizeof **rows)))
		rc = SA_E_INTERNAL;
	for (int i = 0; !rc && i < nt; i++) {
		int one = fetch_row(res, i, &(*rows)[*n]);
		if (one == SA_E_INVALID_FIELD)
			sa_log(LL_ERROR, "contests row %d (code '%s') is malformed: not served", i,
			       store_text(res, i, 0) ? store_text(res, i, 0) : "NULL");
		else if (one)
			rc = one;
		else
			(*n)++;
	}
	if (rc) {
		for (int i = 0; i < *n; i++)
			migrate_row_release(&(*rows)[i]);
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	PQclear(res);
	PQfinish(pg);
	return rc;
}

/*
 * The audit log must be append-only for this server's role: no UPDATE,
 * DELETE or TRUNCATE privilege, and no ownership of the table or its schema
 * (an owner could drop it or grant itself anything). Checked at start;
 * logged as an error while it is not so (the administrator step of
 * docs/operations.md was not run), and when the server cannot write it.
 */
int migrate_audit_check(const char *conninfo)
{
	PGconn *pg = connect_sync(conninfo);
	if (!pg)
		return SA_E_UNAVAILABLE;
	PGresult *r = PQexec(
		pg, "SELECT has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') "
		    "OR has_table_privilege(c.oid, 'TRUNCATE') OR pg_has_role(c.relowner, 'MEMBER') "
		    "OR pg_has_role(n.nspowner, 'MEMBER'), "
		    "has_any_column_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'SELECT'), "
		    "current_user "
		    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
		    "WHERE n.nspname = 'audit' AND c.relname = 'audit_log'");
	int rc = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		sa_log(LL_ERROR, "audit log: table audit.audit_log not found (%s)", PQresultErrorMessage(r));
		rc = SA_E_UNAVAILABLE;
	} else {
		const char *role = PQgetvalue(r, 0, 2);
		if (!strcmp(PQgetvalue(r, 0, 0), "t")) {
			sa_log(LL_ERROR,
			       "audit log: this server's PostgreSQL role %s could change or remove audit.audit_log "
			       "(UPDATE, DELETE, TRUNCATE or ownership): run the administrator step once, as a "
			       "PostgreSQL superuser: psql -v server_role=%s -d DATABASE -f "
			       "server/sql/admin/audit-owner.sql (docs/operations.md, \"Audit log\")",
			       role, role);
			rc = SA_E_FORBIDDEN;
		}
		if (strcmp(PQgetvalue(r, 0, 1), "t")) {
			sa_log(LL_ERROR,
			       "audit log: this server's PostgreSQL role %s cannot INSERT into and "
			       "SELECT from audit.audit_log: every audit entry will fail",
			       role);
			rc = SA_E_UNAVAILABLE;
		}
	}
	PQclear(r);
	PQfinish(pg);
	return rc;
}
