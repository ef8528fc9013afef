/*
 * test_contests_util.h - helpers shared by the contests/ unit tests
 * (test_contest*.c, test_import*.c, test_bank*.c); header-only.
 */
#ifndef TEST_CONTESTS_UTIL_H
#define TEST_CONTESTS_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bank.h"
#include "contest.h"

#define TD "tests/data/contests/"

static inline score_engine *tc_engine(void)
{
	score_engine *eng = NULL;
	char *warn = NULL;
	assert_int_equal(score_engine_new(&eng, NULL, &warn), 0);
	free(warn);
	return eng;
}

static inline int tc_setup(void **state)
{
	*state = tc_engine();
	return 0;
}

static inline int tc_teardown(void **state)
{
	score_engine_free(*state);
	return 0;
}

/* The problems as contest_diag_print writes them (malloc'ed). */
static inline char *tc_diag_text(const contest_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	contest_diag_print(d, fp);
	fclose(fp);
	return buf;
}

/* Asserts the printed problems contain this exact line (or, with prefix, a line starting so). */
static inline void tc_has_line_(const contest_diag *d, const char *line, bool prefix)
{
	char *text = tc_diag_text(d);
	size_t n = strlen(line);
	bool found = false;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		if ((l == n || (prefix && l > n)) && memcmp(p, line, n) == 0)
			found = true;
		p = nl ? nl + 1 : NULL;
	}
	if (!found)
		fail_msg("expected problem line:\n  %s\ngot:\n%s", line, text);
	free(text);
}

static inline void tc_has_line(const contest_diag *d, const char *line) { tc_has_line_(d, line, false); }

/* For messages that end in the scoring engine's own words. */
static inline void tc_has_prefix(const contest_diag *d, const char *line) { tc_has_line_(d, line, true); }

static inline char *tc_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* contest_bank_export() in English: the text, or NULL with the problems in d (never out of memory here). */
static inline char *tc_export(const contest_bank *b, contest_bank_format fmt, contest_diag *d)
{
	char *out = NULL;
	int rc = contest_bank_export(b, fmt, "en", &out, d);
	assert_int_not_equal(rc, CONTEST_E_NOMEM);
	assert_true(rc == CONTEST_OK ? out != NULL : out == NULL);
	return out;
}

/* The question with this id in a bank or question array. */
static inline const cJSON *tc_question(const cJSON *bank, const char *id)
{
	const cJSON *qs = cJSON_IsArray(bank) ? bank : cJSON_GetObjectItemCaseSensitive(bank, "questions");
	const cJSON *q;
	cJSON_ArrayForEach(q, qs)
	{
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, "id");
		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
			return q;
	}
	fail_msg("no question '%s'", id);
	return NULL;
}

/* Asserts a JSON value equals the JSON text want. */
static inline void tc_json_eq(const cJSON *got, const char *want)
{
	cJSON *w = cJSON_Parse(want);
	assert_non_null(w);
	if (!cJSON_Compare(got, w, true)) {
		char *g = cJSON_PrintUnformatted(got);
		fail_msg("JSON differs:\n  got  %s\n  want %s", g, want);
	}
	cJSON_Delete(w);
}

static inline const char *tc_field_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

#endif
