/*
 * analysis.c - a contest's analysis page (数据分析), for its organizers and
 * viewers:
 *
 *   GET /api/console/contests/{code}/analysis            JSON: participation
 *       by unit against the roster's headcount, the score distribution, award
 *       counts by unit from the latest results release, item analysis per
 *       question with its flags and the paper's reliability
 *   GET /api/console/contests/{code}/analysis/{chart}.svg|.png|.pdf
 *       chart: participation, scores, items, awards
 *
 *   ?lang=en|zh-CN   the charts' and names' language (default: the request's)
 *   ?depth=0..9      unit levels drawn (default 2)
 *   ?from=&to=       YYYY-MM-DD, self-paced (exam, mass) contests only: the
 *                    finished attempts started on those days (the contest's
 *                    time zone: attempts.day), each participant's counted one
 *                    (the contest's attempts.counts) for participation and
 *                    scores, every one for the item analysis
 *
 * The path of a request:
 *
 *   loop      the query checked; a self-paced contest served here lends its
 *             question pool's ids, maxima and option counts (copied)
 *   pool      one blocking libpq connection reads the contest, the roster,
 *             the participants, the answers (or attempts) and the latest
 *             release; the results library computes (units, histogram, item
 *             analysis) and draws the SVG (analysis_read.c); librsvg converts
 *             it to PNG (twice the size) or PDF through cairo (here)
 *   loop      the reply
 *
 * A contest nobody answered gives its charts with "暂无数据" and its JSON
 * with zeros and nulls, not an error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>

#include "api/analysis.h"
#include "api/api.h"
#include "api/pool.h"
#include "api/request.h"
#include "core/err.h"
#include "core/log.h"
#include "live/paper.h"
#include "live/run.h"
#include "results.h"

#define DEPTH_DEFAULT 2
#define DEPTH_MAX 9
#define HIST_BINS 10
#define PNG_SCALE 2.0
/*
 * A PDF's text in TrueType faces: cairo 1.16 subsets TrueType to a few KB but
 * keeps every subroutine of a CFF face such as Noto Sans CJK (tens of KB per
 * PDF), and leaks two small buffers per PDF doing it (LeakSanitizer saw them).
 * The SVG and the PNG keep the library's list (Noto Sans CJK SC first).
 */
#define PDF_FONTS "'WenQuanYi Zen Hei','AR PL UMing CN',sans-serif"

static const struct {
	const char *name, *zh, *en;
} charts[AN_CHARTS] = {
	[AN_PARTICIPATION] = {"participation", "各单位参与率", "Participation by unit"},
	[AN_SCORES] = {"scores", "得分分布", "Score distribution"},
	[AN_ITEMS] = {"items", "试题分析：难度与区分度", "Item analysis: facility and discrimination"},
	[AN_AWARDS] = {"awards", "各单位获奖人数", "Awards by unit"},
};

enum { FMT_SVG, FMT_PNG, FMT_PDF, FMT_COUNT };

static const struct {
	const char *ext, *ctype;
} formats[FMT_COUNT] = {
	[FMT_SVG] = {"svg", "image/svg+xml; charset=utf-8"},
	[FMT_PNG] = {"png", "image/png"},
	[FMT_PDF] = {"pdf", "application/pdf"},
};

/* ------------------------------------------------------------ the request */

typedef struct an_req {
	an_query q;
	int format;
	an_out out;
	unsigned char *bytes; /* a PNG or PDF */
	size_t len;
	char *filename;
} an_req;

static void req_release(an_req *r)
{
	an_query_release(&r->q);
	an_out_release(&r->out);
	free(r->bytes);
	free(r->filename);
}

/* A day YYYY-MM-DD that exists, or absent: 1; else 0. */
static int day_ok(const char *s)
{
	int y, m, d, n = 0, y2, m2, d2;
	if (!s)
		return 1;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || s[4] != '-' ||
	    s[7] != '-' || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	results_civil_from_days(results_days_from_civil(y, m, d), &y2, &m2, &d2);
	return y == y2 && m == m2 && d == d2;
}

