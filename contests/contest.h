/*
 * contest.h - contest definitions: load, validate, expand (public header).
 *
 * A contest file (contests/NAME.json, docs/contests.md) is read, validated in
 * full (every problem reported at once, each with file, JSON path and reason)
 * and expanded into the ordered list of questions a live contest plays.
 * Every question is compiled by the scoring engine at load time, so a question
 * that cannot be scored is refused here and never when a player answers.
 *
 * Ownership: contest_load() returns a contest_def freed by contest_free();
 * everything it points to is owned by it. A contest_diag is freed by
 * contest_diag_free().
 */
#ifndef SKILLARENA_CONTEST_H
#define SKILLARENA_CONTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "scoring.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes of the functions below that return an int. */
enum contest_rc {
	CONTEST_OK = 0,
	CONTEST_E_INVALID = -1, /* the input has problems, every one of them in the diag */
	CONTEST_E_NOMEM = -2,   /* memory ran out: nothing was loaded (the diag may be partial) */
};
/* "ok", "invalid input", "out of memory" in lang ("zh-CN" or "en"). */
const char *contest_strerror(int rc, const char *lang);

/*
 * The library's allocator, for tests that fail allocations on purpose (as
 * SQLite's SQLITE_CONFIG_MALLOC and curl's torture tests): malloc_fn and
 * realloc_fn must return memory free() releases; NULL restores malloc and
 * realloc. cJSON allocates through its own hooks (cJSON_InitHooks). It is
 * process-wide: set it before any other call, never while loads run.
 */
void contest_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t));

/* One problem found while loading: "file", JSON path ("$.questions[3].answer"), reason. */
typedef struct contest_problem {
	char *file;
	char *path;
	int line; /* for text formats (GIFT, Aiken, CSV); 0 when it does not apply */
	int column;
	char *message;
} contest_problem;

typedef struct contest_diag {
	contest_problem *items;
	size_t count, cap;
} contest_diag;

void contest_diag_free(contest_diag *d);
/* Prints every problem as "file:line:col: path: message" (or "file: path: message"). */
void contest_diag_print(const contest_diag *d, FILE *fp);

typedef struct contest_question {
	char *id;   /* stable within the contest: "q1" */
	cJSON *def; /* the question object as played (text, options, ...); owned */
	score_question *compiled;
	int64_t time_limit_ms;
	/* added by contests/: */
	int stage; /* index in contest_def.stages */
} contest_question;

/* A stage of the contest (theory, practical, ...); a file without "stages" has one, "main". */
typedef struct contest_stage {
	char *id;
	const cJSON *title;    /* language map inside root */
	const char *kind;      /* "quiz" (answered on phones) or "judged" (scored by judges) */
	double weight;         /* percent of the final score; the stages add up to 100 */
	int64_t time_limit_ms; /* default time limit per question in this stage */
	int64_t duration_ms;   /* time allowed for the whole stage, 0 when not limited */
	size_t first, count;   /* its items: questions[first..] for quiz, tasks[first..] for judged */
	int round;             /* index in contest_def.rounds, -1 when the contest has none */
	struct contest_blueprint *paper; /* drawn from banks, NULL when its questions are inline */
} contest_stage;

/* An award tier: by rank the next `count` ranks, by score from `min_percent` up. */
typedef struct contest_award_tier {
	const cJSON *name;  /* language map inside root */
	int count;          /* by rank */
	double min_percent; /* by score */
} contest_award_tier;

/* A round: a qualifying round lets its top N (and everyone tied with the N-th) advance. */
typedef struct contest_round {
	char *id;
	const cJSON *title; /* language map inside root */
	int advance_top;    /* 0 for the final round */
} contest_round;

typedef struct contest_def {
	char *code;   /* upper-case, [A-Z0-9]{4,16} */
	cJSON *title; /* language map {"zh-CN": ..., "en": ...}; owned */
	char *mode;   /* "live", "exam", "practice" or "mass" */
	cJSON *root;  /* the whole validated definition; owned */
	contest_question *questions;
	size_t nquestions;
	/* added by contests/: */
	contest_question *tasks; /* items of judged stages (never played on phones) */
	size_t ntasks;
	contest_stage *stages;
	size_t nstages;
	contest_round *rounds;
	size_t nrounds;
	double pass_mark;      /* percent of the maximum score, -1 when none */
	double credits, hours; /* training record: credits (学分), hours (学时); -1 when not given */
	char *seed;            /* seed of the draws ("seed" of a paper, else the code) */
	struct contest_banks *banks; /* banks the papers draw from (internal) */
	int64_t starts_at, ends_at;  /* Unix seconds, 0 when not given */
	int64_t opens_at, closes_at; /* exam window, Unix seconds, 0 when none */
	int64_t duration_ms;         /* exam: time per participant, 0 when none */
	bool leaderboard_individual, leaderboard_team, leaderboard_unit;
	/* "feedback": points shown at once (training quizzes) instead of at the reveal */
	bool feedback_instant;
	const char *awards_by; /* "rank", "score" or NULL when no awards */
	bool awards_require_pass;
	contest_award_tier *awards;
	size_t nawards;
	/* self-paced modes ("attempts": exam and mass; "notebook": practice) */
	int attempts_max;         /* attempts in all, 0: no limit (exam: 1 by default) */
	int attempts_per_day;     /* attempts a day, 0: no limit (mass: 3 by default) */
	bool attempts_last;       /* the last attempt counts (default: the best) */
	const char *show_results; /* "submit" (default), "window" or "never" */
	bool show_key;            /* results show the key and explanations (default true) */
	bool show_score;          /* the score is shown at once even when results wait (default false) */
	char *time_zone;          /* IANA name where days begin ("Asia/Shanghai" by default) */
	int notebook_leave_after; /* right answers in a row that take a question out (default 2) */
} contest_def;

