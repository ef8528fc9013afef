/*
 * test_contest_selfpaced.c - the self-paced settings of contest files
 * (contests/selfpaced.c: mode mass, "attempts", "notebook", their defaults
 * and every refusal) and the question pool (contests/pool.c: the candidates
 * of every rule, each once, unshuffled, with bank id and category, and the
 * drawn papers' ids among them).
 */
#include "contests_int.h"
#include "test_contests_util.h"

/* Loads a contest from text (banks relative to the samples); 0 or -1 with problems in *d. */
static int load_text(score_engine *eng, const char *json, contest_def **c, contest_diag *d)
{
	return contest_load_mem("contests/samples/t.json", json, strlen(json), eng, "en", c, d);
}

#define HEAD "{\"code\": \"SELF01\", \"title\": \"t\", "
#define WINDOW                                                                                                     \
	"\"window\": {\"opens_at\": \"2026-06-01T08:00:00+08:00\", \"closes_at\": \"2026-06-30T20:00:00+08:00\", " \
	"\"duration_min\": 5}, "
#define QS "\"questions\": [{\"id\": \"q1\", \"type\": \"true_false\", \"text\": \"x\", \"answer\": true}]}"

static contest_def *load_ok(score_engine *eng, const char *json)
{
	contest_diag d = {0};
	contest_def *c = NULL;
	if (load_text(eng, json, &c, &d)) {
		char *t = tc_diag_text(&d);
		fail_msg("does not load:\n%s\n%s", json, t);
	}
	contest_diag_free(&d);
	return c;
}

static void test_defaults(void **state)
{
	contest_def *c = load_ok(*state, HEAD "\"mode\": \"exam\", " WINDOW QS);
	assert_int_equal(c->attempts_max, 1);
	assert_int_equal(c->attempts_per_day, 0);
	assert_false(c->attempts_last);
	assert_string_equal(c->show_results, "submit");
	assert_true(c->show_key);
	assert_false(c->show_score);
	assert_string_equal(c->time_zone, "Asia/Shanghai");
	contest_free(c);
	c = load_ok(*state, HEAD "\"mode\": \"mass\", " WINDOW QS);
	assert_string_equal(c->mode, "mass");
	assert_int_equal(c->attempts_max, 0);
	assert_int_equal(c->attempts_per_day, 3);
	assert_int_equal(c->duration_ms, 5 * 60000);
	contest_free(c);
	c = load_ok(*state, HEAD "\"mode\": \"practice\", " QS);
	assert_int_equal(c->notebook_leave_after, 2);
	contest_free(c);
}

static void test_given(void **state)
{
	contest_def *c = load_ok(*state, HEAD
				 "\"mode\": \"mass\", " WINDOW
				 "\"attempts\": {\"max\": 30, \"per_day\": 5, \"counts\": \"last\", "
				 "\"show_results\": \"window\", \"show_key\": false, \"show_score\": true, "
				 "\"time_zone\": \"Asia/Urumqi\"}, " QS);
	assert_int_equal(c->attempts_max, 30);
	assert_int_equal(c->attempts_per_day, 5);
	assert_true(c->attempts_last);
	assert_string_equal(c->show_results, "window");
	assert_false(c->show_key);
	assert_true(c->show_score);
	assert_string_equal(c->time_zone, "Asia/Urumqi");
	contest_free(c);
	c = load_ok(*state,
		    HEAD "\"mode\": \"exam\", " WINDOW "\"attempts\": {\"time_zone\": \"+08:00\"}, " QS);
	assert_string_equal(c->time_zone, "+08:00");
	contest_free(c);
	c = load_ok(*state, HEAD "\"mode\": \"practice\", \"notebook\": {\"leave_after\": 3}, " QS);
	assert_int_equal(c->notebook_leave_after, 3);
	contest_free(c);
}

