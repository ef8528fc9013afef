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
 * the same text (tests/unit/test_import_gift.c checks both). A question's
 * "name" is written as its ::name::, with its id in the comment unless
 * importing would give the same id back. Each type GIFT can express is a
 * row of gx_types[] with the writer of its answer block; questions of other
 * types (ordering, judged tasks) and fill_in with several blanks are
 * reported, and nothing is written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* Appends s[0..n) with GIFT's special characters escaped and line breaks as \n. */
static void gx_escape_n(cx_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-' && i + 1 < n && s[i + 1] == '>') {
			cx_buf_puts(b, "\\-"); /* an arrow in text, not a matching pair */
			continue;
		}
		if (strchr("~=#{}:\\", s[i])) {
			cx_buf_putc(b, '\\');
			cx_buf_putc(b, s[i]);
		} else if (s[i] == '\n') {
			cx_buf_puts(b, "\\n");
		} else if (s[i] != '\r') {
			cx_buf_putc(b, s[i]);
		}
	}
}

static void gx_escape(cx_buf *b, const char *s) { gx_escape_n(b, s, strlen(s)); }

/* An answer's text right after its = or ~: a leading % would read as a weight. */
static void gx_answer(cx_buf *b, const char *s)
{
	if (s[0] == '%')
		cx_buf_putc(b, ' ');
	gx_escape(b, s);
}

/* The zh-CN text of a language map: GIFT holds one language, English goes in @skillarena. */
static const char *gx_zh(const cJSON *v)
{
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

static void gx_feedback(cx_buf *b, const cJSON *fb, int k)
{
	const char *s = gx_zh(cJSON_GetArrayItem(fb, k));
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
static void gx_meta_en(cx *c, cJSON *meta, const cJSON *q)
{
	cJSON *en = cx_jnew(c, cJSON_CreateObject());
	static const char *const single[] = {"name", "text", "explanation", NULL};
	for (int k = 0; single[k]; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, single[k]);
		const cJSON *e = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "en") : NULL;
		if (cJSON_IsString(e))
			cx_jstr(c, en, single[k], e->valuestring);
	}
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(q, "options");
	bool any = false;
	const cJSON *o;
	cJSON_ArrayForEach(o, opts) any |= cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "en"));
	if (any) {
		cJSON *arr = cx_jadd(c, en, "options", cJSON_CreateArray());
		cJSON_ArrayForEach(o, opts)
		{
			const cJSON *e = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, "en") : NULL;
			cx_jpush(c, arr, cJSON_CreateString(cJSON_IsString(e) ? e->valuestring : ""));
		}
	}
	if (en && en->child)
		cx_jadd(c, meta, "en", en);
	else
		cJSON_Delete(en);
}

/* One question being written: its answer block goes to blk, what GIFT cannot say to meta. */
typedef struct gx_q {
	cx *c;
	const cJSON *q;
	const char *path; /* "$.questions[3]" */
	cx_buf blk;
	cJSON *meta;
} gx_q;

static const cJSON *gx_get(const gx_q *x, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(x->q, key);
}

static bool gx_choice(gx_q *x)
{
	const cJSON *opts = gx_get(x, "options"), *ans = gx_get(x, "answer"),
		    *ofb = gx_get(x, "option_feedback");
	bool multi = strcmp(cJSON_GetStringValue(gx_get(x, "type")), "multiple_choice") == 0;
	bool partial = cJSON_IsTrue(gx_get(x, "partial"));
	int n = cJSON_GetArraySize(opts), k = cJSON_IsArray(ans) ? cJSON_GetArraySize(ans) : 1;
	double pen = cJSON_IsNumber(gx_get(x, "wrong_pick_penalty"))
			     ? gx_get(x, "wrong_pick_penalty")->valuedouble
			     : 1;
	if (!partial)
		pen = 0;
	if (multi && !partial)
		cx_jadd(x->c, x->meta, "partial", cJSON_CreateFalse());
	if (multi && k == 1)
		cx_jadd(x->c, x->meta, "multiple", cJSON_CreateTrue());
	for (int i = 0; i < n; i++) {
		bool right = false;
		const cJSON *a;
		if (multi) {
			cJSON_ArrayForEach(a, ans) right |= cJSON_IsNumber(a) && a->valueint == i;
		} else {
			right = cJSON_IsNumber(ans) && ans->valueint == i;
		}
		cx_buf_puts(&x->blk, "\t");
		if (!multi) {
			cx_buf_putc(&x->blk, right ? '=' : '~');
			gx_answer(&x->blk, gx_zh(cJSON_GetArrayItem(opts, i)));
		} else {
			double w = 100.0 / k;
			cx_buf_putc(&x->blk, '~');
			gx_weight(&x->blk, right ? w : (pen > 0 ? -pen * w : 0));
			gx_escape(&x->blk, gx_zh(cJSON_GetArrayItem(opts, i)));
		}
		gx_feedback(&x->blk, ofb, i);
		cx_buf_putc(&x->blk, '\n');
	}
	return true;
}

