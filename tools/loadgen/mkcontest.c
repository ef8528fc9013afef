/*
 * mkcontest.c - `loadgen mkcontest`: the contests `make bench` plays.
 *
 * Live (the default): N inline single-choice questions whose correct
 * option is `index % options`, which player.c relies on to check every
 * answer's points; with `"feedback": "reveal"` (the default, as the
 * server's: points at the reveal, leaderboard freshness measured from it),
 * or `--feedback instant` (each ack carries its points, freshness measured
 * from the ack).
 *
 * Self-paced (`--mode exam` or `--mode mass`): a contest whose window is
 * open from an hour ago for two days (exam) or three weeks (mass), each
 * participant's own paper of N questions drawn from a bank of
 * `--bank-questions` (written to `--bank-out`, named in the contest as
 * `--bank-ref`, relative to the contest file), questions and options
 * shuffled, results and key shown at submission. The bank mixes the types
 * of a real safety paper (12 of every 20 single choice, 5 true/false, 3
 * multiple choice) and every question says its own key in its English
 * text ("pick C", "pick A,C", "pick true") with options "A", "B", ...: the
 * load generator finds the right answer in the order the participant sees
 * the options, so it can check each result's counts without the server's
 * help. Exam: one attempt; mass: three a day, as the national contest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lg.h"

typedef struct mk_opts {
	const char *code, *mode, *bank_out, *bank_ref, *feedback;
	int questions, time_limit, options, bank_questions, duration_min;
} mk_opts;

static int mk_fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "loadgen mkcontest: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	return 2;
}

static int mk_int(const char *v, int lo, int hi, int *out)
{
	char *e;
	long n = strtol(v, &e, 10);
	if (*e || e == v || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static void mk_live(const mk_opts *o)
{
	printf("{\n  \"code\": \"%s\",\n  \"title\": {\"zh-CN\": \"压测竞赛 %s\", \"en\": \"Benchmark contest %s\"},\n"
	       "  \"mode\": \"live\",\n  \"time_limit_s\": %d,\n  \"scoring\": {\"points\": 1000, \"time_factor\": true},\n"
	       "  \"feedback\": \"%s\",\n  \"questions\": [\n",
	       o->code, o->code, o->code, o->time_limit, o->feedback);
	for (int i = 0; i < o->questions; i++) {
		int k = i % o->options + 1;
		printf("    {\"id\": \"q%d\", \"type\": \"single_choice\", \"text\": {\"zh-CN\": \"第 %d 题：选第 %d 项\", \"en\": "
		       "\"Question %d: pick option %d\"},\n     \"options\": [",
		       i + 1, i + 1, k, i + 1, k);
		for (int j = 0; j < o->options; j++)
			printf("%s\"%c\"", j ? ", " : "", 'A' + j);
		printf("], \"answer\": %d}%s\n", i % o->options, i + 1 < o->questions ? "," : "");
	}
	printf("  ]\n}\n");
}

/* One bank question: its type by i % 20, its key from i, its key spelled out in its text. */
static void mk_bank_question(FILE *f, int i, int nopt, int last)
{
	int slot = i % 20, a = i % nopt, b = (a + 2) % nopt;
	const char *type = slot < 12 ? "single_choice" : slot < 17 ? "true_false" : "multiple_choice";
	char key[32], answer[32];
	if (slot < 12) {
		snprintf(key, sizeof key, "%c", 'A' + a);
		snprintf(answer, sizeof answer, "%d", a);
	} else if (slot < 17) {
		snprintf(key, sizeof key, "%s", i % 2 ? "false" : "true");
		snprintf(answer, sizeof answer, "%s", key);
	} else {
		int lo = a < b ? a : b, hi = a < b ? b : a;
		snprintf(key, sizeof key, "%c,%c", 'A' + lo, 'A' + hi);
		snprintf(answer, sizeof answer, "[%d, %d]", lo, hi);
	}
	fprintf(f,
		"    {\"id\": \"b%d\", \"type\": \"%s\", \"category\": \"c%d\",\n"
		"     \"text\": {\"zh-CN\": \"压测题 %d：请选 %s\", \"en\": \"Benchmark question %d: pick %s\"},\n"
		"     ",
		i + 1, type, i % 5 + 1, i + 1, key, i + 1, key);
	if (slot < 12 || slot >= 17) {
		fprintf(f, "\"options\": [");
		for (int j = 0; j < nopt; j++)
			fprintf(f, "%s\"%c\"", j ? ", " : "", 'A' + j);
		fprintf(f, "], ");
	}
	fprintf(f,
		"\"answer\": %s,\n     \"explanation\": {\"zh-CN\": \"答案是 %s。\", \"en\": \"The key is %s.\"}}%s\n",
		answer, key, key, last ? "" : ",");
}

