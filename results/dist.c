/*
 * dist.c - distributions for the analysis page: the score histogram and the
 * per-day series of a mass contest (attempts, participants, newcomers and the
 * running total per local day in the contest's time zone).
 *
 * Histogram bins are computed in integers (128-bit products), so a score on
 * a bin edge always falls in the bin it starts, on every machine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_int.h"

#define MAX_DAYS 3660

int results_histogram(const int64_t *v, size_t n, int64_t lo, int64_t hi, int nbins, results_hist *out)
{
	if (!out || (n && !v) || hi <= lo || nbins < 1 || nbins > RESULTS_HIST_MAX_BINS)
		return RESULTS_E_INVALID;
	memset(out, 0, sizeof *out);
	out->lo = lo;
	out->hi = hi;
	out->nbins = nbins;
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < lo) {
			out->below++;
		} else if (v[i] > hi) {
			out->above++;
		} else {
			__int128 b = (__int128)(v[i] - lo) * nbins / ((__int128)hi - lo);
			out->counts[b >= nbins ? nbins - 1 : (int)b]++;
		}
	}
	return RESULTS_OK;
}

double results_hist_edge(const results_hist *h, int i)
{
	return (double)h->lo + (double)((__int128)(h->hi - h->lo) * i) / (double)h->nbins;
}

/* ---------- per-day series ---------- */

typedef struct dayrow {
	int64_t participant, day, score;
} dayrow;

static int cmp_dayrow(const void *a, const void *b)
{
	const dayrow *x = a, *y = b;
	if (x->participant != y->participant)
		return x->participant < y->participant ? -1 : 1;
	return (x->day > y->day) - (x->day < y->day);
}

/* Whether unit is prefix or one of its sub-units (both normalized). */
static int in_unit(const char *unit, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(unit, prefix, n) == 0 && (unit[n] == '\0' || unit[n] == '/');
}

/* The attempts kept (period, unit) with their local day, into rows. */
static int collect(const results_attempt *a, size_t n, const results_tz *tz, const char *prefix, int64_t from,
		   int64_t to, dayrow *rows, size_t *nrows, char **err)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if ((from || to) && (a[i].at_ms < from || a[i].at_ms > to))
			continue;
		if (prefix) {
			char *u = NULL;
			int rc = a[i].unit ? results__unit_norm(a[i].unit, &u) : RESULTS_E_DATA;
			int keep = rc == RESULTS_OK && in_unit(u, prefix);
			free(u);
			if (rc == RESULTS_E_NOMEM)
				return rc;
			if (!keep)
				continue;
		}
		int rc = results_tz_day(tz, a[i].at_ms, &rows[k].day);
		if (rc < 0)
			return results__errf(err, rc, "attempts[%zu]: no offset for its time in %s", i,
					     results_tz_name(tz));
		rows[k].participant = a[i].participant;
		rows[k].score = a[i].score_milli;
		k++;
	}
	*nrows = k;
	return RESULTS_OK;
}

static int day_range(const dayrow *rows, size_t k, const results_tz *tz, int64_t from, int64_t to,
		     int64_t *d0, int64_t *d1, char **err)
{
	int rc;
	if (from || to) {
		if (to < from)
			return results__errf(err, RESULTS_E_INVALID, "the period ends before it starts");
		if ((rc = results_tz_day(tz, from, d0)) < 0 || (rc = results_tz_day(tz, to, d1)) < 0)
			return results__errf(err, rc, "no offset for the period in %s", results_tz_name(tz));
	} else {
		*d0 = INT64_MAX;
		*d1 = INT64_MIN;
		for (size_t i = 0; i < k; i++) {
			*d0 = rows[i].day < *d0 ? rows[i].day : *d0;
			*d1 = rows[i].day > *d1 ? rows[i].day : *d1;
		}
	}
	if (k == 0 && !(from || to))
		return 0;
	if (*d1 - *d0 + 1 > MAX_DAYS)
		return results__errf(err, RESULTS_E_RANGE, "the period spans %lld days (at most %d)",
				     (long long)(*d1 - *d0 + 1), MAX_DAYS);
	return 1;
}

/* sum: nd zeroed doubles of scratch. */
static void fill_days(const dayrow *rows, size_t k, int64_t d0, results_day *days, size_t nd, double *sum)
{
	for (size_t i = 0; i < nd; i++) {
		results_day *d = &days[i];
		d->day = d0 + (int64_t)i;
		int y, m, dd;
		results_civil_from_days(d->day, &y, &m, &dd);
		snprintf(d->date, sizeof d->date, "%04d-%02d-%02d", y, m, dd);
	}
	for (size_t i = 0; i < k; i++) {
		results_day *d = &days[rows[i].day - d0];
		int first_of_day = i == 0 || rows[i - 1].participant != rows[i].participant ||
				   rows[i - 1].day != rows[i].day;
		int first_ever = i == 0 || rows[i - 1].participant != rows[i].participant;
		d->attempts++;
		d->participants += first_of_day;
		d->new_participants += first_ever;
		if (d->attempts == 1 || rows[i].score > d->best_milli)
			d->best_milli = rows[i].score;
		sum[rows[i].day - d0] += (double)rows[i].score;
	}
	size_t cum = 0;
	for (size_t i = 0; i < nd; i++) {
		cum += days[i].new_participants;
		days[i].cumulative = cum;
		days[i].mean_milli = days[i].attempts ? sum[i] / (double)days[i].attempts : NAN;
	}
}

int results_daily(const results_attempt *a, size_t n, const results_tz *tz, const char *unit_prefix,
		  int64_t from_ms, int64_t to_ms, results_day **out, size_t *ndays, char **err)
{
	if (!out || !ndays || (n && !a))
		return RESULTS_E_INVALID;
	*out = NULL;
	*ndays = 0;
	char *prefix = NULL;
	int rc = unit_prefix ? results__unit_norm(unit_prefix, &prefix) : RESULTS_OK;
	if (rc < 0)
		return results__errf(err, rc, "unit_prefix: not a unit path");
	dayrow *rows = malloc((n ? n : 1) * sizeof *rows);
	size_t k = 0;
	int64_t d0 = 0, d1 = -1;
	rc = rows ? collect(a, n, tz, prefix, from_ms, to_ms, rows, &k, err) : RESULTS_E_NOMEM;
	if (rc == RESULTS_OK)
		rc = day_range(rows, k, tz, from_ms, to_ms, &d0, &d1, err);
	if (rc > 0) {
		for (size_t i = 0; i < k; i++) /* rows outside [d0, d1] cannot exist: from/to filtered them */
			if (rows[i].day < d0 || rows[i].day > d1)
				rc = RESULTS_E_DATA;
	}
	if (rc > 0) {
		size_t nd = (size_t)(d1 - d0 + 1);
		qsort(rows, k, sizeof *rows, cmp_dayrow);
		*out = calloc(nd, sizeof **out);
		double *sum = calloc(nd, sizeof *sum);
		if (*out && sum) {
			fill_days(rows, k, d0, *out, nd, sum);
			*ndays = nd;
			rc = RESULTS_OK;
		} else {
			free(*out);
			*out = NULL;
			rc = RESULTS_E_NOMEM;
		}
		free(sum);
	}
	free(rows);
	free(prefix);
	return rc;
}
