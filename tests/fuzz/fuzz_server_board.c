/*
 * fuzz_server_board.c - libFuzzer target over the leaderboard frames
 * (live/board.c): entries from the Redis "who" value ("name<TAB>unit", as
 * written by any process, or anyone who reached Redis) and from PostgreSQL
 * columns, the top-N JSON, the shared frame and a player's frame, packed.
 *
 * Input: up to 12 entries separated by 0xFF bytes; a 0xFE byte in an entry
 * makes it a PostgreSQL row (name and unit split there) instead of a "who"
 * value.
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

/* The parsed entry's field equals s[0..n) when s was clean. */
static void same_text(const cJSON *e, const char *key, const uint8_t *s, size_t n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
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
		if (split[n]) /* a PostgreSQL row: name, unit */
			cJSON_AddItemToArray(
				top, board_entry(n + 1, n + 1, (const char *)start[n],
						 (size_t)(split[n] - start[n]), (const char *)split[n] + 1,
						 len[n] - (size_t)(split[n] - start[n]) - 1, 1000 * n));
		else
			cJSON_AddItemToArray(
				top, board_entry_who(n + 1, n + 1, (const char *)start[n], len[n], 1000 * n));
		n++;
		b = i + 1;
	}
	char *json = cJSON_PrintUnformatted(top);
	cJSON_Delete(top);
	if (!json)
		return 0;
	frame *f[2] = {board_top_frame(n, json), board_player_frame(n, json, n ? 1 : 0, 1500)};
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
		const uint8_t *s = start[k], *tab = split[k] ? split[k] : memchr(s, '\t', len[k]);
		size_t nlen = tab ? (size_t)(tab - s) : len[k];
		same_text(e, "name", s, nlen);
		same_text(e, "unit", tab ? tab + 1 : s, tab ? len[k] - nlen - 1 : 0);
	}
	cJSON_Delete(back);
	cJSON_free(json);
	frame_unref(f[0]);
	frame_unref(f[1]);
	frame_unref(both);
	return 0;
}
