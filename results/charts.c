/*
 * charts.c - the four charts of the analysis page, rendered on the server
 * as SVG (svg.c draws): participation rate by unit (horizontal bars, long
 * Chinese unit names fit on the left), the score distribution (a histogram),
 * the item analysis (facility against discrimination, one dot per
 * question, the flag thresholds as guide lines) and the award counts by unit
 * (a stacked bar per unit, a segment per award tier).
 *
 * Every bar and dot carries a <title> with its full label and figures (a
 * tooltip, and what a screen reader reads), and the chart's <desc> sums it
 * up in a sentence. Layout is computed from the data: one row per unit, a
 * tick step of 1/2/2.5/5 x 10^k, labels shortened with "…" where they would
 * not fit. A chart with nothing to draw says so in its middle ("暂无数据").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg_int.h"

static const svg_words W_RATE = {"参与率", "participation rate"};
static const svg_words W_NOROSTER = {"无在册人数", "no headcount"};
static const svg_words W_UNITS_DESC = {
	"%zu 个单位的参与率（参与人数 / 在册人数），最高 %s，最低 %s。",
	"Participation rate of %zu units (participants / headcount), highest %s, "
	"lowest %s."};
static const svg_words W_POINTS = {"得分", "score"};
static const svg_words W_PEOPLE = {"人数", "participants"};
static const svg_words W_HIST_DESC = {
	"%zu 人的得分分布，共 %d 组，每组 %s 分；最多的一组 %s–%s 分，%zu 人。",
	"Scores of %zu participants in %d bins of %s points; the largest bin, %s-%s, "
	"has %zu."};
static const svg_words W_HIST_BAR = {"%s–%s 分：%zu 人", "%s-%s points: %zu"};
static const svg_words W_FACILITY = {"难度系数（得分率）", "facility (mean mark / maximum)"};
static const svg_words W_DISCRIM = {"区分度（校正题总相关）", "discrimination (corrected item-total r)"};
static const svg_words W_ITEMS_DESC = {
	"%zu 道题：过易 %d 道，过难 %d 道，负区分 %d 道；%zu 道无法计算。",
	"%zu questions: %d too easy, %d too hard, %d negatively discriminating; %zu "
	"could not be computed."};
static const svg_words W_EASY = {"过易", "too easy"};
static const svg_words W_HARD = {"过难", "too hard"};
static const svg_words W_NEG = {"负区分", "negative"};
static const svg_words W_OK = {"正常", "fine"};
static const svg_words W_NODATA = {"暂无数据", "no data"};
static const svg_words W_AWARDS = {"获奖人数", "awards"};
static const svg_words W_AWARDS_DESC = {"%zu 个单位的获奖人数，共 %lld 人获奖。",
					"Awards of %zu units, %lld in all."};
static const svg_words W_ITEM_TIP = {"%s：难度系数 %s，区分度 %s，作答 %zu 人",
				     "%s: facility %s, discrimination %s, %zu attempts"};

static int check_text(const results_chart_text *t, char **svg)
{
	if (!svg || !t || !t->title)
		return RESULTS_E_INVALID;
	*svg = NULL;
	if (!results__utf8_ok(t->title) || (t->desc && !results__utf8_ok(t->desc)) ||
	    (t->font && !results__utf8_ok(t->font)))
		return RESULTS_E_UTF8;
	return RESULTS_OK;
}

/* The generated description (format from the table) or NULL when out of memory. */
static char *fmt_desc(const svg_words *w, const char *lang, ...)
{
	va_list ap;
	va_start(ap, lang);
	char *s = NULL;
	if (vasprintf(&s, svg_word(w, lang), ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static void pct(double r, char *buf, size_t cap)
{
	if (isfinite(r))
		snprintf(buf, cap, "%.1f%%", 100 * r);
	else
		snprintf(buf, cap, "-");
}

/* The "no data" line in the middle of a plot area. */
static void no_data(rbuf *b, double x, double y, const char *lang)
{
	svg_text(b, x, y, "middle", svg_colors.muted, "no-data", svg_word(&W_NODATA, lang));
}

/* ---------- participation by unit ---------- */

static void unit_row(rbuf *b, const results_unit *u, double y, double x0, double bw, double max,
		     double label_w, const char *lang)
{
	char label[256], v[64], tip[96];
	svg_shorten(u->name, 13, label_w - 12 * u->depth, label, sizeof label);
	pct(u->rate, v, sizeof v);
	snprintf(tip, sizeof tip, "%s (%lld/%lld)", v, (long long)u->participants, (long long)u->headcount);
	rbuf_puts(b, "<g class=\"unit\">\n<title>");
	rbuf_xml(b, u->path);
	rbuf_printf(b, ": %s</title>\n", isfinite(u->rate) ? tip : svg_word(&W_NOROSTER, lang));
	svg_text(b, 16 + 12 * u->depth, y + 14, "start", u->depth ? svg_colors.muted : svg_colors.text,
		 "label", label);
	if (isfinite(u->rate)) {
		double w = bw * fmin(u->rate, max) / max;
		rbuf_printf(
			b,
			"<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>\n",
			x0, y + 2, w, svg_colors.bar);
		svg_text(b, x0 + w + 6, y + 14, "start", svg_colors.text, "value", tip);
	} else {
		svg_text(b, x0 + 6, y + 14, "start", svg_colors.muted, "value", svg_word(&W_NOROSTER, lang));
	}
	rbuf_puts(b, "</g>\n");
}

int results_svg_participation(const results_units *u, int max_depth, const results_chart_text *t, char **svg)
{
	int rc = check_text(t, svg);
	if (rc < 0 || !u)
		return rc < 0 ? rc : RESULTS_E_INVALID;
	size_t rows = 0;
	double max = 1, label_w = 80, hi = -1, lo = INFINITY;
	for (size_t i = 0; i < u->n; i++) {
		if (u->u[i].depth > max_depth)
			continue;
		rows++;
		label_w = fmax(label_w, fmin(260, svg_text_width(u->u[i].name, 13) + 12 * u->u[i].depth + 8));
		if (isfinite(u->u[i].rate)) {
			max = fmax(max, u->u[i].rate);
			hi = fmax(hi, u->u[i].rate);
			lo = fmin(lo, u->u[i].rate);
		}
	}
	double step = svg_nice_step(max, 5);
	max = ceil(max / step - 1e-9) * step;
	double x0 = 16 + label_w, bw = 420, top = 64;
	double nrows = fmax(1, (double)rows); /* one empty row says "no data" */
	int w = (int)(x0 + bw + 140), h = (int)(top + 26 * nrows + 48);
	char hs[32], ls[32];
	pct(hi >= 0 ? hi : NAN, hs, sizeof hs);
	pct(isfinite(lo) ? lo : NAN, ls, sizeof ls);
	char *desc = t->desc ? NULL : fmt_desc(&W_UNITS_DESC, t->lang, rows, hs, ls);
	if (!t->desc && !desc)
		return RESULTS_E_NOMEM;
	rbuf b = {0};
	svg_begin(&b, "participation", w, h, t, t->desc ? t->desc : desc);
	free(desc);
	double axis_y = top + 26 * nrows + 4;
	for (double v = 0; v <= max + 1e-9; v += step) { /* grid and ticks */
		double x = x0 + bw * v / max;
		char s[32];
		pct(v, s, sizeof s);
		rbuf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x,
			    top - 4, x, axis_y, svg_colors.grid);
		svg_text(&b, x, axis_y + 16, "middle", svg_colors.muted, "tick", s);
	}
	rbuf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x0, axis_y,
		    x0 + bw, axis_y, svg_colors.axis);
	svg_text(&b, x0 + bw / 2, axis_y + 36, "middle", svg_colors.text, "axis-title",
		 svg_word(&W_RATE, t->lang));
	size_t r = 0;
	for (size_t i = 0; i < u->n; i++)
		if (u->u[i].depth <= max_depth)
			unit_row(&b, &u->u[i], top + 26 * (double)r++, x0, bw, max, label_w, t->lang);
	if (!rows)
		no_data(&b, x0 + bw / 2, top + 14, t->lang);
	*svg = svg_end(&b);
	return *svg ? RESULTS_OK : RESULTS_E_NOMEM;
}

/* ---------- score distribution ---------- */

static void hist_axes(rbuf *b, const results_hist *h, double x0, double y0, double pw, double ph, double ymax,
		      double ystep, const char *lang)
{
	for (double v = 0; v <= ymax + 1e-9; v += ystep) {
		double y = y0 - ph * v / ymax;
		char s[32];
		svg_fmt(v, s, sizeof s);
		rbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x0,
			    y, x0 + pw, y, svg_colors.grid);
		svg_text(b, x0 - 6, y + 4, "end", svg_colors.muted, "tick", s);
	}
	int every = (h->nbins + 9) / 10; /* at most about 11 edge labels */
	for (int i = 0; i <= h->nbins; i++) {
		if (i % every && i != h->nbins)
			continue;
		char s[32];
		svg_fmt(results_hist_edge(h, i) / 1000.0, s, sizeof s);
		svg_text(b, x0 + pw * i / h->nbins, y0 + 16, "middle", svg_colors.muted, "tick", s);
	}
	rbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x0, y0,
		    x0 + pw, y0, svg_colors.axis);
	svg_text(b, x0 + pw / 2, y0 + 36, "middle", svg_colors.text, "axis-title", svg_word(&W_POINTS, lang));
	rbuf_printf(b,
		    "<text class=\"axis-title\" x=\"16\" y=\"%.1f\" fill=\"%s\" text-anchor=\"middle\" "
		    "transform=\"rotate(-90 16 %.1f)\">%s</text>\n",
		    y0 - ph / 2, svg_colors.text, y0 - ph / 2, svg_word(&W_PEOPLE, lang));
}