/* The query's parameters into q: 0, or -1 answered (400). */
static int query_of(http_req *req, an_query *q)
{
	const char *lang = http_query(req, "lang"), *depth = http_query(req, "depth");
	const char *from = http_query(req, "from"), *to = http_query(req, "to");
	if (lang && strcmp(lang, "en") && strcmp(lang, "zh-CN")) {
		api_error(req, SA_E_INVALID_FIELD, "lang", "lang 须为 zh-CN 或 en", "lang is zh-CN or en");
		return -1;
	}
	q->lang_en = lang ? !strcmp(lang, "en") : http_lang_en(req);
	q->depth = DEPTH_DEFAULT;
	if (depth) {
		char *end;
		long v = strtol(depth, &end, 10);
		if (!*depth || *end || v < 0 || v > DEPTH_MAX) {
			api_error(req, SA_E_INVALID_FIELD, "depth", "depth 须为 0–9", "depth is 0-9");
			return -1;
		}
		q->depth = (int)v;
	}
	if (!day_ok(from) || !day_ok(to)) {
		api_error(req, SA_E_INVALID_FIELD, day_ok(from) ? "to" : "from", "日期须为 YYYY-MM-DD",
			  "dates are YYYY-MM-DD");
		return -1;
	}
	if (from && to && strcmp(from, to) > 0) {
		api_error(req, SA_E_INVALID_FIELD, "to", "结束日期早于开始日期", "to is before from");
		return -1;
	}
	snprintf(q->from, sizeof q->from, "%s", from ? from : "");
	snprintf(q->to, sizeof q->to, "%s", to ? to : "");
	return 0;
}

/* A self-paced contest served here: its pool's questions copied into q (the loop's data, read now). */
static int pool_copy(arena *a, const char *code, an_query *q)
{
	crun *r = run_find(a, code);
	if (!r || r->mode == MODE_LIVE || !r->pool)
		return 0;
	const paper_pool *pp = r->pool;
	q->served = 1;
	if (!(q->pool = calloc((size_t)pp->n + 1, sizeof *q->pool)))
		return SA_E_INTERNAL;
	for (int i = 0; i < pp->n; i++) {
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(pp->qs[i].it->q.def, "text");
		an_pool_q *o = &q->pool[q->npool++];
		o->id = strdup(pp->qs[i].it->q.id);
		o->text = text ? cJSON_PrintUnformatted(text) : NULL;
		o->max_milli = pp->qs[i].max_milli;
		o->noptions = pp->qs[i].noptions;
		if (!o->id || (text && !o->text))
			return SA_E_INTERNAL;
	}
	return 0;
}

/* ------------------------------------------------------------ charts as PNG or PDF */

typedef struct sink {
	unsigned char *p;
	size_t len, cap;
	int failed;
} sink;

static cairo_status_t sink_write(void *ud, const unsigned char *data, unsigned int n)
{
	sink *s = ud;
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		while (cap < s->len + n)
			cap *= 2;
		unsigned char *p = realloc(s->p, cap);
		if (!p) {
			s->failed = 1;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		s->p = p;
		s->cap = cap;
	}
	memcpy(s->p + s->len, data, n);
	s->len += n;
	return CAIRO_STATUS_SUCCESS;
}

/* The SVG drawn by librsvg into a PNG (PNG_SCALE times its size) or a one-page PDF of its size
 * in points: 0 with the bytes in r, or SA_E_INTERNAL (why in err). */
static int convert(an_req *r, char *err, size_t errlen)
{
	GError *ge = NULL;
	const char *svg = r->out.svg;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, strlen(svg), &ge);
	if (!h) {
		snprintf(err, errlen, "librsvg: %s", ge ? ge->message : "?");
		g_clear_error(&ge);
		return SA_E_INTERNAL;
	}
	double w = 640, hgt = 480;
	rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hgt);
	sink s = {0};
	cairo_surface_t *surf =
		r->format == FMT_PDF
			? cairo_pdf_surface_create_for_stream(sink_write, &s, w, hgt)
			: cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(w * PNG_SCALE),
						     (int)ceil(hgt * PNG_SCALE));
	cairo_t *cr = cairo_create(surf);
	if (r->format == FMT_PNG)
		cairo_scale(cr, PNG_SCALE, PNG_SCALE);
	RsvgRectangle vp = {0, 0, w, hgt};
	int ok = rsvg_handle_render_document(h, cr, &vp, &ge);
	cairo_destroy(cr);
	if (r->format == FMT_PDF)
		cairo_surface_finish(surf);
	else if (ok)
		ok = cairo_surface_write_to_png_stream(surf, sink_write, &s) == CAIRO_STATUS_SUCCESS;
	ok = ok && cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS && !s.failed && s.len;
	cairo_surface_destroy(surf);
	g_object_unref(h);
	if (!ok) {
		snprintf(err, errlen, "rendering: %s", ge ? ge->message : "cairo");
		g_clear_error(&ge);
		free(s.p);
		return SA_E_INTERNAL;
	}
	r->bytes = s.p;
	r->len = s.len;
	return 0;
}

