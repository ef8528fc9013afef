/*
 * test_route.c - the HTTP route table (server/net/route.c): patterns with
 * {params}, the most specific row wins, 404 against 405 with the methods a
 * path has, the checks a table must pass, its JSON listing, query lookups;
 * and that the server's own table (server/api/) passes the checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api/api.h"
#include "core/err.h"
#include "net/route.h"

static int h_a(struct http_req *r) { return (void)r, 1; }
static int h_b(struct http_req *r) { return (void)r, 2; }

#define PUB                    \
	{                      \
		AUTH_PUBLIC, 0 \
	}

static const route rows[] = {
	{ROUTE_GET, "/api/banks/{code}", h_a, PUB, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/banks/template.xlsx", h_b, PUB, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_PUT, "/api/banks/{code}", h_b, {AUTH_CONTEST, AUTH_ORGANIZER}, ROUTE_BODY_JSON, 65536, 0},
	{ROUTE_DELETE,
	 "/api/banks/{code}/questions/{qid}",
	 h_a,
	 {AUTH_ROLE, AUTH_ADMIN},
	 ROUTE_BODY_NONE,
	 0,
	 0},
	{ROUTE_POST,
	 "/api/banks/{code}/import",
	 h_b,
	 {AUTH_ROLE, AUTH_ORGANIZER | AUTH_ADMIN},
	 ROUTE_BODY_BYTES,
	 1 << 20,
	 ROUTE_NO_RATE_LIMIT},
	{0},
};
static const route *const tables[] = {rows, NULL};

static const char *param(const route_match *m, const char *name, char *buf, size_t n)
{
	for (int i = 0; i < m->nparams; i++)
		if (m->params[i].name_len == strlen(name) && !memcmp(m->params[i].name, name, strlen(name))) {
			snprintf(buf, n, "%.*s", (int)m->params[i].value_len, m->params[i].value);
			return buf;
		}
	return NULL;
}

static void test_methods(void **state)
{
	char buf[64];
	(void)state;
	assert_int_equal(route_method_parse("GET"), ROUTE_GET);
	assert_int_equal(route_method_parse("DELETE"), ROUTE_DELETE);
	assert_int_equal(route_method_parse("get"), 0); /* methods are case-sensitive */
	assert_int_equal(route_method_parse("BREW"), 0);
	assert_string_equal(route_method_name(ROUTE_OPTIONS), "OPTIONS");
	assert_null(route_method_name(ROUTE_GET | ROUTE_POST));
	route_methods_text(ROUTE_GET | ROUTE_PUT | ROUTE_DELETE, buf, sizeof buf);
	assert_string_equal(buf, "GET, PUT, DELETE");
	route_methods_text(0, buf, sizeof buf);
	assert_string_equal(buf, "");
}

static void test_pattern_params(void **state)
{
	route_match m;
	char v[256];
	(void)state;
	assert_true(route_pattern_match("/api/contests/{code}/leaderboard",
					"/api/contests/SAFE2026/leaderboard", &m) >= 0);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(param(&m, "code", v, sizeof v), "SAFE2026");
	/* two parameters, UTF-8 values */
	assert_true(route_pattern_match("/b/{code}/q/{qid}", "/b/题库一/q/第1题", &m) >= 0);
	assert_string_equal(param(&m, "code", v, sizeof v), "题库一");
	assert_string_equal(param(&m, "qid", v, sizeof v), "第1题");
	/* no match: missing or extra segments, empty segments, trailing slash, other literals */
	assert_true(route_pattern_match("/api/contests/{code}", "/api/contests", &m) < 0);
	assert_true(route_pattern_match("/api/contests/{code}", "/api/contests/", &m) < 0);
	assert_true(route_pattern_match("/api/contests/{code}", "/api/contests/A/", &m) < 0);
	assert_true(route_pattern_match("/api/contests/{code}", "/api/contests/A/b", &m) < 0);
	assert_true(route_pattern_match("/api/contests/{code}", "/api/contestsX/A", &m) < 0);
	assert_true(route_pattern_match("/healthz", "/healthz", &m) >= 0);
	assert_true(route_pattern_match("/healthz", "/healthzz", &m) < 0);
	assert_true(route_pattern_match("/healthz", "healthz", &m) < 0);
	assert_true(route_pattern_match("/healthz", "", &m) < 0);
	/* a parameter is valid UTF-8 without control characters */
	assert_true(route_pattern_match("/a/{x}", "/a/\xC0\xAF", &m) < 0);     /* overlong */
	assert_true(route_pattern_match("/a/{x}", "/a/\xED\xA0\x80", &m) < 0); /* surrogate */
	assert_true(route_pattern_match("/a/{x}", "/a/\xE5\xBC", &m) < 0);     /* cut */
	assert_true(route_pattern_match("/a/{x}", "/a/x\x01y", &m) < 0);
	assert_true(route_pattern_match("/a/{x}", "/a/x\x7fy", &m) < 0);
	assert_true(route_pattern_match("/a/{x}", "/a/\xC2\x85", &m) < 0); /* C1 control */
	assert_true(route_pattern_match("/a/{x}", "/a/a b", &m) >= 0);     /* a space is text */
}

