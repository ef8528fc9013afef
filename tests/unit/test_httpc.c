/* test_httpc.c - core/httpc.c: the LRS URLs --lrs-url takes and refuses, a
 * POST to a port where nothing listens failing at once with why (the xAPI
 * sender's outage path), the CA file of an https LRS read or refused (the
 * whole exchange, over http and https, is test 39's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	assert_int_equal(u.tls, 0);
	assert_int_equal(httpc_parse("https://lrs.example.cn/xapi", &u, &why), 0);
	assert_int_equal(u.tls, 1);
	assert_string_equal(u.port, "443");
	assert_string_equal(u.host, "lrs.example.cn");
	assert_int_equal(httpc_parse("https://lrs.example.cn:8443", &u, &why), 0);
	assert_string_equal(u.port, "8443");
	const char *bad[] = {"ftp://lrs.example.cn/xapi",
			     "https://",
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
	assert_int_equal(httpc_post(&u, NULL, "/statements", NULL, "application/json", "[]", 2, 2000, &status,
				    err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "cannot connect to 127.0.0.1:1"));
	/* https needs its TLS set-up: refused before any connection */
	assert_int_equal(httpc_parse("https://127.0.0.1:1/xapi", &u, &why), 0);
	assert_int_equal(httpc_post(&u, NULL, "/statements", NULL, "application/json", "[]", 2, 2000, &status,
				    err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "https without TLS"));
}

static void test_ca_file(void **state)
{
	(void)state;
	httpc_tls *t = NULL;
	char err[256] = "";
	assert_int_equal(httpc_tls_new(&t, "/nonexistent/ca.pem", err, sizeof err), -1);
	assert_null(t);
	assert_non_null(strstr(err, "/nonexistent/ca.pem"));
	/* a file that is not PEM: refused the same way */
	char path[] = "/tmp/test_httpc-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a certificate\n", 18), 18);
	close(fd);
	assert_int_equal(httpc_tls_new(&t, path, err, sizeof err), -1);
	unlink(path);
	/* the system's bundle (ca-certificates) is read */
	assert_int_equal(httpc_tls_new(&t, "/etc/ssl/certs/ca-certificates.crt", err, sizeof err), 0);
	assert_non_null(t);
	httpc_tls_free(t);
	httpc_tls_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_ca_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
