/*
 * export.c - writing banks back out: native JSON and Moodle GIFT.
 *
 * JSON is the bank as held (pretty printed, keys in their stored order).
 * GIFT is written in one canonical layout - a "$CATEGORY:" line when the
 * category changes, then per question
 *
 *   // @skillarena {"difficulty": "hard"}      (only what GIFT cannot say)
 *   ::id:: text {
 *   	=right#feedback
 *   	~wrong
 *   	####explanation
 *   }
 *
 * - so that importing the GIFT gives the same bank and exporting that gives
 * the same text (tests/unit/test_import_gift.c checks both). Questions GIFT
 * cannot express (ordering, several blanks, judged tasks) are reported, and
 * nothing is written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* Appends s with GIFT's special characters escaped and line breaks as \n. */
static void gx_escape(cx_buf *b, const char *s)
{
	for (; *s; s++) {
		if (s[0] == '-' && s[1] == '>') {
			cx_buf_puts(b, "\\-"); /* an arrow in text, not a matching pair */
			continue;
		}
		if (strchr("~=#{}:\\", *s)) {
			cx_buf_putc(b, '\\');
			cx_buf_putc(b, *s);
		} else if (*s == '\n') {
			cx_buf_puts(b, "\\n");
		} else if (*s == '\r') {
			continue;
		} else {
			cx_buf_putc(b, *s);
		}
	}
}

/* The zh-CN text of a language map: GIFT holds one language, the others go in @skillarena. */
/* An answer's text right after its = or ~: a leading % would read as a weight. */
static void gx_answer(cx_buf *b, const char *s)
{
	if (s[0] == '%')
		cx_buf_putc(b, ' ');
	gx_escape(b, s);
}

static const char *gx_zh(const cJSON *v, const char *lang)
{
	(void)lang;
	const char *s = cx_text(v, "zh-CN");
	return s ? s : "";
}

/* A number as GIFT writes it: shortest form that reads back the same. */
static void gx_number(cx_buf *b, double d)
{
	char buf[64];
	/* the shortest %g that reads back the same, without an exponent where it can */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d && (!strchr(buf, 'e') || prec == 17))
			break;
	}
	cx_buf_puts(b, buf);
}

/* A weight in percent, with at most 5 decimals ("33.33333"). */
static void gx_weight(cx_buf *b, double w)
{
	char buf[48];
	snprintf(buf, sizeof buf, "%.5f", w);
	char *e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	cx_buf_printf(b, "%%%s%%", buf);
}

static void gx_feedback(cx_buf *b, const cJSON *fb, int k, const char *lang)
{
	const cJSON *f = cJSON_GetArrayItem(fb, k);
	const char *s = gx_zh(f, lang);
	if (*s) {
		cx_buf_putc(b, '#');
		gx_escape(b, s);
	}
}

/* Numeric answer element -> "v", "v:t", "a..b". */
static bool gx_numeric_one(cx_buf *b, const cJSON *a, double qtol, double qrel)
{
	if (cJSON_IsNumber(a)) {
		double t = fmax(qtol, fabs(a->valuedouble) * qrel);
		gx_number(b, a->valuedouble);
		if (t > 0) {
			cx_buf_putc(b, ':');
			gx_number(b, t);
		}
		return true;
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "value");
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(a, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(a, "max");
	if (cJSON_IsNumber(v)) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(a, "tolerance");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(a, "relative");
		double tol = cJSON_IsNumber(t) ? t->valuedouble : 0;
		if (cJSON_IsNumber(r))
			tol = fmax(tol, fabs(v->valuedouble) * r->valuedouble);
		gx_number(b, v->valuedouble);
		if (tol > 0) {
			cx_buf_putc(b, ':');
			gx_number(b, tol);
		}
		return true;
	}
	if (cJSON_IsNumber(mn) && cJSON_IsNumber(mx)) {
		gx_number(b, mn->valuedouble);
		cx_buf_puts(b, "..");
		gx_number(b, mx->valuedouble);
		return true;
	}
	return false;
}

/* Fields GIFT cannot hold, carried in the @skillarena comment. */
static const char *const gx_meta_fields[] = {"difficulty",  "tags", "points",  "time_limit_s",
					     "ignore_case", "unit", "scoring", "shuffle_options",
					     NULL};

