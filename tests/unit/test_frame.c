/*
 * test_frame.c - shared frames (server/net/frame.c): reference counts,
 * printing, packing several messages as ready WebSocket frames (header sizes
 * at the 125/126 and 65535/65536 boundaries) and points as JSON numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/frame.h"

static const unsigned char *wire(const frame *f) { return f->buf + LWS_PRE; }

static void test_new_and_refs(void **state)
{
	(void)state;
	frame *f = frame_new("{\"a\":1}", 7);
	assert_non_null(f);
	assert_int_equal(f->refs, 1);
	assert_int_equal(f->raw, 0);
	assert_int_equal(f->len, 7);
	assert_string_equal(frame_text(f), "{\"a\":1}");
	assert_ptr_equal(frame_ref(f), f);
	assert_int_equal(f->refs, 2);
	frame_unref(f);
	assert_int_equal(f->refs, 1);
	frame_unref(f);    /* freed: ASan reports a leak or a double free */
	frame_unref(NULL); /* harmless */
}

static void test_printf_small_and_large(void **state)
{
	(void)state;
	frame *f = frame_printf("{\"n\":%d,\"s\":\"%s\"}", 42, "张三");
	assert_string_equal(frame_text(f), "{\"n\":42,\"s\":\"张三\"}");
	assert_int_equal(f->len, strlen(frame_text(f)));
	frame_unref(f);
	char *big = malloc(5001);
	memset(big, 'y', 5000);
	big[5000] = '\0';
	f = frame_printf("[\"%s\"]", big); /* past the stack buffer */
	assert_int_equal(f->len, 5004);
	assert_int_equal(frame_text(f)[5003], ']');
	frame_unref(f);
	free(big);
}

static void test_from_json(void **state)
{
	(void)state;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "pong");
	frame *f = frame_from_json(o);
	assert_string_equal(frame_text(f), "{\"type\":\"pong\"}");
	frame_unref(f);
	cJSON_Delete(o);
}

/* A text frame of n bytes of payload, packed alone: its header length. */
static size_t header_len(size_t n)
{
	char *s = malloc(n + 1);
	memset(s, 'z', n);
	s[n] = '\0';
	frame *f = frame_new(s, n), *parts[1] = {f};
	frame *p = frame_pack(parts, 1);
	assert_non_null(p);
	assert_int_equal(p->raw, 1);
	size_t h = p->len - n;
	assert_int_equal(wire(p)[0], 0x81); /* FIN, text */
	assert_memory_equal(wire(p) + h, s, n);
	if (h == 2)
		assert_int_equal(wire(p)[1], n);
	else if (h == 4)
		assert_int_equal(wire(p)[2] << 8 | wire(p)[3], n);
	else {
		uint64_t len = 0;
		for (int k = 0; k < 8; k++)
			len = len << 8 | wire(p)[2 + k];
		assert_int_equal(len, n);
	}
	frame_unref(p);
	frame_unref(f);
	free(s);
	return h;
}

static void test_header_sizes(void **state)
{
	(void)state;
	assert_int_equal(header_len(0), 2);
	assert_int_equal(header_len(125), 2);
	assert_int_equal(header_len(126), 4);
	assert_int_equal(header_len(65535), 4);
	assert_int_equal(header_len(65536), 10);
	assert_int_equal(header_len(70000), 10);
}

static void test_pack_keeps_raw_parts(void **state)
{
	(void)state;
	frame *a = frame_new("{\"a\":1}", 7), *b = frame_new("[]", 2);
	frame *ab[2] = {a, b}, *packed = frame_pack(ab, 2);
	assert_int_equal(packed->len, 2 + 7 + 2 + 2);
	/* a packed frame inside another goes as it is, without a second header */
	frame *outer_parts[2] = {packed, a}, *outer = frame_pack(outer_parts, 2);
	assert_int_equal(outer->len, packed->len + 2 + 7);
	assert_memory_equal(wire(outer), wire(packed), packed->len);
	assert_int_equal(wire(outer)[packed->len], 0x81);
	assert_int_equal(wire(outer)[packed->len + 1], 7);
	frame_unref(outer);
	frame_unref(packed);
	frame_unref(a);
	frame_unref(b);
}

static void test_points(void **state)
{
	char buf[32];
	(void)state;
	const struct {
		int64_t milli;
		const char *text;
	} cases[] = {{0, "0"},     {1000, "1"},    {1500, "1.5"}, {1250, "1.25"},
		     {1, "0.001"}, {-500, "-0.5"}, {-3000, "-3"}, {123456789, "123456.789"},
		     {100, "0.1"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		frame_points(buf, sizeof buf, cases[i].milli);
		assert_string_equal(buf, cases[i].text);
	}
}

/* frame_check: the test build's assertion on every frame sent (valid UTF-8), packs included. */
static void test_check_utf8(void **state)
{
	(void)state;
	char big[70000];
	memset(big, 'a', sizeof big);
	memcpy(big + 60000, "\xE5\xBC\xA0", 3); /* 张, in a frame with a 64-bit length */
	frame *ok[3] = {frame_new("{\"n\":\"张三\"}", strlen("{\"n\":\"张三\"}")), frame_new(big, 300),
			frame_new(big, sizeof big)};
	for (int i = 0; i < 3; i++)
		assert_true(frame_check(ok[i]));
	frame *pack = frame_pack(ok, 3);
	assert_true(frame_check(pack));
	/* a name cut inside a character: refused alone and inside a pack */
	frame *cut = frame_new("{\"n\":\"\xE5\xBC\"}", 10);
	assert_false(frame_check(cut));
	frame *mixed[2] = {ok[0], cut};
	frame *bad = frame_pack(mixed, 2);
	assert_false(frame_check(bad));
	/* a pack whose last frame is shorter than its header says */
	bad->len -= 1;
	assert_false(frame_check(bad));
	for (int i = 0; i < 3; i++)
		frame_unref(ok[i]);
	frame_unref(pack);
	frame_unref(cut);
	frame_unref(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_refs),
		cmocka_unit_test(test_printf_small_and_large),
		cmocka_unit_test(test_from_json),
		cmocka_unit_test(test_header_sizes),
		cmocka_unit_test(test_pack_keeps_raw_parts),
		cmocka_unit_test(test_points),
		cmocka_unit_test(test_check_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
