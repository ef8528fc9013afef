/*
 * recompute_paced_pg.h - the data of a self-paced contest's recomputation
 * (recompute_paced_pg.c): its definition and pool as the server loads them,
 * attempts, answers and their changes, practice answers and notebooks from
 * PostgreSQL, day boards from Redis. Blocking libpq and hiredis: the command
 * line, never the loop.
 */
#ifndef SKILLARENA_STORE_RECOMPUTE_PACED_PG_H
#define SKILLARENA_STORE_RECOMPUTE_PACED_PG_H

#include <libpq-fe.h>

#include "store/recompute.h"

struct redisContext;

typedef struct recompute_paced_src {
	const char *bank_dir; /* where an uploaded contest's banks are (as live/load.c: --bank-dir, else the
				      first --contests directory) */
	struct redisContext *rds; /* NULL: the day boards are not compared */
	const char *redis_prefix; /* "sa:" */
} recompute_paced_src;

/*
 * c holds the contest's row and participants (recompute_pg.c). Loads the
 * rest in pg's snapshot, derives it again and compares (rc_paced_attempts,
 * day boards and units for mass, rc_paced_practice), leaving each
 * participant's new_score and new_reached_ds for the ranking. 0, or
 * SA_E_INVALID_FIELD (the definition no longer loads, a row cannot be read:
 * err), SA_E_UNAVAILABLE, SA_E_INTERNAL.
 */
int recompute_paced_check(PGconn *pg, const score_engine *eng, const recompute_paced_src *src, rc_contest *c,
			  rc_report *rep, char *err, size_t n);

#endif
