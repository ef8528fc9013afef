/*
 * recompute_units.c - a mass contest's unit boards derived again (see
 * recompute_paced.h): pure, no I/O.
 *
 * The server (live/rollup.c) asks PostgreSQL, per unit path a participant
 * counts under, how many took part (an ended attempt; on a day: one that
 * day) and the sum of their scores (overall the counted one, on a day the
 * best of that day); the results library builds the unit tree from the
 * roster and each unit gets its members' counts and sums and those of its
 * sub-units. Here the same counts and sums come from the recomputed
 * attempts, participant by participant, and both are rolled up the same
 * tree: every unit whose participants or average differ is reported with
 * its path (rate = participants / headcount follows the participants).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/recompute_paced.h"

typedef struct acc {
	int64_t n, sum;
} acc;

typedef struct path_idx {
	const char *path;
	size_t i;
} path_idx;

static int by_path(const void *a, const void *b)
{
	return strcmp(((const path_idx *)a)->path, ((const path_idx *)b)->path);
}

/* A member's counts into its unit and every ancestor (path normalized; not found: nowhere, as rollup.c). */
static void add_up(const results_units *u, const path_idx *ix, acc *a, const char *path, int64_t n,
		   int64_t sum)
{
	path_idx key = {path, 0};
	const path_idx *hit = path ? bsearch(&key, ix, u->n, sizeof *ix, by_path) : NULL;
	for (long k = hit ? (long)hit->i : -1; k >= 0; k = u->u[k].parent) {
		a[k].n += n;
		a[k].sum += sum;
	}
}

/* Participant i's part on day (NULL: overall): took part, and the score that counts there. */
static void part_of(const rc_paced *s, const rc_participant *p, const char *day, int64_t *n, int64_t *sum)
{
	bool any = false;
	int64_t best = 0;
	for (size_t i = 0; i < s->nat; i++) { /* attempts of p (few): a scan keeps this simple */
		const rc_attempt *a = &s->at[i];
		if (a->pid != p->id || a->status == 'o' || (day && strcmp(a->new_day, day)))
			continue;
		if (!any || a->new_score > best)
			best = a->new_score;
		any = true;
	}
	*n = any;
	*sum = !any ? 0 : day ? best : p->new_score;
}

static void avg_text(const acc *a, char *buf, size_t n)
{
	if (!a->n)
		snprintf(buf, n, "none");
	else
		rc_points_text((int64_t)llround((double)a->sum / (double)a->n), buf, n);
}

static void compare(const rc_contest *c, const results_units *u, const acc *st, const acc *re,
		    const char *day, rc_report *r)
{
	(void)c;
	for (size_t i = 0; i < u->n; i++) {
		char where[600], sb[64], cb[64];
		snprintf(where, sizeof where, "unit %s %s%s", u->u[i].path, day ? "on " : "overall",
			 day ? day : "");
		r->units++;
		if (st[i].n != re[i].n) {
			snprintf(sb, sizeof sb, "%lld of %lld", (long long)st[i].n,
				 (long long)u->u[i].headcount);
			snprintf(cb, sizeof cb, "%lld of %lld", (long long)re[i].n,
				 (long long)u->u[i].headcount);
			rc_report_add(r, "unit.participants", NULL, 0, NULL, where, sb, cb);
		}
		avg_text(&st[i], sb, sizeof sb);
		avg_text(&re[i], cb, sizeof cb);
		if (strcmp(sb, cb))
			rc_report_add(r, "unit.average", NULL, 0, NULL, where, sb, cb);
	}
}

void rc_paced_compare_units(const rc_contest *c, const rc_paced *s, const results_roster_row *ro, size_t nro,
			    const char *const *unit_of, const char *day, const rc_unit_sum *stored, size_t ns,
			    rc_report *r)
{
	size_t nm = 0;
	char **norm = calloc(c->np + ns + 1, sizeof *norm); /* members' paths, normalized */
	results_member *mm = calloc(c->np + ns + 1, sizeof *mm);
	results_units u = {0};
	path_idx *ix = NULL;
	acc *st = NULL, *re = NULL;
	char *why = NULL;
	if (!norm || !mm)
		goto oom;
	for (size_t i = 0; i < c->np + ns; i++) {
		const char *path = i < c->np ? unit_of[i] : stored[i - c->np].path;
		if (path && *path && !results_unit_norm(path, &norm[i]))
			mm[nm++] = (results_member){norm[i], RESULTS_TIER_NONE};
	}
	if (results_units_build(ro, nro, mm, nm, &u, &why)) {
		rc_report_skip(r, "the units (the roster's tree cannot be built)");
		goto out;
	}
	ix = calloc(u.n + 1, sizeof *ix);
	st = calloc(u.n + 1, sizeof *st);
	re = calloc(u.n + 1, sizeof *re);
	if (!ix || !st || !re)
		goto oom;
	for (size_t i = 0; i < u.n; i++)
		ix[i] = (path_idx){u.u[i].path, i};
	qsort(ix, u.n, sizeof *ix, by_path);
	for (size_t i = 0; i < c->np; i++) {
		int64_t n, sum;
		part_of(s, &c->ps[i], day, &n, &sum);
		if (n)
			add_up(&u, ix, re, norm[i], n, sum);
	}
	for (size_t k = 0; k < ns; k++)
		add_up(&u, ix, st, norm[c->np + k], stored[k].n, stored[k].sum);
	compare(c, &u, st, re, day, r);
	goto out;
oom:
	r->oom = 1;
out:
	for (size_t i = 0; norm && i < c->np + ns; i++)
		free(norm[i]);
	free(norm);
	free(mm);
	free(ix);
	free(st);
	free(re);
	free(why);
	results_units_release(&u);
}
