/*
 * plugins/testdata/bad_plugins.c - plugins the engine must refuse, built for
 * tests/unit/test_scoring_plugin.c only (one .so per -D choice):
 *   BAD_ABI      built for scorer ABI version 99
 *   BAD_DUP      claims the built-in type "single_choice"
 *   BAD_MISSING  lacks the score function
 *   BAD_NOSYM    exports no scorer at all
 */
#include "scoring_plugin.h"

static int compile(void *state, const cJSON *q, char **err) { return SCORE_OK; }
static int validate(const void *state, const cJSON *r) { return SCORE_OK; }
static int score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	out->num = out->den = 1;
	out->correctness = SCORE_CORRECT;
	return SCORE_OK;
}
static int public_fields(const void *state, cJSON *obj) { return SCORE_OK; }
static cJSON *reveal(const void *state) { return cJSON_CreateNull(); }
static char *canonical(const void *state, const cJSON *r) { return NULL; }

#if defined(BAD_ABI)
#define ABI 99
#define NAME "future_type"
#define SCORE_FN score
#elif defined(BAD_DUP)
#define ABI SCORE_ABI_VERSION
#define NAME "single_choice"
#define SCORE_FN score
#elif defined(BAD_MISSING)
#define ABI SCORE_ABI_VERSION
#define NAME "no_score"
#define SCORE_FN NULL
#endif

#ifndef BAD_NOSYM
__attribute__((visibility("default"))) const score_type skillarena_scorer = {
	.abi_version = ABI,
	.type = NAME,
	.version = "0.0.1",
	.state_size = 8,
	.compile = compile,
	.validate = validate,
	.score = SCORE_FN,
	.public_fields = public_fields,
	.reveal = reveal,
	.canonical = canonical,
};
#else
__attribute__((visibility("default"))) const int skillarena_something_else = 1;
#endif
