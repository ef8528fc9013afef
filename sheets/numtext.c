/*
 * numtext.c - numbers and dates as text, the way an organizer expects to
 * read them back.
 *
 * A number cell holds an IEEE double. It reads as the shortest decimal that
 * converts back to the same double, laid out as JavaScript's
 * Number.prototype.toString lays it out: positional up to 21 integer digits
 * (12345678901 stays "12345678901", never 1.23E+10) and down to 1e-7, with
 * an exponent beyond ("1e+21", "1e-7").
 *
 * A date cell is a serial number (days since 1899-12-31, or since 1904-01-01
 * in the 1904 date system) whose number format shows a date. Excel, like
 * Lotus 1-2-3, counts a 1900-02-29 that never was (serial 60): serials from
 * 61 on are one day ahead of the calendar, and serial 60 itself reads as
 * "1900-02-29", the text Excel shows. Times are rounded to the second.
 * Which formats show dates: the built-in ids (14-22, 45, 47, and the
 * Chinese-locale ids 27-36 and 50-58), and any format code with y, d, h or
 * s (m alone is a month) outside quotes and brackets; elapsed-time formats
 * ([h]:mm) stay numbers. A format of zeros only ("00000", how employee
 * numbers are often kept) pads integers to its width, as Excel shows them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sheets_int.h"

/* ---- shortest decimal ---- */

