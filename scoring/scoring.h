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
	SCORE_E_UNKNOWN_TYPE = -2, /* no scorer is registered for "type" */
	SCORE_E_DEFINITION = -3,   /* the question definition cannot be scored */
	SCORE_E_RESPONSE = -4,     /* the response does not fit the type */
	SCORE_E_RANGE = -5,        /* an option/item index outside the question */
	SCORE_E_ABI = -6,          /* a plugin built for another ABI version */
	SCORE_E_PLUGIN = -7,       /* a plugin could not be loaded */
	SCORE_E_RULES = -8,        /* bad scoring rules */
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
	int64_t points_milli; /* awarded, every rule applied; may be < 0 with negative marking */
	int64_t max_milli;    /* what a perfect, instant answer earns (without streak bonus) */
	int64_t bonus_milli;  /* streak bonus included in points_milli */
	score_correctness correctness;
	int streak;         /* the streak after this answer */
	char feedback[256]; /* shown after reveal; may be "" (UTF-8, NUL-terminated) */
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
int score_compile(const score_engine *eng, const cJSON *question, const cJSON *rules, score_question **out,
		  char **err);
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
int score_answer(const score_question *q, const cJSON *response, const score_ctx *ctx, score_result *out);

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

/* ---------- judged practical tasks (types/judged.c) ---------- */

#define SCORE_JUDGED_MAX_ASPECTS 32
#define SCORE_JUDGED_MAX_JUDGES 16

/* One rubric aspect after combining the marks given for it. */
typedef struct score_aspect_mark {
	char id[32];
	int judgement;        /* 1: judges' 0-3 marks; 0: a measurement */
	int64_t points_milli; /* earned, on the rubric's scale */
	int64_t max_milli;
	int judges;  /* marks given (1 for a measurement) */
	int counted; /* marks averaged (judges - 2 when the panel rule dropped
			       * the highest and the lowest) */
	int spread;  /* highest - lowest mark (judgement aspects) */
	int flagged; /* spread above the panel's max_spread: judges must reconcile */
} score_aspect_mark;

typedef struct score_judged {
	int64_t points_milli, max_milli; /* rubric scale: sums over the aspects */
	int naspects, nflagged;
	score_aspect_mark aspects[SCORE_JUDGED_MAX_ASPECTS]; /* in rubric order */
} score_judged;

/*
 * Combines the marks of a "judged" question: marks is an object keyed by
 * aspect id, a boolean or a number 0..scale for a measurement aspect, an
 * array of the judges' integer marks 0-3 for a judgement aspect
 * ({"m1": true, "m2": 7.5, "j1": [2, 3, 3]}). Returns SCORE_OK,
 * SCORE_E_DEFINITION when q is not judged, SCORE_E_RESPONSE / SCORE_E_RANGE
 * for bad marks. score_answer() with the same marks gives the question's
 * points (rubric points scaled to the question's points and rules).
 */
int score_judged_combine(const score_question *q, const cJSON *marks, score_judged *out);

/* ---------- stages (rank.c) ---------- */

/* One stage of a contest (a theory exam, a practical task) for one participant. */
typedef struct score_stage {
	int64_t points_milli; /* earned in the stage */
	int64_t max_milli;    /* the stage's maximum, > 0 */
	int64_t weight;       /* relative weight (30 and 70, or 3 and 7), >= 0, not all 0 */
	int64_t pass_ppm;     /* pass mark as a share of max in millionths (600000 = 60%), 0 = none */
} score_stage;

typedef struct score_stage_total {
	int64_t total_milli; /* sum of weight_i * points_i / max_i, scaled to scale_milli */
	int passed;          /* every stage reached its pass mark and the total reached pass_ppm */
	int failed_stage;    /* index of the first stage below its pass mark, or -1 */
} score_stage_total;

/*
 * Combines stages by weight on a scale (e.g. 100000 = 100 points):
 * theory 80/100 at 30 and practical 60/100 at 70 -> 66.000 points.
 * pass_ppm is the overall pass mark as a share of the scale (0 = none).
 * Returns SCORE_OK or SCORE_E_RULES for bad input (n < 1, max <= 0, ...).
 */
int score_combine_stages(const score_stage *st, int n, int64_t scale_milli, int64_t pass_ppm,
			 score_stage_total *out);

/* ---------- tie-breaks (rank.c) ---------- */

/* What the leaderboard knows about one participant, for ranking. */
typedef struct score_standing {
	int64_t total_milli; /* total points */
	int64_t reached_ms;  /* when the total was reached (any common clock) */
	int64_t time_ms;     /* sum of response times */
	int32_t correct;     /* answers fully correct */
	int32_t wrong;       /* answers wrong */
	int64_t id;          /* participant id: the last, always-deciding key */
} score_standing;

typedef enum score_tb_key {
	SCORE_TB_TOTAL,   /* "total":   higher total first */
	SCORE_TB_REACHED, /* "reached": reached that total earlier first */
	SCORE_TB_WRONG,   /* "wrong":   fewer wrong answers first */
	SCORE_TB_CORRECT, /* "correct": more correct answers first */
	SCORE_TB_TIME,    /* "time":    less total response time first */
	SCORE_TB_ID,      /* "id":      lower participant id first (joined earlier) */
} score_tb_key;

#define SCORE_TB_MAX 8
typedef struct score_tiebreak {
	int n;
	score_tb_key keys[SCORE_TB_MAX];
} score_tiebreak;

/* total, reached, wrong, time, id */
extern const score_tiebreak score_tiebreak_default;

/*
 * Reads the contest scoring object's "tiebreak": ["total", "reached", ...]
 * (absent: the default). "total" must come first; "id" is appended when
 * missing so the order is total and deterministic. SCORE_E_RULES on error.
 */
int score_tiebreak_parse(const cJSON *rules, score_tiebreak *out, char **err);
/* < 0 when a ranks before b, > 0 after, 0 only for the same standing. */
int score_tiebreak_compare(const score_tiebreak *tb, const score_standing *a, const score_standing *b);
/* "total", "reached", ... */
const char *score_tiebreak_name(score_tb_key k);

#ifdef __cplusplus
}
#endif
#endif
