/*
 * util.c - the small checkers every contests/ file is built from.
 *
 * Reading a file (size-capped), UTF-8 validation, JSON parsing with syntax
 * errors at line:col, JSON paths, and one checker per kind of field (string,
 * language map, integer in a range, id, ISO 8601 date-time, known fields).
 * Each checker reports its own problem through cx_err() and returns false, so
 * a caller checks a whole object and learns every problem in one pass.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "contests_int.h"

/* The largest contest, bank or import file we read: 16 MiB. */
#define CX_FILE_MAX (16u << 20)

static bool cx_is_ident(const char *key)
{
	if (!*key || !(isalpha((unsigned char)*key) || *key == '_'))
		return false;
	for (const char *p = key; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return false;
	return true;
}

const char *cx_key(char *out, const char *parent, const char *key)
{
	if (cx_is_ident(key))
		snprintf(out, CX_PATH_MAX, "%s.%s", parent, key);
	else
		snprintf(out, CX_PATH_MAX, "%s[\"%s\"]", parent, key);
	return out;
}

const char *cx_idx(char *out, const char *parent, int i)
{
	snprintf(out, CX_PATH_MAX, "%s[%d]", parent, i);
	return out;
}

int cx_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -errno;
	/* only regular files: never block on a FIFO or read a device */
	struct stat st;
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		fclose(fp);
		return -e;
	}
	size_t cap = 4096, n = 0;
	char *b = cx_malloc(cap);
	if (!b) {
		fclose(fp);
		return -ENOMEM;
	}
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max) {
				free(b);
				fclose(fp);
				return -EFBIG;
			}
			char *nb = cx_realloc(b, cap * 2);
			if (!nb) {
				free(b);
				fclose(fp);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		size_t got = fread(b + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0) {
			if (ferror(fp)) {
				int e = errno ? errno : EIO;
				free(b);
				fclose(fp);
				return -e;
			}
			break;
		}
	}
	fclose(fp);
	if (n > max) {
		free(b);
		return -EFBIG;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

ptrdiff_t cx_utf8_invalid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned c = p[i];
		size_t n;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1;
			min = 0x80;
			c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
			min = 0x800;
			c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3;
			min = 0x10000;
			c &= 0x07;
		} else {
			return (ptrdiff_t)i;
		}
		if (i + n >= len) /* fewer than n continuation bytes left */
			return (ptrdiff_t)i;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return (ptrdiff_t)i;
			c = (c << 6) | (p[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return (ptrdiff_t)i;
		i += n + 1;
	}
	return -1;
}

