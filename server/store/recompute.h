/*
 * recompute.h - results anyone can recompute (recompute.c, recompute_pg.c).
 *
 * From the stored answers only (each answer's canonical response, its
 * response time as it was scored, the question as stored) and the upheld
 * corrections of appeals, every answer's points are derived again through
 * the scoring engine (plugins included), then each participant's total,
 * the time the total was reached and the streak, the ranking (results
 * library, the contest's tie-break order) and the award tiers (the
 * contest's "awards"). Then it is compared with what is stored: the answers'
 * points, the participants' totals, the Redis board, contest_results and
 * the latest published release. Every difference names the participant and
 * the question.
 *
 *   recompute.c          the core, pure: rescoring, ranking, comparisons,
 *                        the report (unit-tested: tests/unit/test_recompute.c)
 *   recompute_paced.c    the same for self-paced contests (exam, mass,
 *                        practice: recompute_paced.h), pure
 *   recompute_pg.c       the data: read from PostgreSQL and Redis (blocking
 *                        libpq and hiredis: the command line, or libuv's
 *                        thread pool), corrections written back in one
 *                        transaction
 *   recompute_paced_pg.c the data of self-paced contests
 *
 * Ownership: an rc_contest owns everything in it (rc_contest_release); a
 * report owns its differences (rc_report_release).
 */
#ifndef SKILLARENA_STORE_RECOMPUTE_H
#define SKILLARENA_STORE_RECOMPUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "results.h"
#include "scoring.h"

#define RC_NONE INT64_MIN

typedef struct rc_question {
	char *qid;
	cJSON *def;         /* as stored, key corrections applied; owned */
	score_question *q;  /* compiled with the contest's rules; owned (NULL: it does not compile) */
	int64_t limit_ms;   /* stored time limit */
	int64_t max_milli;  /* stored maximum */
	int64_t override_n; /* mark corrections naming it */
} rc_question;

typedef struct rc_answer {
	int64_t pid;
	int qidx;
	char *response;         /* canonical, as stored; owned */
	int64_t points_milli;   /* stored */
	int correctness;        /* stored */
	int64_t response_ms;    /* as scored (credit for the network already taken off) */
	int64_t reached_ds;     /* the time its participant's total reached with it, deciseconds */
	int64_t override_milli; /* a corrected mark, RC_NONE when none */
	/* recomputed: */
	int64_t new_points;
	int new_correctness;
	int new_streak;
	const char *bad; /* why it cannot be scored again (NULL: scored) */
} rc_answer;

typedef struct rc_participant {
	int64_t id;
	char *name, *employee_no, *unit;         /* owned; employee_no may be NULL */
	int64_t score_milli, reached_ds, streak; /* stored */
	bool removed;                            /* off every board (fair play) */
	size_t first, n;                         /* its answers: as[first .. first+n), by question */
	/* recomputed: */
	int64_t new_score, new_reached_ds, time_ms;
	int new_streak, correct, wrong;
} rc_participant;

/* A stored ranking row (contest_results, or a release's). tier RC_TIER_ANY: not compared. */
#define RC_TIER_ANY (-100)
typedef struct rc_row {
	int64_t place, rank, pid, score_milli;
	bool tied;
	int tier;
} rc_row;

/* A member of the Redis board: its participant (-1: a member no server writes) and score. */
typedef struct rc_member {
	int64_t pid;
	double z;
} rc_member;

/* The contest's mode ("mode" of its definition). */
enum { RC_LIVE, RC_EXAM, RC_PRACTICE, RC_MASS };

typedef struct rc_contest {
	int64_t id, epoch;
	char *code;
	int mode; /* RC_LIVE ... */
	score_tiebreak tb;
	results_awards awards;
	bool has_awards;
	double pass_mark; /* percent, < 0 when none */
	rc_question *qs;
	int nq;
	rc_participant *ps;
	size_t np, pcap;
	rc_answer *as;
	size_t na, acap;
	int64_t max_milli;
	/* the ranking recomputed (rc_rescore): places[i].entry indexes ps */
	results_entry *entries;
	results_place *places;
} rc_contest;

void rc_contest_release(rc_contest *c);

/* Appends a participant / an answer (copies the text). 0 or -1 (out of memory). */
int rc_add_participant(rc_contest *c, int64_t id, const char *name, const char *emp, const char *unit,
		       int64_t score, int64_t reached_ds, int64_t streak, bool removed);
int rc_add_answer(rc_contest *c, int64_t pid, int qidx, const char *response, int64_t points, int correctness,
		  int64_t response_ms, int64_t reached_ds);