size_t sh_num_text(double d, char out[SH_NUM_MAX])
{
	if (!isfinite(d)) {
		strcpy(out, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
		return strlen(out);
	}
	if (d == 0) {
		strcpy(out, "0");
		return 1;
	}
	if (d == floor(d) && fabs(d) < 9007199254740992.0) /* exact integers */
		return (size_t)snprintf(out, SH_NUM_MAX, "%.0f", d);
	char e[40];
	int p;
	for (p = 1; p <= 17; p++) {
		snprintf(e, sizeof e, "%.*e", p - 1, d);
		if (strtod(e, NULL) == d)
			break;
	}
	/* e is "-d.ddde+XX": collect the digits and the exponent */
	char digits[24] = {0}; /* at most 17 digits; n <= 21 stays inside */
	int k = 0;
	const char *q = e;
	bool neg = *q == '-';
	if (neg)
		q++;
	for (; *q && *q != 'e'; q++)
		if (*q >= '0' && *q <= '9')
			digits[k++] = *q;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	int n = atoi(q + 1) + 1; /* the value is 0.digits x 10^n */
	char *w = out;
	if (neg)
		*w++ = '-';
	if (k <= n && n <= 21) {
		memcpy(w, digits, (size_t)k);
		w += k;
		for (int i = 0; i < n - k; i++)
			*w++ = '0';
	} else if (0 < n && n <= 21) {
		memcpy(w, digits, (size_t)n);
		w += n;
		*w++ = '.';
		memcpy(w, digits + n, (size_t)(k - n));
		w += k - n;
	} else if (-6 < n && n <= 0) {
		*w++ = '0';
		*w++ = '.';
		for (int i = 0; i < -n; i++)
			*w++ = '0';
		memcpy(w, digits, (size_t)k);
		w += k;
	} else {
		*w++ = digits[0];
		if (k > 1) {
			*w++ = '.';
			memcpy(w, digits + 1, (size_t)(k - 1));
			w += k - 1;
		}
		w += sprintf(w, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
	*w = '\0';
	return (size_t)(w - out);
}

bool sh_num_is_shortest(const char *s, size_t n)
{
	size_t i = s[0] == '-', ip = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	size_t ilen = i - ip;
	if (ilen == 0 || (ilen > 1 && s[ip] == '0'))
		return false;
	size_t sig = s[ip] == '0' ? 0 : ilen;
	if (i == n) /* an integer; "-0" reads as "0" */
		return sig <= 15 && !(ip == 1 && sig == 0);
	if (s[i++] != '.')
		return false;
	size_t fp = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i != n || i == fp || s[n - 1] == '0')
		return false;
	if (sig == 0) { /* 0.000ddd: JavaScript writes 1e-7 from six zeros on */
		size_t z = 0;
		while (s[fp + z] == '0')
			z++;
		if (z >= 6)
			return false;
		return n - fp - z <= 15;
	}
	return sig + (n - fp) <= 15;
}

bool sh_is_decimal(const char *s)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	size_t ints = strspn(p, "0123456789");
	p += ints;
	size_t frac = 0;
	if (*p == '.') {
		p++;
		frac = strspn(p, "0123456789");
		p += frac;
	}
	if (ints + frac == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		size_t ex = strspn(p, "0123456789");
		if (!ex)
			return false;
		p += ex;
	}
	return *p == '\0';
}

/* ---- the civil calendar (proleptic Gregorian; days since 1970-01-01) ---- */

static long sh_days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void sh_civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int sh_days_in_month(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : n[m - 1];
}

#define SH_SERIAL_MAX 2958466.0 /* 10000-01-01 */

size_t sh_serial_text(double v, sh_fmt fmt, bool date1904, char out[SH_NUM_MAX])
{
	if (fmt.kind == SH_ZEROPAD) {
		if (v < 0 || v != floor(v) || v >= 1e15)
			return 0;
		return (size_t)snprintf(out, SH_NUM_MAX, "%0*lld", (int)fmt.pad, (long long)v);
	}
	if (fmt.kind == SH_GENERAL || !(v >= 0) || v >= SH_SERIAL_MAX)
		return 0;
	long long secs = llround(v * 86400.0);
	long days = (long)(secs / 86400);
	int rem = (int)(secs % 86400);
	int hh = rem / 3600, mi = rem / 60 % 60, ss = rem % 60;
	if (days == 0 && !date1904) { /* Excel's "1900-01-00": only a time makes sense */
		if (rem == 0 && fmt.kind != SH_TIME)
			return 0;
		return (size_t)snprintf(out, SH_NUM_MAX, "%02d:%02d:%02d", hh, mi, ss);
	}
	if (fmt.kind == SH_TIME && days == 0)
		return (size_t)snprintf(out, SH_NUM_MAX, "%02d:%02d:%02d", hh, mi, ss);
	int y, m, d;
	if (date1904) {
		sh_civil_from_days(days - 24107, &y, &m, &d);
	} else if (days == 60) {
		y = 1900, m = 2, d = 29; /* the day Lotus invented */
	} else {
		sh_civil_from_days(days - (days < 60 ? 25568 : 25569), &y, &m, &d);
	}
	if (y > 9999)
		return 0;
	if (fmt.kind == SH_DATE)
		return (size_t)snprintf(out, SH_NUM_MAX, "%04d-%02d-%02d", y, m, d);
	return (size_t)snprintf(out, SH_NUM_MAX, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, hh, mi, ss);
}

/* ---- ISO 8601 in (writing dates) ---- */

/* n digits at s as a number; -1 when they are not all digits. */
static int sh_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool sh_time_parse(const char *s, sh_dt *dt)
{
	size_t n = strlen(s);
	if ((n != 5 && n != 8) || s[2] != ':' || (n == 8 && s[5] != ':'))
		return false;
	dt->h = sh_digits(s, 2);
	dt->mi = sh_digits(s + 3, 2);
	dt->s = n == 8 ? sh_digits(s + 6, 2) : 0;
	dt->has_time = true;
	return dt->h >= 0 && dt->h <= 23 && dt->mi >= 0 && dt->mi <= 59 && dt->s >= 0 && dt->s <= 59;
}

bool sh_dt_parse(const char *s, sh_dt *dt)
{
	memset(dt, 0, sizeof *dt);
	if (!s)
		return false;
	if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
		dt->y = sh_digits(s, 4);
		dt->mo = sh_digits(s + 5, 2);
		dt->d = sh_digits(s + 8, 2);
		if (dt->y < 0 || dt->mo < 1 || dt->mo > 12 || dt->d < 1 ||
		    dt->d > sh_days_in_month(dt->y, dt->mo))
			return false;
		dt->has_date = true;
		if (s[10] == '\0')
			return true;
		if (s[10] != 'T' && s[10] != ' ')
			return false;
		return sh_time_parse(s + 11, dt);
	}
	return sh_time_parse(s, dt);
}

