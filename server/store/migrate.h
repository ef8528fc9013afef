/*
 * migrate.h - work with blocking libpq, before the loop runs or on the
 * thread pool (migrate.c): migrations, contests stored and read back.
 */
#ifndef SKILLARENA_STORE_MIGRATE_H
#define SKILLARENA_STORE_MIGRATE_H

#include <stdint.h>

#include "live/phase.h"
#include "live/run.h"

/* Each returns 0, or SA_E_UNAVAILABLE (PostgreSQL unreachable, a statement
 * failed; logged), or the code its comment names. */

/* Applies server/sql migrations. */
int migrate_apply(const char *conninfo, const char *sql_dir);
/* Upserts contest files (source text, origin r->origin; un-archived), fills
 * each crun's id, epoch and live state (SA_E_INVALID_FIELD: a stored state
 * that does not fit the file; that contest is not loaded). */
int migrate_load_contests(const char *conninfo, crun **runs, int nruns);
/* Stores an upload: SA_E_CONFLICT when its code is stored already (archived
 * too), SA_E_CONTEST_LIMIT when max contests are served; fills r like
 * migrate_load_contests. */
int migrate_store_upload(const char *conninfo, crun *r, int max);

/* The contests every process serves: not archived, not a console draft (SQL). */
#define MIGRATE_SERVED "archived_at IS NULL AND status <> 'draft'"
struct pg_conn;
/* A blocking connection (NULL when PostgreSQL cannot be reached: logged); PQfinish it. */
struct pg_conn *migrate_connect(const char *conninfo);
/*
 * Stores r on pg (blocking) under the lock that uploads take, in one
 * transaction: check(pg, r, ud) first, which may refuse with an SA_E_* code
 * or write rows of its own in the same transaction, then the contest row
 * (upserted by code: title, definition, source, origin NULL for r->origin
 * NULL) and its questions; r gets its id, epoch and state. 0 or SA_E_*.
 */
typedef int (*migrate_check_fn)(struct pg_conn *pg, crun *r, void *ud);
int migrate_store_in(struct pg_conn *pg, crun *r, migrate_check_fn check, void *ud);
/* The number of served contests (MIGRATE_SERVED), for --max-contests: 0 or SA_E_UNAVAILABLE. */
int migrate_served_count(struct pg_conn *pg, int64_t *n);

/* A stored, not archived contest: what a process needs to serve it. */
typedef struct migrate_row {
	char code[24];
	char *source; /* the definition text as validated; malloc'ed */
	char *origin; /* the file it came from (banks are relative to it), NULL for an upload */
	int64_t id, epoch;
	live_state st; /* its fields parsed; phase_check it against the questions */
	int console;   /* its banks are the console's: the copies taken at publish (store/banks.h) */
} migrate_row;
void migrate_row_release(migrate_row *m);
/* The row of code: 0, SA_E_NOT_FOUND (none, archived, or a draft), SA_E_INVALID_FIELD (malformed). */
int migrate_fetch(const char *conninfo, const char *code, migrate_row *out);
/* Every served contest (MIGRATE_SERVED; malformed rows logged and left out); free each and *rows. */
int migrate_fetch_all(const char *conninfo, migrate_row **rows, int *n);
/* Synchronous, at start: logs an error when this server's role could change or drop the audit
 * log, or cannot write it (0 when it is append-only for us, SA_E_FORBIDDEN when it is not). */
int migrate_audit_check(const char *conninfo);

#endif
