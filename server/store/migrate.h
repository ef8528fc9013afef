/*
 * migrate.h - start-up work with blocking libpq, before the loop runs or on
 * the thread pool (migrate.c).
 */
#ifndef SKILLARENA_STORE_MIGRATE_H
#define SKILLARENA_STORE_MIGRATE_H

#include "live/run.h"

/* Synchronous, before the event loop runs: apply server/sql migrations. */
int migrate_apply(const char *conninfo, const char *sql_dir);
/* Synchronous, at start: upsert loaded contests into PostgreSQL, fill contest ids and live state. */
int migrate_load_contests(const char *conninfo, crun **runs, int nruns);
/* Each returns 0, or SA_E_UNAVAILABLE (PostgreSQL unreachable, a statement failed; logged). */
/* Synchronous: 1 when a contest with this code is in PostgreSQL, 0 when not. */
int migrate_contest_exists(const char *conninfo, const char *code);
/* Synchronous: deletes a contest's participants/answers and Redis keys, back to the lobby
 * (code: normalized). redis_password: sent with AUTH first (NULL or empty: none). */
int migrate_reset_contest(const char *conninfo, const char *redis, const char *redis_password,
			  const char *prefix, const char *code, int only_if_finished);

#endif
