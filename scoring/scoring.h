/*
 * scoring.h - SkillArena's scoring engine, its one public header.
 *
 * Every submission is scored here: browser answer -> WebSocket -> validate ->
 * [score] -> PostgreSQL -> Redis leaderboard -> broadcast.
 *
 * The engine knows question types through a registry of scorers (built-in
 * types and dlopen'ed plugins use the same versioned struct, scoring_plugin.h).
 * A question definition is compiled once, when its contest is loaded; scoring
 * a response is then pure: no I/O, no globals, deterministic, and points are
 * integers in thousandths ("milli-points") so every process computes the very
 * same result.
 *
 * Ownership: score_engine_new() returns an engine freed by score_engine_free();
 * score_compile() returns a compiled question freed by score_question_free()
 * (it keeps no pointer into the cJSON it was given). Error strings returned
 * through `char **err` are malloc'ed and freed by the caller.
 *
 * Depends on cJSON only.
 */
#ifndef SKILLARENA_SCORING_H
#define SKILLARENA_SCORING_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes: 0 is success, errors are negative. */
enum {
	SCORE_OK = 0,
	SCORE_E_NOMEM = -1,
	SCORE_E_UNKNOWN_TYPE = -2,   /* no scorer is registered for "type" */
	SCORE_E_DEFINITION = -3,     /* the question definition cannot be scored */
	SCORE_E_RESPONSE = -4,       /* the response does not fit the type */
	SCORE_E_RANGE = -5,          /* an option/item index outside the question */
	SCORE_E_ABI = -6,            /* a plugin built for another ABI version */
	SCORE_E_PLUGIN = -7,         /* a plugin could not be loaded */
	SCORE_E_RULES = -8,          /* bad scoring rules */
};

/* Stable protocol name of a code ("invalid_response", "option_out_of_range"). */
const char *score_errname(int code);
/* Human message of a code, lang "zh-CN" (default) or "en". */
const char *score_strerror(int code, const char *lang);

typedef enum {
	SCORE_WRONG = 0,
	SCORE_PARTIAL = 1,
	SCORE_CORRECT = 2,
} score_correctness;

typedef struct score_engine score_engine;
typedef struct score_question score_question;

/* What the engine needs to know about one attempt besides the response. */
typedef struct score_ctx {
	int64_t response_ms; /* server receive time - question open time (>= 0) */
	int64_t limit_ms;    /* the question's time limit (> 0) */
	int streak;          /* consecutive correct answers before this one */
	const char *lang;    /* language of the feedback: "en", else zh-CN (may be NULL) */
} score_ctx;

typedef struct score_result {
	int64_t points_milli;       /* awarded, every rule applied; may be < 0 with negative marking */
	int64_t max_milli;          /* what a perfect, instant answer earns (without streak bonus) */
	int64_t bonus_milli;        /* streak bonus included in points_milli */
	score_correctness correctness;
	int streak;                 /* the streak after this answer */
	char feedback[256];         /* shown after reveal; may be "" (UTF-8, NUL-terminated) */
} score_result;

/*
 * Creates an engine with every built-in type registered and, when plugins_dir
 * is not NULL, every "*.so" in it loaded. A plugin with the wrong ABI version
 * or no scorer table is refused: it is skipped and described in *warnings
 * (malloc'ed, one line each; NULL when there is nothing to say).
 */
int score_engine_new(score_engine **out, const char *plugins_dir, char **warnings);
void score_engine_free(score_engine *eng);

/* Calls fn once per registered type (name, version string, "builtin" or .so path). */
void score_engine_types(const score_engine *eng,
			void (*fn)(const char *type, const char *version, const char *origin, void *ud),
			void *ud);

/*
 * Compiles one question. `question` is the question object of a contest or
 * bank (it has "type" and the type's fields: "options", "answer", ...);
 * `rules` is the contest-level "scoring" object (may be NULL) whose values
 * the question's own "scoring" object overrides. On error returns a code and
 * sets *err to a message naming the field ("answer: index 3 is out of range
 * for 3 options").
 */
int score_compile(const score_engine *eng, const cJSON *question, const cJSON *rules,
		  score_question **out, char **err);
void score_question_free(score_question *q);

/* The type name, and the maximum points of the compiled question. */
const char *score_question_type(const score_question *q);
int64_t score_question_max_milli(const score_question *q);
/* Number of options for choice-like types (distribution size), else 0. */
int score_question_noptions(const score_question *q);

/*
 * Validates and scores a response. Pure and thread-safe. Returns SCORE_OK and
 * fills *out, or SCORE_E_RESPONSE / SCORE_E_RANGE (out untouched).
 */
int score_answer(const score_question *q, const cJSON *response, const score_ctx *ctx,
		 score_result *out);

/*
 * For a response that score_answer accepted: the option indexes it picks, for
 * the reveal distribution (choice types: the chosen indexes; true_false: 0 for
 * true, 1 for false). Returns how many were written to idx (at most max), or 0
 * for types without options.
 */
int score_response_options(const score_question *q, const cJSON *response, int *idx, int max);

/*
 * The public fields players may see before the reveal (never the answer):
 * adds "options", "items", "left"/"right", "blanks", "unit" ... to obj.
 */
int score_public_fields(const score_question *q, cJSON *obj);
/* The correct answer as shown at the reveal (a new cJSON the caller frees). */
cJSON *score_reveal_answer(const score_question *q);

/*
 * A response in canonical text form (for equality of retries and for storage):
 * two responses that score_answer treats alike have the same canonical form.
 * Returns a malloc'ed string or NULL on a response score_answer would refuse.
 */
char *score_canonical_response(const score_question *q, const cJSON *response);

#ifdef __cplusplus
}
#endif
#endif