/* Options of a load; a zeroed struct is the default. */
typedef struct contest_load_opts {
	const char *lang; /* language of the problems: "zh-CN" (default) or "en" */
	/*
	 * The directory the contest's banks must come from: set it for a
	 * contest that arrives from outside (an upload, PostgreSQL's copy of
	 * one). Bank paths are then relative to it, and a path that is
	 * absolute, leaves it ("../", a symbolic link pointing out) or names
	 * no file in it is refused with one message, the same whether or not
	 * such a file exists. NULL: paths are relative to the contest file
	 * (files the operator installs), only absolute ones are refused.
	 */
	const char *bank_root;
	/*
	 * Banks that are not files (the server's console keeps its banks in
	 * PostgreSQL): when set, every name a contest's "banks" gives
	 * ("banks": {"elec": "elec-2026"}) is asked of bank_resolve, and
	 * bank_root is not used. It returns 0 with the bank's native JSON text
	 * in *json (borrowed: it stays valid until the load returns) and its
	 * length in *len, or -1 when no bank has that name. Problems inside a
	 * bank name it by that name. Called on the loading thread only.
	 */
	int (*bank_resolve)(void *ud, const char *name, const char **json, size_t *len);
	void *bank_ud;
} contest_load_opts;

/*
 * Loads and validates one contest: from data[0..len) when data is not
 * NULL (name is shown in problems and, without a bank root, locates the
 * banks), else from the file name. Returns CONTEST_OK and *out, or
 * CONTEST_E_INVALID with every problem in *diag (diag may be NULL), or
 * CONTEST_E_NOMEM; *out is NULL on failure.
 */
int contest_load_v2(const char *name, const char *data, size_t len, const score_engine *eng,
		    const contest_load_opts *opts, contest_def **out, contest_diag *diag);
/* contest_load_v2() of a file, or of memory, with the default options but lang. */
int contest_load(const char *path, const score_engine *eng, const char *lang, contest_def **out,
		 contest_diag *diag);
int contest_load_mem(const char *name, const char *data, size_t len, const score_engine *eng,
		     const char *lang, contest_def **out, contest_diag *diag);
void contest_free(contest_def *c);

/*
 * How many of n participants, ranked by score (scores[0] highest, sorted
 * descending), advance when the top `top` do: everyone tied with the top-th
 * score advances too. Returns n when n <= top, 0 when top is 0.
 */
size_t contest_advancing(const int64_t *scores_desc, size_t n, size_t top);

/* Whether a final percent (0-100 of the maximum weighted score) passes; true without a pass mark. */
bool contest_passed(const contest_def *c, double percent);

/*
 * The award tier of a participant: rank is 1-based competition rank (tied
 * participants share the best rank, so a tie across a boundary gets the
 * better tier), percent the final percent. Returns the tier index, or -1 for
 * none (no awards, below the last tier, or failed when awards require a pass).
 */
int contest_award(const contest_def *c, size_t rank, double percent);

/*
 * One participant's paper: the questions drawn for them from the banks by the
 * contest's blueprints (with question and option order shuffled when asked),
 * followed by the inline questions of the other stages. The draw depends on
 * the contest seed and the participant key only (xoshiro256** seeded through
 * splitmix64, docs/contests.md), so it is the same on every machine and run.
 * For a contest without per-participant papers every key gets the same paper,
 * equal to contest_def.questions.
 */
typedef struct contest_paper {
	uint64_t seed;               /* the 64-bit seed the draw used */
	contest_question *questions; /* owned */
	size_t nquestions;
} contest_paper;

/* Returns 0 and *out, SCORE_E_NOMEM, or SCORE_E_DEFINITION with *err (malloc'ed) saying why. */
int contest_paper_draw(const contest_def *c, const score_engine *eng, const char *participant,
		       contest_paper **out, char **err);
void contest_paper_free(contest_paper *p);

/*
 * The question pool of a contest: every question a paper of it may hold,
 * each once: the inline questions of its quiz stages (ids as given) and
 * every candidate of every drawing rule (ids "<bank alias>.<question id>",
 * as contest_paper_draw names them), unshuffled, compiled with the
 * contest's scoring rules. Self-paced play serves papers and practice
 * questions from it (a drawn paper names its questions by these ids).
 */
typedef struct contest_pool_item {
	contest_question q;          /* id, def (unshuffled; owned), compiled, time limit, stage */
	const char *bank;            /* the bank's own "id" ("safety-basics"); NULL for inline questions */
	const char *qid;             /* the question's id in its bank (inline: q.id) */
	const char *category;        /* its bank category id, "" when none */
	const cJSON *category_title; /* the bank's title of that category, NULL when none */
} contest_pool_item;

typedef struct contest_pool {
	contest_pool_item *items; /* owned */
	size_t n;
} contest_pool;

/* 0 and *out (free with contest_pool_free), or a SCORE_E_* code: a
 * question that no longer compiles (a message in *err, malloc'ed), or
 * SCORE_E_NOMEM. */
int contest_pool_build(const contest_def *c, const score_engine *eng, contest_pool **out, char **err);
void contest_pool_free(contest_pool *p);

#ifdef __cplusplus
}
#endif
#endif
