/*
 * bench_scoring.c - scorings per second per question type on one core
 * (make bench-scoring). Each type scores a typical response, already parsed,
 * through score_answer() with the time factor on, for about 0.3 s; the
 * figure is the mean cost of one call (validation + scoring + rules).
 *
 * usage: bench_scoring [PLUGINS_DIR [JSON_OUT]]
 * prints "bench: scoring type=T ns_per_op=N ops_per_s=N" per type.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scoring.h"

static const struct {
	const char *name, *q, *resp;
} cases[] = {
	{"single_choice", "{\"type\":\"single_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":1}",
	 "1"},
	{"multiple_choice",
	 "{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":[0,2],"
	 "\"partial\":true}",
	 "[2,0,3]"},
	{"true_false", "{\"type\":\"true_false\",\"answer\":true}", "true"},
	{"numeric",
	 "{\"type\":\"numeric\",\"answer\":[{\"value\":3.5,\"tolerance\":0.1},{\"min\":7,\"max\":8}]}",
	 "\"３，５\""},
	{"fill_in",
	 "{\"type\":\"fill_in\",\"answer\":[[\"预防为主\",\"预防\"],\"综合治理\"],\"partial\":true}",
	 "[\"预防为主　\",\"综合 治理\"]"},
	{"ordering",
	 "{\"type\":\"ordering\",\"items\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"answer\":[4,2,0,1,3],"
	 "\"partial\":\"pairwise\"}",
	 "[4,0,2,1,3]"},
	{"matching",
	 "{\"type\":\"matching\",\"left\":[\"a\",\"b\",\"c\",\"d\"],\"right\":[\"w\",\"x\",\"y\",\"z\"],"
	 "\"answer\":[1,0,3,2]}",
	 "[1,0,2,3]"},
	{"judged",
	 "{\"type\":\"judged\",\"rubric\":[{\"id\":\"m1\",\"kind\":\"measurement\",\"max\":10},"
	 "{\"id\":\"m2\",\"kind\":\"measurement\",\"max\":20,\"scale\":5},{\"id\":\"j1\",\"kind\":\"judgement\",\"max\":30}]}",
	 "{\"m1\":true,\"m2\":3.5,\"j1\":[3,2,2,3,1]}"},
	{"keywords",
	 "{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"通风\"]},{\"any\":[\"检测\",\"测氧\"]},"
	 "{\"any\":[\"监护\"]}],\"forbidden\":[\"直接进入\"],\"ordered\":true}",
	 "\"先通风，再用仪器检测氧气和有毒气体，然后在专人监护下作业\""},
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof one, &one); /* one core; best effort */

	score_engine *eng;
	char *warn = NULL;
	if (score_engine_new(&eng, argc > 1 ? argv[1] : NULL, &warn)) {
		fprintf(stderr, "bench_scoring: %s", warn ? warn : "cannot create the engine\n");
		return 1;
	}
	if (warn)
		fprintf(stderr, "%s", warn);
	free(warn);
	FILE *json = argc > 2 ? fopen(argv[2], "w") : NULL;
	if (json)
		fprintf(json, "{\"scoring\":[");
	cJSON *rules = cJSON_Parse("{\"points\":1000,\"time_factor\":true,\"streak_bonus\":100}");
	int first = 1, failed = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *q = cJSON_Parse(cases[i].q), *resp = cJSON_Parse(cases[i].resp);
		score_question *sq;
		char *err = NULL;
		int rc = score_compile(eng, q, rules, &sq, &err);
		if (rc == SCORE_E_UNKNOWN_TYPE) { /* a plugin type when no plugins were given */
			printf("bench: scoring type=%s skipped (not loaded)\n", cases[i].name);
			free(err);
			cJSON_Delete(q);
			cJSON_Delete(resp);
			continue;
		}
		if (rc) {
			fprintf(stderr, "bench_scoring: %s: %s\n", cases[i].name, err);
			return 1;
		}
		score_ctx ctx = {.response_ms = 3200, .limit_ms = 20000, .streak = 2};
		score_result res;
		if (score_answer(sq, resp, &ctx, &res) != SCORE_OK) {
			fprintf(stderr, "bench_scoring: %s: the response is refused\n", cases[i].name);
			failed = 1;
		}
		long iters = 1000;
		double t;
		volatile int64_t sink = 0;
		for (;;) { /* grow the batch until it takes ~0.3 s */
			double t0 = now_s();
			for (long k = 0; k < iters; k++) {
				ctx.response_ms = 3200 + (k & 1023);
				score_answer(sq, resp, &ctx, &res);
				sink += res.points_milli;
			}
			t = now_s() - t0;
			if (t > 0.3)
				break;
			iters *= t < 0.03 ? 10 : 2;
		}
		(void)sink;
		double ns = t * 1e9 / iters;
		printf("bench: scoring type=%s ns_per_op=%.1f ops_per_s=%.0f\n", cases[i].name, ns, 1e9 / ns);
		if (json)
			fprintf(json, "%s{\"type\":\"%s\",\"ns_per_op\":%.1f,\"ops_per_s\":%.0f}",
				first ? "" : ",", cases[i].name, ns, 1e9 / ns);
		first = 0;
		score_question_free(sq);
		cJSON_Delete(q);
		cJSON_Delete(resp);
	}
	if (json) {
		fprintf(json, "]}\n");
		fclose(json);
	}
	cJSON_Delete(rules);
	score_engine_free(eng);
	return failed;
}
