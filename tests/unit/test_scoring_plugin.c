/*
 * test_scoring_plugin.c - plugin loading (dlopen, ABI check, refusals) and
 * the example "keywords" plugin's own scoring table.
 *
 * The plugins are found next to this binary: $(OUT)/tests/test_scoring_plugin
 * loads every .so in $(OUT)/plugins/ and the refused ones in $(OUT)/tests/plugins-bad/.
 */
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scoring_plugin.h"

static char plugins_dir[PATH_MAX], bad_dir[PATH_MAX];
static score_engine *eng;

static void find_dirs(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		fprintf(stderr, "cannot read /proc/self/exe\n");
		exit(2);
	}
	exe[n] = '\0';
	char *dir = dirname(exe); /* .../build/VARIANT/tests */
	snprintf(bad_dir, sizeof bad_dir, "%s/plugins-bad", dir);
	snprintf(plugins_dir, sizeof plugins_dir, "%s/../plugins", dir);
}

typedef struct seen {
	int n, keywords;
	char origin[PATH_MAX];
} seen;

static void on_type(const char *type, const char *version, const char *origin, void *ud)
{
	seen *s = ud;
	s->n++;
	if (strcmp(type, "keywords") == 0) {
		s->keywords++;
		assert_string_equal(version, "1.0.0");
		snprintf(s->origin, sizeof s->origin, "%s", origin);
	}
}

static void test_load_example(void **state)
{
	score_engine *e = NULL;
	char *w = NULL;
	assert_int_equal(score_engine_new(&e, plugins_dir, &w), SCORE_OK);
	if (w)
		print_error("warnings: %s", w);
	assert_null(w);
	seen s = {0};
	score_engine_types(e, on_type, &s);
	assert_int_equal(s.n, 9);
	assert_int_equal(s.keywords, 1);
	assert_non_null(strstr(s.origin, "keywords.so"));
	score_engine_free(e);
}

static void test_refusals(void **state)
{
	score_engine *e = NULL;
	char *w = NULL;
	assert_int_equal(score_engine_new(&e, bad_dir, &w), SCORE_OK);
	assert_non_null(w);
	static const char *const want[] = {
		"bad_abi.so' refused: built for scorer ABI version 99, this engine supports version 1",
		"bad_dup.so' refused: its type is already registered",
		"bad_missing.so' refused: a required function or the version string is missing",
		"bad_nosym.so' refused: no symbol 'skillarena_scorer'",
		"garbage.so' refused: cannot load",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (!strstr(w, want[i]))
			print_error("warnings lack \"%s\":\n%s", want[i], w);
		assert_non_null(strstr(w, want[i]));
	}
	seen s = {0};
	score_engine_types(e, on_type, &s);
	assert_int_equal(s.n, 8); /* only the built-ins */
	free(w);
	score_engine_free(e);

	/* a directory that cannot be read fails the engine, loudly */
	w = NULL;
	assert_int_equal(score_engine_new(&e, "/nonexistent/plugins", &w), SCORE_E_PLUGIN);
	assert_null(e);
	assert_non_null(w);
	assert_non_null(strstr(w, "/nonexistent/plugins"));
	free(w);
}

/* ---------- scorers registered in-process, and the engine's contract checks ---------- */

typedef struct liar_state {
	int mode;
} liar_state;

static int liar_compile(void *state, const cJSON *q, char **err)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(q, "mode");
	((liar_state *)state)->mode = cJSON_IsNumber(m) ? m->valueint : 0;
	return SCORE_OK;
}
static int liar_validate(const void *state, const cJSON *r) { return SCORE_OK; }
/* mode 0 honest; 1 more than full credit; 2 "correct" with half credit;
 * 3 den 0; 4 "wrong" with credit; 5 an unknown correctness; 6 credit below -1 */