int results_svg_histogram(const results_hist *h, const results_chart_text *t, char **svg)
{
	int rc = check_text(t, svg);
	if (rc < 0 || !h || h->nbins < 1 || h->nbins > RESULTS_HIST_MAX_BINS || h->hi <= h->lo)
		return rc < 0 ? rc : RESULTS_E_INVALID;
	size_t top_count = 0;
	int top_bin = 0;
	for (int i = 0; i < h->nbins; i++)
		if (h->counts[i] > top_count) {
			top_count = h->counts[i];
			top_bin = i;
		}
	double step = svg_nice_step(top_count ? (double)top_count : 1, 5);
	step = fmax(1, step); /* counts are whole */
	double ymax = ceil((top_count ? (double)top_count : 1) / step) * step;
	double x0 = 64, y0 = 300, pw = 560, ph = 230;
	char width_s[32], a[32], z[32];
	svg_fmt((double)(h->hi - h->lo) / h->nbins / 1000.0, width_s, sizeof width_s);
	svg_fmt(results_hist_edge(h, top_bin) / 1000.0, a, sizeof a);
	svg_fmt(results_hist_edge(h, top_bin + 1) / 1000.0, z, sizeof z);
	char *desc =
		t->desc ? NULL : fmt_desc(&W_HIST_DESC, t->lang, h->n, h->nbins, width_s, a, z, top_count);
	if (!t->desc && !desc)
		return RESULTS_E_NOMEM;
	rbuf b = {0};
	svg_begin(&b, "histogram", (int)(x0 + pw + 24), (int)(y0 + 48), t, t->desc ? t->desc : desc);
	free(desc);
	hist_axes(&b, h, x0, y0, pw, ph, ymax, step, t->lang);
	if (!h->n)
		no_data(&b, x0 + pw / 2, y0 - ph / 2, t->lang);
	double bw = pw / h->nbins;
	for (int i = 0; i < h->nbins; i++) {
		double bh = ph * (double)h->counts[i] / ymax;
		svg_fmt(results_hist_edge(h, i) / 1000.0, a, sizeof a);
		svg_fmt(results_hist_edge(h, i + 1) / 1000.0, z, sizeof z);
		rbuf_printf(
			&b,
			"<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
			x0 + bw * i + 1, y0 - bh, fmax(bw - 2, 1), bh, svg_colors.bar);
		rbuf_puts(&b, "<title>");
		rbuf_printf(&b, svg_word(&W_HIST_BAR, t->lang), a, z, h->counts[i]);
		rbuf_puts(&b, "</title></rect>\n");
		if (h->counts[i] && bw >= 18) {
			char c[32];
			snprintf(c, sizeof c, "%zu", h->counts[i]);
			svg_text(&b, x0 + bw * (i + 0.5), y0 - bh - 4, "middle", svg_colors.text, "count", c);
		}
	}
	*svg = svg_end(&b);
	return *svg ? RESULTS_OK : RESULTS_E_NOMEM;
}