/* The "en" texts of language maps, for the @skillarena comment. */
static void gx_meta_en(cJSON *meta, const cJSON *q)
{
	cJSON *en = cJSON_CreateObject();
	static const char *const single[] = {"text", "explanation", NULL};
	for (int k = 0; single[k]; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, single[k]);
		const cJSON *e = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "en") : NULL;
		if (cJSON_IsString(e))
			cJSON_AddStringToObject(en, single[k], e->valuestring);
	}
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(q, "options");
	bool any = false;
	const cJSON *o;
	cJSON_ArrayForEach(o, opts) any |= cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "en"));
	if (any) {
		cJSON *arr = cJSON_CreateArray();
		cJSON_ArrayForEach(o, opts)
		{
			const cJSON *e = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, "en") : NULL;
			cJSON_AddItemToArray(arr,
					     cJSON_CreateString(cJSON_IsString(e) ? e->valuestring : ""));
		}
		cJSON_AddItemToObject(en, "options", arr);
	}
	if (en->child)
		cJSON_AddItemToObject(meta, "en", en);
	else
		cJSON_Delete(en);
}

/* One question in GIFT; false (after reporting) when GIFT cannot say it. */
static bool gx_question(cx *c, cx_buf *b, const cJSON *q, int qi, const char *lang)
{
	char path[CX_PATH_MAX];
	cx_idx(path, "$.questions", qi);
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "type"));
	const cJSON *ans = cJSON_GetObjectItemCaseSensitive(q, "answer");
	if (!type) {
		cx_err(c, path, CXM_MISSING, "type");
		return false;
	}
	cJSON *meta = cJSON_CreateObject();
	for (int k = 0; gx_meta_fields[k]; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, gx_meta_fields[k]);
		if (v)
			cJSON_AddItemToObject(meta, gx_meta_fields[k], cJSON_Duplicate(v, true));
	}
	bool partial = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "partial"));
	if (strcmp(type, "multiple_choice") == 0 && !partial)
		cJSON_AddFalseToObject(meta, "partial");
	if (strcmp(type, "multiple_choice") == 0 && cJSON_GetArraySize(ans) == 1)
		cJSON_AddTrueToObject(meta, "multiple");
	if (strcmp(type, "fill_in") == 0 && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "partial")))
		cJSON_AddTrueToObject(meta, "partial");
	gx_meta_en(meta, q);

	cx_buf blk = {0};
	const cJSON *ofb = cJSON_GetObjectItemCaseSensitive(q, "option_feedback");
	const cJSON *afb = cJSON_GetObjectItemCaseSensitive(q, "answer_feedback");
	bool ok = true;
	if (strcmp(type, "single_choice") == 0 || strcmp(type, "multiple_choice") == 0) {
		const cJSON *opts = cJSON_GetObjectItemCaseSensitive(q, "options");
		int n = cJSON_GetArraySize(opts);
		bool multi = type[0] == 'm';
		int k = cJSON_IsArray(ans) ? cJSON_GetArraySize(ans) : 1;
		double pen = 1;
		const cJSON *pj = cJSON_GetObjectItemCaseSensitive(q, "wrong_pick_penalty");
		if (cJSON_IsNumber(pj))
			pen = pj->valuedouble;
		if (!partial)
			pen = 0;
		for (int i = 0; i < n; i++) {
			bool right = false;
			const cJSON *a;
			if (multi) {
				cJSON_ArrayForEach(a, ans) right |= cJSON_IsNumber(a) && a->valueint == i;
			} else {
				right = cJSON_IsNumber(ans) && ans->valueint == i;
			}
			cx_buf_puts(&blk, "\t");
			if (!multi) {
				cx_buf_putc(&blk, right ? '=' : '~');
				gx_answer(&blk, gx_zh(cJSON_GetArrayItem(opts, i), lang));
			} else {
				cx_buf_putc(&blk, '~');
				double w = 100.0 / k;
				gx_weight(&blk, right ? w : (pen > 0 ? -pen * w : 0));
				gx_escape(&blk, gx_zh(cJSON_GetArrayItem(opts, i), lang));
			}
			gx_feedback(&blk, ofb, i, lang);
			cx_buf_putc(&blk, '\n');
		}
	} else if (strcmp(type, "true_false") == 0) {
		bool v = cJSON_IsTrue(ans);
		cx_buf_puts(&blk, v ? "\tTRUE" : "\tFALSE");
		const char *ft = gx_zh(cJSON_GetArrayItem(ofb, 0), lang);
		const char *ff = gx_zh(cJSON_GetArrayItem(ofb, 1), lang);
		const char *wrong = v ? ff : ft, *right = v ? ft : ff;
		if (*wrong || *right) {
			cx_buf_putc(&blk, '#');
			gx_escape(&blk, wrong);
			if (*right) {
				cx_buf_putc(&blk, '#');
				gx_escape(&blk, right);
			}
		}
		cx_buf_putc(&blk, '\n');
	} else if (strcmp(type, "fill_in") == 0) {
		if (!cJSON_IsArray(ans) || cJSON_GetArraySize(ans) != 1) {
			cx_err(c, path, CXM_EXPORT_TYPE, "fill_in (> 1 blank)");
			ok = false;
		} else {
			const cJSON *alts = cJSON_GetArrayItem(ans, 0);
			int i = 0;
			const cJSON *a;
			if (cJSON_IsString(alts)) {
				cx_buf_puts(&blk, "\t=");
				gx_answer(&blk, alts->valuestring);
				gx_feedback(&blk, afb, 0, lang);
				cx_buf_putc(&blk, '\n');
			} else {
				cJSON_ArrayForEach(a, alts)
				{
					cx_buf_puts(&blk, "\t=");
					gx_answer(&blk, gx_zh(a, lang));
					gx_feedback(&blk, afb, i++, lang);
					cx_buf_putc(&blk, '\n');
				}
			}
		}
	} else if (strcmp(type, "numeric") == 0) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(q, "tolerance");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(q, "relative_tolerance");
		double qt = cJSON_IsNumber(t) ? t->valuedouble : 0;
		double qr = cJSON_IsNumber(r) ? r->valuedouble : 0;
		if (!cJSON_IsArray(ans) && !afb) {
			cx_buf_puts(&blk, "\t#");
			ok = gx_numeric_one(&blk, ans, qt, qr);
			cx_buf_putc(&blk, '\n');
		} else {
			cx_buf_puts(&blk, "\t#\n");
			int i = 0;
			const cJSON *a;
			if (!cJSON_IsArray(ans)) {
				cx_buf_puts(&blk, "\t=");
				ok = gx_numeric_one(&blk, ans, qt, qr);
				gx_feedback(&blk, afb, 0, lang);
				cx_buf_putc(&blk, '\n');
			} else {
				cJSON_ArrayForEach(a, ans)
				{
					cx_buf_puts(&blk, "\t=");
					ok = ok && gx_numeric_one(&blk, a, qt, qr);
					gx_feedback(&blk, afb, i++, lang);
					cx_buf_putc(&blk, '\n');
				}
			}
		}
		if (!ok)
			cx_err(c, path, CXM_EXPORT_TYPE, "numeric");
	} else if (strcmp(type, "matching") == 0) {
		const cJSON *left = cJSON_GetObjectItemCaseSensitive(q, "left");
		const cJSON *right = cJSON_GetObjectItemCaseSensitive(q, "right");
		int nr = cJSON_GetArraySize(right);
		bool used[64] = {false};
		int i = 0;
		const cJSON *l;
		cJSON_ArrayForEach(l, left)
		{
			const cJSON *a = cJSON_GetArrayItem(ans, i++);
			int j = cJSON_IsNumber(a) ? a->valueint : -1;
			if (j < 0 || j >= nr || j >= 64) {
				ok = false;
				break;
			}
			used[j] = true;
			cx_buf_puts(&blk, "\t=");
			gx_answer(&blk, gx_zh(l, lang));
			cx_buf_puts(&blk, " -> ");
			gx_escape(&blk, gx_zh(cJSON_GetArrayItem(right, j), lang));
			cx_buf_putc(&blk, '\n');
		}
		for (int j = 0; ok && j < nr && j < 64; j++)
			if (!used[j]) {
				cx_buf_puts(&blk, "\t= -> ");
				gx_escape(&blk, gx_zh(cJSON_GetArrayItem(right, j), lang));
				cx_buf_putc(&blk, '\n');
			}
		if (!ok)
			cx_err(c, path, CXM_EXPORT_TYPE, "matching");
	} else {
		char tp[CX_PATH_MAX];
		cx_err(c, cx_key(tp, path, "type"), CXM_EXPORT_TYPE, type);
		ok = false;
	}
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(q, "explanation");
	if (ok && ex) {
		cx_buf_puts(&blk, "\t####");
		gx_escape(&blk, gx_zh(ex, lang));
		cx_buf_putc(&blk, '\n');
	}
	if (!ok) {
		free(blk.s);
		cJSON_Delete(meta);
		return false;
	}
	if (meta->child) {
		char *m = cJSON_PrintUnformatted(meta);
		cx_buf_printf(b, "// @skillarena %s\n", m);
		free(m);
	}
	cJSON_Delete(meta);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(q, "name");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(q, "id");
	cx_buf_puts(b, "::");
	gx_escape(b, cJSON_IsString(name) ? name->valuestring : gx_zh(id, lang));
	cx_buf_puts(b, ":: ");
	const char *fmt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "text_format"));
	if (fmt)
		cx_buf_printf(b, "[%s]", fmt);
	const char *text = gx_zh(cJSON_GetObjectItemCaseSensitive(q, "text"), lang);
	const char *blank = strstr(text, "____");
	char *block = cx_buf_take(&blk);
	if (blank && blank[4]) {
		/* a missing-word question: the block stands where the blank is */
		char *before = cx_asprintf("%.*s", (int)(blank - text), text);
		gx_escape(b, before);
		free(before);
		cx_buf_printf(b, "{\n%s}", block);
		gx_escape(b, blank + 4);
		cx_buf_putc(b, '\n');
	} else {
		gx_escape(b, text);
		cx_buf_printf(b, " {\n%s}\n", block);
	}
	free(block);
	return true;
}

