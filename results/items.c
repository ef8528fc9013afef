/*
 * items.c - item analysis of a paper, as Moodle's quiz statistics report does
 * it (docs/results.md has every formula and its source):
 *
 *   per question   facility F = mean(x)/M, SD(x)/M, the upper-lower 27%
 *                  discrimination d27, the corrected item-total correlation
 *                  r (x against the rest of the paper, total - x; the
 *                  point-biserial for a right/wrong question; Moodle's
 *                  discrimination index is 100 r), the discriminative
 *                  efficiency DE, the share choosing each option, flags;
 *   per paper      mean and SD of the totals, Cronbach's alpha, KR-20 for
 *                  right/wrong papers, the standard error of measurement.
 *
 * Input is sparse (one row per question given in an attempt), so papers
 * drawn per participant from a bank are analysed too: a question's
 * statistics use the attempts that were given it; the reliability uses the
 * attempts given every question (none, for a paper drawn from a large bank:
 * it is then NaN, and docs/results.md says so). Sample statistics divide by
 * n - 1, as Moodle does. Everything is computed in two passes (means first)
 * in double precision.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results_int.h"

const results_items_opts results_items_default = {0.9, 0.2, 0.0, 0.27};

typedef struct ictx {
	const results_item_def *items;
	size_t nitems, nattempts;
	const results_response *r;
	size_t *order;    /* responses sorted by (item, attempt) */
	int64_t *total;   /* per attempt */
	size_t *given;    /* questions given per attempt */
	size_t *right;    /* of them, marked the full M (KR-20 counts these) */
	signed char *grp; /* +1 upper group, -1 lower, 0 */
	double *xs, *ys;  /* scratch for DE, one question's size */
} ictx;

static int cmp_resp(const void *a, const void *b, void *ud)
{
	const results_response *r = ud;
	const results_response *x = &r[*(const size_t *)a], *y = &r[*(const size_t *)b];
	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	return (x->attempt > y->attempt) - (x->attempt < y->attempt);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int check_rows(const ictx *c, size_t nr, char **err)
{
	for (size_t i = 0; i < nr; i++) {
		const results_response *x = &c->r[i];
		if (x->attempt >= c->nattempts)
			return results__errf(err, RESULTS_E_DATA,
					     "responses[%zu]: attempt %zu is not below %zu", i, x->attempt,
					     c->nattempts);
		if (x->item >= c->nitems)
			return results__errf(err, RESULTS_E_DATA,
					     "responses[%zu]: question %zu is not below %zu", i, x->item,
					     c->nitems);
		const results_item_def *d = &c->items[x->item];
		if (x->x_milli > d->max_milli || x->x_milli < -d->max_milli)
			return results__errf(
				err, RESULTS_E_DATA, "responses[%zu]: mark %lld outside -%lld..%lld", i,
				(long long)x->x_milli, (long long)d->max_milli, (long long)d->max_milli);
		if (d->noptions < 64 && (x->options >> d->noptions) != 0)
			return results__errf(err, RESULTS_E_DATA,
					     "responses[%zu]: an option index is not below %d options", i,
					     d->noptions);
	}
	return RESULTS_OK;
}

static int cmp_total_desc(const void *a, const void *b, void *ud)
{
	const int64_t *t = ud;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	if (t[x] != t[y])
		return t[x] > t[y] ? -1 : 1;
	return (x > y) - (x < y);
}

/* Ranks the attempts by total (higher first, then by index) and marks the
 * upper and lower groups: round(share x N) attempts each, at most N/2. */
static int mark_groups(ictx *c, double share)
{
	size_t n = c->nattempts;
	size_t g = (size_t)floor(share * (double)n + 0.5);
	if (g > n / 2)
		g = n / 2;
	if (g == 0)
		return RESULTS_OK;
	size_t *idx = malloc(n * sizeof *idx);
	if (!idx)
		return RESULTS_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof *idx, cmp_total_desc, c->total);
	for (size_t i = 0; i < g; i++) {
		c->grp[idx[i]] = 1;
		c->grp[idx[n - 1 - i]] = -1;
	}
	free(idx);
	return RESULTS_OK;
}

/* Sums of one question over the complete attempts, for the reliability. */
typedef struct rel_acc {
	double var_sum; /* sum over questions of Var(x_i), complete attempts */
	double pq_sum;  /* sum of p_i (1 - p_i), right/wrong marks */
} rel_acc;