static int liar_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	static const struct {
		int64_t num, den;
		int corr;
	} o[] = {{1, 2, SCORE_PARTIAL}, {3, 2, SCORE_CORRECT}, {1, 2, SCORE_CORRECT},
		 {1, 0, SCORE_PARTIAL}, {1, 2, SCORE_WRONG},   {1, 2, 7},
		 {-3, 2, SCORE_WRONG}};
	int m = ((const liar_state *)state)->mode;
	out->num = o[m].num;
	out->den = o[m].den;
	out->correctness = (score_correctness)o[m].corr;
	memset(out->feedback, 'x', sizeof out->feedback);     /* not terminated: the engine must cope */
	out->feedback[sizeof out->feedback - 2] = (char)0xe4; /* and a cut UTF-8 sequence at the end */
	return SCORE_OK;
}
static int liar_public(const void *state, cJSON *obj) { return SCORE_OK; }
static cJSON *liar_reveal(const void *state) { return cJSON_CreateNull(); }
static char *liar_canonical(const void *state, const cJSON *r) { return strdup("x"); }

static const score_type liar = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "liar",
	.version = "0.1",
	.state_size = sizeof(liar_state),
	.compile = liar_compile,
	.validate = liar_validate,
	.score = liar_score,
	.public_fields = liar_public,
	.reveal = liar_reveal,
	.canonical = liar_canonical,
};
static const score_type liar_future = {
	.abi_version = SCORE_ABI_VERSION + 1,
	.type = "liar2",
	.version = "0.1",
	.state_size = 4,
	.compile = liar_compile,
	.validate = liar_validate,
	.score = liar_score,
	.public_fields = liar_public,
	.reveal = liar_reveal,
	.canonical = liar_canonical,
};

static void test_register_and_contract(void **state)
{
	score_engine *e;
	char *err = NULL;
	assert_int_equal(score_engine_new(&e, NULL, NULL), 0);
	assert_int_equal(score_engine_register(e, &liar_future, "test", &err), SCORE_E_ABI);
	assert_non_null(strstr(err, "ABI version 2, this engine supports version 1"));
	free(err);
	assert_int_equal(score_engine_register(e, &liar, "test", &err), SCORE_OK);
	assert_null(err);
	assert_int_equal(score_engine_register(e, &liar, "test", &err), SCORE_E_PLUGIN);
	assert_non_null(strstr(err, "already registered"));
	free(err);
	for (int mode = 0; mode <= 6; mode++) {
		char def[64];
		snprintf(def, sizeof def, "{\"type\":\"liar\",\"mode\":%d}", mode);
		cJSON *q = cJSON_Parse(def), *r = cJSON_Parse("1");
		score_question *sq = NULL;
		assert_int_equal(score_compile(e, q, NULL, &sq, NULL), 0);
		score_result res;
		int rc = score_answer(sq, r, NULL, &res);
		if (mode == 0) {
			assert_int_equal(rc, 0);
			assert_int_equal(res.points_milli, 500000);
			/* the unterminated feedback is cut, and cut back to whole UTF-8 */
			assert_int_equal(strlen(res.feedback), 190);
		} else {
			assert_int_equal(rc, SCORE_E_RESPONSE); /* a broken promise is refused */
		}
		score_question_free(sq);
		cJSON_Delete(q);
		cJSON_Delete(r);
	}
	score_engine_free(e);
}

/* ---------- the keywords plugin ---------- */

#define KQ                                                                                               \
	"{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"通风\"]},{\"any\":[\"检测\",\"测氧\"]}," \
	"{\"any\":[\"监护\"],\"weight\":2}],\"forbidden\":[\"直接进入\"],\"max_chars\":20}"
#define KQO                                                                                                               \
	"{\"type\":\"keywords\",\"ordered\":true,\"keywords\":[{\"any\":[\"通风\"]},{\"any\":[\"检测\",\"测氧\"]}," \
	"{\"any\":[\"监护\"],\"weight\":2}]}"
#define KQC "{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"CO\"]}]}"
#define KQS "{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"CO\"]}],\"ignore_case\":false}"

typedef struct kcase {
	const char *name, *q, *rules, *resp;
	int rc;
	int64_t points;
	int corr;
	const char *canon, *feedback;
} kcase;

