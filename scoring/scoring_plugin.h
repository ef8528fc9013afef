/*
 * scoring_plugin.h - the scorer interface: how a question type plugs into
 * the scoring engine (built-in types and third-party plugins alike).
 *
 * A scorer is one `const score_type` (SQLite-module style): the ABI version
 * comes first so the engine can refuse a plugin built against another layout
 * before it touches anything else. The engine allocates `state_size` zeroed
 * bytes per compiled question (curl-TLS-backend style) and hands them to
 * every call.
 *
 * Life of a question:
 *   compile(state, question, &err)   at contest load; checks the definition in
 *                                    full; may allocate inside state
 *   validate(state, response)        shape and ranges of one response
 *   score(state, response, ...)      only after validate said SCORE_OK; pure:
 *                                    no I/O, no globals, no allocation
 *   public_fields / reveal / canonical / options   as in scoring.h
 *   release(state)                   frees what compile allocated; also called
 *                                    after a failed compile (state partial)
 *
 * The type computes *credit*, a fraction num/den of the question's points
 * (den > 0, -den <= num <= den). Points, weights, the time factor, negative
 * marking and streaks are the engine's (scoring.h, docs/scoring.md), so every
 * type gets them alike.
 *
 * A plugin is a shared object exporting
 *     const score_type skillarena_scorer = { SCORE_ABI_VERSION, "mytype", ... };
 * placed in the plugins directory (docs/scoring.md, scoring/plugins/keywords).
 * It may compile scoring/normalize.c and scoring/util.c into itself for the
 * helpers declared at the end of this header.
 */
#ifndef SKILLARENA_SCORING_PLUGIN_H
#define SKILLARENA_SCORING_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "scoring.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever score_type or score_outcome changes layout or meaning. */
#define SCORE_ABI_VERSION 1

/* Name of the symbol a plugin exports (a const score_type). */
#define SCORE_PLUGIN_SYMBOL "skillarena_scorer"

/* score_type.flags */
#define SCORE_TYPE_UNTIMED 0x1u /* the time factor never applies (judged tasks) */

/* What a type's score() returns. */
typedef struct score_outcome {
	int64_t num, den;              /* credit = num/den; den > 0; -den <= num <= den */
	score_correctness correctness; /* CORRECT only when num == den */
	int blank;                     /* nothing was answered: no wrong-answer penalty */
	char feedback[192];            /* short UTF-8 text for after the reveal, or "" */
} score_outcome;

typedef struct score_type {
	int abi_version;     /* SCORE_ABI_VERSION, always first */
	const char *type;    /* "single_choice": [a-z0-9_]{1,32} */
	const char *version; /* the scorer's own version, "1.0.0" */
	size_t state_size;   /* bytes of compiled state the engine allocates (zeroed) */

	/* Compiles the definition into state. Returns SCORE_OK or
	 * SCORE_E_DEFINITION / SCORE_E_NOMEM with *err = malloc'ed message
	 * naming the field ("answer: index 4 is out of range for 4 options"). */
	int (*compile)(void *state, const cJSON *question, char **err);
	/* SCORE_OK, SCORE_E_RESPONSE (shape) or SCORE_E_RANGE (an index). */
	int (*validate)(const void *state, const cJSON *response);
	/* Scores a validated response; lang is "en" or "zh-CN" (feedback). */
	int (*score)(const void *state, const cJSON *response, const char *lang, score_outcome *out);
	/* Adds the public fields ("options", "items", ...) to obj; SCORE_OK or SCORE_E_NOMEM. */
	int (*public_fields)(const void *state, cJSON *obj);
	/* The correct answer, same shape as the definition's "answer"; NULL on no memory. */
	cJSON *(*reveal)(const void *state);
	/* Canonical text of a validated response (malloc'ed); NULL on no memory. */
	char *(*canonical)(const void *state, const cJSON *response);
	/* Frees what compile allocated inside state (not state itself). May be NULL. */
	void (*release)(void *state);

	/* Optional (may be NULL): */
	/* Option indexes a validated response picks (reveal distribution). */
	int (*options)(const void *state, const cJSON *response, int *idx, int max);
	/* Number of options (distribution size). */
	int (*noptions)(const void *state);
	/* Points of the question when neither it nor the contest sets "points"
	 * (a judged rubric's total), in milli-points; <= 0 means "no opinion". */
	int64_t (*natural_points_milli)(const void *state);
	unsigned flags; /* SCORE_TYPE_* */
} score_type;