double sh_dt_serial(const sh_dt *dt)
{
	double t = (dt->h * 3600 + dt->mi * 60 + dt->s) / 86400.0;
	if (!dt->has_date)
		return t;
	if (dt->y < 1900 || dt->y > 9999)
		return -1;
	long days = sh_days_from_civil(dt->y, (unsigned)dt->mo, (unsigned)dt->d) -
		    sh_days_from_civil(1899, 12, 30);
	if (days < 61) /* before 1900-03-01: Excel's serials are not yet one ahead */
		days--;
	return (double)days + t;
}

/* ---- number formats ---- */

sh_fmt sh_fmt_builtin(unsigned id)
{
	static const struct {
		uint8_t lo, hi, kind;
	} ranges[] = {
		{14, 17, SH_DATE}, {18, 21, SH_TIME}, {22, 22, SH_DATETIME}, {27, 31, SH_DATE},
		{32, 35, SH_TIME}, {36, 36, SH_DATE}, {45, 45, SH_TIME},     {47, 47, SH_TIME},
		{50, 54, SH_DATE}, {55, 56, SH_TIME}, {57, 58, SH_DATE},
	};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (id >= ranges[i].lo && id <= ranges[i].hi)
			return (sh_fmt){ranges[i].kind, 0};
	return (sh_fmt){SH_GENERAL, 0};
}

/* The bracketed part "[...]" starting at p (after '['): its effect on the kind. */
static void sh_fmt_bracket(const char *p, size_t n, bool *elapsed, bool *date, bool *time)
{
	if (n >= 1 && n <= 2 && strspn(p, "hHmMsS") >= n)
		*elapsed = true;
	else if (n >= 6 && strncasecmp(p, "$-F800", 6) == 0)
		*date = true;
	else if (n >= 6 && strncasecmp(p, "$-F400", 6) == 0)
		*time = true;
}

sh_fmt sh_fmt_code(const char *code)
{
	bool y = false, d = false, h = false, s = false, m = false, ampm = false, elapsed = false;
	bool other = false, bdate = false, btime = false;
	int zeros = 0;
	for (const char *p = code; *p && *p != ';'; p++) {
		char c = *p;
		if (c == '"') {
			const char *e = strchr(p + 1, '"');
			if (!e)
				break;
			p = e;
			other = true;
		} else if (c == '\\' || c == '_' || c == '*') {
			if (!p[1])
				break;
			p++;
			other = true;
		} else if (c == '[') {
			const char *e = strchr(p + 1, ']');
			if (!e)
				break;
			sh_fmt_bracket(p + 1, (size_t)(e - p - 1), &elapsed, &bdate, &btime);
			p = e;
		} else if (strncasecmp(p, "General", 7) == 0) {
			p += 6;
			other = true;
		} else if (strncasecmp(p, "AM/PM", 5) == 0) {
			p += 4;
			ampm = true;
		} else if (strncasecmp(p, "A/P", 3) == 0) {
			p += 2;
			ampm = true;
		} else if (c == 'y' || c == 'Y') {
			y = true;
		} else if (c == 'd' || c == 'D') {
			d = true;
		} else if (c == 'h' || c == 'H') {
			h = true;
		} else if (c == 's' || c == 'S') {
			s = true;
		} else if (c == 'm' || c == 'M') {
			m = true;
		} else if (c == '0') {
			zeros++;
		} else {
			other = true;
		}
	}
	if (elapsed)
		return (sh_fmt){SH_GENERAL, 0};
	bool date = bdate || y || d || (m && !h && !s);
	bool time = btime || h || s || ampm;
	if (date && time)
		return (sh_fmt){SH_DATETIME, 0};
	if (date)
		return (sh_fmt){SH_DATE, 0};
	if (time)
		return (sh_fmt){SH_TIME, 0};
	if (!other && !m && zeros >= 2 && zeros <= 30)
		return (sh_fmt){SH_ZEROPAD, (uint8_t)zeros};
	return (sh_fmt){SH_GENERAL, 0};
}
