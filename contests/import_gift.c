/*
 * import_gift.c - Moodle GIFT: question banks as plain text.
 *
 *   $CATEGORY: 安全生产/消防
 *   ::fire-01:: 全国统一的火灾报警电话是？ {
 *     ~110 =119#正确，119 是火警电话 ~120 ~122
 *     ####119 火警、120 急救、110 报警、122 交通事故。
 *   }
 *
 * Questions are separated by blank lines; lines starting with // are
 * comments; "$CATEGORY: path" sets the category of the questions after it.
 * A question is [::name::] [[format]] text {answers} [more text]; the
 * answer block decides the type (import_gift_answers.c):
 *
 *   {T} {FALSE#wrong feedback#right feedback}     true_false
 *   {=right ~wrong ~wrong}                        single_choice
 *   {~%50%a ~%50%b ~%-50%c}                       multiple_choice, partial
 *                                                 credit (equal weights)
 *   {=answer =other answer}                       fill_in (short answer)
 *   {=left -> right =left -> right}               matching
 *   {#3.14:0.01} {#1..5} {# =10:1 =20:0}          numeric, tolerance, ranges
 *   {}                                            essay: skipped with a warning
 *
 * "#feedback" follows an answer, "####feedback" ends the block (general
 * feedback, kept as the explanation); text after the block makes a
 * missing-word question whose text shows "____" where the block was.
 * \~ \= \# \{ \} \: \\ escape the special characters, \n is a line break,
 * \-> is an arrow in text (not a matching pair). A name that is a valid id
 * becomes the question's id; another is kept as "name", and the question
 * is numbered q<position>.
 *
 * What GIFT cannot say (difficulty, tags, points, all-or-nothing multiple
 * choice, English texts, an id beside a name) travels in a comment GIFT
 * readers ignore, just before a question:
 *   // @skillarena {"difficulty": "hard", "tags": ["消防"]}
 * so a bank exported to GIFT and imported again is the same bank.
 *
 * Every problem is reported at its line and column; the file is read to the
 * end so all of them are found at once.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_gift.h"

/* Fields an @skillarena comment may set on the question that follows it. */
static const char *const gift_meta_fields[] = {
	"difficulty",  "tags", "points",  "time_limit_s",    "partial", "wrong_pick_penalty",
	"ignore_case", "unit", "scoring", "shuffle_options", "en",      "multiple",
	"id",          NULL};
/* The language maps whose English text "en" may give. */
static const char *const gift_en_fields[] = {"name", "text", "options", "explanation", NULL};

static const char *const gift_formats[] = {"html", "moodle", "plain", "markdown", NULL};

void gift_err(gift *g, size_t off, cx_msg m, ...)
{
	int line, col;
	cx_line_col(g->orig, off, &line, &col);
	va_list ap;
	va_start(ap, m);
	cx_verr_at(g->c, line, col, NULL, m, ap);
	va_end(ap);
}

bool gift_en(const gift *g) { return g->c->lang && strcmp(g->c->lang, "en") == 0; }

size_t gift_find(const char *t, size_t a, size_t b, char ch)
{
	for (size_t i = a; i < b; i++) {
		if (t[i] == '\\' && i + 1 < b) {
			i++;
			continue;
		}
		if (t[i] == ch)
			return i;
	}
	return b;
}

size_t gift_find_str(const char *t, size_t a, size_t b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = a; i + n <= b; i++) {
		if (t[i] == '\\') {
			i++;
			continue;
		}
		if (strncmp(t + i, s, n) == 0)
			return i;
	}
	return b;
}

void gift_trim(const char *t, size_t *a, size_t *b)
{
	while (*a < *b && isspace((unsigned char)t[*a]))
		(*a)++;
	/* a blank after a backslash is not an escape in GIFT: trim it too, so that
	 * "text\\ " reads as "text\\" and exports back the same */
	while (*b > *a && isspace((unsigned char)t[*b - 1]))
		(*b)--;
}