/* ---------- item analysis ---------- */

static const char *item_color(unsigned flags)
{
	return flags & RESULTS_FLAG_NEGATIVE ? svg_colors.negative
	       : flags & RESULTS_FLAG_EASY   ? svg_colors.easy
	       : flags & RESULTS_FLAG_HARD   ? svg_colors.hard
					     : svg_colors.bar;
}

static void items_frame(rbuf *b, double x0, double y0, double pw, double ph, const results_items_opts *o,
			const char *lang)
{
	for (int k = 0; k <= 10; k += 2) { /* facility 0..1 */
		char s[16];
		double x = x0 + pw * k / 10.0;
		svg_fmt(k / 10.0, s, sizeof s);
		rbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x,
			    y0, x, y0 - ph, svg_colors.grid);
		svg_text(b, x, y0 + 16, "middle", svg_colors.muted, "tick", s);
	}
	for (int k = -10; k <= 10; k += 5) { /* discrimination -1..1 */
		char s[16];
		double y = y0 - ph * (k + 10) / 20.0;
		svg_fmt(k / 10.0, s, sizeof s);
		rbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x0,
			    y, x0 + pw, y, svg_colors.grid);
		svg_text(b, x0 - 6, y + 4, "end", svg_colors.muted, "tick", s);
	}
	const double gx[2] = {o->hard, o->easy};
	for (int k = 0; k < 2; k++)
		if (gx[k] >= 0 && gx[k] <= 1)
			rbuf_printf(
				b,
				"<line class=\"guide\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				"stroke-dasharray=\"4 3\"/>\n",
				x0 + pw * gx[k], y0, x0 + pw * gx[k], y0 - ph,
				k ? svg_colors.easy : svg_colors.hard);
	if (o->negative >= -1 && o->negative <= 1)
		rbuf_printf(
			b,
			"<line class=\"guide\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-dasharray=\"4 3\"/>\n",
			x0, y0 - ph * (o->negative + 1) / 2, x0 + pw, y0 - ph * (o->negative + 1) / 2,
			svg_colors.negative);
	rbuf_printf(
		b,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"%s\"/>\n",
		x0, y0 - ph, pw, ph, svg_colors.axis);
	svg_text(b, x0 + pw / 2, y0 + 36, "middle", svg_colors.text, "axis-title",
		 svg_word(&W_FACILITY, lang));
	rbuf_printf(b,
		    "<text class=\"axis-title\" x=\"18\" y=\"%.1f\" fill=\"%s\" text-anchor=\"middle\" "
		    "transform=\"rotate(-90 18 %.1f)\">",
		    y0 - ph / 2, svg_colors.text, y0 - ph / 2);
	rbuf_xml(b, svg_word(&W_DISCRIM, lang));
	rbuf_puts(b, "</text>\n");
	const svg_words *names[4] = {&W_OK, &W_EASY, &W_HARD, &W_NEG}; /* legend */
	const char *colors[4] = {svg_colors.bar, svg_colors.easy, svg_colors.hard, svg_colors.negative};
	for (int k = 0; k < 4; k++) {
		double lx = x0 + pw + 20, ly = y0 - ph + 20 * k + 8;
		rbuf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", lx, ly, colors[k]);
		svg_text(b, lx + 10, ly + 4, "start", colors[k], "legend", svg_word(names[k], lang));
	}
}

