/*
 * test_contest.c - contest files: loading, validation, stages, rounds,
 * awards, and blueprint draws (reproducible by seed, counts respected).
 */
#include "contests_int.h"
#include "test_contests_util.h"

static contest_def *load_ok(score_engine *eng, const char *path)
{
	contest_diag d = {0};
	contest_def *c = NULL;
	if (contest_load(path, eng, "en", &c, &d) != 0) {
		char *t = tc_diag_text(&d);
		fail_msg("%s does not load:\n%s", path, t);
	}
	contest_diag_free(&d);
	return c;
}

static void test_demo(void **state)
{
	contest_def *c = load_ok(*state, "contests/demo/safety.json");
	assert_string_equal(c->code, "SAFE2026");
	assert_string_equal(c->mode, "live");
	assert_string_equal(cx_text(c->title, "zh-CN"), "安全生产知识竞赛");
	assert_int_equal(c->nquestions, 10);
	assert_int_equal(c->nstages, 1);
	assert_string_equal(c->stages[0].id, "main");
	for (size_t i = 0; i < c->nquestions; i++) {
		char id[32];
		snprintf(id, sizeof id, "q%zu", i + 1);
		assert_string_equal(c->questions[i].id, id);
		assert_int_equal(c->questions[i].time_limit_ms, 20000);
		assert_non_null(c->questions[i].compiled);
		assert_string_equal(tc_field_str(c->questions[i].def, "id"), id);
	}
	assert_string_equal(score_question_type(c->questions[4].compiled), "multiple_choice");
	contest_free(c);
}

static void test_bad_everything(void **state)
{
	contest_diag d = {0};
	contest_def *c = NULL;
	assert_int_equal(contest_load(TD "contest/bad.json", *state, "en", &c, &d), -1);
	assert_null(c);
#define F "tests/data/contests/contest/bad.json: "
	tc_has_line(&d, F "$.code: invalid contest code 'BAD' (4-16 upper-case letters or digits)");
	tc_has_line(&d, F "$.title.fr: unsupported language 'fr' (use zh-CN or en)");
	tc_has_line(
		&d, F
		"$.starts_at: invalid date-time '2026-02-30' (ISO 8601, such as 2026-05-01T09:00:00+08:00)");
	tc_has_line(&d, F "$.pass_mark: must be between 0 and 100");
	tc_has_line(&d, F
		    "$.awards.tiers[1].min_percent: award tiers must go from highest to lowest (growing rank "
		    "count or falling score)");
	tc_has_line(&d, F "$.awards.tiers[2].count: 'by: score' and 'count' cannot both be given");
	tc_has_line(&d, F "$.leaderboards.team: expected true or false");
	tc_has_line(&d, F "$: exam mode needs a 'window' (opening times and duration per participant)");
	tc_has_line(&d, "tests/data/contests/contest/../bank/missing.json: cannot read file: no such file");
	tc_has_line(&d, F "$.banks.gone: question bank '../bank/missing.json' has errors (see above)");
	tc_has_line(&d, F "$.stages[0].paper.rules[0]: needs 5 questions but only 4 match");
	tc_has_line(&d, F "$.stages[0].paper.rules[1].bank: unknown bank 'nope'");
	tc_has_line(
		&d, F
		"$.stages[0].paper.rules[2].difficulty: invalid difficulty 'extreme' (use easy, medium or hard)");
	tc_has_line(&d, F "$.stages[1].id: duplicate id 'theory' (first at $.stages[0])");
	tc_has_line(&d,
		    F "$.stages[1].questions[0].type: a judged stage cannot hold 'single_choice' questions");
	tc_has_line(&d, F "$.stages[2].kind: invalid stage kind 'live' (use quiz or judged)");
	tc_has_line(&d, F "$.stages[2]: 'questions' and 'paper' cannot both be given");
	tc_has_line(&d, F "$.rounds[0]: every round but the last needs an 'advance' rule");
	tc_has_line(&d, F "$.rounds[0].stages[1]: unknown stage 'ghost'");
	tc_has_line(&d, F "$.rounds[1].advance: the last round cannot have an 'advance' rule");
	tc_has_line(&d, F "$.rounds[1].stages[0]: stage 'theory' already belongs to another round");
	tc_has_line(&d, F "$.stages[2]: stage 'quiz' belongs to no round");
	tc_has_line(&d, F "$.awards.tiers[2]: missing required field 'min_percent'");
#undef F
	assert_int_equal(d.count, 24);
	contest_diag_free(&d);
	/* the same file in Chinese */
	assert_int_equal(contest_load(TD "contest/bad.json", *state, "zh-CN", &c, &d), -1);
	tc_has_line(&d, "tests/data/contests/contest/bad.json: $.pass_mark: 应在 0 到 100 之间");
	tc_has_line(&d, "tests/data/contests/contest/bad.json: $.rounds[0].stages[1]: 未定义的阶段“ghost”");
	contest_diag_free(&d);
}

