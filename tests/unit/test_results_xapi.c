/*
 * test_results_xapi.c - xAPI statements (results/xapi.c): our own checks of
 * every required field and of idempotent ids, the UUID v5 against Python's
 * uuid module, and every statement validated by Learning Locker's npm
 * validator (tests/unit/results_xapi_check.js, needs tests/node_modules).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "results.h"

static results_tz *sh;

static int setup(void **state)
{
	(void)state;
	return results_tz_load("Asia/Shanghai", &sh);
}

static int teardown(void **state)
{
	(void)state;
	results_tz_free(sh);
	return 0;
}

/* 2026-06-15T08:30:02.100+08:00 */
#define T0 1781483402100LL

static results_xapi_attempt attempt(void)
{
	return (results_xapi_attempt){
		.employee_no = "10240057",
		.name = "张三",
		.contest_code = "ELEC2026",
		.title_zh = "2026 年职工电工技能竞赛",
		.title_en = "2026 Workers' Electrician Skills Contest",
		.attempt_id = 42,
		.started_ms = T0,
		.finished_ms = T0 + 12 * 60000 + 3450, /* 12 min 3.45 s */
		.raw_milli = 85500,
		.min_milli = 0,
		.max_milli = 100000,
		.passed = 1,
	};
}

static const results_xapi_site site = {"https://skills.example.cn", NULL, NULL};

static const char *str(const cJSON *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *v = o;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		v = isdigit((unsigned char)k[0]) ? cJSON_GetArrayItem(v, atoi(k))
						 : cJSON_GetObjectItemCaseSensitive(v, k);
	if (!cJSON_IsString(v))
		fail_msg("%s: not a string", path);
	return v->valuestring;
}

static double num(const cJSON *o, const char *a, const char *b, const char *c)
{
	const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(o, a), b), c);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static void is_uuid(const char *s, char version)
{
	assert_int_equal(strlen(s), 36);
	for (int i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(s[i], '-');
		else
			assert_true(isxdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]));
	assert_int_equal(s[14], version);
	assert_non_null(strchr("89ab", s[19]));
}

/* What every statement must have, whatever its verb. */
static void common(const cJSON *st)
{
	is_uuid(str(st, "id"), '5');
	assert_string_equal(str(st, "actor.objectType"), "Agent");
	assert_string_equal(str(st, "actor.account.homePage"), "https://skills.example.cn");
	assert_string_equal(str(st, "actor.account.name"), "10240057");
	char *all = cJSON_PrintUnformatted(st);
	assert_null(strstr(all, "mbox"));
	assert_null(strstr(all, "mailto:"));
	free(all);
	assert_string_equal(str(st, "object.objectType"), "Activity");
	assert_string_equal(str(st, "context.platform"), "SkillArena");
	assert_string_equal(str(st, "context.language"), "zh-CN");
	assert_string_equal(str(st, "context.contextActivities.grouping.0.id"),
			    "https://skills.example.cn/xapi");
	const char *ts = str(st, "timestamp");
	assert_true(strlen(ts) == 29 && ts[19] == '.' && strcmp(ts + 23, "+08:00") == 0);
}

static cJSON *all_statements; /* everything built, for the npm validator */

static void keep(cJSON *st) { cJSON_AddItemToArray(all_statements, cJSON_Duplicate(st, 1)); }

