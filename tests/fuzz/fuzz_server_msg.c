/*
 * fuzz_server_msg.c - libFuzzer target over the server's own WebSocket input
 * path: a complete text frame -> msg_read (net/msg.c: raw NUL and control
 * guard, JSON, rid, type, the message table, the role) -> the field checks of
 * live/validate.c on every string field a handler reads.
 *
 * Input: byte 0 picks the connection's role, the rest is the frame.
 *
 * Besides the sanitizers, it aborts on a broken promise: a frame read as a
 * message without a row or with a role that may not send it, a rid echoed
 * that validate_rid refuses, a raw NUL that did not make bad_json, a name or
 * unit accepted that is not valid UTF-8, is longer than 64 code points, holds
 * a bidi control, is empty, or changes when checked again.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"
#include "live/validate.h"
#include "net/msg.h"

static int has_bidi_control(const char *s)
{
	static const char *bidi[] = {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC",
				     "\xE2\x80\xAD", "\xE2\x80\xAE", "\xE2\x81\xA6",
				     "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"};
	for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++)
		if (strstr(s, bidi[i]))
			return 1;
	return 0;
}

/* A display text accepted by check must keep every promise of validate.h. */
static void check_text(int (*check)(const char *, char **), const char *s, int required)
{
	char *out = NULL, *again = NULL;
	if (check(s, &out) != SA_OK)
		return;
	size_t n = strlen(out);
	long count = utf8_count(out, n);
	if (count < (required ? 1 : 0) || count > 64 || has_bidi_control(out) ||
	    (n && (out[0] == ' ' || out[n - 1] == ' ')))
		abort();
	if (check(out, &again) != SA_OK || strcmp(out, again)) /* trimming is idempotent */
		abort();
	free(out);
	free(again);
}

static void check_fields(const cJSON *m)
{
	static const char *const names[] = {"name",       "unit",  "employee_no", "code",
					    "device_key", "token", "rid",         "type"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, names[i]);
		if (!cJSON_IsString(v))
			continue;
		const char *s = v->valuestring;
		char code[17], *emp = NULL;
		check_text(validate_name, s, 1);
		check_text(validate_unit, s, 0);
		if (validate_employee_no(s, &emp) == SA_OK && (strlen(emp) > 32 || strcmp(emp, s)))
			abort();
		free(emp);
		if (validate_code(s, code) == SA_OK && (strlen(code) < 4 || strlen(code) > 16))
			abort();
		if (validate_device_key(s) == SA_OK && (strlen(s) < 16 || strlen(s) > 64))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	conn_role role = (conn_role)(data[0] % ROLE_ANY);
	size_t len = size - 1;
	char *buf = malloc(len + 1); /* as net/ws.c hands it over: NUL-terminated, len bytes */
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);
	buf[len] = '\0';
	int raw_nul = memchr(buf, 0, len) != NULL;

	msg_in in;
	msg_read(buf, len, role, &in);
	if (raw_nul && in.code != SA_E_BAD_JSON)
		abort();
	if (!in.code && (!in.m || !in.row || msg_role_error(in.row, role)))
		abort();
	if (in.rid && validate_rid(in.rid))
		abort();
	if (in.m)
		check_fields(in.m);
	cJSON_Delete(in.m);
	free(buf);
	return 0;
}