enum { W = 0, P = 1, C = 2 };
static const kcase kcases[] = {
	{"all points", KQ, NULL, "\"先通风，再检测，安排专人监护\"", 0, 1000000, C, NULL, "提到 3/3 个要点"},
	{"two light points", KQ, NULL, "\"通风 检测\"", 0, 500000, P, "\"通风检测\"", NULL},
	{"heavy point", KQ, NULL, "\"监护\"", 0, 500000, P, NULL, NULL},
	{"spaced phrasing", KQ, NULL, "\"先 通　风\"", 0, 250000, P, "\"先通风\"", NULL},
	{"second phrasing", KQ, NULL, "\"测氧\"", 0, 250000, P, NULL, NULL},
	{"nothing relevant", KQ, NULL, "\"注意安全\"", 0, 0, W, NULL, "提到 0/3 个要点"},
	{"blank", KQ, "{\"negative_marking\":true,\"wrong_penalty\":100}", "\"  \"", 0, 0, W, "\"\"", ""},
	{"wrong is penalized", KQ, "{\"negative_marking\":true,\"wrong_penalty\":100}", "\"注意安全\"", 0,
	 -100000, W, NULL, NULL},
	{"forbidden step", KQ, NULL, "\"直接进入，通风检测监护\"", 0, 0, W, NULL, "包含错误做法：直接进入"},
	{"too long", KQ, NULL, "\"一二三四五六七八九十一二三四五六七八九十一\"", SCORE_E_RESPONSE, 0, 0, NULL,
	 NULL},
	{"twenty chars", KQ, NULL, "\"一二三四五六七八九十一二三四五六七八九十\"", 0, 0, W, NULL, NULL},
	{"number", KQ, NULL, "123", SCORE_E_RESPONSE, 0, 0, NULL, NULL},
	{"array", KQ, NULL, "[\"通风\"]", SCORE_E_RESPONSE, 0, 0, NULL, NULL},
	{"invalid utf-8", KQ, NULL, "\"\xe9\x80\"", SCORE_E_RESPONSE, 0, 0, NULL, NULL},
	{"ordered in order", KQO, NULL, "\"通风 检测 监护\"", 0, 1000000, C, NULL, NULL},
	{"ordered reversed", KQO, NULL, "\"监护 检测 通风\"", 0, 500000, P, NULL,
	 "提到 3/3 个要点，顺序有误"},
	{"ordered one out of place", KQO, NULL, "\"检测 通风 监护\"", 0, 750000, P, NULL, NULL},
	{"ignore case", KQC, NULL, "\"co\"", 0, 1000000, C, "\"co\"", NULL},
	{"full-width", KQC, NULL, "\"ｃｏ\"", 0, 1000000, C, NULL, NULL},
	{"case-sensitive", KQS, NULL, "\"co\"", 0, 0, W, NULL, NULL},
	{"time factor applies", KQC, "{\"time_factor\":true}", "\"CO\"", 0, 750000, C, NULL, NULL},
};

static void run_kcase(void **state)
{
	const kcase *c = *state;
	cJSON *q = cJSON_Parse(c->q), *r = c->rules ? cJSON_Parse(c->rules) : NULL,
	      *resp = cJSON_Parse(c->resp);
	assert_non_null(q);
	assert_non_null(resp);
	score_question *sq = NULL;
	char *err = NULL;
	int rc = score_compile(eng, q, r, &sq, &err);
	if (rc)
		print_error("compile: %s\n", err);
	assert_int_equal(rc, 0);
	score_ctx ctx = {.response_ms = 10000, .limit_ms = 20000};
	score_result res;
	assert_int_equal(score_answer(sq, resp, &ctx, &res), c->rc);
	char *canon = score_canonical_response(sq, resp);
	if (c->rc == 0) {
		assert_int_equal(res.points_milli, c->points);
		assert_int_equal(res.correctness, c->corr);
		assert_non_null(canon);
		if (c->canon) {
			/* canonical text compared as a JSON string */
			cJSON *want = cJSON_Parse(c->canon);
			assert_string_equal(canon, want->valuestring);
			cJSON_Delete(want);
		}
		if (c->feedback)
			assert_string_equal(res.feedback, c->feedback);
	} else {
		assert_null(canon);
	}
	free(canon);
	score_question_free(sq);
	cJSON_Delete(q);
	cJSON_Delete(r);
	cJSON_Delete(resp);
}

