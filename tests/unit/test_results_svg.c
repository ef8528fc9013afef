/*
 * test_results_svg.c - the SVG charts parsed back with expat (an independent
 * XML parser): well-formed, accessible (role, title and desc as the first
 * children, aria-labelledby naming them), the expected bars, dots and labels
 * with Chinese text and XML specials escaped, and every text colour at least
 * 4.5:1 against the white background (WCAG relative luminance).
 *
 * SA_RESULTS_SVG_OUT=DIR also writes the charts there to look at.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <expat.h>

#include "results.h"

/* ---------- what the parser collects ---------- */

typedef struct seen {
	int depth, children_of_root;
	char first[2][16]; /* the first two child elements of <svg> */
	char ids[8][64];   /* id attributes */
	int nids;
	char labelledby[160];
	int role_img;
	int bars, dots, guides;
	double min_contrast;
	char text[1 << 16]; /* every text and title content, one per line */
	size_t tlen;
	int in_text;
} seen;

static double channel(int v)
{
	double c = v / 255.0;
	return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double contrast_on_white(const char *hex)
{
	unsigned r, g, b;
	assert_int_equal(sscanf(hex, "#%02x%02x%02x", &r, &g, &b), 3);
	double l = 0.2126 * channel((int)r) + 0.7152 * channel((int)g) + 0.0722 * channel((int)b);
	return 1.05 / (l + 0.05);
}

static const char *attr(const char **a, const char *name)
{
	for (int i = 0; a[i]; i += 2)
		if (strcmp(a[i], name) == 0)
			return a[i + 1];
	return NULL;
}

static void on_start(void *ud, const char *el, const char **a)
{
	seen *s = ud;
	if (s->depth == 1 && s->children_of_root < 2)
		snprintf(s->first[s->children_of_root], sizeof s->first[0], "%s", el);
	if (s->depth == 1)
		s->children_of_root++;
	if (s->depth == 0) {
		const char *lb = attr(a, "aria-labelledby"), *role = attr(a, "role");
		snprintf(s->labelledby, sizeof s->labelledby, "%s", lb ? lb : "");
		s->role_img = role && strcmp(role, "img") == 0;
	}
	const char *id = attr(a, "id"), *cls = attr(a, "class"), *fill = attr(a, "fill");
	if (id && s->nids < 8)
		snprintf(s->ids[s->nids++], sizeof s->ids[0], "%s", id);
	if (cls && strcmp(el, "rect") == 0 && strcmp(cls, "bar") == 0)
		s->bars++;
	if (cls && strcmp(el, "circle") == 0 && strcmp(cls, "item") == 0)
		s->dots++;
	if (cls && strcmp(cls, "guide") == 0)
		s->guides++;
	if (strcmp(el, "text") == 0) {
		assert_non_null(fill);
		double c = contrast_on_white(fill);
		if (c < s->min_contrast)
			s->min_contrast = c;
	}
	s->in_text = strcmp(el, "text") == 0 || strcmp(el, "title") == 0 || strcmp(el, "desc") == 0;
	s->depth++;
}

static void on_end(void *ud, const char *el)
{
	seen *s = ud;
	s->depth--;
	if (s->in_text && s->tlen + 1 < sizeof s->text)
		s->text[s->tlen++] = '\n';
	s->in_text = 0;
	(void)el;
}

static void on_chars(void *ud, const char *t, int len)
{
	seen *s = ud;
	if (s->in_text && s->tlen + (size_t)len + 2 < sizeof s->text) {
		memcpy(s->text + s->tlen, t, (size_t)len);
		s->tlen += (size_t)len;
		s->text[s->tlen] = '\0';
	}
}

static void parse(const char *svg, seen *s, const char *name)
{
	memset(s, 0, sizeof *s);
	s->min_contrast = 21;
	XML_Parser p = XML_ParserCreate("UTF-8");
	XML_SetUserData(p, s);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_chars);
	if (XML_Parse(p, svg, (int)strlen(svg), 1) != XML_STATUS_OK)
		fail_msg("%s: not well-formed XML: %s at line %lu", name,
			 XML_ErrorString(XML_GetErrorCode(p)), (unsigned long)XML_GetCurrentLineNumber(p));
	XML_ParserFree(p);
	/* accessible: role img, <title> then <desc>, both named by aria-labelledby */
	assert_true(s->role_img);
	assert_string_equal(s->first[0], "title");
	assert_string_equal(s->first[1], "desc");
	char want[160];
	snprintf(want, sizeof want, "%s %s", s->ids[0], s->ids[1]);
	assert_string_equal(s->labelledby, want);
	assert_true(s->min_contrast >= 4.5);
	const char *dir = getenv("SA_RESULTS_SVG_OUT");
	if (dir) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s.svg", dir, name);
		FILE *f = fopen(path, "w");
		if (f) {
			fputs(svg, f);
			fclose(f);
		}
	}
}