char *gift_text_raw(gift *g, size_t a, size_t b, bool raw)
{
	const char *t = g->t;
	if (!raw)
		gift_trim(t, &a, &b);
	cx_buf out = {0};
	for (size_t i = a; i < b; i++) {
		if (t[i] == '\\' && i + 1 < b) {
			char n = t[i + 1];
			if (strchr("~=#{}:\\", n)) {
				cx_buf_putc(&out, n);
				i++;
				continue;
			}
			if (n == 'n') {
				cx_buf_putc(&out, '\n');
				i++;
				continue;
			}
			if (n == '-' && i + 2 < b && t[i + 2] == '>') {
				/* "\->": an arrow that is text, not a matching pair */
				cx_buf_putc(&out, '-');
				i++;
				continue;
			}
		}
		cx_buf_putc(&out, t[i]);
	}
	return cx_buf_take(g->c, &out);
}

char *gift_text(gift *g, size_t a, size_t b) { return gift_text_raw(g, a, b, false); }

/* Blanks comment lines (keeping offsets); @skillarena comments stay, for the block reader. */
static void gift_blank_comments(gift *g)
{
	size_t i = 0;
	while (i < g->len) {
		size_t eol = i;
		while (eol < g->len && g->t[eol] != '\n')
			eol++;
		size_t p = i;
		while (p < eol && (g->t[p] == ' ' || g->t[p] == '\t'))
			p++;
		if (eol - p >= 2 && g->t[p] == '/' && g->t[p + 1] == '/' &&
		    strncmp(g->t + p, "// @skillarena", 14) != 0)
			memset(g->t + i, ' ', eol - i);
		i = eol + 1;
	}
}

/* ---- @skillarena comments ---- */

/* Why an @skillarena object cannot be used, or NULL. */
static const char *gift_meta_problem(const gift *g, const cJSON *m)
{
	if (!cJSON_IsObject(m))
		return gift_en(g) ? "not a JSON object" : "不是 JSON 对象";
	for (const cJSON *it = m->child; it; it = it->next) {
		bool known = false;
		for (int k = 0; gift_meta_fields[k]; k++)
			known |= strcmp(gift_meta_fields[k], it->string) == 0;
		if (strcmp(it->string, "en") == 0) {
			known = cJSON_IsObject(it);
			for (const cJSON *e = known ? it->child : NULL; e; e = e->next) {
				bool en_known = false;
				for (int k = 0; gift_en_fields[k]; k++)
					en_known |= strcmp(gift_en_fields[k], e->string) == 0;
				known &= en_known;
			}
		}
		if (!known)
			return gift_en(g) ? "unknown field" : "未知字段";
	}
	return NULL;
}

/* "// @skillarena {...}" at [a, eol): parse into g->meta. */
static void gift_meta(gift *g, size_t a, size_t eol)
{
	size_t j = a + 14;
	cJSON_Delete(g->meta);
	g->meta = NULL;
	const char *end;
	cJSON *m = cx_json_parse(g->c, g->t + j, eol - j, &end);
	const char *why = g->c->nomem ? NULL : gift_meta_problem(g, m);
	if (why) {
		gift_err(g, a, CXM_GIFT_META, why);
		cJSON_Delete(m);
		return;
	}
	g->meta = m;
	int col;
	cx_line_col(g->orig, a, &g->meta_line, &col);
}

/* The language map {"zh-CN": zh, "en": en}; NULL on no memory. */
static cJSON *gift_langmap(cx *c, const char *zh, const char *en)
{
	cJSON *m = cx_jnew(c, cJSON_CreateObject());
	cx_jstr(c, m, "zh-CN", zh);
	cx_jstr(c, m, "en", en);
	if (c->nomem) {
		cJSON_Delete(m);
		return NULL;
	}
	return m;
}