static void item_dot(rbuf *b, const results_item_stats *st, const results_item_def *d, double x0, double y0,
		     double pw, double ph, const char *lang)
{
	char f[16], r[16];
	snprintf(f, sizeof f, "%.2f", st->facility);
	snprintf(r, sizeof r, "%.2f", st->r_pbis);
	double x = x0 + pw * fmin(1, fmax(0, st->facility)), y = y0 - ph * (st->r_pbis + 1) / 2;
	const char *id = d->id && results__utf8_ok(d->id) ? d->id : "?";
	rbuf_printf(b, "<circle class=\"item\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"><title>", x, y,
		    item_color(st->flags));
	rbuf e = {0};
	rbuf_xml(&e, id);
	char *eid = rbuf_take(&e);
	rbuf_printf(b, svg_word(&W_ITEM_TIP, lang), eid ? eid : "?", f, r, st->n);
	free(eid);
	rbuf_puts(b, "</title></circle>\n");
	if (st->flags) {
		char label[80];
		svg_shorten(id, 12, 96, label, sizeof label);
		svg_text(b, x + 8, y - 6, "start", item_color(st->flags), "item-label", label);
	}
}

int results_svg_items(const results_analysis *a, const results_item_def *items, const results_items_opts *o,
		      const results_chart_text *t, char **svg)
{
	int rc = check_text(t, svg);
	if (rc < 0 || !a || (a->nitems && !items))
		return rc < 0 ? rc : RESULTS_E_INVALID;
	if (!o)
		o = &results_items_default;
	int easy = 0, hard = 0, neg = 0;
	size_t missing = 0;
	for (size_t i = 0; i < a->nitems; i++) {
		const results_item_stats *st = &a->items[i];
		easy += !!(st->flags & RESULTS_FLAG_EASY);
		hard += !!(st->flags & RESULTS_FLAG_HARD);
		neg += !!(st->flags & RESULTS_FLAG_NEGATIVE);
		missing += !isfinite(st->facility) || !isfinite(st->r_pbis);
	}
	char *desc = t->desc ? NULL : fmt_desc(&W_ITEMS_DESC, t->lang, a->nitems, easy, hard, neg, missing);
	if (!t->desc && !desc)
		return RESULTS_E_NOMEM;
	double x0 = 72, y0 = 420, pw = 480, ph = 360;
	rbuf b = {0};
	svg_begin(&b, "items", (int)(x0 + pw + 120), (int)(y0 + 48), t, t->desc ? t->desc : desc);
	free(desc);
	items_frame(&b, x0, y0, pw, ph, o, t->lang);
	for (size_t i = 0; i < a->nitems; i++)
		if (isfinite(a->items[i].facility) && isfinite(a->items[i].r_pbis))
			item_dot(&b, &a->items[i], &items[i], x0, y0, pw, ph, t->lang);
	if (missing == a->nitems)
		no_data(&b, x0 + pw / 2, y0 - ph / 2 - 12, t->lang);
	*svg = svg_end(&b);
	return *svg ? RESULTS_OK : RESULTS_E_NOMEM;
}