void cx_line_col(const char *s, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < off && s[i]; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

size_t cx_utf8_len_n(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

size_t cx_utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

cJSON *cx_parse_json_file(cx *c, const char *path)
{
	char *buf;
	size_t len;
	int rc = cx_read_file(path, CX_FILE_MAX, &buf, &len);
	if (rc == -EFBIG) {
		cx_err(c, NULL, CXM_TOO_BIG, (size_t)CX_FILE_MAX);
		return NULL;
	}
	if (rc == -ENOMEM) {
		cx_oom(c);
		return NULL;
	}
	if (rc < 0) {
		cx_err(c, NULL, CXM_READ, cx_strerror(-rc, c->lang));
		return NULL;
	}
	cJSON *root = cx_parse_json_mem(c, buf, len);
	free(buf);
	return root;
}

cJSON *cx_json_parse(cx *c, const char *s, size_t n, const char **end)
{
	const char *e1 = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(s, n, &e1, false);
	if (v) {
		*end = e1;
		return v;
	}
	/* cJSON gives NULL for bad syntax and for no memory alike: bad syntax stops at the same place twice */
	v = cJSON_ParseWithLengthOpts(s, n, end, false);
	if (!v && *end != e1)
		cx_oom(c);
	return v;
}

cJSON *cx_parse_json_mem(cx *c, const char *buf, size_t len)
{
	const char *text = buf;
	size_t tlen = len;
	if (tlen >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		tlen -= 3;
	}
	ptrdiff_t bad = cx_utf8_invalid(text, tlen);
	if (bad >= 0 || memchr(text, '\0', tlen)) {
		int l, col;
		if (bad < 0)
			bad = (const char *)memchr(text, '\0', tlen) - text;
		cx_line_col(text, (size_t)bad, &l, &col);
		cx_err_at(c, l, col, NULL, CXM_NOT_UTF8);
		return NULL;
	}
	const char *end = NULL;
	cJSON *root = cx_json_parse(c, text, tlen, &end);
	if (!root && c->nomem)
		return NULL;
	if (!root) {
		int l, col;
		size_t off = end && end >= text ? (size_t)(end - text) : 0;
		/* cJSON points at where it gave up */
		cx_line_col(text, off, &l, &col);
		cx_err_at(c, l, col, NULL, CXM_JSON_SYNTAX);
		return NULL;
	}
	const char *p = end;
	while (p < text + tlen && isspace((unsigned char)*p))
		p++;
	if (p < text + tlen) {
		int l, col;
		cx_line_col(text, (size_t)(p - text), &l, &col);
		cx_err_at(c, l, col, NULL, CXM_JSON_TRAILING);
		cJSON_Delete(root);
		return NULL;
	}
	size_t before = cx_nerr(c);
	cx_dup_keys(c, root, "$");
	if (cx_nerr(c) != before) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

static bool cx_has_control(const char *s, bool allow_newlines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == 0x7F)
			return true;
		if (*p < 0x20 && !(allow_newlines && (*p == '\n' || *p == '\t' || *p == '\r')))
			return true;
	}
	return false;
}

bool cx_string(cx *c, const cJSON *v, const char *path, int maxlen, bool allow_newlines)
{
	if (!cJSON_IsString(v)) {
		cx_err(c, path, CXM_WANT_STRING);
		return false;
	}
	const char *s = v->valuestring;
	const char *t = s;
	while (*t && isspace((unsigned char)*t))
		t++;
	if (!*t) {
		cx_err(c, path, CXM_EMPTY_STRING);
		return false;
	}
	if (maxlen > 0 && cx_utf8_len(s) > (size_t)maxlen) {
		cx_err(c, path, CXM_STRING_TOO_LONG, maxlen);
		return false;
	}
	if (cx_has_control(s, allow_newlines)) {
		cx_err(c, path, CXM_CONTROL_CHAR);
		return false;
	}
	return true;
}

static const char *const cx_lang_tags[] = {"zh-CN", "en", NULL};

bool cx_langmap(cx *c, const cJSON *v, const char *path, int maxlen, bool allow_newlines)
{
	if (cJSON_IsString(v))
		return cx_string(c, v, path, maxlen, allow_newlines);
	if (!cJSON_IsObject(v)) {
		cx_err(c, path, CXM_LANGMAP);
		return false;
	}
	size_t before = cx_nerr(c);
	char p[CX_PATH_MAX];
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		bool known = false;
		for (int i = 0; cx_lang_tags[i]; i++)
			if (strcmp(it->string, cx_lang_tags[i]) == 0)
				known = true;
		if (!known) {
			cx_err(c, cx_key(p, path, it->string), CXM_LANG_TAG, it->string);
			continue;
		}
		cx_string(c, it, cx_key(p, path, it->string), maxlen, allow_newlines);
	}
	if (!cJSON_GetObjectItemCaseSensitive(v, "zh-CN"))
		cx_err(c, path, CXM_LANGMAP_NO_ZH);
	return cx_nerr(c) == before;
}

bool cx_int(cx *c, const cJSON *v, const char *path, long long min, long long max, long long *out)
{
	if (!cJSON_IsNumber(v)) {
		cx_err(c, path, CXM_WANT_INTEGER);
		return false;
	}
	double d = v->valuedouble;
	if (!isfinite(d) || d != floor(d)) {
		cx_err(c, path, CXM_WANT_INTEGER);
		return false;
	}
	if (d < (double)min || d > (double)max) {
		cx_err(c, path, CXM_RANGE_INT, min, max);
		return false;
	}
	if (out)
		*out = (long long)d;
	return true;
}