/* Statistics of question `it` from its responses order[lo..hi). */
static void item_stats(ictx *c, size_t it, size_t lo, size_t hi, const results_items_opts *o,
		       results_item_stats *st, rel_acc *rel)
{
	const results_item_def *d = &c->items[it];
	double M = (double)d->max_milli, nn = (double)(hi - lo);
	size_t cnt[RESULTS_MAX_OPTIONS] = {0}, blank = 0, up = 0, low = 0, ccount = 0;
	double sx = 0, sy = 0, su = 0, sl = 0, scx = 0;
	for (size_t k = lo; k < hi; k++) {
		const results_response *x = &c->r[c->order[k]];
		double xv = (double)x->x_milli, yv = (double)(c->total[x->attempt] - x->x_milli);
		sx += xv;
		sy += yv;
		blank += !x->answered;
		for (int j = 0; j < d->noptions; j++)
			cnt[j] += (x->options >> j) & 1;
		signed char g = c->grp[x->attempt];
		if (g > 0) {
			su += xv / M;
			up++;
		} else if (g < 0) {
			sl += xv / M;
			low++;
		}
		if (c->given[x->attempt] == c->nitems) {
			scx += xv;
			ccount++;
		}
	}
	double mx = sx / nn, my = sy / nn, cmx = ccount ? scx / (double)ccount : 0;
	double vx = 0, vy = 0, cxy = 0, cvx = 0;
	for (size_t k = lo; k < hi; k++) {
		const results_response *x = &c->r[c->order[k]];
		double dx = (double)x->x_milli - mx, dy = (double)(c->total[x->attempt] - x->x_milli) - my;
		vx += dx * dx;
		vy += dy * dy;
		cxy += dx * dy;
		c->xs[k - lo] = (double)x->x_milli;
		c->ys[k - lo] = (double)(c->total[x->attempt] - x->x_milli);
		if (c->given[x->attempt] == c->nitems)
			cvx += ((double)x->x_milli - cmx) * ((double)x->x_milli - cmx);
	}
	st->n = hi - lo;
	st->answered = st->n - blank;
	st->facility = mx / M;
	st->sd = st->n >= 2 ? sqrt(vx / (nn - 1)) / M : NAN;
	st->r_pbis = st->n >= 2 && vx > 0 && vy > 0 ? cxy / sqrt(vx * vy) : NAN;
	/* Cov_max: the sorted marks paired with the sorted rest scores */
	qsort(c->xs, st->n, sizeof *c->xs, cmp_double);
	qsort(c->ys, st->n, sizeof *c->ys, cmp_double);
	double cmax = 0;
	for (size_t k = 0; k < st->n; k++)
		cmax += (c->xs[k] - mx) * (c->ys[k] - my);
	st->de = st->n >= 2 && cmax > 0 ? 100.0 * cxy / cmax : NAN;
	st->d27 = up && low ? su / (double)up - sl / (double)low : NAN;
	for (int j = 0; j < d->noptions; j++)
		st->option_share[j] = (double)cnt[j] / nn;
	st->blank_share = (double)blank / nn;
	if (st->facility > o->easy)
		st->flags |= RESULTS_FLAG_EASY;
	if (st->facility < o->hard)
		st->flags |= RESULTS_FLAG_HARD;
	if (!isnan(st->r_pbis) && st->r_pbis < o->negative)
		st->flags |= RESULTS_FLAG_NEGATIVE;
	if (ccount >= 2) {
		rel->var_sum += cvx / (double)(ccount - 1);
		double p = cmx / M; /* right/wrong papers only: x is 0 or M */
		rel->pq_sum += p * (1 - p);
	}
}

/* Mean and SD of the totals, and the reliability over the complete attempts. */
static void paper_stats(ictx *c, const rel_acc *rel, results_paper_stats *p)
{
	size_t n = c->nattempts, cn = 0;
	double s = 0, cs = 0;
	for (size_t a = 0; a < n; a++) {
		s += (double)c->total[a];
		if (c->given[a] == c->nitems) {
			cs += (double)c->total[a];
			cn++;
		}
	}
	double m = n ? s / (double)n : NAN, cm = cn ? cs / (double)cn : 0, v = 0, cv = 0;
	for (size_t a = 0; a < n; a++) {
		double d = (double)c->total[a] - m;
		v += d * d;
		if (c->given[a] == c->nitems)
			cv += ((double)c->total[a] - cm) * ((double)c->total[a] - cm);
	}
	p->attempts = n;
	p->complete = cn;
	p->mean_milli = m;
	p->sd_milli = n >= 2 ? sqrt(v / (double)(n - 1)) : NAN;
	p->alpha = p->kr20 = p->sem_milli = NAN;
	double k = (double)c->nitems;
	if (cn < 2 || c->nitems < 2 || cv <= 0)
		return;
	double var_t = cv / (double)(cn - 1);
	p->alpha = k / (k - 1) * (1 - rel->var_sum / var_t);
	p->sem_milli = sqrt(var_t) * sqrt(fmax(0.0, 1 - p->alpha));
	if (!p->dichotomous)
		return;
	/* KR-20 counts right answers (1 each); population variance of that count */
	double sr = 0, vr = 0;
	for (size_t a = 0; a < n; a++)
		if (c->given[a] == c->nitems)
			sr += (double)c->right[a];
	double mr = sr / (double)cn;
	for (size_t a = 0; a < n; a++)
		if (c->given[a] == c->nitems)
			vr += ((double)c->right[a] - mr) * ((double)c->right[a] - mr);
	vr /= (double)cn;
	if (vr > 0)
		p->kr20 = k / (k - 1) * (1 - rel->pq_sum / vr);
}