static bool gx_true_false(gx_q *x)
{
	const cJSON *ofb = gx_get(x, "option_feedback");
	bool v = cJSON_IsTrue(gx_get(x, "answer"));
	cx_buf_puts(&x->blk, v ? "\tTRUE" : "\tFALSE");
	const char *ft = gx_zh(cJSON_GetArrayItem(ofb, 0));
	const char *ff = gx_zh(cJSON_GetArrayItem(ofb, 1));
	const char *wrong = v ? ff : ft, *right = v ? ft : ff;
	if (*wrong || *right) {
		cx_buf_putc(&x->blk, '#');
		gx_escape(&x->blk, wrong);
		if (*right) {
			cx_buf_putc(&x->blk, '#');
			gx_escape(&x->blk, right);
		}
	}
	cx_buf_putc(&x->blk, '\n');
	return true;
}

static bool gx_fill_in(gx_q *x)
{
	const cJSON *ans = gx_get(x, "answer"), *afb = gx_get(x, "answer_feedback");
	if (cJSON_IsTrue(gx_get(x, "partial")))
		cx_jadd(x->c, x->meta, "partial", cJSON_CreateTrue());
	if (!cJSON_IsArray(ans) || cJSON_GetArraySize(ans) != 1) {
		cx_err(x->c, x->path, CXM_EXPORT_TYPE, "fill_in (> 1 blank)");
		return false;
	}
	const cJSON *alts = cJSON_GetArrayItem(ans, 0);
	if (cJSON_IsString(alts)) {
		cx_buf_puts(&x->blk, "\t=");
		gx_answer(&x->blk, alts->valuestring);
		gx_feedback(&x->blk, afb, 0);
		cx_buf_putc(&x->blk, '\n');
		return true;
	}
	int i = 0;
	const cJSON *a;
	cJSON_ArrayForEach(a, alts)
	{
		cx_buf_puts(&x->blk, "\t=");
		gx_answer(&x->blk, gx_zh(a));
		gx_feedback(&x->blk, afb, i++);
		cx_buf_putc(&x->blk, '\n');
	}
	return true;
}

static bool gx_numeric(gx_q *x)
{
	const cJSON *ans = gx_get(x, "answer"), *afb = gx_get(x, "answer_feedback");
	const cJSON *t = gx_get(x, "tolerance"), *r = gx_get(x, "relative_tolerance");
	double qt = cJSON_IsNumber(t) ? t->valuedouble : 0;
	double qr = cJSON_IsNumber(r) ? r->valuedouble : 0;
	bool ok = true;
	if (!cJSON_IsArray(ans) && !afb) {
		cx_buf_puts(&x->blk, "\t#");
		ok = gx_numeric_one(&x->blk, ans, qt, qr);
		cx_buf_putc(&x->blk, '\n');
	} else if (!cJSON_IsArray(ans)) {
		cx_buf_puts(&x->blk, "\t#\n\t=");
		ok = gx_numeric_one(&x->blk, ans, qt, qr);
		gx_feedback(&x->blk, afb, 0);
		cx_buf_putc(&x->blk, '\n');
	} else {
		cx_buf_puts(&x->blk, "\t#\n");
		int i = 0;
		const cJSON *a;
		cJSON_ArrayForEach(a, ans)
		{
			cx_buf_puts(&x->blk, "\t=");
			ok = ok && gx_numeric_one(&x->blk, a, qt, qr);
			gx_feedback(&x->blk, afb, i++);
			cx_buf_putc(&x->blk, '\n');
		}
	}
	if (!ok)
		cx_err(x->c, x->path, CXM_EXPORT_TYPE, "numeric");
	return ok;
}

