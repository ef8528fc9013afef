/*
 * tz.c - time zones without touching the process: a contest's days (the
 * per-day series of a mass contest, "today's attempts") and the offsets of
 * xAPI timestamps are computed in the contest's zone, Asia/Shanghai by
 * default, while the server's other threads keep their own TZ.
 *
 * localtime_r() follows the process-wide TZ, so a zone is read here from its
 * TZif file (RFC 8536) once, by results_tz_load(), into a table of
 * transitions; an offset is then a binary search. Version 2+ files are read
 * from their 64-bit block. Past the last transition the file's footer rule
 * applies: a fixed offset ("CST-8") is supported; a zone that still changes
 * for daylight saving (a footer with rules, Europe/Berlin) is refused there
 * with RESULTS_E_TZ rather than guessed (Debian's tzdata lists transitions up
 * to 2037, so this is only a limit for later dates).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_int.h"

#define TZ_MAX_BYTES (1 << 20)

struct results_tz {
	char name[64];
	size_t n;         /* transitions */
	int64_t *at;      /* transition times (Unix s), ascending */
	int32_t *off;     /* offset from each transition on */
	int32_t before;   /* offset before the first transition */
	bool rules_after; /* the footer has daylight-saving rules */
};

/* ---------- civil dates (H. Hinnant's algorithms, proleptic Gregorian) ---------- */

int64_t results_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void results_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* ---------- TZif ---------- */

static int64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

typedef struct tzhead {
	int64_t isut, isstd, leap, time, type, chr;
} tzhead;

static int read_head(const unsigned char *p, size_t len, tzhead *h)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	h->isut = be(p + 20, 4);
	h->isstd = be(p + 24, 4);
	h->leap = be(p + 28, 4);
	h->time = be(p + 32, 4);
	h->type = be(p + 36, 4);
	h->chr = be(p + 40, 4);
	if (h->isut < 0 || h->isstd < 0 || h->leap < 0 || h->time < 0 || h->type < 1 || h->type > 256 ||
	    h->chr < 0 || h->time > 100000)
		return -1;
	return 0;
}

static size_t block_len(const tzhead *h, int tsize)
{
	return (size_t)(h->time * tsize + h->time + h->type * 6 + h->chr + h->leap * (tsize + 4) + h->isstd +
			h->isut);
}

/* Parses one data block (tsize 4 or 8) at p into tz. */
static int parse_block(results_tz *tz, const unsigned char *p, const tzhead *h, int tsize)
{
	const unsigned char *times = p, *idx = p + h->time * tsize, *types = idx + h->time;
	tz->n = (size_t)h->time;
	tz->at = malloc((tz->n ? tz->n : 1) * sizeof *tz->at);
	tz->off = malloc((tz->n ? tz->n : 1) * sizeof *tz->off);
	if (!tz->at || !tz->off)
		return RESULTS_E_NOMEM;
	for (size_t i = 0; i < tz->n; i++) {
		if (idx[i] >= h->type)
			return RESULTS_E_TZ;
		tz->at[i] = be(times + i * (size_t)tsize, tsize);
		tz->off[i] = (int32_t)be(types + idx[i] * 6, 4);
		if (i > 0 && tz->at[i] <= tz->at[i - 1])
			return RESULTS_E_TZ;
	}
	tz->before = (int32_t)be(types, 4); /* local time type 0 */
	return RESULTS_OK;
}

static int parse_tzif(results_tz *tz, const unsigned char *p, size_t len)
{
	tzhead h;
	if (read_head(p, len, &h) < 0 || 44 + block_len(&h, 4) > len)
		return RESULTS_E_TZ;
	if (p[4] == 0) /* version 1: 32-bit times only */
		return parse_block(tz, p + 44, &h, 4);
	const unsigned char *p2 = p + 44 + block_len(&h, 4);
	size_t len2 = len - (size_t)(p2 - p);
	if (read_head(p2, len2, &h) < 0 || 44 + block_len(&h, 8) > len2)
		return RESULTS_E_TZ;
	int rc = parse_block(tz, p2 + 44, &h, 8);
	/* footer: "\n" TZ string "\n"; a ',' means daylight-saving rules */
	const char *foot = (const char *)p2 + 44 + block_len(&h, 8);
	const char *end = (const char *)p + len;
	if (foot < end && *foot == '\n' && memchr(foot + 1, ',', (size_t)(end - foot - 1)))
		tz->rules_after = true;
	return rc;
}