static void ictx_free(ictx *c)
{
	free(c->order);
	free(c->total);
	free(c->given);
	free(c->right);
	free(c->grp);
	free(c->xs);
	free(c->ys);
}

/* Sorts the rows, refuses a repeated (attempt, question), sums the attempts. */
static int prepare(ictx *c, size_t nr, double group, char **err)
{
	size_t na = c->nattempts ? c->nattempts : 1, nr1 = nr ? nr : 1;
	c->order = malloc(nr1 * sizeof *c->order);
	c->total = calloc(na, sizeof *c->total);
	c->given = calloc(na, sizeof *c->given);
	c->right = calloc(na, sizeof *c->right);
	c->grp = calloc(na, 1);
	c->xs = malloc(nr1 * sizeof *c->xs);
	c->ys = malloc(nr1 * sizeof *c->ys);
	if (!c->order || !c->total || !c->given || !c->right || !c->grp || !c->xs || !c->ys)
		return RESULTS_E_NOMEM;
	for (size_t i = 0; i < nr; i++) {
		const results_response *x = &c->r[i];
		c->order[i] = i;
		c->total[x->attempt] += x->x_milli;
		c->given[x->attempt]++;
		c->right[x->attempt] += x->x_milli == c->items[x->item].max_milli;
	}
	qsort_r(c->order, nr, sizeof *c->order, cmp_resp, (void *)c->r);
	for (size_t i = 1; i < nr; i++) {
		const results_response *a = &c->r[c->order[i - 1]], *b = &c->r[c->order[i]];
		if (a->item == b->item && a->attempt == b->attempt)
			return results__errf(err, RESULTS_E_DATA,
					     "responses[%zu]: attempt %zu has question %zu twice",
					     c->order[i], b->attempt, b->item);
	}
	return mark_groups(c, group);
}

static int check_args(const results_item_def *items, size_t nitems, const results_response *r, size_t nr,
		      const results_items_opts *o, results_analysis **out)
{
	if (!out || (nitems && !items) || (nr && !r) || !(o->group > 0 && o->group <= 0.5) ||
	    isnan(o->easy) || isnan(o->hard) || isnan(o->negative))
		return RESULTS_E_INVALID;
	for (size_t i = 0; i < nitems; i++) {
		if (items[i].max_milli <= 0 || items[i].noptions < 0)
			return RESULTS_E_INVALID;
		if (items[i].noptions > RESULTS_MAX_OPTIONS)
			return RESULTS_E_RANGE;
	}
	return RESULTS_OK;
}

int results_items_analyse(const results_item_def *items, size_t nitems, const results_response *r, size_t nr,
			  size_t nattempts, const results_items_opts *o, results_analysis **out, char **err)
{
	if (!o)
		o = &results_items_default;
	int rc = check_args(items, nitems, r, nr, o, out);
	if (rc < 0)
		return rc;
	*out = NULL;
	ictx c = {.items = items, .nitems = nitems, .nattempts = nattempts, .r = r};
	results_analysis *a = calloc(1, sizeof *a);
	if (!a || (rc = check_rows(&c, nr, err)) < 0 || (rc = prepare(&c, nr, o->group, err)) < 0)
		goto fail;
	a->nitems = nitems;
	a->items = calloc(nitems ? nitems : 1, sizeof *a->items);
	rc = RESULTS_E_NOMEM;
	if (!a->items)
		goto fail;
	a->paper.dichotomous = true;
	for (size_t i = 0; i < nr; i++)
		if (r[i].x_milli != 0 && r[i].x_milli != items[r[i].item].max_milli)
			a->paper.dichotomous = false;
	rel_acc rel = {0, 0};
	for (size_t lo = 0, hi, it = 0; it < nitems; it++, lo = hi) {
		for (hi = lo; hi < nr && r[c.order[hi]].item == it;)
			hi++;
		results_item_stats *st = &a->items[it];
		st->option_share =
			calloc(items[it].noptions ? (size_t)items[it].noptions : 1, sizeof(double));
		if (!st->option_share)
			goto fail;
		if (hi == lo) { /* given to nobody */
			st->facility = st->sd = st->d27 = st->r_pbis = st->de = st->blank_share = NAN;
			for (int j = 0; j < items[it].noptions; j++)
				st->option_share[j] = NAN;
			continue;
		}
		item_stats(&c, it, lo, hi, o, st, &rel);
	}
	paper_stats(&c, &rel, &a->paper);
	ictx_free(&c);
	*out = a;
	return RESULTS_OK;
fail:
	ictx_free(&c);
	results_analysis_free(a);
	return rc < 0 ? rc : RESULTS_E_NOMEM;
}

