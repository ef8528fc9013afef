/*
 * test_msg.c - from a frame to a message table row (server/net/msg.c): JSON
 * and trailing bytes, escaped and raw NULs, raw control characters, rid and
 * type checks, the table lookup,
 * and the wrong-role error each row gives each role.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "net/msg.h"

/* Reads text as a connection of role would send it; returns the error code. */
static int read_as(const char *text, conn_role role, msg_in *in)
{
	char buf[1024];
	size_t n = strlen(text);
	assert_true(n < sizeof buf);
	memcpy(buf, text, n + 1);
	msg_read(buf, n, role, in);
	return in->code;
}

static int code_of(const char *text, conn_role role)
{
	msg_in in;
	int rc = read_as(text, role, &in);
	cJSON_Delete(in.m);
	return rc;
}

static void test_not_json(void **state)
{
	(void)state;
	const char *bad[] = {"",
			     "   ",
			     "not json",
			     "[1,2]",
			     "\"text\"",
			     "42",
			     "null",
			     "{\"type\":\"ping\"",
			     "{\"type\":\"ping\"} trailing",
			     "{\"type\":\"ping\"}{}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(code_of(bad[i], ROLE_NONE), SA_E_BAD_JSON);
	assert_int_equal(code_of("{\"type\":\"ping\"}  \r\n\t", ROLE_NONE), 0); /* whitespace may follow */
}

static void test_rid(void **state)
{
	msg_in in;
	(void)state;
	assert_int_equal(read_as("{\"type\":\"ping\",\"rid\":\"a-1\"}", ROLE_NONE, &in), 0);
	assert_string_equal(in.rid, "a-1");
	cJSON_Delete(in.m);
	const char *bad[] = {"{\"type\":\"ping\",\"rid\":7}", "{\"type\":\"ping\",\"rid\":\"\"}",
			     "{\"type\":\"ping\",\"rid\":\"a\\nb\"}",
			     "{\"type\":\"ping\",\"rid\":\"\\u0000x\"}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(read_as(bad[i], ROLE_NONE, &in), SA_E_INVALID_FIELD);
		assert_string_equal(in.detail, "rid");
		assert_null(in.rid); /* a bad rid is not echoed */
		cJSON_Delete(in.m);
	}
}

static void test_type(void **state)
{
	msg_in in;
	(void)state;
	assert_int_equal(read_as("{\"rid\":\"r\"}", ROLE_NONE, &in), SA_E_BAD_MESSAGE);
	assert_string_equal(in.detail, "type");
	assert_string_equal(in.rid, "r"); /* answered with its rid */
	cJSON_Delete(in.m);
	assert_int_equal(code_of("{\"type\":5}", ROLE_NONE), SA_E_BAD_MESSAGE);
	assert_int_equal(read_as("{\"type\":\"dance\",\"rid\":\"r\"}", ROLE_NONE, &in), SA_E_UNKNOWN_TYPE);
	assert_null(in.row);
	cJSON_Delete(in.m);
	assert_int_equal(code_of("{\"type\":\"PING\"}", ROLE_NONE), SA_E_UNKNOWN_TYPE); /* case matters */
}

/* cJSON would end the string at an escaped NUL; msg_read makes it a control character the checks refuse. */
static void test_escaped_nul(void **state)
{
	msg_in in;
	(void)state;
	assert_int_equal(read_as("{\"type\":\"join\",\"name\":\"a\\u0000b\"}", ROLE_NONE, &in), 0);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(in.m, "name");
	assert_int_equal(strlen(name->valuestring), 3);
	assert_int_equal(name->valuestring[1], 0x1f);
	cJSON_Delete(in.m);
	/* outside strings, and escaped backslashes, are left alone */
	assert_int_equal(read_as("{\"type\":\"join\",\"name\":\"a\\\\u0000b\"}", ROLE_NONE, &in), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(in.m, "name")->valuestring, "a\\u0000b");
	cJSON_Delete(in.m);
}

/* What cJSON does by itself with a raw NUL inside a string (why msg_read refuses it):
 * it reads past it to the closing quote, but the string it returns ends at the NUL. */
static void test_cjson_raw_nul(void **state)
{
	static const char text[] = "{\"name\":\"a\0b\"}";
	(void)state;
	cJSON *m = cJSON_ParseWithLength(text, sizeof text - 1);
	assert_non_null(m);                                                                 /* accepted ... */
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "name")->valuestring, "a"); /* ... and cut */
	cJSON_Delete(m);
	static const char ctl[] = "{\"name\":\"a\x01\nb\"}";
	m = cJSON_ParseWithLength(ctl, sizeof ctl - 1);
	assert_non_null(m); /* raw control characters, which JSON forbids in strings, pass too */
	cJSON_Delete(m);
}