static void test_attempt(void **state)
{
	(void)state;
	results_xapi_site s = site;
	s.tz = sh;
	results_xapi_attempt a = attempt();
	cJSON *arr = cJSON_CreateArray();
	assert_int_equal(results_xapi_attempt_statements(&s, &a, arr, NULL), RESULTS_OK);
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	const cJSON *c = cJSON_GetArrayItem(arr, 0), *p = cJSON_GetArrayItem(arr, 1);
	common(c);
	common(p);
	assert_string_equal(str(c, "verb.id"), "http://adlnet.gov/expapi/verbs/completed");
	assert_string_equal(str(c, "verb.display.zh-CN"), "完成");
	assert_string_equal(str(p, "verb.id"), "http://adlnet.gov/expapi/verbs/passed");
	assert_string_equal(str(p, "object.id"), "https://skills.example.cn/xapi/contest/ELEC2026");
	assert_string_equal(str(p, "object.definition.type"),
			    "http://adlnet.gov/expapi/activities/assessment");
	assert_string_equal(str(p, "object.definition.name.zh-CN"), "2026 年职工电工技能竞赛");
	assert_float_equal(num(p, "result", "score", "scaled"), 0.855, 1e-12);
	assert_float_equal(num(p, "result", "score", "raw"), 85.5, 1e-12);
	assert_float_equal(num(p, "result", "score", "min"), 0, 1e-12);
	assert_float_equal(num(p, "result", "score", "max"), 100, 1e-12);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "result"), "success")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "result"), "completion")));
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "result"), "success"));
	assert_string_equal(str(p, "result.duration"), "PT12M3.45S");
	assert_string_equal(str(p, "timestamp"), "2026-06-15T08:42:05.550+08:00");
	/* one registration for the attempt, one id per statement */
	is_uuid(str(c, "context.registration"), '5');
	assert_string_equal(str(c, "context.registration"), str(p, "context.registration"));
	assert_string_not_equal(str(c, "id"), str(p, "id"));
	keep((cJSON *)c);
	keep((cJSON *)p);

	/* rebuilt later (a resend after a lost reply): byte for byte the same */
	cJSON *again = cJSON_CreateArray();
	assert_int_equal(results_xapi_attempt_statements(&s, &a, again, NULL), RESULTS_OK);
	char *x = cJSON_PrintUnformatted(arr), *y = cJSON_PrintUnformatted(again);
	assert_string_equal(x, y);
	free(x);
	free(y);
	cJSON_Delete(again);

	/* another attempt: another registration and other ids */
	a.attempt_id = 43;
	cJSON *other = NULL;
	assert_int_equal(results_xapi_attempt_statement(&s, &a, RESULTS_XAPI_COMPLETED, &other, NULL),
			 RESULTS_OK);
	assert_string_not_equal(str(other, "id"), str(c, "id"));
	assert_string_not_equal(str(other, "context.registration"), str(c, "context.registration"));
	cJSON_Delete(other);
	cJSON_Delete(arr);
}

static void test_failed_and_no_pass_mark(void **state)
{
	(void)state;
	results_xapi_site s = site;
	s.tz = sh;
	results_xapi_attempt a = attempt();
	a.passed = 0;
	a.raw_milli = -2500; /* negative marking: scaled against the minimum */
	a.min_milli = -10000;
	/* a 64-character Chinese name (192 bytes) is a valid actor name */
	a.name =
		"全国职工安全生产知识竞赛暨电气焊工技能比武决赛第一车间第二班组参赛选手代表张三丰全国职工安全生产知识竞赛暨电气焊工技能比武决赛第";
	cJSON *named = NULL;
	assert_int_equal(results_xapi_attempt_statement(&s, &a, RESULTS_XAPI_FAILED, &named, NULL),
			 RESULTS_OK);
	assert_string_equal(str(named, "actor.name"), a.name);
	cJSON_Delete(named);
	a.name = NULL;
	a.finished_ms = a.started_ms + 3600000 + 5000;
	cJSON *arr = cJSON_CreateArray();
	assert_int_equal(results_xapi_attempt_statements(&s, &a, arr, NULL), RESULTS_OK);
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	const cJSON *f = cJSON_GetArrayItem(arr, 1);
	common(f);
	assert_string_equal(str(f, "verb.id"), "http://adlnet.gov/expapi/verbs/failed");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "result"), "success")));
	assert_float_equal(num(f, "result", "score", "scaled"), -0.25, 1e-12);
	assert_string_equal(str(f, "result.duration"), "PT1H5S");
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "actor"), "name"));
	keep((cJSON *)f);
	cJSON_Delete(arr);
	/* no pass mark: completed only */
	a.passed = -1;
	a.started_ms = a.finished_ms;
	arr = cJSON_CreateArray();
	assert_int_equal(results_xapi_attempt_statements(&s, &a, arr, NULL), RESULTS_OK);
	assert_int_equal(cJSON_GetArraySize(arr), 1);
	assert_string_equal(str(cJSON_GetArrayItem(arr, 0), "result.duration"), "PT0S");
	keep(cJSON_GetArrayItem(arr, 0));
	cJSON_Delete(arr);
}