/* English texts ("en": {"text", "options", "explanation", "name"}) make q's texts language maps. */
static void gift_apply_en(cx *c, cJSON *q, const cJSON *en)
{
	const cJSON *tx;
	cJSON_ArrayForEach(tx, en)
	{
		const cJSON *zh = cJSON_GetObjectItemCaseSensitive(q, tx->string);
		if (cJSON_IsString(zh) && cJSON_IsString(tx)) {
			cx_jset(c, q, tx->string, gift_langmap(c, zh->valuestring, tx->valuestring));
		} else if (cJSON_IsArray(zh) && cJSON_IsArray(tx) &&
			   cJSON_GetArraySize(zh) == cJSON_GetArraySize(tx)) {
			cJSON *na = cx_jnew(c, cJSON_CreateArray());
			const cJSON *z = zh->child, *e = tx->child;
			for (; z && e && na; z = z->next, e = e->next) {
				bool both = cJSON_IsString(z) && cJSON_IsString(e) && *e->valuestring;
				cx_jpush(c, na,
					 both ? gift_langmap(c, z->valuestring, e->valuestring)
					      : cJSON_Duplicate(z, true));
			}
			if (c->nomem)
				cJSON_Delete(na);
			else
				cx_jset(c, q, tx->string, na);
		}
	}
}

/* Merges the pending @skillarena object into q. */
static void gift_apply_meta(gift *g, cJSON *q)
{
	cx *c = g->c;
	if (!g->meta)
		return;
	for (cJSON *it = g->meta->child; it && !c->nomem;) {
		cJSON *next = it->next;
		cJSON *d = cJSON_DetachItemViaPointer(g->meta, it);
		if (strcmp(d->string, "multiple") == 0) {
			cJSON_Delete(d); /* used by the choice reader */
		} else if (strcmp(d->string, "en") == 0) {
			gift_apply_en(c, q, d);
			cJSON_Delete(d);
		} else {
			cx_jset(c, q, d->string, d);
		}
		it = next;
	}
	cJSON_Delete(g->meta);
	g->meta = NULL;
	/* all-or-nothing multiple choice is the default shape: no partial fields */
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(q, "partial"))) {
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "type"));
		cJSON_DeleteItemFromObjectCaseSensitive(q, "partial");
		if (type && strcmp(type, "multiple_choice") == 0)
			cJSON_DeleteItemFromObjectCaseSensitive(q, "wrong_pick_penalty");
	}
}

/* ---- questions ---- */