/* ------------------------------------------------------------ the pool's work and the answer */

static void work(void *ud)
{
	an_req *r = ud;
	char err[512] = "";
	int rc = an_compute(&r->q, &r->out, err, sizeof err);
	if (!rc && r->q.chart != AN_JSON && r->format != FMT_SVG)
		rc = convert(r, err, sizeof err);
	if (rc && rc != SA_E_NOT_FOUND && rc != SA_E_INVALID_FIELD)
		sa_log(LL_ERROR, "analysis of %s: %s", r->q.code, err);
	r->out.rc = rc;
}

static void after(http_req *req, void *ud)
{
	an_req *r = ud;
	int rc = r->out.rc;
	if (rc == SA_E_INVALID_FIELD)
		api_error(req, rc, r->out.field, r->out.zh, r->out.en);
	else if (rc == SA_E_NOT_FOUND)
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	else if (rc)
		http_reply_error(req, rc, NULL);
	else if (r->q.chart == AN_JSON) {
		http_reply_json(req, 200, r->out.json);
		r->out.json = NULL;
	} else {
		const char *name = r->q.lang_en ? charts[r->q.chart].en : charts[r->q.chart].zh;
		if (asprintf(&r->filename, "%s %s.%s", r->out.code ? r->out.code : r->q.code, name,
			     formats[r->format].ext) < 0)
			r->filename = NULL;
		if (r->format == FMT_SVG) {
			r->len = strlen(r->out.svg);
			r->bytes = (unsigned char *)r->out.svg;
			r->out.svg = NULL;
		}
		http_reply_bytes(req, 200, formats[r->format].ctype, (char *)r->bytes, r->len, r->filename);
		r->bytes = NULL; /* the reply took them */
	}
	req_release(r);
}

static int start(http_req *req, int chart, int format)
{
	an_req *r = http_alloc(req, sizeof *r);
	if (!r)
		return SA_E_INTERNAL;
	r->q.chart = chart;
	r->format = format;
	r->q.conninfo = http_arena(req)->cfg.pg;
	snprintf(r->q.code, sizeof r->q.code, "%.23s", http_param(req, "code"));
	int rc;
	if (query_of(req, &r->q))
		rc = 0; /* answered */
	else if (chart != AN_JSON && !(r->q.chart_title = r->q.lang_en ? charts[chart].en : charts[chart].zh))
		rc = SA_E_INTERNAL;
	else if (format == FMT_PDF && !(r->q.font = PDF_FONTS))
		rc = SA_E_INTERNAL;
	else if (!(rc = pool_copy(http_arena(req), r->q.code, &r->q)) &&
		 !(rc = api_pool(req, work, after, r)))
		return 0;
	req_release(r);
	return rc;
}

static int analysis_get(http_req *req) { return start(req, AN_JSON, FMT_SVG); }

/* {chart} is NAME.EXT: a row of each table, else 404. */
static int chart_get(http_req *req)
{
	const char *p = http_param(req, "chart"), *dot = p ? strrchr(p, '.') : NULL;
	for (int c = 0; dot && c < AN_CHARTS; c++)
		for (int f = 0; f < FMT_COUNT; f++)
			if (strlen(charts[c].name) == (size_t)(dot - p) &&
			    !strncmp(p, charts[c].name, (size_t)(dot - p)) &&
			    !strcmp(dot + 1, formats[f].ext))
				return start(req, c, f);
	api_error(req, SA_E_NOT_FOUND, "chart",
		  "没有这种图表：可选 participation、scores、items、awards，格式 svg、png、pdf",
		  "no such chart: participation, scores, items or awards, as svg, png or pdf");
	return 0;
}

#define READERS                                            \
	{                                                  \
		AUTH_CONTEST, AUTH_ORGANIZER | AUTH_VIEWER \
	}

const route api_analysis_routes[] = {
	{ROUTE_GET, "/api/console/contests/{code}/analysis", analysis_get, READERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/console/contests/{code}/analysis/{chart}", chart_get, READERS, ROUTE_BODY_NONE, 0,
	 0},
	{0},
};
