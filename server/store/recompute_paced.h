/*
 * recompute_paced.h - `skillarena recompute` for self-paced contests
 * (recompute_paced.c: pure, no I/O; its data from recompute_paced_pg.c).
 *
 *   exam, mass  per attempt: the paper drawn again from the contest and the
 *               participant's key (contest_paper_draw) must be the stored
 *               paper and seed; the day (the contest's time zone) and the
 *               deadline follow from the start; each question's final answer
 *               is the change with the highest number received before the
 *               attempt ended (answer_changes; later ones never count),
 *               scored again by the engine on the pool question and compared
 *               with attempt_answers; the attempt's score, correct, answered
 *               and duration. Per participant the counted attempt (the best,
 *               ties by the shorter duration then the lower number, or the
 *               last) gives the total and time (duration / 100 ms) that the
 *               ranking, the Redis board and the releases are compared with
 *               (recompute.c). Mass contests: each day's best per participant
 *               against the day board in Redis and its attempt count, and the
 *               units (participants and the sum of their counted scores,
 *               rolled up the unit tree) against what the server's own query
 *               gives, overall and per day
 *   practice    each practice answer scored again; the wrong-answer notebook
 *               of every worker who practised here derived again from their
 *               whole practice history (every contest, in time order: in at a
 *               wrong or partial answer, out after leave_after right ones in a
 *               row) and compared with wrong_book
 *
 * Ownership: an rc_paced owns its definition, pool, time zone and every row
 * added (rc_paced_release). Differences go into an rc_report (recompute.h).
 */
#ifndef SKILLARENA_STORE_RECOMPUTE_PACED_H
#define SKILLARENA_STORE_RECOMPUTE_PACED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contest.h"
#include "results.h"
#include "store/recompute.h"

/* One stored change of an answer (answer_changes). */
typedef struct rc_change {
	int64_t aid;
	int idx, change;
	char *response; /* canonical, NULL: cleared; owned */
	int64_t rcv_ms;
} rc_change;

/* The stored current answer of a question (attempt_answers). */
typedef struct rc_current {
	int64_t aid;
	int idx, change;
	char *response; /* NULL: cleared; owned */
	int64_t points;
	int correctness;
} rc_current;

typedef struct rc_attempt {
	int64_t id, pid;
	int no;
	char status; /* 'o' open, 's' submitted, 'e' expired */
	char day[11];
	int64_t started_ms, deadline_ms, submitted_ms, duration_ms; /* RC_NONE: NULL */
	char *paper, *seed;                                         /* stored text, NULL when none; owned */
	int64_t count, max_milli, score_milli, correct, answered;
	/* recomputed */
	char new_day[11];
	int64_t new_score, new_duration;
	int new_correct, new_answered;
	bool scored; /* its stored paper could be read and scored */
} rc_attempt;

/* One practice answer of this contest. */
typedef struct rc_practice {
	int64_t pid;
	char *worker, *serve, *qkey, *qid, *category, *response; /* owned */
	int64_t points, at;
	int correctness;
	/* recomputed */
	int64_t new_points;
	int new_correctness;
	const char *bad; /* why it cannot be scored again */
} rc_practice;

/* A practice answer of the same workers in another contest: the notebook's history. */
typedef struct rc_event {
	char *worker, *qkey, *qid, *category, *serve; /* owned */
	int64_t cid, at;
	int correctness, leave;
} rc_event;

/* A stored notebook entry (wrong_book). */
typedef struct rc_book {
	char *worker, *qkey, *qid, *category; /* owned */
	int64_t cid, wrong, streak, added, last_wrong, last_seen;
} rc_book;

/* What the server's unit query gives for one unit path: participants and the sum of their scores. */
typedef struct rc_unit_sum {
	char *path; /* as stored (normalized when rolled up); owned by the caller */
	int64_t n, sum;
} rc_unit_sum;

typedef struct rc_paced {
	contest_def *def;
	contest_pool *pool;
	results_tz *tz;
	struct rc_pool_id *by_id; /* pool questions in id order */
	rc_attempt *at;
	size_t nat, capat;
	rc_change *ch;
	size_t nch, capch;
	rc_current *cur;
	size_t ncur, capcur;
	rc_practice *pr;
	size_t npr, cappr;
	rc_event *ev;
	size_t nev, capev;
	rc_book *bk;
	size_t nbk, capbk;
} rc_paced;

/* Takes def, pool and tz (freed by rc_paced_release, also on failure). 0 or -1 (out of memory). */
int rc_paced_open(rc_paced *s, contest_def *def, contest_pool *pool, results_tz *tz);
void rc_paced_release(rc_paced *s);

/* Rows as read (the texts copied). 0 or -1 (out of memory). */
int rc_paced_add_attempt(rc_paced *s, const rc_attempt *a);
int rc_paced_add_change(rc_paced *s, int64_t aid, int idx, int change, const char *response, int64_t rcv_ms);
int rc_paced_add_current(rc_paced *s, int64_t aid, int idx, int change, const char *response, int64_t points,
			 int correctness);
int rc_paced_add_practice(rc_paced *s, const rc_practice *p);
int rc_paced_add_event(rc_paced *s, const rc_event *e);
int rc_paced_add_book(rc_paced *s, const rc_book *b);

/* The pool question with this id, -1 when none. */
int rc_paced_find(const rc_paced *s, const char *id);
/* The day of ms in the contest's time zone, "YYYY-MM-DD". */
void rc_paced_day(const rc_paced *s, int64_t ms, char day[11]);

/*
 * Exam and mass: every attempt derived again and compared (attempts and
 * answers into r), then each participant's new_score and new_reached_ds set
 * from the counted attempt (rc_rank ranks them). 0, or -1 (out of memory).
 */
int rc_paced_attempts(rc_contest *c, rc_paced *s, const score_engine *eng, rc_report *r);

/* The days with an ended attempt (recomputed), in order; *days malloc'ed. 0 or -1. */
int rc_paced_days(const rc_paced *s, char (**days)[11], size_t *n);
/* A mass contest's day board in Redis (every member, and its attempt count; attd < 0: none). */
void rc_paced_compare_day(const rc_contest *c, const rc_paced *s, const char *day, const rc_member *m,
			  size_t n, int64_t attd, rc_report *r);
/*
 * A mass contest's units on day (NULL: overall): stored[0..ns) as the
 * server's query gives them, against the same derived from the recomputed
 * attempts, each participant under unit_of[i] (c->ps order; NULL or "": no
 * unit), both rolled up the tree of the roster ro[0..nro) (none: only the
 * paths participants count under).
 */
void rc_paced_compare_units(const rc_contest *c, const rc_paced *s, const results_roster_row *ro, size_t nro,
			    const char *const *unit_of, const char *day, const rc_unit_sum *stored, size_t ns,
			    rc_report *r);

/* Practice: every answer scored again, every notebook entry derived again. 0 or -1 (out of memory). */
int rc_paced_practice(const rc_contest *c, rc_paced *s, rc_report *r);

#endif