static int has_line(const seen *s, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = s->text; (p = strstr(p, line)) != NULL; p++)
		if ((p == s->text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

#define HAS(s, x)                                           \
	do {                                                \
		if (!strstr((s)->text, (x)))                \
			fail_msg("missing text '%s'", (x)); \
	} while (0)

/* ---------- charts ---------- */

static void test_participation(void **state)
{
	(void)state;
	char longname[64 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(longname, "电");
	char longpath[256];
	snprintf(longpath, sizeof longpath, "示范公司/%s", longname);
	const results_roster_row roster[] = {
		{"示范公司/一分厂/机修车间", 40},
		{"示范公司/一分厂/A&B<车间>\"'", 20},
		{"示范公司/二分厂", 50},
		{longpath, 10},
	};
	results_member m[80];
	size_t n = 0;
	for (int i = 0; i < 30; i++)
		m[n++] = (results_member){"示范公司/一分厂/机修车间", RESULTS_TIER_NONE};
	for (int i = 0; i < 5; i++)
		m[n++] = (results_member){"示范公司/一分厂/A&B<车间>\"'", RESULTS_TIER_NONE};
	for (int i = 0; i < 12; i++)
		m[n++] = (results_member){"外包单位", RESULTS_TIER_NONE}; /* no headcount: no bar */
	for (int i = 0; i < 10; i++)
		m[n++] = (results_member){longpath, RESULTS_TIER_NONE};
	results_units u;
	assert_int_equal(results_units_build(roster, 4, m, n, &u, NULL), RESULTS_OK);
	char *svg = NULL;
	results_chart_text t = {"各单位参与率 <2026 年安全月>", NULL, "zh-CN", NULL};
	assert_int_equal(results_svg_participation(&u, 2, &t, &svg), RESULTS_OK);
	seen s;
	parse(svg, &s, "participation");
	/* units to depth 2: 示范公司, 一分厂, 机修车间, A&B, 二分厂, the long one, 外包单位; 外包单位 has no bar */
	assert_int_equal(s.bars, 6);
	HAS(&s, "各单位参与率 <2026 年安全月>");
	HAS(&s, "参与率");
	assert_true(has_line(&s, "A&B<车间>\"'"));
	assert_true(has_line(&s, "75.0% (30/40)"));
	assert_true(has_line(&s, "25.0% (5/20)"));
	assert_true(has_line(&s, "0.0% (0/50)"));
	assert_true(has_line(&s, "100.0% (10/10)"));
	assert_true(has_line(&s, "无在册人数"));
	HAS(&s, "7 个单位的参与率");
	/* the long name: shortened with "…" on the label, whole in the tooltip */
	char tip[300];
	snprintf(tip, sizeof tip, "%s: 100.0%% (10/10)", longpath);
	assert_true(has_line(&s, tip));
	HAS(&s, "电电电电…");
	assert_false(has_line(&s, longname));
	free(svg);
	/* top level only, in English */
	results_chart_text en = {"Participation", "By company", "en", NULL};
	assert_int_equal(results_svg_participation(&u, 0, &en, &svg), RESULTS_OK);
	parse(svg, &s, "participation-en");
	assert_int_equal(s.bars, 1);
	HAS(&s, "participation rate");
	HAS(&s, "no headcount");
	HAS(&s, "By company");
	free(svg);
	results_units_release(&u);
}

static void test_histogram(void **state)
{
	(void)state;
	int64_t v[200];
	for (int i = 0; i < 200; i++)
		v[i] = (int64_t)(i * 37 % 101) * 1000; /* 0..100 points */
	results_hist h;
	assert_int_equal(results_histogram(v, 200, 0, 100000, 10, &h), RESULTS_OK);
	char *svg = NULL;
	results_chart_text t = {"得分分布", NULL, NULL, NULL};
	assert_int_equal(results_svg_histogram(&h, &t, &svg), RESULTS_OK);
	seen s;
	parse(svg, &s, "histogram");
	assert_int_equal(s.bars, 10);
	HAS(&s, "得分");
	HAS(&s, "人数");
	char line[64];
	snprintf(line, sizeof line, "60–70 分：%zu 人", h.counts[6]);
	assert_true(has_line(&s, line));
	snprintf(line, sizeof line, "%zu", h.counts[0]);
	assert_true(has_line(&s, line));
	assert_true(has_line(&s, "100"));
	HAS(&s, "200 人的得分分布，共 10 组，每组 10 分");
	free(svg);
	/* many narrow bins: no count labels, every bin a bar */
	assert_int_equal(results_histogram(v, 200, 0, 100000, 100, &h), RESULTS_OK);
	assert_int_equal(results_svg_histogram(&h, &t, &svg), RESULTS_OK);
	parse(svg, &s, "histogram-100");
	assert_int_equal(s.bars, 100);
	free(svg);
	t.title = "\xFF";
	assert_int_equal(results_svg_histogram(&h, &t, &svg), RESULTS_E_UTF8);
	assert_null(svg);
}

static void test_items(void **state)
{
	(void)state;
	/* ability a = 0..19; q-easy right for all but one, q-hard for one, q-neg for the weakest */
	results_item_def items[7] = {{"q-easy", 1000, 0}, {"q-hard", 1000, 0}, {"q-neg<&>", 1000, 0},
				     {"q4", 1000, 0},     {"q5", 1000, 0},     {"q6", 1000, 0},
				     {"q-none", 1000, 0}};
	results_response r[120];
	size_t n = 0;
	for (int a = 0; a < 20; a++) { /* r: 0.158, 0.292, -0.643, 0.366, 0.668, 0.627 (Python statistics) */
		const bool right[6] = {a >= 1, a == 19, a <= 3, a >= 6, a >= 10, a >= 14};
		for (size_t i = 0; i < 6; i++)
			r[n++] = (results_response){(size_t)a, i, right[i] ? 1000 : 0, 0, true};
	}
	results_analysis *an = NULL;
	assert_int_equal(results_items_analyse(items, 7, r, n, 20, NULL, &an, NULL), RESULTS_OK);
	assert_float_equal(an->items[2].r_pbis, -0.643, 5e-4);
	char *svg = NULL;
	results_chart_text t = {"试题分析：难度与区分度", NULL, "zh-CN", NULL};
	assert_int_equal(results_svg_items(an, items, NULL, &t, &svg), RESULTS_OK);
	seen s;
	parse(svg, &s, "items");
	assert_int_equal(s.dots, 6); /* q-none was given to nobody */
	assert_int_equal(s.guides, 3);
	HAS(&s, "难度系数（得分率）");
	HAS(&s, "区分度（校正题总相关）");
	assert_true(has_line(&s, "q-easy"));
	assert_true(has_line(&s, "q-hard"));
	assert_true(has_line(&s, "q-neg<&>"));
	assert_false(has_line(&s, "q4")); /* only flagged questions are labelled */
	HAS(&s, "q4：难度系数 0.70，区分度 0.37，作答 20 人");
	HAS(&s, "7 道题：过易 1 道，过难 1 道，负区分 1 道；1 道无法计算。");
	free(svg);
	results_analysis_free(an);
}

static void test_awards(void **state)
{
	(void)state;
	char longname[64 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(longname, "焊");
	char longpath[256];
	snprintf(longpath, sizeof longpath, "示范公司/%s", longname);
	const results_roster_row roster[] = {
		{"示范公司/一分厂", 10}, {longpath, 10}, {"示范公司/<二&分厂>", 10}};
	const results_member m[] = {
		{"示范公司/一分厂", 0},
		{"示范公司/一分厂", 1},
		{"示范公司/一分厂", 1},
		{longpath, 2},
		{longpath, RESULTS_TIER_PARTICIPATION},
		{longpath, RESULTS_TIER_NONE},
	};
	results_units u;
	assert_int_equal(results_units_build(roster, 3, m, 6, &u, NULL), RESULTS_OK);
	const char *names[3] = {"一等奖", "二等奖", "三等奖<&>"};
	char *svg = NULL;
	results_chart_text t = {"各单位获奖人数", NULL, "zh-CN", NULL};
	assert_int_equal(results_svg_awards(&u, 1, names, 3, "参与奖", &t, &svg), RESULTS_OK);
	seen s;
	parse(svg, &s, "awards");
	/* segments drawn: 公司 4 (1,2,1,1 → 4 tiers with a count), 一分厂 2, the long one 2, 二分厂 none */
	assert_int_equal(s.bars, 8);
	assert_true(has_line(&s, "三等奖<&>"));
	assert_true(has_line(&s, "参与奖"));
	assert_true(has_line(&s, "5")); /* 公司's total */
	char tip[320];
	snprintf(tip, sizeof tip, "%s: 一等奖 0, 二等奖 0, 三等奖<&> 1, 参与奖 1", longpath);
	assert_true(has_line(&s, tip));
	HAS(&s, "焊焊焊…");
	HAS(&s, "4 个单位的获奖人数，共 5 人获奖。");
	assert_false(strstr(s.text, "暂无数据") != NULL);
	free(svg);
	/* nobody awarded: the rows and "no data"; bad names refused */
	const results_member none[] = {{"示范公司/一分厂", RESULTS_TIER_NONE}};
	results_units_release(&u);
	assert_int_equal(results_units_build(roster, 3, none, 1, &u, NULL), RESULTS_OK);
	results_chart_text en = {"Awards", NULL, "en", "'WenQuanYi Zen Hei',serif"};
	assert_int_equal(results_svg_awards(&u, 0, names, 3, NULL, &en, &svg), RESULTS_OK);
	parse(svg, &s, "awards-none");
	assert_non_null(strstr(svg, "font-family=\"&apos;WenQuanYi Zen Hei&apos;,serif\""));
	assert_int_equal(s.bars, 0);
	assert_true(has_line(&s, "no data"));
	HAS(&s, "Awards of 1 units, 0 in all.");
	free(svg);
	const char *bad[1] = {"\xFF"};
	assert_int_equal(results_svg_awards(&u, 0, bad, 1, NULL, &en, &svg), RESULTS_E_UTF8);
	assert_int_equal(results_svg_awards(&u, 0, names, RESULTS_MAX_TIERS + 1, NULL, &en, &svg),
			 RESULTS_E_INVALID);
	results_units_release(&u);
}

/* Charts with nothing to draw are still charts, and say so. */
static void test_no_data(void **state)
{
	(void)state;
	results_units u;
	assert_int_equal(results_units_build(NULL, 0, NULL, 0, &u, NULL), RESULTS_OK);
	char *svg = NULL;
	seen s;
	results_chart_text t = {"各单位参与率", NULL, "zh-CN", NULL};
	assert_int_equal(results_svg_participation(&u, 1, &t, &svg), RESULTS_OK);
	parse(svg, &s, "participation-empty");
	assert_true(has_line(&s, "暂无数据"));
	free(svg);
	results_units_release(&u);
	results_hist h;
	assert_int_equal(results_histogram(NULL, 0, 0, 100000, 10, &h), RESULTS_OK);
	assert_int_equal(results_svg_histogram(&h, &t, &svg), RESULTS_OK);
	parse(svg, &s, "histogram-empty");
	assert_int_equal(s.bars, 10);
	assert_true(has_line(&s, "暂无数据"));
	free(svg);
	results_item_def items[1] = {{"q1", 1000, 0}};
	results_analysis *an = NULL;
	assert_int_equal(results_items_analyse(items, 1, NULL, 0, 0, NULL, &an, NULL), RESULTS_OK);
	results_chart_text en = {"Items", NULL, "en", NULL};
	assert_int_equal(results_svg_items(an, items, NULL, &en, &svg), RESULTS_OK);
	parse(svg, &s, "items-empty");
	assert_int_equal(s.dots, 0);
	assert_true(has_line(&s, "no data"));
	free(svg);
	results_analysis_free(an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_participation), cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_items),         cmocka_unit_test(test_awards),
		cmocka_unit_test(test_no_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