static void test_answer_and_certificate(void **state)
{
	(void)state;
	results_xapi_site s = site;
	s.tz = sh;
	results_xapi_attempt a = attempt();
	results_xapi_answer q = {"q7", "choice", "b", "b", true, 967, 1000, 2100, T0 + 2100};
	cJSON *st = NULL;
	assert_int_equal(results_xapi_answer_statement(&s, &a, &q, &st, NULL), RESULTS_OK);
	common(st);
	assert_string_equal(str(st, "verb.id"), "http://adlnet.gov/expapi/verbs/answered");
	assert_string_equal(str(st, "object.id"), "https://skills.example.cn/xapi/contest/ELEC2026/q/q7");
	assert_string_equal(str(st, "object.definition.type"),
			    "http://adlnet.gov/expapi/activities/cmi.interaction");
	assert_string_equal(str(st, "object.definition.interactionType"), "choice");
	assert_string_equal(str(st, "object.definition.correctResponsesPattern.0"), "b");
	assert_string_equal(str(st, "context.contextActivities.parent.0.id"),
			    "https://skills.example.cn/xapi/contest/ELEC2026");
	assert_string_equal(str(st, "result.response"), "b");
	assert_string_equal(str(st, "result.duration"), "PT2.10S");
	assert_float_equal(num(st, "result", "score", "scaled"), 0.967, 1e-12);
	keep(st);
	cJSON_Delete(st);

	results_xapi_cert c = {
		"10240057", "张三",   "ELEC2026", "CERT-2026-000123", "2026 年职工电工技能竞赛 一等奖",
		NULL,       "一等奖", 42,         T0 + 86400000};
	assert_int_equal(results_xapi_cert_statement(&s, &c, &st, NULL), RESULTS_OK);
	common(st);
	assert_string_equal(str(st, "verb.id"), "http://id.tincanapi.com/verb/earned");
	assert_string_equal(str(st, "object.id"),
			    "https://skills.example.cn/xapi/certificate/CERT-2026-000123");
	assert_string_equal(str(st, "object.definition.type"),
			    "http://id.tincanapi.com/activitytype/certificate");
	const cJSON *ext = cJSON_GetObjectItem(cJSON_GetObjectItem(st, "context"), "extensions");
	const cJSON *award = cJSON_GetObjectItem(ext, "https://skills.example.cn/xapi/extension/award");
	assert_true(cJSON_IsString(award) && strcmp(award->valuestring, "一等奖") == 0);
	results_xapi_attempt at = attempt(); /* the registration is the attempt's */
	cJSON *done = NULL;
	assert_int_equal(results_xapi_attempt_statement(&s, &at, RESULTS_XAPI_COMPLETED, &done, NULL),
			 RESULTS_OK);
	assert_string_equal(str(st, "context.registration"), str(done, "context.registration"));
	cJSON_Delete(done);
	assert_string_equal(str(st, "timestamp"), "2026-06-16T08:30:02.100+08:00");
	keep(st);
	cJSON_Delete(st);
	/* a participation certificate, no attempt */
	c.award_zh = NULL;
	c.attempt_id = -1;
	c.certificate_id = "P-7";
	assert_int_equal(results_xapi_cert_statement(&s, &c, &st, NULL), RESULTS_OK);
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "context"), "registration"));
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "context"), "extensions"));
	keep(st);
	cJSON_Delete(st);
}

static void test_uuid5(void **state)
{
	(void)state;
	/* Python's documented example: uuid5(NAMESPACE_DNS, 'python.org') */
	const uint8_t dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
				 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
	char out[37];
	results_uuid5(dns, "python.org", out);
	assert_string_equal(out, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	/* the registration of attempt 42, computed again by Python's uuid module */
	const char *name = "https://skills.example.cn/xapi/contest/ELEC2026/attempt/42";
	results_uuid5(results_uuid_ns_url, name, out);
	char cmd[256], py[64] = "";
	snprintf(cmd, sizeof cmd, "python3 -c \"import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, '%s'))\"",
		 name);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(py, sizeof py, p));
	assert_int_equal(pclose(p), 0);
	py[strcspn(py, "\n")] = '\0';
	assert_string_equal(out, py);
	results_xapi_site s = site;
	results_xapi_attempt a = attempt();
	cJSON *st = NULL;
	assert_int_equal(results_xapi_attempt_statement(&s, &a, RESULTS_XAPI_PASSED, &st, NULL), RESULTS_OK);
	assert_string_equal(str(st, "context.registration"), py);
	/* without a zone: UTC */
	assert_string_equal(str(st, "timestamp"), "2026-06-15T00:42:05.550Z");
	cJSON_Delete(st);
}