/* The built-in types, registered by score_engine_new (types/ *.c). */
extern const score_type score_type_single_choice;
extern const score_type score_type_multiple_choice;
extern const score_type score_type_true_false;
extern const score_type score_type_numeric;
extern const score_type score_type_fill_in;
extern const score_type score_type_ordering;
extern const score_type score_type_matching;
extern const score_type score_type_judged;

/*
 * Registers a scorer linked into the program itself (an embedded plugin, a
 * test double), with the same checks as a loaded plugin: SCORE_E_ABI for
 * another ABI version, SCORE_E_PLUGIN for a bad table or a type already
 * registered (message in *err). t must outlive the engine.
 */
int score_engine_register(score_engine *eng, const score_type *t, const char *origin, char **err);

/* ---- helpers for scorers (scoring/util.c, scoring/normalize.c) ---- */

/* Sets *err (if err) to a malloc'ed printf-style message; returns code. */
int score_errf(char **err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Whether lang asks for English ("en", "en-US"); everything else is zh-CN. */
int score_lang_en(const char *lang);

/* A language map from a string or {"zh-CN": "...", ...} (zh-CN required,
 * every value a non-empty valid UTF-8 string). NULL on a bad value, and
 * when memory runs out: score_langmap_valid() tells which. */
cJSON *score_langmap(const cJSON *v);
int score_langmap_valid(const cJSON *v);
/* Reads an array of language maps (options, items) into a new cJSON array;
 * at least min, at most max entries. On error sets *err naming `field`. */
int score_langmap_array(const cJSON *v, const char *field, int min, int max, cJSON **out, char **err);

/* Whether v is a JSON integer in [0, n) (a number with no fraction). */
int score_json_index(const cJSON *v, int n, int *out);
/* SCORE_OK and *out for an index in [0, n); SCORE_E_RANGE for another whole
 * number; SCORE_E_RESPONSE for anything else (1.5, "1", true, NaN). */
int score_json_index_rc(const cJSON *v, int n, int *out);
/* Whether v is a number holding an exact integer. */
int score_json_is_int(const cJSON *v, int64_t *out);
/* Reads a number of points ("points": 12.5) into milli-points; rejects NaN,
 * inf, more than 3 decimals, below lo or above hi (milli). */
int score_json_milli(const cJSON *v, int64_t lo, int64_t hi, int64_t *out);
/* Reads a fraction/ratio value into parts per million (0.5 -> 500000). */
int score_json_ppm(const cJSON *v, int64_t lo, int64_t hi, int64_t *out);

/* Whether s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int score_utf8_valid(const char *s, size_t len);
/* Text normalization for typed answers: full-width ASCII -> half-width
 * (Ａ -> A, ３ -> 3), U+3000 and other Unicode spaces -> ' ', whitespace runs
 * collapsed, trimmed; with fold, ASCII letters lower-cased. Writes at most
 * cap bytes including the NUL. Returns the length, or -1 if the input is not
 * valid UTF-8 or does not fit. */
int score_normalize_text(const char *in, size_t len, char *out, size_t cap, int fold);
/* Parses a typed number: "3.5", "3,5", "-2", "1e3", full-width "３．５",
 * surrounded by spaces. Refuses NaN, infinities, thousands separators and
 * anything else. Returns 0 and *out, or -1. */
int score_parse_number(const char *s, size_t len, double *out);
/* The shortest "%.*g" text that reads back as d ("3.5", "-0.25", "1e+21"). */
void score_format_number(double d, char *buf, size_t cap);

/* Maximum bytes of one typed string in a response (before normalization). */
#define SCORE_MAX_TEXT 512

#ifdef __cplusplus
}
#endif
#endif
