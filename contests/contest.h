/*
 * contest.h - contest definitions: load, validate, expand (public header).
 *
 * A contest file (contests/*.json, docs/contests.md) is read, validated in
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

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scoring.h"

#ifdef __cplusplus
extern "C" {
#endif

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
	char *id;              /* stable within the contest: "q1" */
	cJSON *def;            /* the question object as played (text, options, ...); owned */
	score_question *compiled;
	int64_t time_limit_ms;
} contest_question;

typedef struct contest_def {
	char *code;            /* upper-case, [A-Z0-9]{4,16} */
	cJSON *title;          /* language map {"zh-CN": ..., "en": ...}; owned */
	char *mode;            /* "live", "exam" or "practice" */
	cJSON *root;           /* the whole validated definition; owned */
	contest_question *questions;
	size_t nquestions;
} contest_def;

/*
 * Loads and validates one contest file. Question banks it draws from are
 * resolved relative to the file. lang ("zh-CN" or "en") chooses the language
 * of the messages. Returns 0 and *out, or -1 with every problem in *diag.
 */
int contest_load(const char *path, const score_engine *eng, const char *lang,
		 contest_def **out, contest_diag *diag);
void contest_free(contest_def *c);

#ifdef __cplusplus
}
#endif
#endif
