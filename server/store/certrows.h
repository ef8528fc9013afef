/*
 * certrows.h - the final ranking certificates are issued from (certrows.c),
 * read through this one function so that the source can change in one place.
 *
 * Today: the rows of the latest `final` revision of result_release_rows when
 * that table exists (results lifecycle, migration 060), else the ranking
 * cache contest_results (030) with award tiers from the contest's `awards`
 * by results_awards_assign (revision 0). Blocking libpq: the thread pool only.
 *
 * Ownership: certrows_release frees every string of every row.
 */
#ifndef SKILLARENA_STORE_CERTROWS_H
#define SKILLARENA_STORE_CERTROWS_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

typedef struct certrow {
	int64_t participant_id;
	char *name, *employee_no, *unit; /* employee_no may be NULL */
	int64_t score_milli;
	int rank;       /* 1-based, shared by tied participants */
	int award_tier; /* >= 0: an award tier (0 the first); -2 participation tier; -1 none */
	char *award;    /* the tier's zh-CN name, NULL when none */
} certrow;

typedef struct certrows {
	int revision; /* the release revision the rows come from; 0: contest_results */
	certrow *rows;
	size_t n;
} certrows;

/*
 * The final ranking of contest id in place order: 0, or SA_E_BAD_STATE (no
 * final ranking: the contest is not finished), SA_E_UNAVAILABLE,
 * SA_E_INTERNAL, with why in err. The caller made contest_results current
 * first (ranking_build) when there are no releases.
 */
int certrows_fetch(PGconn *pg, int64_t contest_id, certrows *out, char *err, size_t errlen);
void certrows_release(certrows *r);

#endif
