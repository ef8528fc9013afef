/*
 * svg_int.h - drawing primitives shared by the charts (svg.c -> charts.c).
 */
#ifndef SKILLARENA_RESULTS_SVG_INT_H
#define SKILLARENA_RESULTS_SVG_INT_H

#include "results_int.h"

typedef struct svg_palette {
	const char *text, *muted, *axis, *grid, *bar, *easy, *hard, *negative, *bg;
} svg_palette;

extern const svg_palette svg_colors;

/* A word of a chart in both languages. */
typedef struct svg_words {
	const char *zh, *en;
} svg_words;

const char *svg_word(const svg_words *w, const char *lang);

/* Opens the document: size, font, accessible title and description (desc), background, visible title. */
void svg_begin(rbuf *b, const char *kind, int w, int h, const results_chart_text *t, const char *desc);
/* Closes it and hands over the text (NULL when out of memory). */
char *svg_end(rbuf *b);
/* One text element, s escaped. cls may be NULL. */
void svg_text(rbuf *b, double x, double y, const char *anchor, const char *fill, const char *cls,
	      const char *s);
/* Estimated width of s at font size (CJK 1 em, other 0.6 em). */
double svg_text_width(const char *s, double size);
/* s shortened with "…" to fit max_w, whole code points only; out has cap bytes (>= 8). */
void svg_shorten(const char *s, double size, double max_w, char *out, size_t cap);
/* A tick step of 1, 2, 2.5 or 5 times a power of ten giving about `ticks` ticks over range. */
double svg_nice_step(double range, int ticks);
/* A number for a label: "3", "2.5", "0.25". */
void svg_fmt(double v, char *buf, size_t cap);

#endif