/* ---------- awards by unit ---------- */

/* Tier colours: dark enough for white text nowhere (labels sit beside the bars), told apart. */
static const char *const tier_colors[] = {"#b45309", "#1d4ed8", "#047857", "#7e22ce",
					  "#b91c1c", "#0e7490", "#4338ca", "#a16207"};
#define NCOLORS (sizeof tier_colors / sizeof tier_colors[0])

typedef struct awards_layout {
	const char *const *names; /* ntiers, then the participation name (or none) */
	int ntiers, nseg;         /* nseg: ntiers, + 1 with a participation tier */
	double x0, bw, max, label_w;
} awards_layout;

static int64_t seg_count(const results_unit *u, const awards_layout *l, int k)
{
	return k < l->ntiers ? u->awards[k] : u->participation;
}

static const char *seg_color(const awards_layout *l, int k)
{
	return k < l->ntiers ? tier_colors[k % NCOLORS] : svg_colors.axis;
}

static void award_row(rbuf *b, const results_unit *u, double y, const awards_layout *l, const char *part)
{
	char label[256], v[32];
	int64_t total = 0;
	svg_shorten(u->name, 13, l->label_w - 12 * u->depth, label, sizeof label);
	rbuf_puts(b, "<g class=\"unit\">\n<title>");
	rbuf_xml(b, u->path);
	for (int k = 0; k < l->nseg; k++) {
		total += seg_count(u, l, k);
		rbuf_puts(b, k ? ", " : ": ");
		rbuf_xml(b, k < l->ntiers ? l->names[k] : part);
		rbuf_printf(b, " %lld", (long long)seg_count(u, l, k));
	}
	rbuf_puts(b, "</title>\n");
	svg_text(b, 16 + 12 * u->depth, y + 14, "start", u->depth ? svg_colors.muted : svg_colors.text,
		 "label", label);
	double x = l->x0;
	for (int k = 0; k < l->nseg; k++) {
		double w = l->bw * (double)seg_count(u, l, k) / l->max;
		if (w > 0)
			rbuf_printf(b,
				    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" "
				    "fill=\"%s\"/>\n",
				    x, y + 2, w, seg_color(l, k));
		x += w;
	}
	snprintf(v, sizeof v, "%lld", (long long)total);
	svg_text(b, x + 6, y + 14, "start", svg_colors.text, "value", v);
	rbuf_puts(b, "</g>\n");
}