static void test_refused(void **state)
{
	static const struct {
		const char *json, *line;
	} cases[] = {
		{HEAD "\"mode\": \"mass\", " QS,
		 "contests/samples/t.json: $: mass mode needs a 'window' (when the contest runs and "
		 "the time of one attempt)"},
		{HEAD "\"mode\": \"live\", \"attempts\": {\"max\": 2}, " QS,
		 "contests/samples/t.json: $.attempts: 'attempts' applies only in exam, mass mode"},
		{HEAD "\"mode\": \"practice\", \"attempts\": {}, " QS,
		 "contests/samples/t.json: $.attempts: 'attempts' applies only in exam, mass mode"},
		{HEAD "\"mode\": \"exam\", " WINDOW "\"notebook\": {}, " QS,
		 "contests/samples/t.json: $.notebook: 'notebook' applies only in practice mode"},
		{HEAD "\"mode\": \"exam\", " WINDOW "\"attempts\": {\"counts\": \"worst\"}, " QS,
		 "contests/samples/t.json: $.attempts.counts: invalid value 'worst' (use best, last)"},
		{HEAD "\"mode\": \"exam\", " WINDOW "\"attempts\": {\"show_results\": \"later\"}, " QS,
		 "contests/samples/t.json: $.attempts.show_results: invalid value 'later' (use submit, window, never)"},
		{HEAD "\"mode\": \"exam\", " WINDOW "\"attempts\": {\"time_zone\": \"Asia/Shangai\"}, " QS,
		 "contests/samples/t.json: $.attempts.time_zone: unknown time zone 'Asia/Shangai' (for example "
		 "Asia/Shanghai)"},
		{HEAD "\"mode\": \"exam\", " WINDOW
		      "\"attempts\": {\"time_zone\": \"../../etc/passwd\"}, " QS,
		 "contests/samples/t.json: $.attempts.time_zone: unknown time zone '../../etc/passwd' (for example "
		 "Asia/Shanghai)"},
		{HEAD "\"mode\": \"exam\", " WINDOW "\"attempts\": {\"per_day\": 1001}, " QS,
		 "contests/samples/t.json: $.attempts.per_day: must be between 0 and 1000"},
		{HEAD "\"mode\": \"exam\", " WINDOW "\"attempts\": {\"max\": 1.5}, " QS,
		 "contests/samples/t.json: $.attempts.max: expected an integer"},
		{HEAD "\"mode\": \"exam\", " WINDOW "\"attempts\": {\"tries\": 2}, " QS,
		 "contests/samples/t.json: $.attempts.tries: unknown field 'tries'"},
		{HEAD "\"mode\": \"exam\", " WINDOW "\"attempts\": [], " QS,
		 "contests/samples/t.json: $.attempts: expected a JSON object"},
		{HEAD "\"mode\": \"practice\", \"notebook\": {\"leave_after\": 0}, " QS,
		 "contests/samples/t.json: $.notebook.leave_after: must be between 1 and 20"},
		{HEAD "\"mode\": \"massive\", " QS,
		 "contests/samples/t.json: $.mode: unknown mode 'massive' (use live, exam, practice or mass)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		contest_diag d = {0};
		contest_def *c = NULL;
		assert_int_equal(load_text(*state, cases[i].json, &c, &d), -1);
		assert_null(c);
		tc_has_line(&d, cases[i].line);
		contest_diag_free(&d);
	}
}

/* The pool holds every candidate of the rules (each once), and every drawn paper is from it. */
static void test_pool(void **state)
{
	contest_def *c =
		load_ok(*state, HEAD
			"\"mode\": \"practice\", "
			"\"banks\": {\"s\": \"../banks/safety.json\"}, \"paper\": {\"rules\": ["
			"{\"bank\": \"s\", \"category\": \"fire\", \"count\": 2},"
			"{\"bank\": \"s\", \"category\": \"fire\", \"type\": \"true_false\", \"count\": 1},"
			"{\"bank\": \"s\", \"category\": \"elec\", \"count\": 1}], "
			"\"shuffle_options\": true}}");
	contest_pool *p = NULL;
	char *err = NULL;
	assert_int_equal(contest_pool_build(c, *state, &p, &err), 0);
	size_t fire = 0, elec = 0;
	for (size_t i = 0; i < p->n; i++) {
		const contest_pool_item *it = &p->items[i];
		assert_string_equal(it->bank, "safety-basics");
		assert_true(!strncmp(it->q.id, "s.", 2));
		assert_string_equal(it->q.id + 2, it->qid);
		assert_non_null(it->q.compiled);
		fire += !strcmp(it->category, "fire");
		elec += !strcmp(it->category, "elec");
		assert_true(!strcmp(it->category, "fire") || !strcmp(it->category, "elec"));
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(p->items[k].q.id, it->q.id);
		if (!strcmp(it->category, "fire"))
			assert_string_equal(cx_text(it->category_title, "zh-CN"), "消防安全");
	}
	/* every fire and elec question of the bank, the fire true/false ones once */
	size_t len = 0, bfire = 0, belec = 0;
	char *text = tc_read("contests/banks/safety.json", &len);
	cJSON *bank = cJSON_ParseWithLength(text, len), *q;
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(bank, "questions"))
	{
		const char *cat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "category"));
		bfire += cat && !strcmp(cat, "fire");
		belec += cat && !strcmp(cat, "elec");
	}
	cJSON_Delete(bank);
	free(text);
	assert_true(bfire > 3 && belec > 1);
	assert_int_equal(fire, bfire);
	assert_int_equal(elec, belec);
	for (int k = 0; k < 20; k++) {
		char key[16];
		contest_paper *paper = NULL;
		snprintf(key, sizeof key, "%d", k);
		assert_int_equal(contest_paper_draw(c, *state, key, &paper, &err), 0);
		for (size_t i = 0; i < paper->nquestions; i++) {
			size_t j = 0;
			while (j < p->n && strcmp(p->items[j].q.id, paper->questions[i].id))
				j++;
			assert_true(j < p->n);
			/* the drawn copy's options are the pool question's, maybe in another order */
			const cJSON *a = cJSON_GetObjectItemCaseSensitive(paper->questions[i].def, "options");
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(p->items[j].q.def, "options");
			assert_int_equal(cJSON_GetArraySize(a), cJSON_GetArraySize(b));
		}
		contest_paper_free(paper);
	}
	contest_pool_free(p);
	contest_free(c);
}

static void test_pool_inline(void **state)
{
	contest_def *c = load_ok(*state, HEAD "\"mode\": \"exam\", " WINDOW QS);
	contest_pool *p = NULL;
	char *err = NULL;
	assert_int_equal(contest_pool_build(c, *state, &p, &err), 0);
	assert_int_equal(p->n, 1);
	assert_string_equal(p->items[0].q.id, "q1");
	assert_null(p->items[0].bank);
	assert_string_equal(p->items[0].category, "");
	contest_pool_free(p);
	contest_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),    cmocka_unit_test(test_given),
		cmocka_unit_test(test_refused),     cmocka_unit_test(test_pool),
		cmocka_unit_test(test_pool_inline),
	};
	return cmocka_run_group_tests(tests, tc_setup, tc_teardown);
}
