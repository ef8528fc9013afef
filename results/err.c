/*
 * err.c - the error table of results/ (code -> protocol name, zh-CN and
 * English text) and the small text helpers every file of the library uses:
 * formatted error messages, the growable buffer the charts and the error
 * lists are written into, and UTF-8 walking.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_int.h"
#include "scoring_plugin.h"

static const struct {
	int code;
	const char *name, *zh, *en;
} err_table[] = {
	{RESULTS_OK, "ok", "成功", "success"},
	{RESULTS_E_NOMEM, "internal", "服务器内存不足", "out of memory"},
	{RESULTS_E_INVALID, "invalid_argument", "参数无效", "invalid argument"},
	{RESULTS_E_DEFINITION, "invalid_awards", "奖项设置有误", "invalid award definition"},
	{RESULTS_E_DATA, "bad_data", "成绩数据不一致", "inconsistent results data"},
	{RESULTS_E_TZ, "unknown_time_zone", "未知或不支持的时区", "unknown or unsupported time zone"},
	{RESULTS_E_UTF8, "invalid_utf8", "文字不是有效的 UTF-8 编码", "text is not valid UTF-8"},
	{RESULTS_E_RANGE, "out_of_range", "数值超出支持的范围", "value outside the supported range"},
};
#define NERR (sizeof err_table / sizeof err_table[0])

int results__en(const char *lang) { return score_lang_en(lang); }

const char *results_errname(int code)
{
	for (size_t i = 0; i < NERR; i++)
		if (err_table[i].code == code)
			return err_table[i].name;
	return "internal";
}

const char *results_strerror(int code, const char *lang)
{
	for (size_t i = 0; i < NERR; i++)
		if (err_table[i].code == code)
			return results__en(lang) ? err_table[i].en : err_table[i].zh;
	return results__en(lang) ? "unknown error" : "未知错误";
}

int results__errf(char **err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(*err);
	*err = s;
	return code;
}

/* ---------- growable text ---------- */

static int rbuf_grow(rbuf *b, size_t more)
{
	if (b->oom)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void rbuf_put(rbuf *b, const char *s, size_t n)
{
	if (rbuf_grow(b, n) < 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void rbuf_puts(rbuf *b, const char *s) { rbuf_put(b, s, strlen(s)); }

void rbuf_printf(rbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if ((size_t)n < sizeof tmp) {
		rbuf_put(b, tmp, (size_t)n);
		return;
	}
	if (rbuf_grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void rbuf_xml(rbuf *b, const char *s)
{
	static const char *const ent[128] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&apos;",
	};
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *rep = c < 128 ? ent[c] : NULL;
		int drop = c < 0x20 && c != '\t' && c != '\n' && c != '\r';
		if (!rep && !drop)
			continue;
		rbuf_put(b, run, (size_t)(s - run));
		if (rep)
			rbuf_puts(b, rep);
		run = s + 1;
	}
	rbuf_put(b, run, (size_t)(s - run));
}

char *rbuf_take(rbuf *b)
{
	char *s = b->oom ? NULL : b->s;
	if (b->oom)
		free(b->s);
	else if (!s)
		s = strdup("");
	*b = (rbuf){0};
	return s;
}

void rbuf_free(rbuf *b)
{
	free(b->s);
	*b = (rbuf){0};
}

/* ---------- UTF-8 ---------- */

uint32_t results__utf8_next(const char *s, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	uint32_t c = p[0];
	int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (n > 1) {
		c &= 0x3F >> (n - 1);
		for (int k = 1; k < n; k++)
			c = (c << 6) | (p[k] & 0x3F);
	}
	*i += (size_t)n;
	return c;
}

int results__utf8_ok(const char *s) { return s && score_utf8_valid(s, strlen(s)); }