static void test_most_specific_wins(void **state)
{
	route_match m;
	char v[64];
	(void)state;
	assert_int_equal(route_find(tables, ROUTE_GET, "/api/banks/template.xlsx", &m), 0);
	assert_ptr_equal(m.row->handler, h_b);
	assert_int_equal(m.nparams, 0);
	assert_int_equal(route_find(tables, ROUTE_GET, "/api/banks/B1", &m), 0);
	assert_ptr_equal(m.row, &rows[0]);
	assert_string_equal(param(&m, "code", v, sizeof v), "B1");
	/* a literal further on does not beat a literal earlier */
	assert_true(route_pattern_match("/a/x/{p}", "/a/x/y", &m) >
		    route_pattern_match("/a/{p}/y", "/a/x/y", &m));
}

static void test_not_found_and_method(void **state)
{
	route_match m;
	(void)state;
	assert_int_equal(route_find(tables, ROUTE_GET, "/api/nothing", &m), SA_E_NOT_FOUND);
	assert_null(m.row);
	assert_int_equal(m.allow, 0);
	assert_int_equal(route_find(tables, ROUTE_POST, "/api/banks/B1", &m), SA_E_METHOD);
	assert_null(m.row);
	assert_int_equal(m.allow, ROUTE_GET | ROUTE_PUT);
	assert_int_equal(route_find(tables, ROUTE_PUT, "/api/banks/B1", &m), 0);
	assert_ptr_equal(m.row, &rows[2]);
	assert_int_equal(route_find(tables, ROUTE_DELETE, "/api/banks/B1/questions/q1", &m), 0);
	assert_int_equal(m.nparams, 2);
	assert_int_equal(route_find(tables, ROUTE_HEAD, "/api/banks/template.xlsx", &m), SA_E_METHOD);
	assert_int_equal(m.allow, ROUTE_GET | ROUTE_PUT); /* template.xlsx also matches {code} */
}

static int check(const route *r)
{
	route one[2] = {*r, {0}};
	const route *t[] = {one, NULL};
	char err[256];
	return route_check(t, err, sizeof err);
}