static void test_inline_problems(void **state)
{
	/* every problem at once, JSON syntax at line:col */
	const char *path = "build/test_contest_inline.json";
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("{\n  \"code\": \"X2026\",\n  \"title\": \"t\"\n  \"mode\": \"live\"\n}\n", fp);
	fclose(fp);
	contest_diag d = {0};
	contest_def *c = NULL;
	assert_int_equal(contest_load(path, *state, "en", &c, &d), -1);
	tc_has_line(&d, "build/test_contest_inline.json:4:3: JSON syntax error");
	contest_diag_free(&d);
	fp = fopen(path, "w");
	fputs("{\"code\": \"X2026\", \"title\": {\"zh-CN\": \"t\"}, \"mode\": \"live\", \"time_limit_s\": 10,\n"
	      " \"scoring\": {\"points\": 100},\n"
	      " \"questions\": [\n"
	      "  {\"id\": \"a\", \"type\": \"single_choice\", \"text\": \"x\", \"options\": [\"1\", \"2\"], \"answer\": 2},\n"
	      "  {\"id\": \"a\", \"type\": \"essay\", \"text\": \"y\"},\n"
	      "  {\"id\": \"b\", \"type\": \"true_false\", \"text\": {\"en\": \"z\"}, \"answer\": true, \"time_limit_s\": 5},\n"
	      "  {\"id\": \"c\", \"type\": \"true_false\", \"text\": \"z\", \"answer\": true, \"category\": \"fire\"}\n"
	      " ]}\n",
	      fp);
	fclose(fp);
	assert_int_equal(contest_load(path, *state, "en", &c, &d), -1);
	tc_has_prefix(&d,
		      "build/test_contest_inline.json: $.questions[0].answer: question cannot be scored: ");
	tc_has_line(
		&d,
		"build/test_contest_inline.json: $.questions[1].id: duplicate id 'a' (first at $.questions[0])");
	tc_has_line(&d, "build/test_contest_inline.json: $.questions[1].type: unknown question type 'essay'");
	tc_has_line(&d, "build/test_contest_inline.json: $.questions[2].text: language map lacks 'zh-CN'");
	tc_has_line(&d, "build/test_contest_inline.json: $.questions[3].category: unknown field 'category'");
	assert_int_equal(d.count, 5);
	contest_diag_free(&d);
	remove(path);
}

static int count_where(const contest_question *qs, size_t n, const char *cat, const char *diff,
		       const char *type)
{
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		/* drawn ids are "<bank alias>.<category>-<difficulty letter><n>" */
		const char *id = qs[i].id + 2;
		bool ok = (!cat || strncmp(id, cat, strlen(cat)) == 0) &&
			  (!diff || strchr(id, '-')[1] == diff[0]) &&
			  (!type || strcmp(tc_field_str(qs[i].def, "type"), type) == 0);
		k += ok;
	}
	return k;
}

