/*
 * release.h - the publication of a contest's results (release.c): a
 * provisional revision for its public notice (公示), the final one, and the
 * decision of an appeal whose correction goes through recompute
 * (store/recompute_pg.h) and is published as the next revision. Tables:
 * server/sql/060_results.sql. Blocking libpq: libuv's thread pool only
 * (api/release.c), never the loop.
 *
 * Every function takes a conninfo and a contest code, makes its own connection and works in
 * one transaction under a per-contest advisory lock, so that two processes
 * (or two organizers) never publish the same revision twice. Returns 0 or
 * an SA_E_* code with what went wrong in err (a message for the person
 * asking, in English; api/release.c says it in zh-CN too).
 */
#ifndef SKILLARENA_STORE_RELEASE_H
#define SKILLARENA_STORE_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scoring.h"

/* Why a step was refused (SA_E_BAD_STATE / SA_E_CONFLICT / SA_E_INVALID_FIELD): a stable name. */
typedef enum {
	RELEASE_OK = 0,
	RELEASE_NOT_FINISHED, /* the contest has not ended */
	RELEASE_NONE,         /* nothing published yet */
	RELEASE_FINAL,        /* the latest revision is final already */
	RELEASE_NOTICE,       /* the notice period has not ended (finalize without force) */
	RELEASE_OPEN_APPEALS, /* appeals are still open */
	RELEASE_DECIDED,      /* the appeal was decided already */
	RELEASE_CORRECTION,   /* the correction does not fit the contest (err says why) */
} release_why;

typedef struct release_out {
	int64_t revision;      /* the revision published or finalized */
	char notice_until[40]; /* ISO 8601 (UTC) */
	int64_t participants;
	int open_appeals; /* RELEASE_OPEN_APPEALS: how many */
	release_why why;
	/* an upheld correction: answers changed, and the participants whose board entry moved */
	int changed_answers;
	bool unpublished; /* the correction is committed but its revision could not be published */
	size_t nmoved;
	struct release_moved {
		int64_t pid, score_milli, reached_ds;
	} * moved; /* malloc'ed; free() */
} release_out;

/*
 * Publishes the contest's current ranking (contest_results, made current
 * first by ranking_build) as revision latest + 1, provisional until
 * now + notice_days, with award tiers (the contest's "awards") and names
 * masked as mask says ({"keep_last", "fixed", "id_keep", "show_employee_no"};
 * NULL: the defaults of results_mask_default, employee numbers shown masked).
 * account: who publishes (0: none). SA_E_BAD_STATE (NOT_FINISHED), SA_E_NOT_FOUND.
 */
int release_publish(const char *conninfo, const char *code, int notice_days, const cJSON *mask,
		    int64_t account, release_out *out, char *err, size_t n);

/*
 * Makes the latest revision final: after its notice_until, or at once with
 * force; never while an appeal is open. SA_E_BAD_STATE with out->why.
 */
int release_finalize(const char *conninfo, const char *code, bool force, int64_t account, release_out *out,
		     char *err, size_t n);

/*
 * Decides appeal id of the contest: "upheld" or "dismissed" with reply;
 * an upheld appeal's correction (a JSON object, or NULL) is stored with it
 * and applied through recompute (eng: the server's scoring engine): the
 * answers' points and the totals written, the ranking computed again and
 * published as the next provisional revision (the notice period of the
 * latest). SA_E_NOT_FOUND, SA_E_CONFLICT (DECIDED), SA_E_INVALID_FIELD
 * (CORRECTION, err says why), SA_E_BAD_STATE (NONE or FINAL).
 */
int release_decide(const char *conninfo, const score_engine *eng, const char *code, int64_t appeal_id,
		   const char *decision, const char *reply, const cJSON *correction, int64_t account,
		   release_out *out, char *err, size_t n);

#endif