static int mk_bank(const mk_opts *o)
{
	FILE *f = fopen(o->bank_out, "w");
	if (!f)
		return mk_fail("cannot write '%s'", o->bank_out);
	fprintf(f,
		"{\n  \"format\": \"skillarena-bank/1\",\n  \"id\": \"lg-%s\",\n"
		"  \"title\": {\"zh-CN\": \"压测题库 %s\", \"en\": \"Benchmark bank %s\"},\n  \"categories\": [",
		o->code, o->code, o->code);
	for (int c = 1; c <= 5; c++)
		fprintf(f, "%s{\"id\": \"c%d\", \"title\": \"第 %d 章\"}", c > 1 ? ", " : "", c, c);
	fprintf(f, "],\n  \"questions\": [\n");
	for (int i = 0; i < o->bank_questions; i++)
		mk_bank_question(f, i, o->options, i + 1 == o->bank_questions);
	fprintf(f, "  ]\n}\n");
	return fclose(f) == 0 ? 0 : mk_fail("cannot write '%s'", o->bank_out);
}

static void iso_utc(char *buf, size_t n, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
}

static int mk_paced(const mk_opts *o)
{
	int mass = strcmp(o->mode, "mass") == 0;
	char opens[40], closes[40];
	time_t now = time(NULL);
	if (!o->bank_out || !o->bank_ref)
		return mk_fail("%s contests need --bank-out FILE and --bank-ref PATH", o->mode);
	if (o->bank_questions < o->questions)
		return mk_fail("--bank-questions must be at least --questions%s", "");
	if (mk_bank(o))
		return 2;
	iso_utc(opens, sizeof opens, now - 3600);
	iso_utc(closes, sizeof closes, now + (mass ? 21 : 2) * 86400);
	printf("{\n  \"code\": \"%s\",\n  \"title\": {\"zh-CN\": \"压测%s %s\", \"en\": \"Benchmark %s %s\"},\n"
	       "  \"mode\": \"%s\",\n"
	       "  \"window\": {\"opens_at\": \"%s\", \"closes_at\": \"%s\", \"duration_min\": %d},\n"
	       "  \"attempts\": {\"max\": %d, \"per_day\": %d, \"counts\": \"best\", \"show_results\": \"submit\", "
	       "\"show_key\": true, \"show_score\": true},\n"
	       "  \"scoring\": {\"points\": 1, \"time_factor\": false},\n"
	       "  \"leaderboards\": {\"individual\": true, \"unit\": true},\n"
	       "  \"banks\": {\"lg\": \"%s\"},\n"
	       "  \"paper\": {\"rules\": [{\"bank\": \"lg\", \"count\": %d}], \"shuffle_questions\": true, "
	       "\"shuffle_options\": true}\n}\n",
	       o->code, mass ? "竞答" : "考试", o->code, o->mode, o->code, o->mode, opens, closes,
	       o->duration_min, mass ? 0 : 1, mass ? 3 : 0, o->bank_ref, o->questions);
	return 0;
}

int lg_mkcontest(int argc, char **argv)
{
	mk_opts o = {NULL, "live", NULL, NULL, "reveal", 20, 20, 4, 0, 0};
	int rc = 0;
	for (int i = 0; i < argc && !rc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[++i] : NULL;
		if (!v)
			return mk_fail("option '%s' needs a value", a);
		if (strcmp(a, "--code") == 0)
			o.code = v;
		else if (strcmp(a, "--mode") == 0)
			o.mode = v;
		else if (strcmp(a, "--feedback") == 0)
			o.feedback = v;
		else if (strcmp(a, "--bank-out") == 0)
			o.bank_out = v;
		else if (strcmp(a, "--bank-ref") == 0)
			o.bank_ref = v;
		else if (strcmp(a, "--questions") == 0)
			rc = mk_int(v, 1, LG_MAXQ, &o.questions);
		else if (strcmp(a, "--time-limit") == 0)
			rc = mk_int(v, 1, 3600, &o.time_limit);
		else if (strcmp(a, "--options") == 0)
			rc = mk_int(v, 2, 8, &o.options);
		else if (strcmp(a, "--bank-questions") == 0)
			rc = mk_int(v, 1, 20000, &o.bank_questions);
		else if (strcmp(a, "--duration-min") == 0)
			rc = mk_int(v, 1, 1440, &o.duration_min);
		else
			return mk_fail("unknown option '%s'", a);
		if (rc)
			return mk_fail("bad value for '%s'", a);
	}
	if (!o.code)
		return mk_fail("mkcontest needs --code%s", "");
	if (strcmp(o.feedback, "instant") != 0 && strcmp(o.feedback, "reveal") != 0)
		return mk_fail("unknown feedback '%s' (instant, reveal)", o.feedback);
	if (strcmp(o.mode, "live") == 0) {
		mk_live(&o);
		return 0;
	}
	if (strcmp(o.mode, "exam") != 0 && strcmp(o.mode, "mass") != 0)
		return mk_fail("unknown mode '%s' (live, exam, mass)", o.mode);
	if (!o.bank_questions)
		o.bank_questions = o.questions * 10;
	if (!o.duration_min)
		o.duration_min = strcmp(o.mode, "mass") == 0 ? 5 : 60;
	return mk_paced(&o);
}