static char *gx_bank(cx *c, const cJSON *bank, const char *lang)
{
	cx_buf b = {0};
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(bank, "id");
	const cJSON *title = cJSON_GetObjectItemCaseSensitive(bank, "title");
	cx_buf_printf(&b, "// %s: %s\n", cJSON_GetStringValue(id) ? id->valuestring : "bank",
		      gx_zh(title, lang));
	cx_buf_puts(&b, "// SkillArena question bank in Moodle GIFT format\n");
	const cJSON *cats = cJSON_GetObjectItemCaseSensitive(bank, "categories");
	const char *cur = NULL;
	bool ok = true;
	int qi = 0;
	const cJSON *q;
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(bank, "questions"))
	{
		const char *cat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "category"));
		if (cat && (!cur || strcmp(cur, cat) != 0)) {
			const char *name = cat;
			const cJSON *cj;
			cJSON_ArrayForEach(cj, cats)
			{
				const char *cid =
					cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cj, "id"));
				if (cid && strcmp(cid, cat) == 0)
					name = gx_zh(cJSON_GetObjectItemCaseSensitive(cj, "title"), lang);
			}
			cx_buf_puts(&b, "\n$CATEGORY: ");
			gx_escape(&b, name);
			cx_buf_putc(&b, '\n');
			cur = cat;
		}
		cx_buf_putc(&b, '\n');
		if (!gx_question(c, &b, q, qi, lang))
			ok = false;
		qi++;
	}
	if (!ok) {
		free(b.s);
		return NULL;
	}
	return cx_buf_take(&b);
}