static int valid_name(const char *s)
{
	if (!*s || *s == '/' || strlen(s) >= 64 || strstr(s, ".."))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      strchr("/_+-", *s)))
			return 0;
	return 1;
}

/* "+08:00", "-05:30", "UTC", "Z": a zone with one offset. */
static int fixed_offset(const char *s, int32_t *off)
{
	if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0) {
		*off = 0;
		return 1;
	}
	int hh, mm, n = 0;
	if ((s[0] != '+' && s[0] != '-') || sscanf(s + 1, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5 || s[6] ||
	    hh < 0 || hh > 14 || mm < 0 || mm > 59)
		return 0;
	*off = (s[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
	return 1;
}

static int read_file(const char *path, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return RESULTS_E_TZ;
	unsigned char *buf = malloc(TZ_MAX_BYTES);
	size_t n = buf ? fread(buf, 1, TZ_MAX_BYTES, f) : 0;
	int bad = ferror(f) || n == TZ_MAX_BYTES;
	fclose(f);
	if (!buf)
		return RESULTS_E_NOMEM;
	if (bad) {
		free(buf);
		return RESULTS_E_TZ;
	}
	*data = buf;
	*len = n;
	return RESULTS_OK;
}

int results_tz_load(const char *name, results_tz **out)
{
	if (!out)
		return RESULTS_E_INVALID;
	*out = NULL;
	if (!name || !*name)
		name = "Asia/Shanghai";
	results_tz *tz = calloc(1, sizeof *tz);
	if (!tz)
		return RESULTS_E_NOMEM;
	snprintf(tz->name, sizeof tz->name, "%s", name);
	int32_t off;
	int rc;
	if (fixed_offset(name, &off)) {
		tz->before = off;
		rc = RESULTS_OK;
	} else if (!valid_name(name)) {
		rc = RESULTS_E_TZ;
	} else {
		const char *dir = getenv("TZDIR");
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
		unsigned char *data = NULL;
		size_t len = 0;
		rc = read_file(path, &data, &len);
		if (rc == RESULTS_OK)
			rc = parse_tzif(tz, data, len);
		free(data);
	}
	if (rc < 0) {
		results_tz_free(tz);
		return rc;
	}
	*out = tz;
	return RESULTS_OK;
}

void results_tz_free(results_tz *tz)
{
	if (!tz)
		return;
	free(tz->at);
	free(tz->off);
	free(tz);
}

const char *results_tz_name(const results_tz *tz) { return tz ? tz->name : "UTC"; }

int results_tz_offset(const results_tz *tz, int64_t t, int32_t *off)
{
	if (!tz) {
		*off = 0;
		return RESULTS_OK;
	}
	if (tz->n == 0 || t < tz->at[0]) {
		*off = tz->before;
		return RESULTS_OK;
	}
	size_t lo = 0, hi = tz->n; /* the last transition at or before t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (lo == tz->n - 1 && tz->rules_after)
		return RESULTS_E_TZ;
	*off = tz->off[lo];
	return RESULTS_OK;
}

int results_tz_day(const results_tz *tz, int64_t ms, int64_t *day)
{
	int32_t off;
	int rc = results_tz_offset(tz, floor_div(ms, 1000), &off);
	if (rc < 0)
		return rc;
	*day = floor_div(ms + (int64_t)off * 1000, 86400000);
	return RESULTS_OK;
}

int results_tz_format(const results_tz *tz, int64_t ms, char buf[40])
{
	int32_t off;
	int rc = results_tz_offset(tz, floor_div(ms, 1000), &off);
	if (rc < 0)
		return rc;
	int64_t local = ms + (int64_t)off * 1000;
	int64_t day = floor_div(local, 86400000), rem = local - day * 86400000;
	int y, m, d;
	results_civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		return RESULTS_E_RANGE;
	int n = snprintf(buf, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", y, m, d, (int)(rem / 3600000),
			 (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
	if (off == 0)
		snprintf(buf + n, 40 - (size_t)n, "Z");
	else
		snprintf(buf + n, 40 - (size_t)n, "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 3600,
			 abs(off) / 60 % 60);
	return RESULTS_OK;
}