static const char *gift_category_name(const char *s)
{
	static const char *const prefixes[] = {"$course$/", "$system$/", "$module$/", "$cat1$/", NULL};
	for (int k = 0; prefixes[k]; k++)
		if (strncmp(s, prefixes[k], strlen(prefixes[k])) == 0) {
			s += strlen(prefixes[k]);
			break;
		}
	if (strncmp(s, "top/", 4) == 0)
		s += 4;
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Reads the @skillarena and $CATEGORY lines at the top of block [*a, b); false when nothing follows. */
static bool gift_preamble(gift *g, size_t *a, size_t b)
{
	const char *t = g->t;
	for (;;) {
		while (*a < b && isspace((unsigned char)t[*a]))
			(*a)++;
		if (*a >= b)
			return false;
		size_t eol = *a;
		while (eol < b && t[eol] != '\n')
			eol++;
		if (strncmp(t + *a, "// @skillarena", 14) == 0) {
			gift_meta(g, *a, eol);
		} else if (strncmp(t + *a, "$CATEGORY:", 10) == 0) {
			char *name = gift_text(g, *a + 10, eol);
			const char *n = name ? gift_category_name(name) : "";
			free(g->category);
			g->category = *n ? cx_dup(g->c, n) : NULL;
			free(name);
		} else {
			return true;
		}
		*a = eol;
	}
}

/* A question that is skipped (description, essay): a warning, and its @skillarena is dropped. */
static void gift_skip(gift *g, int line, int col, cx_msg m)
{
	if (g->im->warn) {
		cx w = *g->c;
		w.diag = g->im->warn;
		cx_err_at(&w, line, col, NULL, m);
		g->c->nomem |= w.nomem;
	}
	g->im->nwarn++;
	cJSON_Delete(g->meta);
	g->meta = NULL;
}

/* The text: before the block, plus "____" and the rest for a missing word. */
static char *gift_question_text(gift *g, size_t i, size_t open, size_t close, size_t after_a, size_t after_b)
{
	if (after_a >= after_b)
		return gift_text(g, i, open);
	/* keep the spacing around the block: "is {=Paris} of" -> "is ____ of" */
	char *before = gift_text_raw(g, i, open, true);
	char *after = gift_text_raw(g, close + 1, after_b, true);
	char *joined = before && after ? cx_printf(g->c, "%s____%s", before, after) : NULL;
	char *txt = NULL;
	if (joined) {
		size_t ja = 0, jb = strlen(joined);
		gift_trim(joined, &ja, &jb);
		txt = cx_printf(g->c, "%.*s", (int)(jb - ja), joined + ja);
	}
	free(before);
	free(after);
	free(joined);
	return txt;
}

/* The question in a readable key order (id, name, type, category, text, the type's fields, explanation). */
static cJSON *gift_assemble(gift *g, cJSON *q, const char *format, const char *txt)
{
	cx *c = g->c;
	cJSON *out = cx_jnew(c, cJSON_CreateObject());
	static const char *const head[] = {"id", "name", "type", NULL};
	for (int k = 0; head[k] && out; k++) {
		cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(q, head[k]);
		if (v)
			cx_jadd(c, out, head[k], v);
	}
	const char *cat = g->category ? g->category : g->im->default_category;
	const char *cid = cat ? cx_imp_category(c, g->im, cat) : NULL;
	if (cid)
		cx_jstr(c, out, "category", cid);
	if (format)
		cx_jstr(c, out, "text_format", format);
	cx_jstr(c, out, "text", txt);
	cJSON *expl = cJSON_DetachItemFromObjectCaseSensitive(q, "explanation");
	while (q->child && out) {
		cJSON *d = cJSON_DetachItemViaPointer(q, q->child);
		cx_jadd(c, out, d->string, d);
	}
	if (expl)
		cx_jadd(c, out, "explanation", expl);
	if (c->nomem) {
		cJSON_Delete(out);
		return NULL;
	}
	gift_apply_meta(g, out);
	return out;
}

/* "::name::" at [i, b): the name (NULL when none) and *i after it; false after reporting. */
static bool gift_name(gift *g, size_t *i, size_t b, char **name)
{
	*name = NULL;
	if (b - *i < 2 || g->t[*i] != ':' || g->t[*i + 1] != ':')
		return true;
	size_t close = gift_find_str(g->t, *i + 2, b, "::");
	if (close == b) {
		gift_err(g, *i, CXM_GIFT_NAME);
		return false;
	}
	*name = gift_text(g, *i + 2, close);
	*i = close + 2;
	return *name != NULL;
}

/* "[html]" and the other text formats at *i; NULL when none. */
static const char *gift_format(const char *t, size_t *i, size_t b)
{
	if (*i >= b || t[*i] != '[')
		return NULL;
	for (int k = 0; gift_formats[k]; k++) {
		size_t n = strlen(gift_formats[k]);
		if (*i + n + 2 <= b && strncmp(t + *i + 1, gift_formats[k], n) == 0 && t[*i + n + 1] == ']') {
			*i += n + 2;
			return gift_formats[k];
		}
	}
	return NULL;
}

/* Where the answer block is in [i, b): *open and *close; false after reporting (or a description). */
static bool gift_braces(gift *g, size_t i, size_t b, size_t *open, size_t *close, int line, int col)
{
	const char *t = g->t;
	*open = gift_find(t, i, b, '{');
	size_t stray = gift_find(t, i, *open, '}');
	if (stray < *open) {
		gift_err(g, stray, CXM_GIFT_STRAY, "}");
		return false;
	}
	if (*open == b) {
		gift_skip(g, line, col, CXM_GIFT_DESCRIPTION);
		return false;
	}
	*close = gift_find(t, *open + 1, b, '}');
	if (*close == b) {
		gift_err(g, *open, CXM_GIFT_UNCLOSED);
		return false;
	}
	size_t after_a = *close + 1, after_b = b;
	gift_trim(t, &after_a, &after_b);
	size_t again = gift_find(t, after_a, after_b, '{');
	stray = gift_find(t, after_a, after_b, '}');
	if (again < after_b)
		gift_err(g, again, CXM_GIFT_SECOND_BLOCK);
	else if (stray < after_b)
		gift_err(g, stray, CXM_GIFT_STRAY, "}");
	return again == after_b && stray == after_b;
}

/* Parses one block [a, b) of the text. */
static void gift_question(gift *g, size_t a, size_t b)
{
	cx *c = g->c;
	if (!gift_preamble(g, &a, b))
		return;
	int line, col;
	cx_line_col(g->orig, a, &line, &col);
	size_t i = a, open, close;
	char *name = NULL;
	bool ok = gift_name(g, &i, b, &name);
	while (i < b && isspace((unsigned char)g->t[i]))
		i++;
	const char *format = gift_format(g->t, &i, b);
	cJSON *q = NULL, *out = NULL;
	if (ok && gift_braces(g, i, b, &open, &close, line, col) && (q = cx_jnew(c, cJSON_CreateObject()))) {
		/* the id: the name when it is a valid id (and @skillarena names no other), else numbered at the end */
		bool meta_id = g->meta && cJSON_GetObjectItemCaseSensitive(g->meta, "id");
		bool named = name && !meta_id && cx_is_id(name);
		cx_jstr(c, q, "id", named ? name : "");
		if (name && !named && *name)
			cx_jstr(c, q, "name", name);
		int rc = c->nomem ? -1 : gift_block(g, open + 1, close, q);
		if (rc == 1)
			gift_skip(g, line, col, CXM_GIFT_ESSAY);
		size_t after_a = close + 1, after_b = b;
		gift_trim(g->t, &after_a, &after_b);
		char *txt = rc == 0 ? gift_question_text(g, i, open, close, after_a, after_b) : NULL;
		out = txt ? gift_assemble(g, q, format, txt) : NULL;
		free(txt);
	}
	if (out) {
		cx_imp_add(c, g->im, out, line);
	} else {
		cJSON_Delete(g->meta); /* it belonged to this question */
		g->meta = NULL;
	}
	free(name);
	cJSON_Delete(q);
}

/* Gives unnamed questions the ids q1, q2, ... (by position), avoiding the names in use. */
static void gift_number_ids(cx *c, cx_imp *im)
{
	int k = 0;
	cJSON *q;
	cJSON_ArrayForEach(q, im->questions)
	{
		k++;
		cJSON *id = cJSON_GetObjectItemCaseSensitive(q, "id");
		if (!cJSON_IsString(id) || *id->valuestring)
			continue;
		char buf[40];
		for (int suffix = 0;; suffix++) {
			if (suffix)
				snprintf(buf, sizeof buf, "q%d-%d", k, suffix);
			else
				snprintf(buf, sizeof buf, "q%d", k);
			bool used = false;
			const cJSON *o;
			cJSON_ArrayForEach(o, im->questions)
			{
				const char *s =
					cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "id"));
				used |= s && strcmp(s, buf) == 0;
			}
			if (!used)
				break;
		}
		cx_jset(c, q, "id", cJSON_CreateString(buf));
	}
}