/* Once everything is added: participants in id order, each with its answers in
 * question order. Returns how many answers name no participant (never scored). */
int rc_link(rc_contest *c);

/*
 * Applies one upheld correction (an appeal's "correction" object):
 *   {"question_id": "q3", "answer": ...}       the question's key (its "answer") changed
 *   {"question_id": "q3", "participant_id": 12, "points": 2.5}   one answer's mark
 * Key corrections go before rc_compile, marks after the answers are added.
 * 0, or -1 with why in err (an unknown question or participant, a bad value).
 */
int rc_correct_key(rc_contest *c, const cJSON *corr, char *err, size_t n);
int rc_correct_mark(rc_contest *c, const cJSON *corr, char *err, size_t n);
/* Checks a correction's shape against the contest (question, participant, an answer to correct). */
int rc_correction_check(const rc_contest *c, const cJSON *corr, char *err, size_t n);

/* Compiles every question with the contest's rules (the "scoring" object). */
int rc_compile(rc_contest *c, const score_engine *eng, const cJSON *rules, char *err, size_t n);

/*
 * Scores every answer again, participant by participant in question order
 * (the streak goes on from answer to answer as it did live), adds up the
 * totals, ranks (results_rank) and gives the award tiers. 0, or -1 (out of
 * memory, or the ranking refused its data: err).
 */
int rc_rescore(rc_contest *c, char *err, size_t n);
/* The ranking and awards alone, from each participant's new_score,
 * new_reached_ds, time_ms, correct and wrong (rc_rescore ends with it). */
int rc_rank(rc_contest *c, char *err, size_t n);

/* The response whose canonical form is text (a JSON value, or a list "0,2"
 * as [0,2]), checked by giving the same canonical form again; NULL when
 * none does. The caller frees it. */
cJSON *rc_reread(const score_question *q, const char *text);
/* The participant with this id, or NULL. */
const rc_participant *rc_participant_of(const rc_contest *c, int64_t pid);

/* The report: every difference found. */
typedef struct rc_diff {
	char *what;     /* "answer.points", "participant.total", "board", "results.rank", ... */
	int64_t pid;    /* -1: none */
	char *name;     /* the participant's name, or NULL */
	int attempt_no; /* the attempt (exam, mass), 0: none */
	char *qid;      /* the question, or NULL */
	char *where;    /* a day board, a unit ("day 2026-12-07", "unit 公司/一分厂 overall"), or NULL */
	char *stored;   /* as stored */
	char *computed; /* as recomputed */
} rc_diff;

typedef struct rc_report {
	rc_diff *d;
	size_t n, cap;
	int oom;
	/* what was compared */
	size_t answers, participants, board, results, release;
	size_t attempts, days, units, practice, notebook; /* self-paced (recompute_paced.c) */
	int64_t revision;                                 /* the release compared, 0: none */
	const char *skipped[4]; /* what could not be compared, and why (static text) */
	int nskipped;
} rc_report;

void rc_report_release(rc_report *r);
void rc_report_skip(rc_report *r, const char *why);
/* One difference (the texts copied; p, qid and where may be NULL, attempt_no 0). */
void rc_report_add(rc_report *r, const char *what, const rc_participant *p, int attempt_no, const char *qid,
		   const char *where, const char *stored, const char *computed);
/* Milli-points as text: 1.5, -2, 0.967. */
void rc_points_text(int64_t m, char *buf, size_t n);
/* A board score as text: "12.5 at 34 ds" (points, time reached in deciseconds). */
void rc_z_text(double z, char *buf, size_t n);

/* Comparisons (after rc_rescore). */
void rc_compare_answers(const rc_contest *c, rc_report *r);
void rc_compare_participants(const rc_contest *c, rc_report *r);
/* The Redis board: every participant not removed must be there with its recomputed score. */
void rc_compare_board(const rc_contest *c, const rc_member *m, size_t n, rc_report *r);
/* A stored ranking (what: "results" or "release"), by place. */
void rc_compare_rows(const rc_contest *c, const char *what, const rc_row *rows, size_t n, rc_report *r);

/* The ranking recomputed as rows (place order); *out malloc'ed with c->np rows. */
int rc_rows(const rc_contest *c, rc_row **out);

/* One line per difference, then a summary line. */
void rc_report_print(const rc_contest *c, const rc_report *r, FILE *fp);
cJSON *rc_report_json(const rc_contest *c, const rc_report *r);

#endif