static bool gx_matching(gx_q *x)
{
	const cJSON *left = gx_get(x, "left"), *right = gx_get(x, "right"), *ans = gx_get(x, "answer");
	int nr = cJSON_GetArraySize(right);
	bool used[64] = {false};
	int i = 0;
	const cJSON *l;
	cJSON_ArrayForEach(l, left)
	{
		const cJSON *a = cJSON_GetArrayItem(ans, i++);
		int j = cJSON_IsNumber(a) ? a->valueint : -1;
		if (j < 0 || j >= nr || j >= 64) {
			cx_err(x->c, x->path, CXM_EXPORT_TYPE, "matching");
			return false;
		}
		used[j] = true;
		cx_buf_puts(&x->blk, "\t=");
		gx_answer(&x->blk, gx_zh(l));
		cx_buf_puts(&x->blk, " -> ");
		gx_escape(&x->blk, gx_zh(cJSON_GetArrayItem(right, j)));
		cx_buf_putc(&x->blk, '\n');
	}
	/* right items no left item matches: "= -> distractor" */
	for (int j = 0; j < nr && j < 64; j++)
		if (!used[j]) {
			cx_buf_puts(&x->blk, "\t= -> ");
			gx_escape(&x->blk, gx_zh(cJSON_GetArrayItem(right, j)));
			cx_buf_putc(&x->blk, '\n');
		}
	return true;
}

/* The types GIFT can express, each with the writer of its answer block. */
typedef struct gx_type {
	const char *type;
	bool (*write)(gx_q *x);
} gx_type;

static const gx_type gx_types[] = {
	{"single_choice", gx_choice}, {"multiple_choice", gx_choice}, {"true_false", gx_true_false},
	{"fill_in", gx_fill_in},      {"numeric", gx_numeric},        {"matching", gx_matching},
};

static const gx_type *gx_type_of(const char *type)
{
	for (size_t i = 0; i < sizeof gx_types / sizeof gx_types[0]; i++)
		if (strcmp(gx_types[i].type, type) == 0)
			return &gx_types[i];
	return NULL;
}

/*
 * The "::name::" of question qi, and what keeps it exact: a question with a
 * name writes it (its zh-CN text; "en" goes to meta) and, unless importing
 * would give it back its id anyway (an unnamed-looking name numbered q<k>
 * by position), its id in meta.
 */
static const char *gx_name(gx_q *x, int qi)
{
	const cJSON *name = gx_get(x, "name");
	const char *id = cJSON_GetStringValue(gx_get(x, "id"));
	if (!name)
		return id ? id : "";
	const char *zh = gx_zh(name);
	char numbered[32];
	snprintf(numbered, sizeof numbered, "q%d", qi + 1);
	if (id && (cx_is_id(zh) || strcmp(id, numbered) != 0))
		cx_jstr(x->c, x->meta, "id", id);
	return zh;
}

/* The text, with the block where a missing word's "____" is. */
static void gx_text(cx_buf *b, const char *text, const char *block)
{
	const char *blank = strstr(text, "____");
	if (blank && blank[4]) {
		gx_escape_n(b, text, (size_t)(blank - text));
		cx_buf_printf(b, "{\n%s}", block);
		gx_escape(b, blank + 4);
		cx_buf_putc(b, '\n');
	} else {
		gx_escape(b, text);
		cx_buf_printf(b, " {\n%s}\n", block);
	}
}