void results_analysis_free(results_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; a->items && i < a->nitems; i++)
		free(a->items[i].option_share);
	free(a->items);
	free(a);
}

/* ---------- JSON ---------- */

static cJSON *num(double d) { return isfinite(d) ? cJSON_CreateNumber(d) : cJSON_CreateNull(); }

static int add_num(cJSON *o, const char *k, double d)
{
	cJSON *v = num(d);
	if (v && cJSON_AddItemToObject(o, k, v))
		return 1;
	cJSON_Delete(v);
	return 0;
}

static int add_item(cJSON *arr, cJSON *v)
{
	if (v && cJSON_AddItemToArray(arr, v))
		return 1;
	cJSON_Delete(v);
	return 0;
}

static cJSON *item_json(const results_item_stats *st, const results_item_def *d)
{
	static const struct {
		unsigned bit;
		const char *name;
	} flag_names[] = {{RESULTS_FLAG_EASY, "easy"},
			  {RESULTS_FLAG_HARD, "hard"},
			  {RESULTS_FLAG_NEGATIVE, "negative"}};
	cJSON *o = cJSON_CreateObject(), *opts = cJSON_CreateArray(), *flags = cJSON_CreateArray();
	int ok = o && opts && flags && cJSON_AddStringToObject(o, "id", d->id ? d->id : "") &&
		 add_num(o, "n", (double)st->n) && add_num(o, "answered", (double)st->answered) &&
		 add_num(o, "max", (double)d->max_milli / 1000.0) && add_num(o, "facility", st->facility) &&
		 add_num(o, "sd", st->sd) && add_num(o, "d27", st->d27) && add_num(o, "r_pbis", st->r_pbis) &&
		 add_num(o, "discrimination_index", 100.0 * st->r_pbis) && add_num(o, "de", st->de) &&
		 add_num(o, "blank", st->blank_share);
	for (int j = 0; ok && j < d->noptions; j++)
		ok = add_item(opts, num(st->option_share[j]));
	for (size_t k = 0; ok && k < sizeof flag_names / sizeof flag_names[0]; k++)
		if (st->flags & flag_names[k].bit)
			ok = add_item(flags, cJSON_CreateString(flag_names[k].name));
	if (ok && cJSON_AddItemToObject(o, "options", opts)) {
		opts = NULL;
		if (cJSON_AddItemToObject(o, "flags", flags))
			return o;
	}
	cJSON_Delete(opts);
	cJSON_Delete(flags);
	cJSON_Delete(o);
	return NULL;
}

cJSON *results_analysis_json(const results_analysis *a, const results_item_def *items)
{
	cJSON *root = cJSON_CreateObject(), *paper = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	const results_paper_stats *p = &a->paper;
	int ok = root && paper && arr && add_num(paper, "attempts", (double)p->attempts) &&
		 add_num(paper, "complete", (double)p->complete) &&
		 add_num(paper, "mean", p->mean_milli / 1000.0) &&
		 add_num(paper, "sd", p->sd_milli / 1000.0) && add_num(paper, "alpha", p->alpha) &&
		 add_num(paper, "kr20", p->kr20) && add_num(paper, "sem", p->sem_milli / 1000.0) &&
		 cJSON_AddBoolToObject(paper, "dichotomous", p->dichotomous);
	for (size_t i = 0; ok && i < a->nitems; i++)
		ok = add_item(arr, item_json(&a->items[i], &items[i]));
	if (ok && cJSON_AddItemToObject(root, "paper", paper)) {
		paper = NULL;
		if (cJSON_AddItemToObject(root, "items", arr))
			return root;
	}
	cJSON_Delete(paper);
	cJSON_Delete(arr);
	cJSON_Delete(root);
	return NULL;
}