static void test_draw_reproducible(void **state)
{
	contest_def *c = load_ok(*state, TD "contest/paper.json");
	assert_int_equal(c->nquestions, 14);
	contest_paper *a = NULL, *a2 = NULL, *b = NULL;
	char *err = NULL;
	assert_int_equal(contest_paper_draw(c, *state, "alice", &a, &err), 0);
	assert_int_equal(contest_paper_draw(c, *state, "alice", &a2, &err), 0);
	assert_int_equal(contest_paper_draw(c, *state, "bob", &b, &err), 0);
	assert_int_equal(a->nquestions, 14);
	assert_int_equal(a->seed, a2->seed);
	bool differ = false;
	for (size_t i = 0; i < a->nquestions; i++) {
		assert_true(cJSON_Compare(a->questions[i].def, a2->questions[i].def, true));
		differ |= strcmp(a->questions[i].id, b->questions[i].id) != 0;
		for (size_t j = 0; j < i; j++) /* no question twice */
			assert_string_not_equal(a->questions[i].id, a->questions[j].id);
	}
	assert_true(differ);
	/* the counts of every rule hold (rules overlap: law questions can be true_false) */
	contest_paper *ps[2] = {a, b};
	for (int p = 0; p < 2; p++) {
		assert_true(count_where(ps[p]->questions, 14, "fire", "easy", NULL) >= 2);
		assert_true(count_where(ps[p]->questions, 14, "elec", "hard", NULL) >= 3);
		assert_true(count_where(ps[p]->questions, 14, "law", NULL, NULL) >= 5);
		assert_true(count_where(ps[p]->questions, 14, NULL, NULL, "true_false") >= 4);
	}
	/* pinned: the same paper on every machine (xoshiro256** via splitmix64, FNV-1a seed) */
	static const char *const alice[] = {"b.law-h4",  "b.law-e2",  "b.fire-e3", "b.elec-h2", "b.law-e4",
					    "b.fire-e2", "b.law-h1",  "b.law-m1",  "b.law-e1",  "b.fire-h2",
					    "b.elec-h4", "b.fire-m2", "b.elec-h1", "b.elec-h3"};
	assert_int_equal(a->seed, 0xc33bbcff861ec970ull);
	for (size_t i = 0; i < 14; i++)
		assert_string_equal(a->questions[i].id, alice[i]);
	contest_paper_free(a);
	contest_paper_free(a2);
	contest_paper_free(b);
	contest_free(c);
}

/* Option shuffles keep the answer pointing at the same option text. */
static void test_option_shuffle(void **state)
{
	contest_def *c = load_ok(*state, TD "contest/paper.json");
	contest_bank *bank = NULL;
	contest_diag d = {0};
	assert_int_equal(contest_bank_load(TD "bank/draw.json", *state, "en", &bank, &d), 0);
	int moved = 0;
	const char *who[] = {"p1", "p2", "p3", "p4", "p5", "p6"};
	for (int w = 0; w < 6; w++) {
		contest_paper *p = NULL;
		char *err = NULL;
		assert_int_equal(contest_paper_draw(c, *state, who[w], &p, &err), 0);
		for (size_t i = 0; i < p->nquestions; i++) {
			const cJSON *got = p->questions[i].def;
			const cJSON *orig = tc_question(bank->root, p->questions[i].id + 2);
			const cJSON *go = cJSON_GetObjectItem(got, "options"),
				    *oo = cJSON_GetObjectItem(orig, "options");
			const cJSON *ga = cJSON_GetObjectItem(got, "answer"),
				    *oa = cJSON_GetObjectItem(orig, "answer");
			if (!go)
				continue;
			if (!cJSON_Compare(go, oo, true))
				moved++;
			if (cJSON_IsFalse(cJSON_GetObjectItem(orig, "shuffle_options")))
				assert_true(cJSON_Compare(go, oo, true));
			if (cJSON_IsNumber(oa)) {
				assert_string_equal(cJSON_GetArrayItem(go, ga->valueint)->valuestring,
						    cJSON_GetArrayItem(oo, oa->valueint)->valuestring);
			} else {
				assert_int_equal(cJSON_GetArraySize(ga), cJSON_GetArraySize(oa));
				const cJSON *x;
				cJSON_ArrayForEach(x, oa)
				{
					const char *want = cJSON_GetArrayItem(oo, x->valueint)->valuestring;
					bool found = false;
					const cJSON *y;
					cJSON_ArrayForEach(y, ga) found |=
						strcmp(cJSON_GetArrayItem(go, y->valueint)->valuestring,
						       want) == 0;
					assert_true(found);
				}
			}
			/* and the shuffled question still scores its right answer as correct */
			score_result r;
			score_ctx ctx = {.response_ms = 0, .limit_ms = 10000};
			assert_int_equal(score_answer(p->questions[i].compiled, ga, &ctx, &r), 0);
			assert_int_equal(r.correctness, SCORE_CORRECT);
		}
		contest_paper_free(p);
	}
	assert_true(moved > 10);
	contest_bank_free(bank);
	contest_free(c);
}

