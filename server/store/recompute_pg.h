/*
 * recompute_pg.h - a recomputation's data (recompute_pg.c): read from
 * PostgreSQL (and Redis), corrected scores written back. Blocking libpq and
 * hiredis: the command line or libuv's thread pool, never the loop.
 */
#ifndef SKILLARENA_STORE_RECOMPUTE_PG_H
#define SKILLARENA_STORE_RECOMPUTE_PG_H

#include <libpq-fe.h>

#include "core/config.h"
#include "store/recompute.h"

typedef struct recompute_opts {
	const char *redis;          /* host:port[/db]; NULL or "": the board is not compared */
	const char *redis_password; /* NULL or "": none */
	const char *redis_prefix;   /* "sa:" */
	const char *bank_dir;       /* an uploaded self-paced contest's banks: --bank-dir, else the first
				       --contests directory (as live/load.c); NULL: "." */
} recompute_opts;

/*
 * Loads contest code (a live contest) with its questions, upheld
 * corrections, participants and answers into c, and rescores it
 * (rc_rescore): the path of an upheld correction (store/release.c). 0, or
 * SA_E_NOT_FOUND, SA_E_BAD_STATE (a self-paced contest),
 * SA_E_INVALID_FIELD (a row or a correction that cannot be read),
 * SA_E_UNAVAILABLE, SA_E_INTERNAL; why in err. Release c in any case.
 */
int recompute_load(PGconn *pg, const score_engine *eng, const char *code, rc_contest *c, char *err, size_t n);

/*
 * Every comparison into rep (the boards only with o): a live contest as
 * recompute_load loads it; an exam, mass or practice contest through
 * recompute_paced_pg.c (attempts, day boards, units, practice answers and
 * notebooks), then, but for practice, its participants, board and rankings.
 */
int recompute_check(PGconn *pg, const score_engine *eng, const char *code, const recompute_opts *o,
		    rc_contest *c, rc_report *rep, char *err, size_t n);

/*
 * Writes what rc_rescore recomputed where it differs from what is stored:
 * answers' points and correctness (*changed counts them), participants'
 * totals, times and streaks; the stored ranking (contest_results) becomes
 * stale. In the caller's transaction. 0 or SA_E_UNAVAILABLE.
 */
int recompute_apply(PGconn *pg, const rc_contest *c, int *changed, char *err, size_t n);

/*
 * skillarena recompute CODE [--json]: every difference on stdout (one line
 * each, or a JSON report), 0 when there is none, 1 when there is, 2 when
 * the contest cannot be recomputed (why on stderr).
 */
int recompute_command(const sa_config *cfg, const score_engine *eng, int argc, char **argv);

#endif
