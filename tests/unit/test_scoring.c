/*
 * test_scoring.c - table-driven tests of the scoring engine: every built-in
 * type's responses under every rule (score_answer, canonical form), every
 * refused definition (score_compile), and the engine's API around them.
 *
 * Each table row is one cmocka test, named after the row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scoring.h"

static score_engine *eng;

/* ---------- questions ---------- */

#define SC "{\"type\":\"single_choice\",\"text\":\"t\",\"options\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":1}"
#define MC "{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":[0,2]}"
#define MCP \
	"{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":[0,2],\"partial\":true}"
#define MCH \
	"{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":[0,2],\"partial\":true,\"wrong_pick_penalty\":0.5}"
#define MC0 \
	"{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":[0,2],\"partial\":true,\"wrong_pick_penalty\":0}"
#define MC3 \
	"{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"answer\":[0,1,2],\"partial\":true}"
#define TF "{\"type\":\"true_false\",\"answer\":true}"
#define TFF "{\"type\":\"true_false\",\"answer\":false}"
#define NQ "{\"type\":\"numeric\",\"answer\":9.8}"
#define NT "{\"type\":\"numeric\",\"answer\":{\"value\":3.5,\"tolerance\":0.1}}"
#define NR "{\"type\":\"numeric\",\"answer\":{\"value\":220,\"relative\":0.05}}"
#define NRG "{\"type\":\"numeric\",\"answer\":{\"min\":2,\"max\":3}}"
#define NM "{\"type\":\"numeric\",\"answer\":[1,{\"min\":5,\"max\":6},{\"value\":10,\"tolerance\":1}]}"
#define NQT "{\"type\":\"numeric\",\"answer\":100,\"tolerance\":2}"
#define FQ "{\"type\":\"fill_in\",\"answer\":[\"预防为主\"]}"
#define FQ2 \
	"{\"type\":\"fill_in\",\"answer\":[[\"A=ma\",\"F=ma\"],\"牛顿\"],\"ignore_case\":true,\"partial\":true}"
#define FQ3 "{\"type\":\"fill_in\",\"answer\":[\"Ohm\"]}"
#define OQ "{\"type\":\"ordering\",\"items\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":[2,0,1,3]}"
#define OQP \
	"{\"type\":\"ordering\",\"items\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":[2,0,1,3],\"partial\":\"position\"}"
#define OQW \
	"{\"type\":\"ordering\",\"items\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":[2,0,1,3],\"partial\":\"pairwise\"}"
#define MQ \
	"{\"type\":\"matching\",\"left\":[\"a\",\"b\",\"c\"],\"right\":[\"x\",\"y\",\"z\",\"w\"],\"answer\":[1,0,2]}"
#define MQN \
	"{\"type\":\"matching\",\"left\":[\"a\",\"b\",\"c\"],\"right\":[\"x\",\"y\",\"z\",\"w\"],\"answer\":[1,0,2],\"partial\":false}"
#define JQ                                                                                      \
	"{\"type\":\"judged\",\"rubric\":[{\"id\":\"m1\",\"kind\":\"measurement\",\"max\":10}," \
	"{\"id\":\"m2\",\"kind\":\"measurement\",\"max\":20,\"scale\":5},{\"id\":\"j1\",\"kind\":\"judgement\",\"max\":30}]}"

/* ---------- rules ---------- */

#define R_TF "{\"points\":1000,\"time_factor\":true}"
#define R_TF0 "{\"points\":1000,\"time_factor\":true,\"time_grace_ms\":0}"
#define R_TF10 "{\"points\":10,\"time_factor\":true}"
#define R_NEG "{\"negative_marking\":true}"
#define R_PEN "{\"negative_marking\":true,\"wrong_penalty\":250}"
#define R_PENTF "{\"negative_marking\":true,\"wrong_penalty\":250,\"time_factor\":true}"
#define R_W15 "{\"points\":1000,\"weight\":1.5}"
#define R_W05 "{\"points\":100,\"weight\":0.5}"
#define R_W0 "{\"weight\":0}"
#define R_STK "{\"streak_bonus\":100}"
#define R_STK150 "{\"streak_bonus\":100,\"streak_max\":150}"

enum { W = 0, P = 1, C = 2, SKIP = -99 };
#define E_RESP SCORE_E_RESPONSE
#define E_RANGE SCORE_E_RANGE

typedef struct acase {
	const char *name, *q, *rules, *resp;
	int64_t t_ms, limit_ms;
	int streak;
	int rc;
	int64_t points; /* expected milli-points */
	int corr;
	const char *canon; /* NULL: not checked */
	int64_t bonus;     /* SKIP: not checked */
	int streak_after;  /* SKIP: not checked */
} acase;