static const struct {
	const char *name, *q, *msg;
} kbad[] = {
	{"no keywords", "{\"type\":\"keywords\"}", "keywords"},
	{"empty any", "{\"type\":\"keywords\",\"keywords\":[{\"any\":[]}]}", "keywords[0].any"},
	{"blank phrase", "{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"　\"]}]}",
	 "keywords[0].any[0]: is empty"},
	/* regression (found by fuzz_scoring_compile): the phrase compiled before a bad one leaked */
	{"bad phrase after a good one", "{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"ok\",\"\xff\"]}]}",
	 "keywords[0].any[1]: is not valid UTF-8"},
	{"zero weight", "{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"a\"],\"weight\":0}]}", "weight"},
	{"forbidden object", "{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"a\"]}],\"forbidden\":{}}",
	 "forbidden"},
	{"max_chars 0", "{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"a\"]}],\"max_chars\":0}",
	 "max_chars"},
	{"ordered string", "{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"a\"]}],\"ordered\":\"yes\"}",
	 "ordered"},
};

static void test_keywords_refused(void **state)
{
	for (size_t i = 0; i < sizeof kbad / sizeof kbad[0]; i++) {
		cJSON *q = cJSON_Parse(kbad[i].q);
		score_question *sq = NULL;
		char *err = NULL;
		assert_int_equal(score_compile(eng, q, NULL, &sq, &err), SCORE_E_DEFINITION);
		assert_null(sq);
		if (!err || !strstr(err, kbad[i].msg))
			print_error("%s: message '%s' lacks '%s'\n", kbad[i].name, err ? err : "",
				    kbad[i].msg);
		assert_non_null(strstr(err, kbad[i].msg));
		free(err);
		cJSON_Delete(q);
	}
}

static void test_keywords_fields(void **state)
{
	cJSON *q = cJSON_Parse(KQ);
	score_question *sq = NULL;
	assert_int_equal(score_compile(eng, q, NULL, &sq, NULL), 0);
	cJSON *o = cJSON_CreateObject();
	assert_int_equal(score_public_fields(sq, o), 0);
	char *s = cJSON_PrintUnformatted(o);
	assert_string_equal(s, "{\"max_chars\":20}");
	free(s);
	cJSON *a = score_reveal_answer(sq);
	s = cJSON_PrintUnformatted(a);
	assert_string_equal(s, "[\"通风\",\"检测\",\"监护\"]");
	free(s);
	assert_string_equal(score_question_type(sq), "keywords");
	assert_int_equal(score_question_noptions(sq), 0);
	cJSON_Delete(a);
	cJSON_Delete(o);
	score_question_free(sq);
	cJSON_Delete(q);
}

static int setup(void **state)
{
	char *w = NULL;
	int rc = score_engine_new(&eng, plugins_dir, &w);
	if (w)
		fprintf(stderr, "%s", w);
	free(w);
	return rc;
}

static int teardown(void **state)
{
	score_engine_free(eng);
	return 0;
}

int main(void)
{
	find_dirs();
	const struct CMUnitTest load[] = {
		cmocka_unit_test(test_load_example),          cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_register_and_contract), cmocka_unit_test(test_keywords_refused),
		cmocka_unit_test(test_keywords_fields),
	};
	int fails = cmocka_run_group_tests_name("scoring_plugins", load, setup, teardown);
	size_t n = sizeof kcases / sizeof kcases[0];
	struct CMUnitTest *t = calloc(n, sizeof *t);
	for (size_t i = 0; i < n; i++)
		t[i] = (struct CMUnitTest){kcases[i].name, run_kcase, NULL, NULL, (void *)&kcases[i]};
	fails += _cmocka_run_group_tests("keywords_plugin", t, n, setup, teardown);
	free(t);
	return fails ? 1 : 0;
}