static void awards_legend(rbuf *b, const awards_layout *l, const char *part, double y)
{
	double x = 16;
	for (int k = 0; k < l->nseg; k++) {
		const char *name = k < l->ntiers ? l->names[k] : part;
		char s[96];
		svg_shorten(name && results__utf8_ok(name) ? name : "?", 12, 120, s, sizeof s);
		rbuf_printf(
			b,
			"<rect class=\"legend\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
			x, y - 10, seg_color(l, k));
		svg_text(b, x + 16, y, "start", svg_colors.text, "legend", s);
		x += 16 + svg_text_width(s, 12) + 18;
	}
}

int results_svg_awards(const results_units *u, int max_depth, const char *const *tier_names, int ntiers,
		       const char *participation, const results_chart_text *t, char **svg)
{
	int rc = check_text(t, svg);
	if (rc < 0 || !u || ntiers < 0 || ntiers > RESULTS_MAX_TIERS || (ntiers && !tier_names))
		return rc < 0 ? rc : RESULTS_E_INVALID;
	for (int k = 0; k < ntiers; k++)
		if (!tier_names[k] || !results__utf8_ok(tier_names[k]))
			return RESULTS_E_UTF8;
	if (participation && !results__utf8_ok(participation))
		return RESULTS_E_UTF8;
	awards_layout l = {tier_names, ntiers, ntiers + !!participation, 0, 420, 1, 80};
	size_t rows = 0;
	long long all = 0;
	for (size_t i = 0; i < u->n; i++) {
		if (u->u[i].depth > max_depth)
			continue;
		int64_t total = 0;
		for (int k = 0; k < l.nseg; k++)
			total += seg_count(&u->u[i], &l, k);
		if (u->u[i].depth == 0)
			all += total;
		rows++;
		l.max = fmax(l.max, (double)total);
		l.label_w =
			fmax(l.label_w, fmin(260, svg_text_width(u->u[i].name, 13) + 12 * u->u[i].depth + 8));
	}
	double step = fmax(1, svg_nice_step(l.max, 5));
	l.max = ceil(l.max / step - 1e-9) * step;
	l.x0 = 16 + l.label_w;
	double top = 84, axis_y = top + 26 * fmax(1, (double)rows) + 4;
	char *desc = t->desc ? NULL : fmt_desc(&W_AWARDS_DESC, t->lang, rows, all);
	if (!t->desc && !desc)
		return RESULTS_E_NOMEM;
	rbuf b = {0};
	svg_begin(&b, "awards", (int)(l.x0 + l.bw + 80), (int)(axis_y + 48), t, t->desc ? t->desc : desc);
	free(desc);
	awards_legend(&b, &l, participation, 56);
	for (double v = 0; v <= l.max + 1e-9; v += step) {
		double x = l.x0 + l.bw * v / l.max;
		char s[32];
		svg_fmt(v, s, sizeof s);
		rbuf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x,
			    top - 4, x, axis_y, svg_colors.grid);
		svg_text(&b, x, axis_y + 16, "middle", svg_colors.muted, "tick", s);
	}
	svg_text(&b, l.x0 + l.bw / 2, axis_y + 36, "middle", svg_colors.text, "axis-title",
		 svg_word(&W_AWARDS, t->lang));
	size_t r = 0;
	for (size_t i = 0; i < u->n; i++)
		if (u->u[i].depth <= max_depth)
			award_row(&b, &u->u[i], top + 26 * (double)r++, &l, participation);
	if (!rows || !all)
		no_data(&b, l.x0 + l.bw / 2, top + 26 * fmax(1, (double)rows) / 2 + 8, t->lang);
	*svg = svg_end(&b);
	return *svg ? RESULTS_OK : RESULTS_E_NOMEM;
}