static void test_ratio(void **state)
{
	contest_def *c = load_ok(*state, TD "contest/ratio.json");
	assert_int_equal(c->nquestions, 10);
	assert_int_equal(count_where(c->questions, 10, NULL, NULL, "single_choice"), 5);
	assert_int_equal(count_where(c->questions, 10, NULL, NULL, "true_false"), 3);
	assert_int_equal(count_where(c->questions, 10, NULL, NULL, "multiple_choice"), 2);
	assert_int_equal(count_where(c->questions, 10, NULL, "medium", NULL), 10);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(c->questions[i].time_limit_ms, 15000);
	/* live: one paper for everyone */
	contest_paper *p = NULL;
	char *err = NULL;
	assert_int_equal(contest_paper_draw(c, *state, "anyone", &p, &err), 0);
	for (size_t i = 0; i < 10; i++)
		assert_string_equal(p->questions[i].id, c->questions[i].id);
	contest_paper_free(p);
	contest_free(c);
}

/* Reorders the keys of every object: as PostgreSQL's jsonb keeps them (shorter first, then by bytes), or reversed. */
static bool keys_reversed;
static int jsonb_cmp(const void *a, const void *b)
{
	const char *x = (*(cJSON *const *)a)->string, *y = (*(cJSON *const *)b)->string;
	size_t lx = strlen(x), ly = strlen(y);
	int d = lx != ly ? (lx > ly) - (lx < ly) : strcmp(x, y);
	return keys_reversed ? -d : d;
}

static void jsonb_order(cJSON *v)
{
	for (cJSON *it = v->child; it; it = it->next)
		jsonb_order(it);
	if (!cJSON_IsObject(v))
		return;
	cJSON *kids[64];
	int n = 0;
	while (v->child) {
		assert_true(n < 64);
		kids[n++] = cJSON_DetachItemViaPointer(v, v->child);
	}
	qsort(kids, (size_t)n, sizeof kids[0], jsonb_cmp);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(v, kids[i]); /* an object is an array of named items */
}

/* The contest file with every object's keys reordered, loaded under the file's own name. */
static contest_def *load_reordered(score_engine *eng, const char *path, bool reversed)
{
	char *file = tc_read(path, NULL);
	cJSON *root = cJSON_Parse(file);
	free(file);
	keys_reversed = reversed;
	jsonb_order(root);
	char *text = cJSON_PrintUnformatted(root);
	contest_diag d = {0};
	contest_def *c = NULL;
	if (contest_load_mem(path, text, strlen(text), eng, "en", &c, &d) != 0)
		fail_msg("reordered %s does not load:\n%s", path, tc_diag_text(&d));
	free(text);
	cJSON_Delete(root);
	return c;
}

/* Same questions in the same order, each with the same options and answer. */
static void assert_same_questions(const contest_question *a, size_t na, const contest_question *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(a[i].id, b[i].id);
		static const char *const keys[] = {"options", "answer", "option_feedback"};
		for (int k = 0; k < 3; k++) {
			const cJSON *x = cJSON_GetObjectItem(a[i].def, keys[k]);
			const cJSON *y = cJSON_GetObjectItem(b[i].def, keys[k]);
			assert_true(x ? cJSON_Compare(x, y, true) : !y);
		}
	}
}

/*
 * Issue 9 item 4: a process that loads PostgreSQL's jsonb copy of an uploaded
 * contest (keys reordered) draws the same papers as the one that got the file.
 */
static void test_draw_ignores_key_order(void **state)
{
	const char *path = TD "contest/jsonb.json";
	contest_def *c = load_ok(*state, path);
	/* 1:1:1 of 7: the tie of remainders goes to the first type by name, whatever the key order */
	assert_int_equal(count_where(c->questions, 7, NULL, NULL, "multiple_choice"), 3);
	assert_int_equal(count_where(c->questions, 7, NULL, NULL, "single_choice"), 2);
	assert_int_equal(count_where(c->questions, 7, NULL, NULL, "true_false"), 2);
	for (int r = 0; r < 2; r++) {
		contest_def *o = load_reordered(*state, path, r == 1);
		assert_same_questions(c->questions, c->nquestions, o->questions, o->nquestions);
		for (int p = 0; p < 8; p++) {
			char key[16];
			snprintf(key, sizeof key, "p%d", p);
			contest_paper *x = NULL, *y = NULL;
			char *err = NULL;
			assert_int_equal(contest_paper_draw(c, *state, key, &x, &err), 0);
			assert_int_equal(contest_paper_draw(o, *state, key, &y, &err), 0);
			assert_int_equal(x->seed, y->seed);
			assert_same_questions(x->questions, x->nquestions, y->questions, y->nquestions);
			contest_paper_free(x);
			contest_paper_free(y);
		}
		contest_free(o);
	}
	contest_free(c);
}

