/*
 * fuzz_server_board.c - libFuzzer target over the leaderboard frames
 * (live/board.c): entries from the Redis "who" value ("name<TAB>unit<TAB>emp",
 * as written by any process, or anyone who reached Redis) and from PostgreSQL
 * columns, the top-N JSON, the shared frame and a player's frame, packed.
 *
 * Input: up to 12 entries separated by 0xFF bytes; a 0xFE byte in an entry
 * makes it a PostgreSQL row (name and unit split there, the employee
 * number's tail after a second 0xFE) instead of a "who" value.
 *
 * Besides the sanitizers, it aborts when a frame is not valid UTF-8 (for any
 * input), does not parse back as JSON, or when a name or unit that was valid
 * UTF-8 (without NUL) comes back other than byte for byte: no text is cut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "live/board.h"
#include "net/frame.h"

#define MAX_ENTRIES 12

static int clean(const uint8_t *s, size_t n) { return !memchr(s, 0, n) && utf8_valid((const char *)s, n); }

/* The parsed entry's field equals s[0..n) when s was clean (absent when empty, for emp_tail). */
static void same_text(const cJSON *e, const char *key, const uint8_t *s, size_t n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
	if (!strcmp(key, "emp_tail") && !n) {
		if (v)
			abort();
		return;
	}
	if (!cJSON_IsString(v))
		abort();
	if (clean(s, n) && (strlen(v->valuestring) != n || memcmp(v->valuestring, s, n)))
		abort();
	if (!utf8_valid(v->valuestring, strlen(v->valuestring)))
		abort();
}

static void check_frame(frame *f)
{
	if (!f || !frame_check(f))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *start[MAX_ENTRIES], *split[MAX_ENTRIES];
	size_t len[MAX_ENTRIES];
	int n = 0;
	cJSON *top = cJSON_CreateArray();
	for (size_t i = 0, b = 0; i <= size && n < MAX_ENTRIES; i++) {
		if (i < size && data[i] != 0xFF)
			continue;
		start[n] = data + b;
		len[n] = i - b;
		split[n] = memchr(start[n], 0xFE, len[n]);
		if (split[n]) { /* a PostgreSQL row: name, unit, the employee number's tail */
			board_who w = {(const char *)start[n],
				       (size_t)(split[n] - start[n]),
				       (const char *)split[n] + 1,
				       len[n] - (size_t)(split[n] - start[n]) - 1,
				       "",
				       0};
			const char *e = memchr(w.unit, 0xFE, w.ulen);
			if (e) {
				w.emp = e + 1;
				w.elen = w.ulen - (size_t)(e - w.unit) - 1;
				w.ulen = (size_t)(e - w.unit);
			}
			cJSON_AddItemToArray(top, board_entry(n + 1, n + 1, &w, 1000 * n));
		} else
			cJSON_AddItemToArray(
				top, board_entry_who(n + 1, n + 1, (const char *)start[n], len[n], 1000 * n));
		n++;
		b = i + 1;
	}
	char *json = cJSON_PrintUnformatted(top);
	cJSON_Delete(top);
	if (!json)
		return 0;
	board_me me = {.found = 1, .score_milli = 1500, .rank = n ? 1 : 0, .tied = n > 1};
	frame *f[2] = {board_top_frame(n, json), board_player_frame(n, json, &me)};
	check_frame(f[0]);
	check_frame(f[1]);
	frame *both = frame_pack(f, 2);
	check_frame(both);

	cJSON *back = cJSON_ParseWithLength(frame_text(f[0]), f[0]->len);
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(back, "top");
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != n)
		abort();
	for (int k = 0; k < n; k++) {
		const cJSON *e = cJSON_GetArrayItem(arr, k);
		board_who w;
		if (split[k]) {
			const uint8_t *s = start[k], *u = split[k] + 1, *end = s + len[k];
			const uint8_t *t = memchr(u, 0xFE, (size_t)(end - u));
			same_text(e, "name", s, (size_t)(split[k] - s));
			same_text(e, "unit", u, (size_t)((t ? t : end) - u));
			same_text(e, "emp_tail", t ? t + 1 : end, t ? (size_t)(end - t - 1) : 0);
			continue;
		}
		board_who_parse((const char *)start[k], len[k], &w);
		same_text(e, "name", (const uint8_t *)w.name, w.nlen);
		same_text(e, "unit", (const uint8_t *)w.unit, w.ulen);
		same_text(e, "emp_tail", (const uint8_t *)w.emp, w.elen);
		/* the parse itself: the parts and the tabs between them are the whole value */
		size_t tabs = 0;
		for (size_t i = 0; i < len[k]; i++)
			tabs += start[k][i] == '\t';
		if (w.nlen + (tabs >= 1 ? 1 + w.ulen : 0) + (tabs >= 2 ? 1 + w.elen : 0) != len[k])
			abort();
	}
	cJSON_Delete(back);
	cJSON_free(json);
	frame_unref(f[0]);
	frame_unref(f[1]);
	frame_unref(both);
	return 0;
}
