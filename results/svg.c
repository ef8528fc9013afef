/*
 * svg.c - the drawing primitives of the analysis charts (charts.c): the
 * document frame with its accessible title and description, escaped text,
 * text width estimates for Chinese and Latin labels, label shortening that
 * never cuts a UTF-8 sequence, "nice" axis ticks and number formatting.
 *
 * The charts are plain SVG 1.1 (attributes, no CSS, no script, no external
 * resources), so they render the same inline in the console page, as a file,
 * and through a converter to PNG or PDF. Colours come from one fixed palette
 * whose text colours all have a contrast of at least 4.5:1 on white (WCAG AA;
 * tests/unit/test_results_svg.c measures it).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg_int.h"

const svg_palette svg_colors = {
	.text = "#1f2937",  /* 14.7:1 on white */
	.muted = "#4b5563", /* 7.6:1 */
	.axis = "#6b7280",
	.grid = "#e5e7eb",
	.bar = "#1d4ed8",      /* 6.7:1 */
	.easy = "#b45309",     /* 5.0:1 */
	.hard = "#7e22ce",     /* 7.1:1 */
	.negative = "#b91c1c", /* 6.5:1 */
	.bg = "#ffffff",
};

static const char *const font_family =
	"'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif";

static uint32_t fnv32(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void svg_begin(rbuf *b, const char *kind, int w, int h, const results_chart_text *t, const char *desc)
{
	/* ids unique enough for several charts inlined in one page */
	char id[32];
	const char *title = t->title, *lang = t->lang;
	snprintf(id, sizeof id, "sa-%s-%08x", kind, fnv32(title) ^ fnv32(desc));
	rbuf_printf(b,
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t %s-d\" xml:lang=\"%s\" "
		    "font-family=\"",
		    w, h, w, h, id, id, results__en(lang) ? "en" : "zh-CN");
	rbuf_xml(b, t->font ? t->font : font_family);
	rbuf_puts(b, "\" font-size=\"13\">\n");
	rbuf_printf(b, "<title id=\"%s-t\">", id);
	rbuf_xml(b, title);
	rbuf_printf(b, "</title>\n<desc id=\"%s-d\">", id);
	rbuf_xml(b, desc);
	rbuf_puts(b, "</desc>\n");
	rbuf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", w, h,
		    svg_colors.bg);
	rbuf_printf(
		b,
		"<text class=\"chart-title\" x=\"%d\" y=\"28\" font-size=\"18\" font-weight=\"bold\" fill=\"%s\">",
		16, svg_colors.text);
	rbuf_xml(b, title);
	rbuf_puts(b, "</text>\n");
}

char *svg_end(rbuf *b)
{
	rbuf_puts(b, "</svg>\n");
	return rbuf_take(b);
}

void svg_text(rbuf *b, double x, double y, const char *anchor, const char *fill, const char *cls,
	      const char *s)
{
	rbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\"", x, y, anchor, fill);
	if (cls)
		rbuf_printf(b, " class=\"%s\"", cls);
	rbuf_puts(b, ">");
	rbuf_xml(b, s);
	rbuf_puts(b, "</text>\n");
}

static int wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
}

double svg_text_width(const char *s, double size)
{
	double w = 0;
	for (size_t i = 0; s[i];)
		w += wide(results__utf8_next(s, &i)) ? size : 0.6 * size;
	return w;
}

void svg_shorten(const char *s, double size, double max_w, char *out, size_t cap)
{
	double w = 0, ell = size; /* "…" is wide in CJK fonts */
	size_t i = 0, keep = 0;
	int cut = svg_text_width(s, size) > max_w;
	while (s[i]) {
		size_t at = i;
		double cw = wide(results__utf8_next(s, &i)) ? size : 0.6 * size;
		if ((cut && w + cw + ell > max_w) || i + 4 > cap) {
			cut = 1;
			i = at;
			break;
		}
		w += cw;
		keep = i;
	}
	memcpy(out, s, keep);
	if (cut && s[keep])
		memcpy(out + keep, "\xE2\x80\xA6", 4); /* … and the NUL */
	else
		out[keep] = '\0';
}

double svg_nice_step(double range, int ticks)
{
	if (!(range > 0) || ticks < 1)
		return 1;
	double raw = range / ticks, mag = pow(10, floor(log10(raw))), f = raw / mag;
	double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
	return nice * mag;
}

void svg_fmt(double v, char *buf, size_t cap)
{
	if (!isfinite(v)) {
		snprintf(buf, cap, "-");
		return;
	}
	if (fabs(v - nearbyint(v)) < 1e-9)
		snprintf(buf, cap, "%.0f", nearbyint(v) == 0 ? 0.0 : v);
	else if (fabs(v * 10 - nearbyint(v * 10)) < 1e-9)
		snprintf(buf, cap, "%.1f", v);
	else
		snprintf(buf, cap, "%.2f", v);
}

const char *svg_word(const svg_words *w, const char *lang) { return results__en(lang) ? w->en : w->zh; }