int cx_import_gift(cx *c, const char *text, size_t len, const contest_import_opts *o, cx_imp *im)
{
	gift g = {.c = c, .orig = text, .len = len, .im = im};
	if (!(g.t = cx_alloc(c, len + 1)))
		return -1;
	memcpy(g.t, text, len);
	gift_blank_comments(&g);
	/* blocks are separated by blank lines */
	size_t i = 0, start = 0;
	bool in_block = false;
	while (i <= len && !c->nomem) {
		size_t eol = i;
		while (eol < len && g.t[eol] != '\n')
			eol++;
		bool blank = true;
		for (size_t k = i; k < eol; k++)
			if (!isspace((unsigned char)g.t[k]))
				blank = false;
		if (blank) {
			if (in_block)
				gift_question(&g, start, i);
			in_block = false;
		} else if (!in_block) {
			start = i;
			in_block = true;
		}
		if (eol >= len) {
			if (in_block)
				gift_question(&g, start, len);
			break;
		}
		i = eol + 1;
	}
	if (g.meta) {
		gift_err(&g, 0, CXM_GIFT_META, gift_en(&g) ? "no question follows it" : "其后没有题目");
		cJSON_Delete(g.meta);
	}
	gift_number_ids(c, im);
	free(g.category);
	free(g.t);
	return 0;
}