/* A raw NUL anywhere, a raw control character inside a string: bad_json, with the frame's length. */
static void test_raw_nul_and_controls(void **state)
{
	msg_in in;
	(void)state;
	const struct {
		const char *text;
		size_t len;
	} bad[] = {
		{"{\"type\":\"join\",\"name\":\"a\0b\"}", 28},
		{"{\"type\":\"ping\"}\0", 16},
		{"\0{\"type\":\"ping\"}", 16},
		{"{\"type\":\"join\",\"name\":\"a\x01b\"}", 28},
		{"{\"type\":\"join\",\"name\":\"a\nb\"}", 28},
		{"{\"type\":\"join\",\"name\":\"a\tb\"}", 28},
		{"{\"type\":\"join\",\"name\":\"a\\\0\"}", 28},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char buf[64];
		memcpy(buf, bad[i].text, bad[i].len);
		msg_read(buf, bad[i].len, ROLE_NONE, &in);
		assert_int_equal(in.code, SA_E_BAD_JSON);
		assert_null(in.m);
	}
	/* whitespace between tokens stays allowed */
	assert_int_equal(code_of("{\n\t\"type\" :\r\n \"ping\"\n}", ROLE_NONE), 0);
}

static void test_roles(void **state)
{
	(void)state;
	const struct {
		const char *type;
		int none, player, host, screen; /* the code each role gets */
	} rows[] = {
		{"join", 0, SA_E_ALREADY_JOINED, SA_E_FORBIDDEN, SA_E_FORBIDDEN},
		/* a player's way back in, and a host's command after pause: a row each */
		{"resume", 0, SA_E_ALREADY_JOINED, 0, SA_E_FORBIDDEN},
		{"answer", SA_E_NOT_JOINED, 0, SA_E_FORBIDDEN, SA_E_FORBIDDEN},
		{"host", 0, SA_E_FORBIDDEN, SA_E_FORBIDDEN, SA_E_FORBIDDEN},
		{"watch", 0, SA_E_FORBIDDEN, SA_E_FORBIDDEN, SA_E_FORBIDDEN},
		{"start", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, SA_E_FORBIDDEN},
		{"next", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, SA_E_FORBIDDEN},
		{"reveal", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, SA_E_FORBIDDEN},
		{"end", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, SA_E_FORBIDDEN},
		{"release", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, SA_E_FORBIDDEN},
		{"pause", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, SA_E_FORBIDDEN},
		{"extend", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, SA_E_FORBIDDEN},
		/* live: the host shows or hides the screens' board; exam and mass: hosts and screens ask for one */
		{"board", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, 0},
		{"remove", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, SA_E_FORBIDDEN},
		{"rename", SA_E_FORBIDDEN, SA_E_FORBIDDEN, 0, SA_E_FORBIDDEN},
		{"ping", 0, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char text[64];
		snprintf(text, sizeof text, "{\"type\":\"%s\"}", rows[i].type);
		assert_int_equal(code_of(text, ROLE_NONE), rows[i].none);
		assert_int_equal(code_of(text, ROLE_PLAYER), rows[i].player);
		assert_int_equal(code_of(text, ROLE_HOST), rows[i].host);
		assert_int_equal(code_of(text, ROLE_SCREEN), rows[i].screen);
	}
}

static void test_string_fields(void **state)
{
	msg_in in;
	int rc = 0;
	(void)state;
	assert_int_equal(read_as("{\"type\":\"join\",\"code\":\"SAFE2026\",\"name\":7}", ROLE_NONE, &in), 0);
	msg_ctx x = {.m = in.m};
	assert_string_equal(msg_string(&x, "code", 1, &rc), "SAFE2026");
	assert_int_equal(rc, 0);
	assert_null(msg_string(&x, "unit", 0, &rc)); /* optional, absent */
	assert_int_equal(rc, 0);
	assert_null(msg_string(&x, "employee_no", 1, &rc)); /* required, absent */
	assert_int_equal(rc, SA_E_BAD_MESSAGE);
	rc = 0;
	assert_null(msg_string(&x, "name", 0, &rc)); /* present, not a string */
	assert_int_equal(rc, SA_E_BAD_MESSAGE);
	cJSON_Delete(in.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_json),      cmocka_unit_test(test_rid),
		cmocka_unit_test(test_type),          cmocka_unit_test(test_escaped_nul),
		cmocka_unit_test(test_roles),         cmocka_unit_test(test_string_fields),
		cmocka_unit_test(test_cjson_raw_nul), cmocka_unit_test(test_raw_nul_and_controls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
