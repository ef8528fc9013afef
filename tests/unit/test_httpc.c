/* test_httpc.c - core/httpc.c: the LRS URLs --lrs-url takes and refuses, and a
 * POST to a port where nothing listens failing at once with why (the xAPI
 * sender's outage path; the whole exchange is test 39's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/httpc.h"

static void test_parse(void **state)
{
	(void)state;
	httpc_url u;
	const char *why = NULL;
	assert_int_equal(httpc_parse("http://lrs.example.cn:8080/xapi/", &u, &why), 0);
	assert_string_equal(u.host, "lrs.example.cn");
	assert_string_equal(u.port, "8080");
	assert_string_equal(u.path, "/xapi");
	assert_int_equal(httpc_parse("http://127.0.0.1", &u, &why), 0);
	assert_string_equal(u.port, "80");
	assert_string_equal(u.path, "");
	const char *bad[] = {"https://lrs.example.cn/xapi",
			     "lrs.example.cn",
			     "http://",
			     "http://:80/x",
			     "http://h:0/",
			     "http://h:65536/",
			     "http://h:8x/",
			     "http://h/x?y=1",
			     "http://h/a b",
			     NULL};
	for (int i = 0; bad[i]; i++) {
		why = NULL;
		assert_int_equal(httpc_parse(bad[i], &u, &why), -1);
		assert_non_null(why);
	}
}

static void test_refused(void **state)
{
	(void)state;
	httpc_url u;
	const char *why;
	char err[256] = "";
	int status = -1;
	assert_int_equal(httpc_parse("http://127.0.0.1:1/xapi", &u, &why), 0);
	assert_int_equal(httpc_post(&u, "/statements", NULL, "application/json", "[]", 2, 2000, &status, err,
				    sizeof err),
			 -1);
	assert_non_null(strstr(err, "cannot connect to 127.0.0.1:1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