/* ---- JSON, laid out for people: two-space indent, short arrays on one line ---- */

static bool jx_flat(const cJSON *v)
{
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
		return true;
	/* language maps and arrays of scalars stay on one line */
	const cJSON *it;
	cJSON_ArrayForEach(it, v) if (cJSON_IsArray(it) || cJSON_IsObject(it)) return cJSON_IsArray(v) &&
		cJSON_IsArray(it) && jx_flat(it);
	return true;
}

static void jx_print(cx_buf *b, const cJSON *v, int depth)
{
	if (jx_flat(v) && !(cJSON_IsObject(v) && (depth < 2 || cJSON_GetArraySize(v) > 3))) {
		char *s = cJSON_PrintUnformatted(v);
		if (!s)
			abort();
		/* cJSON writes {"a":1,"b":2}; add the spaces people expect */
		bool in_str = false;
		for (const char *p = s; *p; p++) {
			cx_buf_putc(b, *p);
			if (in_str && *p == '\\' && p[1]) {
				cx_buf_putc(b, *++p);
				continue;
			}
			if (*p == '"')
				in_str = !in_str;
			else if (!in_str && (*p == ',' || *p == ':'))
				cx_buf_putc(b, ' ');
		}
		free(s);
		return;
	}
	bool obj = cJSON_IsObject(v);
	cx_buf_putc(b, obj ? '{' : '[');
	const cJSON *it;
	bool first = true;
	cJSON_ArrayForEach(it, v)
	{
		cx_buf_puts(b, first ? "\n" : ",\n");
		first = false;
		for (int i = 0; i <= depth; i++)
			cx_buf_puts(b, "  ");
		if (obj) {
			cJSON key = {.type = cJSON_String, .valuestring = it->string};
			char *k = cJSON_PrintUnformatted(&key);
			cx_buf_puts(b, k);
			cx_buf_puts(b, ": ");
			free(k);
		}
		jx_print(b, it, depth + 1);
	}
	if (!first) {
		cx_buf_putc(b, '\n');
		for (int i = 0; i < depth; i++)
			cx_buf_puts(b, "  ");
	}
	cx_buf_putc(b, obj ? '}' : ']');
}

char *cx_export_json(const cJSON *bank)
{
	cx_buf b = {0};
	jx_print(&b, bank, 0);
	cx_buf_putc(&b, '\n');
	return cx_buf_take(&b);
}

char *contest_bank_export(const contest_bank *bank, contest_bank_format fmt, const char *lang,
			  contest_diag *diag)
{
	cx c = {.file = "", .lang = lang, .diag = diag, .eng = NULL};
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(bank->root, "id");
	c.file = cJSON_GetStringValue(id) ? id->valuestring : "bank";
	if (fmt == CONTEST_BANK_JSON)
		return cx_export_json(bank->root);
	if (fmt == CONTEST_BANK_GIFT)
		return gx_bank(&c, bank->root, lang);
	cx_err(&c, NULL, CXM_BANK_FORMAT, contest_bank_format_name(fmt));
	return NULL;
}