/* A key given twice is refused anywhere: cJSON reads the first, jsonb keeps the last. */
static void test_repeated_key(void **state)
{
	const char *text = "{\"code\": \"DUP2026\", \"title\": \"t\", \"mode\": \"live\", \"questions\": ["
			   "{\"id\": \"a\", \"type\": \"numeric\", \"text\": \"x\","
			   " \"answer\": {\"value\": 1, \"tolerance\": 0, \"value\": 2}}]}";
	contest_diag d = {0};
	contest_def *c = NULL;
	assert_int_equal(contest_load_mem("dup.json", text, strlen(text), *state, "en", &c, &d),
			 CONTEST_E_INVALID);
	assert_null(c);
	tc_has_line(&d, "dup.json: $.questions[0].answer.value: field 'value' appears twice");
	assert_int_equal(d.count, 1);
	contest_diag_free(&d);
}

static void test_stages_rounds(void **state)
{
	contest_def *c = load_ok(*state, TD "contest/stages.json");
	assert_int_equal(c->nstages, 3);
	assert_string_equal(c->stages[0].id, "theory");
	assert_true(c->stages[0].weight == 30);
	assert_int_equal(c->stages[0].count, 6);
	assert_int_equal(c->stages[0].time_limit_ms, 40000);
	assert_string_equal(c->stages[1].kind, "judged");
	assert_true(c->stages[1].weight == 70);
	assert_int_equal(c->ntasks, 1);
	assert_string_equal(c->tasks[0].id, "wiring");
	assert_string_equal(score_question_type(c->tasks[0].compiled), "judged");
	assert_int_equal(c->nquestions, 7);
	assert_int_equal(c->questions[6].stage, 2);
	assert_string_equal(c->questions[6].id, "f1");
	assert_int_equal(c->nrounds, 2);
	assert_int_equal(c->rounds[0].advance_top, 10);
	assert_int_equal(c->rounds[1].advance_top, 0);
	assert_int_equal(c->stages[0].round, 0);
	assert_int_equal(c->stages[1].round, 0);
	assert_int_equal(c->stages[2].round, 1);
	assert_true(c->pass_mark == 60);
	/* 2026-06-01T08:00:00+08:00 .. 2026-06-02T18:00:00+08:00, 120 minutes each */
	assert_int_equal(c->opens_at, 1780272000);
	assert_int_equal(c->closes_at, 1780394400);
	assert_int_equal(c->duration_ms, 120 * 60000);
	assert_int_equal(c->starts_at, 1780243200); /* 2026-06-01, China time */
	assert_true(c->leaderboard_individual && c->leaderboard_unit && !c->leaderboard_team);
	/* awards by rank: 1 first, 2 second, 3 third; a tie shares the better rank */
	assert_string_equal(c->awards_by, "rank");
	assert_int_equal(c->nawards, 3);
	assert_string_equal(cx_text(c->awards[1].name, "zh-CN"), "二等奖");
	assert_int_equal(contest_award(c, 1, 90), 0);
	assert_int_equal(contest_award(c, 2, 90), 1);
	assert_int_equal(contest_award(c, 3, 90), 1);
	assert_int_equal(contest_award(c, 4, 90), 2);
	assert_int_equal(contest_award(c, 6, 90), 2);
	assert_int_equal(contest_award(c, 7, 90), -1);
	assert_true(contest_passed(c, 60));
	assert_false(contest_passed(c, 59.9));
	contest_free(c);
}

