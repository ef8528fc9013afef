/*
 * test_header.c - header field values (server/net/header.c): Content-Length
 * (one value, equal repeats, everything else refused), Origin values and
 * the public URL normalized, allowed-origin lists, CSP source lists for
 * --screen-frame-ancestors, Content-Disposition with a UTF-8 file name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "net/header.h"

static int64_t length_of(int n, ...)
{
	const char *v[8];
	int64_t len = -7;
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		v[i] = va_arg(ap, const char *);
	va_end(ap);
	return header_content_length(v, n, &len) ? -1 : len;
}

static void test_content_length(void **state)
{
	(void)state;
	assert_int_equal(length_of(1, "0"), 0);
	assert_int_equal(length_of(1, "2097152"), 2097152);
	assert_int_equal(length_of(1, " 12 "), 12);
	assert_int_equal(length_of(2, "12", "12"), 12);  /* the same twice: one length */
	assert_int_equal(length_of(1, "12, 12,12"), 12); /* a list of one value */
	/* refused: lengths that differ (a request split in two), anything not a decimal */
	assert_int_equal(length_of(2, "3", "40"), -1);
	assert_int_equal(length_of(1, "3, 40"), -1);
	assert_int_equal(length_of(1, ""), -1);
	assert_int_equal(length_of(1, " "), -1);
	assert_int_equal(length_of(1, "12,"), -1);
	assert_int_equal(length_of(1, "-1"), -1);
	assert_int_equal(length_of(1, "+5"), -1);
	assert_int_equal(length_of(1, "0x10"), -1);
	assert_int_equal(length_of(1, "1e3"), -1);
	assert_int_equal(length_of(1, "5 5"), -1);
	assert_int_equal(length_of(1, "99999999999999999999"), -1);
	assert_int_equal(length_of(1, "1125899906842624"), -1); /* 2^50 */
	assert_int_equal(length_of(1, "1125899906842623"), 1125899906842623);
	assert_int_equal(length_of(0), -1);
}

static void test_origin(void **state)
{
	char o[HEADER_ORIGIN_MAX];
	(void)state;
	assert_int_equal(header_origin("http://127.0.0.1:8080", o, sizeof o), 0);
	assert_string_equal(o, "http://127.0.0.1:8080");
	assert_int_equal(header_origin("HTTPS://Intranet.Example:443", o, sizeof o), 0);
	assert_string_equal(o, "https://intranet.example"); /* default port dropped, lower case */
	assert_int_equal(header_origin("http://h:80", o, sizeof o), 0);
	assert_string_equal(o, "http://h");
	assert_int_equal(header_origin("http://[::1]:8080", o, sizeof o), 0);
	assert_string_equal(o, "http://[::1]:8080");
	assert_int_equal(header_origin("null", o, sizeof o), 0);
	assert_string_equal(o, "null");
	const char *bad[] = {"",           "ftp://h",        "http://",     "http://h/",
			     "http://h:0", "http://h:65536", "http://h:",   "http://user@h",
			     "http://h h", "http://-h",      "http://[::1", "http://h:8080x",
			     "file://x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(header_origin(bad[i], o, sizeof o), SA_E_BAD_REQUEST);
}

static void test_public_url(void **state)
{
	char o[HEADER_ORIGIN_MAX], base[256], err[256];
	(void)state;
	assert_int_equal(header_public_url("http://192.168.1.20:8080", o, base, sizeof base, err, sizeof err),
			 0);
	assert_string_equal(o, "http://192.168.1.20:8080");
	assert_string_equal(base, "http://192.168.1.20:8080");
	assert_int_equal(
		header_public_url("https://Contest.Example/skills/", o, base, sizeof base, err, sizeof err),
		0);
	assert_string_equal(o, "https://contest.example");
	assert_string_equal(base, "https://contest.example/skills");
	assert_int_equal(header_public_url("http://h/a&b'c", o, base, sizeof base, err, sizeof err), 0);
	assert_string_equal(base, "http://h/a&b'c"); /* sub-delims are path characters: escaped where used */
	const char *bad[] = {"192.168.1.20:8080", "http://h/a b",   "http://h/a<b",
			     "http://h/?x=1",     "http://h/#x",    "http://h/a\"b",
			     "http://h/%zz",      "http://h:99999", "javascript:alert(1)"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(header_public_url(bad[i], o, base, sizeof base, err, sizeof err),
				 SA_E_INVALID_FIELD);
		assert_non_null(strstr(err, "public URL"));
	}
	assert_int_equal(header_public_url("http://h/very-long-path", o, base, 12, err, sizeof err),
			 SA_E_INVALID_FIELD);
}

static void test_origin_allowed(void **state)
{
	(void)state;
	const char *list = "http://localhost:8080,https://intranet.example";
	assert_true(header_origin_allowed(list, "http://localhost:8080"));
	assert_true(header_origin_allowed(list, "https://intranet.example"));
	assert_false(header_origin_allowed(list, "http://localhost:808"));
	assert_false(header_origin_allowed(list, "http://localhost:80800"));
	assert_false(header_origin_allowed(list, "https://intranet.example.evil"));
	assert_false(header_origin_allowed(list, "null"));
	assert_false(header_origin_allowed("", "http://localhost:8080"));
	assert_true(header_origin_allowed("*", "http://anything"));
	assert_true(header_origin_allowed("http://a,*", "null"));
}

static void test_csp_sources(void **state)
{
	(void)state;
	assert_true(header_csp_sources_ok("https://intranet.example"));
	assert_true(header_csp_sources_ok("'self' https://*.example.com:8443 http://10.0.0.5"));
	assert_true(header_csp_sources_ok("'none'"));
	assert_true(header_csp_sources_ok("https:"));
	assert_false(header_csp_sources_ok(""));
	assert_false(header_csp_sources_ok("   "));
	assert_false(header_csp_sources_ok("'none' https://a"));
	assert_false(header_csp_sources_ok("https://a; script-src *")); /* would end the directive */
	assert_false(header_csp_sources_ok("https://a, https://b"));
	assert_false(header_csp_sources_ok("'unsafe-inline'"));
	assert_false(header_csp_sources_ok("https://a\r\nSet-Cookie: x=1"));
}

static void test_disposition(void **state)
{
	(void)state;
	char *d = header_disposition("results.xlsx");
	assert_string_equal(d, "attachment; filename=\"results.xlsx\"; filename*=UTF-8''results.xlsx");
	free(d);
	d = header_disposition("安全竞赛 成绩.csv");
	assert_string_equal(d, "attachment; filename=\"____ __.csv\"; filename*=UTF-8''"
			       "%E5%AE%89%E5%85%A8%E7%AB%9E%E8%B5%9B%20%E6%88%90%E7%BB%A9.csv");
	free(d);
	d = header_disposition("a\"b\\c\r\nd.txt");
	assert_string_equal(d,
			    "attachment; filename=\"a_b_c__d.txt\"; filename*=UTF-8''a%22b%5Cc%0D%0Ad.txt");
	free(d);
	d = header_disposition("");
	assert_string_equal(d, "attachment; filename=\"download\"; filename*=UTF-8''download");
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_length), cmocka_unit_test(test_origin),
		cmocka_unit_test(test_public_url),     cmocka_unit_test(test_origin_allowed),
		cmocka_unit_test(test_csp_sources),    cmocka_unit_test(test_disposition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