static void test_check_refuses_bad_rows(void **state)
{
	char err[256];
	(void)state;
	assert_int_equal(route_check(tables, err, sizeof err), 0);
	const route bad[] = {
		{ROUTE_GET | ROUTE_POST, "/a", h_a, PUB, ROUTE_BODY_NONE, 0, 0}, /* two methods */
		{ROUTE_GET, "a", h_a, PUB, ROUTE_BODY_NONE, 0, 0},               /* relative */
		{ROUTE_GET, "/a//b", h_a, PUB, ROUTE_BODY_NONE, 0, 0},           /* empty segment */
		{ROUTE_GET, "/a/", h_a, PUB, ROUTE_BODY_NONE, 0, 0},             /* trailing slash */
		{ROUTE_GET, "/a/{}", h_a, PUB, ROUTE_BODY_NONE, 0, 0},           /* empty name */
		{ROUTE_GET, "/a/{Code}", h_a, PUB, ROUTE_BODY_NONE, 0, 0},       /* name case */
		{ROUTE_GET, "/a/x{y}", h_a, PUB, ROUTE_BODY_NONE, 0, 0},         /* half a segment */
		{ROUTE_GET, "/a/{x}/{x}", h_a, PUB, ROUTE_BODY_NONE, 0, 0},      /* same name twice */
		{ROUTE_GET, "/a", NULL, PUB, ROUTE_BODY_NONE, 0, 0},             /* no handler */
		{ROUTE_POST, "/a", h_a, PUB, ROUTE_BODY_JSON, 0, 0},             /* no limit */
		{ROUTE_POST, "/a", h_a, PUB, ROUTE_BODY_NONE, 10, 0},            /* limit, no body */
		{ROUTE_GET, "/a", h_a, {AUTH_ROLE, 0}, ROUTE_BODY_NONE, 0, 0},   /* no roles */
		{ROUTE_GET, "/a", h_a, {AUTH_PUBLIC, AUTH_ADMIN}, ROUTE_BODY_NONE, 0, 0}, /* roles, public */
		{ROUTE_GET, "/a", h_a, {AUTH_ROLE, 1u << 9}, ROUTE_BODY_NONE, 0, 0},      /* unknown role */
		{ROUTE_GET,
		 "/a/{id}",
		 h_a,
		 {AUTH_CONTEST, AUTH_JUDGE},
		 ROUTE_BODY_NONE,
		 0,
		 0},                                                  /* no {code} */
		{ROUTE_GET, "/a b", h_a, PUB, ROUTE_BODY_NONE, 0, 0}, /* a space */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(check(&bad[i]), SA_E_INVALID_FIELD);
	/* two rows that tie: same method, same shape (parameter names aside) */
	const route ties[] = {
		{ROUTE_GET, "/a/{x}/b", h_a, PUB, ROUTE_BODY_NONE, 0, 0},
		{ROUTE_GET, "/a/{y}/b", h_b, PUB, ROUTE_BODY_NONE, 0, 0},
		{0},
	};
	const route *tt[] = {ties, NULL};
	assert_int_equal(route_check(tt, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "/a/{y}/b"));
	/* ... across tables too */
	route first[2] = {ties[0], {0}}, second[2] = {ties[1], {0}};
	const route *split[] = {first, second, NULL};
	assert_int_equal(route_check(split, err, sizeof err), SA_E_INVALID_FIELD);
}

static void test_the_servers_table(void **state)
{
	char err[256] = "";
	route_match m;
	(void)state;
	assert_int_equal(route_check(api_routes, err, sizeof err), 0);
	assert_int_equal(route_find(api_routes, ROUTE_POST, "/api/contests", &m), 0);
	assert_int_equal(m.row->access.kind, AUTH_ROLE);
	assert_true(m.row->access.roles & AUTH_ORGANIZER);
	assert_int_equal(m.row->body, ROUTE_BODY_BYTES);
	assert_int_equal(route_find(api_routes, ROUTE_GET, "/api/contests/SAFE2026/qr.svg", &m), 0);
	assert_int_equal(m.row->access.kind, AUTH_PUBLIC);
	assert_int_equal(route_find(api_routes, ROUTE_DELETE, "/api/contests/SAFE2026", &m), SA_E_METHOD);
	assert_int_equal(m.allow, ROUTE_GET);
}

static void test_json(void **state)
{
	(void)state;
	cJSON *t = route_json(tables);
	assert_non_null(t);
	assert_int_equal(cJSON_GetArraySize(t), 5);
	cJSON *last = cJSON_GetArrayItem(t, 4);
	assert_string_equal(cJSON_GetObjectItem(last, "method")->valuestring, "POST");
	assert_string_equal(cJSON_GetObjectItem(last, "pattern")->valuestring, "/api/banks/{code}/import");
	assert_string_equal(cJSON_GetObjectItem(last, "access")->valuestring, "role");
	cJSON *roles = cJSON_GetObjectItem(last, "roles");
	assert_int_equal(cJSON_GetArraySize(roles), 2);
	assert_string_equal(cJSON_GetArrayItem(roles, 0)->valuestring, "admin");
	assert_string_equal(cJSON_GetArrayItem(roles, 1)->valuestring, "organizer");
	assert_string_equal(cJSON_GetObjectItem(last, "body")->valuestring, "bytes");
	assert_int_equal((int)cJSON_GetObjectItem(last, "body_max")->valuedouble, 1 << 20);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(last, "rate_limited")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(t, 2), "access")->valuestring, "contest");
	cJSON_Delete(t);
}

static void test_query(void **state)
{
	static const char q[] = "limit=5\0flag\0name=张三\0limit=7\0empty=\0";
	size_t n = sizeof q - 1;
	(void)state;
	assert_string_equal(route_query(q, n, "limit"), "5"); /* the first one */
	assert_string_equal(route_query(q, n, "flag"), "");
	assert_string_equal(route_query(q, n, "name"), "张三");
	assert_string_equal(route_query(q, n, "empty"), "");
	assert_null(route_query(q, n, "lim"));
	assert_null(route_query(q, n, "limits"));
	assert_null(route_query(q, n, "nope"));
	assert_null(route_query("", 0, "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_pattern_params),
		cmocka_unit_test(test_most_specific_wins),
		cmocka_unit_test(test_not_found_and_method),
		cmocka_unit_test(test_check_refuses_bad_rows),
		cmocka_unit_test(test_the_servers_table),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_query),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