static void test_awards_by_score(void **state)
{
	contest_def *c = load_ok(*state, "contests/samples/safety-month-exam.json");
	assert_string_equal(c->awards_by, "score");
	assert_true(c->awards_require_pass);
	assert_int_equal(contest_award(c, 50, 96), 0);
	assert_int_equal(contest_award(c, 1, 90), 1);
	assert_int_equal(contest_award(c, 1, 89.5), -1);
	assert_false(contest_passed(c, 79));
	assert_true(contest_passed(c, 80));
	contest_free(c);
	c = load_ok(*state, "contests/demo/safety.json");
	assert_int_equal(contest_award(c, 1, 100), -1); /* no awards */
	assert_true(contest_passed(c, 0));              /* no pass mark */
	assert_true(c->leaderboard_individual);
	contest_free(c);
}

/* "feedback": reveal by default and when said, instant when said; anything else
 * refused, and so is the field outside live mode. */
static void test_feedback(void **state)
{
	static const struct {
		const char *mode;
		const char *field; /* the "feedback" member, "" for none */
		int rc;
		bool instant;
		const char *problem; /* with rc -1 */
	} rows[] = {
		{"live", "", 0, false, NULL},
		{"live", ",\"feedback\": \"reveal\"", 0, false, NULL},
		{"live", ",\"feedback\": \"instant\"", 0, true, NULL},
		{"live", ",\"feedback\": \"later\"", -1, false,
		 "f.json: $.feedback: invalid feedback 'later' (use reveal: points at the reveal, or instant: points "
		 "at once)"},
		{"live", ",\"feedback\": true", -1, false, "f.json: $.feedback: expected a string"},
		{"live", ",\"feedback\": \"\"", -1, false, "f.json: $.feedback: must not be empty"},
		{"practice", ",\"feedback\": \"reveal\"", -1, false,
		 "f.json: $.feedback: 'feedback' applies only in live mode"},
		{"practice", "", 0, false, NULL},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char json[512];
		snprintf(json, sizeof json,
			 "{\"code\": \"FB2026\", \"title\": \"t\", \"mode\": \"%s\"%s, \"questions\": "
			 "[{\"id\": \"a\", \"type\": \"true_false\", \"text\": \"x\", \"answer\": true}]}",
			 rows[i].mode, rows[i].field);
		contest_diag d = {0};
		contest_def *c = NULL;
		assert_int_equal(contest_load_mem("f.json", json, strlen(json), *state, "en", &c, &d),
				 rows[i].rc);
		if (rows[i].rc == 0) {
			assert_int_equal(c->feedback_instant, rows[i].instant);
			contest_free(c);
		} else {
			tc_has_line(&d, rows[i].problem);
			assert_int_equal(d.count, 1);
		}
		contest_diag_free(&d);
	}
}

/* The 100-question safety-month exam: every participant's paper is full, distinct, 5:3:2. */
static void test_sample_exam_many(void **state)
{
	contest_def *c = load_ok(*state, "contests/samples/safety-month-exam.json");
	uint64_t prev = 0;
	for (int p = 0; p < 40; p++) {
		char key[16];
		snprintf(key, sizeof key, "E%04d", p);
		contest_paper *pp = NULL;
		char *err = NULL;
		assert_int_equal(contest_paper_draw(c, *state, key, &pp, &err), 0);
		assert_int_equal(pp->nquestions, 100);
		assert_int_equal(count_where(pp->questions, 100, NULL, NULL, "single_choice"), 50);
		assert_int_equal(count_where(pp->questions, 100, NULL, NULL, "true_false"), 30);
		assert_int_equal(count_where(pp->questions, 100, NULL, NULL, "multiple_choice"), 20);
		for (size_t i = 0; i < 100; i++)
			for (size_t j = 0; j < i; j++)
				assert_string_not_equal(pp->questions[i].id, pp->questions[j].id);
		assert_true(pp->seed != prev);
		prev = pp->seed;
		contest_paper_free(pp);
	}
	contest_free(c);
}

static void test_advancing(void **state)
{
	(void)state;
	int64_t s[] = {100, 90, 90, 90, 80, 70};
	assert_int_equal(contest_advancing(s, 6, 2), 4); /* tied at the cutoff: all advance */
	assert_int_equal(contest_advancing(s, 6, 4), 4);
	assert_int_equal(contest_advancing(s, 6, 5), 5);
	assert_int_equal(contest_advancing(s, 6, 1), 1);
	assert_int_equal(contest_advancing(s, 6, 10), 6);
	assert_int_equal(contest_advancing(s, 6, 0), 0);
	int64_t t[] = {5, 5, 5};
	assert_int_equal(contest_advancing(t, 3, 1), 3);
}