#define OK 0
static const acase answer_cases[] = {
	/* single_choice */
	{"sc correct", SC, NULL, "1", 0, 20000, 0, OK, 1000000, C, "1", 0, 1},
	{"sc wrong 0", SC, NULL, "0", 0, 20000, 0, OK, 0, W, "0", 0, 0},
	{"sc wrong last", SC, NULL, "3", 0, 20000, 0, OK, 0, W, "3", SKIP, SKIP},
	{"sc index = noptions", SC, NULL, "4", 0, 20000, 0, E_RANGE, 0, 0, NULL, SKIP, SKIP},
	{"sc negative index", SC, NULL, "-1", 0, 20000, 0, E_RANGE, 0, 0, NULL, SKIP, SKIP},
	{"sc fractional", SC, NULL, "1.5", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"sc string", SC, NULL, "\"1\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"sc bool", SC, NULL, "true", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"sc null", SC, NULL, "null", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"sc array", SC, NULL, "[1]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"sc object", SC, NULL, "{}", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"sc huge", SC, NULL, "1e300", 0, 20000, 0, E_RANGE, 0, 0, NULL, SKIP, SKIP},
	{"sc 1.0", SC, NULL, "1.0", 0, 20000, 0, OK, 1000000, C, "1", SKIP, SKIP},
	{"sc -0", SC, NULL, "-0", 0, 20000, 0, OK, 0, W, "0", SKIP, SKIP},
	{"sc 1e0", SC, NULL, "1e0", 0, 20000, 0, OK, 1000000, C, "1", SKIP, SKIP},
	/* the time factor */
	{"tf t=0", SC, R_TF, "1", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"tf grace 500", SC, R_TF, "1", 500, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"tf 501", SC, R_TF, "1", 501, 20000, 0, OK, 987000, C, NULL, SKIP, SKIP},
	{"tf 1000", SC, R_TF, "1", 1000, 20000, 0, OK, 975000, C, NULL, SKIP, SKIP},
	{"tf 3000", SC, R_TF, "1", 3000, 20000, 0, OK, 925000, C, NULL, SKIP, SKIP},
	{"tf 7000", SC, R_TF, "1", 7000, 20000, 0, OK, 825000, C, NULL, SKIP, SKIP},
	{"tf half time", SC, R_TF, "1", 10000, 20000, 0, OK, 750000, C, NULL, SKIP, SKIP},
	{"tf at limit", SC, R_TF, "1", 20000, 20000, 0, OK, 500000, C, NULL, SKIP, SKIP},
	{"tf over limit", SC, R_TF, "1", 30000, 20000, 0, OK, 500000, C, NULL, SKIP, SKIP},
	{"tf negative time", SC, R_TF, "1", -5, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"tf wrong", SC, R_TF, "2", 1000, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"tf no limit", SC, R_TF, "1", 5000, 0, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"tf no grace rounds half up", SC, R_TF0, "1", 100, 20000, 0, OK, 998000, C, NULL, SKIP, SKIP},
	{"tf 10 points 6.25", SC, R_TF10, "1", 15000, 20000, 0, OK, 6000, C, NULL, SKIP, SKIP},
	{"tf 10 points 7.5", SC, R_TF10, "1", 10000, 20000, 0, OK, 8000, C, NULL, SKIP, SKIP},
	{"tf partial whole points", MCP, R_TF, "[0]", 10000, 20000, 0, OK, 375000, P, NULL, SKIP, SKIP},
	{"tf off by question",
	 "{\"type\":\"true_false\",\"answer\":true,\"scoring\":{\"time_factor\":false}}", R_TF, "true", 10000,
	 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"tf huge limit", SC, R_TF, "1", 1000, INT64_MAX, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"tf huge response time", SC, R_TF, "1", INT64_MAX, 20000, 0, OK, 500000, C, NULL, SKIP, SKIP},
	{"tf most negative time", SC, R_TF, "1", INT64_MIN, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	/* multiple_choice, all or nothing */
	{"mc exact", MC, NULL, "[0,2]", 0, 20000, 0, OK, 1000000, C, "0,2", SKIP, SKIP},
	{"mc exact unordered", MC, NULL, "[2,0]", 0, 20000, 0, OK, 1000000, C, "0,2", SKIP, SKIP},
	{"mc subset", MC, NULL, "[0]", 0, 20000, 0, OK, 0, W, "0", SKIP, SKIP},
	{"mc superset", MC, NULL, "[0,1,2]", 0, 20000, 0, OK, 0, W, "0,1,2", SKIP, SKIP},
	{"mc empty", MC, NULL, "[]", 0, 20000, 0, OK, 0, W, "", SKIP, SKIP},
	{"mc duplicate", MC, NULL, "[0,0]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"mc out of range", MC, NULL, "[0,4]", 0, 20000, 0, E_RANGE, 0, 0, NULL, SKIP, SKIP},
	{"mc negative", MC, NULL, "[-1]", 0, 20000, 0, E_RANGE, 0, 0, NULL, SKIP, SKIP},
	{"mc string element", MC, NULL, "[0,\"2\"]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"mc scalar", MC, NULL, "0", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"mc too many", MC, NULL, "[0,2,1,3,0]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"mc fractional", MC, NULL, "[0.5]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"mc nested", MC, NULL, "[[0]]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"mc null element", MC, NULL, "[null]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	/* multiple_choice, partial credit */
	{"mcp half", MCP, NULL, "[0]", 0, 20000, 0, OK, 500000, P, "0", SKIP, SKIP},
	{"mcp one right one wrong", MCP, NULL, "[0,1]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"mcp exact", MCP, NULL, "[0,2]", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"mcp only wrong floors at 0", MCP, NULL, "[1]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"mcp two right one wrong", MCP, NULL, "[0,1,2]", 0, 20000, 0, OK, 500000, P, NULL, SKIP, SKIP},
	{"mcp blank", MCP, NULL, "[]", 0, 20000, 0, OK, 0, W, "", SKIP, SKIP},
	{"mcp negative marking", MCP, R_NEG, "[1]", 0, 20000, 0, OK, -500000, W, NULL, SKIP, SKIP},
	{"mcp negative floor -max", MCP, R_NEG, "[1,3]", 0, 20000, 0, OK, -1000000, W, NULL, SKIP, SKIP},
	{"mcp negative plus penalty", MCP, R_PEN, "[1,3]", 0, 20000, 0, OK, -1250000, W, NULL, SKIP, SKIP},
	{"mcp blank no penalty", MCP, R_PEN, "[]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"mch half penalty", MCH, NULL, "[0,1]", 0, 20000, 0, OK, 250000, P, NULL, SKIP, SKIP},
	{"mch all picked", MCH, NULL, "[0,1,2,3]", 0, 20000, 0, OK, 500000, P, "0,1,2,3", SKIP, SKIP},
	{"mc0 all picked is partial", MC0, NULL, "[0,1,2,3]", 0, 20000, 0, OK, 1000000, P, NULL, SKIP, SKIP},
	{"mc3 one third", MC3, NULL, "[0]", 0, 20000, 0, OK, 333333, P, NULL, SKIP, SKIP},
	{"mc3 two thirds", MC3, NULL, "[1,0]", 0, 20000, 0, OK, 666667, P, "0,1", SKIP, SKIP},
	{"mc3 two right one wrong", MC3, NULL, "[0,1,3]", 0, 20000, 0, OK, 333333, P, NULL, SKIP, SKIP},
	{"mc3 all wrong", MC3, NULL, "[3,4]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	/* true_false */
	{"tf true", TF, NULL, "true", 0, 20000, 0, OK, 1000000, C, "true", SKIP, SKIP},
	{"tf false", TF, NULL, "false", 0, 20000, 0, OK, 0, W, "false", SKIP, SKIP},
	{"tf number", TF, NULL, "1", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"tf string", TF, NULL, "\"true\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"tf null", TF, NULL, "null", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"tf false answer", TFF, NULL, "false", 0, 20000, 0, OK, 1000000, C, "false", SKIP, SKIP},
	{"tf false answer, true", TFF, NULL, "true", 0, 20000, 0, OK, 0, W, "true", SKIP, SKIP},
	/* negative marking */
	{"neg sc wrong", SC, R_PEN, "0", 0, 20000, 0, OK, -250000, W, NULL, SKIP, SKIP},
	{"neg sc correct", SC, R_PEN, "1", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"neg mc blank", MC, R_PEN, "[]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"neg mc wrong", MC, R_PEN, "[1]", 0, 20000, 0, OK, -250000, W, NULL, SKIP, SKIP},
	{"neg tf wrong", TF, R_PEN, "false", 0, 20000, 0, OK, -250000, W, NULL, SKIP, SKIP},
	{"neg not time-factored", SC, R_PENTF, "0", 10000, 20000, 0, OK, -250000, W, NULL, SKIP, SKIP},
	{"neg correct time-factored", SC, R_PENTF, "1", 10000, 20000, 0, OK, 750000, C, NULL, SKIP, SKIP},
	/* weights and points */
	{"weight 1.5", SC, R_W15, "1", 0, 20000, 0, OK, 1500000, C, NULL, SKIP, SKIP},
	{"weight 0.5 of 100", SC, R_W05, "1", 0, 20000, 0, OK, 50000, C, NULL, SKIP, SKIP},
	{"weight 0", SC, R_W0, "1", 0, 20000, 0, OK, 0, C, NULL, SKIP, SKIP},
	{"question points beat contest", "{\"type\":\"true_false\",\"answer\":true,\"points\":200}", R_TF,
	 "true", 0, 20000, 0, OK, 200000, C, NULL, SKIP, SKIP},
	{"question scoring points", "{\"type\":\"true_false\",\"answer\":true,\"scoring\":{\"points\":50}}",
	 R_TF, "true", 0, 20000, 0, OK, 50000, C, NULL, SKIP, SKIP},
	{"question points beat question scoring",
	 "{\"type\":\"true_false\",\"answer\":true,\"points\":300,\"scoring\":{\"points\":50}}", R_TF, "true",
	 0, 20000, 0, OK, 300000, C, NULL, SKIP, SKIP},
	{"decimal points", "{\"type\":\"true_false\",\"answer\":true,\"points\":12.5}", NULL, "true", 0,
	 20000, 0, OK, 12500, C, NULL, SKIP, SKIP},
	{"weight applies to question points", "{\"type\":\"true_false\",\"answer\":true,\"points\":10}",
	 R_W15, "true", 0, 20000, 0, OK, 15000, C, NULL, SKIP, SKIP},
	/* streaks */
	{"streak first", SC, R_STK, "1", 0, 20000, 0, OK, 1000000, C, NULL, 0, 1},
	{"streak second", SC, R_STK, "1", 0, 20000, 1, OK, 1100000, C, NULL, 100000, 2},
	{"streak fifth", SC, R_STK, "1", 0, 20000, 4, OK, 1400000, C, NULL, 400000, 5},
	{"streak capped", SC, R_STK, "1", 0, 20000, 10, OK, 1500000, C, NULL, 500000, 11},
	{"streak broken", SC, R_STK, "2", 0, 20000, 3, OK, 0, W, NULL, 0, 0},
	{"streak at INT_MAX", SC, R_STK, "1", 0, 20000, 2147483647, OK, 1500000, C, NULL, 500000, 1000000},
	{"streak negative", SC, R_STK, "1", 0, 20000, -5, OK, 1000000, C, NULL, 0, 1},
	{"streak max 150", SC, R_STK150, "1", 0, 20000, 5, OK, 1150000, C, NULL, 150000, 6},
	{"streak partial resets", MCP, R_STK, "[0]", 0, 20000, 5, OK, 500000, P, NULL, 0, 0},
	{"streak with time factor", SC, "{\"streak_bonus\":100,\"time_factor\":true}", "1", 10000, 20000, 2,
	 OK, 950000, C, NULL, 200000, 3},
	/* numeric */
	{"num exact", NQ, NULL, "9.8", 0, 20000, 0, OK, 1000000, C, "9.8", SKIP, SKIP},
	{"num string", NQ, NULL, "\"9.8\"", 0, 20000, 0, OK, 1000000, C, "9.8", SKIP, SKIP},
	{"num decimal comma", NQ, NULL, "\"9,8\"", 0, 20000, 0, OK, 1000000, C, "9.8", SKIP, SKIP},
	{"num full-width", NQ, NULL, "\"９．８\"", 0, 20000, 0, OK, 1000000, C, "9.8", SKIP, SKIP},
	{"num spaces", NQ, NULL, "\" 9.8　\"", 0, 20000, 0, OK, 1000000, C, "9.8", SKIP, SKIP},
	{"num full-width comma", NQ, NULL, "\"９，８\"", 0, 20000, 0, OK, 1000000, C, "9.8", SKIP, SKIP},
	{"num wrong", NQ, NULL, "9.81", 0, 20000, 0, OK, 0, W, "9.81", SKIP, SKIP},
	{"num letters", NQ, NULL, "\"abc\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num empty string", NQ, NULL, "\"\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num thousands", NQ, NULL, "\"1,000.5\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num NaN", NQ, NULL, "\"NaN\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num inf", NQ, NULL, "\"inf\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num overflow", NQ, NULL, "\"1e999\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num bool", NQ, NULL, "true", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num array", NQ, NULL, "[9.8]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num overlong", NQ, NULL,
	 "\"9.80000000000000000000000000000000000000000000000000000000000000000001\"", 0, 20000, 0, E_RESP, 0,
	 0, NULL, SKIP, SKIP},
	{"num exponent", NQ, NULL, "\"98e-1\"", 0, 20000, 0, OK, 1000000, C, "9.8", SKIP, SKIP},
	{"num plus sign", NQ, NULL, "\"+9.8\"", 0, 20000, 0, OK, 1000000, C, "9.8", SKIP, SKIP},
	{"num two points", NQ, NULL, "\"9.8.1\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num inner space", NQ, NULL, "\"9 .8\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num minus zero", NQ, NULL, "\"-0\"", 0, 20000, 0, OK, 0, W, "0", SKIP, SKIP},
	{"num unit suffix", NQ, NULL, "\"9.8m\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"num tol upper", NT, NULL, "3.6", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num tol lower", NT, NULL, "3.4", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num tol outside", NT, NULL, "3.61", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"num tol comma", NT, NULL, "\"3,45\"", 0, 20000, 0, OK, 1000000, C, "3.45", SKIP, SKIP},
	{"num rel upper", NR, NULL, "231", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num rel outside", NR, NULL, "231.5", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"num rel lower", NR, NULL, "209", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num range min", NRG, NULL, "2", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num range max", NRG, NULL, "3", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num range above", NRG, NULL, "3.0001", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"num range negative", NRG, NULL, "\"-2\"", 0, 20000, 0, OK, 0, W, "-2", SKIP, SKIP},
	{"num several: value", NM, NULL, "1", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num several: range", NM, NULL, "5.5", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num several: tolerance", NM, NULL, "11", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num several: none", NM, NULL, "4", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"num question tolerance in", NQT, NULL, "102", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	{"num question tolerance out", NQT, NULL, "97.9", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	/* fill_in */
	{"fill exact", FQ, NULL, "[\"预防为主\"]", 0, 20000, 0, OK, 1000000, C, "[\"预防为主\"]", SKIP, SKIP},
	{"fill ideographic space", FQ, NULL, "[\" 预防为主　\"]", 0, 20000, 0, OK, 1000000, C,
	 "[\"预防为主\"]", SKIP, SKIP},
	{"fill wrong", FQ, NULL, "[\"预防\"]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"fill empty blank", FQ, NULL, "[\"\"]", 0, 20000, 0, OK, 0, W, "[\"\"]", SKIP, SKIP},
	{"fill no blanks", FQ, NULL, "[]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"fill too many blanks", FQ, NULL, "[\"a\",\"b\"]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"fill scalar", FQ, NULL, "\"预防为主\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"fill number", FQ, NULL, "[1]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"fill invalid utf-8", FQ, NULL, "[\"\xff\xfe\"]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"fill truncated utf-8", FQ, NULL, "[\"\xe9\xa2\"]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"fill full-width and case", FQ2, NULL, "[\"Ａ＝ｍａ\",\"牛顿\"]", 0, 20000, 0, OK, 1000000, C,
	 "[\"a=ma\",\"牛顿\"]", SKIP, SKIP},
	{"fill second alternative", FQ2, NULL, "[\"f=MA\",\"牛顿\"]", 0, 20000, 0, OK, 1000000, C, NULL, SKIP,
	 SKIP},
	{"fill partial", FQ2, NULL, "[\"f=MA\",\"牛 顿\"]", 0, 20000, 0, OK, 500000, P, NULL, SKIP, SKIP},
	{"fill partial second", FQ2, NULL, "[\"x\",\"牛顿\"]", 0, 20000, 0, OK, 500000, P, NULL, SKIP, SKIP},
	{"fill none", FQ2, NULL, "[\"x\",\"y\"]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"fill all blank", FQ2, R_PEN, "[\"\",\"  \"]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"fill wrong penalized", FQ2, R_PEN, "[\"x\",\"y\"]", 0, 20000, 0, OK, -250000, W, NULL, SKIP, SKIP},
	{"fill case-sensitive", FQ3, NULL, "[\"ohm\"]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"fill full-width letters", FQ3, NULL, "[\"Ｏｈｍ\"]", 0, 20000, 0, OK, 1000000, C, "[\"Ohm\"]", SKIP,
	 SKIP},
	{"fill zero-width space", FQ3, NULL, "[\"Oh\\u200bm\"]", 0, 20000, 0, OK, 1000000, C, NULL, SKIP,
	 SKIP},
	{"fill tab inside", FQ3, NULL, "[\"O\\thm\"]", 0, 20000, 0, OK, 0, W, "[\"O hm\"]", SKIP, SKIP},
	/* ordering */
	{"ord exact", OQ, NULL, "[2,0,1,3]", 0, 20000, 0, OK, 1000000, C, "2,0,1,3", SKIP, SKIP},
	{"ord wrong", OQ, NULL, "[0,2,1,3]", 0, 20000, 0, OK, 0, W, "0,2,1,3", SKIP, SKIP},
	{"ord short", OQ, NULL, "[2,0,1]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"ord duplicate", OQ, NULL, "[2,0,1,1]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"ord out of range", OQ, NULL, "[2,0,1,4]", 0, 20000, 0, E_RANGE, 0, 0, NULL, SKIP, SKIP},
	{"ord string", OQ, NULL, "\"2,0,1,3\"", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"ord long", OQ, NULL, "[2,0,1,3,3]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"ord position half", OQP, NULL, "[0,2,1,3]", 0, 20000, 0, OK, 500000, P, NULL, SKIP, SKIP},
	{"ord position none", OQP, NULL, "[3,1,0,2]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"ord pairwise one swap", OQW, NULL, "[0,2,1,3]", 0, 20000, 0, OK, 833333, P, NULL, SKIP, SKIP},
	{"ord pairwise reversed", OQW, NULL, "[3,1,0,2]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"ord pairwise last swap", OQW, NULL, "[2,0,3,1]", 0, 20000, 0, OK, 833333, P, NULL, SKIP, SKIP},
	{"ord pairwise exact", OQW, NULL, "[2,0,1,3]", 0, 20000, 0, OK, 1000000, C, NULL, SKIP, SKIP},
	/* matching */
	{"match exact", MQ, NULL, "[1,0,2]", 0, 20000, 0, OK, 1000000, C, "1,0,2", SKIP, SKIP},
	{"match two of three", MQ, NULL, "[1,0,3]", 0, 20000, 0, OK, 666667, P, NULL, SKIP, SKIP},
	{"match none", MQ, NULL, "[0,1,3]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"match repeated right", MQ, NULL, "[1,1,1]", 0, 20000, 0, OK, 333333, P, "1,1,1", SKIP, SKIP},
	{"match short", MQ, NULL, "[1,0]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"match out of range", MQ, NULL, "[1,0,4]", 0, 20000, 0, E_RANGE, 0, 0, NULL, SKIP, SKIP},
	{"match bool element", MQ, NULL, "[1,0,true]", 0, 20000, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"match all or nothing", MQN, NULL, "[1,0,3]", 0, 20000, 0, OK, 0, W, NULL, SKIP, SKIP},
	/* judged */
	{"judged full", JQ, NULL, "{\"m1\":true,\"m2\":5,\"j1\":[3,3,3]}", 0, 0, 0, OK, 60000, C,
	 "{\"m1\":1,\"m2\":5,\"j1\":[3,3,3]}", SKIP, SKIP},
	{"judged half", JQ, NULL, "{\"m1\":false,\"m2\":2.5,\"j1\":[2,2,2]}", 0, 0, 0, OK, 30000, P, NULL,
	 SKIP, SKIP},
	{"judged thirds", JQ, NULL, "{\"m1\":true,\"m2\":0,\"j1\":[0,1,0]}", 0, 0, 0, OK, 13333, P, NULL,
	 SKIP, SKIP},
	{"judged panel drops extremes", JQ, NULL, "{\"m1\":1,\"m2\":5,\"j1\":[3,2,2,2,0]}", 0, 0, 0, OK,
	 50000, P, NULL, SKIP, SKIP},
	{"judged zero", JQ, NULL, "{\"m1\":0,\"m2\":0,\"j1\":[0,0,0]}", 0, 0, 0, OK, 0, W, NULL, SKIP, SKIP},
	{"judged missing aspect", JQ, NULL, "{\"m1\":true,\"m2\":5}", 0, 0, 0, E_RESP, 0, 0, NULL, SKIP,
	 SKIP},
	{"judged extra aspect", JQ, NULL, "{\"m1\":true,\"m2\":5,\"j1\":[3],\"x\":1}", 0, 0, 0, E_RESP, 0, 0,
	 NULL, SKIP, SKIP},
	{"judged mark 4", JQ, NULL, "{\"m1\":true,\"m2\":5,\"j1\":[4]}", 0, 0, 0, E_RANGE, 0, 0, NULL, SKIP,
	 SKIP},
	{"judged scale above", JQ, NULL, "{\"m1\":true,\"m2\":6,\"j1\":[3]}", 0, 0, 0, E_RANGE, 0, 0, NULL,
	 SKIP, SKIP},
	{"judged no judges", JQ, NULL, "{\"m1\":true,\"m2\":5,\"j1\":[]}", 0, 0, 0, E_RESP, 0, 0, NULL, SKIP,
	 SKIP},
	{"judged half mark", JQ, NULL, "{\"m1\":true,\"m2\":5,\"j1\":[2.5]}", 0, 0, 0, E_RESP, 0, 0, NULL,
	 SKIP, SKIP},
	{"judged measurement 2", JQ, NULL, "{\"m1\":2,\"m2\":5,\"j1\":[3]}", 0, 0, 0, E_RANGE, 0, 0, NULL,
	 SKIP, SKIP},
	{"judged not an object", JQ, NULL, "[1,5,[3]]", 0, 0, 0, E_RESP, 0, 0, NULL, SKIP, SKIP},
	{"judged untimed", JQ, R_TF, "{\"m1\":true,\"m2\":5,\"j1\":[3,3,3]}", 15000, 20000, 0, OK, 1000000, C,
	 NULL, SKIP, SKIP},
};

static void run_answer_case(void **state)
{
	const acase *c = *state;
	cJSON *q = cJSON_Parse(c->q), *rules = c->rules ? cJSON_Parse(c->rules) : NULL;
	cJSON *resp = cJSON_Parse(c->resp);
	assert_non_null(q);
	assert_true(!c->rules || rules);
	assert_non_null(resp);
	score_question *sq = NULL;
	char *err = NULL;
	int rc = score_compile(eng, q, rules, &sq, &err);
	if (rc)
		print_error("compile: %s\n", err ? err : "?");
	assert_int_equal(rc, 0);
	score_ctx ctx = {.response_ms = c->t_ms, .limit_ms = c->limit_ms, .streak = c->streak};
	score_result res;
	memset(&res, 0x5a, sizeof res);
	rc = score_answer(sq, resp, &ctx, &res);
	assert_int_equal(rc, c->rc);
	char *canon = score_canonical_response(sq, resp);
	if (rc == 0) {
		assert_int_equal(res.points_milli, c->points);
		assert_int_equal(res.correctness, c->corr);
		assert_true(res.max_milli >= 0);
		assert_true(res.points_milli - res.bonus_milli <= res.max_milli);
		assert_true(strlen(res.feedback) < sizeof res.feedback);
		if (c->bonus != SKIP)
			assert_int_equal(res.bonus_milli, c->bonus);
		if (c->streak_after != SKIP)
			assert_int_equal(res.streak, c->streak_after);
		assert_non_null(canon);
		if (c->canon)
			assert_string_equal(canon, c->canon);
	} else {
		assert_null(canon); /* refused responses have no canonical form */
	}
	free(canon);
	score_question_free(sq);
	cJSON_Delete(q);
	cJSON_Delete(rules);
	cJSON_Delete(resp);
}

/* ---------- definitions that must be refused at load ---------- */

typedef struct ccase {
	const char *name, *q, *rules;
	int rc;
	const char *msg; /* substring of the error message */
} ccase;

#define E_DEF SCORE_E_DEFINITION
#define E_RULES SCORE_E_RULES
static const ccase compile_cases[] = {
	{"one option", "{\"type\":\"single_choice\",\"options\":[\"a\"],\"answer\":0}", NULL, E_DEF,
	 "options"},
	{"answer out of range", "{\"type\":\"single_choice\",\"options\":[\"a\",\"b\",\"c\"],\"answer\":3}",
	 NULL, E_DEF, "answer: index 3 is out of range for 3 options"},
	{"answer string", "{\"type\":\"single_choice\",\"options\":[\"a\",\"b\"],\"answer\":\"1\"}", NULL,
	 E_DEF, "answer"},
	{"answer missing", "{\"type\":\"single_choice\",\"options\":[\"a\",\"b\"]}", NULL, E_DEF, "answer"},
	{"options missing", "{\"type\":\"single_choice\",\"answer\":0}", NULL, E_DEF, "options"},
	{"empty option", "{\"type\":\"single_choice\",\"options\":[\"a\",\"\"],\"answer\":0}", NULL, E_DEF,
	 "options[1]"},
	{"option without zh-CN",
	 "{\"type\":\"single_choice\",\"options\":[\"a\",{\"en\":\"b\"}],\"answer\":0}", NULL, E_DEF,
	 "options[1]"},
	{"option bad utf-8", "{\"type\":\"single_choice\",\"options\":[\"a\",\"\xc3\x28\"],\"answer\":0}",
	 NULL, E_DEF, "options[1]"},
	{"option number", "{\"type\":\"single_choice\",\"options\":[\"a\",2],\"answer\":0}", NULL, E_DEF,
	 "options[1]"},
	{"mc empty answer", "{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\"],\"answer\":[]}", NULL,
	 E_DEF, "answer"},
	{"mc repeated answer", "{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\"],\"answer\":[0,0]}",
	 NULL, E_DEF, "repeated"},
	{"mc answer scalar", "{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\"],\"answer\":0}", NULL,
	 E_DEF, "answer"},
	{"mc partial string",
	 "{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\"],\"answer\":[0],\"partial\":\"yes\"}", NULL,
	 E_DEF, "partial"},
	{"mc negative penalty",
	 "{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\"],\"answer\":[0],\"wrong_pick_penalty\":-1}",
	 NULL, E_DEF, "wrong_pick_penalty"},
	{"tf answer number", "{\"type\":\"true_false\",\"answer\":1}", NULL, E_DEF, "answer"},
	{"unknown type", "{\"type\":\"essay\",\"answer\":1}", NULL, SCORE_E_UNKNOWN_TYPE, "essay"},
	{"type missing", "{\"answer\":1}", NULL, E_DEF, "type"},
	{"not an object", "[1,2]", NULL, E_DEF, "object"},
	{"unknown rule", TF, "{\"pointz\":1}", E_RULES, "pointz"},
	{"negative points rule", TF, "{\"points\":-1}", E_RULES, "points"},
	{"four decimals", TF, "{\"points\":1.2345}", E_RULES, "points"},
	{"time_factor string", TF, "{\"time_factor\":\"yes\"}", E_RULES, "time_factor"},
	{"penalty without negative marking", TF, "{\"wrong_penalty\":100}", E_RULES, "negative_marking"},
	{"rules not an object", TF, "[1]", E_RULES, "scoring"},
	{"four decimals on a large value", TF, "{\"points\":999999.9999}", E_RULES, "points"},
	{"grace fractional", TF, "{\"time_grace_ms\":1.5}", E_RULES, "time_grace_ms"},
	{"question scoring array", "{\"type\":\"true_false\",\"answer\":true,\"scoring\":[]}", NULL, E_RULES,
	 "question scoring"},
	{"question points string", "{\"type\":\"true_false\",\"answer\":true,\"points\":\"10\"}", NULL, E_DEF,
	 "points"},
	{"num answer missing", "{\"type\":\"numeric\"}", NULL, E_DEF, "answer"},
	{"num answer string", "{\"type\":\"numeric\",\"answer\":\"9.8\"}", NULL, E_DEF, "answer"},
	{"num range inverted", "{\"type\":\"numeric\",\"answer\":{\"min\":3,\"max\":2}}", NULL, E_DEF,
	 "above"},
	{"num value and range", "{\"type\":\"numeric\",\"answer\":{\"value\":1,\"min\":0,\"max\":2}}", NULL,
	 E_DEF, "exclude"},
	{"num empty list", "{\"type\":\"numeric\",\"answer\":[]}", NULL, E_DEF, "answer"},
	{"num negative tolerance", "{\"type\":\"numeric\",\"answer\":1,\"tolerance\":-1}", NULL, E_DEF,
	 "tolerance"},
	{"num unknown field", "{\"type\":\"numeric\",\"answer\":{\"value\":1,\"tol\":1}}", NULL, E_DEF,
	 "tol"},
	{"num unit number", "{\"type\":\"numeric\",\"answer\":1,\"unit\":5}", NULL, E_DEF, "unit"},
	{"num relative above 1", "{\"type\":\"numeric\",\"answer\":{\"value\":1,\"relative\":2}}", NULL,
	 E_DEF, "relative"},
	{"fill answer string", "{\"type\":\"fill_in\",\"answer\":\"x\"}", NULL, E_DEF, "answer"},
	{"fill no blanks", "{\"type\":\"fill_in\",\"answer\":[]}", NULL, E_DEF, "answer"},
	{"fill blank answer", "{\"type\":\"fill_in\",\"answer\":[\"　\"]}", NULL, E_DEF, "empty"},
	{"fill no alternatives", "{\"type\":\"fill_in\",\"answer\":[[]]}", NULL, E_DEF, "answer[0]"},
	{"fill bad utf-8", "{\"type\":\"fill_in\",\"answer\":[\"\xed\xa0\x80\"]}", NULL, E_DEF, "UTF-8"},
	{"fill ignore_case string", "{\"type\":\"fill_in\",\"answer\":[\"x\"],\"ignore_case\":\"no\"}", NULL,
	 E_DEF, "ignore_case"},
	{"ord one item", "{\"type\":\"ordering\",\"items\":[\"a\"],\"answer\":[0]}", NULL, E_DEF, "items"},
	{"ord not a permutation", "{\"type\":\"ordering\",\"items\":[\"a\",\"b\",\"c\"],\"answer\":[0,0,1]}",
	 NULL, E_DEF, "repeated"},
	{"ord short answer", "{\"type\":\"ordering\",\"items\":[\"a\",\"b\",\"c\"],\"answer\":[0,1]}", NULL,
	 E_DEF, "answer"},
	{"ord bad partial",
	 "{\"type\":\"ordering\",\"items\":[\"a\",\"b\"],\"answer\":[0,1],\"partial\":\"some\"}", NULL, E_DEF,
	 "partial"},
	{"match no left", "{\"type\":\"matching\",\"right\":[\"a\"],\"answer\":[0]}", NULL, E_DEF, "left"},
	{"match answer range",
	 "{\"type\":\"matching\",\"left\":[\"a\",\"b\"],\"right\":[\"x\",\"y\"],\"answer\":[0,2]}", NULL,
	 E_DEF, "answer[1]"},
	{"match bad partial",
	 "{\"type\":\"matching\",\"left\":[\"a\"],\"right\":[\"x\"],\"answer\":[0],\"partial\":1}", NULL,
	 E_DEF, "partial"},
	{"judged empty rubric", "{\"type\":\"judged\",\"rubric\":[]}", NULL, E_DEF, "rubric"},
	{"judged repeated id",
	 "{\"type\":\"judged\",\"rubric\":[{\"id\":\"a\",\"kind\":\"judgement\",\"max\":1},{\"id\":\"a\",\"kind\":\"judgement\",\"max\":1}]}",
	 NULL, E_DEF, "repeated"},
	{"judged bad kind", "{\"type\":\"judged\",\"rubric\":[{\"id\":\"a\",\"kind\":\"vote\",\"max\":1}]}",
	 NULL, E_DEF, "kind"},
	{"judged max 0", "{\"type\":\"judged\",\"rubric\":[{\"id\":\"a\",\"kind\":\"judgement\",\"max\":0}]}",
	 NULL, E_DEF, "max"},
	{"judged judgement with scale",
	 "{\"type\":\"judged\",\"rubric\":[{\"id\":\"a\",\"kind\":\"judgement\",\"max\":5,\"scale\":10}]}",
	 NULL, E_DEF, "0-3"},
	{"judged bad id",
	 "{\"type\":\"judged\",\"rubric\":[{\"id\":\"a b\",\"kind\":\"judgement\",\"max\":1}]}", NULL, E_DEF,
	 "id"},
	{"judged trim_from 2",
	 "{\"type\":\"judged\",\"panel\":{\"trim_from\":2},\"rubric\":[{\"id\":\"a\",\"kind\":\"judgement\",\"max\":1}]}",
	 NULL, E_DEF, "trim_from"},
};

static void run_compile_case(void **state)
{
	const ccase *c = *state;
	cJSON *q = cJSON_Parse(c->q), *rules = c->rules ? cJSON_Parse(c->rules) : NULL;
	assert_non_null(q);
	score_question *sq = (score_question *)1;
	char *err = NULL;
	int rc = score_compile(eng, q, rules, &sq, &err);
	assert_int_equal(rc, c->rc);
	assert_null(sq);
	assert_non_null(err);
	if (!strstr(err, c->msg))
		print_error("message '%s' lacks '%s'\n", err, c->msg);
	assert_non_null(strstr(err, c->msg));
	free(err);
	cJSON_Delete(q);
	cJSON_Delete(rules);
}

/* ---------- the API around them ---------- */

static score_question *compile_str(const char *json, const char *rules)
{
	cJSON *q = cJSON_Parse(json), *r = rules ? cJSON_Parse(rules) : NULL;
	score_question *sq = NULL;
	char *err = NULL;
	int rc = score_compile(eng, q, r, &sq, &err);
	if (rc)
		print_error("compile: %s\n", err);
	assert_int_equal(rc, 0);
	cJSON_Delete(q);
	cJSON_Delete(r);
	return sq;
}

static void test_errnames(void **state)
{
	assert_string_equal(score_errname(SCORE_E_RESPONSE), "invalid_response");
	assert_string_equal(score_errname(SCORE_E_RANGE), "option_out_of_range");
	assert_string_equal(score_errname(SCORE_E_UNKNOWN_TYPE), "unknown_question_type");
	assert_string_equal(score_errname(-1000), "internal");
	assert_string_equal(score_strerror(SCORE_E_RESPONSE, "en"),
			    "the response does not fit the question type");
	assert_string_equal(score_strerror(SCORE_E_RESPONSE, "zh-CN"), "作答格式与题型不符");
	assert_string_equal(score_strerror(SCORE_E_RANGE, NULL), "选项编号超出范围");
	assert_string_equal(score_strerror(SCORE_E_RANGE, "en-GB"), score_strerror(SCORE_E_RANGE, "en"));
	for (int c = 0; c >= SCORE_E_RULES; c--) {
		assert_true(strlen(score_errname(c)) > 0);
		assert_true(strlen(score_strerror(c, "en")) > 0);
	}
}

static void count_type(const char *type, const char *version, const char *origin, void *ud)
{
	int *n = ud;
	assert_string_equal(origin, "builtin");
	assert_true(strlen(version) > 0);
	(*n)++;
}

static void test_engine_types(void **state)
{
	int n = 0;
	score_engine_types(eng, count_type, &n);
	assert_int_equal(n, 8);
}

static void test_public_fields(void **state)
{
	score_question *q = compile_str(
		"{\"type\":\"single_choice\",\"options\":[\"110\",{\"zh-CN\":\"火警\",\"en\":\"fire\"}],\"answer\":1,"
		"\"points\":20}",
		NULL);
	cJSON *o = cJSON_CreateObject();
	assert_int_equal(score_public_fields(q, o), 0);
	char *s = cJSON_PrintUnformatted(o);
	assert_string_equal(s, "{\"options\":[{\"zh-CN\":\"110\"},{\"zh-CN\":\"火警\",\"en\":\"fire\"}]}");
	free(s);
	cJSON_Delete(o);
	assert_int_equal(score_question_noptions(q), 2);
	assert_int_equal(score_question_max_milli(q), 20000);
	assert_string_equal(score_question_type(q), "single_choice");
	score_question_free(q);

	/* no type leaks its answer through the public fields */
	static const char *const qs[] = {MC, TF, NQ, FQ,
					 OQ, MQ, JQ, "{\"type\":\"numeric\",\"answer\":1,\"unit\":\"米\"}"};
	static const char *const want[] = {
		"{\"options\":[{\"zh-CN\":\"a\"},{\"zh-CN\":\"b\"},{\"zh-CN\":\"c\"},{\"zh-CN\":\"d\"}]}",
		"{}",
		"{}",
		"{\"blanks\":1}",
		"{\"items\":[{\"zh-CN\":\"a\"},{\"zh-CN\":\"b\"},{\"zh-CN\":\"c\"},{\"zh-CN\":\"d\"}]}",
		"{\"left\":[{\"zh-CN\":\"a\"},{\"zh-CN\":\"b\"},{\"zh-CN\":\"c\"}],\"right\":[{\"zh-CN\":\"x\"},{\"zh-CN\":\"y\"},{\"zh-CN\":\"z\"},{\"zh-CN\":\"w\"}]}",
		"{\"rubric\":[{\"id\":\"m1\",\"kind\":\"measurement\",\"max\":10},{\"id\":\"m2\",\"kind\":\"measurement\",\"max\":20,\"scale\":5},{\"id\":\"j1\",\"kind\":\"judgement\",\"max\":30}]}",
		"{\"unit\":{\"zh-CN\":\"米\"}}"};
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		q = compile_str(qs[i], NULL);
		o = cJSON_CreateObject();
		assert_int_equal(score_public_fields(q, o), 0);
		s = cJSON_PrintUnformatted(o);
		assert_string_equal(s, want[i]);
		free(s);
		cJSON_Delete(o);
		score_question_free(q);
	}
}

static void test_reveal(void **state)
{
	static const char *const qs[] = {SC, MC, TF, TFF, NQ, NT, FQ2, OQ, MQ, JQ};
	static const char *const want[] = {"1",
					   "[0,2]",
					   "true",
					   "false",
					   "9.8",
					   "{\"value\":3.5,\"tolerance\":0.1}",
					   "[[\"A=ma\",\"F=ma\"],\"牛顿\"]",
					   "[2,0,1,3]",
					   "[1,0,2]",
					   "null"};
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		score_question *q = compile_str(qs[i], NULL);
		cJSON *a = score_reveal_answer(q);
		assert_non_null(a);
		char *s = cJSON_PrintUnformatted(a);
		assert_string_equal(s, want[i]);
		free(s);
		cJSON_Delete(a);
		score_question_free(q);
	}
}

static void test_response_options(void **state)
{
	int idx[8];
	score_question *q = compile_str(MC, NULL);
	cJSON *r = cJSON_Parse("[3,0,1]");
	assert_int_equal(score_response_options(q, r, idx, 8), 3);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1], 1);
	assert_int_equal(idx[2], 3);
	assert_int_equal(score_response_options(q, r, idx, 2), 2);
	cJSON_Delete(r);
	r = cJSON_Parse("[0,0]");
	assert_int_equal(score_response_options(q, r, idx, 8), 0); /* refused response */
	cJSON_Delete(r);
	score_question_free(q);

	q = compile_str(SC, NULL);
	r = cJSON_Parse("2");
	assert_int_equal(score_response_options(q, r, idx, 8), 1);
	assert_int_equal(idx[0], 2);
	cJSON_Delete(r);
	score_question_free(q);

	q = compile_str(TF, NULL);
	assert_int_equal(score_question_noptions(q), 2);
	r = cJSON_Parse("false");
	assert_int_equal(score_response_options(q, r, idx, 8), 1);
	assert_int_equal(idx[0], 1);
	cJSON_Delete(r);
	score_question_free(q);

	q = compile_str(NQ, NULL);
	r = cJSON_Parse("9.8");
	assert_int_equal(score_question_noptions(q), 0);
	assert_int_equal(score_response_options(q, r, idx, 8), 0);
	cJSON_Delete(r);
	score_question_free(q);
}

/* Responses and definitions built at run time: limits and overlong input. */
static void test_limits(void **state)
{
	char buf[4096];
	/* 64 options compile, 65 do not */
	for (int n = 64; n <= 65; n++) {
		size_t o = (size_t)snprintf(buf, sizeof buf,
					    "{\"type\":\"multiple_choice\",\"answer\":[63],\"options\":[");
		for (int i = 0; i < n; i++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"o%d\"", i ? "," : "", i);
		snprintf(buf + o, sizeof buf - o, "]}");
		cJSON *q = cJSON_Parse(buf);
		score_question *sq = NULL;
		char *err = NULL;
		assert_int_equal(score_compile(eng, q, NULL, &sq, &err), n == 64 ? 0 : SCORE_E_DEFINITION);
		if (sq) {
			cJSON *r = cJSON_Parse("[63]");
			score_result res;
			assert_int_equal(score_answer(sq, r, NULL, &res), 0);
			assert_int_equal(res.correctness, SCORE_CORRECT);
			cJSON_Delete(r);
		}
		free(err);
		score_question_free(sq);
		cJSON_Delete(q);
	}
	/* a fill-in response of SCORE_MAX_TEXT bytes is scored, one more is refused */
	score_question *q = compile_str(FQ, NULL);
	for (int len = 512; len <= 513; len++) {
		memset(buf, 'x', (size_t)len);
		buf[len] = '\0';
		cJSON *r = cJSON_CreateArray();
		cJSON_AddItemToArray(r, cJSON_CreateString(buf));
		score_result res;
		assert_int_equal(score_answer(q, r, NULL, &res), len == 512 ? 0 : SCORE_E_RESPONSE);
		cJSON_Delete(r);
	}
	/* numbers that JSON cannot carry but a caller could build */
	score_question *n = compile_str(NQ, NULL);
	score_question *s = compile_str(SC, NULL);
	double bad[] = {__builtin_nan(""), __builtin_inf(), -__builtin_inf()};
	for (size_t i = 0; i < 3; i++) {
		cJSON *r = cJSON_CreateNumber(bad[i]);
		score_result res;
		assert_int_equal(score_answer(n, r, NULL, &res), SCORE_E_RESPONSE);
		assert_int_equal(score_answer(s, r, NULL, &res), SCORE_E_RESPONSE);
		assert_null(score_canonical_response(n, r));
		cJSON_Delete(r);
	}
	score_result res;
	assert_int_equal(score_answer(s, NULL, NULL, &res), SCORE_E_RESPONSE);
	score_question_free(n);
	score_question_free(s);
	score_question_free(q);
}

/* Feedback follows the context's language. */
static void test_feedback_language(void **state)
{
	score_question *q = compile_str(MCP, NULL);
	cJSON *r = cJSON_Parse("[0,1]");
	score_ctx ctx = {.lang = "en"};
	score_result res;
	assert_int_equal(score_answer(q, r, &ctx, &res), 0);
	assert_string_equal(res.feedback, "1 of 2 correct options chosen, 1 wrong");
	ctx.lang = NULL;
	assert_int_equal(score_answer(q, r, &ctx, &res), 0);
	assert_string_equal(res.feedback, "选对 1/2 项，错选 1 项");
	cJSON_Delete(r);
	score_question_free(q);
}

/* The demo contest (contests/demo/safety.json) compiles and plays as documented. */
static void test_demo_contest(void **state)
{
	char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 64);
	assert_true(n > 0);
	path[n] = '\0';
	char *slash = strstr(path, "/build/");
	assert_non_null(slash);
	strcpy(slash, "/contests/demo/safety.json");
	FILE *fp = fopen(path, "r");
	if (!fp) {
		print_error("cannot open %s\n", path);
		fail();
	}
	static char buf[1 << 16];
	size_t len = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[len] = '\0';
	cJSON *c = cJSON_Parse(buf);
	assert_non_null(c);
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(c, "scoring"), *q;
	int count = 0;
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(c, "questions"))
	{
		score_question *sq = NULL;
		char *err = NULL;
		int rc = score_compile(eng, q, rules, &sq, &err);
		if (rc)
			print_error("%s: %s\n", cJSON_GetObjectItemCaseSensitive(q, "id")->valuestring, err);
		assert_int_equal(rc, 0);
		assert_int_equal(score_question_max_milli(sq), 1000000);
		/* the reveal is a correct response; 3 s of 20 s earns 925 */
		cJSON *ans = score_reveal_answer(sq);
		score_ctx ctx = {.response_ms = 3000, .limit_ms = 20000};
		score_result res;
		assert_int_equal(score_answer(sq, ans, &ctx, &res), 0);
		assert_int_equal(res.points_milli, 925000);
		assert_int_equal(res.correctness, SCORE_CORRECT);
		/* nothing public mentions the answer */
		cJSON *pub = cJSON_CreateObject();
		assert_int_equal(score_public_fields(sq, pub), 0);
		assert_null(cJSON_GetObjectItemCaseSensitive(pub, "answer"));
		cJSON_Delete(pub);
		cJSON_Delete(ans);
		score_question_free(sq);
		count++;
	}
	assert_int_equal(count, 10);
	cJSON_Delete(c);
}

static int setup(void **state)
{
	char *w = NULL;
	int rc = score_engine_new(&eng, NULL, &w);
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
	size_t na = sizeof answer_cases / sizeof answer_cases[0];
	size_t nc = sizeof compile_cases / sizeof compile_cases[0];
	struct CMUnitTest *t = calloc(na + nc, sizeof *t);
	for (size_t i = 0; i < na; i++)
		t[i] = (struct CMUnitTest){answer_cases[i].name, run_answer_case, NULL, NULL,
					   (void *)&answer_cases[i]};
	for (size_t i = 0; i < nc; i++)
		t[na + i] = (struct CMUnitTest){compile_cases[i].name, run_compile_case, NULL, NULL,
						(void *)&compile_cases[i]};
	int fails = _cmocka_run_group_tests("scoring_tables", t, na + nc, setup, teardown);
	free(t);
	const struct CMUnitTest api[] = {
		cmocka_unit_test(test_errnames),          cmocka_unit_test(test_engine_types),
		cmocka_unit_test(test_public_fields),     cmocka_unit_test(test_reveal),
		cmocka_unit_test(test_response_options),  cmocka_unit_test(test_limits),
		cmocka_unit_test(test_feedback_language), cmocka_unit_test(test_demo_contest),
	};
	fails += cmocka_run_group_tests_name("scoring_api", api, setup, teardown);
	return fails ? 1 : 0;
}