bool cx_number(cx *c, const cJSON *v, const char *path, double min, double max, double *out)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
		cx_err(c, path, CXM_WANT_NUMBER);
		return false;
	}
	if (v->valuedouble < min || v->valuedouble > max) {
		cx_err(c, path, CXM_RANGE_NUM, min, max);
		return false;
	}
	if (out)
		*out = v->valuedouble;
	return true;
}

bool cx_bool(cx *c, const cJSON *v, const char *path, bool *out)
{
	if (!cJSON_IsBool(v)) {
		cx_err(c, path, CXM_WANT_BOOL);
		return false;
	}
	if (out)
		*out = cJSON_IsTrue(v);
	return true;
}

bool cx_is_id(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return n >= 1 && n <= 64;
}

bool cx_id(cx *c, const cJSON *v, const char *path)
{
	if (!cJSON_IsString(v)) {
		cx_err(c, path, CXM_WANT_STRING);
		return false;
	}
	if (cx_is_id(v->valuestring))
		return true;
	/* quote at most 64 bytes of a bad id */
	char shown[80];
	snprintf(shown, sizeof shown, "%.64s", v->valuestring);
	cx_err(c, path, CXM_ID, shown);
	return false;
}

static int cx_cmp_key(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* Reports the repeated keys of one object: pairwise when small, sorted when large. */
static void cx_dup_keys_of(cx *c, const cJSON *obj, const char *path)
{
	char p[CX_PATH_MAX];
	int n = cJSON_GetArraySize(obj);
	if (n <= 16) {
		for (const cJSON *a = obj->child; a; a = a->next)
			for (const cJSON *b = obj->child; b != a; b = b->next)
				if (strcmp(a->string, b->string) == 0) {
					cx_err(c, cx_key(p, path, a->string), CXM_DUP_FIELD, a->string);
					break;
				}
		return;
	}
	const cJSON **v = cx_malloc(sizeof *v * (size_t)n);
	if (!v) {
		cx_oom(c);
		return;
	}
	int k = 0;
	for (const cJSON *a = obj->child; a && k < n; a = a->next)
		v[k++] = a;
	qsort(v, (size_t)k, sizeof *v, cx_cmp_key);
	for (int i = 1; i < k; i++)
		if (strcmp(v[i]->string, v[i - 1]->string) == 0)
			cx_err(c, cx_key(p, path, v[i]->string), CXM_DUP_FIELD, v[i]->string);
	free(v);
}

void cx_dup_keys(cx *c, const cJSON *v, const char *path)
{
	char p[CX_PATH_MAX];
	if (cJSON_IsObject(v))
		cx_dup_keys_of(c, v, path);
	int i = 0;
	for (const cJSON *it = (cJSON_IsObject(v) || cJSON_IsArray(v)) ? v->child : NULL; it;
	     it = it->next, i++) {
		if (!cJSON_IsObject(it) && !cJSON_IsArray(it))
			continue;
		cx_dup_keys(c, it, cJSON_IsObject(v) ? cx_key(p, path, it->string) : cx_idx(p, path, i));
	}
}

void cx_fields(cx *c, const cJSON *obj, const char *path, const char *const *known)
{
	char p[CX_PATH_MAX];
	for (const cJSON *it = obj ? obj->child : NULL; it; it = it->next) {
		bool ok = false;
		for (int i = 0; known[i]; i++)
			if (strcmp(known[i], it->string) == 0)
				ok = true;
		/* "$schema" and "$comment" are always allowed, as in JSON Schema */
		if (!ok && (strcmp(it->string, "$schema") == 0 || strcmp(it->string, "$comment") == 0))
			ok = true;
		if (!ok)
			cx_err(c, cx_key(p, path, it->string), CXM_UNKNOWN_FIELD, it->string);
	}
}

/* Checks v against its row's kind; false (reported) when it does not fit. */
static bool cx_field_kind(cx *c, const cx_field *f, const cJSON *v, const char *path, cx_value *val)
{
	switch (f->kind) {
	case CXK_ANY:
		return true;
	case CXK_LANGMAP:
		return cx_langmap(c, v, path, (int)f->max, f->newlines);
	case CXK_STRING:
		return cx_string(c, v, path, (int)f->max, f->newlines);
	case CXK_INT:
		return cx_int(c, v, path, (long long)f->min, (long long)f->max, &val->i);
	case CXK_NUMBER:
		return cx_number(c, v, path, f->min, f->max, &val->d);
	case CXK_DATETIME:
		return cx_datetime(c, v, path, &val->t);
	case CXK_BOOL:
		return cx_bool(c, v, path, &val->b);
	case CXK_OBJECT:
		if (cJSON_IsObject(v))
			return true;
		cx_err(c, path, CXM_NOT_OBJECT);
		return false;
	}
	return false;
}

void cx_check_fields(cx *c, const cJSON *obj, const char *path, const cx_field *rows, size_t n, void *ctx)
{
	const char *known[CX_FIELDS_MAX + 1];
	assert(n <= CX_FIELDS_MAX);
	for (size_t i = 0; i < n; i++)
		known[i] = rows[i].name;
	known[n] = NULL;
	cx_fields(c, obj, path, known);
	for (size_t i = 0; i < n && !c->nomem; i++) {
		const cx_field *f = &rows[i];
		char p[CX_PATH_MAX];
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->name);
		cx_value val = {.given = v != NULL};
		cx_key(p, path, f->name);
		if (!v && f->required)
			cx_err(c, path, CXM_MISSING, f->name);
		if (v && !cx_field_kind(c, f, v, p, &val))
			v = NULL;
		if (f->set)
			f->set(c, v, &val, p, ctx);
	}
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t cx_days(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int cx_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Parses YYYY-MM-DD[THH:MM[:SS][Z|±HH:MM]]; a time without offset is China time (+08:00). */
static bool cx_parse_datetime(const char *s, int64_t *epoch)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return false;
	int y = cx_digits(s, 4), mo = cx_digits(s + 5, 2), d = cx_digits(s + 8, 2);
	if (y < 2000 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return false;
	int hh = 0, mm = 0, ss = 0, off = 8 * 60;
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (strlen(p) < 5 || p[2] != ':')
			return false;
		hh = cx_digits(p, 2);
		mm = cx_digits(p + 3, 2);
		p += 5;
		if (*p == ':') {
			ss = cx_digits(p + 1, 2);
			if (strlen(p) < 3)
				return false;
			p += 3;
		}
		if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
			return false;
		if (*p == 'Z') {
			off = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			if (strlen(p) < 6 || p[3] != ':')
				return false;
			int oh = cx_digits(p + 1, 2), om = cx_digits(p + 4, 2);
			if (oh < 0 || oh > 14 || om < 0 || om > 59)
				return false;
			off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
			p += 6;
		}
	}
	if (*p)
		return false;
	*epoch = cx_days(y, (unsigned)mo, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss - (int64_t)off * 60;
	return true;
}

bool cx_datetime(cx *c, const cJSON *v, const char *path, int64_t *epoch)
{
	if (!cJSON_IsString(v)) {
		cx_err(c, path, CXM_WANT_STRING);
		return false;
	}
	int64_t e;
	if (!cx_parse_datetime(v->valuestring, &e)) {
		char shown[48];
		snprintf(shown, sizeof shown, "%.40s", v->valuestring);
		cx_err(c, path, CXM_DATE, shown);
		return false;
	}
	if (epoch)
		*epoch = e;
	return true;
}

const char *cx_text(const cJSON *v, const char *lang)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (!cJSON_IsObject(v))
		return NULL;
	const cJSON *t = lang ? cJSON_GetObjectItemCaseSensitive(v, lang) : NULL;
	if (!cJSON_IsString(t))
		t = cJSON_GetObjectItemCaseSensitive(v, "zh-CN");
	return cJSON_IsString(t) ? t->valuestring : NULL;
}

const char *const cx_difficulties[4] = {NULL, "easy", "medium", "hard"};

int cx_difficulty(const char *s)
{
	for (int i = 1; i <= 3; i++)
		if (s && strcmp(s, cx_difficulties[i]) == 0)
			return i;
	return 0;
}