static void test_bad_input(void **state)
{
	(void)state;
	results_xapi_site s = site;
	results_xapi_attempt a;
	cJSON *st = NULL;
	char *err = NULL;
#define BAD(change, message)                                                                             \
	do {                                                                                             \
		s = site;                                                                                \
		a = attempt();                                                                           \
		change;                                                                                  \
		assert_int_equal(results_xapi_attempt_statement(&s, &a, RESULTS_XAPI_PASSED, &st, &err), \
				 RESULTS_E_INVALID);                                                     \
		assert_string_equal(err, message);                                                       \
	} while (0)
	BAD(a.employee_no = "", "employee_no: missing or invalid");
	BAD(a.employee_no = "a\nb", "employee_no: missing or invalid");
	BAD(a.contest_code = "elec2026", "contest_code: missing or invalid");
	BAD(a.raw_milli = 100001, "raw_milli: missing or invalid");
	BAD(a.finished_ms = a.started_ms - 1, "finished_ms: missing or invalid");
	BAD(a.title_zh = NULL, "title_zh: missing or invalid");
	BAD(a.passed = 0, "passed: does not agree with the verb passed");
	BAD(s.home_page = "skills.example.cn", "home_page: must be an http(s) IRI");
	BAD(s.home_page = "https://skills example.cn", "home_page: must be an http(s) IRI");
	BAD(s.activity_base = "https://", "activity_base: must be an http(s) IRI");
#undef BAD
	results_xapi_answer q = {"q 7", "choice", "b", NULL, true, 1000, 1000, 0, T0};
	a = attempt();
	s = site;
	assert_int_equal(results_xapi_answer_statement(&s, &a, &q, &st, &err), RESULTS_E_INVALID);
	assert_string_equal(err, "question_id: missing or invalid");
	q.question_id = "q7";
	q.interaction_type = "multiple-choice";
	assert_int_equal(results_xapi_answer_statement(&s, &a, &q, &st, &err), RESULTS_E_INVALID);
	assert_string_equal(err, "interaction_type: missing or invalid");
	results_xapi_cert c = {"10240057", NULL, "ELEC2026", "../x", "证书", NULL, NULL, -1, T0};
	assert_int_equal(results_xapi_cert_statement(&s, &c, &st, &err), RESULTS_E_INVALID);
	assert_string_equal(err, "certificate_id: missing or invalid");
	free(err);
	/* an activity base of its own, a trailing slash dropped */
	s.activity_base = "https://lrs-ids.example.cn/skillarena/";
	c.certificate_id = "C1";
	assert_int_equal(results_xapi_cert_statement(&s, &c, &st, NULL), RESULTS_OK);
	assert_string_equal(str(st, "object.id"), "https://lrs-ids.example.cn/skillarena/certificate/C1");
	keep(st);
	cJSON_Delete(st);
}

/* Last: every statement built above through the npm validator. */
static void test_npm_validator(void **state)
{
	(void)state;
	assert_true(cJSON_GetArraySize(all_statements) >= 7);
	char path[] = "/tmp/sa-xapi-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char *json = cJSON_Print(all_statements);
	FILE *f = fdopen(fd, "w");
	fputs(json, f);
	fclose(f);
	free(json);
	char cmd[256], line[512];
	snprintf(cmd, sizeof cmd, "node tests/unit/results_xapi_check.js %s 2>&1", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof line, p))
		print_message("xapi-validation: %s", line);
	int rc = pclose(p);
	unlink(path);
	assert_int_equal(rc, 0);
}

int main(void)
{
	all_statements = cJSON_CreateArray();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attempt),
		cmocka_unit_test(test_failed_and_no_pass_mark),
		cmocka_unit_test(test_answer_and_certificate),
		cmocka_unit_test(test_uuid5),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_npm_validator),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	cJSON_Delete(all_statements);
	return rc;
}