static void test_prng_documented(void **state)
{
	(void)state;
	/* splitmix64 from 0: the published first outputs seed xoshiro256** */
	cx_rng r;
	cx_rng_seed(&r, 0);
	assert_int_equal(r.s[0], 0xe220a8397b1dcdafull);
	assert_int_equal(r.s[1], 0x6e789e6aa1b965f4ull);
	assert_int_equal(r.s[2], 0x06c45d188009454full);
	assert_int_equal(r.s[3], 0xf88bb8a8724c81ecull);
	/* FNV-1a 64 of "a", "\x1f" */
	uint64_t h = 0xcbf29ce484222325ull;
	h = (h ^ 'a') * 0x100000001b3ull;
	h = (h ^ 0x1f) * 0x100000001b3ull;
	assert_int_equal(cx_seed("a", ""), h);
	/* bounded draws stay in range and cover it */
	int seen[7] = {0};
	for (int i = 0; i < 700; i++) {
		uint64_t v = cx_rng_below(&r, 7);
		assert_true(v < 7);
		seen[v]++;
	}
	for (int i = 0; i < 7; i++)
		assert_true(seen[i] > 50);
}

/* "credits" and "hours" (the training record): numbers 0..1000, -1 when not given. */
static void test_credits_hours(void **state)
{
	static const char good[] =
		"{\"code\": \"REC2026\", \"title\": {\"zh-CN\": \"t\"}, \"mode\": \"live\", "
		"\"credits\": 2.5, \"hours\": 4, \"questions\": [{\"id\": \"a\", \"type\": \"true_false\", "
		"\"text\": \"x\", \"answer\": true}]}";
	static const char none[] = "{\"code\": \"REC2026\", \"title\": \"t\", \"mode\": \"live\", "
				   "\"questions\": [{\"id\": \"a\", \"type\": \"true_false\", "
				   "\"text\": \"x\", \"answer\": true}]}";
	static const char bad[] =
		"{\"code\": \"REC2026\", \"title\": \"t\", \"mode\": \"live\", \"credits\": -1, "
		"\"hours\": \"4\", \"questions\": [{\"id\": \"a\", \"type\": \"true_false\", "
		"\"text\": \"x\", \"answer\": true}]}";
	contest_def *c = NULL;
	contest_diag d = {0};
	assert_int_equal(contest_load_mem("good.json", good, sizeof good - 1, *state, "en", &c, &d), 0);
	assert_true(c->credits == 2.5 && c->hours == 4);
	contest_free(c);
	assert_int_equal(contest_load_mem("none.json", none, sizeof none - 1, *state, "en", &c, &d), 0);
	assert_true(c->credits == -1 && c->hours == -1);
	contest_free(c);
	assert_int_equal(contest_load_mem("bad.json", bad, sizeof bad - 1, *state, "en", &c, &d), -1);
	assert_null(c);
	tc_has_line(&d, "bad.json: $.credits: must be between 0 and 1000");
	tc_has_prefix(&d, "bad.json: $.hours: ");
	assert_int_equal(d.count, 2);
	contest_diag_free(&d);
	assert_int_equal(contest_load_mem("bad.json", bad, sizeof bad - 1, *state, "zh-CN", &c, &d), -1);
	tc_has_line(&d, "bad.json: $.credits: 应在 0 到 1000 之间");
	contest_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo),
		cmocka_unit_test(test_bad_everything),
		cmocka_unit_test(test_inline_problems),
		cmocka_unit_test(test_draw_reproducible),
		cmocka_unit_test(test_option_shuffle),
		cmocka_unit_test(test_ratio),
		cmocka_unit_test(test_draw_ignores_key_order),
		cmocka_unit_test(test_repeated_key),
		cmocka_unit_test(test_stages_rounds),
		cmocka_unit_test(test_awards_by_score),
		cmocka_unit_test(test_feedback),
		cmocka_unit_test(test_sample_exam_many),
		cmocka_unit_test(test_advancing),
		cmocka_unit_test(test_prng_documented),
		cmocka_unit_test(test_credits_hours),
	};
	return cmocka_run_group_tests(tests, tc_setup, tc_teardown);
}