/* One question in GIFT; false (after reporting) when GIFT cannot say it. */
static bool gx_question(cx *c, cx_buf *b, const cJSON *q, int qi)
{
	char path[CX_PATH_MAX];
	gx_q x = {.c = c, .q = q, .path = cx_idx(path, "$.questions", qi)};
	const char *type = cJSON_GetStringValue(gx_get(&x, "type"));
	if (!type) {
		cx_err(c, path, CXM_MISSING, "type");
		return false;
	}
	const gx_type *row = gx_type_of(type);
	if (!row) {
		char tp[CX_PATH_MAX];
		cx_err(c, cx_key(tp, path, "type"), CXM_EXPORT_TYPE, type);
		return false;
	}
	x.meta = cx_jnew(c, cJSON_CreateObject());
	const char *name = gx_name(&x, qi);
	for (int k = 0; gx_meta_fields[k]; k++) {
		const cJSON *v = gx_get(&x, gx_meta_fields[k]);
		if (v)
			cx_jadd(c, x.meta, gx_meta_fields[k], cJSON_Duplicate(v, true));
	}
	bool ok = row->write(&x);
	gx_meta_en(c, x.meta, q);
	const cJSON *ex = gx_get(&x, "explanation");
	if (ok && ex) {
		cx_buf_puts(&x.blk, "\t####");
		gx_escape(&x.blk, gx_zh(ex));
		cx_buf_putc(&x.blk, '\n');
	}
	char *m = ok && x.meta && x.meta->child ? cJSON_PrintUnformatted(x.meta) : NULL;
	char *block = ok ? cx_buf_take(c, &x.blk) : NULL;
	if (ok && x.meta && x.meta->child && !m)
		cx_oom(c);
	if (ok && block && !c->nomem) {
		if (m)
			cx_buf_printf(b, "// @skillarena %s\n", m);
		cx_buf_puts(b, "::");
		gx_escape(b, name);
		cx_buf_puts(b, ":: ");
		const char *fmt = cJSON_GetStringValue(gx_get(&x, "text_format"));
		if (fmt)
			cx_buf_printf(b, "[%s]", fmt);
		gx_text(b, gx_zh(gx_get(&x, "text")), block);
	}
	free(m);
	free(block);
	cx_buf_release(&x.blk);
	cJSON_Delete(x.meta);
	return ok;
}

char *cx_export_gift(cx *c, const cJSON *bank)
{
	cx_buf b = {0};
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(bank, "id");
	const cJSON *title = cJSON_GetObjectItemCaseSensitive(bank, "title");
	cx_buf_printf(&b, "// %s: %s\n", cJSON_GetStringValue(id) ? id->valuestring : "bank", gx_zh(title));
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
					name = gx_zh(cJSON_GetObjectItemCaseSensitive(cj, "title"));
			}
			/* the importer drops one "$course$/"-style prefix and then "top/": keep a name that starts so */
			cx_buf_puts(&b, name[0] == '$' || strncmp(name, "top/", 4) == 0 ? "\n$CATEGORY: top/"
											: "\n$CATEGORY: ");
			gx_escape(&b, name);
			cx_buf_putc(&b, '\n');
			cur = cat;
		}
		cx_buf_putc(&b, '\n');
		ok &= gx_question(c, &b, q, qi++);
	}
	if (!ok || c->nomem) {
		cx_buf_release(&b);
		return NULL;
	}
	return cx_buf_take(c, &b);
}

/* ---- JSON, laid out for people: two-space indent, short arrays on one line ---- */

static bool jx_flat(const cJSON *v)
{
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
		return true;
	/* language maps and arrays of scalars stay on one line */
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		if (cJSON_IsArray(it) || cJSON_IsObject(it))
			return cJSON_IsArray(v) && cJSON_IsArray(it) && jx_flat(it);
	}
	return true;
}

/* Appends v as cJSON writes it, with the spaces people expect after , and : (b fails on no memory). */
static void jx_inline(cx_buf *b, const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);
	if (!s) {
		b->failed = true;
		return;
	}
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
}

static void jx_print(cx_buf *b, const cJSON *v, int depth)
{
	if (jx_flat(v) && !(cJSON_IsObject(v) && (depth < 2 || cJSON_GetArraySize(v) > 3))) {
		jx_inline(b, v);
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
			jx_inline(b, &key);
			cx_buf_puts(b, ": ");
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

char *cx_export_json(cx *c, const cJSON *bank)
{
	cx_buf b = {0};
	jx_print(&b, bank, 0);
	cx_buf_putc(&b, '\n');
	return cx_buf_take(c, &b);
}

int contest_bank_export(const contest_bank *bank, contest_bank_format fmt, const char *lang, char **out,
			contest_diag *diag)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bank->root, "id"));
	cx c = {.file = id ? id : "bank", .lang = lang, .diag = diag, .eng = NULL};
	size_t before = cx_nerr(&c);
	*out = NULL;
	if (fmt == CONTEST_BANK_JSON)
		*out = cx_export_json(&c, bank->root);
	else if (fmt == CONTEST_BANK_GIFT)
		*out = cx_export_gift(&c, bank->root);
	else
		cx_err(&c, NULL, CXM_BANK_FORMAT, contest_bank_format_name(fmt));
	if (*out)
		return CONTEST_OK;
	int rc = cx_result(&c, before);
	return rc == CONTEST_OK ? CONTEST_E_INVALID : rc;
}
